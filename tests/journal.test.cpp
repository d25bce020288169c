// The journal: every handled request with its answer, queryable, bounded and thread-safe.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <cstdint>  // std::uint64_t
#include <set>      // std::set
#include <string>   // std::string
#include <thread>   // std::thread
#include <vector>   // std::vector

#include "support/fixtures.hpp"
#include "support/walk.hpp"

using fakegraph_test::default_world;
using fakegraph_test::get;
using fakegraph_test::walk;
using nlohmann::json;

TEST_CASE("Journal: an entry holds the request, the answer, the caller and the time", "[journal]") {
  auto g = default_world();
  const auto r = g.handle({"GET",
                           "https://graph.microsoft.com/v1.0/me/chats?$top=2",
                           {{"Authorization", "Bearer adele-read"}, {"client-request-id", "abc"}}});
  REQUIRE(r.status == 200);

  const auto entries = g.journal().entries();
  REQUIRE(entries.size() == 1);
  const fakegraph::journal_entry& e = entries[0];
  CHECK(e.sequence == 1);
  CHECK(e.time == g.clock().now());
  CHECK(e.method == "GET");
  CHECK(e.url == "https://graph.microsoft.com/v1.0/me/chats?$top=2");
  CHECK(e.path() == "/v1.0/me/chats");
  CHECK(e.query("$TOP") == std::optional<std::string>("2"));
  CHECK_FALSE(e.query("$skiptoken"));
  CHECK(e.request_header("client-request-id") == "abc");
  CHECK(e.route == fakegraph::endpoint::list_chats);
  REQUIRE(e.who);
  CHECK(e.who->is_delegated());
  CHECK(e.who->id == "8b081ef6-4792-4def-b2c9-c363a1bf41d5");
  CHECK(e.who->scopes == std::vector<std::string>{"Chat.Read"});
  CHECK(e.status == 200);
  CHECK(e.response_body == r.body);
  CHECK(e.response_headers == r.headers);
  CHECK(e.response_header("request-id") == r.header("request-id"));
  CHECK(e.json() == r.json());
  CHECK(e.next_link() == r.json()["@odata.nextLink"]);
  CHECK(e.fault.empty());
  CHECK_FALSE(e.throttled);
  CHECK(e.error_code().empty());

  // A refused token: no principal; an unknown route: endpoint none.
  get(g, "/v1.0/me/chats", "no-such-token");
  get(g, "/v1.0/me/messages", "adele-read");
  const auto all = g.journal().entries();
  REQUIRE(all.size() == 3);
  CHECK_FALSE(all[1].who);
  CHECK(all[1].status == 401);
  CHECK(all[1].error_code() == "InvalidAuthenticationToken");
  CHECK(all[2].route == fakegraph::endpoint::none);
  CHECK(all[2].status == 400);
  CHECK(all[2].who);  // the token was good; the route was not
}

TEST_CASE("Journal: count, filter, last and clear", "[journal]") {
  auto g = default_world();
  walk(g, "/v1.0/me/chats?$top=2", "adele-read");  // 7 chats: 4 pages
  get(g, "/v1.0/users/adele@contoso.com/chats/getAllMessages?model=A", "exporter");
  get(g, "/v1.0/me/chats", "adele-user-read");  // 403

  auto& j = g.journal();
  CHECK(j.size() == 6);
  CHECK(j.count(fakegraph::endpoint::list_chats) == 5);
  CHECK(j.count(fakegraph::endpoint::get_all_messages) == 1);
  CHECK(j.count(403) == 1);
  CHECK(j.count(200) == 5);
  CHECK(j.count([](const fakegraph::journal_entry& e) {
    return e.query("$skiptoken").has_value();
  }) == 3);
  const auto pages = j.filter([](const fakegraph::journal_entry& e) {
    return e.route == fakegraph::endpoint::list_chats && !e.next_link().empty();
  });
  CHECK(pages.size() == 3);
  CHECK(j.entries(fakegraph::endpoint::get_all_messages).at(0).who->is_application());
  REQUIRE(j.last());
  CHECK(j.last()->status == 403);
  CHECK(j.last()->sequence == 6);
  j.clear();
  CHECK(j.size() == 0);
  CHECK_FALSE(j.last());
  get(g, "/v1.0/me/chats", "adele-read");
  CHECK(j.last()->sequence == 7);  // the request counter goes on
}

TEST_CASE("Journal: next_links() tells whether every nextLink was followed once", "[journal]") {
  auto g = default_world();
  SECTION("a complete walk") {
    walk(g, "/v1.0/me/chats?$top=2", "adele-read");
    const auto check = g.journal().next_links();
    CHECK(check.issued.size() == 3);
    CHECK(check.all_followed_once());
  }
  SECTION("a walk that stops early") {
    walk(g, "/v1.0/me/chats?$top=2", "adele-read", {}, 2);
    const auto check = g.journal().next_links();
    CHECK(check.issued.size() == 2);
    CHECK_FALSE(check.all_followed_once());
    REQUIRE(check.unfollowed.size() == 1);
    CHECK(check.unfollowed[0] == check.issued[1]);
  }
  SECTION("a page fetched twice; a retry after a fault is not a second follow") {
    const auto first = get(g, "/v1.0/me/chats?$top=2", "adele-read").json();
    const std::string link = first["@odata.nextLink"];
    g.faults().add(fakegraph::fault::throttle().first(1));
    CHECK(get(g, link, "adele-read").status == 429);
    walk(g, link, "adele-read");
    CHECK(g.journal().next_links().all_followed_once());
    get(g, link, "adele-read");
    const auto check = g.journal().next_links();
    REQUIRE(check.repeated.size() == 1);
    CHECK(check.repeated[0] == link);
  }
  SECTION("links compare without scheme and host") {
    const auto first = get(g, "/v1.0/me/chats?$top=2", "adele-read").json();
    const std::string link = first["@odata.nextLink"];
    const std::string path = link.substr(std::string("https://graph.microsoft.com").size());
    REQUIRE(path.rfind("/v1.0/me/chats?", 0) == 0);
    walk(g, path, "adele-read");
    CHECK(g.journal().next_links().all_followed_once());
  }
}

TEST_CASE("Journal: bounded by entries and by body bytes, can be switched off", "[journal]") {
  auto g = default_world();
  auto& j = g.journal();
  CHECK(j.capacity() == fakegraph::journal::default_capacity);
  j.set_capacity(5);
  for (int i = 0; i < 12; ++i) get(g, "/v1.0/me/chats", "adele-read");
  CHECK(j.size() == 5);
  CHECK(j.dropped() == 7);
  CHECK(j.entries().front().sequence == 8);
  CHECK(j.entries().back().sequence == 12);

  const std::size_t body = j.entries().back().response_body.size();
  j.set_capacity(100, body * 3);  // room for three bodies
  CHECK(j.size() == 3);
  CHECK(j.dropped() == 9);

  j.set_enabled(false);
  get(g, "/v1.0/me/chats", "adele-read");
  CHECK(j.size() == 3);
  CHECK_FALSE(j.enabled());
  j.set_enabled(true);
  get(g, "/v1.0/me/chats", "adele-read");
  CHECK(j.last()->sequence == 14);
}

TEST_CASE("Journal: each kept entry keeps its own bodies while older ones are dropped",
          "[journal]") {
  // Bodies live in one buffer that drops the oldest and is compacted now and then: every
  // entry kept must still read its own bytes, and the kept bytes stay within the budget.
  fakegraph::journal j;
  constexpr std::size_t budget = 100;
  j.set_capacity(1000, budget);
  const auto body = [](std::uint64_t i, char side) {
    return std::string(1, side) + std::to_string(i) + std::string(5 + i % 3, '.');
  };
  constexpr std::uint64_t n = 300;
  for (std::uint64_t i = 0; i < n; ++i) {
    fakegraph::journal_entry e;
    e.sequence = i;
    j.record(e, body(i, 'q'), body(i, 'a'));
    const auto kept = j.entries();
    REQUIRE_FALSE(kept.empty());
    CHECK(kept.back().sequence == i);
    std::size_t bytes = 0;
    for (const auto& k : kept) {
      CHECK(k.request_body == body(k.sequence, 'q'));
      CHECK(k.response_body == body(k.sequence, 'a'));
      bytes += k.request_body.size() + k.response_body.size();
    }
    CHECK(bytes <= budget);
    CHECK(j.dropped() + j.size() == i + 1);
  }
  CHECK(j.count(0) == j.size());  // status 0: every entry recorded here
  CHECK(j.count([](const fakegraph::journal_entry& e) { return e.response_body[0] == 'a'; }) ==
        j.size());

  fakegraph::journal_entry whole;  // an entry that holds its bodies
  whole.sequence = n;
  whole.response_body = "whole";
  j.record(whole);
  CHECK(j.last()->response_body == "whole");
  CHECK(j.last()->request_body.empty());
  j.clear();
  CHECK(j.size() == 0);
  j.record(whole);
  CHECK(j.entries().front().response_body == "whole");
}

TEST_CASE("Journal: concurrent callers each get one whole entry",
          "[journal][threads][concurrency]") {
  auto g = default_world();
  constexpr int threads = 4;
  constexpr int per_thread = 200;
  const char* tokens[threads] = {"adele-read", "megan-read", "exporter", "adele-user-read"};
  const char* urls[threads] = {"/v1.0/me/chats?$top=3", "/v1.0/me/chats",
                               "/v1.0/users/megan@contoso.com/chats", "/v1.0/me/chats"};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) get(g, urls[t], tokens[t]);
    });
  for (auto& th : pool) th.join();

  const auto entries = g.journal().entries();
  REQUIRE(entries.size() == threads * per_thread);
  std::set<std::uint64_t> sequences;
  std::set<std::string> request_ids;
  for (const auto& e : entries) {
    sequences.insert(e.sequence);
    request_ids.insert(e.response_header("request-id"));
    // Each entry is one request's own answer: the status fits the token it carried.
    const bool forbidden = e.request_header("Authorization") == "Bearer adele-user-read";
    CHECK(e.status == (forbidden ? 403 : 200));
    if (!forbidden) CHECK(e.json()["value"].is_array());
  }
  CHECK(sequences.size() == threads * per_thread);
  CHECK(*sequences.begin() == 1);
  CHECK(*sequences.rbegin() == threads * per_thread);
  CHECK(request_ids.size() == threads * per_thread);
  CHECK(g.journal().count(403) == per_thread);
}
