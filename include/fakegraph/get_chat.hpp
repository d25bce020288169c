// fakegraph: Get chat — GET /chats/{id}, /me/chats/{id}, /users/{id |
// userPrincipalName}/chats/{id}.
#pragma once

#include <string>  // std::string

#include "detail/router.hpp"

namespace fakegraph::detail {

/// `…/$metadata#chats('19%3A…%40thread.v2')`: how Graph's contexts name one chat.
inline std::string chat_context(const call_context& ctx, const chat& c) {
  return ctx.origin + "/" + ctx.version + "/$metadata#chats('" + percent_encode(c.id) + "')";
}

response get_chat(const endpoint_call& call);

}  // namespace fakegraph::detail

#ifndef FAKEGRAPH_COMPILED_LIB
#include "get_chat-inl.hpp"
#endif
