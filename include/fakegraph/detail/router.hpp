// fakegraph: matching a request path to an endpoint's route pattern, and the plumbing
// endpoints share (the call they receive, query options, $top, skiptokens, the named user
// and chat).
#pragma once

#include <algorithm>     // std::max, std::find, std::any_of, std::none_of
#include <charconv>      // std::from_chars
#include <cstddef>       // std::size_t
#include <cstdint>       // std::uint64_t
#include <map>           // std::map
#include <optional>      // std::optional
#include <string>        // std::string
#include <string_view>   // std::string_view
#include <system_error>  // std::errc
#include <vector>        // std::vector

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
  std::string chat_key;         // {chat}: /chats/{id}/..., decoded
  std::string message_key;      // {message}: /messages/{id}, decoded
  std::string unknown_segment;  // for the 400 of a path that names nothing served
};

/// One route of an endpoint: its path after the version, as segments. `{user}` is a user's
/// id or userPrincipalName (also written `users('{key}')`), `{chat}` a chat's id (also
/// `chats('{id}')`), `{message}` a message's id; `getAllMessages` stands for every name of
/// that function (is_get_all_messages); other segments are names, in any case.
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

/// Whether one request segment fits one pattern segment; placeholders capture into `r`.
inline bool segment_matches(std::string_view pattern, const std::string& segment, route& r) {
  for (const auto& [placeholder, key] :
       {std::pair{"{user}", &route::user_key}, std::pair{"{chat}", &route::chat_key},
        std::pair{"{message}", &route::message_key}})
    if (pattern == placeholder) {
      r.*key = segment;
      // getAllMessages is a function of a chat collection, never a chat's key.
      return !segment.empty() && !(pattern == "{chat}" && is_get_all_messages(segment));
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
  // `users('{key}')` is two segments, `users` and `{key}` (so are `chats(…)` and
  // `messages(…)`); blame names the segment as sent.
  std::vector<std::string> seg;
  std::vector<std::size_t> sent;  // seg[i] came from raw[sent[i]]
  for (std::size_t i = 0; i < raw.size(); ++i) {
    std::optional<std::string> key;
    std::string_view entity;
    for (const std::string_view e : {"users", "chats", "messages"})
      if (!key && (key = key_in_parentheses(raw[i], e))) entity = e;
    if (key) {
      seg.emplace_back(entity);
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
  const permission_rule& permissions;  // the endpoint's, which the caller passed
  // The query options the endpoint takes, as coverage names them: "$top", "$expand=members",
  // "model=A". read_query_options allows the `$` names before any '='.
  const std::vector<std::string_view>& options;
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

/// Reads the request's options against the endpoint's (`call.options`). Returns Graph's 400
/// for a duplicate, or, in strict mode, for a system option the endpoint does not take.
inline std::optional<response> read_query_options(const endpoint_call& call, query_options& out) {
  std::vector<std::string_view> allowed;
  for (const std::string_view option : call.options) {
    const std::string_view name = option.substr(0, option.find('='));
    if (name[0] == '$' && std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      allowed.push_back(name);
  }
  const std::string supported = allowed.empty() ? std::string("none") : join(allowed);
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

/// `$orderby=<key> desc` with one of `keys` (Teams lists sort newest first only): the index of
/// the key given in `chosen`, -1 when there is no $orderby; Graph's 400 for anything else.
inline std::optional<response> read_desc_orderby(const endpoint_call& call, const query_options& q,
                                                 std::initializer_list<std::string_view> keys,
                                                 int& chosen) {
  chosen = -1;
  const std::string* raw = q.get("$orderby");
  if (!raw) return std::nullopt;
  std::vector<std::string_view> words;
  for (auto w : split(trim(*raw), ' '))
    if (!w.empty()) words.push_back(w);
  std::string hint = " Supported: $orderby=";
  for (const std::string_view key : keys)
    hint += std::string(hint.back() == '=' ? "" : " or ") + std::string(key) + " desc";
  hint += ".";
  if (words.empty() || words.size() > 2 || words[0].find(',') != std::string_view::npos ||
      (words.size() == 2 && words[1].find(',') != std::string_view::npos))
    return graph_error(
        call.ctx, 400, "BadRequest",
        "The $orderby value '" + *raw + "' is not supported: order by one property." + hint);
  int found = -1;
  int i = 0;
  for (const std::string_view key : keys) {
    if (iequals(words[0], key)) found = i;
    ++i;
  }
  if (found < 0)
    return graph_error(call.ctx, 400, "BadRequest",
                       "Ordering by '" + std::string(words[0]) + "' is not supported." + hint);
  if (words.size() == 1 || iequals(words[1], "asc"))
    return graph_error(call.ctx, 400, "BadRequest", "Ascending direction is not supported." + hint);
  if (!iequals(words[1], "desc"))
    return graph_error(call.ctx, 400, "BadRequest",
                       "'" + std::string(words[1]) + "' is not an order direction." + hint);
  chosen = found;
  return std::nullopt;
}

/// What a walk's skiptokens are bound to: the endpoint, the caller, whose data is read (a
/// user's id, a chat's), and every option but `$skiptoken` itself (custom ones too: `model`
/// decides who pays for a getAllMessages walk). A token presented with anything else is
/// refused.
inline std::uint64_t skiptoken_binding(const endpoint_call& call, const query_options& q,
                                       std::string_view subject) {
  std::string options;
  for (const auto& [name, value] : q.system)
    if (name != "$skiptoken") options += name + "=" + value + "&";
  for (const auto& [name, value] : q.custom) options += name + "=" + value + "&";
  return fingerprint({to_string(call.where.kind), call.who.id, subject, options});
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

/// The time a cursor's key starts with (List chats' and List messages' do), into `out`; Graph's
/// 400 when it is not a number (no token made here says so).
inline std::optional<response> read_cursor_time(const endpoint_call& call,
                                                const std::optional<cursor>& from, timestamp& out) {
  if (!from) return std::nullopt;
  const std::string& text = from->key.at(0);
  const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (err != std::errc() || end != text.data() + text.size())
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

/// Whose chats a path names: the caller on /chats… and /me/chats…, else the `{user}` (404 when
/// unknown, 403 across tenants for an application); a delegated caller may name only itself
/// (403). `own_route` is what it should call instead ("/me/chats").
inline std::optional<response> find_path_user(const endpoint_call& call, const user*& target,
                                              std::string_view own_route) {
  if (call.where.all_chats) {
    target = call.world.find_user(call.who.id);
    if (!target)
      return graph_error(call.ctx, 404, "NotFound", "The signed-in user no longer exists.");
  } else if (auto e = find_target_user(call, target)) {
    return *e;
  }
  if (call.who.is_delegated() && !iequals(target->id, call.who.id))
    return graph_error(call.ctx, 403, "Forbidden",
                       "A delegated caller can read only its own chats: user '" + target->id +
                           "' is not the signed-in user. Use " + std::string(own_route) +
                           ", or an application permission to read other users' chats.");
  return std::nullopt;
}

/// Which chats an application may read from its tenant (graph-semantics §10, §11, §8).
enum class chat_reach {
  any_member,  // Get chat: at least one member belongs to the caller's tenant
  roster,      // List members: a oneOnOne chat with a member there, or a chat started there
  started,     // messages: the chat was started in the caller's tenant (its tenantId)
};

/// The chat a `/chats/{chat}`, `/me/chats/{chat}` or `/users/{user}/chats/{chat}` path names,
/// and whose view of it the answer takes (`viewer`; none for an application on /chats/{chat}).
/// 404 for an unknown chat or one the viewer is not a member of; a delegated caller may name
/// only itself (403); an application must reach the chat from its tenant (403) and, holding
/// only resource-specific roles, be installed in it (403).
inline std::optional<response> find_path_chat(const endpoint_call& call, chat_reach reach,
                                              const user*& viewer, const stored_chat*& found) {
  viewer = nullptr;
  found = nullptr;
  if (!call.where.all_chats || call.who.is_delegated())
    if (auto e = find_path_user(call, viewer, "/me/chats/{id}")) return *e;
  found = call.world.find_chat(call.where.chat_key);
  if (!found)
    return graph_error(call.ctx, 404, "NotFound",
                       "Chat '" + call.where.chat_key + "' was not found.");
  if (viewer && !call.world.member_of(found->data, viewer->id))
    return graph_error(call.ctx, 404, "NotFound",
                       "User '" + viewer->id + "' is not a member of chat '" + call.where.chat_key +
                           "', so it was not found.");
  if (!call.who.is_application()) return std::nullopt;
  const chat& c = found->data;
  auto in_tenant = [&](const chat_member& m) {
    const user* u = call.world.find_user(m.user_id);
    return u && iequals(u->tenant_id, call.who.tenant_id);
  };
  const bool started_here = iequals(c.tenant_id, call.who.tenant_id);
  const bool member_here = std::any_of(c.members.begin(), c.members.end(), in_tenant);
  const bool reached = reach == chat_reach::any_member ? member_here
                       : reach == chat_reach::roster
                           ? (c.type == chat_type::one_on_one ? member_here : started_here)
                           : started_here;
  if (!reached)
    return graph_error(
        call.ctx, 403, "Forbidden",
        "Chat '" + c.id + "' cannot be read from tenant '" + call.who.tenant_id + "': " +
            (reach == chat_reach::any_member ? std::string("none of its members belongs to it")
                                             : "it was started in tenant '" + c.tenant_id + "'") +
            ". Call with a token issued in the chat's tenant.");
  if (!grants_any(call.who.roles, call.permissions.application) &&
      std::none_of(c.installed_apps.begin(), c.installed_apps.end(),
                   [&](const std::string& app) { return iequals(app, call.who.id); }))
    return graph_error(
        call.ctx, 403, "Forbidden",
        "The application holds only permissions that apply in chats where it is installed (" +
            join(call.permissions.where_installed) +
            "), which apply in chats where it is installed, and it is not installed in chat '" +
            c.id + "'.");
  return std::nullopt;
}

}  // namespace fakegraph::detail
