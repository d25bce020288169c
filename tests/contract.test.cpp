// The contract of design.md §2: any bytes in a request get a Graph-shaped answer whose body is
// valid UTF-8 JSON; handle() never throws; echoed text is made valid (U+FFFD) in one place.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include <nlohmann/json.hpp>  // nlohmann::json

#include <string>   // std::string
#include <utility>  // std::pair
#include <vector>   // std::vector

using nlohmann::json;

namespace {

const std::string fffd = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

}  // namespace

TEST_CASE("Contract: valid_utf8 replaces each ill-formed byte with U+FFFD", "[contract]") {
  using fakegraph::detail::is_valid_utf8;
  using fakegraph::detail::valid_utf8;
  const std::vector<std::string> valid = {"",
                                          "plain",
                                          "é",
                                          "\xE2\x82\xAC",
                                          "\xF0\x9F\x98\x80",
                                          "\xEF\xBF\xBD",
                                          std::string("nul\0inside", 10)};
  for (const auto& s : valid) {
    CHECK(is_valid_utf8(s));
    CHECK(valid_utf8(s) == s);
  }
  const std::vector<std::pair<std::string, std::string>> invalid = {
      {"\xFF", fffd},
      {"a\x80z", "a" + fffd + "z"},
      {"\xC3", fffd},                                   // cut sequence
      {"\xC0\xAF", fffd + fffd},                        // overlong
      {"\xE0\x80\xAF", fffd + fffd + fffd},             // overlong
      {"\xED\xA0\x80", fffd + fffd + fffd},             // a surrogate
      {"\xF4\x90\x80\x80", fffd + fffd + fffd + fffd},  // above U+10FFFF
      {"\xE2\x82", fffd + fffd},                        // cut three-byte sequence
      {"\xE2\x82\xACx\xFF", "\xE2\x82\xACx" + fffd},
  };
  for (const auto& [in, out] : invalid) {
    CAPTURE(in);
    CHECK_FALSE(is_valid_utf8(in));
    CHECK(valid_utf8(in) == out);
    CHECK(is_valid_utf8(valid_utf8(in)));
  }
  // Header echoes also lose control characters, so they cannot split a header.
  CHECK(fakegraph::detail::header_text("a\r\nb\xFF") == "a" + fffd + fffd + "b" + fffd);
}

TEST_CASE("Contract: text made in code that is not UTF-8 is written as U+FFFD", "[contract]") {
  auto g = fakegraph::graph::with_users({"adele@contoso.com", "megan@contoso.com"});
  fakegraph::chat_spec spec;
  spec.members = {{"adele@contoso.com"}, {"megan@contoso.com"}};
  spec.topic = "bad \xFF topic";
  spec.type = fakegraph::chat_type::group;
  g.add_chat(spec);
  const auto r =
      g.handle({"GET", "/v1.0/me/chats", {{"Authorization", "Bearer adele@contoso.com"}}});
  REQUIRE(r.status == 200);
  CHECK(json::parse(r.body)["value"][0]["topic"] == "bad " + fffd + " topic");
}
