# cmake -DSOURCE_DIR=... -DWORK=... -DGENERATOR=... [-DCOMPILED=ON] [-DCXX=...]
#       [-DBUILD_TYPE=...] [-DNLOHMANN_DIR=...] -P install_fresh.cmake
# Configures fakegraph on its own and installs it into WORK/prefix, as a user would:
#   header-only (default): cmake -S <fakegraph> -B b && cmake --install b --prefix P, with
#     nothing built: the headers and the package files are installed, the program not;
#   COMPILED=ON: with -DFAKEGRAPH_COMPILED_LIB=ON, the library is built, then installed
#     with an architecture-specific package (lib/cmake).
file(REMOVE_RECURSE "${WORK}")
set(build "${WORK}/build")
set(prefix "${WORK}/prefix")

set(configure_options -DFAKEGRAPH_BUILD_TESTS=OFF -DFAKEGRAPH_BUILD_EXAMPLES=OFF)
foreach(pair IN ITEMS CXX:CMAKE_CXX_COMPILER BUILD_TYPE:CMAKE_BUILD_TYPE
    NLOHMANN_DIR:nlohmann_json_DIR)
  string(REPLACE ":" ";" pair "${pair}")
  list(GET pair 0 given)
  list(GET pair 1 variable)
  if(${given})
    list(APPEND configure_options "-D${variable}=${${given}}")
  endif()
endforeach()
if(COMPILED)
  # The server is a separate, header-only target; leaving it out keeps this build short.
  list(APPEND configure_options -DFAKEGRAPH_COMPILED_LIB=ON -DFAKEGRAPH_WITH_SERVER=OFF)
endif()

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${what} failed: ${result}")
  endif()
endfunction()

run("configuring ${SOURCE_DIR}"
  "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${build}" -G "${GENERATOR}" ${configure_options})
if(COMPILED)
  run("building the compiled library" "${CMAKE_COMMAND}" --build "${build}")
  # lib/ or lib/<multiarch>/, as GNUInstallDirs chooses.
  set(expected libfakegraph.a cmake/fakegraph/fakegraphConfig.cmake
    cmake/fakegraph/fakegraphTargets.cmake)
else()
  set(expected share/cmake/fakegraph/fakegraphConfig.cmake
    share/cmake/fakegraph/fakegraphTargets.cmake)
endif()
run("cmake --install of ${build}" "${CMAKE_COMMAND}" --install "${build}" --prefix "${prefix}")

foreach(file IN ITEMS include/fakegraph/fakegraph.hpp ${expected})
  if(COMPILED AND NOT file MATCHES "^include/")
    file(GLOB found "${prefix}/lib/${file}" "${prefix}/lib/*/${file}")
  elseif(EXISTS "${prefix}/${file}")
    set(found "${prefix}/${file}")
  else()
    set(found "")
  endif()
  if(NOT found)
    message(FATAL_ERROR "not installed: ${file}")
  endif()
endforeach()
if(EXISTS "${prefix}/bin/fakegraph-server")
  message(FATAL_ERROR "bin/fakegraph-server was installed, but it was never built")
endif()
message(STATUS "installed: ${expected}")
