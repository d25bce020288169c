# A test that fails, saying which tool is missing: what examples/CMakeLists.txt registers
# instead of a test in another language when its interpreter or browser is not installed
# and CI=true (so CI cannot pass by skipping it).
#   cmake -DMESSAGE="..." -P fakegraphMissingTool.cmake
message(FATAL_ERROR "${MESSAGE}")
