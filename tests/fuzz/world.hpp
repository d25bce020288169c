// The default world for the harnesses, loaded once per process, and the names in it.
#pragma once

#include <fakegraph/fakegraph.hpp>

#include <cstddef>  // std::size_t
#include <string>   // std::string

namespace fakegraph_fuzz {

/// data/contoso.json, loaded once; call it once per input. What requests leave behind stays
/// small and steady, so libFuzzer's leak check (run when an input allocates more than it
/// frees) stays rare: a journal of one entry, coverage cleared per input, and a reset every
/// `period` inputs (the evaluation quota is spent then).
inline const fakegraph::graph& default_world(std::size_t period = 512) {
  static fakegraph::graph g = [] {
    auto loaded =
        fakegraph::graph::from_file(std::string(FAKEGRAPH_FUZZ_DATA_DIR) + "/contoso.json");
    loaded.journal().set_capacity(1);
    return loaded;
  }();
  static std::size_t inputs = 0;
  if (++inputs % period == 0) g.reset();
  g.coverage().clear();
  return g;
}

}  // namespace fakegraph_fuzz
