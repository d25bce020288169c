// fakegraph: the entities of a Teams world and the JSON Graph v1.0 writes for them.
#pragma once

#include <nlohmann/json.hpp>  // nlohmann::json, nlohmann::ordered_json

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
  nlohmann::json body = {{"contentType", "text"}, {"content", ""}};
  nlohmann::json attachments = nlohmann::json::array();
  nlohmann::json mentions = nlohmann::json::array();
  nlohmann::json reactions = nlohmann::json::array();
  // chatMessageHistoryItem[]: {actions, modifiedDateTime, reaction}, oldest first.
  nlohmann::json message_history = nlohmann::json::array();
  nlohmann::json event_detail = nullptr;
};

/// teamworkOnlineMeetingInfo of a meeting chat.
struct online_meeting_info {
  std::string join_web_url;
  std::optional<std::string> calendar_event_id;
  std::string organizer_id;
};

enum class chat_type { one_on_one, group, meeting };

inline std::string_view to_string(chat_type t) noexcept {
  switch (t) {
    case chat_type::one_on_one:
      return "oneOnOne";
    case chat_type::group:
      return "group";
    case chat_type::meeting:
      return "meeting";
  }
  return "unknownFutureValue";
}

inline std::optional<chat_type> parse_chat_type(std::string_view s) noexcept {
  if (s == "oneOnOne") return chat_type::one_on_one;
  if (s == "group") return chat_type::group;
  if (s == "meeting") return chat_type::meeting;
  return std::nullopt;
}

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
  nlohmann::json faults = nullptr;      // settings.faults, as written (read by faults.hpp)
  nlohmann::json throttling = nullptr;  // settings.throttling, as written
};

namespace detail {

inline nlohmann::ordered_json time_or_null(const std::optional<timestamp>& t) {
  return t ? nlohmann::ordered_json(format_time(*t)) : nlohmann::ordered_json(nullptr);
}

/// `https://teams.microsoft.com/l/chat/19%3A…%40thread.v2/0?tenantId=…` (§5 of the notes).
inline std::string chat_web_url(const chat& c) {
  return "https://teams.microsoft.com/l/chat/" + percent_encode(c.id) +
         "/0?tenantId=" + c.tenant_id;
}

/// chatMessageFromIdentitySet: all three keys present, the unused ones null.
/// `user_identity_type` is what a user sender's userIdentityType says to this reader.
inline nlohmann::ordered_json sender_json(const message_sender& s,
                                          std::string_view user_identity_type) {
  if (s.type == message_sender::kind::none) return nullptr;
  nlohmann::ordered_json out;
  out["application"] = nullptr;
  out["device"] = nullptr;
  out["user"] = nullptr;
  // The documented examples carry no nested @odata.type on the identities.
  nlohmann::ordered_json who;
  who["id"] = s.id;
  who["displayName"] = s.display_name.empty() ? nlohmann::ordered_json(nullptr)
                                              : nlohmann::ordered_json(s.display_name);
  if (s.type == message_sender::kind::user) {
    who["userIdentityType"] = user_identity_type;
    who["tenantId"] = s.tenant_id;
    out["user"] = std::move(who);
  } else {
    who["applicationIdentityType"] = s.identity_type;
    out["application"] = std::move(who);
  }
  return out;
}

/// The chatMessage as getAllMessages writes it. `system_type_visible` is the
/// `Prefer: include-unknown-enum-members` switch; `user_identity_type` as in sender_json.
inline nlohmann::ordered_json message_json(const chat_message& m, const std::string& chat_id,
                                           bool system_type_visible,
                                           std::string_view user_identity_type) {
  nlohmann::ordered_json j;
  j["@odata.type"] = "#microsoft.graph.chatMessage";
  j["id"] = m.id;
  j["replyToId"] = nullptr;
  j["etag"] = std::to_string(m.last_modified);
  j["messageType"] = (m.message_type == "systemEventMessage" && !system_type_visible)
                         ? std::string("unknownFutureValue")
                         : m.message_type;
  j["createdDateTime"] = format_time(m.created);
  j["lastModifiedDateTime"] = format_time(m.last_modified);
  j["lastEditedDateTime"] = time_or_null(m.last_edited);
  j["deletedDateTime"] = time_or_null(m.deleted);
  j["subject"] = m.subject ? nlohmann::ordered_json(*m.subject) : nlohmann::ordered_json(nullptr);
  j["summary"] = nullptr;
  j["chatId"] = chat_id;
  j["importance"] = m.importance;
  j["locale"] = "en-us";
  j["webUrl"] = nullptr;
  j["channelIdentity"] = nullptr;
  j["policyViolation"] = nullptr;
  j["eventDetail"] = m.event_detail;
  j["from"] = sender_json(m.from, user_identity_type);
  j["body"] = m.body;
  j["attachments"] = m.attachments;
  j["mentions"] = m.mentions;
  j["reactions"] = m.reactions;
  j["messageHistory"] = m.message_history;
  return j;
}

/// chatMessageInfo, the lastMessagePreview of List chats, as a reader of `reader_tenant` sees
/// it. Previews always say systemEventMessage (the Prefer rule applies to chatMessage only).
inline nlohmann::ordered_json preview_json(const chat_message& m, std::string_view reader_tenant) {
  nlohmann::ordered_json j;
  j["id"] = m.id;
  j["createdDateTime"] = format_time(m.created);
  j["isDeleted"] = m.deleted.has_value();
  j["messageType"] = m.message_type;
  j["eventDetail"] = m.event_detail;
  j["body"] = m.body;
  j["from"] = sender_json(m.from, identity_type_seen_from(m.from, reader_tenant));
  return j;
}

/// An opaque, base64-looking membership id, stable for a (chat, user) pair.
inline std::string membership_id(const chat& c, const std::string& user_id) {
  return base64_encode("1#" + c.id + "#" + user_id, false);
}

/// aadUserConversationMember as `$expand=members` writes it.
inline nlohmann::ordered_json member_json(const chat& c, const chat_member& m, const user& u) {
  nlohmann::ordered_json j;
  j["@odata.type"] = "#microsoft.graph.aadUserConversationMember";
  j["id"] = membership_id(c, m.user_id);
  j["roles"] = m.roles;
  j["displayName"] = u.display_name;
  j["visibleHistoryStartDateTime"] = format_time(m.visible_history_start);
  j["userId"] = u.id;
  j["email"] = u.mail;
  j["tenantId"] = u.tenant_id;
  return j;
}

/// The chat resource as List chats writes it; `viewpoint` only for delegated callers.
inline nlohmann::ordered_json chat_json(const chat& c, const chat_member* viewer,
                                        const user* organizer) {
  nlohmann::ordered_json j;
  j["id"] = c.id;
  j["topic"] = c.topic ? nlohmann::ordered_json(*c.topic) : nlohmann::ordered_json(nullptr);
  j["createdDateTime"] = format_time(c.created);
  j["lastUpdatedDateTime"] = format_time(c.last_updated);
  j["chatType"] = to_string(c.type);
  j["webUrl"] = chat_web_url(c);
  j["tenantId"] = c.tenant_id;
  j["isHiddenForAllMembers"] = c.is_hidden_for_all_members;
  if (c.meeting) {
    nlohmann::ordered_json info;
    info["calendarEventId"] = c.meeting->calendar_event_id
                                  ? nlohmann::ordered_json(*c.meeting->calendar_event_id)
                                  : nlohmann::ordered_json(nullptr);
    info["joinWebUrl"] = c.meeting->join_web_url;
    nlohmann::ordered_json org;
    org["id"] = c.meeting->organizer_id;
    org["displayName"] = organizer ? nlohmann::ordered_json(organizer->display_name)
                                   : nlohmann::ordered_json(nullptr);
    org["userIdentityType"] = "aadUser";
    org["tenantId"] =
        organizer ? nlohmann::ordered_json(organizer->tenant_id) : nlohmann::ordered_json(nullptr);
    info["organizer"] = std::move(org);
    j["onlineMeetingInfo"] = std::move(info);
  } else {
    j["onlineMeetingInfo"] = nullptr;
  }
  j["migrationMode"] = nullptr;
  j["originalCreatedDateTime"] = nullptr;
  if (viewer) {
    nlohmann::ordered_json vp;
    vp["isHidden"] = viewer->is_hidden;
    vp["lastMessageReadDateTime"] = format_time(viewer->last_message_read);
    j["viewpoint"] = std::move(vp);
  }
  return j;
}

}  // namespace detail
}  // namespace fakegraph
