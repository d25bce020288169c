// fakegraph: matching a request path to an endpoint, and the plumbing endpoints share
// (the call they receive, query-option reading, $top).
#pragma once

#include <cstdint>      // std::uint64_t
#include <map>          // std::map
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "../auth.hpp"
#include "../http.hpp"
#include "../store.hpp"
#include "strings.hpp"

namespace fakegraph::detail {

/// The endpoints this fake emulates.
enum class route_kind { not_found, list_chats, get_all_messages };

/// A matched path: which endpoint, and whose data it names.
struct route {
  route_kind kind = route_kind::not_found;
  bool me = false;              // /me/... (the signed-in user)
  bool all_chats = false;       // /chats (no user segment)
  std::string user_key;         // /users/{id | upn}/..., decoded
  std::string unknown_segment;  // for the 404 message
};

/// `users('{id}')` → `{id}`; nullopt when the segment is not that form. A quoted key is an
/// OData string literal: a quote inside it is doubled (`users('o''brien@contoso.com')`).
inline std::optional<std::string> key_in_parentheses(std::string_view segment,
                                                     std::string_view entity) {
  if (!istarts_with(segment, entity) || segment.size() < entity.size() + 2 ||
      segment[entity.size()] != '(' || segment.back() != ')')
    return std::nullopt;
  std::string_view key = segment.substr(entity.size() + 1, segment.size() - entity.size() - 2);
  if (key.size() < 2 || key.front() != '\'' || key.back() != '\'') return std::string(key);
  key = key.substr(1, key.size() - 2);
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (key[i] == '\'') {
      if (i + 1 == key.size() || key[i + 1] != '\'') return std::nullopt;  // a lone quote
      ++i;
    }
    out += key[i];
  }
  return out;
}

/// The names under which Graph's getAllMessages function is reached. `allMessages` is the
/// export API's original (beta) name, which the Teams throttling table still lists.
inline bool is_get_all_messages(std::string_view segment) {
  return iequals(segment, "getAllMessages") || iequals(segment, "getAllMessages()") ||
         iequals(segment, "allMessages") || iequals(segment, "microsoft.graph.getAllMessages") ||
         iequals(segment, "microsoft.graph.getAllMessages()");
}

/// Matches decoded path segments after the version (`chats`, `me/chats`,
/// `users/{key}/chats`, `users('{key}')/chats`, each optionally `/getAllMessages`).
inline route match_route(const std::vector<std::string>& seg) {
  route r;
  std::size_t i = 0;
  // The first segment that does not resolve; a path that stops short of a served resource
  // (`/users/x`, `/me`) is blamed on its last segment, which names nothing served here.
  auto unknown = [&](std::size_t at) {
    r.kind = route_kind::not_found;
    r.unknown_segment = at < seg.size() ? seg[at] : seg.empty() ? std::string() : seg.back();
    return r;
  };
  if (seg.empty()) return unknown(0);
  if (iequals(seg[0], "chats")) {
    r.all_chats = true;
    i = 1;
  } else if (iequals(seg[0], "me")) {
    r.me = true;
    i = 1;
  } else if (auto key = key_in_parentheses(seg[0], "users")) {
    r.user_key = *key;
    i = 1;
  } else if (iequals(seg[0], "users") && seg.size() > 1 && !seg[1].empty()) {
    r.user_key = seg[1];
    i = 2;
  } else {
    return unknown(0);
  }
  if (!r.all_chats) {
    if (i >= seg.size() || !iequals(seg[i], "chats")) return unknown(i);
    ++i;
  }
  if (i == seg.size()) {
    r.kind = route_kind::list_chats;
    return r;
  }
  if (!r.all_chats && is_get_all_messages(seg[i])) {
    if (i + 1 < seg.size()) return unknown(i + 1);
    r.kind = route_kind::get_all_messages;
    return r;
  }
  return unknown(i);
}

/// What an endpoint gets: the world (read-locked), the caller, and the parsed request.
struct endpoint_call {
  const world_state& world;
  const store& db;  // for usage counters, which change under a read lock
  const call_context& ctx;
  const principal& who;
  const request& req;
  const route& where;
  std::string raw_path;             // as received (still encoded), for nextLinks
  std::vector<query_param> params;  // decoded, in order
  std::uint64_t secret = 0;         // binds skiptokens to this graph
};

/// The query options of one request, by lower-case name (`$top`), checked against an
/// endpoint's allow-list.
struct query_options {
  std::map<std::string, std::string> system;  // "$top" -> "2"
  std::map<std::string, std::string> custom;  // "model" -> "A" (names lower case)

  const std::string* get(const std::string& name) const {
    auto it = system.find(name);
    if (it != system.end()) return &it->second;
    it = custom.find(name);
    return it == custom.end() ? nullptr : &it->second;
  }
};

/// The OData system query options ASP.NET knows, with the names its messages use.
inline std::string_view odata_option_name(std::string_view lower) {
  static constexpr std::pair<std::string_view, std::string_view> names[] = {
      {"$select", "Select"},
      {"$expand", "Expand"},
      {"$filter", "Filter"},
      {"$orderby", "OrderBy"},
      {"$top", "Top"},
      {"$skip", "Skip"},
      {"$count", "Count"},
      {"$search", "Search"},
      {"$format", "Format"},
      {"$skiptoken", "SkipToken"},
      {"$deltatoken", "DeltaToken"},
      {"$apply", "Apply"},
      {"$compute", "Compute"},
      {"$levels", "Levels"},
      {"$index", "Index"}};
  for (const auto& [key, name] : names)
    if (key == lower) return name;
  return {};
}

/// Reads the options against `allowed` (lower-case `$` names). Returns Graph's 400 for a
/// duplicate, or, in strict mode, for a system option the endpoint does not support.
inline std::optional<response> read_query_options(const endpoint_call& call,
                                                  std::initializer_list<std::string_view> allowed,
                                                  query_options& out) {
  const std::string supported = join(allowed);
  for (const auto& p : call.params) {
    const std::string name = to_lower(p.name);
    auto& bucket = (!name.empty() && name[0] == '$') ? out.system : out.custom;
    if (bucket.count(name))
      return graph_error(
          call.ctx, 400, "BadRequest",
          "Query option '" + p.name +
              "' was specified more than once, but it must be specified at most once.");
    bool ok = name.empty() || name[0] != '$';
    for (const auto a : allowed) ok = ok || a == name;
    if (!ok && call.world.settings.strict_query_options) {
      const std::string_view known = odata_option_name(name);
      if (known.empty())
        return graph_error(call.ctx, 400, "BadRequest",
                           "The query parameter '" + p.name +
                               "' is not supported. Supported query options here: " + supported +
                               ".");
      return graph_error(
          call.ctx, 400, "BadRequest",
          "The query specified in the URI is not valid. Query option '" + std::string(known) +
              "' is not allowed. To allow it, set the 'AllowedQueryOptions' property on "
              "EnableQueryAttribute or QueryValidationSettings. Supported query options here: " +
              supported + ".");
    }
    if (ok) bucket.emplace(name, p.value);
  }
  return std::nullopt;
}

/// `$top`: 1..50; absent means `fallback`. Graph's messages for each refusal.
inline std::optional<response> read_top(const endpoint_call& call, const query_options& q,
                                        int fallback, int& top) {
  top = fallback;
  const std::string* raw = q.get("$top");
  if (!raw) return std::nullopt;
  const std::string_view v = trim(*raw);
  const bool digits =
      !v.empty() && v.size() <= 9 && v.find_first_not_of("0123456789") == std::string_view::npos;
  if (!digits && !(v.size() > 9 && v.find_first_not_of("0123456789") == std::string_view::npos))
    return graph_error(
        call.ctx, 400, "BadRequest",
        "Invalid value '" + *raw +
            "' for $top query option found. The $top query option requires a non-negative "
            "integer value.");
  if (!digits || std::stoi(std::string(v)) > 50)
    return graph_error(
        call.ctx, 400, "BadRequest",
        "The query specified in the URI is not valid. The limit of '50' for Top query has been "
        "exceeded. The value from the incoming request is '" +
            std::string(v) + "'.");
  top = std::stoi(std::string(v));
  if (top == 0)
    return graph_error(
        call.ctx, 400, "BadRequest",
        "Invalid value '0' for $top query option found. The $top query option requires a value "
        "from 1 to 50.");
  return std::nullopt;
}

/// The user a `/users/{key}` or `/me` path names: 404 when unknown, 403 when an
/// application asks about a user outside its token's tenant (the federation rule).
inline std::optional<response> find_target_user(const endpoint_call& call, const user*& target) {
  const std::string& key = call.where.me ? call.who.id : call.where.user_key;
  target = call.world.find_user(key);
  if (!target) {
    if (key.find('@') != std::string::npos)
      return graph_error(call.ctx, 404, "NotFound",
                         "Failed to find users with user principal name '" + key +
                             "'. Give the id or userPrincipalName of a user in the tenant.");
    return graph_error(call.ctx, 404, "NotFound",
                       "Failed to find user with id '" + key +
                           "'. Give the id or userPrincipalName of a user in the tenant.");
  }
  if (call.who.is_application() && !iequals(target->tenant_id, call.who.tenant_id))
    return graph_error(
        call.ctx, 403, "Forbidden",
        "Requested user is not in the caller's tenant. The application's token is for tenant '" +
            call.who.tenant_id + "' and user '" + target->id + "' belongs to tenant '" +
            target->tenant_id + "'; use a token issued in the user's tenant.");
  return std::nullopt;
}

}  // namespace fakegraph::detail
