// fakegraph: fault rules and throttling limits read from a seed (settings.faults,
// settings.throttling), each refused with its JSON path when it is wrong.
#pragma once

#include <nlohmann/json_fwd.hpp>  // nlohmann::json

#include <optional>  // std::optional
#include <string>    // std::string
#include <vector>    // std::vector

#include "../fault.hpp"
#include "../throttling.hpp"

namespace fakegraph::detail {

/// settings.faults: an array of rules (see the README's "Faults in a seed").
std::vector<fault> load_faults(const nlohmann::json& j, const std::string& path);

/// settings.throttling: {"enabled": true, "listChatsPerUser": 5, …}; none when absent or
/// disabled. Present without "enabled" means enabled.
std::optional<throttling_limits> load_throttling(const nlohmann::json& j, const std::string& path);

}  // namespace fakegraph::detail

#ifndef FAKEGRAPH_COMPILED_LIB
#include "fault_seed-inl.hpp"
#endif
