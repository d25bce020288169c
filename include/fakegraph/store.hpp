// fakegraph: the world in memory, its indexes, its lock and its mutation API.
#pragma once

#include <algorithm>      // std::lower_bound, upper_bound, find, sort, is_sorted, max, all_of
#include <cstdint>        // std::uint32_t, std::uint64_t
#include <limits>         // std::numeric_limits
#include <map>            // std::map
#include <memory>         // std::shared_ptr, std::make_shared
#include <mutex>          // std::mutex, std::unique_lock, std::lock_guard
#include <optional>       // std::optional
#include <shared_mutex>   // std::shared_mutex, std::shared_lock
#include <string>         // std::string
#include <string_view>    // std::string_view
#include <unordered_map>  // std::unordered_map
#include <utility>        // std::move, std::pair
#include <vector>         // std::vector

#include "error.hpp"
#include "model.hpp"

namespace fakegraph {

namespace detail {

/// Throws the fake-misuse error: `[fakegraph.<area>.<kind>] <path>: <message>`.
[[noreturn]] inline void fail(std::string_view area, std::string_view kind, const std::string& path,
                              const std::string& message) {
  throw error("fakegraph." + std::string(area) + "." + std::string(kind),
              path.empty() ? message : path + ": " + message);
}

/// Where a mutation comes from, so an error can name it: a seed's JSON path, or a call.
struct origin {
  std::string area = "world";  // "seed" while loading a seed
  std::string path;            // e.g. "chats[2]"
  std::string at(std::string_view sub) const {
    if (path.empty()) return std::string(sub);
    if (sub.empty()) return path;
    return path + (sub.front() == '[' ? "" : ".") + std::string(sub);
  }
};

/// A message's messageType, stored as a number (seeds and builders give it as text).
enum class message_kind : std::uint8_t { message, system_event, chat_event, typing };
inline constexpr std::string_view message_kind_names[] = {"message", "systemEventMessage",
                                                          "chatEvent", "typing"};
inline std::string_view to_string(message_kind k) {
  return message_kind_names[static_cast<std::size_t>(k)];
}

/// A message's importance, stored as a number.
enum class message_importance : std::uint8_t { normal, high, urgent };
inline constexpr std::string_view message_importance_names[] = {"normal", "high", "urgent"};
inline std::string_view to_string(message_importance i) {
  return message_importance_names[static_cast<std::size_t>(i)];
}

/// How a message's body is stored: nearly every itemBody is `{contentType: text|html,
/// content}`, kept as the content's JSON string characters alone; any other is kept as its
/// whole JSON text.
enum class stored_body : std::uint8_t { text, html, json };

/// What few messages have: a subject, an event detail, attachments, mentions, reactions,
/// history. Kept apart so that a plain message stores one null pointer for all of it; the JSON
/// values as the text they are written as.
struct message_extras {
  std::optional<std::string> subject;
  std::string event_detail = "null";
  std::string attachments = "[]";
  std::string mentions = "[]";
  std::string reactions = "[]";
  std::string message_history = "[]";
};

/// A message sender as its world shares it (one per distinct sender), with its
/// chatMessageFromIdentitySet written once in each spelling a reader may get:
/// text[typed * 2 + federated] (see write_sender).
struct stored_sender {
  message_sender data;
  std::string text[4];

  /// The identity set as a reader of `reader_tenant` sees it; `typed` for delta's items.
  std::string_view text_for(std::string_view reader_tenant, bool typed) const {
    const bool federated = identity_type_seen_from(data, reader_tenant) == "federatedUser";
    return text[(typed ? 2 : 0) + (federated ? 1 : 0)];
  }
};

/// A message as the store keeps it: compact, because a world may hold millions. What pages
/// filter and order on is kept as numbers; the body in its chat's text of bodies; the sender
/// shared by every message of that sender (world_state::senders); the rest, which few
/// messages have, behind one pointer. Answers are written from it (write_message), and the
/// public model is made from it again when a change needs one (message_model).
struct stored_message {
  std::string id;
  timestamp created = 0;
  timestamp last_modified = 0;
  std::optional<timestamp> last_edited;
  std::optional<timestamp> deleted;
  std::uint64_t seq = 0;      // global insertion order: the "as of" of list snapshots
  std::uint64_t changed = 0;  // the seq of its latest change: its adding, an edit, a reaction…
  std::shared_ptr<const stored_sender> from;     // null: no sender
  std::shared_ptr<const message_extras> extras;  // null: none of them
  // The lastModifiedDateTime each later change replaced, with that change's seq, oldest first:
  // a walk orders by lastModifiedDateTime as it was when the walk began.
  std::vector<std::pair<std::uint64_t, timestamp>> earlier_modified;
  // itemBody: bytes [body_at, body_at + body_size) of its chat's bodies, as `body` says.
  std::uint32_t body_at = 0;
  std::uint32_t body_size = 0;
  stored_body body = stored_body::json;
  message_kind kind = message_kind::message;
  message_importance importance = message_importance::normal;

  /// lastModifiedDateTime as it was once every change up to `as_of` (a seq) was made.
  timestamp last_modified_as_of(std::uint64_t as_of) const {
    for (const auto& [change, replaced] : earlier_modified)
      if (change > as_of) return replaced;
    return last_modified;
  }

  const message_sender& sender() const {
    static const message_sender none;
    return from ? from->data : none;
  }
  /// The chatMessageFromIdentitySet as a reader of `reader_tenant` sees it (see stored_sender).
  std::string_view from_text(std::string_view reader_tenant, bool typed) const {
    return from ? from->text_for(reader_tenant, typed) : std::string_view("null");
  }
  /// The rare fields, or their defaults when it has none.
  const message_extras& extra() const {
    static const message_extras none;
    return extras ? *extras : none;
  }
};

/// Whether a member sees a message: it was sent from their visibleHistoryStartDateTime on.
inline bool sees(const chat_member& member, const stored_message& m) {
  return m.created >= member.visible_history_start;
}

/// A chat's messages in insertion order, and what is kept over them.
class message_log {
 public:
  std::vector<stored_message> messages;
  // latest[i]: index of the newest message (createdDateTime, then id) among messages[0..i].
  std::vector<std::uint32_t> latest;
  // The messages' bodies one after another: one allocation for a chat's bodies, not one a
  // message. A change appends its new body (a log is copied before it changes).
  std::string bodies;

  /// The stored body of `m`, one of `messages` (see stored_body).
  std::string_view body_of(const stored_message& m) const {
    return std::string_view(bodies.data() + m.body_at, m.body_size);
  }

  /// Where the message with id `id` is in `messages`, or none.
  std::optional<std::uint32_t> position_of(std::string_view id) const {
    if (slots_.empty()) return std::nullopt;
    for (std::size_t i = slot_of(id);; i = next_slot(i)) {
      const std::uint32_t at = slots_[i];
      if (at == no_message) return std::nullopt;
      if (messages[at].id == id) return at;
    }
  }

  /// Makes the last message of `messages`, whose id no other message has, findable by its id.
  void index_last() {
    if ((indexed_ + 1) * 2 > slots_.size()) rehash(std::max<std::size_t>(16, slots_.size() * 2));
    place(indexed_++);
  }

  /// Room for `n` messages in all, so that a chat's messages are not moved as it grows.
  void reserve(std::size_t n) {
    messages.reserve(n);
    latest.reserve(n);
    std::size_t slots = 16;
    while (slots < 2 * n) slots *= 2;
    if (slots > slots_.size()) rehash(slots);
  }

 private:
  // The id index: an open-addressing table of positions in `messages`, at most half full, so
  // that a duplicate id is found in O(1) (a chat of many thousand messages loads in linear
  // time) for 8 to 16 bytes a message, not a node each.
  static constexpr std::uint32_t no_message = std::numeric_limits<std::uint32_t>::max();
  std::size_t slot_of(std::string_view id) const {
    return std::hash<std::string_view>{}(id) & (slots_.size() - 1);
  }
  std::size_t next_slot(std::size_t i) const { return (i + 1) & (slots_.size() - 1); }
  void place(std::uint32_t at) {
    std::size_t i = slot_of(messages[at].id);
    while (slots_[i] != no_message) i = next_slot(i);
    slots_[i] = at;
  }
  void rehash(std::size_t slots) {  // slots: a power of two
    slots_.assign(slots, no_message);
    for (std::uint32_t at = 0; at < indexed_; ++at) place(at);
  }

  std::vector<std::uint32_t> slots_;
  std::uint32_t indexed_ = 0;  // messages[0..indexed_) are in the table
};

/// A value that copies of a world share until one of them changes it. Copies of a world (the
/// one reset() returns to, snapshots, the trial world of a fragment) share each chat's message
/// log and each user's indexes this way, so copying a world costs O(chats + users), not
/// O(messages), and a seed is not held twice.
template <class T>
class copy_on_write {
 public:
  const T& get() const { return *value_; }
  /// The value, to change it: copied first when another world shares it. Safe because every
  /// holder of another reference copies it under the store's lock, which a writer holds alone.
  T& to_change() {
    if (value_.use_count() != 1) value_ = std::make_shared<T>(*value_);
    return *value_;
  }
  /// Whether `other` shares this one's value.
  bool shares(const copy_on_write& other) const { return value_ == other.value_; }

 private:
  std::shared_ptr<T> value_ = std::make_shared<T>();
};

/// A chat and its message log (shared by copies of a world: copy_on_write).
class stored_chat {
 public:
  chat data;
  std::uint64_t seq = 0;
  // member_users[i]: where data.members[i]'s user is in world_state::users, so that pages
  // write members without a lookup each.
  std::vector<std::uint32_t> member_users;
  std::string id_text;  // data.id as a JSON string, quotes included: every message item's chatId

  const std::vector<stored_message>& messages() const { return log_.get().messages; }
  const std::vector<std::uint32_t>& latest() const { return log_.get().latest; }
  /// Where the message with id `id` is in messages(), or none.
  std::optional<std::uint32_t> position_of(std::string_view id) const {
    return log_.get().position_of(id);
  }
  /// The stored body of `m`, one of messages() (see stored_body; append_body writes it).
  std::string_view body_of(const stored_message& m) const { return log_.get().body_of(m); }
  /// The log, to change it (copied first when another world shares it).
  message_log& log_to_change() { return log_.to_change(); }

 private:
  copy_on_write<message_log> log_;
};

/// Appends the itemBody JSON text of `m`, a message of `c`.
inline void append_body(text_buffer& out, const stored_chat& c, const stored_message& m) {
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

/// How a chatMessage item is written (graph-semantics §7.4 for delta):
/// - export_item: getAllMessages' items, with `@odata.type`;
/// - chat_item: the chat's own List messages and Get message, without it;
/// - delta_item: getAllMessages/delta's, without it, `subject` "" when it has none, a typed
///   `from.user`, no messageHistory.
enum class message_shape { export_item, chat_item, delta_item };

/// `"<time>"` or null.
inline void append_time_or_null(text_buffer& out, const std::optional<timestamp>& t) {
  if (!t) {
    out.append_literal("null");
    return;
  }
  out += '"';
  append_time(out, *t);
  out += '"';
}

/// The members of a chatMessage (without its braces), as a reader of `reader_tenant` sees it.
/// `system_type_visible` is the `Prefer: include-unknown-enum-members` switch. Pages write
/// thousands: the keys are fixed, so the text between the values is appended in runs, and
/// every value is stored as the text it is written as, but for the times and the ids.
inline void write_message_members(json_writer& w, const stored_chat& c, const stored_message& m,
                                  bool system_type_visible, std::string_view reader_tenant,
                                  message_shape shape) {
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

/// A chatMessage item (see write_message_members).
inline void write_message(json_writer& w, const stored_chat& c, const stored_message& m,
                          bool system_type_visible, std::string_view reader_tenant,
                          message_shape shape) {
  w.begin_object();
  write_message_members(w, c, m, system_type_visible, reader_tenant, shape);
  w.end_object();
}

/// A message as getAllMessages writes it, as one text (a control-plane change's answer).
inline std::string message_text(const stored_chat& c, const stored_message& m,
                                bool system_type_visible, std::string_view reader_tenant) {
  json_writer w;
  write_message(w, c, m, system_type_visible, reader_tenant, message_shape::export_item);
  return w.take();
}

/// chatMessageInfo, the lastMessagePreview of List chats, as a reader of `reader_tenant` sees
/// it. Previews always say systemEventMessage (the Prefer rule applies to chatMessage only).
inline void write_preview(json_writer& w, const stored_chat& c, const stored_message& m,
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

/// The public model of a message of `c`, for a change to start from.
inline chat_message message_model(const stored_chat& c, const stored_message& sm) {
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

/// A message's place: chat index, message index.
struct message_ref {
  std::uint32_t chat = 0;
  std::uint32_t message = 0;
};

/// One change a user can see: a message added, edited, deleted or reacted to, or shown to
/// the user when they joined its chat. `seq` is the change's place in the world's history.
struct change_entry {
  std::uint64_t seq = 0;
  message_ref ref;
};

/// Everything a world holds. Copyable, so a graph can snapshot and restore it.
struct world_state {
  fakegraph::settings settings;
  std::vector<tenant> tenants;
  std::vector<user> users;
  std::vector<member_user_text> member_texts;  // [i]: users[i]'s part of every member item
  std::vector<application> applications;
  std::vector<stored_chat> chats;
  std::unordered_map<std::string, token> tokens;
  // Every distinct message sender, shared by its messages (shared_sender): a world has few
  // senders and many messages.
  std::unordered_map<std::string, std::shared_ptr<const stored_sender>> senders;

  std::unordered_map<std::string, std::size_t> tenant_index;
  std::unordered_map<std::string, std::size_t> user_index;  // by id (lower case)
  std::unordered_map<std::string, std::size_t> upn_index;   // by UPN (lower case)
  std::unordered_map<std::string, std::size_t> application_index;
  std::unordered_map<std::string, std::uint32_t> chat_index;
  // The chats a user is a member of (chat indexes), in List chats' page order (chat_before)
  // reversed: the newest chat, the usual one to add, goes at the end.
  std::unordered_map<std::string, copy_on_write<std::vector<std::uint32_t>>> chats_of_user;
  // The messages a user sees (from their visibleHistoryStartDateTime on), ordered by
  // createdDateTime, then chat id, then message id: getAllMessages walks this.
  std::unordered_map<std::string, copy_on_write<std::vector<message_ref>>> messages_of_user;
  // Every change to a message a user sees, in seq order; an entry is current while its seq is
  // the message's `changed`. getAllMessages/delta walks this.
  std::unordered_map<std::string, copy_on_write<std::vector<change_entry>>> changes_of_user;
  // The largest lastModifiedDateTime - createdDateTime gap: a lastModified lower bound X
  // can only match messages created after X - max_modify_lag.
  timestamp max_modify_lag = 0;
  std::uint64_t next_seq = 1;
  bool bulk_loading = false;
  std::uint64_t derived_ids = 0;
  // Usage counters (the evaluation quota): key -> count.
  std::map<std::string, std::int64_t> usage;

  const user* find_user(std::string_view id_or_upn) const {
    const std::string key = to_lower(id_or_upn);
    auto it = user_index.find(key);
    if (it != user_index.end()) return &users[it->second];
    it = upn_index.find(key);
    return it == upn_index.end() ? nullptr : &users[it->second];
  }
  const tenant* find_tenant(std::string_view id) const {
    auto it = tenant_index.find(to_lower(id));
    return it == tenant_index.end() ? nullptr : &tenants[it->second];
  }
  const application* find_application(std::string_view app_id) const {
    auto it = application_index.find(to_lower(app_id));
    return it == application_index.end() ? nullptr : &applications[it->second];
  }
  const stored_chat* find_chat(std::string_view id) const {
    auto it = chat_index.find(std::string(id));
    return it == chat_index.end() ? nullptr : &chats[it->second];
  }
  /// Where a (known) user is in `users`.
  std::uint32_t user_position(std::string_view id_or_upn) const {
    return static_cast<std::uint32_t>(find_user(id_or_upn) - users.data());
  }
  const chat_member* member_of(const chat& c, std::string_view user_id) const {
    for (const auto& m : c.members)
      if (iequals(m.user_id, user_id)) return &m;
    return nullptr;
  }
  const stored_message& message(message_ref r) const { return chats[r.chat].messages()[r.message]; }
  const std::vector<std::uint32_t>& user_chats(const std::string& user_id) const {
    static const std::vector<std::uint32_t> none;
    auto it = chats_of_user.find(to_lower(user_id));
    return it == chats_of_user.end() ? none : it->second.get();
  }
  const std::vector<message_ref>& user_messages(const std::string& user_id) const {
    static const std::vector<message_ref> none;
    auto it = messages_of_user.find(to_lower(user_id));
    return it == messages_of_user.end() ? none : it->second.get();
  }
  const std::vector<change_entry>& user_changes(const std::string& user_id) const {
    static const std::vector<change_entry> none;
    auto it = changes_of_user.find(to_lower(user_id));
    return it == changes_of_user.end() ? none : it->second.get();
  }

  /// The newest message of a chat among those stored no later than `as_of` (a seq), as
  /// `viewer` sees it: none when it is older than the viewer's visibleHistoryStartDateTime
  /// (then every message is, and the member sees none). Lets a paged walk order by preview
  /// time as of its first page.
  const stored_message* latest_message(const stored_chat& c, std::uint64_t as_of,
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

  /// List chats' order: newest createdDateTime first, then chat id.
  bool chat_before(std::uint32_t a, std::uint32_t b) const {
    const chat& ca = chats[a].data;
    const chat& cb = chats[b].data;
    if (ca.created != cb.created) return ca.created > cb.created;
    return ca.id < cb.id;
  }

  /// The getAllMessages order: createdDateTime, then chat id, then message id.
  bool message_before(message_ref a, message_ref b) const {
    const stored_message& ma = message(a);
    const stored_message& mb = message(b);
    if (ma.created != mb.created) return ma.created < mb.created;
    if (a.chat != b.chat) return chats[a.chat].data.id < chats[b.chat].data.id;
    return ma.id < mb.id;
  }
};

inline bool newer(const stored_message& a, const stored_message& b) {
  return a.created != b.created ? a.created > b.created : a.id > b.id;
}

/// When a message added to `c` without a time is created: `now`, or just after the chat's
/// newest message when that is later, so that the new message is the newest.
inline timestamp next_message_time(const stored_chat& c, timestamp now) {
  if (c.messages().empty()) return now;
  return std::max(now, c.messages()[c.latest().back()].created + 1);
}

}  // namespace detail

/// The world of one graph, behind a reader/writer lock.
///
/// Readers (every request) share the lock; writers (seeding, builders) take it alone, so
/// a request sees a world either before or after a write, never half of one.
/// Mutations validate what they are given and throw `fakegraph::error` without changing
/// anything when it is wrong.
class store {
 public:
  store() = default;
  explicit store(detail::world_state s) : state_(std::move(s)) {}

  /// A read view: holds the shared lock for as long as it lives.
  class reader {
   public:
    reader(const store& s) : lock_(s.mutex_), state_(s.state_) {}
    const detail::world_state& operator*() const { return state_; }
    const detail::world_state* operator->() const { return &state_; }

   private:
    std::shared_lock<std::shared_mutex> lock_;
    const detail::world_state& state_;
  };

  reader read() const { return reader(*this); }

  /// Runs `f(world_state&)` under the exclusive lock.
  template <class F>
  decltype(auto) write(F&& f) {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    return f(state_);
  }

  /// A copy of the whole world (for snapshot/restore).
  detail::world_state copy() const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    std::lock_guard<std::mutex> usage_lock(usage_mutex_);  // readers update usage meanwhile
    return state_;
  }
  void replace(detail::world_state s) {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    state_ = std::move(s);
  }

  /// Adds `n` to a usage counter if the result stays within `limit`; returns whether it
  /// did. Readers call it under their shared lock, so it has its own.
  bool try_use(const std::string& key, std::int64_t n, std::int64_t limit) const {
    std::lock_guard<std::mutex> lock(usage_mutex_);
    auto& used = const_cast<detail::world_state&>(state_).usage[key];
    if (used + n > limit) return false;
    used += n;
    return true;
  }
  std::int64_t usage(const std::string& key) const {
    std::lock_guard<std::mutex> lock(usage_mutex_);
    auto it = state_.usage.find(key);
    return it == state_.usage.end() ? 0 : it->second;
  }

 private:
  mutable std::shared_mutex mutex_;
  mutable std::mutex usage_mutex_;
  detail::world_state state_;
};

namespace detail {

// ---- mutations (callers hold the exclusive lock) ------------------------------------

inline std::string derive_id(world_state& w, std::string_view kind) {
  const std::uint64_t n = ++w.derived_ids;
  return guid_from_name(std::string(kind) + "#" + std::to_string(w.settings.id_seed) + "#" +
                        std::to_string(n));
}

inline void add_tenant(world_state& w, tenant t, const origin& o) {
  if (t.id.empty()) t.id = derive_id(w, "tenant");
  if (w.find_tenant(t.id))
    fail(o.area, "duplicate_id", o.at("id"), "duplicate tenant id '" + t.id + "'");
  w.tenant_index.emplace(to_lower(t.id), w.tenants.size());
  w.tenants.push_back(std::move(t));
}

inline const tenant& require_tenant(const world_state& w, std::string& tenant_id, const origin& o,
                                    const std::string& field) {
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

inline void add_user(world_state& w, user u, const origin& o) {
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

inline void add_application(world_state& w, application a, const origin& o) {
  if (a.app_id.empty()) a.app_id = derive_id(w, "application");
  require_tenant(w, a.tenant_id, o, "tenantId");
  if (w.find_application(a.app_id))
    fail(o.area, "duplicate_id", o.at("appId"), "duplicate appId '" + a.app_id + "'");
  if (a.display_name.empty()) a.display_name = "Application " + a.app_id.substr(0, 8);
  w.application_index.emplace(to_lower(a.app_id), w.applications.size());
  w.applications.push_back(std::move(a));
}

inline void add_token(world_state& w, token t, const origin& o) {
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

inline std::string derive_chat_id(world_state& w, const chat& c) {
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

// Puts a message into the getAllMessages index of one user, in order. While a seed loads
// (`bulk_loading`), it appends and finish_bulk_load() sorts once: O(n log n), not O(n^2).
inline void index_message(world_state& w, const std::string& user_key, message_ref ref) {
  auto& list = w.messages_of_user[user_key].to_change();
  if (w.bulk_loading) {
    list.push_back(ref);
    return;
  }
  auto pos = std::upper_bound(list.begin(), list.end(), ref,
                              [&](message_ref a, message_ref b) { return w.message_before(a, b); });
  list.insert(pos, ref);
}

/// Adds a chat to a user's chats in page order; appends while bulk loading, like index_message.
inline void index_chat(world_state& w, const std::string& user_id, std::uint32_t chat_index) {
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

/// Shows a new member the chat's history they may see: in their getAllMessages index, and as
/// one change (their joining) in their change log.
inline void index_member_history(world_state& w, std::uint32_t chat_index, const chat_member& m) {
  const stored_chat& c = w.chats[chat_index];
  const std::string key = to_lower(m.user_id);
  const std::uint64_t joined = w.next_seq++;
  for (std::uint32_t i = 0; i < c.messages().size(); ++i)
    if (sees(m, c.messages()[i])) {
      index_message(w, key, {chat_index, i});
      w.changes_of_user[key].to_change().push_back({joined, {chat_index, i}});
    }
}

/// The sender of a message as its world shares it: one per distinct sender, its identity set
/// written once in each spelling.
inline std::shared_ptr<const stored_sender> shared_sender(world_state& w, message_sender s) {
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

/// A messageType or importance name as its number; none when it is no name of `names`.
template <class Enum, std::size_t N>
std::optional<Enum> enum_named(const std::string_view (&names)[N], std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) return static_cast<Enum>(i);
  return std::nullopt;
}

/// A JSON value as the text an answer carries (written as every answer is: valid UTF-8), kept
/// at its size for a stored message's life.
inline std::string json_text(const nlohmann::json& value) {
  json_writer w(64);
  w.json_value(value);
  std::string text = w.take();
  text.shrink_to_fit();
  return text;
}

/// Stores the content of `m`, a valid message, in `sm` (all but the store's own seq, changed
/// and earlier_modified).
inline void set_content(world_state& w, message_log& log, stored_message& sm, chat_message m) {
  // The body first: it is the one part that can be refused.
  std::string text;
  stored_body body = stored_body::json;
  const auto type =
      m.body.is_object() && m.body.size() == 2 ? m.body.find("contentType") : m.body.end();
  const auto content = m.body.is_object() ? m.body.find("content") : m.body.end();
  if (type != m.body.end() && content != m.body.end() && content->is_string() &&
      (*type == "text" || *type == "html")) {
    body = *type == "text" ? stored_body::text : stored_body::html;
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

/// Stores `changed` as the new state of a message (callers hold the exclusive lock and have
/// validated it): a new seq, the lastModifiedDateTime it replaces, and an entry in the change
/// log of every member who sees it.
inline void record_change(world_state& w, message_ref ref, chat_message changed) {
  stored_chat& sc = w.chats[ref.chat];
  message_log& log = sc.log_to_change();
  stored_message& sm = log.messages[ref.message];
  const timestamp replaced = sm.last_modified;
  set_content(w, log, sm, std::move(changed));
  const std::uint64_t seq = w.next_seq++;
  sm.earlier_modified.emplace_back(seq, replaced);
  sm.changed = seq;
  w.max_modify_lag = std::max(w.max_modify_lag, sm.last_modified - sm.created);
  for (const auto& member : sc.data.members)
    if (sees(member, sm))
      w.changes_of_user[to_lower(member.user_id)].to_change().push_back({seq, ref});
}

inline void resolve_member(const world_state& w, chat_member& m, const origin& o,
                           const std::string& path) {
  const user* u = w.find_user(m.user_id);
  if (!u) fail(o.area, "unknown_user", o.at(path + ".user"), "unknown user '" + m.user_id + "'");
  m.user_id = u->id;
}

/// Adds a chat with its members (messages come through add_message). Returns its index.
inline std::uint32_t add_chat(world_state& w, chat c, const origin& o) {
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

/// A chat's members as aadUserConversationMember items, the first `limit` of them.
inline void write_members(json_writer& w, const world_state& world, const stored_chat& c,
                          std::size_t limit = std::numeric_limits<std::size_t>::max()) {
  w.begin_array();
  for (std::size_t i = 0; i < c.data.members.size() && i < limit; ++i)
    write_member(w, c.data, c.data.members[i], world.member_texts[c.member_users[i]]);
  w.end_array();
}

/// A user, by id or UPN, who is a member of chat `c`; refused as unknown_user or not_a_member
/// at `field`.
inline const user& resolve_chat_user(const world_state& w, const chat& c,
                                     const std::string& id_or_upn, const origin& o,
                                     std::string_view field) {
  const user* u = w.find_user(id_or_upn);
  if (!u) fail(o.area, "unknown_user", o.at(field), "unknown user '" + id_or_upn + "'");
  if (!w.member_of(c, u->id))
    fail(o.area, "not_a_member", o.at(field),
         "user '" + id_or_upn + "' is not a member of chat '" + c.id + "'");
  return *u;
}

inline void resolve_sender(const world_state& w, const chat& c, message_sender& s,
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

/// chatMessageHistoryItem[]: each `{"actions", "modifiedDateTime", "reaction"}`; actions is one
/// chatMessageActions value or several joined by commas (the enum is a flags enum).
inline void validate_message_history(const nlohmann::json& history, const origin& o) {
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

/// itemBody's contentType: text or html.
inline void check_content_type(std::string_view type, std::string_view area,
                               const std::string& path) {
  if (type != "text" && type != "html")
    fail(area, "bad_value", path, "'" + std::string(type) + "' is not one of: text, html");
}

/// The index of a chat, by id; refused as unknown_chat.
inline std::uint32_t chat_index_of(const world_state& w, const std::string& chat_id,
                                   const origin& o) {
  const auto it = w.chat_index.find(chat_id);
  if (it == w.chat_index.end())
    fail(o.area, "unknown_chat", o.at("chatId"), "unknown chat '" + chat_id + "'");
  return it->second;
}

inline void validate_message(const chat_message& m, const origin& o) {
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

/// Adds a message to a chat. Defaults: id = createdDateTime in epoch ms,
/// lastModifiedDateTime = the latest of created, edited and deleted.
inline message_ref add_message(world_state& w, const std::string& chat_id, chat_message m,
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
  for (const auto& member : sc.data.members)
    if (sees(member, log.messages[mi])) {
      const std::string key = to_lower(member.user_id);
      index_message(w, key, {ci, mi});
      w.changes_of_user[key].to_change().push_back(
          {log.messages[mi].seq, {ci, mi}});  // seqs only grow
    }
  return {ci, mi};
}

// ---- changes to a stored message (issue 12): edit, delete, react ----------------------
// Each validates everything before it changes anything, changes the message at `now` (the
// graph's clock) and calls record_change. Callers hold the exclusive lock.

/// A message of a chat, by ids; refused as unknown_chat or unknown_message.
inline message_ref find_message(const world_state& w, const std::string& chat_id,
                                const std::string& message_id, const origin& o) {
  const std::uint32_t ci = chat_index_of(w, chat_id, o);
  const stored_chat& sc = w.chats[ci];
  const std::optional<std::uint32_t> at = sc.position_of(message_id);
  if (!at)
    fail(o.area, "unknown_message", o.at("messageId"),
         "unknown message '" + message_id + "' in chat '" + chat_id + "'");
  return {ci, *at};
}

/// A change at `now` may not come before the message's latest one: lastModifiedDateTime only
/// moves forward.
inline void check_change_time(const chat_message& m, timestamp now, const origin& o) {
  if (now < m.last_modified)
    fail(o.area, "bad_time", o.at("messageId"),
         "the graph's clock (" + format_time(now) + ") is before the lastModifiedDateTime (" +
             format_time(m.last_modified) + ") of message '" + m.id +
             "'; a change cannot come before the message's latest one");
}

/// Refuses a change to a deleted message; `change` says what, e.g. "edited".
inline void check_not_deleted(const chat_message& m, std::string_view change, const origin& o) {
  if (m.deleted)
    fail(o.area, "message_deleted", o.at("messageId"),
         "message '" + m.id + "' was deleted at " + format_time(*m.deleted) +
             "; a deleted message cannot be " + std::string(change));
}

/// Edits a message: a new body (contentType text or html); lastEditedDateTime and
/// lastModifiedDateTime move to `now`, and with them the etag. A deleted message and a system
/// event cannot be edited.
inline message_ref edit_message(world_state& w, const std::string& chat_id,
                                const std::string& message_id, std::string content,
                                std::string content_type, timestamp now, const origin& o) {
  const message_ref ref = find_message(w, chat_id, message_id, o);
  chat_message m = message_model(w.chats[ref.chat], w.message(ref));
  check_content_type(content_type, o.area, o.at("body.contentType"));
  if (m.message_type == "systemEventMessage")
    fail(o.area, "system_event", o.at("messageId"),
         "message '" + message_id + "' is a systemEventMessage; system events cannot be edited");
  check_not_deleted(m, "edited", o);
  check_change_time(m, now, o);
  m.body = {{"contentType", std::move(content_type)}, {"content", std::move(content)}};
  m.last_edited = now;
  m.last_modified = now;
  record_change(w, ref, std::move(m));
  return ref;
}

/// Deletes a message: deletedDateTime and lastModifiedDateTime move to `now`; the body's
/// content, the attachments and the mentions are emptied (contentType stays). getAllMessages
/// returns it for 21 days after `now`. A message is deleted once.
inline message_ref delete_message(world_state& w, const std::string& chat_id,
                                  const std::string& message_id, timestamp now, const origin& o) {
  const message_ref ref = find_message(w, chat_id, message_id, o);
  chat_message m = message_model(w.chats[ref.chat], w.message(ref));
  check_not_deleted(m, "deleted again", o);
  check_change_time(m, now, o);
  if (m.body.is_object())
    m.body["content"] = "";
  else
    m.body = {{"contentType", "text"}, {"content", ""}};
  m.attachments = nlohmann::json::array();
  m.mentions = nlohmann::json::array();
  m.deleted = now;
  m.last_modified = now;
  record_change(w, ref, std::move(m));
  return ref;
}

/// The reactions Graph names (chatMessageReaction.reactionType before unicode reactions), with
/// the displayName Graph gives each.
inline constexpr std::pair<std::string_view, std::string_view> named_reactions[] = {
    {"like", "Like"},   {"angry", "Angry"}, {"sad", "Sad"},
    {"laugh", "Laugh"}, {"heart", "Heart"}, {"surprised", "Surprised"}};

/// A reactionType: one of the named reactions, or a single emoji (any short text without ASCII
/// characters). Returns its displayName, null for an emoji.
inline nlohmann::json reaction_display_name(const std::string& type, const origin& o) {
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

/// Adds `user`'s reaction (a member, by id or UPN) to a message: a chatMessageReaction in
/// `reactions` and a `reactionAdded` item in `messageHistory`, both at `now`;
/// lastModifiedDateTime (and the etag) move to `now`, lastEditedDateTime does not. The
/// reactor's userIdentityType is as the chat's tenant sees it. A deleted message takes none.
inline message_ref add_reaction(world_state& w, const std::string& chat_id,
                                const std::string& message_id, const std::string& user_id,
                                const std::string& reaction_type, timestamp now, const origin& o) {
  const message_ref ref = find_message(w, chat_id, message_id, o);
  const chat& c = w.chats[ref.chat].data;
  const user& u = resolve_chat_user(w, c, user_id, o, "user");
  nlohmann::json display_name = reaction_display_name(reaction_type, o);
  chat_message m = message_model(w.chats[ref.chat], w.message(ref));
  check_not_deleted(m, "reacted to", o);
  check_change_time(m, now, o);
  if (!m.reactions.is_array())
    fail(o.area, "bad_type", o.at("messageId"),
         "the reactions of message '" + message_id + "' are not an array");
  const nlohmann::json reaction = {
      {"reactionType", reaction_type},
      {"displayName", std::move(display_name)},
      {"reactionContentUrl", nullptr},
      {"createdDateTime", format_time(now)},
      {"user",
       {{"application", nullptr},
        {"device", nullptr},
        {"user",
         {{"id", u.id},
          {"displayName", u.display_name},
          {"userIdentityType",
           iequals(u.tenant_id, c.tenant_id) ? "aadUser" : "federatedUser"}}}}}};
  m.reactions.push_back(reaction);
  m.message_history.push_back({{"modifiedDateTime", format_time(now)},
                               {"actions", "reactionAdded"},
                               {"reaction", reaction}});
  m.last_modified = now;
  record_change(w, ref, std::move(m));
  return ref;
}

inline void finish_bulk_load(world_state& w) {
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
  finish(w.messages_of_user, [&](message_ref a, message_ref b) { return w.message_before(a, b); });
  finish(w.chats_of_user, [&](std::uint32_t a, std::uint32_t b) { return w.chat_before(b, a); });
  for (auto& [key, shared] : w.changes_of_user)  // in seq order already
    if (shared.get().capacity() != shared.get().size()) shared.to_change().shrink_to_fit();
}

}  // namespace detail
}  // namespace fakegraph
