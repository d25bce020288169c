// fakegraph: chats: getAllMessages — GET /users/{id | userPrincipalName}/chats/getAllMessages.
#pragma once

#include "detail/router.hpp"

namespace fakegraph::detail {

// Placeholder until the endpoint lands (issue 3): answers 501 so nothing pretends to work.
inline response get_all_messages(const endpoint_call& call) {
  return graph_error(call.ctx, 501, "NotImplemented", "getAllMessages is not implemented yet.");
}

}  // namespace fakegraph::detail
