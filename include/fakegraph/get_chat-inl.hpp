// fakegraph: definitions of get_chat.hpp (see detail/inline.hpp).
#pragma once

#include "get_chat.hpp"

#include "detail/inline.hpp"
#include "list_chats.hpp"

namespace fakegraph::detail {

FAKEGRAPH_INLINE response get_chat(const endpoint_call& call) {
  const user* viewer = nullptr;
  const stored_chat* found = nullptr;
  if (auto e = find_path_chat(call, chat_reach::any_member, viewer, found)) return *e;
  query_options q;
  if (auto e = read_query_options(call, q)) return *e;
  chat_expansion expand;
  if (auto e = read_chat_expand(call, q, expand)) return *e;
  if (expand.preview)  // Q29: lastMessagePreview belongs to List chats
    return graph_error(call.ctx, 400, "BadRequest",
                       "Expand is not allowed for property 'lastMessagePreview' on a single chat; "
                       "List chats expands it. Supported: $expand=members.");

  const chat& c = found->data;
  const chat_member* viewpoint =
      call.who.is_delegated() ? call.world.member_of(c, viewer->id) : nullptr;
  const user* organizer = c.meeting ? call.world.find_user(c.meeting->organizer_id) : nullptr;
  json_writer w;
  w.begin_object()
      .key("@odata.context")
      .value(call.ctx.origin + "/" + call.ctx.version + "/$metadata#chats" +
             (expand.members ? "(members())" : "") + "/$entity");
  write_chat_properties(w, c, viewpoint, organizer);
  if (expand.members) {
    w.key("members@odata.context").value(chat_context(call.ctx, c) + "/members");
    w.key("members");
    write_members(w, call.world, *found);
  }
  w.end_object();
  return make_response(call.ctx, 200, w.take());
}

}  // namespace fakegraph::detail
