// fakegraph: the endpoints, one row each: the route patterns that reach it, the function that
// answers it, and the documented Teams limits that count its calls. The router, the 400 for a
// path that names nothing, the throttling model and the serve stage of graph::dispatch all
// read this table; journal, fault rules and coverage name endpoints as endpoint.hpp does.
// docs/adding-an-endpoint.md says how a row is added.
#pragma once

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "../endpoint.hpp"
#include "../get_all_messages.hpp"
#include "../list_chats.hpp"
#include "../throttling.hpp"
#include "router.hpp"

namespace fakegraph::detail {

struct endpoint_row {
  endpoint id;                              // its name is in endpoint_names (endpoint.hpp)
  std::vector<std::string_view> paths;      // route patterns after the version (router.hpp)
  response (*serve)(const endpoint_call&);  // runs with the world read-locked
  std::vector<throttle_rule> throttling;    // graph-semantics §1.4
};

inline const std::vector<endpoint_row>& endpoint_table() {
  using per = throttle_rule::per;
  using limits = throttling_limits;
  static const std::vector<endpoint_row> rows = {
      {endpoint::list_chats,
       {"chats", "me/chats", "users/{user}/chats"},
       list_chats,
       {{per::app_and_tenant, &limits::list_chats_per_app_per_tenant},
        {per::app, &limits::list_chats_per_app},
        {per::target_user, &limits::list_chats_per_user}}},
      {endpoint::get_all_messages,
       {"me/chats/getAllMessages", "users/{user}/chats/getAllMessages"},
       get_all_messages,
       {{per::app_and_tenant, &limits::get_all_messages_per_app_per_tenant},
        {per::app, &limits::get_all_messages_per_app}}},
  };
  return rows;
}

/// The row of an endpoint; nullptr for endpoint::none.
inline const endpoint_row* find_endpoint(endpoint e) {
  for (const endpoint_row& row : endpoint_table())
    if (row.id == e) return &row;
  return nullptr;
}

/// Every route pattern of every endpoint, in table order, for match_route.
inline const std::vector<route_pattern>& route_patterns() {
  static const std::vector<route_pattern> all = [] {
    std::vector<route_pattern> out;
    for (const endpoint_row& row : endpoint_table())
      for (const std::string_view path : row.paths) out.push_back({row.id, path});
    return out;
  }();
  return all;
}

/// "GET /v1.0/chats, /v1.0/me/chats, … and /v1.0/users/{id | userPrincipalName}/chats/…":
/// what the 400 for a path that names nothing served lists.
inline const std::string& served_routes() {
  static const std::string text = [] {
    const std::vector<route_pattern>& all = route_patterns();
    std::string out = "GET ";
    for (std::size_t i = 0; i < all.size(); ++i) {
      out += i == 0 ? "" : i + 1 == all.size() ? " and " : ", ";
      out += "/v1.0";
      for (const std::string_view part : split(all[i].path, '/'))
        out += "/" + std::string(part == "{user}" ? "{id | userPrincipalName}" : part);
    }
    return out;
  }();
  return text;
}

}  // namespace fakegraph::detail
