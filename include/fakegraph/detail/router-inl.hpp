// fakegraph: definitions of router.hpp (see detail/inline.hpp).
#pragma once

#include "router.hpp"

#include <algorithm>     // std::find, std::any_of, std::none_of
#include <charconv>      // std::from_chars
#include <system_error>  // std::errc

#include "../store.hpp"
#include "inline.hpp"

namespace fakegraph::detail {

FAKEGRAPH_INLINE std::optional<std::string> key_in_parentheses(std::string_view segment,
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

FAKEGRAPH_INLINE bool is_get_all_messages(std::string_view segment) {
  return iequals(segment, "getAllMessages") || iequals(segment, "getAllMessages()") ||
         iequals(segment, "allMessages") || iequals(segment, "microsoft.graph.getAllMessages") ||
         iequals(segment, "microsoft.graph.getAllMessages()");
}

FAKEGRAPH_INLINE bool segment_matches(std::string_view pattern, const std::string& segment,
                                      route& r) {
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

FAKEGRAPH_INLINE const std::string* query_options::get(const std::string& name) const {
  auto it = system.find(name);
  if (it != system.end()) return &it->second;
  it = custom.find(name);
  return it == custom.end() ? nullptr : &it->second;
}

FAKEGRAPH_INLINE std::string_view odata_option_name(std::string_view lower) {
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

FAKEGRAPH_INLINE std::optional<response> read_query_options(const endpoint_call& call,
                                                            query_options& out) {
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

FAKEGRAPH_INLINE std::optional<response> read_top(const endpoint_call& call, const query_options& q,
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

FAKEGRAPH_INLINE std::optional<response> read_desc_orderby(
    const endpoint_call& call, const query_options& q, std::initializer_list<std::string_view> keys,
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

FAKEGRAPH_INLINE std::uint64_t skiptoken_binding(const endpoint_call& call, const query_options& q,
                                                 std::string_view subject) {
  std::string options;
  for (const auto& [name, value] : q.system)
    if (name != "$skiptoken") options += name + "=" + value + "&";
  for (const auto& [name, value] : q.custom) options += name + "=" + value + "&";
  return fingerprint({to_string(call.where.kind), call.who.id, subject, options});
}

FAKEGRAPH_INLINE std::optional<response> read_skiptoken(const endpoint_call& call,
                                                        const query_options& q, std::uint64_t bound,
                                                        std::size_t key_size,
                                                        std::optional<cursor>& from) {
  const std::string* token = q.get("$skiptoken");
  if (!token) return std::nullopt;
  from = decode_skiptoken(*token, bound, call.secret);
  if (!from || from->key.size() != key_size)
    return graph_error(call.ctx, 400, "BadRequest", "Invalid continuation token");
  return std::nullopt;
}

FAKEGRAPH_INLINE std::optional<response> read_cursor_time(const endpoint_call& call,
                                                          const std::optional<cursor>& from,
                                                          timestamp& out) {
  if (!from) return std::nullopt;
  const std::string& text = from->key.at(0);
  const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (err != std::errc() || end != text.data() + text.size())
    return graph_error(call.ctx, 400, "BadRequest", "Invalid continuation token");
  return std::nullopt;
}

FAKEGRAPH_INLINE std::optional<response> find_target_user(const endpoint_call& call,
                                                          const user*& target) {
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

FAKEGRAPH_INLINE std::optional<response> find_path_user(const endpoint_call& call,
                                                        const user*& target,
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

FAKEGRAPH_INLINE std::optional<response> find_path_chat(const endpoint_call& call, chat_reach reach,
                                                        const user*& viewer,
                                                        const stored_chat*& found) {
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
