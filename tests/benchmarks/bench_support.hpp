// What the benchmarks share: one world at a time, and timing graph::handle() on one request.
#pragma once

#include <benchmark/benchmark.h>
#include <fakegraph/fakegraph.hpp>

#include <cstddef>  // std::size_t
#include <memory>   // std::unique_ptr, std::make_unique
#include <string>   // std::string

namespace fakegraph_bench {

/// The world of size `n`, built once and kept until another size is asked for: the
/// benchmarks are registered size by size, so only one (the 1M one is large) lives at a time.
template <class World>
World& one_world(std::size_t n) {
  static std::size_t size = 0;
  static std::unique_ptr<World> w;
  if (!w || size != n) {
    w.reset();
    w = std::make_unique<World>(n);
    size = n;
  }
  return *w;
}

/// Times `g.handle(req)`, after checking once that it answers a page of `items` values
/// (a benchmark of a wrong answer is skipped with the answer, not timed).
inline void time_page(benchmark::State& state, const fakegraph::graph& g,
                      const fakegraph::request& req, std::size_t items) {
  const fakegraph::response check = g.handle(req);
  if (check.status != 200 || check.json().at("value").size() != items) {
    state.SkipWithError(("unexpected answer: " + check.body.substr(0, 300)).c_str());
    return;
  }
  for (auto _ : state) {
    fakegraph::response r = g.handle(req);
    benchmark::DoNotOptimize(r.body.data());
  }
}

}  // namespace fakegraph_bench
