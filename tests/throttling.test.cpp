// The throttling model: the documented Teams limits per app per tenant and per user, on
// the graph's clock, with Retry-After and early retries throttled again.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <chrono>  // std::chrono::milliseconds, std::chrono::seconds
#include <string>  // std::string
#include <thread>  // std::thread
#include <vector>  // std::vector

#include "support/fixtures.hpp"

using fakegraph_test::error_id;
using fakegraph_test::get;
using nlohmann::json;

namespace {

std::string user(int i) { return "user" + std::to_string(i) + "@contoso.com"; }

// 40 users, each in a 1:1 chat with the next, with a message in each chat.
fakegraph::graph crowd() {
  std::vector<std::string> upns;
  for (int i = 0; i < 40; ++i) upns.push_back(user(i));
  auto g = fakegraph::graph::with_users(upns);
  for (int i = 0; i < 40; i += 2) {
    const std::string chat = g.add_chat({user(i), user(i + 1)});
    g.add_message(chat, {user(i), "hello"});
  }
  return g;
}

}  // namespace

TEST_CASE("Throttling: off unless enabled", "[throttling]") {
  auto g = crowd();
  CHECK_FALSE(g.throttling().enabled());
  for (int i = 0; i < 50; ++i) REQUIRE(get(g, "/v1.0/me/chats", user(0)).status == 200);
  CHECK(g.throttling().throttled() == 0);
}

TEST_CASE("Throttling: 5 List chats requests per second per user", "[throttling]") {
  auto g = crowd();
  g.enable_throttling();
  for (int i = 0; i < 5; ++i) REQUIRE(get(g, "/v1.0/me/chats", user(0)).status == 200);
  const auto r = get(g, "/v1.0/me/chats", user(0));
  REQUIRE(r.status == 429);
  CHECK(r.header("Retry-After") == "1");
  const json body = r.json();
  CHECK(body["error"]["code"] == "TooManyRequests");
  CHECK(body["error"]["message"] == "Please retry again later.");
  CHECK(body["error"]["innerError"]["status"] == "429");
  CHECK(body["error"]["innerError"]["code"] == "429");
  CHECK(body["error"]["innerError"]["request-id"] == r.header("request-id"));
  // Another user has a window of its own.
  CHECK(get(g, "/v1.0/me/chats", user(1)).status == 200);
  // The app naming user0 counts against user0 too.
  CHECK(get(g, "/v1.0/users/" + user(0) + "/chats", "app").status == 429);

  // Half a second later: still inside Retry-After, so throttled again and counted.
  g.clock().advance(std::chrono::milliseconds(500));
  const auto early = get(g, "/v1.0/me/chats", user(0));
  CHECK(early.status == 429);
  CHECK(early.header("Retry-After") == "1");  // whole seconds, rounded up
  const auto e = g.journal().last();
  REQUIRE(e);
  CHECK(e->throttled);
  CHECK(e->early_retry);
  CHECK(e->fault == "throttled: listChatsPerUser; early retry");
  CHECK(g.throttling().throttled() == 3);
  CHECK(g.throttling().early_retries() == 2);

  // Once Retry-After has passed, the window has room again.
  g.clock().advance(std::chrono::milliseconds(500));
  CHECK(get(g, "/v1.0/me/chats", user(0)).status == 200);
}

TEST_CASE("Throttling: the window slides on the graph's clock", "[throttling]") {
  auto g = crowd();
  g.enable_throttling();
  for (int i = 0; i < 3; ++i) REQUIRE(get(g, "/v1.0/me/chats", user(0)).status == 200);
  g.clock().advance(std::chrono::milliseconds(600));
  for (int i = 0; i < 2; ++i) REQUIRE(get(g, "/v1.0/me/chats", user(0)).status == 200);
  g.clock().advance(std::chrono::milliseconds(100));
  CHECK(get(g, "/v1.0/me/chats", user(0)).status == 429);  // 5 in the last second
  g.clock().advance(std::chrono::milliseconds(1000));      // Retry-After (1 s) has passed
  // The first three have left the window; the two at +600 ms too.
  for (int i = 0; i < 5; ++i) CHECK(get(g, "/v1.0/me/chats", user(0)).status == 200);
  CHECK(get(g, "/v1.0/me/chats", user(0)).status == 429);
}

TEST_CASE("Throttling: 30 List chats requests per second per app per tenant", "[throttling]") {
  auto g = crowd();
  g.enable_throttling();
  for (int i = 0; i < 30; ++i)
    REQUIRE(get(g, "/v1.0/users/" + user(i) + "/chats", "app").status == 200);
  const auto r = get(g, "/v1.0/users/" + user(30) + "/chats", "app");
  CHECK(r.status == 429);
  CHECK(g.journal().last()->fault == "throttled: listChatsPerAppPerTenant");
  // Delegated callers do not use the app's window.
  CHECK(get(g, "/v1.0/me/chats", user(31)).status == 200);
}

TEST_CASE("Throttling: 200 getAllMessages requests per second per app per tenant", "[throttling]") {
  auto g = crowd();
  g.enable_throttling();
  const std::string url = "/v1.0/users/" + user(0) + "/chats/getAllMessages?model=B";
  for (int i = 0; i < 200; ++i) REQUIRE(get(g, url, "app").status != 429);
  CHECK(get(g, url, "app").status == 429);
  CHECK(g.journal().last()->fault == "throttled: getAllMessagesPerAppPerTenant");
  // List chats has windows of its own.
  CHECK(get(g, "/v1.0/users/" + user(1) + "/chats", "app").status == 200);
  g.clock().advance(std::chrono::seconds(1));
  CHECK(get(g, url, "app").status != 429);
}

TEST_CASE("Throttling: limits are configurable, 0 means no limit", "[throttling]") {
  auto g = crowd();
  fakegraph::throttling_limits limits;
  limits.list_chats_per_user = 0;
  limits.list_chats_per_app_per_tenant = 0;
  limits.list_chats_per_app = 2;
  g.enable_throttling(limits);
  CHECK(g.throttling().limits().list_chats_per_app == 2);
  for (int i = 0; i < 20; ++i) REQUIRE(get(g, "/v1.0/me/chats", user(0)).status == 200);
  CHECK(get(g, "/v1.0/users/" + user(0) + "/chats", "app").status == 200);
  CHECK(get(g, "/v1.0/users/" + user(0) + "/chats", "app").status == 200);
  CHECK(get(g, "/v1.0/users/" + user(0) + "/chats", "app").status == 429);
  CHECK(g.journal().last()->fault == "throttled: listChatsPerApp");

  g.throttling().disable();
  CHECK(get(g, "/v1.0/users/" + user(0) + "/chats", "app").status == 200);
  limits.list_chats_per_user = -1;
  CHECK(error_id([&] { g.enable_throttling(limits); }) == "fakegraph.throttling.bad_limit");
}

TEST_CASE("Throttling: refused requests are not throttled and do not use the window",
          "[throttling]") {
  auto g = crowd();
  g.enable_throttling();
  for (int i = 0; i < 10; ++i) CHECK(get(g, "/v1.0/me/chats", "no-such-token").status == 401);
  for (int i = 0; i < 10; ++i) CHECK(get(g, "/v1.0/me/nothing", user(0)).status == 400);
  for (int i = 0; i < 5; ++i) CHECK(get(g, "/v1.0/me/chats", user(0)).status == 200);
}

TEST_CASE("Throttling: from the seed's settings.throttling", "[throttling][seed]") {
  const json seed = json::parse(R"({
    "settings": {"now": "2026-11-01T12:00:00Z", "throttling": {"listChatsPerUser": 2}},
    "tenants": [{"id": "6f1c1c1e-1111-4a4a-9b9b-000000000001"}],
    "users": [{"userPrincipalName": "ann@northwind.test"}],
    "tokens": [{"token": "ann", "user": "ann@northwind.test", "scopes": ["Chat.Read"]}]})");
  auto g = fakegraph::graph::from_json(seed);
  CHECK(g.throttling().enabled());
  CHECK(g.throttling().limits().list_chats_per_user == 2);
  CHECK(g.throttling().limits().list_chats_per_app_per_tenant == 30);
  CHECK(get(g, "/v1.0/me/chats", "ann").status == 200);
  CHECK(get(g, "/v1.0/me/chats", "ann").status == 200);
  CHECK(get(g, "/v1.0/me/chats", "ann").status == 429);
  g.throttling().disable();
  g.reset();  // the seed's setting comes back, with empty windows
  CHECK(g.throttling().enabled());
  CHECK(g.throttling().throttled() == 0);
  CHECK(get(g, "/v1.0/me/chats", "ann").status == 200);

  json off = seed;
  off["settings"]["throttling"] = {{"enabled", false}};
  CHECK_FALSE(fakegraph::graph::from_json(off).throttling().enabled());

  auto refused = [&](const json& throttling) {
    json bad = seed;
    bad["settings"]["throttling"] = throttling;
    try {
      fakegraph::graph::from_json(bad);
    } catch (const fakegraph::error& e) {
      return std::string(e.what());
    }
    return std::string("(loaded)");
  };
  CHECK(refused({{"listChatsPerUser", -1}})
            .rfind("[fakegraph.seed.bad_type] settings.throttling.listChatsPerUser:", 0) == 0);
  CHECK(refused({{"perUser", 5}})
            .rfind("[fakegraph.seed.unknown_key] settings.throttling.perUser:", 0) == 0);
  CHECK(refused({{"enabled", "yes"}})
            .rfind("[fakegraph.seed.bad_type] settings.throttling.enabled:", 0) == 0);
  CHECK(refused(true).rfind("[fakegraph.seed.bad_type] settings.throttling:", 0) == 0);
}

TEST_CASE("Throttling: concurrent callers share one window exactly",
          "[throttling][threads][concurrency]") {
  auto g = crowd();
  g.enable_throttling();
  constexpr int threads = 4;
  constexpr int per_thread = 25;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) get(g, "/v1.0/me/chats", user(0));
    });
  for (auto& t : pool) t.join();
  CHECK(g.journal().count(200) == 5);
  CHECK(g.journal().count(429) == threads * per_thread - 5);
  CHECK(g.throttling().throttled() == threads * per_thread - 5);
  CHECK(g.throttling().early_retries() == threads * per_thread - 6);
}
