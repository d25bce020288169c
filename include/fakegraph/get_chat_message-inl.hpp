// fakegraph: definitions of get_chat_message.hpp (see detail/inline.hpp).
#pragma once

#include "get_chat_message.hpp"

#include <string>  // std::string

#include "detail/inline.hpp"
#include "get_all_messages.hpp"
#include "get_chat.hpp"

namespace fakegraph::detail {

FAKEGRAPH_INLINE response get_chat_message(const endpoint_call& call) {
  const user* viewer = nullptr;
  const stored_chat* found = nullptr;
  if (auto e = find_path_chat(call, chat_reach::started, viewer, found)) return *e;
  query_options q;
  if (auto e = read_query_options(call, q)) return *e;  // it takes none (§9)

  const chat& c = found->data;
  const std::optional<std::uint32_t> at = found->position_of(call.where.message_key);
  const chat_member* member = viewer ? call.world.member_of(c, viewer->id) : nullptr;
  // Q28: an unknown message is 404; so is one sent before the viewer's visible history.
  if (!at || (member && !sees(*member, found->messages()[*at])))
    return graph_error(
        call.ctx, 404, "NotFound",
        "Message '" + call.where.message_key + "' was not found in chat '" + c.id + "'.");

  json_writer w;
  w.begin_object().key("@odata.context").value(chat_context(call.ctx, c) + "/messages/$entity");
  write_message_members(w, *found, found->messages()[*at],
                        prefers(call.req, "include-unknown-enum-members"),
                        viewer ? viewer->tenant_id : call.who.tenant_id, message_shape::chat_item);
  w.end_object();
  return make_response(call.ctx, 200, w.take());
}

}  // namespace fakegraph::detail
