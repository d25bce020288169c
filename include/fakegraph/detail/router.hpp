// fakegraph: matching a request path to an endpoint's route pattern, and the plumbing
// endpoints share (the call they receive, query options, $top, skiptokens, the named user
// and chat).
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
#include "../fwd.hpp"
#include "../http.hpp"
#include "../model.hpp"
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
std::optional<std::string> key_in_parentheses(std::string_view segment, std::string_view entity);

/// The names under which Graph's getAllMessages function is reached. `allMessages` is the
/// export API's original (beta) name, which the Teams throttling table still lists.
bool is_get_all_messages(std::string_view segment);

/// Whether one request segment fits one pattern segment; placeholders capture into `r`.
bool segment_matches(std::string_view pattern, const std::string& segment, route& r);

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

  const std::string* get(const std::string& name) const;
};

/// The OData system query options ASP.NET knows, with the names its messages use.
std::string_view odata_option_name(std::string_view lower);

/// Reads the request's options against the endpoint's (`call.options`). Returns Graph's 400
/// for a duplicate, or, in strict mode, for a system option the endpoint does not take.
std::optional<response> read_query_options(const endpoint_call& call, query_options& out);

/// `$top`: 1..50; absent means `fallback`. Graph's messages for each refusal.
std::optional<response> read_top(const endpoint_call& call, const query_options& q, int fallback,
                                 int& top);

/// `$orderby=<key> desc` with one of `keys` (Teams lists sort newest first only): the index of
/// the key given in `chosen`, -1 when there is no $orderby; Graph's 400 for anything else.
std::optional<response> read_desc_orderby(const endpoint_call& call, const query_options& q,
                                          std::initializer_list<std::string_view> keys,
                                          int& chosen);

/// What a walk's skiptokens are bound to: the endpoint, the caller, whose data is read (a
/// user's id, a chat's), and every option but `$skiptoken` itself (custom ones too: `model`
/// decides who pays for a getAllMessages walk). A token presented with anything else is
/// refused.
std::uint64_t skiptoken_binding(const endpoint_call& call, const query_options& q,
                                std::string_view subject);

/// The cursor of the request's `$skiptoken`, if it has one: Graph's 400 for a token that was
/// not made for this walk (tampered, foreign, another query) or whose key does not have
/// `key_size` parts.
std::optional<response> read_skiptoken(const endpoint_call& call, const query_options& q,
                                       std::uint64_t bound, std::size_t key_size,
                                       std::optional<cursor>& from);

/// The time a cursor's key starts with (List chats' and List messages' do), into `out`; Graph's
/// 400 when it is not a number (no token made here says so).
std::optional<response> read_cursor_time(const endpoint_call& call,
                                         const std::optional<cursor>& from, timestamp& out);

/// The user a `/users/{key}` or `/me` path names: 404 when unknown, 403 when an
/// application asks about a user outside its token's tenant (the federation rule).
std::optional<response> find_target_user(const endpoint_call& call, const user*& target);

/// Whose chats a path names: the caller on /chats… and /me/chats…, else the `{user}` (404 when
/// unknown, 403 across tenants for an application); a delegated caller may name only itself
/// (403). `own_route` is what it should call instead ("/me/chats").
std::optional<response> find_path_user(const endpoint_call& call, const user*& target,
                                       std::string_view own_route);

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
std::optional<response> find_path_chat(const endpoint_call& call, chat_reach reach,
                                       const user*& viewer, const stored_chat*& found);

}  // namespace fakegraph::detail

#ifndef FAKEGRAPH_COMPILED_LIB
#include "router-inl.hpp"
#endif
