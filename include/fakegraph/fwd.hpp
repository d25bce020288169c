// fakegraph: forward declarations, for headers that only pass fakegraph types around.
#pragma once

#include <nlohmann/json_fwd.hpp>  // nlohmann::json

namespace fakegraph {
class graph;
class error;
class clock;
struct request;
struct response;
struct principal;
struct settings;
class store;

namespace detail {
// The world in memory (store.hpp), which headers of the API pass by reference only.
struct world_state;
struct origin;
class stored_chat;
}  // namespace detail
}  // namespace fakegraph
