// Coverage: which endpoints, query options, permission decisions, statuses and faults the
// tests exercised, and what they never did.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <string>  // std::string
#include <thread>  // std::thread
#include <vector>  // std::vector

#include "support/fixtures.hpp"

using fakegraph_test::contains_substring;
using fakegraph_test::default_world;
using fakegraph_test::get;
using nlohmann::json;

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v)
    if (x == s) return true;
  return false;
}

}  // namespace

TEST_CASE("Coverage: endpoints, options, permission decisions, statuses, faults", "[coverage]") {
  auto g = default_world();
  get(g, "/v1.0/me/chats?$top=2&$expand=members,lastMessagePreview", "adele-read");
  get(g, "/v1.0/me/chats", "adele-read");
  get(g, "/v1.0/users/megan@contoso.com/chats?$filter=chatType eq 'group'", "exporter");
  get(g, "/v1.0/me/chats", "adele-user-read");  // 403
  get(g, "/v1.0/me/chats", "");                 // 401
  get(g, "/v1.0/users/adele@contoso.com/chats/getAllMessages?model=A", "exporter");
  get(g, "/v1.0/me/messages", "adele-read");  // no route
  g.faults().add(fakegraph::fault::throttle(3).first(1));
  get(g, "/v1.0/me/chats", "adele-read");

  const fakegraph::coverage_data c = g.coverage().data();
  CHECK(c.requests == 8);
  CHECK(c.endpoints.at("listChats GET /me/chats") == 5);
  CHECK(c.endpoints.at("listChats GET /users/{user}/chats") == 1);
  CHECK(c.endpoints.at("getAllMessages GET /users/{user}/chats/getAllMessages") == 1);
  CHECK(c.endpoints.at("(no route) GET /v1.0/me/messages") == 1);

  CHECK(c.query_options.at("listChats $top") == 1);
  CHECK(c.query_options.at("listChats $expand=members") == 1);
  CHECK(c.query_options.at("listChats $expand=lastMessagePreview") == 1);
  CHECK(c.query_options.at("listChats $filter") == 1);
  CHECK(c.query_options.at("getAllMessages model=A") == 1);

  CHECK(c.permissions.at("listChats delegated[Chat.Read] -> allowed") == 2);
  CHECK(c.permissions.at("listChats application[Chat.Read.All] -> allowed") == 1);
  CHECK(c.permissions.at(
            "listChats delegated[User.Read] -> 403 Missing scope permissions on the request") == 1);
  CHECK(c.permissions.at("listChats unauthenticated -> 401 Access token is empty") == 1);
  CHECK(c.permissions.size() == 5);  // the faulted request decided nothing about permissions

  CHECK(c.statuses.at("403 Forbidden") == 1);
  CHECK(c.statuses.at("401 InvalidAuthenticationToken") == 1);
  CHECK(c.statuses.at("400 BadRequest") == 1);
  CHECK(c.statuses.at("429 TooManyRequests") == 1);
  CHECK(c.faults.at("rule 0: 429 TooManyRequests (Retry-After 3), the first 1 matches") == 1);

  const auto missing = c.not_exercised();
  CHECK(has(missing, "endpoint listChats GET /chats"));
  CHECK_FALSE(has(missing, "endpoint listChats GET /me/chats"));
  CHECK(has(missing, "option listChats $orderby"));
  CHECK(has(missing, "option getAllMessages model=B"));
  CHECK_FALSE(has(missing, "option listChats $top"));
  CHECK(has(missing, "answer 503 serviceNotAvailable"));
  CHECK(has(missing, "answer empty page with nextLink"));
  CHECK_FALSE(has(missing, "answer 429 TooManyRequests"));
  CHECK_FALSE(has(missing, "answer 403 Forbidden"));
}

TEST_CASE("Coverage: a printable report, JSON, merging and clearing", "[coverage]") {
  auto g = default_world();
  get(g, "/v1.0/chats?$orderby=lastMessagePreview/createdDateTime desc", "adele-read");
  g.enable_throttling();
  for (int i = 0; i < 7; ++i) get(g, "/v1.0/me/chats", "megan-read");

  const std::string report = g.coverage().report();
  CHECK(report.rfind("fakegraph coverage: 8 requests\n", 0) == 0);
  CHECK_THAT(report, contains_substring("  endpoints\n"));
  CHECK_THAT(report, contains_substring("         1  listChats GET /chats\n"));
  CHECK_THAT(report, contains_substring("         7  listChats GET /me/chats\n"));
  CHECK_THAT(report, contains_substring("  query options\n         1  listChats $orderby\n"));
  CHECK_THAT(report, contains_substring("         2  throttled: listChatsPerUser\n"));
  CHECK_THAT(report, contains_substring("         1  early retry\n"));
  CHECK_THAT(report, contains_substring("  not exercised\n"));
  CHECK_THAT(report, contains_substring(
                         "    endpoint getAllMessages GET /users/{user}/chats/getAllMessages\n"));

  const json j = g.coverage().data().json();
  CHECK(j["requests"] == 8);
  CHECK(j["statuses"]["429 TooManyRequests"] == 2);
  CHECK(j["notExercised"].is_array());

  auto other = default_world();
  get(other, "/v1.0/users/adele@contoso.com/chats/getAllMessages?model=B", "exporter");
  fakegraph::coverage_data total = g.coverage().data();
  total += other.coverage().data();
  CHECK(total.requests == 9);
  CHECK(total.endpoints.at("listChats GET /me/chats") == 7);
  CHECK(total.endpoints.at("getAllMessages GET /users/{user}/chats/getAllMessages") == 1);

  g.coverage().clear();
  CHECK(g.coverage().data().requests == 0);
  CHECK(g.coverage().report().rfind("fakegraph coverage: 0 requests\n  endpoints\n    (none)\n",
                                    0) == 0);
}

TEST_CASE("Coverage: concurrent callers are all counted", "[coverage][threads][concurrency]") {
  auto g = default_world();
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t)
    pool.emplace_back([&g, t] {
      for (int i = 0; i < 100; ++i)
        get(g, t % 2 ? "/v1.0/me/chats?$top=5" : "/v1.0/me/chats", "adele-read");
    });
  for (auto& t : pool) t.join();
  const auto c = g.coverage().data();
  CHECK(c.requests == 400);
  CHECK(c.endpoints.at("listChats GET /me/chats") == 400);
  CHECK(c.query_options.at("listChats $top") == 200);
  CHECK(c.statuses.at("200") == 400);
  CHECK(c.permissions.at("listChats delegated[Chat.Read] -> allowed") == 400);
}

TEST_CASE("Coverage: each table keeps at most max_keys keys, the rest under (other)",
          "[coverage]") {
  auto g = default_world();
  const std::size_t n = fakegraph::coverage::max_keys + 100;
  for (std::size_t i = 0; i < n; ++i) get(g, "/v1.0/path" + std::to_string(i), "adele-read");
  const auto c = g.coverage().data();
  CHECK(c.requests == n);
  CHECK(c.endpoints.size() == fakegraph::coverage::max_keys + 1);
  REQUIRE(c.endpoints.count("(other)"));
  CHECK(c.endpoints.at("(other)") == 100);
  // A key already kept still counts.
  get(g, "/v1.0/path0", "adele-read");
  CHECK(g.coverage().data().endpoints.at("(no route) GET /v1.0/path0") == 2);
}
