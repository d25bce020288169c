# The program every consumer project builds and runs: consumer.cpp linked to `target`.
# FAKEGRAPH_EXPECT_COMPILED=ON: the project asked for the compiled library, and the
# program checks that fakegraph::fakegraph says so to its users.
set(fakegraph_consumer_source "${CMAKE_CURRENT_LIST_DIR}/consumer.cpp")

function(fakegraph_consumer target)
  add_executable(consumer "${fakegraph_consumer_source}")
  target_link_libraries(consumer PRIVATE ${target})
  if(FAKEGRAPH_EXPECT_COMPILED)
    target_compile_definitions(consumer PRIVATE FAKEGRAPH_EXPECT_COMPILED)
  endif()
  enable_testing()
  add_test(NAME consumer COMMAND consumer)
endfunction()
