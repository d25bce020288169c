// The contract of design.md §2: any bytes in a request get a Graph-shaped answer whose body is
// valid UTF-8 JSON; handle() never throws; echoed text is made valid (U+FFFD) in one place.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <cstdint>   // std::int64_t
#include <optional>  // std::optional
#include <string>    // std::string
#include <utility>   // std::pair
#include <vector>    // std::vector

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

TEST_CASE("Contract: the json_writer writes strings byte for byte as nlohmann does", "[contract]") {
  using fakegraph::detail::json_string;
  using fakegraph::detail::valid_utf8;
  std::vector<std::string> valid = {"",
                                    "plain",
                                    "quote \" and \\ backslash",
                                    "é € 😀",
                                    "tab\there",
                                    "line\nbreak\r\n",
                                    "\b\f\x01\x1f",
                                    "del \x7f",
                                    std::string("nul\0in", 6),
                                    "/slash/"};
  for (int b = 0; b < 0x80; ++b) valid.emplace_back(1, static_cast<char>(b));
  for (const auto& s : valid) {
    CAPTURE(s);
    CHECK(json_string(s) == json(s).dump());
  }
  // Every byte at every place of a longer string, so the eight-byte fast path and the tail
  // both meet it.
  for (int b = 0; b < 0x100; ++b)
    for (std::size_t at = 0; at < 19; ++at) {
      std::string s(19, 'a');
      s[at] = static_cast<char>(b);
      CAPTURE(b, at);
      CHECK(json_string(s) == json(valid_utf8(s)).dump());
    }
  // Invalid UTF-8 is written as its valid_utf8() form would be.
  for (const std::string s : {"\xFF", "a\x80z", "\xC3", "\xE2\x82", "x\xED\xA0\x80y"}) {
    CAPTURE(s);
    CHECK(json_string(s) == json(valid_utf8(s)).dump());
  }
}

TEST_CASE("Contract: the json_writer nests and separates like nlohmann's dump", "[contract]") {
  const json value = json::parse(R"({"a": [], "b": {}, "c": [1, -2, 3.5, true, false, null],
      "d": [{"x": [[], [{}], {"y": null}]}, "s", {"z": {"w": "\u00e9\n"}}], "e": 1e300})");
  fakegraph::detail::json_writer w;
  w.json_value(value);
  CHECK(w.take() == value.dump());

  fakegraph::detail::json_writer b;
  b.begin_array()
      .begin_object()
      .key("id")
      .value("1")
      .key("n")
      .value(std::int64_t{-7})
      .key("ok")
      .value(true)
      .key("none")
      .null()
      .key("maybe")
      .value_or_null(std::optional<std::string>())
      .key("raw")
      .raw(R"({"k":[1]})")
      .end_object()
      .begin_array()
      .end_array()
      .value("last")
      .end_array();
  CHECK(b.take() ==
        R"([{"id":"1","n":-7,"ok":true,"none":null,"maybe":null,"raw":{"k":[1]}},[],"last"])");

  // take() leaves a writer that starts afresh: no comma carried over, no old text.
  b.begin_array().value("again").end_array();
  CHECK(b.take() == R"(["again"])");
}

TEST_CASE("Contract: the text buffer grows past its capacity and keeps every byte", "[contract]") {
  fakegraph::detail::text_buffer t(4);
  std::string expected;
  for (int i = 0; i < 1000; ++i) {  // many growths from 4 bytes: nothing lost or moved wrongly
    const std::string piece = std::to_string(i) + (i % 7 == 0 ? "\"\n" : ",");
    fakegraph::detail::append_json_string(t, piece);
    fakegraph::detail::append_json_string(expected, piece);
  }
  t += 'x';
  expected += 'x';
  CHECK(t.size() == expected.size());
  t.resize(t.size() + 3, '=');  // as append_base64 pads
  expected.append(3, '=');
  t.resize(t.size() - 1);
  expected.pop_back();
  CHECK(t.take() == expected);
  CHECK(t.size() == 0);
  t.append("after");  // usable after take()
  CHECK(t.take() == "after");

  fakegraph::detail::json_writer w(1);
  const std::string long_value(100000, 'a');
  w.begin_object().key("v").value(long_value).end_object();
  CHECK(w.take() == json{{"v", long_value}}.dump());
}
