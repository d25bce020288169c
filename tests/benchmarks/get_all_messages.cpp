// What one getAllMessages page costs as the world grows (design.md §4: O(page + log n),
// 1M within 1.5x of 1k), and what the in-process call costs next to serialising the same
// 50 messages with nlohmann alone (within 2x).
//
// Run: fakegraph_bench_get_all_messages --benchmark_repetitions=5
// --benchmark_report_aggregates_only=true Every page is a full graph::handle() call: routing,
// token, options, scan, JSON.
#include <benchmark/benchmark.h>
#include <fakegraph/fakegraph.hpp>

#include <nlohmann/json.hpp>  // nlohmann::json, nlohmann::ordered_json
#include "bench_support.hpp"

#include <cstddef>  // std::size_t
#include <string>   // std::string
#include <vector>   // std::vector

namespace {

constexpr std::size_t messages_per_chat = 100;
constexpr int partners = 20;
constexpr fakegraph::timestamp first_message = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr fakegraph::timestamp spacing = 1000;                 // one message a second

// One exporter (`owner`) in every chat, so all `n` messages are in the export. Messages
// go round the chats, so consecutive messages of the export come from different chats.
// Built with the graph's builder calls (no seed JSON: a 1M-message DOM would double the
// memory), on the default legacy metering: the benchmarks ask with model=B.
fakegraph::graph bench_graph(std::size_t n) {
  fakegraph::graph g;
  g.clock().set(first_message + static_cast<fakegraph::timestamp>(n) * spacing + 3600000);
  g.add_user({"owner@bench.example", "Owner"});
  for (int p = 0; p < partners; ++p)
    g.add_user({"partner" + std::to_string(p) + "@bench.example", "Partner " + std::to_string(p)});
  g.add_token("bench", fakegraph::app_only(g.add_application("Bench"), {"Chat.Read.All"}));
  const std::size_t chat_count = (n + messages_per_chat - 1) / messages_per_chat;
  std::vector<std::string> chats, partner_of;
  for (std::size_t c = 0; c < chat_count; ++c) {
    const std::string partner = "partner" + std::to_string(c % partners) + "@bench.example";
    fakegraph::chat_spec spec =
        fakegraph::chat_spec::group({"owner@bench.example", partner}, "Chat " + std::to_string(c));
    spec.created = first_message - 86400000;
    chats.push_back(g.add_chat(spec));
    partner_of.push_back(partner);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = (i * 7919) % chat_count;
    g.add_message(chats[c], {i % 3 ? partner_of[c] : std::string("owner@bench.example"),
                             "Message " + std::to_string(i) +
                                 ": the build is green, the release notes are in the wiki.",
                             first_message + static_cast<fakegraph::timestamp>(i) * spacing + 1});
  }
  return g;
}

std::string iso(fakegraph::timestamp t) { return fakegraph::format_time(t); }

const std::string export_path =
    "/v1.0/users/owner@bench.example/chats/getAllMessages?model=B&$top=50";

fakegraph::request page_request(const std::string& url) {
  return {"GET", url, {{"Authorization", "Bearer bench"}}};
}

// A world of n messages and the URLs the benchmarks ask for, built once per size.
struct bench_world {
  fakegraph::graph g;
  std::string first;        // $top=50
  std::string deep;         // the nextLink halfway through the export
  std::string range_first;  // a lastModifiedDateTime window over the middle half
  std::string range_deep;   // halfway through that window

  explicit bench_world(std::size_t n) : g(bench_graph(n)) {
    first = export_path;
    const fakegraph::timestamp lo =
        first_message + static_cast<fakegraph::timestamp>(n / 4) * spacing;
    const fakegraph::timestamp hi =
        first_message + static_cast<fakegraph::timestamp>(3 * n / 4) * spacing;
    range_first = export_path + "&$filter=lastModifiedDateTime%20gt%20" + iso(lo) +
                  "%20and%20lastModifiedDateTime%20lt%20" + iso(hi);
    deep = link_after(first, n / 2 / 50);
    range_deep = link_after(range_first, n / 4 / 50);
  }

  // The nextLink after `pages` pages from `url`.
  std::string link_after(std::string url, std::size_t pages) const {
    for (std::size_t i = 0; i < pages; ++i)
      url = g.handle(page_request(url)).json().at("@odata.nextLink").get<std::string>();
    return url;
  }
};

void run_page(benchmark::State& state, const std::string bench_world::*which) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const bench_world& w = fakegraph_bench::one_world<bench_world>(n);
  fakegraph_bench::time_page(state, w.g, page_request(w.*which), 50);
  state.counters["messages"] = static_cast<double>(n);
}

void BM_first_page(benchmark::State& s) { run_page(s, &bench_world::first); }
void BM_deep_page(benchmark::State& s) { run_page(s, &bench_world::deep); }
void BM_range_first_page(benchmark::State& s) { run_page(s, &bench_world::range_first); }
void BM_range_deep_page(benchmark::State& s) { run_page(s, &bench_world::range_deep); }

// The in-process call for one 50-message page, and nlohmann serialising those same 50
// messages (already built as JSON values: the serialisation alone).
void BM_call_50(benchmark::State& state) {
  const bench_world& w = fakegraph_bench::one_world<bench_world>(1000);
  fakegraph_bench::time_page(state, w.g, page_request(w.first), 50);
}

// The same call with the request journal off: what recording each answer costs.
void BM_call_50_no_journal(benchmark::State& state) {
  bench_world& w = fakegraph_bench::one_world<bench_world>(1000);
  const fakegraph::request req = page_request(w.first);
  w.g.journal().set_enabled(false);
  fakegraph_bench::time_page(state, w.g, req, 50);
  w.g.journal().set_enabled(true);
}

void BM_nlohmann_dump_50(benchmark::State& state) {
  const bench_world& w = fakegraph_bench::one_world<bench_world>(1000);
  const nlohmann::ordered_json items =
      nlohmann::ordered_json::parse(w.g.handle(page_request(w.first)).body)["value"];
  if (items.size() != 50) {
    state.SkipWithError("expected 50 items");
    return;
  }
  for (auto _ : state) {
    std::string text = items.dump();
    benchmark::DoNotOptimize(text.data());
  }
}

}  // namespace

// Size by size, so that world() holds one world at a time.
BENCHMARK(BM_call_50)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_call_50_no_journal)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_nlohmann_dump_50)->Unit(benchmark::kMicrosecond);
#define FAKEGRAPH_PAGE_BENCHMARKS(n)                                     \
  BENCHMARK(BM_first_page)->Arg(n)->Unit(benchmark::kMicrosecond);       \
  BENCHMARK(BM_deep_page)->Arg(n)->Unit(benchmark::kMicrosecond);        \
  BENCHMARK(BM_range_first_page)->Arg(n)->Unit(benchmark::kMicrosecond); \
  BENCHMARK(BM_range_deep_page)->Arg(n)->Unit(benchmark::kMicrosecond)
FAKEGRAPH_PAGE_BENCHMARKS(1000);
FAKEGRAPH_PAGE_BENCHMARKS(100000);
FAKEGRAPH_PAGE_BENCHMARKS(1000000);
