// fakegraph: definitions of get_all_messages_delta.hpp (see detail/inline.hpp).
#pragma once

#include "get_all_messages_delta.hpp"

#include <charconv>      // std::from_chars
#include <string>        // std::string, std::to_string
#include <string_view>   // std::string_view
#include <system_error>  // std::errc
#include <vector>        // std::vector

#include "detail/inline.hpp"
#include "get_all_messages.hpp"

namespace fakegraph::detail {

FAKEGRAPH_INLINE cursor delta_state::to_cursor() const {
  return {{round_started ? "s" : "d", std::to_string(watermark), std::to_string(position),
           std::to_string(top), after ? std::to_string(*after) : std::string()},
          as_of};
}

FAKEGRAPH_INLINE std::optional<delta_state> delta_state::from_cursor(const cursor& c,
                                                                     bool skip_token) {
  delta_state s;
  if (c.key.size() != 5 || c.key[0] != (skip_token ? "s" : "d")) return std::nullopt;
  auto number = [](const std::string& text, auto& out) {
    const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), out);
    return err == std::errc() && end == text.data() + text.size();
  };
  timestamp after = 0;
  if (!number(c.key[1], s.watermark) || !number(c.key[2], s.position) || !number(c.key[3], s.top) ||
      s.top < 1 || s.top > 50 || (!c.key[4].empty() && !number(c.key[4], after)))
    return std::nullopt;
  if (!c.key[4].empty()) s.after = after;
  s.round_started = skip_token;
  s.as_of = c.as_of;
  return s;
}

FAKEGRAPH_INLINE std::optional<response> read_delta_options(const endpoint_call& call,
                                                            const query_options& q, delta_state& s,
                                                            std::size_t& skip) {
  if (auto e = read_top(call, q, delta_page_size, s.top)) return *e;
  if (const std::string* raw = q.get("$skip")) {
    const std::string_view v = trim(*raw);
    const auto [end, err] = std::from_chars(v.data(), v.data() + v.size(), skip);
    if (v.empty() || err != std::errc() || end != v.data() + v.size())
      return graph_error(call.ctx, 400, "BadRequest",
                         "Invalid value '" + *raw +
                             "' for $skip query option found. The $skip query option requires a "
                             "non-negative integer value.");
  }
  return read_message_filter(
      call, q,
      "Supported on getAllMessages/delta: lastModifiedDateTime gt <date-time> (bare, e.g. "
      "2024-08-27T07:13:28.000Z).",
      [&](const odata::node& n) {
        if (n.type != odata::node::kind::compare || n.path != "lastModifiedDateTime")
          filter_invalid("only one condition, lastModifiedDateTime gt <date-time>, is supported");
        if (n.op != odata::cmp_op::gt) filter_not_allowed(n);
        std::optional<timestamp> before;
        add_time_bound(n, s.after, before);
      });
}

FAKEGRAPH_INLINE response get_all_messages_delta(const endpoint_call& call) {
  query_options q;
  if (auto e = read_query_options(call, q)) return *e;
  const user* target = nullptr;
  if (auto e = find_target_user(call, target)) return *e;

  // Tokens are bound to the caller and the user; the options they carry are inside.
  const std::uint64_t bound = fingerprint({to_string(call.where.kind), call.who.id, target->id});
  const std::string* skip_token = q.get("$skiptoken");
  const std::string* delta_token = q.get("$deltatoken");
  delta_state s;
  std::size_t skip = 0;
  if (skip_token && delta_token)
    return graph_error(call.ctx, 400, "BadRequest",
                       "A request takes $skiptoken or $deltatoken, not both.");
  if (skip_token || delta_token) {  // the first request's options are in the token (§7.2)
    const auto c = decode_skiptoken(skip_token ? *skip_token : *delta_token, bound, call.secret);
    const auto state = c ? delta_state::from_cursor(*c, skip_token != nullptr) : std::nullopt;
    if (!state) return graph_error(call.ctx, 400, "BadRequest", "Invalid continuation token");
    s = *state;
  } else if (auto e = read_delta_options(call, q, s, skip)) {
    return *e;
  }
  if (!s.round_started) {  // a round begins: it covers the changes made until now
    s.round_started = true;
    s.as_of = call.world.next_seq - 1;
  }

  // An entry is the message's current change unless a later change has its own entry (later in
  // the log, in this round or the next): so each message comes once a round, in its state now,
  // and a change made during a round comes in the next.
  const std::vector<change_entry>& log = call.world.user_changes(target->id);
  const timestamp window_start = months_before(call.ctx.now, delta_window_months);
  auto shown = [&](const change_entry& e) {
    const stored_message& m = call.world.message(e.ref);
    return m.changed <= e.seq && e.seq > s.watermark && m.created >= window_start &&
           !purged(m, call.ctx.now) && (!s.after || m.last_modified > *s.after);
  };
  std::vector<const change_entry*> page;
  bool more = false;
  std::size_t i = std::min(s.position, log.size());
  for (; i < log.size() && log[i].seq <= s.as_of; ++i) {
    if (!shown(log[i])) continue;
    if (skip > 0) {
      --skip;
      continue;
    }
    if (page.size() == static_cast<std::size_t>(s.top)) {
      more = true;
      break;
    }
    page.push_back(&log[i]);
  }
  s.position = i;
  if (!more) {  // the round is done: the deltaLink starts the next one where it stopped
    s.round_started = false;
    s.watermark = s.as_of;
  }

  const bool system_visible = prefers(call.req, "include-unknown-enum-members");
  json_writer w;
  begin_page(w, call.ctx,
             call.ctx.origin + "/" + call.ctx.version +
                 "/$metadata#Collection(microsoft.graph.chatMessage)")
      .key(more ? "@odata.nextLink" : "@odata.deltaLink")
      .value(call.ctx.origin + "/" + call.ctx.version + "/users/" + target->id +
             "/chats/getAllMessages/delta?" + (more ? "$skiptoken=" : "$deltatoken=") +
             encode_skiptoken(s.to_cursor(), bound, call.secret))
      .key("value")
      .begin_array();
  for (const change_entry* e : page)
    write_message(w, call.world.chats[e->ref.chat], call.world.message(e->ref), system_visible,
                  target->tenant_id, message_shape::delta_item);
  w.end_array().end_object();
  return make_response(call.ctx, 200, w.take());
}

}  // namespace fakegraph::detail
