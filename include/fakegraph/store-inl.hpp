// fakegraph: definitions of store.hpp (see detail/inline.hpp).
#pragma once

#include "store.hpp"

#include <algorithm>  // std::lower_bound, upper_bound, find, rotate, sort, is_sorted, max…

#include "detail/inline.hpp"

namespace fakegraph {

namespace detail {

[[noreturn]] FAKEGRAPH_INLINE void fail(std::string_view area, std::string_view kind,
                                        const std::string& path, const std::string& message) {
  throw error("fakegraph." + std::string(area) + "." + std::string(kind),
              path.empty() ? message : path + ": " + message);
}

FAKEGRAPH_INLINE std::string origin::at(std::string_view sub) const {
  if (path.empty()) return std::string(sub);
  if (sub.empty()) return path;
  return path + (sub.front() == '[' ? "" : ".") + std::string(sub);
}

FAKEGRAPH_INLINE std::optional<std::uint32_t> message_log::position_of(std::string_view id) const {
  if (slots_.empty()) return std::nullopt;
  for (std::size_t i = slot_of(id);; i = next_slot(i)) {
    const std::uint32_t at = slots_[i];
    if (at == no_message) return std::nullopt;
    if (messages[at].id == id) return at;
  }
}

FAKEGRAPH_INLINE void message_log::index_last() {
  if ((indexed_ + 1) * 2 > slots_.size()) rehash(std::max<std::size_t>(16, slots_.size() * 2));
  place(indexed_++);
}

FAKEGRAPH_INLINE void message_log::reserve(std::size_t n) {
  messages.reserve(n);
  latest.reserve(n);
  by_created.reserve(n);
  by_modified.reserve(n);
  std::size_t slots = 16;
  while (slots < 2 * n) slots *= 2;
  if (slots > slots_.size()) rehash(slots);
}

/// The order of by_created (key: created) and by_modified (key: last_modified) over positions
/// in a log's messages: the earlier key first, then the greater id. The key is a value, not a
/// template argument, so that both indexes share one instantiation of each algorithm.
struct by_time {
  const std::vector<stored_message>& messages;
  timestamp stored_message::*key;
  bool operator()(std::uint32_t a, std::uint32_t b) const {
    const stored_message& x = messages[a];
    const stored_message& y = messages[b];
    return x.*key != y.*key ? x.*key < y.*key : x.id > y.id;
  }
};

FAKEGRAPH_INLINE void message_log::index_last_by_time(bool bulk) {
  const auto last = static_cast<std::uint32_t>(messages.size() - 1);
  if (bulk) {
    by_created.push_back(last);
    by_modified.push_back(last);
    return;
  }
  // Messages mostly come newest last: then these are appends.
  by_created.insert(std::upper_bound(by_created.begin(), by_created.end(), last,
                                     by_time{messages, &stored_message::created}),
                    last);
  by_modified.insert(std::upper_bound(by_modified.begin(), by_modified.end(), last,
                                      by_time{messages, &stored_message::last_modified}),
                     last);
}

FAKEGRAPH_INLINE void message_log::reindex_modified(std::uint32_t at, timestamp was,
                                                    std::uint64_t seq) {
  const stored_message& m = messages[at];
  if (m.last_modified == was) return;
  // Its old place: the index is ordered by the times before this change.
  const auto old_place = std::lower_bound(
      by_modified.begin(), by_modified.end(), at, [&](std::uint32_t e, std::uint32_t) {
        if (e == at) return false;  // it is where `was` puts it
        const stored_message& x = messages[e];
        return x.last_modified != was ? x.last_modified < was : x.id > m.id;
      });
  const auto it = old_place != by_modified.end() && *old_place == at
                      ? old_place
                      : std::find(by_modified.begin(), by_modified.end(), at);
  const by_time before{messages, &stored_message::last_modified};
  if (m.last_modified > was) {  // the usual case: a change moves it later
    std::rotate(it, it + 1, std::lower_bound(it + 1, by_modified.end(), at, before));
  } else {
    const auto place = std::upper_bound(by_modified.begin(), it, at, before);
    std::rotate(place, it, it + 1);
  }
  moved.emplace_back(seq, at);
}

FAKEGRAPH_INLINE bool message_log::page_indexes_sorted() const {
  return std::is_sorted(by_created.begin(), by_created.end(),
                        by_time{messages, &stored_message::created}) &&
         std::is_sorted(by_modified.begin(), by_modified.end(),
                        by_time{messages, &stored_message::last_modified});
}

FAKEGRAPH_INLINE void message_log::sort_page_indexes() {
  std::sort(by_created.begin(), by_created.end(), by_time{messages, &stored_message::created});
  std::sort(by_modified.begin(), by_modified.end(),
            by_time{messages, &stored_message::last_modified});
}

FAKEGRAPH_INLINE void message_log::place(std::uint32_t at) {
  std::size_t i = slot_of(messages[at].id);
  while (slots_[i] != no_message) i = next_slot(i);
  slots_[i] = at;
}

FAKEGRAPH_INLINE void message_log::rehash(std::size_t slots) {
  slots_.assign(slots, no_message);
  for (std::uint32_t at = 0; at < indexed_; ++at) place(at);
}

FAKEGRAPH_INLINE message_log& stored_chat::log_to_change() { return log_.to_change(); }

FAKEGRAPH_INLINE void append_body(text_buffer& out, const stored_chat& c, const stored_message& m) {
  const std::string_view stored = c.body_of(m);
  if (m.body == stored_body::json) {
    out.append(stored);
    return;
  }
  out.append_literal(R"({"content":")");  // the keys in nlohmann's (sorted) order
  out.append(stored);
  if (m.body == stored_body::text)
    out.append_literal(R"(","contentType":"text"})");
  else
    out.append_literal(R"(","contentType":"html"})");
}

FAKEGRAPH_INLINE void append_time_or_null(text_buffer& out, const std::optional<timestamp>& t) {
  if (!t) {
    out.append_literal("null");
    return;
  }
  out += '"';
  append_time(out, *t);
  out += '"';
}

FAKEGRAPH_INLINE void write_message_members(json_writer& w, const stored_chat& c,
                                            const stored_message& m, bool system_type_visible,
                                            std::string_view reader_tenant, message_shape shape) {
  const bool delta = shape == message_shape::delta_item;
  const message_extras& x = m.extra();
  w.raw_from([&](text_buffer& out) {
    if (shape == message_shape::export_item)
      out.append_literal(R"("@odata.type":"#microsoft.graph.chatMessage",)");
    out.append_literal(R"("id":)");
    append_json_string(out, m.id);
    out.append_literal(R"(,"replyToId":null,"etag":")");
    append_decimal(out, m.last_modified);
    out.append_literal(R"(","messageType":")");
    out.append(m.kind == message_kind::system_event && !system_type_visible
                   ? std::string_view("unknownFutureValue")
                   : to_string(m.kind));
    out.append_literal(R"(","createdDateTime":")");
    char created[max_time_chars];
    const std::size_t created_size = write_time(created, m.created);
    out.append(created, created_size);
    out.append_literal(R"(","lastModifiedDateTime":")");
    if (m.last_modified == m.created)  // most messages: never changed
      out.append(created, created_size);
    else
      append_time(out, m.last_modified);
    out.append_literal(R"(","lastEditedDateTime":)");
    append_time_or_null(out, m.last_edited);
    out.append_literal(R"(,"deletedDateTime":)");
    append_time_or_null(out, m.deleted);
    out.append_literal(R"(,"subject":)");
    if (x.subject)
      append_json_string(out, *x.subject);
    else if (delta)
      out.append_literal(R"("")");
    else
      out.append_literal("null");
    out.append_literal(R"(,"summary":null,"chatId":)");
    out.append(c.id_text);
    out.append_literal(R"(,"importance":")");
    out.append(to_string(m.importance));
    out.append_literal(R"(","locale":"en-us","webUrl":null,"channelIdentity":null,)"
                       R"("policyViolation":null,"eventDetail":)");
    out.append(x.event_detail);
    out.append_literal(R"(,"from":)");
    out.append(m.from_text(reader_tenant, delta));
    out.append_literal(R"(,"body":)");
    append_body(out, c, m);
    if (!m.extras) {  // nearly every message
      if (delta)
        out.append_literal(R"(,"attachments":[],"mentions":[],"reactions":[])");
      else
        out.append_literal(R"(,"attachments":[],"mentions":[],"reactions":[],"messageHistory":[])");
      return;
    }
    out.append_literal(R"(,"attachments":)");
    out.append(x.attachments);
    out.append_literal(R"(,"mentions":)");
    out.append(x.mentions);
    out.append_literal(R"(,"reactions":)");
    out.append(x.reactions);
    if (!delta) {
      out.append_literal(R"(,"messageHistory":)");
      out.append(x.message_history);
    }
  });
}

FAKEGRAPH_INLINE void write_message(json_writer& w, const stored_chat& c, const stored_message& m,
                                    bool system_type_visible, std::string_view reader_tenant,
                                    message_shape shape) {
  w.begin_object();
  write_message_members(w, c, m, system_type_visible, reader_tenant, shape);
  w.end_object();
}

FAKEGRAPH_INLINE std::string message_text(const stored_chat& c, const stored_message& m,
                                          bool system_type_visible,
                                          std::string_view reader_tenant) {
  json_writer w;
  write_message(w, c, m, system_type_visible, reader_tenant, message_shape::export_item);
  return w.take();
}

FAKEGRAPH_INLINE void write_preview(json_writer& w, const stored_chat& c, const stored_message& m,
                                    std::string_view reader_tenant) {
  w.begin_object()
      .key("id")
      .value(m.id)
      .key("createdDateTime")
      .quoted(time_text(m.created))
      .key("isDeleted")
      .value(m.deleted.has_value())
      .key("messageType")
      .value(to_string(m.kind))
      .key("eventDetail")
      .raw(m.extra().event_detail)
      .key("body")
      .raw_from([&](text_buffer& out) { append_body(out, c, m); })
      .key("from")
      .raw(m.from_text(reader_tenant, false))
      .end_object();
}

FAKEGRAPH_INLINE chat_message message_model(const stored_chat& c, const stored_message& sm) {
  chat_message m;
  m.id = sm.id;
  m.from = sm.sender();
  m.created = sm.created;
  m.last_modified = sm.last_modified;
  m.last_edited = sm.last_edited;
  m.deleted = sm.deleted;
  m.message_type = std::string(to_string(sm.kind));
  m.importance = std::string(to_string(sm.importance));
  json_writer body;
  body.raw_from([&](text_buffer& out) { append_body(out, c, sm); });
  m.body = parse_json(body.take());
  if (const message_extras* x = sm.extras.get()) {
    m.subject = x->subject;
    m.event_detail = parse_json(x->event_detail);
    m.attachments = parse_json(x->attachments);
    m.mentions = parse_json(x->mentions);
    m.reactions = parse_json(x->reactions);
    m.message_history = parse_json(x->message_history);
  }
  return m;
}

FAKEGRAPH_INLINE const user* world_state::find_user(std::string_view id_or_upn) const {
  const std::string key = to_lower(id_or_upn);
  auto it = user_index.find(key);
  if (it != user_index.end()) return &users[it->second];
  it = upn_index.find(key);
  return it == upn_index.end() ? nullptr : &users[it->second];
}

FAKEGRAPH_INLINE const tenant* world_state::find_tenant(std::string_view id) const {
  auto it = tenant_index.find(to_lower(id));
  return it == tenant_index.end() ? nullptr : &tenants[it->second];
}

FAKEGRAPH_INLINE const application* world_state::find_application(std::string_view app_id) const {
  auto it = application_index.find(to_lower(app_id));
  return it == application_index.end() ? nullptr : &applications[it->second];
}

FAKEGRAPH_INLINE const stored_chat* world_state::find_chat(std::string_view id) const {
  auto it = chat_index.find(std::string(id));
  return it == chat_index.end() ? nullptr : &chats[it->second];
}

FAKEGRAPH_INLINE const chat_member* world_state::member_of(const chat& c,
                                                           std::string_view user_id) const {
  for (const auto& m : c.members)
    if (iequals(m.user_id, user_id)) return &m;
  return nullptr;
}

FAKEGRAPH_INLINE const std::vector<std::uint32_t>& world_state::user_chats(
    const std::string& user_id) const {
  static const std::vector<std::uint32_t> none;
  auto it = chats_of_user.find(to_lower(user_id));
  return it == chats_of_user.end() ? none : it->second.get();
}

FAKEGRAPH_INLINE const std::vector<message_ref>& world_state::user_messages(
    const std::string& user_id) const {
  static const std::vector<message_ref> none;
  auto it = messages_of_user.find(to_lower(user_id));
  return it == messages_of_user.end() ? none : it->second.get();
}

FAKEGRAPH_INLINE const std::vector<change_entry>& world_state::user_changes(
    const std::string& user_id) const {
  static const std::vector<change_entry> none;
  auto it = changes_of_user.find(to_lower(user_id));
  return it == changes_of_user.end() ? none : it->second.get();
}

FAKEGRAPH_INLINE const stored_message* world_state::latest_message(const stored_chat& c,
                                                                   std::uint64_t as_of,
                                                                   std::string_view viewer) const {
  const std::vector<stored_message>& messages = c.messages();
  auto it = std::upper_bound(messages.begin(), messages.end(), as_of,
                             [](std::uint64_t s, const stored_message& m) { return s < m.seq; });
  if (it == messages.begin()) return nullptr;
  const auto n = static_cast<std::size_t>(it - messages.begin());
  const stored_message* newest = &messages[c.latest()[n - 1]];
  const chat_member* member = member_of(c.data, viewer);
  if (member && !sees(*member, *newest)) return nullptr;
  return newest;
}

FAKEGRAPH_INLINE bool world_state::chat_before(std::uint32_t a, std::uint32_t b) const {
  const chat& ca = chats[a].data;
  const chat& cb = chats[b].data;
  if (ca.created != cb.created) return ca.created > cb.created;
  return ca.id < cb.id;
}

FAKEGRAPH_INLINE bool world_state::message_before(message_ref a, message_ref b) const {
  const stored_message& ma = message(a);
  const stored_message& mb = message(b);
  if (ma.created != mb.created) return ma.created < mb.created;
  if (a.chat != b.chat) return chats[a.chat].data.id < chats[b.chat].data.id;
  return ma.id < mb.id;
}

FAKEGRAPH_INLINE timestamp next_message_time(const stored_chat& c, timestamp now) {
  if (c.messages().empty()) return now;
  return std::max(now, c.messages()[c.latest().back()].created + 1);
}

}  // namespace detail

FAKEGRAPH_INLINE detail::world_state store::copy() const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  std::lock_guard<std::mutex> usage_lock(usage_mutex_);  // readers update usage meanwhile
  return state_;
}

FAKEGRAPH_INLINE void store::replace(detail::world_state s) {
  std::unique_lock<std::shared_mutex> lock(mutex_);
  state_ = std::move(s);
}

FAKEGRAPH_INLINE bool store::try_use(const std::string& key, std::int64_t n,
                                     std::int64_t limit) const {
  std::lock_guard<std::mutex> lock(usage_mutex_);
  auto& used = const_cast<detail::world_state&>(state_).usage[key];
  if (used + n > limit) return false;
  used += n;
  return true;
}

FAKEGRAPH_INLINE std::int64_t store::usage(const std::string& key) const {
  std::lock_guard<std::mutex> lock(usage_mutex_);
  auto it = state_.usage.find(key);
  return it == state_.usage.end() ? 0 : it->second;
}

namespace detail {

FAKEGRAPH_INLINE std::string derive_id(world_state& w, std::string_view kind) {
  const std::uint64_t n = ++w.derived_ids;
  return guid_from_name(std::string(kind) + "#" + std::to_string(w.settings.id_seed) + "#" +
                        std::to_string(n));
}

FAKEGRAPH_INLINE void add_tenant(world_state& w, tenant t, const origin& o) {
  if (t.id.empty()) t.id = derive_id(w, "tenant");
  if (w.find_tenant(t.id))
    fail(o.area, "duplicate_id", o.at("id"), "duplicate tenant id '" + t.id + "'");
  w.tenant_index.emplace(to_lower(t.id), w.tenants.size());
  w.tenants.push_back(std::move(t));
}

FAKEGRAPH_INLINE const tenant& require_tenant(const world_state& w, std::string& tenant_id,
                                              const origin& o, const std::string& field) {
  if (tenant_id.empty()) {
    if (w.tenants.size() == 1)
      tenant_id = w.tenants.front().id;
    else
      fail(o.area, "missing_field", o.at(field),
           "tenantId is required when the world has " + std::to_string(w.tenants.size()) +
               " tenants");
  }
  const tenant* t = w.find_tenant(tenant_id);
  if (!t) fail(o.area, "unknown_tenant", o.at(field), "unknown tenant '" + tenant_id + "'");
  tenant_id = t->id;
  return *t;
}

FAKEGRAPH_INLINE void add_user(world_state& w, user u, const origin& o) {
  if (u.user_principal_name.empty())
    fail(o.area, "missing_field", o.at("userPrincipalName"), "userPrincipalName is required");
  if (u.id.empty()) u.id = guid_from_name("user#" + to_lower(u.user_principal_name));
  require_tenant(w, u.tenant_id, o, "tenantId");
  if (w.find_user(u.id))
    fail(o.area, "duplicate_id", o.at("id"), "duplicate user id '" + u.id + "'");
  if (w.find_user(u.user_principal_name))
    fail(o.area, "duplicate_id", o.at("userPrincipalName"),
         "duplicate userPrincipalName '" + u.user_principal_name + "'");
  if (u.mail.empty()) u.mail = u.user_principal_name;
  if (u.display_name.empty())
    u.display_name = u.user_principal_name.substr(0, u.user_principal_name.find('@'));
  w.user_index.emplace(to_lower(u.id), w.users.size());
  w.upn_index.emplace(to_lower(u.user_principal_name), w.users.size());
  w.member_texts.emplace_back(u);
  w.users.push_back(std::move(u));
}

FAKEGRAPH_INLINE void add_application(world_state& w, application a, const origin& o) {
  if (a.app_id.empty()) a.app_id = derive_id(w, "application");
  require_tenant(w, a.tenant_id, o, "tenantId");
  if (w.find_application(a.app_id))
    fail(o.area, "duplicate_id", o.at("appId"), "duplicate appId '" + a.app_id + "'");
  if (a.display_name.empty()) a.display_name = "Application " + a.app_id.substr(0, 8);
  w.application_index.emplace(to_lower(a.app_id), w.applications.size());
  w.applications.push_back(std::move(a));
}

FAKEGRAPH_INLINE void add_token(world_state& w, token t, const origin& o) {
  if (t.value.empty()) fail(o.area, "missing_field", o.at("token"), "token is required");
  if (w.tokens.count(t.value))
    fail(o.area, "duplicate_id", o.at("token"), "duplicate token '" + t.value + "'");
  if (t.type == token::kind::user) {
    const user* u = w.find_user(t.subject);
    if (!u) fail(o.area, "unknown_user", o.at("user"), "unknown user '" + t.subject + "'");
    t.subject = u->id;
    t.tenant_id = u->tenant_id;
  } else if (t.type == token::kind::application) {
    const application* a = w.find_application(t.subject);
    if (!a)
      fail(o.area, "unknown_application", o.at("application"),
           "unknown application '" + t.subject + "'");
    t.subject = a->app_id;
    t.tenant_id = a->tenant_id;
  } else {
    t.tenant_id = "9188040d-6c67-4c5b-b112-36a304b66dad";  // the consumer (MSA) tenant
    if (t.subject.empty()) t.subject = guid_from_name("msa#" + t.value);
  }
  std::string key = t.value;
  w.tokens.emplace(std::move(key), std::move(t));
}

FAKEGRAPH_INLINE std::string derive_chat_id(world_state& w, const chat& c) {
  const std::uint64_t n = ++w.derived_ids;
  const std::uint64_t h =
      splitmix64(fnv1a(std::to_string(w.settings.id_seed) + "#chat#" + std::to_string(n)));
  switch (c.type) {
    case chat_type::one_on_one: {
      const user* a = w.find_user(c.members[0].user_id);
      const user* b = w.find_user(c.members[1].user_id);
      const bool federated = a && b && !iequals(a->tenant_id, b->tenant_id);
      return "19:" + c.members[0].user_id + "_" + c.members[1].user_id +
             (federated ? "@fed.unq.gbl.spaces" : "@unq.gbl.spaces");
    }
    case chat_type::meeting: {
      std::string raw;
      for (std::uint64_t i = 0, x = h; i < 4; ++i, x = splitmix64(x)) raw.append(to_hex(x, 16));
      std::string b64 = base64_encode(raw.substr(0, 36), false);  // 48 base64 characters
      for (char& ch : b64)
        if (ch == '+' || ch == '/') ch = 'A';
      return "19:meeting_" + b64 + "@thread.v2";
    }
    case chat_type::group:
      break;
  }
  return "19:" + to_hex(h, 16) + to_hex(splitmix64(h), 16) + "@thread.v2";
}

FAKEGRAPH_INLINE void index_message(world_state& w, const std::string& user_key, message_ref ref) {
  auto& list = w.messages_of_user[user_key].to_change();
  if (w.bulk_loading) {
    list.push_back(ref);
    return;
  }
  auto pos = std::upper_bound(list.begin(), list.end(), ref,
                              [&](message_ref a, message_ref b) { return w.message_before(a, b); });
  list.insert(pos, ref);
}

FAKEGRAPH_INLINE void index_chat(world_state& w, const std::string& user_id,
                                 std::uint32_t chat_index) {
  auto& list = w.chats_of_user[to_lower(user_id)].to_change();
  if (w.bulk_loading) {
    list.push_back(chat_index);
    return;
  }
  auto pos =
      std::upper_bound(list.begin(), list.end(), chat_index,
                       [&](std::uint32_t a, std::uint32_t b) { return w.chat_before(b, a); });
  list.insert(pos, chat_index);
}

FAKEGRAPH_INLINE void index_member_history(world_state& w, std::uint32_t chat_index,
                                           const chat_member& m) {
  const stored_chat& c = w.chats[chat_index];
  const std::string key = to_lower(m.user_id);
  const std::uint64_t joined = w.next_seq++;
  for (std::uint32_t i = 0; i < c.messages().size(); ++i)
    if (sees(m, c.messages()[i])) {
      index_message(w, key, {chat_index, i});
      w.changes_of_user[key].to_change().push_back({joined, {chat_index, i}});
    }
}

FAKEGRAPH_INLINE std::shared_ptr<const stored_sender> shared_sender(world_state& w,
                                                                    message_sender s) {
  if (s.type == message_sender::kind::none) return nullptr;
  thread_local std::string key;  // no allocation for a sender seen before
  key.assign(1, static_cast<char>('0' + static_cast<int>(s.type)));
  for (const std::string* part : {&s.id, &s.display_name, &s.identity_type, &s.tenant_id})
    key.append(1, '\0').append(*part);
  if (const auto it = w.senders.find(key); it != w.senders.end()) return it->second;
  auto shared = std::make_shared<stored_sender>();
  for (const bool typed : {false, true})
    for (const bool federated : {false, true}) {
      std::string_view type = s.identity_type;  // given, or an application's
      if (type.empty() && s.type == message_sender::kind::user)
        type = federated ? "federatedUser" : "aadUser";
      json_writer text;
      write_sender(text, s, type, typed);
      shared->text[(typed ? 2 : 0) + (federated ? 1 : 0)] = text.take();
    }
  shared->data = std::move(s);
  w.senders.emplace(key, shared);
  return shared;
}

FAKEGRAPH_INLINE std::string json_text(const nlohmann::json& value) {
  json_writer w(64);
  w.json_value(value);
  std::string text = w.take();
  text.shrink_to_fit();
  return text;
}

FAKEGRAPH_INLINE void set_content(world_state& w, message_log& log, stored_message& sm,
                                  chat_message m) {
  // The body first: it is the one part that can be refused.
  std::string text;
  stored_body body = stored_body::json;
  const auto type =
      m.body.is_object() && m.body.size() == 2 ? m.body.find("contentType") : m.body.end();
  const auto content = m.body.is_object() ? m.body.find("content") : m.body.end();
  if (type != m.body.end() && content != m.body.end() && content->is_string() &&
      (json_is(*type, "text") || json_is(*type, "html"))) {
    body = json_is(*type, "text") ? stored_body::text : stored_body::html;
    append_json_chars(text, content->get_ref<const std::string&>());
  } else {
    text = json_text(m.body);
  }
  if (log.bodies.size() > std::numeric_limits<std::uint32_t>::max() - text.size())
    fail("world", "too_large", "messages", "a chat's message bodies exceed 4 GiB");
  sm.body = body;
  sm.body_at = static_cast<std::uint32_t>(log.bodies.size());
  sm.body_size = static_cast<std::uint32_t>(text.size());
  log.bodies += text;
  sm.id = std::move(m.id);
  sm.created = m.created;
  sm.last_modified = m.last_modified;
  sm.last_edited = m.last_edited;
  sm.deleted = m.deleted;
  sm.kind = enum_named<message_kind>(message_kind_names, m.message_type).value();
  sm.importance = enum_named<message_importance>(message_importance_names, m.importance).value();
  sm.from = shared_sender(w, std::move(m.from));
  const auto none = [](const nlohmann::json& list) { return list.is_array() && list.empty(); };
  sm.extras = nullptr;
  if (m.subject || !m.event_detail.is_null() || !none(m.attachments) || !none(m.mentions) ||
      !none(m.reactions) || !none(m.message_history)) {
    auto x = std::make_shared<message_extras>();
    x->subject = std::move(m.subject);
    x->event_detail = json_text(m.event_detail);
    x->attachments = json_text(m.attachments);
    x->mentions = json_text(m.mentions);
    x->reactions = json_text(m.reactions);
    x->message_history = json_text(m.message_history);
    sm.extras = std::move(x);
  }
}

FAKEGRAPH_INLINE void record_change(world_state& w, message_ref ref, chat_message changed) {
  stored_chat& sc = w.chats[ref.chat];
  message_log& log = sc.log_to_change();
  stored_message& sm = log.messages[ref.message];
  const timestamp replaced = sm.last_modified;
  set_content(w, log, sm, std::move(changed));
  const std::uint64_t seq = w.next_seq++;
  sm.earlier_modified.emplace_back(seq, replaced);
  sm.changed = seq;
  if (!w.bulk_loading) log.reindex_modified(ref.message, replaced, seq);  // else sorted after
  w.max_modify_lag = std::max(w.max_modify_lag, sm.last_modified - sm.created);
  for (const auto& member : sc.data.members)
    if (sees(member, sm))
      w.changes_of_user[to_lower(member.user_id)].to_change().push_back({seq, ref});
}

FAKEGRAPH_INLINE void resolve_member(const world_state& w, chat_member& m, const origin& o,
                                     const std::string& path) {
  const user* u = w.find_user(m.user_id);
  if (!u) fail(o.area, "unknown_user", o.at(path + ".user"), "unknown user '" + m.user_id + "'");
  m.user_id = u->id;
}

FAKEGRAPH_INLINE std::uint32_t add_chat(world_state& w, chat c, const origin& o) {
  for (std::size_t i = 0; i < c.members.size(); ++i)
    resolve_member(w, c.members[i], o, "members[" + std::to_string(i) + "]");
  for (std::size_t i = 0; i < c.members.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (c.members[i].user_id == c.members[j].user_id)
        fail(o.area, "duplicate_member", o.at("members[" + std::to_string(i) + "].user"),
             "user '" + c.members[i].user_id + "' is already a member of this chat");
  if (c.type == chat_type::one_on_one && c.members.size() != 2)
    fail(o.area, "bad_roster", o.at("members"),
         "a oneOnOne chat has exactly 2 members, not " + std::to_string(c.members.size()));
  if (c.type != chat_type::one_on_one && c.members.size() < 2)
    fail(o.area, "bad_roster", o.at("members"),
         std::string("a ") + std::string(to_string(c.type)) + " chat has at least 2 members, not " +
             std::to_string(c.members.size()));
  if (c.type == chat_type::one_on_one && c.topic)
    fail(o.area, "bad_value", o.at("topic"), "a oneOnOne chat has no topic (null)");
  if (c.meeting) {
    if (c.type != chat_type::meeting)
      fail(o.area, "bad_value", o.at("onlineMeetingInfo"),
           "only meeting chats have onlineMeetingInfo");
    const user* org = w.find_user(c.meeting->organizer_id);
    if (!org)
      fail(o.area, "unknown_user", o.at("onlineMeetingInfo.organizerId"),
           "unknown user '" + c.meeting->organizer_id + "'");
    c.meeting->organizer_id = org->id;
  }
  if (c.tenant_id.empty()) c.tenant_id = w.find_user(c.members.front().user_id)->tenant_id;
  require_tenant(w, c.tenant_id, o, "tenantId");
  if (c.id.empty()) c.id = derive_chat_id(w, c);
  if (w.find_chat(c.id))
    fail(o.area, "duplicate_id", o.at("id"), "duplicate chat id '" + c.id + "'");
  if (c.last_updated < c.created) c.last_updated = c.created;

  const auto index = static_cast<std::uint32_t>(w.chats.size());
  stored_chat sc;
  sc.seq = w.next_seq++;
  for (const auto& m : c.members) sc.member_users.push_back(w.user_position(m.user_id));
  sc.data = std::move(c);
  sc.id_text = json_string(sc.data.id);
  w.chat_index.emplace(sc.data.id, index);
  w.chats.push_back(std::move(sc));
  for (const auto& m : w.chats.back().data.members) index_chat(w, m.user_id, index);
  return index;
}

FAKEGRAPH_INLINE void write_members(json_writer& w, const world_state& world, const stored_chat& c,
                                    std::size_t limit) {
  w.begin_array();
  for (std::size_t i = 0; i < c.data.members.size() && i < limit; ++i)
    write_member(w, c.data, c.data.members[i], world.member_texts[c.member_users[i]]);
  w.end_array();
}

FAKEGRAPH_INLINE const user& resolve_chat_user(const world_state& w, const chat& c,
                                               const std::string& id_or_upn, const origin& o,
                                               std::string_view field) {
  const user* u = w.find_user(id_or_upn);
  if (!u) fail(o.area, "unknown_user", o.at(field), "unknown user '" + id_or_upn + "'");
  if (!w.member_of(c, u->id))
    fail(o.area, "not_a_member", o.at(field),
         "user '" + id_or_upn + "' is not a member of chat '" + c.id + "'");
  return *u;
}

FAKEGRAPH_INLINE void resolve_sender(const world_state& w, const chat& c, message_sender& s,
                                     const origin& o) {
  if (s.type == message_sender::kind::user) {
    const user& u = resolve_chat_user(w, c, s.id, o, "from.user");
    s.id = u.id;
    if (s.display_name.empty()) s.display_name = u.display_name;
    if (s.tenant_id.empty()) s.tenant_id = u.tenant_id;  // userIdentityType stays relative
  } else if (s.type == message_sender::kind::application) {
    if (s.id.empty()) fail(o.area, "missing_field", o.at("from.application.id"), "id is required");
    if (s.identity_type.empty()) s.identity_type = "bot";
  }
}

FAKEGRAPH_INLINE void validate_message_history(const nlohmann::json& history, const origin& o) {
  if (!history.is_array())
    fail(o.area, "bad_type", o.at("messageHistory"), "expected an array of history items");
  for (std::size_t i = 0; i < history.size(); ++i) {
    const nlohmann::json& item = history[i];
    const std::string at = o.at("messageHistory[" + std::to_string(i) + "]");
    if (!item.is_object())
      fail(o.area, "bad_type", at, "expected an object {actions, modifiedDateTime, reaction}");
    for (const auto& [key, value] : item.items())
      if (key != "actions" && key != "modifiedDateTime" && key != "reaction")
        fail(o.area, "unknown_key", at + "." + key,
             "unknown key (accepted: actions, modifiedDateTime, reaction)");
    const auto actions = item.find("actions");
    if (actions == item.end() || !actions->is_string())
      fail(o.area, "bad_value", at + ".actions",
           "expected a string: reactionAdded, reactionRemoved, actionUndefined or "
           "unknownFutureValue (several joined by commas)");
    for (const auto action : split(actions->get_ref<const std::string&>(), ','))
      if (trim(action) != "reactionAdded" && trim(action) != "reactionRemoved" &&
          trim(action) != "actionUndefined" && trim(action) != "unknownFutureValue")
        fail(o.area, "bad_value", at + ".actions",
             "'" + std::string(action) +
                 "' is not one of: reactionAdded, reactionRemoved, actionUndefined, "
                 "unknownFutureValue");
    const auto modified = item.find("modifiedDateTime");
    if (modified == item.end() || !modified->is_string() ||
        !parse_time(modified->get_ref<const std::string&>()))
      fail(o.area, "bad_time", at + ".modifiedDateTime",
           "expected an ISO-8601 UTC time such as 2026-11-01T12:00:00Z");
    const auto reaction = item.find("reaction");
    if (reaction != item.end() && !reaction->is_object() && !reaction->is_null())
      fail(o.area, "bad_type", at + ".reaction", "expected a chatMessageReaction object or null");
  }
}

FAKEGRAPH_INLINE void check_content_type(std::string_view type, std::string_view area,
                                         const std::string& path) {
  if (type != "text" && type != "html")
    fail(area, "bad_value", path, "'" + std::string(type) + "' is not one of: text, html");
}

FAKEGRAPH_INLINE std::uint32_t chat_index_of(const world_state& w, const std::string& chat_id,
                                             const origin& o) {
  const auto it = w.chat_index.find(chat_id);
  if (it == w.chat_index.end())
    fail(o.area, "unknown_chat", o.at("chatId"), "unknown chat '" + chat_id + "'");
  return it->second;
}

FAKEGRAPH_INLINE void validate_message(const chat_message& m, const origin& o) {
  if (!enum_named<message_kind>(message_kind_names, m.message_type))
    fail(o.area, "bad_value", o.at("messageType"),
         "unknown messageType '" + m.message_type +
             "' (accepted: message, systemEventMessage, chatEvent, typing)");
  if (!enum_named<message_importance>(message_importance_names, m.importance))
    fail(o.area, "bad_value", o.at("importance"),
         "unknown importance '" + m.importance + "' (accepted: normal, high, urgent)");
  if (m.last_modified < m.created)
    fail(o.area, "bad_value", o.at("lastModifiedDateTime"),
         "lastModifiedDateTime is before createdDateTime");
  if (m.last_edited && *m.last_edited < m.created)
    fail(o.area, "bad_value", o.at("lastEditedDateTime"),
         "lastEditedDateTime is before createdDateTime");
  if (m.deleted && *m.deleted < m.created)
    fail(o.area, "bad_value", o.at("deletedDateTime"), "deletedDateTime is before createdDateTime");
  validate_message_history(m.message_history, o);
}

FAKEGRAPH_INLINE message_ref add_message(world_state& w, const std::string& chat_id, chat_message m,
                                         const origin& o) {
  const std::uint32_t ci = chat_index_of(w, chat_id, o);
  stored_chat& sc = w.chats[ci];
  resolve_sender(w, sc.data, m.from, o);
  if (m.last_modified == 0) {  // not given: the latest of created, edited and deleted
    m.last_modified = m.created;
    if (m.last_edited) m.last_modified = std::max(m.last_modified, *m.last_edited);
    if (m.deleted) m.last_modified = std::max(m.last_modified, *m.deleted);
  }
  validate_message(m, o);
  if (m.id.empty()) m.id = std::to_string(m.created);
  if (sc.position_of(m.id))
    fail(o.area, "duplicate_id", o.at("id"),
         "duplicate message id '" + m.id + "' in chat '" + chat_id + "'");

  message_log& log = sc.log_to_change();
  stored_message sm;
  set_content(w, log, sm, std::move(m));
  sm.seq = sm.changed = w.next_seq++;
  const auto mi = static_cast<std::uint32_t>(log.messages.size());
  const std::uint32_t best =
      (mi == 0 || newer(sm, log.messages[log.latest.back()])) ? mi : log.latest.back();
  w.max_modify_lag = std::max(w.max_modify_lag, sm.last_modified - sm.created);
  log.messages.push_back(std::move(sm));
  log.index_last();
  log.latest.push_back(best);
  log.index_last_by_time(w.bulk_loading);
  for (const auto& member : sc.data.members)
    if (sees(member, log.messages[mi])) {
      const std::string key = to_lower(member.user_id);
      index_message(w, key, {ci, mi});
      w.changes_of_user[key].to_change().push_back(
          {log.messages[mi].seq, {ci, mi}});  // seqs only grow
    }
  return {ci, mi};
}

FAKEGRAPH_INLINE message_ref find_message(const world_state& w, const std::string& chat_id,
                                          const std::string& message_id, const origin& o) {
  const std::uint32_t ci = chat_index_of(w, chat_id, o);
  const stored_chat& sc = w.chats[ci];
  const std::optional<std::uint32_t> at = sc.position_of(message_id);
  if (!at)
    fail(o.area, "unknown_message", o.at("messageId"),
         "unknown message '" + message_id + "' in chat '" + chat_id + "'");
  return {ci, *at};
}

FAKEGRAPH_INLINE void check_change_time(const chat_message& m, timestamp now, const origin& o) {
  if (now < m.last_modified)
    fail(o.area, "bad_time", o.at("messageId"),
         "the graph's clock (" + format_time(now) + ") is before the lastModifiedDateTime (" +
             format_time(m.last_modified) + ") of message '" + m.id +
             "'; a change cannot come before the message's latest one");
}

FAKEGRAPH_INLINE void check_not_deleted(const chat_message& m, std::string_view change,
                                        const origin& o) {
  if (m.deleted)
    fail(o.area, "message_deleted", o.at("messageId"),
         "message '" + m.id + "' was deleted at " + format_time(*m.deleted) +
             "; a deleted message cannot be " + std::string(change));
}

FAKEGRAPH_INLINE message_ref edit_message(world_state& w, const std::string& chat_id,
                                          const std::string& message_id, std::string content,
                                          std::string content_type, timestamp now,
                                          const origin& o) {
  const message_ref ref = find_message(w, chat_id, message_id, o);
  chat_message m = message_model(w.chats[ref.chat], w.message(ref));
  check_content_type(content_type, o.area, o.at("body.contentType"));
  if (m.message_type == "systemEventMessage")
    fail(o.area, "system_event", o.at("messageId"),
         "message '" + message_id + "' is a systemEventMessage; system events cannot be edited");
  check_not_deleted(m, "edited", o);
  check_change_time(m, now, o);
  m.body = item_body(content_type, std::move(content));
  m.last_edited = now;
  m.last_modified = now;
  record_change(w, ref, std::move(m));
  return ref;
}

FAKEGRAPH_INLINE message_ref delete_message(world_state& w, const std::string& chat_id,
                                            const std::string& message_id, timestamp now,
                                            const origin& o) {
  const message_ref ref = find_message(w, chat_id, message_id, o);
  chat_message m = message_model(w.chats[ref.chat], w.message(ref));
  check_not_deleted(m, "deleted again", o);
  check_change_time(m, now, o);
  if (m.body.is_object())
    m.body["content"] = std::string();
  else
    m.body = item_body("text", "");
  m.attachments = nlohmann::json::array();
  m.mentions = nlohmann::json::array();
  m.deleted = now;
  m.last_modified = now;
  record_change(w, ref, std::move(m));
  return ref;
}

FAKEGRAPH_INLINE nlohmann::json reaction_display_name(const std::string& type, const origin& o) {
  for (const auto& [name, display] : named_reactions)
    if (type == name) return std::string(display);
  const bool emoji = !type.empty() && type.size() <= 64 && is_valid_utf8(type) &&
                     std::all_of(type.begin(), type.end(), [](char c) { return (c & 0x80) != 0; });
  if (!emoji)
    fail(o.area, "bad_value", o.at("reactionType"),
         "'" + valid_utf8(type) +
             "' is not a reaction: give like, angry, sad, laugh, heart, surprised or a single "
             "emoji");
  return nullptr;
}

FAKEGRAPH_INLINE reaction_target target_of_reaction(world_state& w, const std::string& chat_id,
                                                    const std::string& message_id,
                                                    const std::string& user_id, timestamp now,
                                                    const origin& o, std::string_view change) {
  const message_ref ref = find_message(w, chat_id, message_id, o);
  const user& u = resolve_chat_user(w, w.chats[ref.chat].data, user_id, o, "user");
  chat_message m = message_model(w.chats[ref.chat], w.message(ref));
  check_not_deleted(m, change, o);
  check_change_time(m, now, o);
  if (!m.reactions.is_array())
    fail(o.area, "bad_type", o.at("messageId"),
         "the reactions of message '" + message_id + "' are not an array");
  return {ref, std::move(m), &u};
}

FAKEGRAPH_INLINE void record_reaction_change(world_state& w, reaction_target& t, std::string action,
                                             nlohmann::json reaction, timestamp now) {
  // Key by key, not an initializer list: see json_is in detail/wire.hpp.
  nlohmann::json item = nlohmann::json::object();
  item["modifiedDateTime"] = format_time(now);
  item["actions"] = std::move(action);
  item["reaction"] = std::move(reaction);
  t.m.message_history.push_back(std::move(item));
  t.m.last_modified = now;
  record_change(w, t.ref, std::move(t.m));
}

FAKEGRAPH_INLINE message_ref add_reaction(world_state& w, const std::string& chat_id,
                                          const std::string& message_id, const std::string& user_id,
                                          const std::string& reaction_type, timestamp now,
                                          const origin& o) {
  reaction_target t = target_of_reaction(w, chat_id, message_id, user_id, now, o, "reacted to");
  nlohmann::json display_name = reaction_display_name(reaction_type, o);
  const user& u = *t.member;
  nlohmann::json reactor = nlohmann::json::object();
  reactor["id"] = u.id;
  reactor["displayName"] = u.display_name;
  reactor["userIdentityType"] =
      iequals(u.tenant_id, w.chats[t.ref.chat].data.tenant_id) ? "aadUser" : "federatedUser";
  nlohmann::json reaction = nlohmann::json::object();
  reaction["reactionType"] = reaction_type;
  reaction["displayName"] = std::move(display_name);
  reaction["reactionContentUrl"] = nullptr;
  reaction["createdDateTime"] = format_time(now);
  reaction["user"]["application"] = nullptr;
  reaction["user"]["device"] = nullptr;
  reaction["user"]["user"] = std::move(reactor);
  t.m.reactions.push_back(reaction);
  record_reaction_change(w, t, "reactionAdded", std::move(reaction), now);
  return t.ref;
}

FAKEGRAPH_INLINE bool is_reaction_of(const nlohmann::json& reaction, std::string_view type,
                                     std::string_view user_id) {
  if (!reaction.is_object()) return false;
  const auto given = reaction.find("reactionType");
  const auto by = reaction.find("user");
  if (given == reaction.end() || !json_is(*given, type) || by == reaction.end() || !by->is_object())
    return false;
  const auto who = by->find("user");
  if (who == by->end() || !who->is_object()) return false;
  const auto id = who->find("id");
  return id != who->end() && json_is(*id, user_id);
}

FAKEGRAPH_INLINE message_ref remove_reaction(world_state& w, const std::string& chat_id,
                                             const std::string& message_id,
                                             const std::string& user_id,
                                             const std::string& reaction_type, timestamp now,
                                             const origin& o) {
  reaction_target t = target_of_reaction(w, chat_id, message_id, user_id, now, o, "changed");
  nlohmann::json& reactions = t.m.reactions;
  auto newest = reactions.end();
  for (auto it = reactions.begin(); it != reactions.end(); ++it)
    if (is_reaction_of(*it, reaction_type, t.member->id)) newest = it;
  if (newest == reactions.end())
    fail(o.area, "no_reaction", o.at("reactionType"),
         "user '" + user_id + "' has no '" + valid_utf8(reaction_type) + "' reaction on message '" +
             message_id + "'");
  nlohmann::json removed = std::move(*newest);
  reactions.erase(newest);
  record_reaction_change(w, t, "reactionRemoved", std::move(removed), now);
  return t.ref;
}

FAKEGRAPH_INLINE void finish_bulk_load(world_state& w) {
  w.bulk_loading = false;
  // Only the lists the load appended to are changed (the others may be shared with another
  // world), and they are kept at their size: a loaded seed may be most of the process.
  const auto finish = [](auto& lists, auto before) {
    for (auto& [key, shared] : lists) {
      const auto& list = shared.get();
      if (std::is_sorted(list.begin(), list.end(), before) && list.capacity() == list.size())
        continue;
      auto& changed = shared.to_change();
      std::sort(changed.begin(), changed.end(), before);
      changed.shrink_to_fit();
    }
  };
  for (stored_chat& c : w.chats)
    if (!c.log().page_indexes_sorted()) c.log_to_change().sort_page_indexes();
  finish(w.messages_of_user, [&](message_ref a, message_ref b) { return w.message_before(a, b); });
  finish(w.chats_of_user, [&](std::uint32_t a, std::uint32_t b) { return w.chat_before(b, a); });
  for (auto& [key, shared] : w.changes_of_user)  // in seq order already
    if (shared.get().capacity() != shared.get().size()) shared.to_change().shrink_to_fit();
}

}  // namespace detail
}  // namespace fakegraph
