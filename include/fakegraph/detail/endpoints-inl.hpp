// fakegraph: definitions of endpoints.hpp (see detail/inline.hpp).
#pragma once

#include "endpoints.hpp"

#include <cstddef>  // std::size_t

#include "../get_all_messages.hpp"
#include "../get_all_messages_delta.hpp"
#include "../get_chat.hpp"
#include "../get_chat_message.hpp"
#include "../list_chat_members.hpp"
#include "../list_chat_messages.hpp"
#include "../list_chats.hpp"
#include "inline.hpp"

namespace fakegraph::detail {

FAKEGRAPH_INLINE const std::vector<endpoint_row>& endpoint_table() {
  using per = throttle_rule::per;
  using limits = throttling_limits;
  // Never destroyed: a coverage report written when a test program exits reads the table
  // after function-local statics made later than its own object are gone.
  static const auto* const rows = new std::vector<endpoint_row>{
      {endpoint::list_chats,
       {"chats", "me/chats", "users/{user}/chats"},
       {{"Chat.ReadBasic", "Chat.Read", "Chat.ReadWrite"},
        {"Chat.ReadBasic.All", "Chat.Read.All", "Chat.ReadWrite.All"},
        {},
        "List chats is only supported in delegated (on-behalf-of user) context. With application "
        "permissions use /users/{id | userPrincipalName}/chats."},
       {"$top", "$filter", "$expand=members", "$expand=lastMessagePreview", "$orderby",
        "$skiptoken"},
       list_chats,
       {{per::app_and_tenant, &limits::list_chats_per_app_per_tenant},
        {per::app, &limits::list_chats_per_app},
        {per::target_user, &limits::list_chats_per_user}}},
      {endpoint::get_all_messages,
       {"me/chats/getAllMessages", "users/{user}/chats/getAllMessages"},
       {{}, {"Chat.Read.All", "Chat.ReadWrite.All"}, {}, {}},
       {"$top", "$filter", "$skiptoken", "model=A", "model=B"},
       get_all_messages,
       {{per::app_and_tenant, &limits::get_all_messages_per_app_per_tenant},
        {per::app, &limits::get_all_messages_per_app}}},
      {endpoint::get_all_messages_delta,
       {"me/chats/getAllMessages/delta", "users/{user}/chats/getAllMessages/delta"},
       {{}, {"Chat.Read.All", "Chat.ReadWrite.All"}, {}, {}},
       {"$top", "$filter", "$skip", "$skiptoken", "$deltatoken"},
       get_all_messages_delta,
       {{per::app_and_tenant, &limits::get_all_messages_per_app_per_tenant},
        {per::app, &limits::get_all_messages_per_app}}},
      // The chat's own resources. List chats' limits are Teams' "other GET calls", which Get
      // chat and List members share; its per-user limit names Get chat too (§1.4).
      {endpoint::get_chat,
       {"chats/{chat}", "me/chats/{chat}", "users/{user}/chats/{chat}"},
       {{"Chat.ReadBasic", "Chat.Read", "Chat.ReadWrite"},
        {"Chat.Read.All", "Chat.ReadBasic.All", "Chat.ReadWrite.All"},
        {"Chat.ReadBasic.WhereInstalled", "Chat.Manage.Chat", "ChatSettings.Read.Chat",
         "ChatSettings.ReadWrite.Chat"},
        {}},
       {"$expand=members"},
       get_chat,
       {{per::app_and_tenant, &limits::list_chats_per_app_per_tenant},
        {per::app, &limits::list_chats_per_app},
        {per::target_user, &limits::list_chats_per_user}}},
      {endpoint::list_chat_members,
       {"chats/{chat}/members", "me/chats/{chat}/members", "users/{user}/chats/{chat}/members"},
       {{"Chat.ReadBasic", "ChatMember.ReadWrite", "Chat.Read", "Chat.ReadWrite",
         "ChatMember.Read"},
        {"ChatMember.Read.All", "Chat.Read.All", "Chat.ReadBasic.All", "Chat.ReadWrite.All",
         "ChatMember.ReadWrite.All"},
        {"Chat.Manage.Chat", "ChatMember.Read.Chat"},
        {}},
       {},
       list_chat_members,
       {{per::app_and_tenant, &limits::list_chats_per_app_per_tenant},
        {per::app, &limits::list_chats_per_app}}},
      {endpoint::list_chat_messages,
       {"chats/{chat}/messages", "me/chats/{chat}/messages", "users/{user}/chats/{chat}/messages"},
       {{"Chat.Read", "Chat.ReadWrite"},
        {"Chat.Read.All", "Chat.ReadWrite.All"},
        {"ChatMessage.Read.Chat"},
        {}},
       {"$top", "$orderby", "$filter", "$skiptoken"},
       list_chat_messages,
       {{per::app_and_tenant, &limits::chat_messages_per_app_per_tenant},
        {per::app, &limits::chat_messages_per_app}}},
      {endpoint::get_chat_message,
       {"chats/{chat}/messages/{message}", "me/chats/{chat}/messages/{message}",
        "users/{user}/chats/{chat}/messages/{message}"},
       {{"Chat.Read", "Chat.ReadWrite"},
        {"Chat.Read.All", "Chat.ReadWrite.All"},
        {"ChatMessage.Read.Chat"},
        {}},
       {},
       get_chat_message,
       {{per::app_and_tenant, &limits::chat_messages_per_app_per_tenant},
        {per::app, &limits::chat_messages_per_app}}},
  };
  return *rows;
}

FAKEGRAPH_INLINE const endpoint_row* find_endpoint(endpoint e) {
  for (const endpoint_row& row : endpoint_table())
    if (row.id == e) return &row;
  return nullptr;
}

FAKEGRAPH_INLINE const std::vector<route_pattern>& route_patterns() {
  static const auto* const all = new std::vector<route_pattern>([] {
    std::vector<route_pattern> out;
    for (const endpoint_row& row : endpoint_table())
      for (const std::string_view path : row.paths) out.push_back({row.id, path});
    return out;
  }());
  return *all;
}

FAKEGRAPH_INLINE const std::string& served_routes() {
  static const auto* const text = new std::string([] {
    const std::vector<route_pattern>& all = route_patterns();
    std::string out = "GET ";
    for (std::size_t i = 0; i < all.size(); ++i) {
      out += i == 0 ? "" : i + 1 == all.size() ? " and " : ", ";
      out += "/v1.0";
      for (const std::string_view part : split(all[i].path, '/'))
        out += "/" + std::string(part == "{user}" ? "{id | userPrincipalName}" : part);
    }
    return out;
  }());
  return *text;
}

}  // namespace fakegraph::detail
