// fakegraph: matching a request path to an endpoint's route pattern, and the plumbing
// endpoints share (the call they receive, query options, $top, skiptokens, the named user).
#pragma once

#include <algorithm>    // std::max
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t
#include <map>          // std::map
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "../auth.hpp"
#include "../endpoint.hpp"
#include "../http.hpp"
#include "../store.hpp"
#include "paging.hpp"
#include "strings.hpp"

namespace fakegraph::detail {

/// A matched path: which endpoint, by which of its patterns, and whose data it names.
struct route {
  endpoint kind = endpoint::none;
  std::string_view pattern;     // "users/{user}/chats": the matched route pattern
  bool me = false;              // /me/... (the signed-in user)
  bool all_chats = false;       // /chats (no user segment)
  std::string user_key;         // {user}: /users/{id | upn}/..., decoded
  std::string unknown_segment;  // for the 400 of a path that names nothing served
};

/// One route of an endpoint: its path after the version, as segments. `{user}` is a user's
/// id or userPrincipalName (also written `users('{key}')`); `getAllMessages` stands for every
/// name of that function (is_get_all_messages); other segments are names, in any case.
struct route_pattern {
  endpoint kind;
  std::string_view path;  // "users/{user}/chats"
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

/// Whether one request segment fits one pattern segment; `{user}` captures into `r`.
inline bool segment_matches(std::string_view pattern, const std::string& segment, route& r) {
  if (pattern == "{user}") {
    r.user_key = segment;
    return !segment.empty();
  }
  if (pattern == "getAllMessages") return is_get_all_messages(segment);
  return iequals(pattern, segment);
}

/// Matches decoded path segments after the version against `patterns`. A path that matches
/// none is blamed on its first segment that no pattern reaches: the longest prefix any
/// pattern matches ends there (a path that stops short, `/users/x` or `/me`, is blamed on its
/// last segment, which names nothing served here).
template <class Patterns>
route match_route(const std::vector<std::string>& raw, const Patterns& patterns) {
  // `users('{key}')` is two segments, `users` and `{key}`; blame names the segment as sent.
  std::vector<std::string> seg;
  std::vector<std::size_t> sent;  // seg[i] came from raw[sent[i]]
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (auto key = key_in_parentheses(raw[i], "users")) {
      seg.emplace_back("users");
      sent.push_back(i);
      seg.push_back(std::move(*key));
    } else {
      seg.push_back(raw[i]);
    }
    sent.push_back(i);
  }
  std::size_t reached = 0;
  for (const route_pattern& p : patterns) {
    route r;
    std::size_t n = 0;
    bool whole = true;
    for (const auto part : split(p.path, '/')) {
      if (n == seg.size() || !segment_matches(part, seg[n], r)) {
        whole = false;
        break;
      }
      ++n;
    }
    if (whole && n == seg.size()) {
      r.kind = p.kind;
      r.pattern = p.path;
      r.me = istarts_with(p.path, "me/");
      r.all_chats = istarts_with(p.path, "chats");
      return r;
    }
    reached = std::max(reached, n);
  }
  route r;
  if (!raw.empty()) r.unknown_segment = raw[reached < seg.size() ? sent[reached] : raw.size() - 1];
  return r;
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

/// What a walk's skiptokens are bound to: the endpoint, the caller, the user whose data is
/// read, and every option but `$skiptoken` itself (custom ones too: `model` decides who pays
/// for a getAllMessages walk). A token presented with anything else is refused.
inline std::uint64_t skiptoken_binding(const endpoint_call& call, const query_options& q,
                                       const user& target) {
  std::string options;
  for (const auto& [name, value] : q.system)
    if (name != "$skiptoken") options += name + "=" + value + "&";
  for (const auto& [name, value] : q.custom) options += name + "=" + value + "&";
  return fingerprint({to_string(call.where.kind), call.who.id, target.id, options});
}

/// The cursor of the request's `$skiptoken`, if it has one: Graph's 400 for a token that was
/// not made for this walk (tampered, foreign, another query) or whose key does not have
/// `key_size` parts.
inline std::optional<response> read_skiptoken(const endpoint_call& call, const query_options& q,
                                              std::uint64_t bound, std::size_t key_size,
                                              std::optional<cursor>& from) {
  const std::string* token = q.get("$skiptoken");
  if (!token) return std::nullopt;
  from = decode_skiptoken(*token, bound, call.secret);
  if (!from || from->key.size() != key_size)
    return graph_error(call.ctx, 400, "BadRequest", "Invalid continuation token");
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
