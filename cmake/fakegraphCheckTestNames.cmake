# cmake "-DEXECUTABLES=<exe>|<exe>..." -P fakegraphCheckTestNames.cmake
# Debian's Catch2 2.13 test discovery cuts a TEST_CASE name at ';' into pieces that
# match no test case, so that test would never run under CTest. This names them.
string(REPLACE "|" ";" executables "${EXECUTABLES}")
set(bad "")
foreach(exe IN LISTS executables)
  execute_process(COMMAND "${exe}" --list-test-names-only OUTPUT_VARIABLE names)
  string(REPLACE ";" "<semicolon>" names "${names}")
  string(REPLACE "\n" ";" names "${names}")
  foreach(name IN LISTS names)
    if(name MATCHES "<semicolon>")
      string(REPLACE "<semicolon>" ";" name "${name}")
      string(APPEND bad "\n  ${name}")
    endif()
  endforeach()
endforeach()
if(bad)
  message(FATAL_ERROR "TEST_CASE names must not contain ';' (CTest's Catch2 discovery "
    "splits them and the pieces run nothing). Rename:${bad}")
endif()
