// fakegraph: the endpoints, one row each: the route patterns that reach it, who may call it,
// the function that answers it, and the documented Teams limits that count its calls. The
// router, the 400 for a path that names nothing, the permission gate, the throttling model and
// the serve stage of graph::dispatch all read this table; journal, fault rules and coverage name
// endpoints as endpoint.hpp does. docs/adding-an-endpoint.md says how a row is added.
#pragma once

#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "../endpoint.hpp"
#include "../throttling.hpp"
#include "router.hpp"

namespace fakegraph::detail {

struct endpoint_row {
  endpoint id;                              // its name is in endpoint_names (endpoint.hpp)
  std::vector<std::string_view> paths;      // route patterns after the version (router.hpp)
  permission_rule permissions;              // its permission table (auth.hpp)
  std::vector<std::string_view> options;    // the query options it takes (endpoint_call)
  response (*serve)(const endpoint_call&);  // runs with the world read-locked
  std::vector<throttle_rule> throttling;    // graph-semantics §1.4
};

const std::vector<endpoint_row>& endpoint_table();

/// The row of an endpoint; nullptr for endpoint::none.
const endpoint_row* find_endpoint(endpoint e);

/// Every route pattern of every endpoint, in table order, for match_route.
const std::vector<route_pattern>& route_patterns();

/// "GET /v1.0/chats, /v1.0/me/chats, … and /v1.0/users/{id | userPrincipalName}/chats/…":
/// what the 400 for a path that names nothing served lists.
const std::string& served_routes();

}  // namespace fakegraph::detail

#ifndef FAKEGRAPH_COMPILED_LIB
#include "endpoints-inl.hpp"
#endif
