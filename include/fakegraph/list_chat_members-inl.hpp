// fakegraph: definitions of list_chat_members.hpp (see detail/inline.hpp).
#pragma once

#include "list_chat_members.hpp"

#include <cstdint>  // std::int64_t
#include <string>   // std::string

#include "detail/inline.hpp"
#include "get_chat.hpp"
#include "store.hpp"

namespace fakegraph::detail {

FAKEGRAPH_INLINE response list_chat_members(const endpoint_call& call) {
  const user* viewer = nullptr;
  const stored_chat* found = nullptr;
  if (auto e = find_path_chat(call, chat_reach::roster, viewer, found)) return *e;
  query_options q;
  if (auto e = read_query_options(call, q)) return *e;  // it takes none (§11)

  const chat& c = found->data;
  std::string context = chat_context(call.ctx, c) + "/members";
  if (viewer) context.insert(context.find("#") + 1, "users('" + viewer->id + "')/");
  json_writer w;
  begin_page(w, call.ctx, context)
      .key("@odata.count")
      .value(static_cast<std::int64_t>(c.members.size()))
      .key("value");
  write_members(w, call.world, *found);
  w.end_object();
  return make_response(call.ctx, 200, w.take());
}

}  // namespace fakegraph::detail
