// fakegraph: definitions of list_chat_messages.hpp (see detail/inline.hpp).
#pragma once

#include "list_chat_messages.hpp"

#include <algorithm>  // std::partial_sort, partition_point, sort, unique, min
#include <cstddef>    // std::size_t, std::ptrdiff_t
#include <cstdint>    // std::uint64_t
#include <string>     // std::string, std::to_string
#include <vector>     // std::vector

#include "detail/inline.hpp"
#include "get_all_messages.hpp"
#include "get_chat.hpp"

namespace fakegraph::detail {

FAKEGRAPH_INLINE void compile_chat_message_filter(const odata::node& n, chat_message_filter& out,
                                                  bool& seen) {
  using k = odata::node::kind;
  if (n.type == k::and_) {
    compile_chat_message_filter(*n.children[0], out, seen);
    compile_chat_message_filter(*n.children[1], out, seen);
    return;
  }
  if (n.type != k::compare)
    filter_invalid("only date-time bounds joined with 'and' are supported here");
  chat_message_order on;
  if (n.path == "lastModifiedDateTime") {
    on = chat_message_order::last_modified;
  } else if (n.path == "createdDateTime") {
    if (n.op != odata::cmp_op::lt) filter_not_allowed(n);  // LM: createdDateTime takes lt only
    on = chat_message_order::created;
  } else {
    filter_invalid("there is no filterable property '" + n.path + "' on chat messages" +
                   odata::case_hint(n.path, {"lastModifiedDateTime", "createdDateTime"}));
  }
  if (seen && on != out.on)
    filter_invalid("filter on lastModifiedDateTime or on createdDateTime, not both");
  seen = true;
  out.on = on;
  add_time_bound(n, out.after, out.before);
}

FAKEGRAPH_INLINE response list_chat_messages(const endpoint_call& call) {
  const user* viewer = nullptr;
  const stored_chat* found = nullptr;
  if (auto e = find_path_chat(call, chat_reach::started, viewer, found)) return *e;
  query_options q;
  if (auto e = read_query_options(call, q)) return *e;
  int top = 0;
  if (auto e = read_top(call, q, chat_messages_page_size, top)) return *e;
  int order_index = -1;
  if (auto e = read_desc_orderby(call, q, {"lastModifiedDateTime", "createdDateTime"}, order_index))
    return *e;
  const chat_message_order order =
      order_index == 1 ? chat_message_order::created : chat_message_order::last_modified;

  std::optional<chat_message_filter> filter;
  if (auto e =
          read_message_filter(call, q, chat_message_filters_supported, [&](const odata::node& n) {
            chat_message_filter f;
            bool seen = false;
            compile_chat_message_filter(n, f, seen);
            // LM: a filter on another property than the order's is
            // ignored.
            if (f.on == order) filter = f;
          }))
    return *e;

  const chat& c = found->data;
  const std::uint64_t bound =
      skiptoken_binding(call, q, c.id + "\x1f" + (viewer ? viewer->id : std::string()));
  std::optional<cursor> from;
  if (auto e = read_skiptoken(call, q, bound, 2, from)) return *e;
  const std::uint64_t as_of = from ? from->as_of : call.world.next_seq - 1;
  timestamp after_time = 0;  // the cursor: the last row of the page before
  if (auto e = read_cursor_time(call, from, after_time)) return *e;

  // A walk orders by each message's key as it was when the walk began (a message edited
  // since keeps its place, in its state now) and leaves out messages sent since: every
  // message the walk began with comes exactly once. Newest first, then id.
  struct row {
    timestamp key;
    const stored_message* m;
  };
  auto before = [](timestamp ta, const std::string& ida, timestamp tb, const std::string& idb) {
    return ta != tb ? ta > tb : ida < idb;
  };
  const chat_member* member = viewer ? call.world.member_of(c, viewer->id) : nullptr;
  // A key (with its message's id) too new for this page: at or after the filter's upper bound,
  // or not after the cursor. Too old: at or before the filter's lower bound.
  const auto too_new = [&](timestamp key, const std::string& id) {
    return (filter && filter->before && key >= *filter->before) ||
           (from && !before(after_time, from->key[1], key, id));
  };
  const auto too_old = [&](timestamp key) {
    return filter && filter->after && key <= *filter->after;
  };
  const auto belongs = [&](const stored_message& m, timestamp key) {
    return m.seq <= as_of && (!member || sees(*member, m)) && !too_new(key, m.id) && !too_old(key);
  };
  const message_log& log = found->log();
  const bool by_created = order == chat_message_order::created;
  const auto key_now = [&](const stored_message& m) {
    return by_created ? m.created : m.last_modified;
  };
  const auto limit = static_cast<std::size_t>(top);
  std::vector<row> rows;

  // The messages whose key is what it was when the walk began, read from the order's index
  // backwards, from the cursor (or the filter's upper bound) on: O(page + log n), plus the
  // messages skipped for being sent or moved since the walk began or hidden from the member.
  const std::vector<std::uint32_t>& index = by_created ? log.by_created : log.by_modified;
  const auto end = std::partition_point(index.begin(), index.end(), [&](std::uint32_t at) {
    const stored_message& m = log.messages[at];
    return !too_new(key_now(m), m.id);
  });
  for (auto it = end; it != index.begin() && rows.size() <= limit;) {
    const stored_message& m = log.messages[*--it];
    const timestamp key = key_now(m);
    // Every message further on has a key no later than this one, and a member sees a message
    // only from its createdDateTime, which is no later than any of its keys.
    if (too_old(key) || (member && key < member->visible_history_start)) break;
    if (!by_created && m.last_modified_as_of(as_of) != key) continue;  // moved: below
    if (belongs(m, key)) rows.push_back({key, &m});
  }
  // The messages that moved in the lastModifiedDateTime order since the walk began, at their
  // place as it was then.
  if (!by_created) {
    std::vector<std::uint32_t> moved;
    for (auto it = std::partition_point(log.moved.begin(), log.moved.end(),
                                        [&](const auto& change) { return change.first <= as_of; });
         it != log.moved.end(); ++it)
      moved.push_back(it->second);
    std::sort(moved.begin(), moved.end());
    moved.erase(std::unique(moved.begin(), moved.end()), moved.end());
    for (const std::uint32_t at : moved) {
      const stored_message& m = log.messages[at];
      const timestamp key = m.last_modified_as_of(as_of);
      if (key != m.last_modified && belongs(m, key)) rows.push_back({key, &m});
    }
  }
  const bool more = rows.size() > limit;
  const auto shown = rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), limit));
  std::partial_sort(rows.begin(), shown, rows.end(), [&](const row& a, const row& b) {
    return before(a.key, a.m->id, b.key, b.m->id);
  });
  rows.erase(shown, rows.end());

  const bool system_visible = prefers(call.req, "include-unknown-enum-members");
  const std::string& reader_tenant = viewer ? viewer->tenant_id : call.who.tenant_id;
  json_writer w;
  begin_page(w, call.ctx, chat_context(call.ctx, c) + "/messages")
      .key("@odata.count")
      .value(static_cast<std::int64_t>(rows.size()));
  if (more)
    w.key("@odata.nextLink")
        .value(next_link(
            call.ctx, call.raw_path, call.params,
            encode_skiptoken({{std::to_string(rows.back().key), rows.back().m->id}, as_of}, bound,
                             call.secret)));
  w.key("value").begin_array();
  for (const auto& row : rows)
    write_message(w, *found, *row.m, system_visible, reader_tenant, message_shape::chat_item);
  w.end_array().end_object();
  return make_response(call.ctx, 200, w.take());
}

}  // namespace fakegraph::detail
