// fakegraph: Get chatMessage in a chat — GET /chats/{id}/messages/{id}, and its /me/… and
// /users/{id | userPrincipalName}/… forms.
#pragma once

#include <string>  // std::string

#include "detail/router.hpp"
#include "get_all_messages.hpp"
#include "get_chat.hpp"

namespace fakegraph::detail {

inline response get_chat_message(const endpoint_call& call) {
  const user* viewer = nullptr;
  const stored_chat* found = nullptr;
  if (auto e = find_path_chat(call, chat_reach::started, viewer, found)) return *e;
  query_options q;
  if (auto e = read_query_options(call, q)) return *e;  // it takes none (§9)

  const chat& c = found->data;
  const auto it = found->message_index().find(call.where.message_key);
  const chat_member* member = viewer ? call.world.member_of(c, viewer->id) : nullptr;
  // Q28: an unknown message is 404; so is one sent before the viewer's visible history.
  if (it == found->message_index().end() ||
      (member && !sees(*member, found->messages()[it->second].data)))
    return graph_error(
        call.ctx, 404, "NotFound",
        "Message '" + call.where.message_key + "' was not found in chat '" + c.id + "'.");

  json_writer w;
  // The stored text without its leading `{"@odata.type":…,` continues (and ends) the object.
  w.begin_object()
      .key("@odata.context")
      .value(chat_context(call.ctx, c) + "/messages/$entity")
      .raw_from([&](auto& out) {
        append_message_wire(
            out, found->messages()[it->second], prefers(call.req, "include-unknown-enum-members"),
            viewer ? viewer->tenant_id : call.who.tenant_id, untyped_message_members);
      });
  return make_response(call.ctx, 200, w.take());
}

}  // namespace fakegraph::detail
