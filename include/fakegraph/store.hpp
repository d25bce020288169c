// fakegraph: the world in memory, its indexes, its lock and its mutation API.
#pragma once

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
[[noreturn]] void fail(std::string_view area, std::string_view kind, const std::string& path,
                       const std::string& message);

/// Where a mutation comes from, so an error can name it: a seed's JSON path, or a call.
struct origin {
  std::string area = "world";  // "seed" while loading a seed
  std::string path;            // e.g. "chats[2]"
  std::string at(std::string_view sub) const;
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
  // List messages' orders: positions in `messages` by createdDateTime and by
  // lastModifiedDateTime, each ascending, then id descending, so that a page (newest first,
  // then id) is read from the back and new or changed messages are appended. While a seed
  // loads they are appended to and sort_page_indexes() sorts them once.
  std::vector<std::uint32_t> by_created;
  std::vector<std::uint32_t> by_modified;
  // (seq, position) of every change that moved a message in by_modified, seqs growing: a walk
  // that began before such a change still orders the message by its earlier time.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> moved;
  // The messages' bodies one after another: one allocation for a chat's bodies, not one a
  // message. A change appends its new body (a log is copied before it changes).
  std::string bodies;

  /// The stored body of `m`, one of `messages` (see stored_body).
  std::string_view body_of(const stored_message& m) const {
    return std::string_view(bodies.data() + m.body_at, m.body_size);
  }

  /// Where the message with id `id` is in `messages`, or none.
  std::optional<std::uint32_t> position_of(std::string_view id) const;

  /// Makes the last message of `messages`, whose id no other message has, findable by its id.
  void index_last();

  /// Room for `n` messages in all, so that a chat's messages are not moved as it grows.
  void reserve(std::size_t n);

  /// Puts the last message of `messages` into by_created and by_modified, in order, or at their
  /// ends while a seed loads (`bulk`).
  void index_last_by_time(bool bulk);

  /// Moves messages[at], whose lastModifiedDateTime was `was` until change `seq`, to its place
  /// in by_modified, and records the move in `moved`.
  void reindex_modified(std::uint32_t at, timestamp was, std::uint64_t seq);

  /// Whether by_created and by_modified are in order, and puts them in order (after a load).
  bool page_indexes_sorted() const;
  void sort_page_indexes();

 private:
  // The id index: an open-addressing table of positions in `messages`, at most half full, so
  // that a duplicate id is found in O(1) (a chat of many thousand messages loads in linear
  // time) for 8 to 16 bytes a message, not a node each.
  static constexpr std::uint32_t no_message = std::numeric_limits<std::uint32_t>::max();
  std::size_t slot_of(std::string_view id) const {
    return std::hash<std::string_view>{}(id) & (slots_.size() - 1);
  }
  std::size_t next_slot(std::size_t i) const { return (i + 1) & (slots_.size() - 1); }
  void place(std::uint32_t at);
  void rehash(std::size_t slots);  // slots: a power of two

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
  /// The log, to read it.
  const message_log& log() const { return log_.get(); }
  /// Where the message with id `id` is in messages(), or none.
  std::optional<std::uint32_t> position_of(std::string_view id) const {
    return log_.get().position_of(id);
  }
  /// The stored body of `m`, one of messages() (see stored_body; append_body writes it).
  std::string_view body_of(const stored_message& m) const { return log_.get().body_of(m); }
  /// The log, to change it (copied first when another world shares it).
  message_log& log_to_change();

 private:
  copy_on_write<message_log> log_;
};

/// Appends the itemBody JSON text of `m`, a message of `c`.
void append_body(text_buffer& out, const stored_chat& c, const stored_message& m);

/// How a chatMessage item is written (graph-semantics §7.4 for delta):
/// - export_item: getAllMessages' items, with `@odata.type`;
/// - chat_item: the chat's own List messages and Get message, without it;
/// - delta_item: getAllMessages/delta's, without it, `subject` "" when it has none, a typed
///   `from.user`, no messageHistory.
enum class message_shape { export_item, chat_item, delta_item };

/// `"<time>"` or null.
void append_time_or_null(text_buffer& out, const std::optional<timestamp>& t);

/// The members of a chatMessage (without its braces), as a reader of `reader_tenant` sees it.
/// `system_type_visible` is the `Prefer: include-unknown-enum-members` switch. Pages write
/// thousands: the keys are fixed, so the text between the values is appended in runs, and
/// every value is stored as the text it is written as, but for the times and the ids.
void write_message_members(json_writer& w, const stored_chat& c, const stored_message& m,
                           bool system_type_visible, std::string_view reader_tenant,
                           message_shape shape);

/// A chatMessage item (see write_message_members).
void write_message(json_writer& w, const stored_chat& c, const stored_message& m,
                   bool system_type_visible, std::string_view reader_tenant, message_shape shape);

/// A message as getAllMessages writes it, as one text (a control-plane change's answer).
std::string message_text(const stored_chat& c, const stored_message& m, bool system_type_visible,
                         std::string_view reader_tenant);

/// chatMessageInfo, the lastMessagePreview of List chats, as a reader of `reader_tenant` sees
/// it. Previews always say systemEventMessage (the Prefer rule applies to chatMessage only).
void write_preview(json_writer& w, const stored_chat& c, const stored_message& m,
                   std::string_view reader_tenant);

/// The public model of a message of `c`, for a change to start from.
chat_message message_model(const stored_chat& c, const stored_message& sm);

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

  const user* find_user(std::string_view id_or_upn) const;
  const tenant* find_tenant(std::string_view id) const;
  const application* find_application(std::string_view app_id) const;
  const stored_chat* find_chat(std::string_view id) const;
  /// Where a (known) user is in `users`.
  std::uint32_t user_position(std::string_view id_or_upn) const {
    return static_cast<std::uint32_t>(find_user(id_or_upn) - users.data());
  }
  const chat_member* member_of(const chat& c, std::string_view user_id) const;
  const stored_message& message(message_ref r) const { return chats[r.chat].messages()[r.message]; }
  const std::vector<std::uint32_t>& user_chats(const std::string& user_id) const;
  const std::vector<message_ref>& user_messages(const std::string& user_id) const;
  const std::vector<change_entry>& user_changes(const std::string& user_id) const;

  /// The newest message of a chat among those stored no later than `as_of` (a seq), as
  /// `viewer` sees it: none when it is older than the viewer's visibleHistoryStartDateTime
  /// (then every message is, and the member sees none). Lets a paged walk order by preview
  /// time as of its first page.
  const stored_message* latest_message(const stored_chat& c, std::uint64_t as_of,
                                       std::string_view viewer) const;

  /// List chats' order: newest createdDateTime first, then chat id.
  bool chat_before(std::uint32_t a, std::uint32_t b) const;

  /// The getAllMessages order: createdDateTime, then chat id, then message id.
  bool message_before(message_ref a, message_ref b) const;
};

inline bool newer(const stored_message& a, const stored_message& b) {
  return a.created != b.created ? a.created > b.created : a.id > b.id;
}

/// When a message added to `c` without a time is created: `now`, or just after the chat's
/// newest message when that is later, so that the new message is the newest.
timestamp next_message_time(const stored_chat& c, timestamp now);

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
  detail::world_state copy() const;
  void replace(detail::world_state s);

  /// Adds `n` to a usage counter if the result stays within `limit`; returns whether it
  /// did. Readers call it under their shared lock, so it has its own.
  bool try_use(const std::string& key, std::int64_t n, std::int64_t limit) const;
  std::int64_t usage(const std::string& key) const;

 private:
  mutable std::shared_mutex mutex_;
  mutable std::mutex usage_mutex_;
  detail::world_state state_;
};

namespace detail {

// ---- mutations (callers hold the exclusive lock) ------------------------------------

std::string derive_id(world_state& w, std::string_view kind);

void add_tenant(world_state& w, tenant t, const origin& o);

const tenant& require_tenant(const world_state& w, std::string& tenant_id, const origin& o,
                             const std::string& field);

void add_user(world_state& w, user u, const origin& o);

void add_application(world_state& w, application a, const origin& o);

void add_token(world_state& w, token t, const origin& o);

std::string derive_chat_id(world_state& w, const chat& c);

// Puts a message into the getAllMessages index of one user, in order. While a seed loads
// (`bulk_loading`), it appends and finish_bulk_load() sorts once: O(n log n), not O(n^2).
void index_message(world_state& w, const std::string& user_key, message_ref ref);

/// Adds a chat to a user's chats in page order; appends while bulk loading, like index_message.
void index_chat(world_state& w, const std::string& user_id, std::uint32_t chat_index);

/// Shows a new member the chat's history they may see: in their getAllMessages index, and as
/// one change (their joining) in their change log.
void index_member_history(world_state& w, std::uint32_t chat_index, const chat_member& m);

/// The sender of a message as its world shares it: one per distinct sender, its identity set
/// written once in each spelling.
std::shared_ptr<const stored_sender> shared_sender(world_state& w, message_sender s);

/// A messageType or importance name as its number; none when it is no name of `names`.
template <class Enum, std::size_t N>
std::optional<Enum> enum_named(const std::string_view (&names)[N], std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) return static_cast<Enum>(i);
  return std::nullopt;
}

/// A JSON value as the text an answer carries (written as every answer is: valid UTF-8), kept
/// at its size for a stored message's life.
std::string json_text(const nlohmann::json& value);

/// Stores the content of `m`, a valid message, in `sm` (all but the store's own seq, changed
/// and earlier_modified).
void set_content(world_state& w, message_log& log, stored_message& sm, chat_message m);

/// Stores `changed` as the new state of a message (callers hold the exclusive lock and have
/// validated it): a new seq, the lastModifiedDateTime it replaces, and an entry in the change
/// log of every member who sees it.
void record_change(world_state& w, message_ref ref, chat_message changed);

void resolve_member(const world_state& w, chat_member& m, const origin& o, const std::string& path);

/// Adds a chat with its members (messages come through add_message). Returns its index.
std::uint32_t add_chat(world_state& w, chat c, const origin& o);

/// A chat's members as aadUserConversationMember items, the first `limit` of them.
void write_members(json_writer& w, const world_state& world, const stored_chat& c,
                   std::size_t limit = std::numeric_limits<std::size_t>::max());

/// A user, by id or UPN, who is a member of chat `c`; refused as unknown_user or not_a_member
/// at `field`.
const user& resolve_chat_user(const world_state& w, const chat& c, const std::string& id_or_upn,
                              const origin& o, std::string_view field);

void resolve_sender(const world_state& w, const chat& c, message_sender& s, const origin& o);

/// chatMessageHistoryItem[]: each `{"actions", "modifiedDateTime", "reaction"}`; actions is one
/// chatMessageActions value or several joined by commas (the enum is a flags enum).
void validate_message_history(const nlohmann::json& history, const origin& o);

/// itemBody's contentType: text or html.
void check_content_type(std::string_view type, std::string_view area, const std::string& path);

/// The index of a chat, by id; refused as unknown_chat.
std::uint32_t chat_index_of(const world_state& w, const std::string& chat_id, const origin& o);

void validate_message(const chat_message& m, const origin& o);

/// Adds a message to a chat. Defaults: id = createdDateTime in epoch ms,
/// lastModifiedDateTime = the latest of created, edited and deleted.
message_ref add_message(world_state& w, const std::string& chat_id, chat_message m,
                        const origin& o);

// ---- changes to a stored message (issue 12): edit, delete, react, unreact -------------
// Each validates everything before it changes anything, changes the message at `now` (the
// graph's clock) and calls record_change. Callers hold the exclusive lock.

/// A message of a chat, by ids; refused as unknown_chat or unknown_message.
message_ref find_message(const world_state& w, const std::string& chat_id,
                         const std::string& message_id, const origin& o);

/// A change at `now` may not come before the message's latest one: lastModifiedDateTime only
/// moves forward.
void check_change_time(const chat_message& m, timestamp now, const origin& o);

/// Refuses a change to a deleted message; `change` says what, e.g. "edited".
void check_not_deleted(const chat_message& m, std::string_view change, const origin& o);

/// Edits a message: a new body (contentType text or html); lastEditedDateTime and
/// lastModifiedDateTime move to `now`, and with them the etag. A deleted message and a system
/// event cannot be edited.
message_ref edit_message(world_state& w, const std::string& chat_id, const std::string& message_id,
                         std::string content, std::string content_type, timestamp now,
                         const origin& o);

/// Deletes a message: deletedDateTime and lastModifiedDateTime move to `now`; the body's
/// content, the attachments and the mentions are emptied (contentType stays). getAllMessages
/// returns it for 21 days after `now`. A message is deleted once.
message_ref delete_message(world_state& w, const std::string& chat_id,
                           const std::string& message_id, timestamp now, const origin& o);

/// The reactions Graph names (chatMessageReaction.reactionType before unicode reactions), with
/// the displayName Graph gives each.
inline constexpr std::pair<std::string_view, std::string_view> named_reactions[] = {
    {"like", "Like"},   {"angry", "Angry"}, {"sad", "Sad"},
    {"laugh", "Laugh"}, {"heart", "Heart"}, {"surprised", "Surprised"}};

/// A reactionType: one of the named reactions, or a single emoji (any short text without ASCII
/// characters). Returns its displayName, null for an emoji.
nlohmann::json reaction_display_name(const std::string& type, const origin& o);

/// What a reaction change starts from, checked: the message, its model and the member (by id or
/// UPN). `change` says what a deleted message cannot be.
struct reaction_target {
  message_ref ref;
  chat_message m;
  const user* member = nullptr;
};
reaction_target target_of_reaction(world_state& w, const std::string& chat_id,
                                   const std::string& message_id, const std::string& user_id,
                                   timestamp now, const origin& o, std::string_view change);

/// Ends a reaction change: a chatMessageHistoryItem of `action` (reactionAdded or
/// reactionRemoved) naming `reaction`, lastModifiedDateTime at `now`, and the change recorded.
void record_reaction_change(world_state& w, reaction_target& t, std::string action,
                            nlohmann::json reaction, timestamp now);

/// Adds `user`'s reaction (a member, by id or UPN) to a message: a chatMessageReaction in
/// `reactions` and a `reactionAdded` item in `messageHistory`, both at `now`;
/// lastModifiedDateTime (and the etag) move to `now`, lastEditedDateTime does not. The
/// reactor's userIdentityType is as the chat's tenant sees it. A deleted message takes none.
message_ref add_reaction(world_state& w, const std::string& chat_id, const std::string& message_id,
                         const std::string& user_id, const std::string& reaction_type,
                         timestamp now, const origin& o);

/// Whether a chatMessageReaction is the reaction `type` of the user `user_id` (false for a
/// value of another shape).
bool is_reaction_of(const nlohmann::json& reaction, std::string_view type,
                    std::string_view user_id);

/// Removes `user`'s reaction `reaction_type` (a member, by id or UPN; the newest, should a seed
/// give it twice) from a message: it leaves `reactions`, and a `reactionRemoved` item naming it
/// is appended to `messageHistory` at `now`; lastModifiedDateTime (and the etag) move to `now`,
/// lastEditedDateTime does not. Refused as `no_reaction` when the member has no such reaction
/// on the message; a deleted message is not changed.
message_ref remove_reaction(world_state& w, const std::string& chat_id,
                            const std::string& message_id, const std::string& user_id,
                            const std::string& reaction_type, timestamp now, const origin& o);

void finish_bulk_load(world_state& w);

}  // namespace detail
}  // namespace fakegraph

#ifndef FAKEGRAPH_COMPILED_LIB
#include "store-inl.hpp"
#endif
