// fakegraph: injected faults (scripted per-request failures, latency, quirks) and the
// throttling model of the documented Teams limits, both on the graph's clock:
//   fault.hpp               one rule: its builder, the answer it gives, its check
//   fault_set.hpp           a graph's rules, and which fires on which request
//   throttling.hpp          the throttling model
//   detail/fault_seed.hpp   both read from a seed
#pragma once

#include "detail/fault_seed.hpp"
#include "fault.hpp"
#include "fault_set.hpp"
#include "throttling.hpp"
