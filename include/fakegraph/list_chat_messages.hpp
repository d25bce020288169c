// fakegraph: List messages in a chat — GET /chats/{id}/messages, /me/chats/{id}/messages,
// /users/{id | userPrincipalName}/chats/{id}/messages.
#pragma once

#include <optional>  // std::optional

#include "detail/odata.hpp"
#include "detail/router.hpp"

namespace fakegraph::detail {

inline constexpr int chat_messages_page_size = 20;  // Graph's default $top (LM)

/// The order keys of a chat's messages, newest first (graph-semantics §8).
enum class chat_message_order { last_modified, created };

inline constexpr std::string_view chat_message_filters_supported =
    "Supported on chat messages: lastModifiedDateTime gt|lt <date-time> and "
    "createdDateTime lt <date-time> (bare, e.g. 2020-06-04T18:03:11.591Z), ANDed, on the "
    "property $orderby names (lastModifiedDateTime when it names none); a filter on the other "
    "property is ignored, as Graph does.";

/// A chat messages $filter: an exclusive window on one date-time property.
struct chat_message_filter {
  chat_message_order on = chat_message_order::last_modified;
  std::optional<timestamp> after;
  std::optional<timestamp> before;
};

/// Reads `lastModifiedDateTime gt|lt X` and `createdDateTime lt X`, ANDed, on one property;
/// throws unsupported_message_filter for anything else, in Graph's words where known.
void compile_chat_message_filter(const odata::node& n, chat_message_filter& out, bool& seen);

response list_chat_messages(const endpoint_call& call);

}  // namespace fakegraph::detail

#ifndef FAKEGRAPH_COMPILED_LIB
#include "list_chat_messages-inl.hpp"
#endif
