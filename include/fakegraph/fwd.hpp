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
}  // namespace fakegraph
