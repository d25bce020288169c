# cmake -DSOURCE_DIR=... -DWORK=... -DGENERATOR=... -P install_unbuilt.cmake
# A header-only user configures fakegraph and installs it without building anything:
#   cmake -S <fakegraph> -B b && cmake --install b --prefix P
# The headers and the package files must be installed, and the program (never built) not.
file(REMOVE_RECURSE "${WORK}")
set(build "${WORK}/build")
set(prefix "${WORK}/prefix")
execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${build}" -G "${GENERATOR}"
    -DFAKEGRAPH_BUILD_TESTS=OFF -DFAKEGRAPH_BUILD_EXAMPLES=OFF
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "configuring ${SOURCE_DIR} failed: ${result}")
endif()
execute_process(
  COMMAND "${CMAKE_COMMAND}" --install "${build}" --prefix "${prefix}"
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "cmake --install of a configured, unbuilt tree failed: ${result}")
endif()
foreach(file IN ITEMS
    include/fakegraph/fakegraph.hpp
    share/cmake/fakegraph/fakegraphConfig.cmake
    share/cmake/fakegraph/fakegraphTargets.cmake)
  if(NOT EXISTS "${prefix}/${file}")
    message(FATAL_ERROR "not installed: ${file}")
  endif()
endforeach()
if(EXISTS "${prefix}/bin/fakegraph-server")
  message(FATAL_ERROR "bin/fakegraph-server was installed, but it was never built")
endif()
message(STATUS "installed without building: headers and package files, no program")
