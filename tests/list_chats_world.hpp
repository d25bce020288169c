// Test support for the List chats, auth, paging and errors tests: a small world written as
// an inline seed, and expectations derived from that seed (never typed in by hand). Only the
// tests include it. The requests, the error accessors and the default seed are the shared
// ones of support/fixtures.hpp, named here too (lct::get, lct::error_code, ...).
#pragma once

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <algorithm>  // std::sort, std::any_of
#include <cstddef>    // std::size_t
#include <stdexcept>  // std::runtime_error
#include <string>     // std::string
#include <vector>     // std::vector

#include "support/fixtures.hpp"

namespace lct {

using json = nlohmann::json;

using fakegraph_test::default_seed;
using fakegraph_test::error_code;
using fakegraph_test::error_message;
using fakegraph_test::get;
using fakegraph_test::ids_of;
using fakegraph_test::is_error;

// ---- the small world ------------------------------------------------------------------

inline constexpr const char* northwind = "6f1c1c1e-1111-4a4a-9b9b-000000000001";
inline constexpr const char* tailspin = "7e2d2d2f-2222-4b4b-8c8c-000000000002";
inline constexpr const char* ann_id = "a1a1a1a1-0000-4000-8000-00000000000a";
inline constexpr const char* bob_id = "b2b2b2b2-0000-4000-8000-00000000000b";
inline constexpr const char* cid_id = "c3c3c3c3-0000-4000-8000-00000000000c";
inline constexpr const char* dee_id = "d4d4d4d4-0000-4000-8000-00000000000d";
inline constexpr const char* eve_id = "e5e5e5e5-0000-4000-8000-00000000000e";
inline constexpr const char* reader_app = "11111111-aaaa-4aaa-8aaa-000000000001";
inline constexpr const char* tailspin_app = "22222222-bbbb-4bbb-8bbb-000000000002";
inline constexpr const char* bot_app = "0b0b0b0b-aaaa-4bbb-8ccc-0d0d0d0d0d0d";
inline constexpr const char* msa_tenant = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// Two tenants; Ann (Northwind) is in five chats: a 1:1, Alpha (hidden for her, a bot and a
/// system event, an installed app), the Beta review meeting (last message deleted), the
/// federated Gamma (Tailspin's, no messages) and Epsilon (hidden for all members, defaults
/// left to the loader). Delta and a Tailspin 1:1 are other people's. Eve has no chats.
/// Times are written the way Graph writes them, so a chat compares equal as JSON.
inline json small_seed() {
  return json::parse(R"JSON({
  "settings": { "now": "2026-06-01T12:34:56.789Z" },
  "tenants": [
    { "id": "6f1c1c1e-1111-4a4a-9b9b-000000000001", "displayName": "Northwind" },
    { "id": "7e2d2d2f-2222-4b4b-8c8c-000000000002", "displayName": "Tailspin" }
  ],
  "users": [
    { "id": "a1a1a1a1-0000-4000-8000-00000000000a", "tenantId": "6f1c1c1e-1111-4a4a-9b9b-000000000001",
      "userPrincipalName": "ann@northwind.test", "displayName": "Ann Archer", "mail": "ann.archer@northwind.test" },
    { "id": "b2b2b2b2-0000-4000-8000-00000000000b", "tenantId": "6f1c1c1e-1111-4a4a-9b9b-000000000001",
      "userPrincipalName": "bob@northwind.test", "displayName": "Bob Baker" },
    { "id": "c3c3c3c3-0000-4000-8000-00000000000c", "tenantId": "6f1c1c1e-1111-4a4a-9b9b-000000000001",
      "userPrincipalName": "cid@northwind.test", "displayName": "Cid Cole" },
    { "id": "e5e5e5e5-0000-4000-8000-00000000000e", "tenantId": "6f1c1c1e-1111-4a4a-9b9b-000000000001",
      "userPrincipalName": "eve@northwind.test", "displayName": "Eve Evans" },
    { "id": "d4d4d4d4-0000-4000-8000-00000000000d", "tenantId": "7e2d2d2f-2222-4b4b-8c8c-000000000002",
      "userPrincipalName": "dee@tailspin.test", "displayName": "Dee Dunn" },
    { "id": "f6f6f6f6-0000-4000-8000-00000000000f", "tenantId": "7e2d2d2f-2222-4b4b-8c8c-000000000002",
      "userPrincipalName": "fay@tailspin.test", "displayName": "Fay Ford" }
  ],
  "applications": [
    { "appId": "11111111-aaaa-4aaa-8aaa-000000000001", "tenantId": "6f1c1c1e-1111-4a4a-9b9b-000000000001",
      "displayName": "Northwind reader" },
    { "appId": "22222222-bbbb-4bbb-8bbb-000000000002", "tenantId": "7e2d2d2f-2222-4b4b-8c8c-000000000002",
      "displayName": "Tailspin reader" }
  ],
  "chats": [
    { "id": "19:a1a1a1a1-0000-4000-8000-00000000000a_b2b2b2b2-0000-4000-8000-00000000000b@unq.gbl.spaces",
      "tenantId": "6f1c1c1e-1111-4a4a-9b9b-000000000001", "chatType": "oneOnOne",
      "createdDateTime": "2026-01-05T08:00:00.1Z",
      "members": [
        { "user": "ann@northwind.test", "viewpoint": { "isHidden": false, "lastMessageReadDateTime": "2026-05-20T10:00:00.25Z" } },
        { "user": "b2b2b2b2-0000-4000-8000-00000000000b" } ],
      "messages": [
        { "id": "1767600060000", "from": { "user": "ann@northwind.test" }, "createdDateTime": "2026-01-05T08:01:00Z",
          "body": { "contentType": "text", "content": "hi Bob" } },
        { "id": "1779271200250", "from": { "user": "bob@northwind.test" }, "createdDateTime": "2026-05-20T10:00:00.25Z",
          "body": { "contentType": "text", "content": "hi Ann" } } ] },
    { "id": "19:0123456789abcdef0123456789abcdef@thread.v2",
      "tenantId": "6f1c1c1e-1111-4a4a-9b9b-000000000001", "chatType": "group", "topic": "Alpha",
      "createdDateTime": "2026-02-01T09:00:00Z", "lastUpdatedDateTime": "2026-02-03T10:11:12.5Z",
      "installedApps": ["0b0b0b0b-aaaa-4bbb-8ccc-0d0d0d0d0d0d"],
      "members": [
        { "user": "ann@northwind.test", "roles": ["owner"],
          "viewpoint": { "isHidden": true, "lastMessageReadDateTime": "2026-05-01T00:00:00Z" } },
        { "user": "bob@northwind.test", "roles": ["owner"] },
        { "user": "cid@northwind.test", "roles": ["guest"], "visibleHistoryStartDateTime": "2026-02-03T00:00:00Z" } ],
      "messages": [
        { "id": "1769936401000", "from": null, "createdDateTime": "2026-02-01T09:00:01Z", "messageType": "systemEventMessage",
          "eventDetail": { "@odata.type": "#microsoft.graph.membersAddedEventMessageDetail",
                           "visibleHistoryStartDateTime": "0001-01-01T00:00:00Z", "members": [],
                           "initiator": null } },
        { "id": "1770202800000", "from": { "user": "cid@northwind.test" }, "createdDateTime": "2026-02-04T11:00:00Z",
          "body": { "contentType": "html", "content": "<p>hello</p>" } },
        { "id": "1779694200007", "from": { "application": { "id": "0b0b0b0b-aaaa-4bbb-8ccc-0d0d0d0d0d0d",
                                                           "displayName": "Ship bot", "applicationIdentityType": "bot" } },
          "createdDateTime": "2026-05-25T07:30:00.007Z", "body": { "contentType": "html", "content": "<b>shipped</b>" } } ] },
    { "id": "19:meeting_Zm9vYmFyYmF6cXV4cXV1eHh5enp5MTIzNDU2Nzg5MGFiY2RlZmdo@thread.v2",
      "tenantId": "6f1c1c1e-1111-4a4a-9b9b-000000000001", "chatType": "meeting", "topic": "Beta review",
      "createdDateTime": "2026-03-10T14:00:00Z",
      "onlineMeetingInfo": { "joinWebUrl": "https://teams.microsoft.com/l/meetup-join/19%3ameeting_Zm9v%40thread.v2/0",
                             "calendarEventId": "AAMkAGI1", "organizerId": "cid@northwind.test" },
      "members": [ { "user": "ann@northwind.test" }, { "user": "cid@northwind.test" } ],
      "messages": [
        { "id": "1773151500000", "from": { "user": "cid@northwind.test" }, "createdDateTime": "2026-03-10T14:05:00Z" },
        { "id": "1778835600000", "from": { "user": "ann@northwind.test" }, "createdDateTime": "2026-05-15T09:00:00Z",
          "deletedDateTime": "2026-05-15T09:01:00Z" } ] },
    { "id": "19:9999aaaa9999aaaa9999aaaa9999aaaa@thread.v2",
      "tenantId": "7e2d2d2f-2222-4b4b-8c8c-000000000002", "chatType": "group", "topic": "Gamma",
      "createdDateTime": "2026-04-01T00:00:00Z",
      "members": [ { "user": "dee@tailspin.test" }, { "user": "ann@northwind.test" } ] },
    { "id": "19:dddd0000dddd0000dddd0000dddd0000@thread.v2",
      "tenantId": "6f1c1c1e-1111-4a4a-9b9b-000000000001", "chatType": "group", "topic": "Delta",
      "createdDateTime": "2026-04-15T00:00:00Z",
      "members": [ { "user": "bob@northwind.test" }, { "user": "cid@northwind.test" } ],
      "messages": [ { "id": "1776211200000", "from": { "user": "bob@northwind.test" }, "createdDateTime": "2026-04-15T00:00:00Z" } ] },
    { "id": "19:eeee1111eeee1111eeee1111eeee1111@thread.v2", "chatType": "group", "topic": "Epsilon",
      "createdDateTime": "2026-05-10T00:00:00Z", "isHiddenForAllMembers": true,
      "members": [ { "user": "ann@northwind.test" }, { "user": "cid@northwind.test" } ],
      "messages": [ { "id": "1778372200000", "from": { "user": "cid@northwind.test" }, "createdDateTime": "2026-05-10T00:16:40Z" } ] },
    { "id": "19:d4d4d4d4-0000-4000-8000-00000000000d_f6f6f6f6-0000-4000-8000-00000000000f@unq.gbl.spaces",
      "tenantId": "7e2d2d2f-2222-4b4b-8c8c-000000000002", "chatType": "oneOnOne",
      "createdDateTime": "2026-05-01T00:00:00Z",
      "members": [ { "user": "dee@tailspin.test" }, { "user": "fay@tailspin.test" } ],
      "messages": [ { "id": "1777593600000", "from": { "user": "fay@tailspin.test" }, "createdDateTime": "2026-05-01T00:00:00Z" } ] }
  ],
  "tokens": [
    { "token": "ann-read", "user": "ann@northwind.test", "scopes": ["Chat.Read"] },
    { "token": "ann-basic", "user": "ann@northwind.test", "scopes": ["Chat.ReadBasic"] },
    { "token": "ann-rw", "user": "ann@northwind.test", "scopes": ["Chat.ReadWrite"] },
    { "token": "ann-user", "user": "ann@northwind.test", "scopes": ["User.Read", "Mail.Read"] },
    { "token": "ann-none", "user": "ann@northwind.test", "scopes": [] },
    { "token": "ann-expired", "user": "ann@northwind.test", "scopes": ["Chat.Read"],
      "expiresDateTime": "2026-06-01T12:34:56Z" },
    { "token": "ann-later", "user": "ann@northwind.test", "scopes": ["Chat.Read"],
      "expiresDateTime": "2026-06-01T13:00:00Z" },
    { "token": "bob-read", "user": "bob@northwind.test", "scopes": ["Chat.Read"] },
    { "token": "cid-read", "user": "cid@northwind.test", "scopes": ["Chat.Read"] },
    { "token": "eve-read", "user": "eve@northwind.test", "scopes": ["Chat.Read"] },
    { "token": "dee-read", "user": "dee@tailspin.test", "scopes": ["Chat.Read"] },
    { "token": "app-read", "application": "11111111-aaaa-4aaa-8aaa-000000000001", "roles": ["Chat.Read.All"] },
    { "token": "app-basic", "application": "11111111-aaaa-4aaa-8aaa-000000000001", "roles": ["Chat.ReadBasic.All"] },
    { "token": "app-rw", "application": "11111111-aaaa-4aaa-8aaa-000000000001", "roles": ["Chat.ReadWrite.All"] },
    { "token": "app-none", "application": "11111111-aaaa-4aaa-8aaa-000000000001", "roles": [] },
    { "token": "app-user", "application": "11111111-aaaa-4aaa-8aaa-000000000001", "roles": ["User.Read.All", "Group.Read.All"] },
    { "token": "app-expired", "application": "11111111-aaaa-4aaa-8aaa-000000000001", "roles": ["Chat.Read.All"],
      "expiresDateTime": "2020-01-01T00:00:00Z" },
    { "token": "tailspin-app", "application": "22222222-bbbb-4bbb-8bbb-000000000002", "roles": ["Chat.Read.All"] },
    { "token": "msa", "personalAccount": true, "scopes": ["Chat.Read"] }
  ]
})JSON");
}

inline fakegraph::graph small_graph() { return fakegraph::graph::from_json(small_seed()); }

// ---- tokens ---------------------------------------------------------------------------

/// The URL-safe base64 a JWT uses (no padding).
inline std::string base64url(const std::string& in) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  auto byte = [&](std::size_t k) {
    return static_cast<unsigned>(static_cast<unsigned char>(in[k]));
  };
  for (; i + 2 < in.size(); i += 3) {
    const unsigned n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    for (int shift = 18; shift >= 0; shift -= 6)
      out += alphabet[(n >> static_cast<unsigned>(shift)) & 63u];
  }
  if (i + 1 == in.size()) {
    const unsigned n = byte(i) << 16;
    out += alphabet[(n >> 18) & 63u];
    out += alphabet[(n >> 12) & 63u];
  } else if (i + 2 == in.size()) {
    const unsigned n = (byte(i) << 16) | (byte(i + 1) << 8);
    out += alphabet[(n >> 18) & 63u];
    out += alphabet[(n >> 12) & 63u];
    out += alphabet[(n >> 6) & 63u];
  }
  return out;
}

/// An unsigned JWT (`alg: none`) carrying `claims`, with an arbitrary signature part.
inline std::string jwt(const json& claims, const std::string& signature = "") {
  return base64url(json{{"alg", "none"}, {"typ", "JWT"}}.dump()) + "." + base64url(claims.dump()) +
         "." + signature;
}

// ---- expectations derived from a seed ---------------------------------------------------

inline std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

/// A time string as a sortable key: `YYYY-MM-DDTHH:MM:SS.mmm` (fraction padded).
inline std::string time_key(const std::string& t) {
  std::string frac;
  for (std::size_t i = 20;
       t.size() > 19 && t[19] == '.' && i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i)
    frac += t[i];
  frac.resize(3, '0');
  return t.substr(0, 19) + "." + frac;
}

/// A seed user named by id or userPrincipalName (any case).
inline const json& user_of(const json& seed, const std::string& key) {
  for (const auto& u : seed.at("users"))
    if (lower(u.at("id").get<std::string>()) == lower(key) ||
        lower(u.at("userPrincipalName").get<std::string>()) == lower(key))
      return u;
  throw std::runtime_error("no user " + key);
}

inline const json& chat_of(const json& seed, const std::string& id) {
  for (const auto& c : seed.at("chats"))
    if (c.value("id", std::string()) == id) return c;
  throw std::runtime_error("no chat " + id);
}

inline bool is_member(const json& seed, const json& chat, const std::string& user_key) {
  const std::string id = user_of(seed, user_key).at("id").get<std::string>();
  for (const auto& m : chat.at("members"))
    if (user_of(seed, m.at("user").get<std::string>()).at("id") == id) return true;
  return false;
}

inline std::string created_of(const json& chat) {
  return chat.at("createdDateTime").get<std::string>();
}

/// The user's chats in the documented default order: createdDateTime descending, then id.
inline std::vector<const json*> chats_of(const json& seed, const std::string& user_key) {
  std::vector<const json*> out;
  for (const auto& c : seed.at("chats"))
    if (is_member(seed, c, user_key)) out.push_back(&c);
  std::sort(out.begin(), out.end(), [](const json* a, const json* b) {
    const std::string ta = time_key(created_of(*a)), tb = time_key(created_of(*b));
    if (ta != tb) return ta > tb;
    return a->at("id") < b->at("id");
  });
  return out;
}

inline std::vector<std::string> ids_of(const std::vector<const json*>& chats) {
  std::vector<std::string> out;
  for (const json* c : chats) out.push_back(c->at("id").get<std::string>());
  return out;
}

/// The newest message of a seed chat (createdDateTime, then id), or nullptr.
inline const json* latest_message(const json& chat) {
  const json* best = nullptr;
  if (!chat.contains("messages")) return best;
  for (const auto& m : chat.at("messages")) {
    if (!best) {
      best = &m;
      continue;
    }
    const std::string tm = time_key(m.at("createdDateTime").get<std::string>());
    const std::string tb = time_key(best->at("createdDateTime").get<std::string>());
    if (tm > tb || (tm == tb && m.at("id") > best->at("id"))) best = &m;
  }
  return best;
}

/// The user's chats with messages, newest last message first (chats without one left out).
inline std::vector<const json*> chats_by_preview(const json& seed, const std::string& user_key) {
  std::vector<const json*> out;
  for (const json* c : chats_of(seed, user_key))
    if (latest_message(*c)) out.push_back(c);
  std::stable_sort(out.begin(), out.end(), [](const json* a, const json* b) {
    return time_key(latest_message(*a)->at("createdDateTime").get<std::string>()) >
           time_key(latest_message(*b)->at("createdDateTime").get<std::string>());
  });
  return out;
}

inline std::string chat_tenant(const json& seed, const json& chat) {
  if (chat.contains("tenantId")) return chat.at("tenantId").get<std::string>();
  return user_of(seed, chat.at("members").at(0).at("user").get<std::string>())
      .at("tenantId")
      .get<std::string>();
}

/// Percent-encodes all but RFC 3986 unreserved characters (the chat id in a webUrl).
inline std::string encode_component(const std::string& s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const bool keep = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                      (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~';
    if (keep) {
      out += ch;
    } else {
      const auto b = static_cast<unsigned char>(ch);
      out += '%';
      out += hex[b >> 4];
      out += hex[b & 15];
    }
  }
  return out;
}

inline std::string expected_web_url(const std::string& id, const std::string& tenant) {
  return "https://teams.microsoft.com/l/chat/" + encode_component(id) + "/0?tenantId=" + tenant;
}

/// The chat as Graph v1.0 writes it (graph-semantics §4.1); `viewer` (a user key) adds the
/// caller's viewpoint, as delegated calls do; empty means an application caller.
inline json expected_chat(const json& seed, const json& chat, const std::string& viewer) {
  json j;
  const std::string id = chat.at("id").get<std::string>();
  const std::string tenant = chat_tenant(seed, chat);
  j["id"] = id;
  j["topic"] = chat.value("topic", json(nullptr));
  j["createdDateTime"] = chat.at("createdDateTime");
  j["lastUpdatedDateTime"] = chat.value("lastUpdatedDateTime", chat.at("createdDateTime"));
  j["chatType"] = chat.value("chatType", std::string("group"));
  j["webUrl"] = expected_web_url(id, tenant);
  j["tenantId"] = tenant;
  j["isHiddenForAllMembers"] = chat.value("isHiddenForAllMembers", false);
  j["onlineMeetingInfo"] = nullptr;
  if (chat.contains("onlineMeetingInfo")) {
    const json& info = chat.at("onlineMeetingInfo");
    const json& organizer = user_of(seed, info.at("organizerId").get<std::string>());
    j["onlineMeetingInfo"] = {{"calendarEventId", info.value("calendarEventId", json(nullptr))},
                              {"joinWebUrl", info.at("joinWebUrl")},
                              {"organizer",
                               {{"id", organizer.at("id")},
                                {"displayName", organizer.at("displayName")},
                                {"userIdentityType", "aadUser"},
                                {"tenantId", organizer.at("tenantId")}}}};
  }
  j["migrationMode"] = nullptr;
  j["originalCreatedDateTime"] = nullptr;
  if (!viewer.empty()) {
    const std::string viewer_id = user_of(seed, viewer).at("id").get<std::string>();
    for (const auto& m : chat.at("members")) {
      if (user_of(seed, m.at("user").get<std::string>()).at("id") != viewer_id) continue;
      const json vp = m.value("viewpoint", json::object());
      j["viewpoint"] = {
          {"isHidden", vp.value("isHidden", false)},
          {"lastMessageReadDateTime", vp.value("lastMessageReadDateTime", "0001-01-01T00:00:00Z")}};
    }
  }
  return j;
}

/// chatMessageInfo (graph-semantics §4.3) of the chat's newest message, or null.
inline json expected_preview(const json& seed, const json& chat) {
  const json* m = latest_message(chat);
  if (!m) return nullptr;
  json j;
  j["id"] = m->at("id");
  j["createdDateTime"] = m->at("createdDateTime");
  j["isDeleted"] = m->contains("deletedDateTime") && !m->at("deletedDateTime").is_null();
  j["messageType"] = m->value("messageType", std::string("message"));
  j["eventDetail"] = m->value("eventDetail", json(nullptr));
  const bool system = j["messageType"] == "systemEventMessage";
  json body =
      m->value("body", system ? json{{"contentType", "html"}, {"content", "<systemEventMessage/>"}}
                              : json{{"contentType", "text"}, {"content", ""}});
  if (!body.contains("contentType")) body["contentType"] = "text";
  j["body"] = body;
  const json from = m->value("from", json(nullptr));
  if (from.is_null()) {
    j["from"] = nullptr;
  } else if (from.contains("user")) {
    const json& u = user_of(seed, from.at("user").get<std::string>());
    const bool home = u.at("tenantId").get<std::string>() == chat_tenant(seed, chat);
    j["from"] = {{"application", nullptr},
                 {"device", nullptr},
                 {"user",
                  {{"id", u.at("id")},
                   {"displayName", u.at("displayName")},
                   {"userIdentityType", home ? "aadUser" : "federatedUser"},
                   {"tenantId", u.at("tenantId")}}}};
  } else {
    const json& a = from.at("application");
    j["from"] = {{"application",
                  {{"id", a.at("id")},
                   {"displayName", a.at("displayName")},
                   {"applicationIdentityType", a.value("applicationIdentityType", "bot")}}},
                 {"device", nullptr},
                 {"user", nullptr}};
  }
  return j;
}

/// aadUserConversationMember (graph-semantics §4.4) without its opaque `id`.
inline json expected_member(const json& seed, const json& member) {
  const json& u = user_of(seed, member.at("user").get<std::string>());
  return {{"@odata.type", "#microsoft.graph.aadUserConversationMember"},
          {"roles", member.value("roles", json::array({"owner"}))},
          {"displayName", u.at("displayName")},
          {"userId", u.at("id")},
          {"email", u.value("mail", u.at("userPrincipalName").get<std::string>())},
          {"tenantId", u.at("tenantId")},
          {"visibleHistoryStartDateTime",
           member.value("visibleHistoryStartDateTime", "0001-01-01T00:00:00Z")}};
}

}  // namespace lct

/// Graph's error answer, checked field by field so a failure shows which part differs.
/// Expands in test files, which include Catch2.
#define LCT_REQUIRE_ERROR(response_expr, status_, code_, message_) \
  do {                                                             \
    const fakegraph::response& lct_r = (response_expr);            \
    INFO("body: " << lct_r.body);                                  \
    REQUIRE(lct_r.status == (status_));                            \
    REQUIRE(lct::error_code(lct_r) == (code_));                    \
    REQUIRE(lct::error_message(lct_r) == (message_));              \
  } while (false)
