// fakegraph: definitions of builder.hpp (see detail/inline.hpp).
#pragma once

#include "builder.hpp"

#include <algorithm>  // std::max

#include "detail/inline.hpp"
#include "store.hpp"

namespace fakegraph {

FAKEGRAPH_INLINE timestamp utc(std::string_view iso8601) {
  const auto t = parse_time(iso8601);
  if (!t)
    throw error(
        "fakegraph.world.bad_time",
        "'" + std::string(iso8601) + "' is not an ISO-8601 UTC time such as 2026-11-01T12:00:00Z");
  return *t;
}

FAKEGRAPH_INLINE chat_spec::chat_spec(std::initializer_list<std::string> member_users) {
  for (const auto& u : member_users) members.push_back(member(u));
}

FAKEGRAPH_INLINE chat_spec chat_spec::one_on_one(std::string a, std::string b) {
  chat_spec c{std::move(a), std::move(b)};
  c.type = chat_type::one_on_one;
  return c;
}

FAKEGRAPH_INLINE chat_spec chat_spec::group(const std::vector<std::string>& member_users,
                                            std::optional<std::string> topic_) {
  chat_spec c;
  for (const auto& u : member_users) c.members.push_back(member(u));
  c.type = chat_type::group;
  c.topic = std::move(topic_);
  return c;
}

FAKEGRAPH_INLINE chat_spec chat_spec::meeting(const std::vector<std::string>& member_users,
                                              std::string topic_, std::string organizer) {
  chat_spec c = group(member_users, std::move(topic_));
  c.type = chat_type::meeting;
  online_meeting_info info;
  info.organizer_id =
      organizer.empty() && !member_users.empty() ? member_users.front() : std::move(organizer);
  c.meeting_info = std::move(info);
  return c;
}

FAKEGRAPH_INLINE chat_member chat_spec::member(std::string user) {
  chat_member m;
  m.user_id = std::move(user);
  return m;
}

FAKEGRAPH_INLINE token delegated(std::string user, std::vector<std::string> scopes) {
  token t;
  t.type = token::kind::user;
  t.subject = std::move(user);
  t.scopes = std::move(scopes);
  return t;
}

FAKEGRAPH_INLINE token app_only(std::string app_id, std::vector<std::string> roles) {
  token t;
  t.type = token::kind::application;
  t.subject = std::move(app_id);
  t.roles = std::move(roles);
  return t;
}

FAKEGRAPH_INLINE token personal_account(std::vector<std::string> scopes) {
  token t;
  t.type = token::kind::personal_account;
  t.scopes = std::move(scopes);
  return t;
}

namespace detail {

FAKEGRAPH_INLINE void add_member(world_state& w, const std::string& chat_id, chat_member m,
                                 timestamp now, const origin& o) {
  const std::uint32_t ci = chat_index_of(w, chat_id, o);
  resolve_member(w, m, o, "member");
  chat& c = w.chats[ci].data;
  if (w.member_of(c, m.user_id))
    fail(o.area, "duplicate_member", o.at("member.user"),
         "user '" + m.user_id + "' is already a member of chat '" + chat_id + "'");
  if (c.type == chat_type::one_on_one)
    fail(o.area, "bad_roster", o.at("member"),
         "a oneOnOne chat has exactly 2 members; add a group chat instead");
  c.members.push_back(m);
  w.chats[ci].member_users.push_back(w.user_position(m.user_id));
  c.last_updated = std::max(c.last_updated, now);
  index_chat(w, m.user_id, ci);
  index_member_history(w, ci, m);
}

}  // namespace detail
}  // namespace fakegraph
