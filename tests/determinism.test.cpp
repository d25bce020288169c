// Determinism: the same test builds the same world and gets the same bytes, run after
// run; the idSeed is the one knob that changes derived ids, request ids and fault draws.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <chrono>   // std::chrono::hours
#include <cstdint>  // std::uint64_t
#include <string>   // std::string
#include <vector>   // std::vector

#include "support/fixtures.hpp"

using nlohmann::json;

namespace {

// Everything a client could observe of a run: every answer, byte for byte.
struct run_result {
  std::vector<std::string> ids;
  std::vector<std::string> wire;
};

std::string wire_of(const fakegraph::journal_entry& e) {
  std::string s = std::to_string(e.status) + "\n";
  for (const auto& [k, v] : e.response_headers) s += k + ": " + v + "\n";
  return s + "\n" + e.response_body;
}

// A test world built in code, a fault drawn from the seed, and a script of requests.
run_result scripted_run(std::uint64_t id_seed) {
  auto g = fakegraph::graph::from_json(
      {{"settings", {{"idSeed", id_seed}, {"now", "2026-03-01T08:00:00Z"}}}});
  run_result out;
  out.ids.push_back(g.add_tenant("Contoso"));
  for (const char* upn : {"adele@contoso.com", "megan@contoso.com", "alex@contoso.com"}) {
    out.ids.push_back(g.add_user(upn));
    g.add_token(upn, fakegraph::delegated(upn, {"Chat.Read"}));
  }
  const std::string app = g.add_application("Exporter");
  out.ids.push_back(app);
  g.add_token("app", fakegraph::app_only(app, {"Chat.Read.All"}));
  out.ids.push_back(g.add_chat({"adele@contoso.com", "megan@contoso.com"}));
  const std::string group = g.add_chat(fakegraph::chat_spec::group(
      {"adele@contoso.com", "megan@contoso.com", "alex@contoso.com"}, "Launch"));
  out.ids.push_back(group);
  out.ids.push_back(g.add_chat(
      fakegraph::chat_spec::meeting({"adele@contoso.com", "alex@contoso.com"}, "Review")));
  for (int i = 0; i < 30; ++i)
    out.ids.push_back(g.add_message(
        group, {i % 2 ? "megan@contoso.com" : "adele@contoso.com", "m" + std::to_string(i)}));
  g.faults().add(fakegraph::fault::unavailable().share(0.2));

  for (int i = 0; i < 10; ++i) {
    std::string url = "/v1.0/users/adele@contoso.com/chats/getAllMessages?$top=7";
    while (!url.empty()) {
      const auto r = g.handle({"GET", url, {{"Authorization", "Bearer app"}}});
      if (r.status == 503) continue;  // retry the same page
      url = r.json().value("@odata.nextLink", "");
    }
    g.handle({"GET",
              "/v1.0/me/chats?$expand=members,lastMessagePreview",
              {{"Authorization", "Bearer megan@contoso.com"}}});
  }
  for (const auto& e : g.journal().entries()) out.wire.push_back(wire_of(e));
  return out;
}

}  // namespace

TEST_CASE("Determinism: two runs of one test give the same bytes", "[determinism]") {
  const run_result a = scripted_run(7);
  const run_result b = scripted_run(7);
  REQUIRE(a.wire.size() > 40);
  CHECK(a.ids == b.ids);
  CHECK(a.wire == b.wire);
  // The seeded faults fired, and the same ones both times.
  std::size_t unavailable = 0;
  for (const auto& w : a.wire)
    if (w.rfind("503", 0) == 0) ++unavailable;
  CHECK(unavailable > 0);
}

TEST_CASE("Determinism: the idSeed changes derived ids, request ids and fault draws",
          "[determinism]") {
  const run_result a = scripted_run(7);
  const run_result c = scripted_run(8);
  REQUIRE(a.ids.size() == c.ids.size());
  CHECK(a.ids[0] != c.ids[0]);                          // tenant: derived from the seed
  CHECK(a.ids[1] == c.ids[1]);                          // users: derived from their UPN only
  CHECK(a.ids[4] != c.ids[4]);                          // application
  CHECK(a.ids[5].find(a.ids[1]) != std::string::npos);  // a 1:1 id names its members
  CHECK(a.ids[6] != c.ids[6]);                          // group chat
  CHECK(a.ids[7] != c.ids[7]);                          // meeting chat
  CHECK(a.ids.back() == c.ids.back());                  // message ids are creation times
  CHECK(a.wire != c.wire);
}

TEST_CASE("Determinism: reset() replays a seeded graph byte for byte", "[determinism][reset]") {
  auto g = fakegraph_test::default_world();
  auto script = [&] {
    std::vector<std::string> wire;
    for (const char* url : {"/v1.0/me/chats?$top=2", "/v1.0/me/chats?$expand=lastMessagePreview",
                            "/v1.0/users/megan@contoso.com/chats", "/v1.0/me/messages"})
      g.handle({"GET", url, {{"Authorization", "Bearer adele-read"}}});
    g.handle({"GET",
              "/v1.0/users/adele@contoso.com/chats/getAllMessages?model=A",
              {{"Authorization", "Bearer exporter"}}});
    for (const auto& e : g.journal().entries()) wire.push_back(wire_of(e));
    return wire;
  };
  const auto first = script();
  g.add_chat({"adele@contoso.com", "isaiah@contoso.com"});
  g.clock().advance(std::chrono::hours(3));
  g.reset();
  CHECK(script() == first);
  // A second graph from the same file answers the same bytes too.
  g = fakegraph_test::default_world();
  CHECK(script() == first);
}
