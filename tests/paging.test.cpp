// List chats paging: @odata.count, @odata.nextLink (where it points, what it carries, its
// bytes), opaque skiptokens bound to their query and caller, and exact keyset walks.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <algorithm>  // std::sort, std::count
#include <atomic>     // std::atomic
#include <exception>  // std::exception
#include <mutex>      // std::mutex, std::lock_guard
#include <set>        // std::set
#include <string>     // std::string
#include <thread>     // std::thread, std::this_thread::yield
#include <utility>    // std::pair
#include <vector>     // std::vector

#include "list_chats_world.hpp"
#include "support/walk.hpp"

using Catch::Matchers::StartsWith;
using fakegraph_test::walked_ids;
using lct::json;

namespace {

const std::string pat_upn = "pat@northwind.test";
const std::string odd_topic = "R&D + Ops 100% \xC3\xA9 #1 'q'";  // OData literal doubles the quote

std::string two_digits(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

/// Pat is in `n` chats with ties everywhere a keyset cursor could slip: three chats share
/// each createdDateTime, previews share times (and, across chats, ids), every fifth chat
/// has no message, and three chats share an awkward topic.
json paging_seed(int n) {
  json seed = lct::small_seed();
  seed["users"].push_back({{"id", "9a9a9a9a-0000-4000-8000-000000000099"},
                           {"tenantId", lct::northwind},
                           {"userPrincipalName", pat_upn},
                           {"displayName", "Pat Page"}});
  seed["tokens"].push_back({{"token", "pat-read"}, {"user", pat_upn}, {"scopes", {"Chat.Read"}}});
  for (int i = 0; i < n; ++i) {
    json c = {{"id", "19:" + std::string(28, 'c') + std::to_string(1000 + (i * 37) % 1000) +
                         "@thread.v2"},
              {"chatType", "group"},
              {"topic", i % 7 == 3 ? odd_topic : "Chat " + std::to_string(i)},
              {"createdDateTime", "2026-05-02T10:" + two_digits(i / 3) + ":00Z"},
              {"members", {{{"user", pat_upn}}, {{"user", "bob@northwind.test"}}}},
              {"messages", json::array()}};
    if (i % 5 != 0) {
      c["messages"].push_back({{"id", "m-early-" + std::to_string(i)},
                               {"from", {{"user", "bob@northwind.test"}}},
                               {"createdDateTime", "2026-05-03T08:00:00Z"}});
      c["messages"].push_back(
          {{"id", i % 2 ? "tie" : "m" + std::to_string(i)},
           {"from", {{"user", pat_upn}}},
           {"createdDateTime", "2026-05-04T09:" + two_digits((i * 7) % 6) + ":00.5Z"}});
    }
    seed["chats"].push_back(c);
  }
  return seed;
}

/// Every page of a List chats walk: fakegraph_test::walk (each page answers 200), and each
/// page's @odata.count is the page's size.
std::vector<json> walk(const fakegraph::graph& g, const std::string& url,
                       const std::string& token) {
  std::vector<json> pages = fakegraph_test::walk(g, url, token);
  for (const json& page : pages) {
    INFO(page.dump());
    REQUIRE(page["@odata.count"] == page["value"].size());
  }
  return pages;
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/// Only characters RFC 3986 allows in a URL, and only well-formed %XX escapes.
bool url_safe(const std::string& url) {
  const std::string allowed = "-._~:/?#[]@!$&'()*+,;=";
  for (std::size_t i = 0; i < url.size(); ++i) {
    const char c = url[i];
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c == '%') {
      if (i + 2 >= url.size() || !is_hex(url[i + 1]) || !is_hex(url[i + 2])) return false;
      i += 2;
    } else if (!alnum && allowed.find(c) == std::string::npos) {
      return false;
    }
  }
  return true;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

/// The decoded (name, value) pairs of a URL's query.
std::vector<std::pair<std::string, std::string>> query_of(const std::string& url) {
  std::vector<std::pair<std::string, std::string>> out;
  const std::size_t q = url.find('?');
  if (q == std::string::npos) return out;
  std::string rest = url.substr(q + 1);
  std::size_t start = 0;
  while (start <= rest.size()) {
    std::size_t end = rest.find('&', start);
    if (end == std::string::npos) end = rest.size();
    const std::string piece = rest.substr(start, end - start);
    const std::size_t eq = piece.find('=');
    out.emplace_back(
        percent_decode(piece.substr(0, eq)),
        eq == std::string::npos ? std::string() : percent_decode(piece.substr(eq + 1)));
    start = end + 1;
  }
  return out;
}

std::string skiptoken_of(const std::string& next_link) {
  for (const auto& [name, value] : query_of(next_link))
    if (name == "$skiptoken") return value;
  return {};
}

std::string first_skiptoken(const fakegraph::graph& g, const std::string& url,
                            const std::string& token) {
  const auto r = lct::get(g, url, token);
  REQUIRE(r.status == 200);
  REQUIRE(r.json().contains("@odata.nextLink"));
  return skiptoken_of(r.json()["@odata.nextLink"].get<std::string>());
}

std::string encode(const std::string& s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const bool keep = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                      (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~';
    if (keep) {
      out += ch;
    } else {
      const auto b = static_cast<unsigned char>(ch);
      out += '%';
      out += hex[b >> 4];
      out += hex[b & 15];
    }
  }
  return out;
}

/// The createdDateTime of expected[i] (or of the last one), for a chat that ties with it.
std::string created_of_first(const json& seed, const std::vector<std::string>& expected,
                             std::size_t i) {
  const std::string& id = i < expected.size() ? expected[i] : expected.back();
  return lct::chat_of(seed, id).at("createdDateTime").get<std::string>();
}

std::string preview_key(const json& seed, const std::string& id) {
  return lct::time_key(
      lct::latest_message(lct::chat_of(seed, id))->at("createdDateTime").get<std::string>());
}

}  // namespace

TEST_CASE("Paging: walking nextLinks with any $top returns the whole list once, in order",
          "[paging]") {
  const int n = 23;
  const json seed = paging_seed(n);
  const auto g = fakegraph::graph::from_json(seed);
  const auto expected = lct::ids_of(lct::chats_of(seed, pat_upn));
  REQUIRE(expected.size() == static_cast<std::size_t>(n));

  const int top = GENERATE(range(1, 25));
  CAPTURE(top);
  const auto pages = walk(g, "/v1.0/me/chats?$top=" + std::to_string(top), "pat-read");
  CHECK(walked_ids(pages) == expected);
  CHECK(pages.size() == static_cast<std::size_t>((n + top - 1) / top));
  for (std::size_t i = 0; i + 1 < pages.size(); ++i)
    CHECK(pages[i]["value"].size() == static_cast<std::size_t>(top));
  // The last page has no nextLink key at all (not null).
  CHECK_FALSE(pages.back().contains("@odata.nextLink"));
}

TEST_CASE("Paging: without $top, pages of 20 until the end", "[paging]") {
  const json seed = paging_seed(45);
  const auto g = fakegraph::graph::from_json(seed);
  const auto pages = walk(g, "/v1.0/me/chats", "pat-read");
  REQUIRE(pages.size() == 3);
  CHECK(pages[0]["@odata.count"] == 20);
  CHECK(pages[1]["@odata.count"] == 20);
  CHECK(pages[2]["@odata.count"] == 5);
  CHECK(walked_ids(pages) == lct::ids_of(lct::chats_of(seed, pat_upn)));
}

TEST_CASE("Paging: the preview order walks exactly too, leaving out chats without messages",
          "[paging]") {
  const json seed = paging_seed(23);
  const auto g = fakegraph::graph::from_json(seed);
  const std::string order = "$orderby=lastMessagePreview/createdDateTime+desc";
  const auto whole = lct::get(g, "/v1.0/me/chats?$top=50&" + order, "pat-read").json();
  const auto expected = lct::ids_of(whole);
  std::vector<std::string> with_messages = lct::ids_of(lct::chats_by_preview(seed, pat_upn));
  CHECK(std::set<std::string>(expected.begin(), expected.end()) ==
        std::set<std::string>(with_messages.begin(), with_messages.end()));
  CHECK(expected.size() == with_messages.size());
  for (std::size_t i = 0; i + 1 < expected.size(); ++i)
    CHECK(preview_key(seed, expected[i]) >= preview_key(seed, expected[i + 1]));

  const int top = GENERATE(1, 2, 3, 4, 5, 7, 18, 19);
  CAPTURE(top);
  const auto pages =
      walk(g, "/v1.0/me/chats?" + order + "&$expand=lastMessagePreview&$top=" + std::to_string(top),
           "pat-read");
  CHECK(walked_ids(pages) == expected);
  for (const auto& p : pages)
    for (const auto& c : p["value"])
      CHECK(c["lastMessagePreview"] == lct::expected_preview(seed, lct::chat_of(seed, c["id"])));
}

TEST_CASE(
    "Paging: nextLink keeps the path and the options, and appends an opaque URL-safe $skiptoken",
    "[paging]") {
  const json seed = paging_seed(23);
  const auto g = fakegraph::graph::from_json(seed);
  const std::string path = "/v1.0/Users/pat%40northwind.test/Chats";
  const std::string filter = "topic eq '" + std::string("R&D + Ops 100% \xC3\xA9 #1 ''q''") +
                             "' or chatType eq 'oneOnOne'";
  const std::string query = "$top=1&$expand=members&$filter=" + encode(filter) +
                            "&$orderby=lastMessagePreview%2FcreatedDateTime%20desc";
  const auto pages = walk(g, path + "?" + query, "app-read");

  std::vector<std::string> expected;
  for (const json* c : lct::chats_by_preview(seed, pat_upn))
    if (c->at("topic") == odd_topic) expected.push_back(c->at("id").get<std::string>());
  REQUIRE(expected.size() >= 2);
  CHECK(walked_ids(pages) == expected);
  REQUIRE(pages.size() == expected.size());

  const auto request_options = query_of("?" + query);
  std::set<std::string> tokens;
  for (std::size_t i = 0; i + 1 < pages.size(); ++i) {
    const std::string link = pages[i]["@odata.nextLink"].get<std::string>();
    CAPTURE(link);
    CHECK_THAT(link, StartsWith("https://graph.microsoft.com" + path + "?"));
    CHECK(url_safe(link));
    CHECK(link.find_first_of("{} \"<>\\^`|") == std::string::npos);
    auto options = query_of(link);
    REQUIRE_FALSE(options.empty());
    CHECK(options.back().first == "$skiptoken");
    const std::string token = options.back().second;
    options.pop_back();
    CHECK(options == request_options);
    // Opaque and URL-safe: unreserved characters only.
    REQUIRE_FALSE(token.empty());
    for (const char c : token) {
      const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                              (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                              c == '~';
      CHECK(unreserved);
    }
    CHECK(token.find("pat") == std::string::npos);
    tokens.insert(token);
  }
  CHECK(tokens.size() + 1 == pages.size());
}

TEST_CASE("Paging: @odata.context and nextLink use the request's scheme and host", "[paging]") {
  const json seed = paging_seed(5);
  const auto g = fakegraph::graph::from_json(seed);

  SECTION("an absolute URL") {
    for (const std::string& origin : std::vector<std::string>{
             "http://localhost:5050", "https://graph.microsoft.us",
             "https://microsoftgraph.chinacloudapi.cn", "https://127.0.0.1:8443"}) {
      CAPTURE(origin);
      const auto r =
          lct::get(g, origin + "/v1.0/me/chats?$top=2", "pat-read", {{"Host", "ignored.example"}});
      REQUIRE(r.status == 200);
      const json page = r.json();
      CHECK(page["@odata.context"] == origin + "/v1.0/$metadata#chats");
      CHECK_THAT(page["@odata.nextLink"].get<std::string>(),
                 StartsWith(origin + "/v1.0/me/chats?$top=2&$skiptoken="));
      // The link is followed as given.
      const auto pages = walk(g, origin + "/v1.0/me/chats?$top=2", "pat-read");
      CHECK(walked_ids(pages) == lct::ids_of(lct::chats_of(seed, pat_upn)));
    }
  }
  SECTION("a path with a Host header") {
    const auto r = lct::get(g, "/v1.0/me/chats?$top=2", "pat-read", {{"host", "fake.local:8443"}});
    const json page = r.json();
    CHECK(page["@odata.context"] == "https://fake.local:8443/v1.0/$metadata#chats");
    CHECK_THAT(page["@odata.nextLink"].get<std::string>(),
               StartsWith("https://fake.local:8443/v1.0/me/chats?$top=2&$skiptoken="));
  }
  SECTION("a path alone: settings.baseUrl") {
    json other = seed;
    other["settings"]["baseUrl"] = "https://graph.microsoft.us/";
    const auto us = fakegraph::graph::from_json(other);
    const json page = lct::get(us, "/v1.0/me/chats?$top=2", "pat-read").json();
    CHECK(page["@odata.context"] == "https://graph.microsoft.us/v1.0/$metadata#chats");
    CHECK_THAT(page["@odata.nextLink"].get<std::string>(),
               StartsWith("https://graph.microsoft.us/v1.0/me/chats?$top=2&$skiptoken="));
    const json plain = lct::get(g, "/v1.0/me/chats?$top=2", "pat-read").json();
    CHECK_THAT(plain["@odata.nextLink"].get<std::string>(),
               StartsWith("https://graph.microsoft.com/v1.0/me/chats?$top=2&$skiptoken="));
  }
}

TEST_CASE("Paging: a tampered, foreign or other-query skiptoken is 400 Invalid continuation token",
          "[paging]") {
  const json seed = paging_seed(9);
  const auto g = fakegraph::graph::from_json(seed);
  const std::string url = "/v1.0/me/chats?$top=2";
  const std::string token = first_skiptoken(g, url, "pat-read");
  auto with = [&](const std::string& u, const std::string& t,
                  const std::string& bearer = "pat-read") {
    return lct::get(g, u + "&$skiptoken=" + t, bearer);
  };
  // The genuine token works, and again (no replay refusal by default).
  const auto ok = with(url, token);
  REQUIRE(ok.status == 200);
  CHECK(with(url, token).json() == ok.json());

  SECTION("tampered") {
    std::vector<std::string> bad = {
        "",          "abc",          "{}", "%7B%22a%22%3A1%7D", token.substr(0, token.size() - 1),
        token + "0", token.substr(1)};
    for (const auto& t : bad) {
      CAPTURE(t);
      LCT_REQUIRE_ERROR(with(url, t), 400, "BadRequest", "Invalid continuation token");
    }
    // Any one character changed, anywhere, is refused. Base64 leaves spare bits in its last
    // character and has two alphabets ('-' or '+', '_' or '/'): a lenient decoder would
    // accept some of these, so the end of every token of a walk gets every substitute.
    std::vector<std::string> substitutes = {"/", "%2B", "%3D", "."};
    for (const char c :
         std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~"))
      substitutes.emplace_back(1, c);
    std::vector<std::string> accepted;
    auto try_position = [&](const std::string& u, const std::string& genuine, std::size_t i) {
      for (const auto& sub : substitutes) {
        if (sub == genuine.substr(i, 1)) continue;
        const std::string t = genuine.substr(0, i) + sub + genuine.substr(i + 1);
        if (with(u, t).status != 400) accepted.push_back(t);
      }
    };
    for (std::size_t i = 0; i < token.size(); ++i) try_position(url, token, i);
    // Walks whose tokens differ in length (the preview order carries message ids of
    // several lengths), so every spare-bit case comes up.
    std::set<std::size_t> residues;
    for (const std::string& walk_url :
         {url,
          std::string("/v1.0/me/chats?$top=1&$orderby=lastMessagePreview/createdDateTime+desc")}) {
      std::string next = walk_url;
      for (int page = 0; page < 20; ++page) {
        const auto r = lct::get(g, next, "pat-read");
        REQUIRE(r.status == 200);
        const json body = r.json();
        if (!body.contains("@odata.nextLink")) break;
        next = body["@odata.nextLink"].get<std::string>();
        const std::string t = skiptoken_of(next);
        const std::size_t sep = t.find('~');
        REQUIRE(sep != std::string::npos);
        residues.insert(sep % 4);
        for (std::size_t i = sep >= 3 ? sep - 3 : 0; i <= sep; ++i) try_position(walk_url, t, i);
      }
    }
    CHECK(residues.size() >= 2);  // bodies that end on a full and on a partial base64 group
    CHECK(accepted.empty());
  }
  SECTION("another query") {
    for (const std::string& other : std::vector<std::string>{
             "/v1.0/me/chats?$top=3", "/v1.0/me/chats?$top=2&$expand=members",
             "/v1.0/me/chats?$top=2&$filter=chatType%20eq%20'group'",
             "/v1.0/me/chats?$top=2&$orderby=lastMessagePreview/createdDateTime%20desc"}) {
      CAPTURE(other);
      LCT_REQUIRE_ERROR(with(other, token), 400, "BadRequest", "Invalid continuation token");
    }
  }
  SECTION("another caller or another user") {
    // Bob's own walk of the same query.
    LCT_REQUIRE_ERROR(with(url, token, "bob-read"), 400, "BadRequest",
                      "Invalid continuation token");
    // An application's walk of one user, replayed on another.
    const std::string app =
        first_skiptoken(g, "/v1.0/users/pat@northwind.test/chats?$top=2", "app-read");
    CHECK(with("/v1.0/users/pat@northwind.test/chats?$top=2", app, "app-read").status == 200);
    LCT_REQUIRE_ERROR(with("/v1.0/users/bob@northwind.test/chats?$top=2", app, "app-read"), 400,
                      "BadRequest", "Invalid continuation token");
    // Pat's delegated token presented by the application, on Pat.
    LCT_REQUIRE_ERROR(with("/v1.0/users/pat@northwind.test/chats?$top=2", token, "app-read"), 400,
                      "BadRequest", "Invalid continuation token");
  }
  SECTION("another graph") {
    json reseeded = seed;
    reseeded["settings"]["idSeed"] = 7;
    const auto other = fakegraph::graph::from_json(reseeded);
    LCT_REQUIRE_ERROR(lct::get(other, url + "&$skiptoken=" + token, "pat-read"), 400, "BadRequest",
                      "Invalid continuation token");
  }
}

TEST_CASE("Paging: a walk of the default world with $top=2", "[paging]") {
  const json seed = lct::default_seed();
  const auto g = fakegraph_test::default_world();
  const auto expected = lct::ids_of(lct::chats_of(seed, "adele@contoso.com"));
  const auto pages = walk(g, "https://graph.microsoft.com/v1.0/me/chats?$top=2", "adele-read");
  CHECK(walked_ids(pages) == expected);
  CHECK(pages.size() == (expected.size() + 1) / 2);
  const auto ordered = walk(
      g,
      "/v1.0/users/adele@contoso.com/chats?$top=2&$orderby=lastMessagePreview/createdDateTime+desc",
      "exporter");
  CHECK(walked_ids(ordered) == lct::ids_of(lct::chats_by_preview(seed, "adele@contoso.com")));
}

// ---- the paging guarantee while the world grows ---------------------------------------

namespace {

const std::string preview_order = "$orderby=lastMessagePreview/createdDateTime+desc";

/// Every id once at most; the ids and how often each came.
std::vector<std::string> duplicates(const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& id : ids)
    if (!seen.insert(id).second) out.push_back(id);
  return out;
}

}  // namespace

TEST_CASE("Paging: writes between pages neither repeat nor drop a chat, in either order",
          "[paging]") {
  const json seed = paging_seed(17);
  auto g = fakegraph::graph::from_json(seed);
  const bool by_preview = GENERATE(false, true);
  const int top = GENERATE(1, 2, 3);
  CAPTURE(by_preview, top);
  const std::string url =
      "/v1.0/me/chats?$top=" + std::to_string(top) + (by_preview ? "&" + preview_order : "");

  // The list as it stands when the walk begins: what the walk must return, in this order.
  const auto before = lct::get(
      g, "/v1.0/me/chats?$top=50" + std::string(by_preview ? "&" + preview_order : ""), "pat-read");
  REQUIRE(before.status == 200);
  const std::vector<std::string> expected = lct::ids_of(before.json());
  REQUIRE(expected.size() >= 10);

  std::vector<std::string> walked;
  std::string next = url;
  int round = 0;
  for (int guard = 0; guard < 200 && !next.empty(); ++guard, ++round) {
    const auto r = lct::get(g, next, "pat-read");
    INFO(next << " -> " << r.body);
    REQUIRE(r.status == 200);
    const json page = r.json();
    for (const auto& id : lct::ids_of(page)) walked.push_back(id);
    next = page.contains("@odata.nextLink") ? page["@odata.nextLink"].get<std::string>()
                                            : std::string();

    // Between pages: a new chat at the front, one tied with a listed chat, one at the very
    // end; a newer message for a chat already sent and for one still to come; a first
    // message for an empty chat.
    const std::string n = std::to_string(round);
    auto spec = fakegraph::chat_spec::group({pat_upn, "bob@northwind.test"}, "Late " + n);
    spec.created = fakegraph::utc("2026-05-30T00:00:00Z");
    g.add_chat(spec);
    spec.topic = "Tied " + n;
    spec.created = fakegraph::utc(created_of_first(seed, expected, walked.size()));
    g.add_chat(spec);
    spec.topic = "Oldest " + n;
    spec.created = fakegraph::utc("2020-01-01T00:00:00Z");
    const std::string oldest = g.add_chat(spec);
    g.add_message(oldest,
                  {pat_upn, "old chat, new message", fakegraph::utc("2026-05-31T00:00:00Z")});
    const std::string sent = walked.back();
    const std::string pending =
        walked.size() < expected.size() ? expected[walked.size()] : expected.front();
    for (const std::string& which : {std::string("sent"), std::string("pending")}) {
      fakegraph::message_spec m{"bob@northwind.test", "news " + n,
                                fakegraph::utc("2026-05-31T00:00:00Z") + round};
      m.id = "late-" + n + "-" + which;
      g.add_message(which == "sent" ? sent : pending, m);
    }
    for (const json& c : seed["chats"])
      if (lct::is_member(seed, c, pat_upn) && c["messages"].empty()) {
        fakegraph::message_spec m{pat_upn, "first " + n,
                                  fakegraph::utc("2026-05-31T00:00:00Z") + 100 + round};
        m.id = "first-" + n;
        g.add_message(c["id"].get<std::string>(), m);
        break;
      }
  }
  REQUIRE(next.empty());
  CHECK(duplicates(walked).empty());
  CHECK(walked == expected);
}

TEST_CASE("Paging: walks stay exact while other threads add chats and messages",
          "[paging][concurrency]") {
  const json seed = paging_seed(30);
  auto g = fakegraph::graph::from_json(seed);
  std::vector<std::string> seeded, seeded_with_message;
  for (const json* c : lct::chats_of(seed, pat_upn)) {
    seeded.push_back(c->at("id").get<std::string>());
    if (lct::latest_message(*c)) seeded_with_message.push_back(seeded.back());
  }

  std::atomic<bool> stop{false};
  std::atomic<long> writes{0};
  std::atomic<long> wanted{0};  // the write count the walker waits for
  std::atomic<bool> failed{false};
  std::mutex added_mutex;
  std::vector<std::string> added, added_with_message;  // chats the writers have finished adding
  std::vector<std::string> failures;

  // Writers run at most 20 writes ahead of what the walker asks for (no sleeps, bounded
  // growth), and the walker asks for one more after every page, so writes land between
  // the pages of every walk. A writer blocks only at wanted + 20 > writes: no deadlock.
  auto writer = [&](int id) {
    try {
      for (int i = 0; !stop; ++i) {
        while (!stop && writes >= wanted + 20) std::this_thread::yield();
        if (stop) break;
        const std::string n = std::to_string(id) + "-" + std::to_string(i);
        if (i % 3 == 0 && i < 600) {
          auto spec = fakegraph::chat_spec::group({pat_upn, "bob@northwind.test"}, "Busy " + n);
          // Every kind of position: ties with seeded chats, newest, oldest.
          const int slot = i % 12;
          spec.created =
              slot < 10
                  ? fakegraph::utc("2026-05-02T10:0" + std::to_string(slot) + ":00Z")
                  : fakegraph::utc(slot == 10 ? "2026-05-29T00:00:00Z" : "2020-01-01T00:00:00Z");
          const std::string chat = g.add_chat(spec);
          const bool message = i % 2 == 0;
          if (message)
            g.add_message(chat, {pat_upn, "hello " + n, fakegraph::utc("2026-05-04T09:03:00.5Z")});
          std::lock_guard<std::mutex> lock(added_mutex);
          added.push_back(chat);
          if (message) added_with_message.push_back(chat);
        } else {
          // A newer message in a seeded chat: it would move that chat up the preview order.
          fakegraph::message_spec m{"bob@northwind.test", "busy " + n,
                                    fakegraph::utc("2026-05-20T00:00:00Z") + id * 1000000 + i};
          m.id = "busy-" + n;
          g.add_message(seeded[static_cast<std::size_t>(i) % seeded.size()], m);
        }
        ++writes;
      }
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(added_mutex);
      failures.push_back(e.what());
      failed = true;
    }
  };

  std::vector<std::thread> writers;
  // Stops and joins the writers however the test ends (a failed REQUIRE throws).
  struct joiner {
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    void finish() {
      stop = true;
      for (auto& t : threads)
        if (t.joinable()) t.join();
    }
    ~joiner() { finish(); }
  } join_writers{stop, writers};
  for (int w = 0; w < 2; ++w) writers.emplace_back(writer, w);
  while (writes < 10 && !failed) std::this_thread::yield();  // the writers are under way

  long overlapped = 0;  // writes that landed in the middle of a walk
  for (const bool by_preview : {false, true}) {
    for (int top = 1; top <= 3; ++top) {
      CAPTURE(by_preview, top);
      // Chats that exist (with a message, for the preview order) before the first page
      // exist for the whole walk: each must come exactly once.
      std::vector<std::string> must;
      {
        std::lock_guard<std::mutex> lock(added_mutex);
        must = by_preview ? added_with_message : added;
      }
      const auto& from_seed = by_preview ? seeded_with_message : seeded;
      must.insert(must.end(), from_seed.begin(), from_seed.end());
      const long writes_before = writes;
      std::vector<std::string> walked;
      std::string next =
          "/v1.0/me/chats?$top=" + std::to_string(top) + (by_preview ? "&" + preview_order : "");
      int requests = 0;
      for (; requests < 5000 && !next.empty(); ++requests) {
        const auto r = lct::get(g, next, "pat-read");
        if (r.status != 200) {
          INFO(r.body);
          REQUIRE(r.status == 200);
        }
        const json page = r.json();
        if (page["@odata.count"] != page["value"].size())
          REQUIRE(page["@odata.count"] == page["value"].size());
        for (const auto& c : page["value"]) walked.push_back(c["id"].get<std::string>());
        next = page.contains("@odata.nextLink") ? page["@odata.nextLink"].get<std::string>()
                                                : std::string();
        // At least one write lands before the next page (the writers run on meanwhile).
        if (!next.empty()) {
          wanted = writes + 1;
          while (writes < wanted && !failed) std::this_thread::yield();
        }
      }
      REQUIRE(next.empty());
      overlapped += writes - writes_before;
      CHECK(duplicates(walked).empty());
      const std::set<std::string> got(walked.begin(), walked.end());
      std::vector<std::string> missing;
      for (const auto& id : must)
        if (!got.count(id)) missing.push_back(id);
      CHECK(missing.empty());
      CHECK(walked.size() >= must.size());
    }
  }
  join_writers.finish();
  CHECK(failures.empty());
  CHECK(overlapped > 0);
  // Whatever the world holds now is listed once, and is Pat's.
  std::set<std::string> pat_chats(seeded.begin(), seeded.end());
  pat_chats.insert(added.begin(), added.end());
  const auto all = walked_ids(walk(g, "/v1.0/me/chats?$top=50", "pat-read"));
  CHECK(duplicates(all).empty());
  CHECK(std::set<std::string>(all.begin(), all.end()) == pat_chats);
}

TEST_CASE("Paging: chats added in any order, or joined later, take their createdDateTime place",
          "[paging]") {
  auto g = fakegraph::graph::from_json(paging_seed(0));
  std::vector<std::pair<fakegraph::timestamp, std::string>> expected;  // (created, id)
  const int minutes[] = {30, 10, 50, 10, 40, 20, 10, 59, 5};           // ties and out of order
  for (int i = 0; i < 9; ++i) {
    const bool joins_later = i % 3 == 2;  // made without Pat; Pat is added afterwards
    auto spec = fakegraph::chat_spec::group(
        joins_later ? std::vector<std::string>{"bob@northwind.test", "cid@northwind.test"}
                    : std::vector<std::string>{pat_upn, "bob@northwind.test"},
        "Chat " + std::to_string(i));
    spec.created = fakegraph::utc("2026-05-02T10:" + two_digits(minutes[i]) + ":00Z");
    const std::string id = g.add_chat(spec);
    if (joins_later) g.add_member(id, {pat_upn});
    expected.emplace_back(*spec.created, id);
  }
  std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<std::string> ids;
  for (const auto& e : expected) ids.push_back(e.second);
  for (const int top : {1, 2, 4, 9})
    CHECK(walked_ids(walk(g, "/v1.0/me/chats?$top=" + std::to_string(top), "pat-read")) == ids);
}
