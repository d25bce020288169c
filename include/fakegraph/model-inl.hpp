// fakegraph: definitions of model.hpp (see detail/inline.hpp).
#pragma once

#include "model.hpp"

#include "detail/inline.hpp"

namespace fakegraph {

FAKEGRAPH_INLINE std::string_view to_string(chat_type t) noexcept {
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

FAKEGRAPH_INLINE std::optional<chat_type> parse_chat_type(std::string_view s) noexcept {
  if (s == "oneOnOne") return chat_type::one_on_one;
  if (s == "group") return chat_type::group;
  if (s == "meeting") return chat_type::meeting;
  return std::nullopt;
}

namespace detail {

FAKEGRAPH_INLINE nlohmann::json item_body(std::string_view content_type, std::string content) {
  nlohmann::json body = nlohmann::json::object();
  body["contentType"] = content_type;
  body["content"] = std::move(content);
  return body;
}

FAKEGRAPH_INLINE void write_time_or_null(json_writer& w, const std::optional<timestamp>& t) {
  if (t)
    w.quoted(time_text(*t));
  else
    w.null();
}

FAKEGRAPH_INLINE void write_sender(json_writer& w, const message_sender& s,
                                   std::string_view user_identity_type, bool typed_user) {
  if (s.type == message_sender::kind::none) {
    w.null();
    return;
  }
  const bool is_user = s.type == message_sender::kind::user;
  w.begin_object().key("application");
  if (is_user) w.null().key("device").null().key("user");
  // The documented examples carry no nested @odata.type on the identities, but delta's do.
  w.begin_object();
  if (is_user && typed_user) w.key("@odata.type").value("#microsoft.graph.teamworkUserIdentity");
  w.key("id").value(s.id).key("displayName");
  if (s.display_name.empty())
    w.null();
  else
    w.value(s.display_name);
  if (is_user) {
    w.key("userIdentityType").value(user_identity_type).key("tenantId").value(s.tenant_id);
  } else {
    w.key("applicationIdentityType").value(s.identity_type);
  }
  w.end_object();
  if (!is_user) w.key("device").null().key("user").null();
  w.end_object();
}

FAKEGRAPH_INLINE std::string membership_id(const chat& c, const std::string& user_id) {
  std::string out;
  membership_id_text(c, user_id)(out);
  return out;
}

FAKEGRAPH_INLINE member_user_text::member_user_text(const user& u) {
  json_writer w;
  w.key("displayName").value(u.display_name);
  text = w.take();
  split = text.size();
  w.key("userId").value(u.id).key("email").value(u.mail).key("tenantId").value(u.tenant_id);
  text += w.take();
}

FAKEGRAPH_INLINE void write_member(json_writer& w, const chat& c, const chat_member& m,
                                   const member_user_text& u) {
  w.begin_object()
      .key("@odata.type")
      .value("#microsoft.graph.aadUserConversationMember")
      .key("id")
      .quoted(membership_id_text(c, m.user_id))
      .key("roles")
      .begin_array();
  for (const auto& role : m.roles) w.value(role);
  w.end_array()
      .raw(u.name())
      .key("visibleHistoryStartDateTime")
      .quoted(time_text(m.visible_history_start))
      .raw(u.rest())
      .end_object();
}

FAKEGRAPH_INLINE void write_chat_properties(json_writer& w, const chat& c,
                                            const chat_member* viewer, const user* organizer) {
  w.key("id")
      .value(c.id)
      .key("topic")
      .value_or_null(c.topic)
      .key("createdDateTime")
      .quoted(time_text(c.created))
      .key("lastUpdatedDateTime")
      .quoted(time_text(c.last_updated))
      .key("chatType")
      .value(to_string(c.type))
      .key("webUrl")
      .raw_from([&c](auto& out) { append_chat_web_url(out, c); })
      .key("tenantId")
      .value(c.tenant_id)
      .key("isHiddenForAllMembers")
      .value(c.is_hidden_for_all_members)
      .key("onlineMeetingInfo");
  if (c.meeting) {
    w.begin_object()
        .key("calendarEventId")
        .value_or_null(c.meeting->calendar_event_id)
        .key("joinWebUrl")
        .value(c.meeting->join_web_url)
        .key("organizer")
        .begin_object()
        .key("id")
        .value(c.meeting->organizer_id)
        .key("displayName");
    if (organizer)
      w.value(organizer->display_name);
    else
      w.null();
    w.key("userIdentityType").value("aadUser").key("tenantId");
    if (organizer)
      w.value(organizer->tenant_id);
    else
      w.null();
    w.end_object().end_object();
  } else {
    w.null();
  }
  w.key("migrationMode").null().key("originalCreatedDateTime").null();
  if (viewer)
    w.key("viewpoint")
        .begin_object()
        .key("isHidden")
        .value(viewer->is_hidden)
        .key("lastMessageReadDateTime")
        .quoted(time_text(viewer->last_message_read))
        .end_object();
}

FAKEGRAPH_INLINE void begin_chat(json_writer& w, const chat& c, const chat_member* viewer,
                                 const user* organizer) {
  w.begin_object();
  write_chat_properties(w, c, viewer, organizer);
}

}  // namespace detail
}  // namespace fakegraph
