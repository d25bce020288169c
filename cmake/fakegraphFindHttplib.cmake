# Finds cpp-httplib for fakegraph::server. Used by the build and by the installed
# package config, so a consumer re-discovers httplib exactly the way we did.
#
# Order (style.md 2.5): an existing target, then an upstream/vcpkg/Conan CMake
# package, then pkg-config. Debian's libcpp-httplib-dev ships only cpp-httplib.pc
# (a declarations-only header plus libcpp-httplib.so): its imported target carries
# the -l flag and the CPPHTTPLIB_*_SUPPORT defines that must match the library.
#
# fakegraph_find_httplib(<out_var>) sets <out_var> to the target to link, or to ""
# when httplib is not available.
include_guard(GLOBAL)

function(fakegraph_find_httplib out_var)
  set(found "")
  if(TARGET httplib::httplib)
    set(found httplib::httplib)
  elseif(TARGET PkgConfig::cpp_httplib)
    set(found PkgConfig::cpp_httplib)
  else()
    find_package(httplib CONFIG QUIET)
    if(httplib_FOUND AND TARGET httplib::httplib)
      set(found httplib::httplib)
    else()
      find_package(PkgConfig QUIET)
      if(PKG_CONFIG_FOUND)
        pkg_check_modules(cpp_httplib QUIET IMPORTED_TARGET cpp-httplib)
        if(cpp_httplib_FOUND AND TARGET PkgConfig::cpp_httplib)
          set(found PkgConfig::cpp_httplib)
        endif()
      endif()
    endif()
  endif()
  set(${out_var} "${found}" PARENT_SCOPE)
endfunction()
