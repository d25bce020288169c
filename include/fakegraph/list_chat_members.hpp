// fakegraph: List members of a chat — GET /chats/{id}/members, /me/chats/{id}/members,
// /users/{id | userPrincipalName}/chats/{id}/members.
#pragma once

#include "detail/router.hpp"

namespace fakegraph::detail {

/// Every member in one page (Q31: Graph documents no paging here), with @odata.count. The
/// context names the user whose chat it is, as Graph's does for /me too.
response list_chat_members(const endpoint_call& call);

}  // namespace fakegraph::detail

#ifndef FAKEGRAPH_COMPILED_LIB
#include "list_chat_members-inl.hpp"
#endif
