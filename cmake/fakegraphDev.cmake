# Flags for fakegraph's OWN targets (tests, examples, tools). Nothing here is ever
# put on fakegraph::fakegraph: consumers get only cxx_std_17 and the include path.
include_guard(GLOBAL)

# -Werror warnings when FAKEGRAPH_DEVELOPER_MODE is on (CI); plain warnings otherwise,
# so a user's build never fails on a newer compiler's new warning.
function(fakegraph_add_warnings target)
  if(MSVC)
    set(flags /W4 /permissive-)
    if(FAKEGRAPH_DEVELOPER_MODE)
      list(APPEND flags /WX)
    endif()
  else()
    set(flags -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion)
    if(FAKEGRAPH_DEVELOPER_MODE)
      list(APPEND flags -Werror)
    endif()
  endif()
  target_compile_options(${target} PRIVATE ${flags})
endfunction()

# FAKEGRAPH_SANITIZE: OFF; ON or address (ASan + UBSan); thread (TSan, which cannot be
# combined with ASan).
function(fakegraph_add_sanitizers target)
  if(NOT FAKEGRAPH_SANITIZE)
    return()
  endif()
  string(TOLOWER "${FAKEGRAPH_SANITIZE}" kind)
  if(MSVC)
    if(kind STREQUAL "thread")
      message(FATAL_ERROR "FAKEGRAPH_SANITIZE=thread: MSVC has no ThreadSanitizer")
    endif()
    target_compile_options(${target} PRIVATE /fsanitize=address)
  else()
    if(kind STREQUAL "thread")
      set(flags -fsanitize=thread -fno-omit-frame-pointer)
    else()
      set(flags -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    endif()
    target_compile_options(${target} PRIVATE ${flags})
    target_link_options(${target} PRIVATE ${flags})
  endif()
endfunction()

# Everything one of our executables needs: warnings and, when asked, sanitizers.
function(fakegraph_setup_target target)
  fakegraph_add_warnings(${target})
  fakegraph_add_sanitizers(${target})
endfunction()
