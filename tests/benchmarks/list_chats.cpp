// What one List chats page costs as a user's chats grow (design.md §4: O(page + log n), 1M
// within 1.5x of 1k), and what the in-process call for a page of 20 chats with their members
// costs next to building the same bytes with plain string appends (within 2x).
//
// Run: fakegraph_bench_list_chats --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Every page is a full graph::handle() call: routing, token, options, index, JSON.
#include <benchmark/benchmark.h>
#include <fakegraph/fakegraph.hpp>

#include "bench_support.hpp"

#include <cstddef>  // std::size_t
#include <string>   // std::string
#include <vector>   // std::vector

namespace {

constexpr std::size_t colleagues = 40;
constexpr fakegraph::timestamp first_chat = 1735689600000;  // 2025-01-01T00:00:00Z
constexpr fakegraph::timestamp spacing = 1000;              // one chat a second

std::string colleague(std::size_t i) {
  return "colleague" + std::to_string(i % colleagues) + "@bench.example";
}

// The owner in `n` group chats of 3 to 5 members, built with the graph's builder calls.
fakegraph::graph bench_graph(std::size_t n) {
  fakegraph::graph g;
  g.clock().set(first_chat + static_cast<fakegraph::timestamp>(n) * spacing + 3600000);
  g.add_user({"owner@bench.example", "Owner"});
  for (std::size_t p = 0; p < colleagues; ++p)
    g.add_user({colleague(p), "Colleague " + std::to_string(p)});
  g.add_token("bench", fakegraph::app_only(g.add_application("Bench"), {"Chat.Read.All"}));
  for (std::size_t c = 0; c < n; ++c) {
    std::vector<std::string> members = {"owner@bench.example"};
    for (std::size_t k = 0; k < 2 + c % 3; ++k) members.push_back(colleague(c * 3 + k));
    fakegraph::chat_spec spec = fakegraph::chat_spec::group(members, "Chat " + std::to_string(c));
    spec.created = first_chat + static_cast<fakegraph::timestamp>(c) * spacing;
    g.add_chat(spec);
  }
  g.journal().set_enabled(false);
  return g;
}

const std::string page_path = "/v1.0/users/owner@bench.example/chats?$expand=members&$top=20";

fakegraph::request page_request(const std::string& url) {
  return {"GET", url, {{"Authorization", "Bearer bench"}}};
}

// A world of n chats and the URLs the benchmarks ask for, built once per size.
struct bench_world {
  fakegraph::graph g;
  std::string first;  // the first page
  std::string deep;   // the nextLink halfway through

  explicit bench_world(std::size_t n) : g(bench_graph(n)), first(page_path) {
    deep = first;
    for (std::size_t i = 0; i < n / 2 / 20; ++i)
      deep = g.handle(page_request(deep)).json().at("@odata.nextLink").get<std::string>();
  }
};

void run_page(benchmark::State& state, const std::string bench_world::*which) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const bench_world& w = fakegraph_bench::one_world<bench_world>(n);
  fakegraph_bench::time_page(state, w.g, page_request(w.*which), 20);
  state.counters["chats"] = static_cast<double>(n);
}

void BM_first_page(benchmark::State& s) { run_page(s, &bench_world::first); }
void BM_deep_page(benchmark::State& s) { run_page(s, &bench_world::deep); }

// The floor: the same page's bytes written by plain appends from values already at hand
// (no routing, no token, no index, no escaping, no lookups), as the cheapest possible
// server would. The in-process call should cost no more than 2x this.
void BM_plain_appends_20(benchmark::State& state) {
  const bench_world& w = fakegraph_bench::one_world<bench_world>(1000);
  const fakegraph::response page = w.g.handle(page_request(w.first));
  const nlohmann::json parsed = page.json();
  struct member_row {
    std::string id, roles, name, visible, user_id, email, tenant;
  };
  struct chat_row {
    std::string id, topic, created, updated, web_url, tenant;
    std::vector<member_row> members;
  };
  std::vector<chat_row> rows;
  for (const auto& c : parsed.at("value")) {
    chat_row row{
        c["id"],       c["topic"], c["createdDateTime"], c["lastUpdatedDateTime"], c["webUrl"],
        c["tenantId"], {}};
    for (const auto& m : c["members"])
      row.members.push_back({m["id"], m["roles"].dump(), m["displayName"],
                             m["visibleHistoryStartDateTime"], m["userId"], m["email"],
                             m["tenantId"]});
    rows.push_back(std::move(row));
  }
  const std::string context = parsed["@odata.context"];
  const std::string next = parsed["@odata.nextLink"];
  for (auto _ : state) {
    std::string out;
    out += "{\"@odata.context\":\"" + context + "\",\"@odata.count\":20,\"@odata.nextLink\":\"" +
           next + "\",\"value\":[";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const chat_row& c = rows[i];
      if (i) out += ',';
      out += "{\"id\":\"" + c.id + "\",\"topic\":\"" + c.topic + "\",\"createdDateTime\":\"" +
             c.created + "\",\"lastUpdatedDateTime\":\"" + c.updated +
             "\",\"chatType\":\"group\",\"webUrl\":\"" + c.web_url + "\",\"tenantId\":\"" +
             c.tenant +
             "\",\"isHiddenForAllMembers\":false,\"onlineMeetingInfo\":null,\"migrationMode\":"
             "null,\"originalCreatedDateTime\":null,\"members\":[";
      for (std::size_t k = 0; k < c.members.size(); ++k) {
        const member_row& m = c.members[k];
        if (k) out += ',';
        out += "{\"@odata.type\":\"#microsoft.graph.aadUserConversationMember\",\"id\":\"" + m.id +
               "\",\"roles\":" + m.roles + ",\"displayName\":\"" + m.name +
               "\",\"visibleHistoryStartDateTime\":\"" + m.visible + "\",\"userId\":\"" +
               m.user_id + "\",\"email\":\"" + m.email + "\",\"tenantId\":\"" + m.tenant + "\"}";
      }
      out += "]}";
    }
    out += "]}";
    benchmark::DoNotOptimize(out.data());
  }
  state.SetLabel(std::to_string(page.body.size()) + " bytes a page");
}

void BM_call_20(benchmark::State& state) {
  const bench_world& w = fakegraph_bench::one_world<bench_world>(1000);
  fakegraph_bench::time_page(state, w.g, page_request(w.first), 20);
}

}  // namespace

// Size by size, so that world() holds one world at a time.
BENCHMARK(BM_call_20)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_plain_appends_20)->Unit(benchmark::kMicrosecond);
#define FAKEGRAPH_PAGE_BENCHMARKS(n)                               \
  BENCHMARK(BM_first_page)->Arg(n)->Unit(benchmark::kMicrosecond); \
  BENCHMARK(BM_deep_page)->Arg(n)->Unit(benchmark::kMicrosecond)
FAKEGRAPH_PAGE_BENCHMARKS(1000);
FAKEGRAPH_PAGE_BENCHMARKS(100000);
FAKEGRAPH_PAGE_BENCHMARKS(1000000);
