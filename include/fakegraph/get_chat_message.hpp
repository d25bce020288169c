// fakegraph: Get chatMessage in a chat — GET /chats/{id}/messages/{id}, and its /me/… and
// /users/{id | userPrincipalName}/… forms.
#pragma once

#include "detail/router.hpp"

namespace fakegraph::detail {

response get_chat_message(const endpoint_call& call);

}  // namespace fakegraph::detail

#ifndef FAKEGRAPH_COMPILED_LIB
#include "get_chat_message-inl.hpp"
#endif
