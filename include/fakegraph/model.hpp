// fakegraph: the entities of a Teams world and the JSON Graph v1.0 writes for them.
#pragma once

#include <nlohmann/json.hpp>  // nlohmann::json

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "clock.hpp"
#include "detail/strings.hpp"
#include "detail/wire.hpp"

namespace fakegraph {

/// An Entra tenant.
struct tenant {
  std::string id;
  std::string display_name;
};

/// A work or school user. `licenses` holds service-plan names such as
/// "teamsComplianceDlp" (getAllMessages with model=A needs it on the named user).
struct user {
  std::string id;
  std::string tenant_id;
  std::string user_principal_name;
  std::string display_name;
  std::string mail;
  std::vector<std::string> licenses;
};

/// An app registration; `billing` says it has an Azure billing subscription (model A/B).
struct application {
  std::string app_id;
  std::string tenant_id;
  std::string display_name;
  bool billing = false;
};

/// One user's membership of a chat, with that user's view of it.
struct chat_member {
  std::string user_id;
  std::vector<std::string> roles{"owner"};
  timestamp visible_history_start = null_date;  // the member sees messages from here on
  bool is_hidden = false;                       // viewpoint.isHidden
  timestamp last_message_read = null_date;      // viewpoint.lastMessageReadDateTime
};

/// Who sent a message: a user, an application (bot, connector…) or nobody (system events).
struct message_sender {
  enum class kind { none, user, application };
  kind type = kind::none;
  std::string id;
  std::string display_name;
  // applicationIdentityType, or a user's userIdentityType when given; a user's left empty is
  // relative to the reader (identity_type_seen_from).
  std::string identity_type;
  std::string tenant_id;  // users only
};

/// A user sender's userIdentityType as read in the data of `reader_tenant` (the named user's
/// tenant in getAllMessages, the listed user's in List chats): a user of another tenant is
/// federatedUser, whichever tenant hosts the chat, unless the seed or builder gave a type.
inline std::string_view identity_type_seen_from(const message_sender& s,
                                                std::string_view reader_tenant) {
  if (!s.identity_type.empty() || s.type != message_sender::kind::user) return s.identity_type;
  return detail::iequals(s.tenant_id, reader_tenant) ? "aadUser" : "federatedUser";
}

namespace detail {
/// An itemBody: `{"contentType": content_type, "content": content}`.
nlohmann::json item_body(std::string_view content_type, std::string content);
}  // namespace detail

/// A chat message (chatMessage). Bodies, attachments, mentions, reactions and event
/// details are kept in their wire shape: the fake stores them, it does not interpret them.
struct chat_message {
  std::string id;  // default: createdDateTime in epoch milliseconds
  message_sender from;
  timestamp created = 0;
  timestamp last_modified = 0;
  std::optional<timestamp> last_edited;
  std::optional<timestamp> deleted;
  std::string message_type = "message";  // message | systemEventMessage | chatEvent | typing
  std::string importance = "normal";
  std::optional<std::string> subject;
  nlohmann::json body = detail::item_body("text", "");
  nlohmann::json attachments = detail::json_array();
  nlohmann::json mentions = detail::json_array();
  nlohmann::json reactions = detail::json_array();
  // chatMessageHistoryItem[]: {actions, modifiedDateTime, reaction}, oldest first.
  nlohmann::json message_history = detail::json_array();
  nlohmann::json event_detail;  // null unless a systemEventMessage
};

/// teamworkOnlineMeetingInfo of a meeting chat.
struct online_meeting_info {
  std::string join_web_url;
  std::optional<std::string> calendar_event_id;
  std::string organizer_id;
};

enum class chat_type { one_on_one, group, meeting };

std::string_view to_string(chat_type t) noexcept;

std::optional<chat_type> parse_chat_type(std::string_view s) noexcept;

/// A chat and its roster; messages live in the store beside it.
struct chat {
  std::string id;
  std::string tenant_id;
  chat_type type = chat_type::group;
  std::optional<std::string> topic;
  timestamp created = 0;
  timestamp last_updated = 0;
  std::optional<online_meeting_info> meeting;
  std::vector<std::string> installed_apps;  // teamsApp ids
  bool is_hidden_for_all_members = false;
  std::vector<chat_member> members;
};

/// A bearer token the fake accepts, and who presents it.
struct token {
  enum class kind { user, application, personal_account };
  std::string value;
  kind type = kind::user;
  std::string subject;               // user id, or appId
  std::string tenant_id;             // the token's tid
  std::vector<std::string> scopes;   // delegated (scp)
  std::vector<std::string> roles;    // application (roles)
  std::optional<timestamp> expires;  // none: never expires
  std::optional<timestamp> not_before;
};

/// Graph behaviours a seed (`settings`) or a test can switch.
struct settings {
  std::string base_url = "https://graph.microsoft.com";
  std::string metering = "legacy";      // "legacy" (model A/B + evaluation quota) or "none"
  std::int64_t evaluation_quota = 500;  // messages per app per tenant per month (legacy)
  std::optional<timestamp> now;         // fixed clock; none = wall clock
  bool strict_query_options = true;     // false: ignore unsupported OData options
  std::uint64_t id_seed = 0;            // seeds request ids and derived ids
  nlohmann::json faults;      // settings.faults, as written (read by faults.hpp); null if absent
  nlohmann::json throttling;  // settings.throttling, as written; null if absent
};

namespace detail {

/// A time as Graph writes it, for json_writer::quoted (no copy, no escaping pass).
inline auto time_text(timestamp t) {
  return [t](auto& out) { append_time(out, t); };
}

/// A time as Graph writes it, or null.
void write_time_or_null(json_writer& w, const std::optional<timestamp>& t);

/// `"https://teams.microsoft.com/l/chat/19%3A…%40thread.v2/0?tenantId=…"` (§5 of the notes), as
/// the JSON string webUrl holds, written without building the URL first.
template <class Text>
void append_chat_web_url(Text& out, const chat& c) {
  out += std::string_view("\"https://teams.microsoft.com/l/chat/");
  append_percent_encoded(out, c.id);
  out += std::string_view("/0?tenantId=");
  append_json_chars(out, c.tenant_id);
  out += '"';
}

/// chatMessageFromIdentitySet: all three keys present, the unused ones null.
/// `user_identity_type` is what a user sender's userIdentityType says to this reader.
/// `typed_user` gives the user its `@odata.type` (delta items).
void write_sender(json_writer& w, const message_sender& s, std::string_view user_identity_type,
                  bool typed_user = false);

/// An opaque, base64-looking membership id, stable for a (chat, user) pair, for
/// json_writer::quoted. Pages write one per member: the joined text reuses one buffer per
/// thread instead of allocating each time.
inline auto membership_id_text(const chat& c, const std::string& user_id) {
  return [&c, &user_id](auto& out) {
    thread_local std::string joined;
    joined.assign("1#").append(c.id).append(1, '#').append(user_id);
    append_base64(out, joined, false);
  };
}

/// The same, as a string.
std::string membership_id(const chat& c, const std::string& user_id);

/// A user's part of an aadUserConversationMember item: the same in every chat, so the store
/// writes it once per user. `text` holds `"displayName":…` (before the member's own
/// visibleHistoryStartDateTime) and then, from `split` on, `"userId":…,"email":…,"tenantId":…`.
struct member_user_text {
  std::string text;
  std::size_t split = 0;

  explicit member_user_text(const user& u);
  std::string_view name() const { return std::string_view(text).substr(0, split); }
  std::string_view rest() const { return std::string_view(text).substr(split); }
};

/// aadUserConversationMember as `$expand=members` and List members write it.
void write_member(json_writer& w, const chat& c, const chat_member& m, const member_user_text& u);
inline void write_member(json_writer& w, const chat& c, const chat_member& m, const user& u) {
  write_member(w, c, m, member_user_text(u));
}

/// The chat resource's properties, into an object the caller opened and ends (so that a
/// context can come before them and expansions after); `viewpoint` only for delegated callers.
void write_chat_properties(json_writer& w, const chat& c, const chat_member* viewer,
                           const user* organizer);

/// The chat resource as List chats writes it, left open so that expansions can follow.
void begin_chat(json_writer& w, const chat& c, const chat_member* viewer, const user* organizer);

}  // namespace detail
}  // namespace fakegraph

#ifndef FAKEGRAPH_COMPILED_LIB
#include "model-inl.hpp"
#endif
