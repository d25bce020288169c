// fakegraph: what a graph owns (the store, its clock, its seed, the test-double layers), behind
// the graph's shared pointer. Its users are the graph's definitions and the control plane.
#pragma once

#include <atomic>      // std::atomic
#include <chrono>      // std::chrono::milliseconds
#include <cstdint>     // std::uint64_t
#include <functional>  // std::function
#include <mutex>       // std::mutex
#include <optional>    // std::optional
#include <vector>      // std::vector

#include "../clock.hpp"
#include "../coverage.hpp"
#include "../faults.hpp"
#include "../journal.hpp"
#include "../store.hpp"

namespace fakegraph::detail {

/// Everything a graph owns. Shared with the functions `transport()` hands out, so a
/// transport keeps working after the graph object itself has moved.
struct graph_core {
  explicit graph_core(world_state w);

  store db;
  fakegraph::clock clock;
  std::vector<fault> seed_faults;
  std::optional<throttling_limits> seed_throttling;
  world_state seed;  // the world reset() returns to
  std::atomic<std::uint64_t> requests{0};
  fakegraph::journal journal;
  fault_set faults;
  throttler throttling;
  fakegraph::coverage coverage;
  empty_page_links empty_links;
  std::mutex delay_mutex;
  std::function<void(std::chrono::milliseconds)> on_delay;
};

}  // namespace fakegraph::detail
