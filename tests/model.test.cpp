// The Graph v1.0 wire shapes of the model (graph-semantics §4, §5): chat, viewpoint,
// chatMessage, chatMessageInfo, aadUserConversationMember and the identity sets.
// Expectations are written from the spec text and compared as JSON values.

#include <fakegraph/model.hpp>
#include <fakegraph/store.hpp>  // messages are written as the store keeps them

#include <nlohmann/json.hpp>  // nlohmann::json

#include <string>       // std::string
#include <string_view>  // std::string_view

#include "support/catch.hpp"

using nlohmann::json;
namespace fd = fakegraph::detail;

namespace {

// Whatever key order the model writes, compare values.
json value_of(const json& j) { return j; }

// The model writes JSON text through a json_writer; these read back what each writer wrote.
template <class Write>
json written(Write&& write) {
  fd::json_writer w;
  write(w);
  return json::parse(w.take());
}
json chat_json(const fakegraph::chat& c, const fakegraph::chat_member* viewer,
               const fakegraph::user* organizer) {
  return written([&](fd::json_writer& w) {
    fd::begin_chat(w, c, viewer, organizer);
    w.end_object();
  });
}
// A message as the store keeps it (a user sender's userIdentityType is relative to the
// reader's tenant).
fd::stored_chat stored(const fakegraph::chat_message& m, const std::string& chat_id) {
  fd::world_state world;
  fd::stored_chat c;
  c.data.id = chat_id;
  c.id_text = fd::json_string(chat_id);
  fd::message_log& log = c.log_to_change();
  log.messages.emplace_back();
  fd::set_content(world, log, log.messages.back(), m);
  return c;
}
json message_json(const fakegraph::chat_message& m, const std::string& chat_id,
                  bool system_type_visible, std::string_view reader_tenant) {
  const fd::stored_chat c = stored(m, chat_id);
  return written([&](fd::json_writer& w) {
    fd::write_message(w, c, c.messages()[0], system_type_visible, reader_tenant,
                      fd::message_shape::export_item);
  });
}
json sender_json(const fakegraph::message_sender& s, std::string_view identity_type) {
  return written([&](fd::json_writer& w) { fd::write_sender(w, s, identity_type); });
}
json preview_json(const fakegraph::chat_message& m, std::string_view reader_tenant) {
  const fd::stored_chat c = stored(m, "c");
  return written(
      [&](fd::json_writer& w) { fd::write_preview(w, c, c.messages()[0], reader_tenant); });
}
json member_json(const fakegraph::chat& c, const fakegraph::chat_member& m,
                 const fakegraph::user& u) {
  return written([&](fd::json_writer& w) { fd::write_member(w, c, m, u); });
}

constexpr const char* contoso = "b33cbe9f-8ebe-4f2a-912b-7e2a427f477f";
constexpr const char* fabrikam = "f67a73f9-1da3-4124-974d-72e2bc80841b";
constexpr const char* adele_id = "8b081ef6-4792-4def-b2c9-c363a1bf41d5";
constexpr const char* pradeep_id = "2ed4808d-1f53-4b8c-8f0f-90f35709e405";

fakegraph::timestamp at(const char* iso) { return *fakegraph::parse_time(iso); }

fakegraph::user adele() {
  return {adele_id, contoso, "adele@contoso.com", "Adele Vance", "adele@contoso.com", {}};
}

fakegraph::chat group_chat() {
  fakegraph::chat c;
  c.id = "19:fba5913dd74162ad849c812d81852b2a@thread.v2";
  c.tenant_id = contoso;
  c.type = fakegraph::chat_type::group;
  c.topic = "Launch";
  c.created = at("2026-08-20T13:00:00.523Z");
  c.last_updated = at("2026-09-10T14:05:27.663Z");
  fakegraph::chat_member m;
  m.user_id = adele_id;
  c.members.push_back(m);
  return c;
}

fakegraph::chat_message user_message() {
  fakegraph::chat_message m;
  m.id = "1621973534864";
  m.created = at("2021-05-25T20:12:14.864Z");
  m.last_modified = m.created;
  m.from.type = fakegraph::message_sender::kind::user;
  m.from.id = adele_id;
  m.from.display_name = "Adele Vance";
  m.from.identity_type = "aadUser";
  m.from.tenant_id = contoso;
  m.body = {{"contentType", "text"}, {"content", "hi"}};
  return m;
}

fakegraph::chat_message system_message() {
  fakegraph::chat_message m;
  m.id = "1787230805442";
  m.created = at("2026-08-20T13:00:05.442Z");
  m.last_modified = m.created;
  m.message_type = "systemEventMessage";
  m.body = {{"contentType", "html"}, {"content", "<systemEventMessage/>"}};
  m.event_detail = {{"@odata.type", "#microsoft.graph.membersAddedEventMessageDetail"},
                    {"visibleHistoryStartDateTime", "0001-01-01T00:00:00Z"},
                    {"members", json::array()},
                    {"initiator", nullptr}};
  return m;
}

}  // namespace

// ---- chat ---------------------------------------------------------------------------------

TEST_CASE("chat_json writes the v1.0 chat resource", "[model]") {
  const fakegraph::chat c = group_chat();
  const json expected = {
      {"id", "19:fba5913dd74162ad849c812d81852b2a@thread.v2"},
      {"topic", "Launch"},
      {"createdDateTime", "2026-08-20T13:00:00.523Z"},
      {"lastUpdatedDateTime", "2026-09-10T14:05:27.663Z"},
      {"chatType", "group"},
      {"webUrl",
       std::string(
           "https://teams.microsoft.com/l/chat/19%3Afba5913dd74162ad849c812d81852b2a%40thread.v2/"
           "0?tenantId=") +
           contoso},
      {"tenantId", contoso},
      {"isHiddenForAllMembers", false},
      {"onlineMeetingInfo", nullptr},  // null unless a meeting chat
      {"migrationMode", nullptr},      // null: never migrated
      {"originalCreatedDateTime", nullptr},
  };
  // No viewer (an application caller): no viewpoint at all.
  CHECK(value_of(chat_json(c, nullptr, nullptr)) == expected);
}

TEST_CASE("chat_json adds the caller's viewpoint, and never the beta name", "[model]") {
  fakegraph::chat c = group_chat();
  fakegraph::chat_member viewer = c.members.front();
  json expected = value_of(chat_json(c, nullptr, nullptr));

  // Defaults: shown, nothing read (the .NET null date).
  expected["viewpoint"] = {{"isHidden", false},
                           {"lastMessageReadDateTime", "0001-01-01T00:00:00Z"}};
  CHECK(value_of(chat_json(c, &viewer, nullptr)) == expected);

  viewer.is_hidden = true;
  viewer.last_message_read = at("2026-10-15T09:00:12.345Z");
  expected["viewpoint"] = {{"isHidden", true},
                           {"lastMessageReadDateTime", "2026-10-15T09:00:12.345Z"}};
  const json with_viewpoint = value_of(chat_json(c, &viewer, nullptr));
  CHECK(with_viewpoint == expected);
  CHECK_FALSE(with_viewpoint.contains("chatViewpoint"));
}

TEST_CASE("chat_json: a oneOnOne chat has a null topic", "[model]") {
  fakegraph::chat c;
  c.id = std::string("19:") + adele_id + "_" + pradeep_id + "@fed.unq.gbl.spaces";
  c.tenant_id = fabrikam;
  c.type = fakegraph::chat_type::one_on_one;
  c.created = c.last_updated = at("2026-09-14T18:22:09.304Z");
  const json j = value_of(chat_json(c, nullptr, nullptr));
  CHECK(j["topic"] == nullptr);
  CHECK(j["chatType"] == "oneOnOne");
  CHECK(j["tenantId"] == fabrikam);
  CHECK(j["webUrl"] == std::string("https://teams.microsoft.com/l/chat/19%3A") + adele_id + "_" +
                           pradeep_id + "%40fed.unq.gbl.spaces/0?tenantId=" + fabrikam);
}

TEST_CASE("chat_json writes a meeting chat's teamworkOnlineMeetingInfo", "[model]") {
  fakegraph::chat c = group_chat();
  c.id = "19:meeting_MDkwOTg1ZmUtODRlMy00NGE1LWJkZjUtNDNlZjgyN2U1ZmQ1@thread.v2";
  c.type = fakegraph::chat_type::meeting;
  c.topic = "Q4 planning review";
  c.meeting = fakegraph::online_meeting_info{"https://teams.microsoft.com/l/meetup-join/x",
                                             std::nullopt, adele_id};
  const fakegraph::user organizer = adele();

  json j = value_of(chat_json(c, nullptr, &organizer));
  CHECK(j["chatType"] == "meeting");
  const json expected_info = {
      {"calendarEventId", nullptr},
      {"joinWebUrl", "https://teams.microsoft.com/l/meetup-join/x"},
      {"organizer",
       {{"id", adele_id},
        {"displayName", "Adele Vance"},
        {"userIdentityType", "aadUser"},
        {"tenantId", contoso}}},
  };
  CHECK(j["onlineMeetingInfo"] == expected_info);

  c.meeting->calendar_event_id = "AAMkADI5";
  j = value_of(chat_json(c, nullptr, &organizer));
  CHECK(j["onlineMeetingInfo"]["calendarEventId"] == "AAMkADI5");

  // An organizer the world does not know: the identity keeps its id, the rest is null.
  j = value_of(chat_json(c, nullptr, nullptr));
  CHECK(j["onlineMeetingInfo"]["organizer"] == json({{"id", adele_id},
                                                     {"displayName", nullptr},
                                                     {"userIdentityType", "aadUser"},
                                                     {"tenantId", nullptr}}));
}

// ---- chatMessage ----------------------------------------------------------------------------

TEST_CASE("message_json writes getAllMessages' chatMessage with every documented key", "[model]") {
  const fakegraph::chat_message m = user_message();
  const std::string chat_id = "19:fba5913dd74162ad849c812d81852b2a@thread.v2";
  const json expected = {
      {"@odata.type", "#microsoft.graph.chatMessage"},
      {"id", "1621973534864"},
      {"replyToId", nullptr},
      {"etag", "1621973534864"},  // equals the id at creation
      {"messageType", "message"},
      {"createdDateTime", "2021-05-25T20:12:14.864Z"},
      {"lastModifiedDateTime", "2021-05-25T20:12:14.864Z"},
      {"lastEditedDateTime", nullptr},
      {"deletedDateTime", nullptr},
      {"subject", nullptr},
      {"summary", nullptr},
      {"chatId", chat_id},
      {"importance", "normal"},
      {"locale", "en-us"},
      {"webUrl", nullptr},
      {"channelIdentity", nullptr},
      {"policyViolation", nullptr},
      {"eventDetail", nullptr},
      {"from",
       {{"application", nullptr},
        {"device", nullptr},
        {"user",
         {{"id", adele_id},
          {"displayName", "Adele Vance"},
          {"userIdentityType", "aadUser"},
          {"tenantId", contoso}}}}},
      {"body", {{"contentType", "text"}, {"content", "hi"}}},
      {"attachments", json::array()},
      {"mentions", json::array()},
      {"reactions", json::array()},
      {"messageHistory", json::array()},
  };
  CHECK(value_of(message_json(m, chat_id, false, contoso)) == expected);
  CHECK(value_of(message_json(m, chat_id, true, contoso)) ==
        expected);  // the Prefer switch is for system events only
}

TEST_CASE("message_json: edits, deletions, subject and importance", "[model]") {
  fakegraph::chat_message m = user_message();
  m.last_edited = at("2021-05-25T20:14:00.018Z");
  m.deleted = at("2021-05-25T20:15:00.5Z");
  m.last_modified = *m.deleted;
  m.subject = "Re: plan";
  m.importance = "urgent";
  m.attachments = json::array({{{"id", "a1"},
                                {"contentType", "reference"},
                                {"contentUrl", "https://x/y.docx"},
                                {"content", nullptr},
                                {"name", "y.docx"},
                                {"thumbnailUrl", nullptr}}});
  m.reactions = json::array({{{"reactionType", "like"},
                              {"createdDateTime", "2021-05-25T20:13:00Z"},
                              {"displayName", nullptr},
                              {"reactionContentUrl", nullptr},
                              {"user", nullptr}}});
  const json j = value_of(message_json(m, "c", false, contoso));
  CHECK(j["lastEditedDateTime"] == "2021-05-25T20:14:00.018Z");
  CHECK(j["deletedDateTime"] == "2021-05-25T20:15:00.5Z");
  CHECK(j["lastModifiedDateTime"] == "2021-05-25T20:15:00.5Z");
  CHECK(j["etag"] == std::to_string(at("2021-05-25T20:15:00.5Z")));  // edits push the etag forward
  CHECK(j["id"] == "1621973534864");                                 // the id does not move
  CHECK(j["subject"] == "Re: plan");
  CHECK(j["importance"] == "urgent");
  CHECK(j["attachments"] == m.attachments);  // stored and sent as written
  CHECK(j["reactions"] == m.reactions);
}

TEST_CASE("message_json hides systemEventMessage unless the caller opts in", "[model]") {
  const fakegraph::chat_message m = system_message();
  const json hidden = value_of(message_json(m, "c", false, contoso));
  const json shown = value_of(message_json(m, "c", true, contoso));
  CHECK(hidden["messageType"] == "unknownFutureValue");
  CHECK(shown["messageType"] == "systemEventMessage");
  CHECK(hidden["from"] == nullptr);
  CHECK(hidden["body"] == json({{"contentType", "html"}, {"content", "<systemEventMessage/>"}}));
  CHECK(hidden["eventDetail"] == m.event_detail);
  // Nothing else differs.
  json a = hidden, b = shown;
  a.erase("messageType");
  b.erase("messageType");
  CHECK(a == b);

  // Other types pass through whatever the switch says.
  fakegraph::chat_message event = user_message();
  event.message_type = "chatEvent";
  CHECK(value_of(message_json(event, "c", false, contoso))["messageType"] == "chatEvent");
}

// ---- identity sets ------------------------------------------------------------------------

TEST_CASE("sender_json writes chatMessageFromIdentitySet with the unused keys null", "[model]") {
  fakegraph::message_sender none;
  CHECK(value_of(sender_json(none, "")) == nullptr);

  fakegraph::message_sender bot;
  bot.type = fakegraph::message_sender::kind::application;
  bot.id = "c20b3a7f-c1f7-4035-b254-71ff5bc51a9b";
  bot.display_name = "Release Bot";
  bot.identity_type = "bot";
  CHECK(value_of(sender_json(bot, "")) == json({{"application",
                                                 {{"id", "c20b3a7f-c1f7-4035-b254-71ff5bc51a9b"},
                                                  {"displayName", "Release Bot"},
                                                  {"applicationIdentityType", "bot"}}},
                                                {"device", nullptr},
                                                {"user", nullptr}}));

  fakegraph::message_sender federated;
  federated.type = fakegraph::message_sender::kind::user;
  federated.id = pradeep_id;
  federated.identity_type = "federatedUser";
  federated.tenant_id = fabrikam;  // no display name known: null, as Graph does for other tenants
  CHECK(value_of(sender_json(federated, "federatedUser")) ==
        json({{"application", nullptr},
              {"device", nullptr},
              {"user",
               {{"id", pradeep_id},
                {"displayName", nullptr},
                {"userIdentityType", "federatedUser"},
                {"tenantId", fabrikam}}}}));
}

// ---- chatMessageInfo ------------------------------------------------------------------------

TEST_CASE("preview_json writes chatMessageInfo", "[model]") {
  fakegraph::chat_message m = user_message();
  m.mentions = json::array({{{"id", 0}, {"mentionText", "Megan"}, {"mentioned", nullptr}}});
  m.attachments = json::array({{{"id", "a1"}}});
  const json expected = {
      {"id", "1621973534864"},
      {"createdDateTime", "2021-05-25T20:12:14.864Z"},
      {"isDeleted", false},
      {"messageType", "message"},
      {"eventDetail", nullptr},
      {"body", {{"contentType", "text"}, {"content", "hi"}}},
      {"from", value_of(sender_json(m.from, "aadUser"))},
  };
  CHECK(value_of(preview_json(m, contoso)) == expected);  // no mentions, no attachments

  m.deleted = at("2021-05-26T00:00:00Z");
  CHECK(value_of(preview_json(m, contoso))["isDeleted"] == true);
}

TEST_CASE("preview_json always says systemEventMessage", "[model]") {
  const fakegraph::chat_message m = system_message();
  const json expected = {
      {"id", "1787230805442"},
      {"createdDateTime", "2026-08-20T13:00:05.442Z"},
      {"isDeleted", false},
      {"messageType", "systemEventMessage"},
      {"eventDetail", m.event_detail},
      {"body", {{"contentType", "html"}, {"content", "<systemEventMessage/>"}}},
      {"from", nullptr},
  };
  CHECK(value_of(preview_json(m, contoso)) == expected);
}

// ---- members --------------------------------------------------------------------------------

TEST_CASE("member_json writes aadUserConversationMember", "[model]") {
  const fakegraph::chat c = group_chat();
  fakegraph::chat_member m = c.members.front();
  m.visible_history_start = at("2026-09-08T00:00:00Z");
  const fakegraph::user u = adele();
  json j = value_of(member_json(c, m, u));

  const std::string id = j["id"].get<std::string>();
  CHECK_FALSE(id.empty());
  CHECK(fd::base64_decode(id).has_value());  // opaque, base64-looking
  j.erase("id");
  const json expected = {
      {"@odata.type", "#microsoft.graph.aadUserConversationMember"},
      {"roles", {"owner"}},
      {"displayName", "Adele Vance"},
      {"visibleHistoryStartDateTime", "2026-09-08T00:00:00Z"},
      {"userId", adele_id},
      {"email", "adele@contoso.com"},
      {"tenantId", contoso},
  };
  CHECK(j == expected);

  // Default history: everything shared (the null date). Explicit empty roles stay empty.
  m.visible_history_start = fakegraph::null_date;
  m.roles.clear();
  j = value_of(member_json(c, m, u));
  CHECK(j["visibleHistoryStartDateTime"] == "0001-01-01T00:00:00Z");
  CHECK(j["roles"] == json::array());
}

TEST_CASE("membership ids are stable per (chat, user) and distinct otherwise", "[model]") {
  const fakegraph::chat c = group_chat();
  fakegraph::chat other = c;
  other.id = "19:a1e9d3eea174b7c214b1afb8ac7fa956@thread.v2";
  CHECK(fd::membership_id(c, adele_id) == fd::membership_id(c, adele_id));
  CHECK(fd::membership_id(c, adele_id) != fd::membership_id(c, pradeep_id));
  CHECK(fd::membership_id(c, adele_id) != fd::membership_id(other, adele_id));
}

TEST_CASE("chat types and their wire names", "[model]") {
  using fakegraph::chat_type;
  for (const auto t : {chat_type::one_on_one, chat_type::group, chat_type::meeting})
    CHECK(fakegraph::parse_chat_type(fakegraph::to_string(t)) == t);
  CHECK(fakegraph::to_string(chat_type::one_on_one) == "oneOnOne");
  CHECK(fakegraph::to_string(chat_type::group) == "group");
  CHECK(fakegraph::to_string(chat_type::meeting) == "meeting");
  CHECK_FALSE(
      fakegraph::parse_chat_type("OneOnOne").has_value());  // enum members are case-sensitive
  CHECK_FALSE(fakegraph::parse_chat_type("unknownFutureValue").has_value());
  CHECK_FALSE(fakegraph::parse_chat_type("").has_value());
}
