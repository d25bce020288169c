// What one page of List messages in a chat costs as the chat grows (design.md §4: O(page +
// log n), a page at 1M messages within 1.5x of one at 1k), in both orders, deep in a walk,
// and with a member who sees only part of the history.
//
// Run: fakegraph_bench_list_chat_messages --benchmark_repetitions=5
// --benchmark_report_aggregates_only=true. Every page is a full graph::handle() call.
#include <benchmark/benchmark.h>
#include <fakegraph/fakegraph.hpp>

#include "bench_support.hpp"

#include <cstddef>  // std::size_t
#include <string>   // std::string

namespace {

constexpr fakegraph::timestamp first_message = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr fakegraph::timestamp spacing = 1000;                 // one message a second

std::string chat_path(const std::string& chat) { return "/v1.0/chats/" + chat + "/messages"; }

fakegraph::request page_request(const std::string& url, const std::string& token) {
  return {"GET", url, {{"Authorization", "Bearer " + token}}};
}

// One group chat of `n` messages between two users, and a third member who joined half way
// and sees the second half only. Every tenth message was edited once, an hour after the last
// message was sent, so the lastModifiedDateTime order is not the sending order.
struct bench_world {
  fakegraph::graph g;
  std::string chat;
  std::string first;         // the default order (lastModifiedDateTime desc)
  std::string deep;          // its nextLink half way through the chat
  std::string created_deep;  // $orderby=createdDateTime desc, half way through
  std::string late_deep;     // the late member's walk, half way through what they see

  explicit bench_world(std::size_t n) {
    const auto at = [](std::size_t i) {
      return first_message + static_cast<fakegraph::timestamp>(i) * spacing;
    };
    g.clock().set(at(n) + 3600000);
    g.add_user({"adele@bench.example", "Adele"});
    g.add_user({"bert@bench.example", "Bert"});
    g.add_user({"cora@bench.example", "Cora"});
    g.add_token("app", fakegraph::app_only(g.add_application("Bench"), {"Chat.Read.All"}));
    g.add_token("cora", fakegraph::delegated("cora@bench.example", {"Chat.Read"}));
    fakegraph::chat_spec spec = fakegraph::chat_spec::group(
        {"adele@bench.example", "bert@bench.example", "cora@bench.example"}, "Bench");
    spec.created = first_message - 86400000;
    spec.members[2].visible_history_start = at(n / 2);
    chat = g.add_chat(spec);
    for (std::size_t i = 0; i < n; ++i)
      g.add_message(
          chat, {i % 2 ? "bert@bench.example" : "adele@bench.example",
                 "Message " + std::to_string(i) + ": the release notes are in the wiki.", at(i)});
    for (std::size_t i = 0; i < n; i += 10)
      g.edit_message(chat, std::to_string(at(i)), "Message " + std::to_string(i) + ", edited.");
    first = chat_path(chat) + "?$top=50";
    deep = link_after(first, "app", n / 2 / 50);
    created_deep =
        link_after(chat_path(chat) + "?$top=50&$orderby=createdDateTime%20desc", "app", n / 2 / 50);
    late_deep = link_after(chat_path(chat) + "?$top=50", "cora", n / 4 / 50);
  }

  // The nextLink after `pages` pages from `url`.
  std::string link_after(std::string url, const std::string& token, std::size_t pages) const {
    for (std::size_t i = 0; i < pages; ++i)
      url = g.handle(page_request(url, token)).json().at("@odata.nextLink").get<std::string>();
    return url;
  }
};

void run_page(benchmark::State& state, const std::string bench_world::*which,
              const std::string& token) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const bench_world& w = fakegraph_bench::one_world<bench_world>(n);
  fakegraph_bench::time_page(state, w.g, page_request(w.*which, token), 50);
  state.counters["messages"] = static_cast<double>(n);
}

void BM_first_page(benchmark::State& s) { run_page(s, &bench_world::first, "app"); }
void BM_deep_page(benchmark::State& s) { run_page(s, &bench_world::deep, "app"); }
void BM_created_deep_page(benchmark::State& s) { run_page(s, &bench_world::created_deep, "app"); }
void BM_late_member_deep_page(benchmark::State& s) { run_page(s, &bench_world::late_deep, "cora"); }

}  // namespace

// Size by size, so that one_world() holds one world at a time.
#define FAKEGRAPH_PAGE_BENCHMARKS(n)                                      \
  BENCHMARK(BM_first_page)->Arg(n)->Unit(benchmark::kMicrosecond);        \
  BENCHMARK(BM_deep_page)->Arg(n)->Unit(benchmark::kMicrosecond);         \
  BENCHMARK(BM_created_deep_page)->Arg(n)->Unit(benchmark::kMicrosecond); \
  BENCHMARK(BM_late_member_deep_page)->Arg(n)->Unit(benchmark::kMicrosecond)
FAKEGRAPH_PAGE_BENCHMARKS(1000);
FAKEGRAPH_PAGE_BENCHMARKS(100000);
FAKEGRAPH_PAGE_BENCHMARKS(1000000);
