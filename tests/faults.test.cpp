// Fault rules: which requests they hit (filters, nth/every/first/share), what they answer
// (429, 503, 502, 504, 401, empty page, delay), the seed form, and concurrent callers.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <algorithm>   // std::count
#include <chrono>      // std::chrono::milliseconds
#include <functional>  // std::function
#include <string>      // std::string
#include <thread>      // std::thread
#include <vector>      // std::vector

#include "support/fixtures.hpp"
#include "support/walk.hpp"

using fakegraph::endpoint;
using fakegraph::fault;
using fakegraph_test::default_world;
using fakegraph_test::error_id;
using fakegraph_test::get;
using fakegraph_test::walk;
using fakegraph_test::walked_ids;
using nlohmann::json;

namespace {

const std::string my_chats = "/v1.0/me/chats";
const std::string export_adele = "/v1.0/users/adele@contoso.com/chats/getAllMessages?model=A";

// The statuses of `n` identical requests.
std::vector<int> statuses(const fakegraph::graph& g, int n, const std::string& url = my_chats,
                          const std::string& token = "adele-read") {
  std::vector<int> out;
  for (int i = 0; i < n; ++i) out.push_back(get(g, url, token).status);
  return out;
}

json seed_with(const json& settings) {
  json seed = json::parse(R"({
    "tenants": [{"id": "6f1c1c1e-1111-4a4a-9b9b-000000000001", "displayName": "Northwind"}],
    "users": [{"userPrincipalName": "ann@northwind.test"}, {"userPrincipalName": "bob@northwind.test"}],
    "chats": [{"members": [{"user": "ann@northwind.test"}, {"user": "bob@northwind.test"}]}],
    "tokens": [{"token": "ann", "user": "ann@northwind.test", "scopes": ["Chat.Read"]}]})");
  seed["settings"] = settings;
  return seed;
}

}  // namespace

TEST_CASE("Faults: a 429 on the n-th matching request, with Graph's exact body", "[faults]") {
  auto g = default_world();
  const std::size_t rule =
      g.faults().add(fault::throttle(2.128).on(endpoint::get_all_messages).nth(3));
  get(g, my_chats, "adele-read");  // another endpoint: not counted
  CHECK(get(g, export_adele, "exporter").status == 200);
  CHECK(get(g, export_adele, "exporter").status == 200);
  const auto r = get(g, export_adele, "exporter");
  REQUIRE(r.status == 429);
  CHECK(r.header("Retry-After") == "2.128");
  const json expected = {{"error",
                          {{"code", "TooManyRequests"},
                           {"innerError",
                            {{"code", "429"},
                             {"date", "2026-11-01T12:00:00"},
                             {"message", "Please retry after"},
                             {"request-id", r.header("request-id")},
                             {"status", "429"}}},
                           {"message", "Please retry again later."}}}};
  CHECK(r.json() == expected);
  // Key order as documented: code, innerError, message.
  CHECK(r.body.find("\"code\":\"TooManyRequests\",\"innerError\"") != std::string::npos);
  CHECK(get(g, export_adele, "exporter").status == 200);
  CHECK(g.faults().matched(rule) == 4);
  CHECK(g.faults().fired(rule) == 1);
  const auto e = g.journal().entries(endpoint::get_all_messages).at(2);
  CHECK(e.fault.rfind("rule 0: 429 TooManyRequests (Retry-After 2.128) on getAllMessages", 0) == 0);
  CHECK_FALSE(e.throttled);
}

TEST_CASE("Faults: every, first and the default (every request)", "[faults]") {
  auto g = default_world();
  SECTION("every(3)") {
    g.faults().add(fault::unavailable().every(3));
    CHECK(statuses(g, 7) == std::vector<int>{200, 200, 503, 200, 200, 503, 200});
  }
  SECTION("first(2)") {
    g.faults().add(fault::bad_gateway().first(2));
    CHECK(statuses(g, 4) == std::vector<int>{502, 502, 200, 200});
  }
  SECTION("no schedule: every matching request") {
    g.faults().add(fault::gateway_timeout().token("megan-read"));
    CHECK(statuses(g, 2) == std::vector<int>{200, 200});
    CHECK(statuses(g, 2, my_chats, "megan-read") == std::vector<int>{504, 504});
  }
}

TEST_CASE("Faults: a seeded share fails the same requests on every run", "[faults][determinism]") {
  auto pattern = [](const json& seed, std::function<fault(fault)> shape) {
    auto g = fakegraph::graph::from_json(seed);
    g.faults().add(shape(fault::unavailable()));
    return statuses(g, 200, my_chats, "ann");
  };
  const auto share = [](fault f) { return f.share(0.25); };
  const auto a = pattern(seed_with({{"idSeed", 7}}), share);
  const auto b = pattern(seed_with({{"idSeed", 7}}), share);
  const auto c = pattern(seed_with({{"idSeed", 8}}), share);
  CHECK(a == b);
  CHECK(a != c);
  const auto failed = std::count(a.begin(), a.end(), 503);
  CHECK(failed > 25);  // about 50 of 200
  CHECK(failed < 75);
  // An explicit seed does not depend on idSeed.
  const auto seeded = [](fault f) { return f.share(0.5, 42); };
  CHECK(pattern(seed_with({{"idSeed", 7}}), seeded) == pattern(seed_with({{"idSeed", 8}}), seeded));
}

TEST_CASE("Faults: the answers each effect gives", "[faults]") {
  auto g = default_world();
  auto once = [&](fault f) {
    g.faults().clear();
    g.faults().add(f.first(1));
    return get(g, my_chats, "adele-read");
  };
  auto error_of = [](const fakegraph::response& r) { return r.json()["error"]; };

  auto r = once(fault::unavailable());
  CHECK(r.status == 503);
  CHECK(r.header("Retry-After").empty());
  CHECK(error_of(r)["code"] == "serviceNotAvailable");
  CHECK(error_of(r)["innerError"]["request-id"] == r.header("request-id"));

  r = once(fault::unavailable(10));
  CHECK(r.status == 503);
  CHECK(r.header("Retry-After") == "10");

  r = once(fault::bad_gateway());
  CHECK(r.status == 502);
  CHECK(error_of(r)["code"] == "UnknownError");
  CHECK(error_of(r)["message"] == "Bad Gateway");

  r = once(fault::gateway_timeout());
  CHECK(r.status == 504);
  CHECK(error_of(r)["code"] == "UnknownError");
  CHECK(error_of(r)["message"] == "");

  r = once(fault::expired_token());
  CHECK(r.status == 401);
  CHECK(error_of(r)["code"] == "InvalidAuthenticationToken");
  CHECK(error_of(r)["message"] == "Access token has expired or is not yet valid.");
  CHECK(r.header("WWW-Authenticate").rfind("Bearer realm=\"\"", 0) == 0);

  r = once(fault::throttle(0.5));
  CHECK(r.header("Retry-After") == "0.5");
  r = once(fault::throttle());
  CHECK(r.header("Retry-After") == "1");

  r = once(fault::http_error(500, "InternalServerError", "Something broke.").retry_after(3));
  CHECK(r.status == 500);
  CHECK(error_of(r)["code"] == "InternalServerError");
  CHECK(error_of(r)["message"] == "Something broke.");
  CHECK(r.header("Retry-After") == "3");

  r = once(fault::unavailable().code("ServiceUnavailable").message("Maintenance."));
  CHECK(error_of(r)["code"] == "ServiceUnavailable");
  CHECK(error_of(r)["message"] == "Maintenance.");

  // Every fault answer carries Graph's usual headers.
  CHECK(r.header("Content-Type").rfind("application/json", 0) == 0);
  CHECK_FALSE(r.header("client-request-id").empty());
}

TEST_CASE("Faults: filters by route, method, URL, token and caller", "[faults]") {
  auto g = default_world();
  SECTION("method: a POST rule answers before the 405") {
    g.faults().add(fault::bad_gateway().method("POST"));
    CHECK(g.handle({"POST", my_chats, {{"Authorization", "Bearer adele-read"}}}).status == 502);
    CHECK(get(g, my_chats, "adele-read").status == 200);
  }
  SECTION("url_contains: only follow-up pages") {
    g.faults().add(fault::unavailable().url_contains("$skiptoken"));
    const auto first = get(g, my_chats + "?$top=2", "adele-read");
    CHECK(first.status == 200);
    CHECK(get(g, first.json()["@odata.nextLink"], "adele-read").status == 503);
  }
  SECTION("caller: by userPrincipalName, by id, by appId") {
    g.faults().add(fault::http_error(418, "Teapot").caller("megan@contoso.com"));
    g.faults().add(fault::http_error(419, "ById").caller("8b081ef6-4792-4def-b2c9-c363a1bf41d5"));
    CHECK(get(g, my_chats, "megan-read").status == 418);
    CHECK(get(g, my_chats, "adele-read").status == 419);
    CHECK(get(g, "/v1.0/users/megan@contoso.com/chats", "exporter").status == 200);
    CHECK(get(g, my_chats, "no-such-token").status == 401);  // no caller: the rules do not match
  }
  SECTION("route none: requests that matched no route") {
    g.faults().add(fault::bad_gateway().on(endpoint::none));
    CHECK(get(g, "/v1.0/me/messages", "adele-read").status == 502);
    CHECK(get(g, my_chats, "adele-read").status == 200);
  }
}

TEST_CASE("Faults: the first firing rule answers, every rule counts its matches", "[faults]") {
  auto g = default_world();
  const auto a = g.faults().add(fault::bad_gateway().nth(2));
  const auto b = g.faults().add(fault::gateway_timeout().every(2));
  const auto d = g.faults().add(fault::delay(std::chrono::milliseconds(30)).every(2));
  CHECK(statuses(g, 4) == std::vector<int>{200, 502, 200, 504});
  CHECK(g.faults().matched(a) == 4);
  CHECK(g.faults().fired(a) == 1);
  CHECK(g.faults().fired(b) == 1);  // its 2nd match was answered by rule a
  CHECK(g.faults().fired(d) == 2);  // delays add to any answer
  CHECK(g.faults().fired() == 4);
  CHECK(g.journal().entries()[1].delay == std::chrono::milliseconds(30));
  CHECK(g.journal().entries()[1].fault.find("rule 0") != std::string::npos);
  CHECK(g.journal().entries()[1].fault.find("rule 2") != std::string::npos);

  CHECK(g.faults().remove(a));
  CHECK_FALSE(g.faults().remove(a));
  CHECK(g.faults().size() == 2);
  CHECK(error_id([&] { g.faults().fired(a); }) == "fakegraph.faults.unknown_rule");
  g.faults().clear();
  CHECK(statuses(g, 2) == std::vector<int>{200, 200});
}

TEST_CASE("Faults: a delay is recorded, what it does is the graph's on_delay", "[faults]") {
  auto g = default_world();
  g.faults().add(fault::delay(std::chrono::milliseconds(250)).on(endpoint::list_chats));
  const auto start = g.clock().now();
  CHECK(get(g, my_chats, "adele-read").status == 200);
  CHECK(g.clock().now() == start);  // by default nothing waits
  CHECK(g.journal().last()->delay == std::chrono::milliseconds(250));

  std::vector<std::chrono::milliseconds> waits;
  g.on_delay([&](std::chrono::milliseconds d) {
    waits.push_back(d);
    g.clock().advance(d);  // virtual latency
  });
  get(g, my_chats, "adele-read");
  get(g, my_chats, "adele-read");
  CHECK(waits == std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(250),
                                                        std::chrono::milliseconds(250)});
  CHECK(g.clock().now() == start + 500);
}

TEST_CASE("Faults: an empty page that still has a nextLink", "[faults]") {
  auto g = default_world();
  const auto clean_pages = walk(g, my_chats + "?$top=2", "adele-read");
  const auto expected = walked_ids(clean_pages);
  REQUIRE(clean_pages.size() == 4);

  SECTION("on the 2nd page") {
    g.faults().add(fault::empty_page().on(endpoint::list_chats).nth(2));
    const auto pages = walk(g, my_chats + "?$top=2", "adele-read");
    CHECK(walked_ids(pages) == expected);
    REQUIRE(pages.size() == 5);
    CHECK(pages[1]["value"] == json::array());
    CHECK(pages[1]["@odata.count"] == 0);
    CHECK(pages[1]["@odata.context"] == clean_pages[1]["@odata.context"]);
    CHECK(pages[1]["@odata.nextLink"].get<std::string>().rfind(
              "https://graph.microsoft.com/v1.0/me/chats?$top=2&$skiptoken=", 0) == 0);
    CHECK(pages[2] == clean_pages[1]);
    CHECK(g.journal().next_links().all_followed_once());
  }
  SECTION("on every page, the last one included: the walk still ends") {
    g.faults().add(fault::empty_page());
    const auto pages = walk(g, my_chats + "?$top=2", "adele-read");
    CHECK(walked_ids(pages) == expected);
    CHECK(pages.size() == 8);
    CHECK(pages.back() == clean_pages.back());
  }
  SECTION("not on an error answer") {
    g.faults().add(fault::empty_page());
    const auto r = get(g, my_chats, "adele-user-read");
    CHECK(r.status == 403);
  }
  SECTION("on every endpoint that answers a collection page, with that page's context") {
    const std::string chat = "/v1.0/me/chats/19:fba5913dd74162ad849c812d81852b2a@thread.v2";
    const std::vector<std::pair<std::string, std::string>> pages = {
        {my_chats, "adele-read"},
        {export_adele, "exporter"},
        {"/v1.0/users/adele@contoso.com/chats/getAllMessages/delta", "exporter"},
        {chat + "/messages", "adele-read"},
        {chat + "/members", "adele-read"}};
    g.faults().add(fault::empty_page().first(pages.size()));
    for (const auto& [url, token] : pages) {
      INFO(url);
      const json real = get(fakegraph_test::default_world(), url, token).json();
      const fakegraph::response r = get(g, url, token);
      REQUIRE(r.status == 200);
      const json empty = r.json();
      REQUIRE(real.at("value").size() > 0);
      CHECK(empty.at("@odata.context") == real.at("@odata.context"));
      CHECK(empty.at("value") == json::array());
      CHECK(empty.at("@odata.count") == 0);
      CHECK(empty.at("@odata.nextLink").is_string());
    }
  }
  SECTION("not on a single item") {
    g.faults().add(fault::empty_page());
    const fakegraph::response r =
        get(g, "/v1.0/me/chats/19:fba5913dd74162ad849c812d81852b2a@thread.v2", "adele-read");
    REQUIRE(r.status == 200);
    CHECK(r.json().at("id") == "19:fba5913dd74162ad849c812d81852b2a@thread.v2");
    CHECK_FALSE(r.json().contains("value"));
  }
}

TEST_CASE("Faults: invalid rules are refused", "[faults]") {
  auto g = default_world();
  const std::vector<fault> bad = {
      fault::throttle().nth(0),
      fault::throttle().every(0),
      fault::throttle().first(0),
      fault::unavailable().share(0),
      fault::unavailable().share(1.5),
      fault::throttle(-1),
      fault::throttle(0),
      fault::http_error(200, "OK"),
      fault::http_error(500, ""),
      fault::delay(std::chrono::milliseconds(0)),
      fault::delay(std::chrono::milliseconds(-5)),
      fault::empty_page().retry_after(1),
      fault::empty_page().on(endpoint::none),
  };
  for (const auto& f : bad) {
    CAPTURE(f.describe());
    CHECK(error_id([&] { g.faults().add(f); }) == "fakegraph.faults.bad_rule");
  }
  CHECK(g.faults().size() == 0);
}

TEST_CASE("Faults: the seed form (settings.faults)", "[faults][seed]") {
  const json rules = json::parse(R"([
    {"route": "listChats", "nth": 2, "status": 429, "retryAfter": 2.128},
    {"route": "any", "token": "ann", "every": 5, "status": 503},
    {"first": 1, "status": 500, "code": "InternalServerError", "message": "boom", "urlContains": "$top=7"},
    {"emptyPage": true, "urlContains": "$top=9"},
    {"delayMs": 40, "method": "GET", "caller": "ann@northwind.test", "share": 1, "randomSeed": 3}
  ])");
  auto g = fakegraph::graph::from_json(seed_with({{"faults", rules}}));
  CHECK(g.faults().size() == 5);
  CHECK(statuses(g, 5, my_chats, "ann") == std::vector<int>{200, 429, 200, 200, 503});
  CHECK(g.journal().entries()[1].response_header("Retry-After") == "2.128");
  CHECK(get(g, my_chats + "?$top=7", "ann").status == 500);
  const auto empty = get(g, my_chats + "?$top=9", "ann");
  CHECK(empty.status == 200);
  CHECK(empty.json()["value"].empty());
  CHECK(g.journal().last()->delay == std::chrono::milliseconds(40));

  // reset() brings back the seed's rules with fresh counters.
  g.faults().clear();
  g.reset();
  CHECK(g.faults().size() == 5);
  CHECK(statuses(g, 2, my_chats, "ann") == std::vector<int>{200, 429});
}

TEST_CASE("Faults: seed errors name the JSON path", "[faults][seed]") {
  struct bad_case {
    json rule;
    std::string id;
    std::string path;
  };
  const std::vector<bad_case> cases = {
      {{{"status", 429}, {"nth", 0}}, "fakegraph.seed.bad_type", "settings.faults[0].nth"},
      {{{"status", 429}, {"nth", "2"}}, "fakegraph.seed.bad_type", "settings.faults[0].nth"},
      {{{"status", 429}, {"colour", "red"}},
       "fakegraph.seed.unknown_key",
       "settings.faults[0].colour"},
      {{{"status", 302}}, "fakegraph.seed.bad_value", "settings.faults[0].status"},
      {{{"status", 500}}, "fakegraph.seed.missing_field", "settings.faults[0].code"},
      {{{"nth", 2}}, "fakegraph.seed.missing_field", "settings.faults[0]"},
      {{{"status", 503}, {"emptyPage", true}}, "fakegraph.seed.bad_value", "settings.faults[0]"},
      {{{"status", 503}, {"nth", 1}, {"every", 2}},
       "fakegraph.seed.bad_value",
       "settings.faults[0]"},
      {{{"status", 503}, {"randomSeed", 2}},
       "fakegraph.seed.bad_value",
       "settings.faults[0].randomSeed"},
      {{{"status", 503}, {"share", 2}}, "fakegraph.seed.bad_value", "settings.faults[0].share"},
      {{{"status", 429}, {"retryAfter", -1}},
       "fakegraph.seed.bad_value",
       "settings.faults[0].retryAfter"},
      {{{"status", 429}, {"retryAfter", "soon"}},
       "fakegraph.seed.bad_type",
       "settings.faults[0].retryAfter"},
      {{{"status", 429}, {"route", "listMessages"}},
       "fakegraph.seed.bad_value",
       "settings.faults[0].route"},
      {{{"delayMs", 0}}, "fakegraph.seed.bad_value", "settings.faults[0].delayMs"},
      {{{"emptyPage", true}, {"retryAfter", 1}},
       "fakegraph.seed.bad_value",
       "settings.faults[0].retryAfter"},
      {"429", "fakegraph.seed.bad_type", "settings.faults[0]"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.rule.dump());
    try {
      fakegraph::graph::from_json(seed_with({{"faults", json::array({c.rule})}}));
      FAIL("loaded");
    } catch (const fakegraph::error& e) {
      CHECK(e.id() == c.id);
      CHECK_THAT(e.what(), Catch::Matchers::StartsWith("[" + c.id + "] " + c.path + ":"));
    }
  }
  CHECK(error_id([] {
          fakegraph::graph::from_json(seed_with({{"faults", {{"status", 429}}}}));
        }) == "fakegraph.seed.bad_type");
}

TEST_CASE("Faults: concurrent callers hit each schedule exactly",
          "[faults][threads][concurrency]") {
  auto g = default_world();
  const auto nth = g.faults().add(fault::http_error(418, "Nth").token("adele-read").nth(137));
  const auto every = g.faults().add(fault::http_error(419, "Every").token("megan-read").every(10));
  const auto first = g.faults().add(fault::http_error(420, "First").token("exporter").first(7));
  const auto share =
      g.faults().add(fault::http_error(421, "Share").token("kenji-read").share(0.3, 99));
  constexpr int per_thread = 100;
  const std::vector<std::pair<std::string, std::string>> callers = {
      {"adele-read", my_chats},
      {"megan-read", my_chats},
      {"exporter", "/v1.0/users/megan@contoso.com/chats"},
      {"kenji-read", my_chats},
      {"adele-read", my_chats},
      {"megan-read", my_chats},
      {"exporter", "/v1.0/users/megan@contoso.com/chats"},
      {"kenji-read", my_chats}};
  std::vector<std::thread> pool;
  for (const auto& [token, url] : callers)
    pool.emplace_back([&g, token = token, url = url] {
      for (int i = 0; i < per_thread; ++i) get(g, url, token);
    });
  for (auto& t : pool) t.join();

  CHECK(g.faults().fired(nth) == 1);
  CHECK(g.faults().fired(every) == 2 * per_thread / 10);
  CHECK(g.faults().fired(first) == 7);
  CHECK(g.journal().count(418) == 1);
  CHECK(g.journal().count(419) == 20);
  CHECK(g.journal().count(420) == 7);
  // The share's draws depend on the match number only: the same count as one thread gets.
  auto alone = default_world();
  alone.faults().add(fault::http_error(421, "Share").token("kenji-read").share(0.3, 99));
  statuses(alone, 2 * per_thread, my_chats, "kenji-read");
  CHECK(g.faults().fired(share) == alone.faults().fired(0));
  CHECK(g.journal().count(421) == alone.journal().count(421));
}
