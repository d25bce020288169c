// Testing a chat exporter with fakegraph and Catch2: a world built in two lines, virtual
// time, the journal, faults, throttling, determinism, and a coverage report at the end.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include <algorithm>  // std::sort
#include <chrono>     // std::chrono::milliseconds, std::chrono::seconds
#include <cstdio>     // std::fprintf
#include <string>     // std::string
#include <vector>     // std::vector

#include "exporter.hpp"

namespace {

// Every test adds its graph's coverage here; the report prints when the run ends (not
// when nothing ran, as when CTest asks for the list of tests).
struct coverage_at_exit {
  fakegraph::coverage_data total;
  ~coverage_at_exit() {
    if (total.requests > 0) std::fprintf(stderr, "\n%s", total.report().c_str());
  }
} run_coverage;

// The exporter, wired to a graph: its transport, a token, and waits that step the
// graph's clock instead of sleeping (a test that honours Retry-After takes no time).
example::chat_exporter exporter_for(fakegraph::graph& g, std::string token = "app",
                                    example::chat_exporter::options o = {}) {
  return example::chat_exporter(
      g.transport(), [token] { return token; },
      [&g](std::chrono::milliseconds d) { g.clock().advance(d); }, std::move(o));
}

// Adele and Megan, a chat between them with `n` messages, a minute apart.
fakegraph::graph small_world(int n) {
  auto g = fakegraph::graph::with_users({"adele@contoso.com", "megan@contoso.com"});
  const std::string chat = g.add_chat({"adele@contoso.com", "megan@contoso.com"});
  for (int i = 0; i < n; ++i) {
    g.add_message(
        chat, {i % 2 ? "megan@contoso.com" : "adele@contoso.com", "message " + std::to_string(i)});
    g.clock().advance(std::chrono::minutes(1));
  }
  return g;
}

std::vector<std::string> contents(const std::vector<nlohmann::json>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m["body"]["content"]);
  return out;
}

std::vector<std::string> expected_contents(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("message " + std::to_string(i));
  return out;
}

}  // namespace

TEST_CASE("Builder: the exporter reads a world written in two lines", "[exporter]") {
  auto g = fakegraph::graph::with_users({"adele@contoso.com", "megan@contoso.com"});
  const auto chat = g.add_chat({"adele@contoso.com", "megan@contoso.com"});
  g.add_message(chat, {"adele@contoso.com", "hello"});
  g.add_message(chat, {"megan@contoso.com", "hi Adele"});

  auto exporter = exporter_for(g);
  CHECK(contents(exporter.export_messages("adele@contoso.com")) ==
        std::vector<std::string>{"hello", "hi Adele"});
  const auto chats = exporter.list_chats("megan@contoso.com");
  REQUIRE(chats.size() == 1);
  CHECK(chats[0]["id"] == chat);
  CHECK(chats[0]["members"].size() == 2);
  run_coverage.total += g.coverage().data();
}

TEST_CASE("Delta: a full round, changes, then a round of just those changes", "[exporter]") {
  auto g = small_world(7);
  example::chat_exporter::options o;
  o.page_size = 3;
  auto exporter = exporter_for(g, "app", o);
  const auto full = exporter.sync("adele@contoso.com");
  CHECK(contents(full.changed) == expected_contents(7));
  REQUIRE_FALSE(full.delta_link.empty());

  // Megan edits her first message and Adele deletes her second; someone reacts to a third.
  const auto& m = full.changed;
  const std::string chat_id = m[0]["chatId"];
  g.edit_message(chat_id, m[1]["id"], "message 1, edited");
  g.delete_message(chat_id, m[2]["id"]);
  g.add_reaction(chat_id, m[4]["id"], "megan@contoso.com", "heart");
  const auto changes = exporter.sync("adele@contoso.com", full.delta_link);
  REQUIRE(changes.changed.size() == 3);
  std::vector<std::string> ids;
  for (const auto& item : changes.changed) ids.push_back(item["id"]);
  std::sort(ids.begin(), ids.end());
  CHECK(ids == std::vector<std::string>{m[1]["id"], m[2]["id"], m[4]["id"]});

  const auto quiet = exporter.sync("adele@contoso.com", changes.delta_link);
  CHECK(quiet.changed.empty());
  run_coverage.total += g.coverage().data();
}

TEST_CASE("Journal: the exporter follows every nextLink exactly once", "[exporter]") {
  auto g = small_world(23);
  example::chat_exporter::options o;
  o.page_size = 5;
  auto exporter = exporter_for(g, "app", o);
  CHECK(contents(exporter.export_messages("adele@contoso.com")) == expected_contents(23));

  const auto pages = g.journal().entries(fakegraph::endpoint::get_all_messages);
  CHECK(pages.size() == 5);
  CHECK(pages[0].query("$top") == std::optional<std::string>("5"));
  CHECK(pages[0].who->is_application());
  CHECK(g.journal().next_links().all_followed_once());
  CHECK(g.journal().count(200) == 5);
  run_coverage.total += g.coverage().data();
}

TEST_CASE("Faults: the exporter survives 429, 503, 502, 504 and an empty page", "[exporter]") {
  auto g = small_world(12);
  using fakegraph::fault;
  g.faults().add(fault::throttle(2.128).nth(2));  // fractional Retry-After
  g.faults().add(fault::unavailable().nth(4));    // no Retry-After: backoff
  g.faults().add(fault::unavailable(3).nth(6));   // whole seconds
  g.faults().add(fault::bad_gateway().nth(7));
  g.faults().add(fault::gateway_timeout().nth(8));
  g.faults().add(fault::empty_page().url_contains("$skiptoken").nth(2));
  example::chat_exporter::options o;
  o.page_size = 4;
  auto exporter = exporter_for(g, "app", o);
  const auto start = g.clock().now();

  CHECK(contents(exporter.export_messages("adele@contoso.com")) == expected_contents(12));
  CHECK(exporter.statistics().retries == 5);
  // 2.128 s, a 500 ms backoff, 3 s, then a backoff of 500 ms doubled to 1 s.
  CHECK(exporter.statistics().waited == std::chrono::milliseconds(2128 + 500 + 3000 + 500 + 1000));
  CHECK(g.clock().now() - start == exporter.statistics().waited.count());  // virtual time
  CHECK(g.journal().count(429) == 1);
  CHECK(g.journal().count([](const fakegraph::journal_entry& e) { return !e.fault.empty(); }) == 6);
  CHECK(g.journal().next_links().all_followed_once());
  run_coverage.total += g.coverage().data();
}

TEST_CASE("Faults: an expired token mid-export, and a 403 the exporter reports", "[exporter]") {
  auto g = small_world(6);
  g.faults().add(fakegraph::fault::expired_token().nth(2));
  example::chat_exporter::options o;
  o.page_size = 2;
  auto exporter = exporter_for(g, "app", o);
  CHECK(exporter.export_messages("adele@contoso.com").size() == 6);
  CHECK(exporter.statistics().token_refreshes == 1);

  g.add_token("no-roles", fakegraph::app_only(g.add_application("No roles"), {}));
  auto denied = exporter_for(g, "no-roles");
  CHECK_THROWS_AS(denied.export_messages("adele@contoso.com"), example::export_error);
  CHECK(g.journal().last()->status == 403);
  run_coverage.total += g.coverage().data();
}

TEST_CASE("Clock: a token that expires while the exporter waits out a Retry-After", "[exporter]") {
  auto g = small_world(4);
  const std::string app = g.add_application("Nightly export");
  auto t = fakegraph::app_only(app, {"Chat.Read.All"});
  t.expires = g.clock().now() + 1000;  // valid for one more second
  g.add_token("short-lived", t);
  g.add_token("renewed", fakegraph::app_only(app, {"Chat.Read.All"}));
  g.faults().add(fakegraph::fault::throttle(5).on(fakegraph::endpoint::get_all_messages).nth(2));

  std::vector<std::string> issued = {"short-lived", "renewed"};
  std::size_t next = 0;
  example::chat_exporter::options o;
  o.page_size = 2;
  example::chat_exporter exporter(
      g.transport(), [&] { return issued.at(next++); },
      [&g](std::chrono::milliseconds d) { g.clock().advance(d); }, o);
  CHECK(exporter.export_messages("adele@contoso.com").size() == 4);
  // Page 2 was throttled for 5 s; by then the first token had expired: one 401, one refresh.
  CHECK(g.journal().count(401) == 1);
  CHECK(exporter.statistics().token_refreshes == 1);
  run_coverage.total += g.coverage().data();
}

TEST_CASE("Throttling: the exporter honours Retry-After and never retries early", "[exporter]") {
  auto g = small_world(260);
  g.enable_throttling();  // getAllMessages: 200 requests per second per app per tenant
  example::chat_exporter::options o;
  o.page_size = 1;
  auto exporter = exporter_for(g, "app", o);
  CHECK(exporter.export_messages("adele@contoso.com").size() == 260);
  CHECK(g.throttling().throttled() == 1);
  CHECK(g.throttling().early_retries() == 0);
  CHECK(g.journal().count([](const fakegraph::journal_entry& e) { return e.throttled; }) == 1);
  run_coverage.total += g.coverage().data();
}

TEST_CASE("Determinism: the same export twice gives the same bytes", "[exporter]") {
  auto run = [] {
    auto g = small_world(9);
    g.faults().add(fakegraph::fault::unavailable().share(0.3));  // drawn from the graph's idSeed
    example::chat_exporter::options o;
    o.page_size = 2;
    auto exporter = exporter_for(g, "app", o);
    exporter.export_messages("adele@contoso.com");
    std::vector<std::string> wire;
    for (const auto& e : g.journal().entries())
      wire.push_back(std::to_string(e.status) + " " + e.response_body);
    run_coverage.total += g.coverage().data();
    return wire;
  };
  const auto first = run();
  CHECK(first == run());
}

TEST_CASE("Coverage: what the exporter's tests exercised", "[exporter]") {
  auto g = small_world(3);
  auto exporter = exporter_for(g);
  exporter.export_messages("adele@contoso.com");
  exporter.list_chats("adele@contoso.com");
  const fakegraph::coverage_data c = g.coverage().data();
  CHECK(c.endpoints.count("getAllMessages GET /users/{user}/chats/getAllMessages") == 1);
  CHECK(c.query_options.count("getAllMessages model=B") == 1);
  CHECK(c.permissions.count("getAllMessages application[Chat.Read.All] -> allowed") == 1);
  run_coverage.total += c;
  // The whole run's report prints when the program ends; here is this test's share.
  INFO(c.report());
  CHECK(c.requests == 2);
}
