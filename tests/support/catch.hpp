// Includes Catch2, whichever major version is installed: Debian ships v2 (2.13,
// one header <catch2/catch.hpp>), upstream and vcpkg ship v3 (split headers).
// Tests include "support/catch.hpp", never a Catch2 header directly.
#pragma once

#if __has_include(<catch2/catch_test_macros.hpp>)
#define FAKEGRAPH_CATCH_VERSION_MAJOR 3
#include <catch2/catch_test_macros.hpp>                // TEST_CASE, SECTION, REQUIRE*
#include <catch2/generators/catch_generators_all.hpp>  // GENERATE, values, range
#include <catch2/matchers/catch_matchers_all.hpp>      // StartsWith, ContainsSubstring, Message
#elif __has_include(<catch2/catch.hpp>)
#define FAKEGRAPH_CATCH_VERSION_MAJOR 2
#include <catch2/catch.hpp>  // everything: TEST_CASE, REQUIRE*, GENERATE, matchers
#else
#error "Catch2 not found: install it (Debian: apt-get install catch2) or point CMake at it"
#endif

#include <string>  // std::string

namespace fakegraph_test {

// The substring matcher is Contains in v2 and ContainsSubstring in v3.
inline auto contains_substring(const std::string& text) {
#if FAKEGRAPH_CATCH_VERSION_MAJOR >= 3
  return Catch::Matchers::ContainsSubstring(text);
#else
  return Catch::Matchers::Contains(text);
#endif
}

}  // namespace fakegraph_test
