// fakegraph: worlds in code — what the graph's add_* builder calls take, with defaults
// for everything a test does not care about.
#pragma once

#include <nlohmann/json.hpp>  // nlohmann::json

#include <initializer_list>  // std::initializer_list
#include <optional>          // std::optional
#include <string>            // std::string
#include <string_view>       // std::string_view
#include <utility>           // std::move
#include <vector>            // std::vector

#include "clock.hpp"
#include "error.hpp"
#include "fwd.hpp"
#include "model.hpp"

namespace fakegraph {

/// A time written as Graph writes it (`"2026-10-01T09:30:00Z"`), as a timestamp.
/// Throws `fakegraph.world.bad_time` when malformed.
timestamp utc(std::string_view iso8601);

/// A user for `graph::add_user`: `g.add_user("adele@contoso.com")` or
/// `g.add_user({"adele@contoso.com", "Adele Vance"})`.
struct user_spec {
  user_spec(const char* upn) : user_principal_name(upn) {}  // NOLINT: implicit on purpose
  user_spec(std::string upn, std::string display_name_ = {}, std::string tenant_ = {})  // NOLINT
      : user_principal_name(std::move(upn)),
        display_name(std::move(display_name_)),
        tenant(std::move(tenant_)) {}

  std::string user_principal_name;
  std::string display_name;           // default: the UPN's part before '@'
  std::string tenant;                 // default: the only tenant (created if there is none)
  std::vector<std::string> licenses;  // e.g. "teamsComplianceDlp" (model=A)
  std::string id;                     // default: a GUID derived from the UPN
  std::string mail;                   // default: the UPN
};

/// An app registration for `graph::add_application`: `g.add_application({"Exporter"})`.
struct application_spec {
  application_spec(const char* display_name_) : display_name(display_name_) {}        // NOLINT
  application_spec(std::string display_name_ = "Test app", std::string tenant_ = {},  // NOLINT
                   bool billing_ = true)
      : display_name(std::move(display_name_)), tenant(std::move(tenant_)), billing(billing_) {}

  std::string display_name;
  std::string tenant;   // default: the only tenant
  bool billing = true;  // has an Azure billing subscription (model=A/B)
  std::string app_id;   // default: derived from the graph's idSeed
};

/// A chat for `graph::add_chat`. `g.add_chat({"adele@contoso.com", "megan@contoso.com"})`
/// is a oneOnOne chat (two members, no topic), three or more members a group chat;
/// `chat_spec::group({...}, "Launch")`, `chat_spec::meeting({...}, "Review")` say more.
struct chat_spec {
  chat_spec() = default;
  chat_spec(std::initializer_list<std::string> member_users);  // NOLINT: implicit on purpose

  static chat_spec one_on_one(std::string a, std::string b);
  static chat_spec group(const std::vector<std::string>& member_users,
                         std::optional<std::string> topic_ = std::nullopt);
  /// A meeting chat; the organizer defaults to the first member.
  static chat_spec meeting(const std::vector<std::string>& member_users, std::string topic_,
                           std::string organizer = {});
  /// A member with defaults (role owner, sees the whole history).
  static chat_member member(std::string user);

  std::vector<chat_member> members;  // users by id or UPN, with roles, visible history, viewpoint
  std::optional<chat_type> type;     // default: oneOnOne for 2 members without topic, else group
  std::optional<std::string> topic;  // null for oneOnOne
  std::string id;                    // default: Graph-shaped, derived from type, members and idSeed
  std::string tenant;                // default: the first member's tenant
  std::optional<timestamp> created;  // default: the graph's clock
  std::optional<timestamp> last_updated;    // default: created
  std::vector<std::string> installed_apps;  // teamsApp ids
  bool hidden_for_all_members = false;
  std::optional<online_meeting_info> meeting_info;  // meeting chats; joinWebUrl derived when empty
};

/// A message for `graph::add_message`: `g.add_message(chat, {"adele@contoso.com", "hi"})`.
struct message_spec {
  message_spec() = default;
  message_spec(std::string from_, std::string content_,
               std::optional<timestamp> created_ = std::nullopt)  // NOLINT
      : from(std::move(from_)), content(std::move(content_)), created(created_) {}

  std::string from;     // a member, by id or UPN; "" = no sender (system events)
  std::string content;  // body.content
  /// Default: the graph's clock, or 1 ms after the chat's newest message when that is not
  /// earlier, so messages added at one instant keep their order and get distinct ids.
  std::optional<timestamp> created;
  std::string content_type = "text";     // or "html"
  std::string id;                        // default: createdDateTime in epoch ms (Graph's shape)
  std::string message_type = "message";  // message | systemEventMessage | chatEvent | typing
  std::string importance = "normal";     // normal | high | urgent
  std::optional<std::string> subject;
  std::optional<timestamp> last_modified;  // default: the latest of created, edited, deleted
  std::optional<timestamp> last_edited;
  std::optional<timestamp> deleted;
  nlohmann::json attachments = detail::json_array();
  nlohmann::json mentions = detail::json_array();
  nlohmann::json reactions = detail::json_array();
  /// chatMessageHistoryItem[]: `{"actions": "reactionAdded", "modifiedDateTime": "…",
  /// "reaction": {…}}`, oldest first.
  nlohmann::json message_history = detail::json_array();
  nlohmann::json event_detail;  // systemEventMessage's eventDetail; null otherwise
};

/// A delegated token's identity: `g.add_token("adele", fakegraph::delegated("adele@contoso.com",
/// {"Chat.Read"}))`. Set `expires` on the result for a token that runs out on the graph's clock.
token delegated(std::string user, std::vector<std::string> scopes);

/// An application (app-only) token's identity, by appId.
token app_only(std::string app_id, std::vector<std::string> roles);

/// A personal Microsoft account's token (Graph refuses these on the Teams chat APIs).
token personal_account(std::vector<std::string> scopes = {"Chat.Read"});

/// When `graph::with_users` fixes its clock: 2026-11-01T12:00:00Z (the default world's "now").
inline constexpr timestamp default_now = 1793534400000;

namespace detail {

/// Adds a member to an existing chat (callers hold the exclusive lock): the member sees the
/// chat's messages from its visibleHistoryStartDateTime on, and the chat's
/// lastUpdatedDateTime moves to `now` (the roster changed).
void add_member(world_state& w, const std::string& chat_id, chat_member m, timestamp now,
                const origin& o);

}  // namespace detail
}  // namespace fakegraph

#ifndef FAKEGRAPH_COMPILED_LIB
#include "builder-inl.hpp"
#endif
