// The small string layer: percent coding, base64, case-insensitive compares, GUIDs,
// split/trim, URLs and query strings, and the skiptoken codec built on them.

#include <fakegraph/detail/paging.hpp>
#include <fakegraph/detail/strings.hpp>
#include <fakegraph/http.hpp>

#include <nlohmann/json.hpp>  // nlohmann::json

#include <cstdint>  // std::uint64_t
#include <set>      // std::set
#include <string>   // std::string
#include <vector>   // std::vector

#include "support/catch.hpp"

namespace fd = fakegraph::detail;

namespace {

std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

bool query_equal(const std::vector<fd::query_param>& a, const std::vector<fd::query_param>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].value != b[i].value) return false;
  return true;
}

}  // namespace

// ---- percent coding -------------------------------------------------------------------

TEST_CASE("percent_decode decodes escapes of either case", "[strings]") {
  CHECK(fd::percent_decode("a%20b", false) == "a b");
  CHECK(fd::percent_decode("19%3Ameeting%40thread.v2", false) == "19:meeting@thread.v2");
  CHECK(fd::percent_decode("%2f%2F", false) == "//");
  CHECK(fd::percent_decode("%C3%A9", false) == "\xC3\xA9");
  CHECK(fd::percent_decode("%00", false) == std::string(1, '\0'));
  CHECK(fd::percent_decode("", false) == "");
  CHECK(fd::percent_decode("plain", true) == "plain");
}

TEST_CASE("percent_decode reads '+' as a space only in query strings", "[strings]") {
  CHECK(fd::percent_decode("a+b", true) == "a b");
  CHECK(fd::percent_decode("a+b", false) == "a+b");
  CHECK(fd::percent_decode("a%2Bb", true) == "a+b");  // an escaped plus stays a plus
  CHECK(fd::percent_decode("a%2Bb", false) == "a+b");
}

TEST_CASE("percent_decode refuses broken escapes", "[strings]") {
  for (const char* s :
       {"%", "%2", "a%", "a%2", "%G0", "%0G", "%%", "%%20", "100%", "%2 ", "% 2", "%-1", "%+1"}) {
    INFO("input: '" << s << "'");
    CHECK_FALSE(fd::percent_decode(s, false).has_value());
    CHECK_FALSE(fd::percent_decode(s, true).has_value());
  }
}

TEST_CASE("percent_encode keeps unreserved characters and the keep set", "[strings]") {
  CHECK(fd::percent_encode("AZaz09-._~") == "AZaz09-._~");
  CHECK(fd::percent_encode("19:abc@thread.v2") == "19%3Aabc%40thread.v2");
  CHECK(fd::percent_encode("a b+c/d?e&f=g#h%") == "a%20b%2Bc%2Fd%3Fe%26f%3Dg%23h%25");
  CHECK(fd::percent_encode("\xC3\xA9") == "%C3%A9");  // bytes, upper-case hex
  CHECK(fd::percent_encode(std::string(1, '\0')) == "%00");
  CHECK(fd::percent_encode("$top,x", "$,") == "$top,x");
  CHECK(fd::percent_encode("$top,x") == "%24top%2Cx");
}

TEST_CASE("percent_encode then percent_decode gives back every byte", "[strings]") {
  const std::string bytes = all_bytes();
  const std::string encoded = fd::percent_encode(bytes);
  for (const char c : encoded) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' ||
                         c == '%';
    CHECK(allowed);
  }
  CHECK(fd::percent_decode(encoded, false) == bytes);
  CHECK(fd::percent_decode(encoded, true) == bytes);  // no '+' survives encoding
}

// ---- base64 ---------------------------------------------------------------------------

TEST_CASE("base64_encode matches RFC 4648's test vectors", "[strings]") {
  // RFC 4648 §10.
  CHECK(fd::base64_encode("", false) == "");
  CHECK(fd::base64_encode("f", false) == "Zg==");
  CHECK(fd::base64_encode("fo", false) == "Zm8=");
  CHECK(fd::base64_encode("foo", false) == "Zm9v");
  CHECK(fd::base64_encode("foob", false) == "Zm9vYg==");
  CHECK(fd::base64_encode("fooba", false) == "Zm9vYmE=");
  CHECK(fd::base64_encode("foobar", false) == "Zm9vYmFy");
  // The URL-safe form drops the padding.
  CHECK(fd::base64_encode("f", true) == "Zg");
  CHECK(fd::base64_encode("fo", true) == "Zm8");
  CHECK(fd::base64_encode("foobar", true) == "Zm9vYmFy");
}

TEST_CASE("base64 uses '+/' in the standard alphabet and '-_' in the URL-safe one", "[strings]") {
  const std::string high("\xFB\xFF\xBF", 3);  // 111110 111111 111110 111111
  CHECK(fd::base64_encode(high, false) == "+/+/");
  CHECK(fd::base64_encode(high, true) == "-_-_");
  CHECK(fd::base64_decode("+/+/") == high);
  CHECK(fd::base64_decode("-_-_") == high);
}

TEST_CASE("base64 round-trips every byte value at every length, in both alphabets", "[strings]") {
  const std::string bytes = all_bytes();
  for (std::size_t len = 0; len <= bytes.size(); ++len) {
    for (std::size_t start : {std::size_t{0}, bytes.size() - len}) {
      const std::string in = bytes.substr(start, len);
      const std::string std_form = fd::base64_encode(in, false);
      const std::string url_form = fd::base64_encode(in, true);
      INFO("length " << len);
      CHECK(std_form.size() == (len + 2) / 3 * 4);
      CHECK(url_form.find_first_of("+/=") == std::string::npos);
      CHECK(fd::base64_decode(std_form) == in);
      CHECK(fd::base64_decode(url_form) == in);
    }
  }
  // Decoding accepts the padding either way.
  CHECK(fd::base64_decode("Zg") == "f");
  CHECK(fd::base64_decode("Zg==") == "f");
  CHECK(fd::base64_decode("Zm8") == "fo");
}

TEST_CASE("base64_decode refuses what is not base64", "[strings]") {
  for (const char* s :
       {"Z", "Zm9vY", "Zm9v!", "Zm 9v", "Zm9v\n", "Zg==Zg==", "=Zg", "Zm.v", "Zm9v%3D", "é"}) {
    INFO("input: '" << s << "'");
    CHECK_FALSE(fd::base64_decode(s).has_value());
  }
}

// ---- case, trim, split ------------------------------------------------------------------

TEST_CASE("to_lower and iequals fold ASCII letters only", "[strings]") {
  CHECK(fd::to_lower("Adele@Contoso.COM") == "adele@contoso.com");
  CHECK(fd::to_lower("\xC3\x89") == "\xC3\x89");  // non-ASCII bytes unchanged
  CHECK(fd::to_lower("[@`{") == "[@`{");          // the neighbours of A-Z and a-z
  CHECK(fd::iequals("Chat.Read.All", "chat.read.all"));
  CHECK(fd::iequals("", ""));
  CHECK_FALSE(fd::iequals("Chat.Read", "Chat.Read.All"));
  CHECK_FALSE(fd::iequals("a", "b"));
  CHECK_FALSE(fd::iequals("@", "`"));  // 0x40 and 0x60 differ by the case bit but are not letters
  CHECK(fd::istarts_with("Bearer abc", "bearer "));
  CHECK_FALSE(fd::istarts_with("Bear", "bearer"));
}

TEST_CASE("split keeps empty fields, trim strips spaces and tabs only", "[strings]") {
  using sv = std::string_view;
  CHECK(fd::split("a,b,,c", ',') == std::vector<sv>{"a", "b", "", "c"});
  CHECK(fd::split("", ',') == std::vector<sv>{""});
  CHECK(fd::split("a,", ',') == std::vector<sv>{"a", ""});
  CHECK(fd::split(",a", ',') == std::vector<sv>{"", "a"});
  CHECK(fd::split("abc", ',') == std::vector<sv>{"abc"});
  CHECK(fd::trim("  \ta b\t ") == "a b");
  CHECK(fd::trim("") == "");
  CHECK(fd::trim(" \t ") == "");
  CHECK(fd::trim("\na\n") == "\na\n");
}

// ---- GUIDs and stable hashes ---------------------------------------------------------------

TEST_CASE("fnv1a and splitmix64 match their published reference values", "[strings]") {
  // Derived ids must not change between platforms or runs (std::hash may).
  CHECK(fd::fnv1a("") == 0xcbf29ce484222325ull);
  CHECK(fd::fnv1a("a") == 0xaf63dc4c8601ec8cull);
  CHECK(fd::fnv1a("foobar") == 0x85944171f73967e8ull);
  CHECK(fd::splitmix64(0) ==
        0xe220a8397b1dcdafull);  // the first output of SplitMix64 seeded with 0
}

TEST_CASE("make_guid and guid_from_name make version-4-shaped GUIDs", "[strings]") {
  const std::string g = fd::make_guid(0x0123456789abcdefull, 0xfedcba9876543210ull);
  CHECK(fd::is_guid(g));
  CHECK(g[14] == '4');
  CHECK(std::string("89ab").find(g[19]) != std::string::npos);
  CHECK(g == fd::to_lower(g));
  for (std::uint64_t b : {0ull, 1ull << 62, 2ull << 62, 3ull << 62, ~0ull}) {
    const std::string v = fd::make_guid(~b, b);
    INFO(v);
    CHECK(fd::is_guid(v));
    CHECK(v[14] == '4');
    CHECK(std::string("89ab").find(v[19]) != std::string::npos);
  }

  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string name = "user#" + std::to_string(i) + "@contoso.com";
    const std::string id = fd::guid_from_name(name);
    CHECK(fd::is_guid(id));
    CHECK(id == fd::guid_from_name(name));  // stable
    seen.insert(id);
  }
  CHECK(seen.size() == 1000);  // distinct names, distinct ids
}

TEST_CASE("is_guid accepts 8-4-4-4-12 hex of either case and nothing else", "[strings]") {
  CHECK(fd::is_guid("8b081ef6-4792-4def-b2c9-c363a1bf41d5"));
  CHECK(fd::is_guid("8B081EF6-4792-4DEF-B2C9-C363A1BF41D5"));
  CHECK(fd::is_guid("00000000-0000-0000-0000-000000000000"));
  for (const char* s :
       {"", "8b081ef6-4792-4def-b2c9-c363a1bf41d", "8b081ef6-4792-4def-b2c9-c363a1bf41d5a",
        "8b081ef6x4792-4def-b2c9-c363a1bf41d5", "8b081ef647924defb2c9c363a1bf41d5",
        "{8b081ef6-4792-4def-b2c9-c363a1bf41d}", "8b081ef6-4792-4def-b2c9-c363a1bf41dg",
        "8b081ef6--792-4def-b2c9-c363a1bf41d5", "adele@contoso.com"}) {
    INFO(s);
    CHECK_FALSE(fd::is_guid(s));
  }
}

// ---- URLs and query strings -----------------------------------------------------------------

TEST_CASE("split_url cuts absolute URLs and bare paths into raw parts", "[strings]") {
  auto u =
      fd::split_url("HTTPS://graph.microsoft.com:443/v1.0/me/chats?$top=2&$expand=members#frag");
  CHECK(u.scheme == "https");
  CHECK(u.host == "graph.microsoft.com:443");
  CHECK(u.path == "/v1.0/me/chats");
  CHECK(u.query == "$top=2&$expand=members");

  u = fd::split_url("/v1.0/users/adele%40contoso.com/chats?$filter=topic%20eq%20'a?b'");
  CHECK(u.scheme.empty());
  CHECK(u.host.empty());
  CHECK(u.path == "/v1.0/users/adele%40contoso.com/chats");  // still encoded
  CHECK(u.query == "$filter=topic%20eq%20'a?b'");            // only the first '?' splits

  u = fd::split_url("http://127.0.0.1:8080?x=1");
  CHECK(u.host == "127.0.0.1:8080");
  CHECK(u.path.empty());
  CHECK(u.query == "x=1");

  u = fd::split_url("http://localhost");
  CHECK(u.host == "localhost");
  CHECK(u.path.empty());
  CHECK(u.query.empty());

  u = fd::split_url("/v1.0/users/a://b/chats");  // "://" after the first slash is path
  CHECK(u.scheme.empty());
  CHECK(u.path == "/v1.0/users/a://b/chats");

  u = fd::split_url("/v1.0/me/chats#only-a-fragment");
  CHECK(u.path == "/v1.0/me/chats");
  CHECK(u.query.empty());
}

TEST_CASE("parse_query decodes names and values, '+' as space, in order", "[strings]") {
  const auto q =
      fd::parse_query("$top=2&$expand=members,lastMessagePreview&model=A&a+b=c+d&flag&&x=y=z");
  REQUIRE(q);
  const std::vector<fd::query_param> expected = {
      {"$top", "2"},  {"$expand", "members,lastMessagePreview"},
      {"model", "A"}, {"a b", "c d"},
      {"flag", ""},   {"x", "y=z"}};
  CHECK(query_equal(*q, expected));
  CHECK(fd::parse_query("")->empty());

  std::string bad;
  CHECK_FALSE(fd::parse_query("$top=2&$filter=topic%ZZ&x=1", &bad).has_value());
  CHECK(bad == "$filter=topic%ZZ");
  CHECK_FALSE(fd::parse_query("%4=1", &bad).has_value());
  CHECK(bad == "%4=1");
}

TEST_CASE("build_query writes nextLink queries the way Graph does", "[strings]") {
  CHECK(fd::build_query({{"$orderby", "lastMessagePreview/createdDateTime desc"}}) ==
        "$orderby=lastMessagePreview%2FcreatedDateTime+desc");
  CHECK(fd::build_query({{"$top", "2"}, {"$expand", "members,lastMessagePreview"}}) ==
        "$top=2&$expand=members,lastMessagePreview");
  CHECK(fd::build_query({{"$filter", "topic eq 'a+b&c'"}}) == "$filter=topic+eq+'a%2Bb%26c'");
  CHECK(fd::build_query({}) == "");
}

TEST_CASE("build_query and parse_query round-trip any parameters", "[strings]") {
  const std::vector<std::vector<fd::query_param>> cases = {
      {{"$orderby", "lastMessagePreview/createdDateTime desc"}, {"$top", "2"}},
      {{"$filter", "members/any(m: m/displayName eq 'Adele Vance')"}, {"$expand", "members"}},
      {{"$filter",
        "lastModifiedDateTime gt 2026-09-02T15:00:00Z and lastModifiedDateTime lt "
        "2026-09-02T16:00:00.5Z"},
       {"model", "A"}},
      {{"odd name&=+", "value with %, +, &, =, #, ?, / and \xC3\xA9"}},
      {{"$skiptoken", "eyJhIjoxfQ~0123456789abcdef"}},
      {{"empty", ""}},
      {{"bytes", all_bytes()}},
  };
  for (const auto& params : cases) {
    const std::string text = fd::build_query(params);
    INFO(text);
    CHECK(text.find_first_of(" #?") == std::string::npos);  // safe inside an URL
    const auto back = fd::parse_query(text);
    REQUIRE(back);
    CHECK(query_equal(*back, params));
  }
}

// ---- skiptokens ---------------------------------------------------------------------------

namespace {

const fd::cursor sample_cursor{
    {"1793374927509", "", "19:fba5913dd74162ad849c812d81852b2a@thread.v2"}, 42};
constexpr std::uint64_t bound = 0x1234567890abcdefull;
constexpr std::uint64_t secret = 0xfeedfacecafebeefull;

bool url_safe(const std::string& s) {
  for (const char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '~'))
      return false;
  return true;
}

}  // namespace

TEST_CASE("a skiptoken decodes to the cursor it was made from", "[strings][paging]") {
  const std::string token = fd::encode_skiptoken(sample_cursor, bound, secret);
  CHECK(url_safe(token));
  CHECK(fd::percent_encode(token, "~") == token);  // nothing to escape in a nextLink
  const auto back = fd::decode_skiptoken(token, bound, secret);
  REQUIRE(back);
  CHECK(back->key == sample_cursor.key);
  CHECK(back->as_of == sample_cursor.as_of);

  // Odd keys and the extremes of as_of survive too, and stay URL-safe.
  const fd::cursor odd{{"", "é ~ + / = & ?", std::string(300, 'x'), "\"quoted\""}, ~0ull};
  const std::string odd_token = fd::encode_skiptoken(odd, bound, secret);
  CHECK(url_safe(odd_token));
  const auto odd_back = fd::decode_skiptoken(odd_token, bound, secret);
  REQUIRE(odd_back);
  CHECK(odd_back->key == odd.key);
  CHECK(odd_back->as_of == odd.as_of);

  const fd::cursor empty{{}, 0};
  const auto empty_back =
      fd::decode_skiptoken(fd::encode_skiptoken(empty, bound, secret), bound, secret);
  REQUIRE(empty_back);
  CHECK(empty_back->key.empty());
  CHECK(empty_back->as_of == 0);
}

TEST_CASE("a skiptoken is useless against another query, graph or after any change",
          "[strings][paging]") {
  const std::string token = fd::encode_skiptoken(sample_cursor, bound, secret);
  CHECK_FALSE(fd::decode_skiptoken(token, bound + 1, secret).has_value());
  CHECK_FALSE(fd::decode_skiptoken(token, bound, secret ^ 1).has_value());
  CHECK_FALSE(
      fd::decode_skiptoken(token, fd::fingerprint({"chats", "a", "b", ""}), secret).has_value());

  // Every single-character change, to every other character of the token alphabet, for
  // bodies of each length modulo 3 (base64's last character carries 2, 4 or 6 bits).
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~";
  std::set<std::size_t> residues;
  for (std::size_t extra = 0; extra < 3; ++extra) {
    fd::cursor c = sample_cursor;
    c.key[1] = std::string(extra, 'x');
    const std::string original = fd::encode_skiptoken(c, bound, secret);
    residues.insert(original.find('~') % 4);
    std::size_t accepted = 0;
    for (std::size_t i = 0; i < original.size(); ++i)
      for (const char ch : alphabet) {
        if (ch == original[i]) continue;
        std::string tampered = original;
        tampered[i] = ch;
        if (fd::decode_skiptoken(tampered, bound, secret)) {
          ++accepted;
          UNSCOPED_INFO("accepted: position " << i << " changed to '" << ch << "': " << tampered);
        }
      }
    CHECK(accepted == 0);
  }
  CHECK(residues.size() == 3);

  // Cut, lengthened, emptied.
  CHECK_FALSE(fd::decode_skiptoken(token.substr(0, token.size() - 1), bound, secret).has_value());
  CHECK_FALSE(fd::decode_skiptoken(token.substr(1), bound, secret).has_value());
  CHECK_FALSE(fd::decode_skiptoken(token + "0", bound, secret).has_value());
  CHECK_FALSE(fd::decode_skiptoken("", bound, secret).has_value());
  CHECK_FALSE(fd::decode_skiptoken("~", bound, secret).has_value());
  CHECK_FALSE(fd::decode_skiptoken(token.substr(0, token.find('~')), bound, secret).has_value());
  CHECK_FALSE(fd::decode_skiptoken(std::string(5000, 'A') + token, bound, secret).has_value());
}

TEST_CASE("a skiptoken with a valid mac but a foreign body is refused", "[strings][paging]") {
  // The mac only proves who made the body; the body must still be a cursor.
  auto forge = [](const std::string& body) {
    return fd::base64_encode(body, true) + "~" + fd::token_mac(body, bound, secret);
  };
  CHECK(fd::decode_skiptoken(forge("1|1:x"), bound, secret).has_value());  // the control
  // The control in the standard alphabet, padded: not the URL-safe spelling, refused.
  const std::string control = "1|1:x";
  const std::string padded =
      fd::base64_encode(control, false) + "~" + fd::token_mac(control, bound, secret);
  REQUIRE(padded.find('=') != std::string::npos);
  CHECK_FALSE(fd::decode_skiptoken(padded, bound, secret).has_value());
  // Bodies cursor_bytes never writes: no as_of, signs, fractions, cut or overlong keys,
  // leading zeros (a second spelling of the same cursor), text after the last key.
  for (const char* body : {"", "not a cursor", "|1:x", "-1", "+1", "1.5", "01", "1|", "1|x", "1|1",
                           "1|1x", "1|2:x", "1|01:x", "1|1:xy", "1|-1:x", "1 |1:x"}) {
    INFO(body);
    CHECK_FALSE(fd::decode_skiptoken(forge(body), bound, secret).has_value());
  }
}

TEST_CASE("a skiptoken carries keys of any bytes", "[strings][paging]") {
  // Ids made in code need not be UTF-8; the cursor must still round-trip exactly.
  const fd::cursor c{{std::string("\xff\x00|:", 4), "12|3:", std::string(1, '\0')}, 7};
  const auto back = fd::decode_skiptoken(fd::encode_skiptoken(c, bound, secret), bound, secret);
  REQUIRE(back);
  CHECK(back->key == c.key);
  CHECK(back->as_of == 7);
}

TEST_CASE("fingerprint separates its parts", "[strings][paging]") {
  CHECK(fd::fingerprint({"ab", "c"}) != fd::fingerprint({"a", "bc"}));
  CHECK(fd::fingerprint({"a", ""}) != fd::fingerprint({"a"}));
  CHECK(fd::fingerprint({"chats", "u1", "u1", "$top=2&"}) ==
        fd::fingerprint({"chats", "u1", "u1", "$top=2&"}));
  CHECK(fd::fingerprint({"chats", "u1", "u1", "$top=2&"}) !=
        fd::fingerprint({"chats", "u1", "u1", "$top=3&"}));
}
