// fakegraph: the Graph operations a graph serves, by the names the journal, fault rules,
// coverage and seeds use. What each one does is its row in detail/endpoints.hpp.
#pragma once

#include <optional>     // std::optional
#include <string_view>  // std::string_view

namespace fakegraph {

/// The Graph operations a graph serves. `none` is a request that matched no route.
enum class endpoint {
  none,
  list_chats,
  get_all_messages,
  get_all_messages_delta,
  get_chat,
  list_chat_members,
  list_chat_messages,
  get_chat_message
};

namespace detail {

struct endpoint_name {
  endpoint id;
  std::string_view name;
};

/// The name of each endpoint, as seeds, reports and the control plane spell it.
inline constexpr endpoint_name endpoint_names[] = {
    {endpoint::none, "none"},
    {endpoint::list_chats, "listChats"},
    {endpoint::get_all_messages, "getAllMessages"},
    {endpoint::get_all_messages_delta, "getAllMessagesDelta"},
    {endpoint::get_chat, "getChat"},
    {endpoint::list_chat_members, "listChatMembers"},
    {endpoint::list_chat_messages, "listChatMessages"},
    {endpoint::get_chat_message, "getChatMessage"}};

}  // namespace detail

/// "none", "listChats", "getAllMessages", "getChat"…: the names seeds and reports use.
std::string_view to_string(endpoint e) noexcept;

/// The inverse of to_string (case-insensitive); nullopt for anything else.
std::optional<endpoint> parse_endpoint(std::string_view s) noexcept;

}  // namespace fakegraph

#ifndef FAKEGRAPH_COMPILED_LIB
#include "endpoint-inl.hpp"
#endif
