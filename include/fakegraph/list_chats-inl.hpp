// fakegraph: definitions of list_chats.hpp (see detail/inline.hpp).
#pragma once

#include "list_chats.hpp"

#include <algorithm>  // std::partition_point, std::partial_sort, std::find, std::any_of
#include <cstdint>    // std::int64_t, std::uint32_t, std::uint64_t
#include <utility>    // std::move

#include "detail/inline.hpp"
#include "detail/paging.hpp"

namespace fakegraph::detail {

FAKEGRAPH_INLINE chat_predicate chat_filter_compiler::compile(const odata::node& n) {
  using k = odata::node::kind;
  switch (n.type) {
    case k::and_: {
      auto a = compile(*n.children[0]);
      auto b = compile(*n.children[1]);
      return [a, b](const stored_chat& c) { return a(c) && b(c); };
    }
    case k::or_: {
      auto a = compile(*n.children[0]);
      auto b = compile(*n.children[1]);
      return [a, b](const stored_chat& c) { return a(c) || b(c); };
    }
    case k::not_: {
      auto a = compile(*n.children[0]);
      return [a](const stored_chat& c) { return !a(c); };
    }
    case k::compare:
      return compare(n);
    case k::in:
      return in(n);
    case k::any:
      return lambda(n);
    case k::all:
      break;
  }
  throw unsupported_filter{"the 'all' operator is not supported"};
}

FAKEGRAPH_INLINE std::string chat_filter_compiler::expect_string(const odata::node& n,
                                                                 const odata::literal& v) {
  if (v.type != odata::literal::kind::string)
    throw unsupported_filter{"'" + n.path + "' is compared with " + odata::to_string(v) +
                             ", but takes a quoted string"};
  return v.text;
}

FAKEGRAPH_INLINE void chat_filter_compiler::expect_eq(const odata::node& n) {
  if (n.op != odata::cmp_op::eq)
    throw unsupported_filter{"the operator '" + std::string(odata::to_string(n.op)) +
                             "' is not supported on '" + n.path + "' (only eq)"};
}

FAKEGRAPH_INLINE chat_predicate chat_filter_compiler::compare(const odata::node& n) {
  expect_eq(n);
  if (n.path == "chatType") {
    const std::string v = expect_string(n, n.value);
    const auto t = parse_chat_type(v);
    if (!t)
      throw unsupported_filter{"'" + v +
                               "' is not a chatType (accepted: oneOnOne, group, meeting)" +
                               odata::case_hint(v, {"oneOnOne", "group", "meeting"})};
    return [t](const stored_chat& c) { return c.data.type == *t; };
  }
  if (n.path == "topic") {
    if (n.value.type == odata::literal::kind::null)
      return [](const stored_chat& c) { return !c.data.topic.has_value(); };
    const std::string v = expect_string(n, n.value);
    return [v](const stored_chat& c) { return c.data.topic && *c.data.topic == v; };
  }
  if (n.path == "id") {
    const std::string v = expect_string(n, n.value);
    return [v](const stored_chat& c) { return c.data.id == v; };
  }
  throw unsupported_filter{
      "the property '" + n.path + "' is not supported" +
      odata::case_hint(n.path, {"chatType", "topic", "id", "members", "installedApps"})};
}

FAKEGRAPH_INLINE chat_predicate chat_filter_compiler::in(const odata::node& n) {
  if (n.path != "id")
    throw unsupported_filter{"'in' is supported on 'id' only, not on '" + n.path + "'" +
                             odata::case_hint(n.path, {"id"})};
  std::vector<std::string> ids;
  for (const auto& v : n.values) ids.push_back(expect_string(n, v));
  return [ids](const stored_chat& c) {
    return std::find(ids.begin(), ids.end(), c.data.id) != ids.end();
  };
}

FAKEGRAPH_INLINE chat_predicate chat_filter_compiler::lambda(const odata::node& n) {
  if (n.path == "members") {
    if (n.children.empty()) return [](const stored_chat& c) { return !c.data.members.empty(); };
    auto body = member_body(*n.children[0], n.variable);
    return [body](const stored_chat& c) {
      return std::any_of(c.data.members.begin(), c.data.members.end(), body);
    };
  }
  if (n.path == "installedApps") {
    if (n.children.empty())
      return [](const stored_chat& c) { return !c.data.installed_apps.empty(); };
    auto body = app_body(*n.children[0], n.variable);
    return [body](const stored_chat& c) {
      return std::any_of(c.data.installed_apps.begin(), c.data.installed_apps.end(), body);
    };
  }
  throw unsupported_filter{
      "lambda operators are supported on 'members' and 'installedApps', not on '" + n.path + "'" +
      odata::case_hint(n.path, {"members", "installedApps"})};
}

FAKEGRAPH_INLINE std::function<bool(const chat_member&)> chat_filter_compiler::member_body(
    const odata::node& n, const std::string& var) {
  const world_state& w = w_;
  auto leaf = [&](const odata::node& c) -> std::function<bool(const chat_member&)> {
    const std::string v = expect_string(c, c.value);
    if (c.path == var + "/displayName")
      return [&w, v](const chat_member& m) {
        const user* u = w.find_user(m.user_id);
        return u && u->display_name == v;
      };
    if (c.path == var + "/microsoft.graph.aadUserConversationMember/userId")
      return [v](const chat_member& m) { return iequals(m.user_id, v); };
    const std::string display_name = var + "/displayName";
    const std::string user_id = var + "/microsoft.graph.aadUserConversationMember/userId";
    throw unsupported_filter{"the member property '" + c.path + "' is not supported (use " +
                             display_name + " or " + user_id + ")" +
                             odata::case_hint(c.path, {display_name, user_id})};
  };
  return body_of<decltype(leaf), chat_member>(n, leaf);
}

FAKEGRAPH_INLINE std::function<bool(const std::string&)> chat_filter_compiler::app_body(
    const odata::node& n, const std::string& var) {
  auto leaf = [&](const odata::node& c) -> std::function<bool(const std::string&)> {
    const std::string v = expect_string(c, c.value);
    if (c.path == var + "/teamsApp/id")
      return [v](const std::string& app) { return iequals(app, v); };
    const std::string app_id = var + "/teamsApp/id";
    throw unsupported_filter{"the installedApps property '" + c.path + "' is not supported (use " +
                             app_id + ")" + odata::case_hint(c.path, {app_id})};
  };
  return body_of<decltype(leaf), std::string>(n, leaf);
}

FAKEGRAPH_INLINE std::optional<response> read_chat_expand(const endpoint_call& call,
                                                          const query_options& q,
                                                          chat_expansion& out) {
  const std::string* raw = q.get("$expand");
  if (!raw) return std::nullopt;
  for (auto item : split(*raw, ',')) {
    item = trim(item);
    if (iequals(item, "members") && !out.members) {
      out.members = true;
      out.order.emplace_back("members");
    } else if (iequals(item, "lastMessagePreview") && !out.preview) {
      out.preview = true;
      out.order.emplace_back("lastMessagePreview");
    } else if (iequals(item, "members") || iequals(item, "lastMessagePreview")) {
      return graph_error(
          call.ctx, 400, "BadRequest",
          "The property '" + std::string(item) + "' is expanded more than once in $expand.");
    } else {
      static constexpr std::string_view navigation[] = {
          "installedApps",  "messages", "permissionGrants",
          "pinnedMessages", "tabs",     "targetedMessages"};
      bool known = false;
      for (const auto nav : navigation) known = known || iequals(item, nav);
      const std::string name(item);
      if (name.find('(') != std::string::npos)
        return graph_error(
            call.ctx, 400, "BadRequest",
            "Nested query options in $expand ('" + name +
                "') are not supported. Supported: $expand=members, lastMessagePreview or both.");
      return graph_error(
          call.ctx, 400, "BadRequest",
          (known
               ? "Expand is not allowed for property '" + name + "' according to the entity schema."
               : "Could not find a property named '" + name + "' on type 'microsoft.graph.chat'.") +
              " Supported: $expand=members, lastMessagePreview or both.");
    }
  }
  return std::nullopt;
}

FAKEGRAPH_INLINE response list_chats(const endpoint_call& call) {
  query_options q;
  if (auto e = read_query_options(call, q)) return *e;
  int top = 0;
  if (auto e = read_top(call, q, list_chats_page_size, top)) return *e;
  chat_expansion expand;
  if (auto e = read_chat_expand(call, q, expand)) return *e;
  int order_key = -1;
  if (auto e = read_desc_orderby(call, q, {"lastMessagePreview/createdDateTime"}, order_key))
    return *e;
  const bool by_preview = order_key == 0;

  chat_predicate filter;
  if (const std::string* raw = q.get("$filter")) {
    const std::string hint(chat_filters_supported);
    if (raw->size() > max_filter_length)
      return graph_error(call.ctx, 400, "BadRequest",
                         "Invalid filter clause: the filter is longer than " +
                             std::to_string(max_filter_length) + " characters.");
    try {
      const odata::node_ptr ast = odata::parse_filter(*raw);
      filter = chat_filter_compiler(call.world).compile(*ast);
    } catch (const odata::syntax_error& e) {
      return graph_error(call.ctx, 400, "BadRequest",
                         std::string("Invalid filter clause: ") + e.what() + ". " + hint);
    } catch (const unsupported_filter& e) {
      return graph_error(call.ctx, 400, "BadRequest",
                         "Invalid filter clause: " + e.message + ". " + hint);
    }
  }

  const user* target = nullptr;
  if (auto e = find_path_user(call, target, "/me/chats")) return *e;
  const bool basic_only =
      call.who.is_delegated()
          ? !grants_any(call.who.scopes, {"Chat.Read", "Chat.ReadWrite"})
          : !grants_any(call.who.roles, {"Chat.Read.All", "Chat.ReadWrite.All"});
  if (expand.preview && basic_only)
    return graph_error(
        call.ctx, 403, "Forbidden",
        "$expand=lastMessagePreview reads message content, which Chat.ReadBasic permissions do not "
        "grant. It needs one of '" +
            std::string(call.who.is_delegated() ? "Chat.Read, Chat.ReadWrite"
                                                : "Chat.Read.All, Chat.ReadWrite.All") +
            "'.");

  const std::uint64_t bound = skiptoken_binding(call, q, target->id);
  std::optional<cursor> from;
  if (auto e = read_skiptoken(call, q, bound, 3, from)) return *e;
  const std::uint64_t as_of = from ? from->as_of : call.world.next_seq - 1;

  // Keys (time, tie, id) compare as numbers then strings; newest first, then id. The tie is
  // the preview's id when ordering by preview, else empty.
  auto key_time = [&](const chat_row& r) {
    return by_preview ? r.preview->created : r.chat->data.created;
  };
  auto key_tie = [&](const chat_row& r) { return by_preview ? r.preview->id : std::string(); };
  auto before = [&](timestamp ta, const std::string& tie_a, const std::string& id_a, timestamp tb,
                    const std::string& tie_b, const std::string& id_b) {
    if (ta != tb) return ta > tb;
    if (tie_a != tie_b) return tie_a > tie_b;
    return id_a < id_b;
  };
  timestamp after_time = 0;  // the cursor: the last row of the page before
  if (auto e = read_cursor_time(call, from, after_time)) return *e;
  auto after_cursor = [&](const chat_row& r) {
    return !from ||
           before(after_time, from->key[1], from->key[2], key_time(r), key_tie(r), r.chat->data.id);
  };

  // The user's chats are indexed in the default order (reversed), so a page is a binary
  // search and a scan of what it shows (and what the filter drops). Ordered by preview, which
  // every new message changes, the rows after the cursor are gathered and only the page is
  // sorted.
  const std::vector<std::uint32_t>& mine = call.world.user_chats(target->id);
  const auto limit = static_cast<std::size_t>(top);
  std::vector<chat_row> rows;
  bool more = false;
  if (!by_preview) {
    auto it = std::partition_point(mine.rbegin(), mine.rend(), [&](std::uint32_t i) {
      return !after_cursor({&call.world.chats[i], nullptr});
    });
    for (; it != mine.rend(); ++it) {
      const stored_chat& c = call.world.chats[*it];
      if (c.seq > as_of) continue;  // created after the walk began
      if (filter && !filter(c)) continue;
      if (rows.size() == limit) {
        more = true;
        break;
      }
      rows.push_back(
          {&c, expand.preview ? call.world.latest_message(c, as_of, target->id) : nullptr});
    }
  } else {
    for (const std::uint32_t index : mine) {
      const stored_chat& c = call.world.chats[index];
      if (c.seq > as_of) continue;
      if (filter && !filter(c)) continue;
      const chat_row row{&c, call.world.latest_message(c, as_of, target->id)};
      if (row.preview && after_cursor(row))  // Graph leaves chats without messages out
        rows.push_back(row);
    }
    auto order = [&](const chat_row& a, const chat_row& b) {
      return before(key_time(a), key_tie(a), a.chat->data.id, key_time(b), key_tie(b),
                    b.chat->data.id);
    };
    more = rows.size() > limit;
    const auto shown = rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), limit));
    std::partial_sort(rows.begin(), shown, rows.end(), order);
    rows.erase(shown, rows.end());
  }

  std::string context = call.ctx.origin + "/" + call.ctx.version + "/$metadata#chats";
  if (!expand.order.empty()) {
    context += "(";
    for (std::size_t i = 0; i < expand.order.size(); ++i)
      context += (i ? "," : "") + expand.order[i] + "()";
    context += ")";
  }
  json_writer w(1024 + rows.size() * (expand.members ? 2560 : 640));
  begin_page(w, call.ctx, context)
      .key("@odata.count")
      .value(static_cast<std::int64_t>(rows.size()));
  if (more) {
    const chat_row& last = rows.back();
    cursor next{{std::to_string(key_time(last)), key_tie(last), last.chat->data.id}, as_of};
    w.key("@odata.nextLink")
        .value(next_link(call.ctx, call.raw_path, call.params,
                         encode_skiptoken(next, bound, call.secret)));
  }
  w.key("value").begin_array();
  for (const chat_row& row : rows) {
    const chat& c = row.chat->data;
    const chat_member* viewer =
        call.who.is_delegated() ? call.world.member_of(c, target->id) : nullptr;
    const user* organizer = c.meeting ? call.world.find_user(c.meeting->organizer_id) : nullptr;
    begin_chat(w, c, viewer, organizer);
    if (expand.members) {
      w.key("members");
      write_members(w, call.world, *row.chat, members_per_chat);
    }
    if (expand.preview) {
      w.key("lastMessagePreview");
      if (row.preview)
        write_preview(w, *row.chat, *row.preview, target->tenant_id);
      else
        w.null();
    }
    w.end_object();
  }
  w.end_array().end_object();
  return make_response(call.ctx, 200, w.take());
}

}  // namespace fakegraph::detail
