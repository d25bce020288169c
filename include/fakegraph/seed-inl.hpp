// fakegraph: definitions of seed.hpp (see detail/inline.hpp).
#pragma once

#include "seed.hpp"

#include <algorithm>  // std::find, std::min
#include <cstdio>     // std::fopen, std::fread, std::ferror, std::fclose
#include <exception>  // std::exception
#include <iterator>   // std::size

#include "detail/inline.hpp"

namespace fakegraph::detail {

FAKEGRAPH_INLINE seed_object::seed_object(const nlohmann::json& j, std::string path,
                                          const std::vector<std::string_view>& keys)
    : j_(j), path_(std::move(path)) {
  if (!j.is_object()) fail("seed", "bad_type", path_, "expected an object, found " + kind(j));
  for (const auto& item : j.items()) {
    const std::string& k = item.key();
    if (k.rfind("x-", 0) == 0) continue;  // extension keys are for people, not the loader
    bool known = false;
    for (const auto key : keys) known = known || key == k;
    if (!known) {
      std::string accepted;
      for (const auto key : keys) accepted += (accepted.empty() ? "" : ", ") + std::string(key);
      fail("seed", "unknown_key", at(k),
           "unknown key '" + k + "' (accepted here: " + accepted + ", or any 'x-' key)");
    }
  }
}

FAKEGRAPH_INLINE bool seed_object::has(const char* key) const {
  return j_.contains(key) && !j_.at(key).is_null();
}

FAKEGRAPH_INLINE const nlohmann::json& seed_object::raw(const char* key) const {
  return j_.at(key);
}

FAKEGRAPH_INLINE std::string seed_object::string(const char* key, std::string fallback) const {
  if (!has(key)) return fallback;
  const auto& v = j_.at(key);
  if (!v.is_string()) fail("seed", "bad_type", at(key), "expected a string, found " + kind(v));
  return v.get<std::string>();
}

FAKEGRAPH_INLINE std::optional<std::string> seed_object::optional_string(const char* key) const {
  if (!has(key)) return std::nullopt;
  return string(key);
}

FAKEGRAPH_INLINE bool seed_object::boolean(const char* key, bool fallback) const {
  if (!has(key)) return fallback;
  const auto& v = j_.at(key);
  if (!v.is_boolean())
    fail("seed", "bad_type", at(key), "expected true or false, found " + kind(v));
  return v.get<bool>();
}

FAKEGRAPH_INLINE std::int64_t seed_object::integer(const char* key, std::int64_t fallback,
                                                   std::int64_t min) const {
  if (!has(key)) return fallback;
  const auto& v = j_.at(key);
  if (!v.is_number_integer() || v.get<std::int64_t>() < min)
    fail("seed", "bad_type", at(key),
         "expected a whole number >= " + std::to_string(min) + ", found " + wire_text(v));
  return v.get<std::int64_t>();
}

FAKEGRAPH_INLINE std::optional<timestamp> seed_object::time(const char* key) const {
  if (!has(key)) return std::nullopt;
  const std::string s = string(key);
  const auto t = parse_time(s);
  if (!t)
    fail("seed", "bad_time", at(key),
         "'" + s + "' is not an ISO-8601 UTC time such as 2026-11-01T12:00:00Z");
  return t;
}

FAKEGRAPH_INLINE std::vector<std::string> seed_object::strings(const char* key) const {
  std::vector<std::string> out;
  for (const auto& [i, v] : array(key)) {
    if (!v->is_string()) fail("seed", "bad_type", i, "expected a string, found " + kind(*v));
    out.push_back(v->get<std::string>());
  }
  return out;
}

FAKEGRAPH_INLINE std::vector<std::pair<std::string, const nlohmann::json*>> seed_object::array(
    const char* key) const {
  std::vector<std::pair<std::string, const nlohmann::json*>> out;
  if (!has(key)) return out;
  const auto& v = j_.at(key);
  if (!v.is_array()) fail("seed", "bad_type", at(key), "expected an array, found " + kind(v));
  for (std::size_t i = 0; i < v.size(); ++i)
    out.emplace_back(at(key) + "[" + std::to_string(i) + "]", &v[i]);
  return out;
}

FAKEGRAPH_INLINE const nlohmann::json* seed_object::value(const char* key,
                                                          nlohmann::json::value_t type) const {
  if (!has(key)) return nullptr;
  const auto& v = j_.at(key);
  if (v.type() != type)
    fail("seed", "bad_type", at(key),
         "expected " + kind(nlohmann::json(type)) + ", found " + kind(v));
  return &v;
}

FAKEGRAPH_INLINE std::string seed_object::kind(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

FAKEGRAPH_INLINE settings load_settings(const nlohmann::json& j) {
  settings s;
  const seed_object o(j, "settings",
                      {"baseUrl", "metering", "evaluationQuota", "now", "queryOptions", "idSeed",
                       "faults", "throttling"});
  s.base_url = o.string("baseUrl", s.base_url);
  while (!s.base_url.empty() && s.base_url.back() == '/') s.base_url.pop_back();
  if (s.base_url.rfind("http://", 0) != 0 && s.base_url.rfind("https://", 0) != 0)
    fail("seed", "bad_value", o.at("baseUrl"), "'" + s.base_url + "' is not an http(s) URL");
  s.metering = o.string("metering", s.metering);
  if (s.metering != "legacy" && s.metering != "none")
    fail("seed", "bad_value", o.at("metering"), "'" + s.metering + "' is not one of: legacy, none");
  s.evaluation_quota = o.integer("evaluationQuota", s.evaluation_quota, 0);
  s.now = o.time("now");
  const std::string q = o.string("queryOptions", "strict");
  if (q != "strict" && q != "lenient")
    fail("seed", "bad_value", o.at("queryOptions"), "'" + q + "' is not one of: strict, lenient");
  s.strict_query_options = q == "strict";
  s.id_seed = static_cast<std::uint64_t>(o.integer("idSeed", 0, 0));
  // Fault rules and throttling are checked where they are understood (faults.hpp).
  if (const auto* faults = o.value("faults", nlohmann::json::value_t::array)) s.faults = *faults;
  if (const auto* throttling = o.value("throttling", nlohmann::json::value_t::object))
    s.throttling = *throttling;
  return s;
}

FAKEGRAPH_INLINE message_sender load_sender(const seed_object& m) {
  message_sender s;
  if (!m.has("from")) return s;
  const seed_object from(m.raw("from"), m.at("from"), {"user", "application"});
  if (from.has("user") == from.has("application"))
    fail("seed", "bad_value", from.path(),
         "give exactly one of 'user' or 'application' (or from: null)");
  if (from.has("user")) {
    s.type = message_sender::kind::user;
    s.id = from.string("user");
  } else {
    const seed_object app(from.raw("application"), from.at("application"),
                          {"id", "displayName", "applicationIdentityType"});
    s.type = message_sender::kind::application;
    s.id = app.string("id");
    s.display_name = app.string("displayName");
    s.identity_type = app.string("applicationIdentityType", "bot");
    static constexpr std::string_view kinds[] = {"aadApplication", "bot", "tenantBot",
                                                 "office365Connector", "outgoingWebhook"};
    if (std::find(std::begin(kinds), std::end(kinds), s.identity_type) == std::end(kinds))
      fail("seed", "bad_value", app.at("applicationIdentityType"),
           "'" + s.identity_type +
               "' is not one of: aadApplication, bot, tenantBot, office365Connector, "
               "outgoingWebhook");
  }
  return s;
}

FAKEGRAPH_INLINE std::optional<timestamp> seeded_message_time(const seed_object& m) {
  if (const auto t = m.time("createdDateTime")) return t;
  const std::string id = m.string("id");
  if (!id.empty() && id.size() < 16 && id.find_first_not_of("0123456789") == std::string::npos)
    return std::stoll(id);
  return std::nullopt;
}

FAKEGRAPH_INLINE chat_message load_message(const seed_object& m, const chat& c, std::size_t index) {
  chat_message msg;
  msg.id = m.string("id");
  msg.from = load_sender(m);
  if (const auto created = seeded_message_time(m)) {
    msg.created = *created;
  } else {
    msg.created = c.created + static_cast<timestamp>(index + 1) * 60000;
  }
  if (const auto t = m.time("lastModifiedDateTime")) msg.last_modified = *t;
  msg.last_edited = m.time("lastEditedDateTime");
  msg.deleted = m.time("deletedDateTime");
  msg.message_type = m.string("messageType", "message");
  msg.importance = m.string("importance", "normal");
  msg.subject = m.optional_string("subject");
  using vt = nlohmann::json::value_t;
  // Absent values keep chat_message's defaults, which are what the seed format says.
  if (const auto* given = m.value("body", vt::object)) {
    const seed_object body(*given, m.at("body"), {"contentType", "content"});
    const std::string type = body.string("contentType", "text");
    check_content_type(type, "seed", body.at("contentType"));
    msg.body = item_body(type, body.string("content"));
  }
  if (const auto* v = m.value("attachments", vt::array)) msg.attachments = *v;
  if (const auto* v = m.value("mentions", vt::array)) msg.mentions = *v;
  if (const auto* v = m.value("reactions", vt::array)) msg.reactions = *v;
  if (const auto* v = m.value("messageHistory", vt::array)) msg.message_history = *v;
  if (const auto* v = m.value("eventDetail", vt::object)) msg.event_detail = *v;
  if (msg.message_type == "systemEventMessage" && msg.from.type != message_sender::kind::none)
    fail("seed", "bad_value", m.at("from"), "a systemEventMessage has no sender (from: null)");
  if (msg.message_type == "systemEventMessage" && !m.has("body"))
    msg.body = item_body("html", "<systemEventMessage/>");
  return msg;
}

FAKEGRAPH_INLINE chat load_chat(const seed_object& o) {
  chat c;
  c.id = o.string("id");
  c.tenant_id = o.string("tenantId");
  const std::string type = o.string("chatType", "group");
  const auto parsed = parse_chat_type(type);
  if (!parsed)
    fail("seed", "bad_value", o.at("chatType"),
         "'" + type + "' is not one of: oneOnOne, group, meeting");
  c.type = *parsed;
  c.topic = o.optional_string("topic");
  c.is_hidden_for_all_members = o.boolean("isHiddenForAllMembers", false);
  c.installed_apps = o.strings("installedApps");
  if (o.has("onlineMeetingInfo")) {
    const seed_object info(o.raw("onlineMeetingInfo"), o.at("onlineMeetingInfo"),
                           {"joinWebUrl", "calendarEventId", "organizerId"});
    online_meeting_info mi;
    mi.join_web_url = info.string("joinWebUrl");
    mi.calendar_event_id = info.optional_string("calendarEventId");
    mi.organizer_id = info.string("organizerId");
    if (mi.organizer_id.empty())
      fail("seed", "missing_field", info.at("organizerId"), "organizerId is required");
    c.meeting = mi;
  }
  for (const auto& [path, m] : o.array("members")) {
    const seed_object mo(*m, path, {"user", "roles", "visibleHistoryStartDateTime", "viewpoint"});
    chat_member member;
    member.user_id = mo.string("user");
    if (member.user_id.empty()) fail("seed", "missing_field", mo.at("user"), "user is required");
    if (mo.has("roles")) member.roles = mo.strings("roles");
    member.visible_history_start = mo.time("visibleHistoryStartDateTime").value_or(null_date);
    if (mo.has("viewpoint")) {
      const seed_object vp(mo.raw("viewpoint"), mo.at("viewpoint"),
                           {"isHidden", "lastMessageReadDateTime"});
      member.is_hidden = vp.boolean("isHidden", false);
      member.last_message_read = vp.time("lastMessageReadDateTime").value_or(null_date);
    }
    c.members.push_back(std::move(member));
  }
  return c;
}

FAKEGRAPH_INLINE token load_token(const seed_object& o) {
  token t;
  t.value = o.string("token");
  const int named =
      int(o.has("user")) + int(o.has("application")) + int(o.boolean("personalAccount", false));
  if (named != 1)
    fail("seed", "bad_token", o.path(),
         "a token names exactly one of 'user', 'application' or 'personalAccount': true");
  if (o.has("user")) {
    t.type = token::kind::user;
    t.subject = o.string("user");
  } else if (o.has("application")) {
    t.type = token::kind::application;
    t.subject = o.string("application");
  } else {
    t.type = token::kind::personal_account;
  }
  if (t.type == token::kind::application && o.has("scopes"))
    fail("seed", "bad_token", o.at("scopes"), "application tokens carry 'roles', not 'scopes'");
  if (t.type != token::kind::application && o.has("roles"))
    fail("seed", "bad_token", o.at("roles"), "delegated tokens carry 'scopes', not 'roles'");
  t.scopes = o.strings("scopes");
  t.roles = o.strings("roles");
  t.expires = o.time("expiresDateTime");
  return t;
}

FAKEGRAPH_INLINE seed_object message_object(const nlohmann::json& j, std::string path) {
  return seed_object(j, std::move(path),
                     {"id", "from", "createdDateTime", "lastModifiedDateTime", "lastEditedDateTime",
                      "deletedDateTime", "messageType", "importance", "subject", "body",
                      "attachments", "mentions", "reactions", "messageHistory", "eventDetail"});
}

FAKEGRAPH_INLINE void add_tenant_entry(world_state& w, const std::string& path,
                                       const nlohmann::json& j, added_ids* ids) {
  const seed_object o(j, path, {"id", "displayName"});
  add_tenant(w, {o.string("id"), o.string("displayName")}, {"seed", path});
  if (ids) ids->tenants.push_back(w.tenants.back().id);
}

FAKEGRAPH_INLINE void add_user_entry(world_state& w, const std::string& path,
                                     const nlohmann::json& j, added_ids* ids) {
  const seed_object o(j, path,
                      {"id", "tenantId", "userPrincipalName", "displayName", "mail", "licenses"});
  add_user(w,
           {o.string("id"), o.string("tenantId"), o.string("userPrincipalName"),
            o.string("displayName"), o.string("mail"), o.strings("licenses")},
           {"seed", path});
  if (ids) ids->users.push_back(w.users.back().id);
}

FAKEGRAPH_INLINE void add_application_entry(world_state& w, const std::string& path,
                                            const nlohmann::json& j, added_ids* ids) {
  const seed_object o(j, path, {"appId", "tenantId", "displayName", "billing"});
  add_application(w,
                  {o.string("appId"), o.string("tenantId"), o.string("displayName"),
                   o.boolean("billing", false)},
                  {"seed", path});
  if (ids) ids->applications.push_back(w.applications.back().app_id);
}

FAKEGRAPH_INLINE void add_chat_entry(world_state& w, const std::string& path,
                                     const nlohmann::json& j, timestamp now, added_ids* ids) {
  const seed_object o(
      j, path,
      {"id", "tenantId", "chatType", "topic", "createdDateTime", "lastUpdatedDateTime",
       "onlineMeetingInfo", "installedApps", "isHiddenForAllMembers", "members", "messages"});
  chat c = load_chat(o);
  const auto messages = o.array("messages");
  std::vector<seed_object> message_objects;
  message_objects.reserve(messages.size());
  for (const auto& [mpath, m] : messages) message_objects.push_back(message_object(*m, mpath));
  // Default times: the chat starts with its first message, or at the graph's "now".
  if (const auto t = o.time("createdDateTime")) {
    c.created = *t;
  } else {
    c.created = now;
    bool any = false;
    for (const auto& mo : message_objects)
      if (const auto mt = seeded_message_time(mo)) {
        c.created = any ? std::min(c.created, *mt) : *mt;
        any = true;
      }
  }
  c.last_updated = o.time("lastUpdatedDateTime").value_or(c.created);
  if (c.last_updated < c.created)
    fail("seed", "bad_value", o.at("lastUpdatedDateTime"),
         "lastUpdatedDateTime is before createdDateTime");
  const std::uint32_t ci = add_chat(w, std::move(c), {"seed", path});
  const std::string chat_id = w.chats[ci].data.id;
  if (ids) ids->chats.push_back(chat_id);
  w.chats[ci].log_to_change().reserve(message_objects.size());
  for (std::size_t i = 0; i < message_objects.size(); ++i) {
    chat_message msg = load_message(message_objects[i], w.chats[ci].data, i);
    const message_ref ref =
        add_message(w, chat_id, std::move(msg), {"seed", message_objects[i].path()});
    if (ids) ids->messages.emplace_back(chat_id, w.message(ref).id);
  }
  w.chats[ci].log_to_change().bodies.shrink_to_fit();  // kept for the world's life
}

FAKEGRAPH_INLINE void add_token_entry(world_state& w, const std::string& path,
                                      const nlohmann::json& j, added_ids* ids) {
  const seed_object o(
      j, path,
      {"token", "user", "application", "personalAccount", "scopes", "roles", "expiresDateTime"});
  add_token(w, load_token(o), {"seed", path});
  if (ids) ids->tokens.push_back(o.string("token"));
}

FAKEGRAPH_INLINE void add_section_entry(world_state& w, seed_section section,
                                        const std::string& path, const nlohmann::json& j,
                                        timestamp now, added_ids* ids) {
  switch (section) {
    case seed_section::tenants:
      return add_tenant_entry(w, path, j, ids);
    case seed_section::users:
      return add_user_entry(w, path, j, ids);
    case seed_section::applications:
      return add_application_entry(w, path, j, ids);
    case seed_section::chats:
      return add_chat_entry(w, path, j, now, ids);
    case seed_section::tokens:
      return add_token_entry(w, path, j, ids);
  }
}

FAKEGRAPH_INLINE void add_sections(world_state& w, const seed_object& root, timestamp now,
                                   added_ids* ids) {
  for (const auto& [section, name] : seed_sections)
    for (const auto& [path, j] : root.array(name))
      add_section_entry(w, section, path, *j, now, ids);
}

FAKEGRAPH_INLINE world_state load_seed(const nlohmann::json& seed) {
  world_state w;
  const seed_object root(seed, "",
                         {"settings", "tenants", "users", "applications", "chats", "tokens"});
  if (root.has("settings")) w.settings = load_settings(root.raw("settings"));
  w.bulk_loading = true;
  // Defaults read the graph's clock: settings.now when fixed, else the wall clock.
  const timestamp now = w.settings.now ? *w.settings.now : fakegraph::clock().now();
  add_sections(w, root, now);
  finish_bulk_load(w);
  return w;
}

FAKEGRAPH_INLINE added_ids add_fragment(world_state& w, const nlohmann::json& fragment,
                                        timestamp now) {
  const seed_object root(fragment, "",
                         {"tenants", "users", "applications", "chats", "tokens", "messages"});
  world_state next = w;
  next.bulk_loading = true;
  added_ids ids;
  add_sections(next, root, now, &ids);
  for (const auto& [path, j] : root.array("messages")) {
    if (!j->is_object()) fail("seed", "bad_type", path, "expected an object with a chatId");
    nlohmann::json body = *j;
    const auto chat_id = body.find("chatId");
    if (chat_id == body.end() || !chat_id->is_string())
      fail("seed", "missing_field", path + ".chatId", "the id of an existing chat is required");
    const std::string id = chat_id->get<std::string>();
    body.erase("chatId");
    const seed_object o = message_object(body, path);
    const stored_chat* sc = next.find_chat(id);
    if (!sc) fail("seed", "unknown_chat", path + ".chatId", "unknown chat '" + id + "'");
    chat_message msg = load_message(o, sc->data, 0);
    if (!seeded_message_time(o)) msg.created = next_message_time(*sc, now);
    const message_ref ref = add_message(next, id, std::move(msg), {"seed", path});
    ids.messages.emplace_back(id, next.message(ref).id);
  }
  finish_bulk_load(next);
  w = std::move(next);
  return ids;
}

FAKEGRAPH_INLINE std::string read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) fail("seed", "no_file", path, "cannot open the seed file");
  std::string text;
  char buffer[65536];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
  const bool failed = std::ferror(f) != 0;  // e.g. a directory: it opens, but reads fail
  std::fclose(f);
  if (failed) fail("seed", "no_file", path, "cannot read the seed file");
  return text;
}

FAKEGRAPH_INLINE nlohmann::json parse_seed_text(const std::string& text, const std::string& name) {
  try {
    return parse_json(text, true);
  } catch (const nlohmann::json::parse_error& e) {
    fail("seed", "bad_json", name, std::string("not valid JSON: ") + e.what());
  }
}

FAKEGRAPH_INLINE bool seed_stream::null() { return put(nullptr); }

FAKEGRAPH_INLINE bool seed_stream::boolean(bool v) { return put(v); }

FAKEGRAPH_INLINE bool seed_stream::number_integer(json::number_integer_t v) { return put(v); }

FAKEGRAPH_INLINE bool seed_stream::number_unsigned(json::number_unsigned_t v) { return put(v); }

FAKEGRAPH_INLINE bool seed_stream::number_float(json::number_float_t v, const json::string_t&) {
  return put(v);
}

FAKEGRAPH_INLINE bool seed_stream::string(json::string_t& v) { return put(std::move(v)); }

FAKEGRAPH_INLINE bool seed_stream::key(json::string_t& k) {
  if (!open_.empty()) {
    key_ = std::move(k);
    return true;
  }
  if (where_ != place::root) return false;
  if (k.rfind("x-", 0) == 0) {
    where_ = place::extension;
    return true;
  }
  if (k == "settings") {
    if (next_section_ != 0 || settings_read_) return false;  // not first, or repeated
    where_ = place::settings;
    return true;
  }
  for (std::size_t i = next_section_; i < std::size(seed_sections); ++i)
    if (k == seed_sections[i].second) {
      section_ = i;
      next_section_ = i + 1;
      where_ = place::section_start;
      return true;
    }
  return false;  // unknown, repeated or out of order
}

FAKEGRAPH_INLINE bool seed_stream::open(json::value_t type) {
  if (open_.empty()) {
    if (where_ == place::document) {
      if (type != json::value_t::object) return false;
      where_ = place::root;
      return true;
    }
    if (where_ == place::section_start) {
      if (type != json::value_t::array) return false;
      where_ = place::section;
      index_ = 0;
      return true;
    }
    if (where_ != place::settings && where_ != place::extension && where_ != place::section)
      return false;
    entry_ = json(type);
    open_.push_back(&entry_);
    return true;
  }
  json& parent = *open_.back();
  json& child = parent.is_array() ? parent.emplace_back(type) : (parent[key_] = json(type));
  open_.push_back(&child);
  return true;
}

FAKEGRAPH_INLINE bool seed_stream::close() {
  if (!open_.empty()) {
    open_.pop_back();
    return open_.empty() ? finish_entry() : true;
  }
  if (where_ == place::section) {
    where_ = place::root;
    return true;
  }
  if (where_ == place::root) {
    where_ = place::done;
    return true;
  }
  return false;
}

FAKEGRAPH_INLINE bool seed_stream::finish_entry() {
  if (where_ == place::settings) {
    w_.settings = load_settings(entry_);
    settings_read_ = true;
    where_ = place::root;
  } else if (where_ == place::extension) {
    where_ = place::root;
  } else {
    if (!now_)  // defaults read the graph's clock: settings.now when fixed, else the wall clock
      now_ = w_.settings.now ? *w_.settings.now : fakegraph::clock().now();
    const auto& [section, name] = seed_sections[section_];
    add_section_entry(w_, section, std::string(name) + "[" + std::to_string(index_++) + "]", entry_,
                      *now_, nullptr);
  }
  entry_ = nullptr;
  return true;
}

FAKEGRAPH_INLINE world_state load_seed_text(const std::string& text, const std::string& name) {
  try {
    world_state w;
    w.bulk_loading = true;
    seed_stream stream(w);
    // nlohmann's parser itself, with parse_json's input type (one lexer compiled for both).
    // json::sax_parse would also compile readers of CBOR, MessagePack, UBJSON and BSON,
    // which a seed never is, into every file of a header-only build. This is nlohmann's
    // detail interface, the same from 3.10 (our minimum) to 3.12.
    using parser = nlohmann::detail::parser<nlohmann::json,
                                            nlohmann::detail::iterator_input_adapter<const char*>>;
    if (parser(nlohmann::detail::input_adapter(text.data(), text.data() + text.size()))
            .sax_parse(&stream) &&
        stream.finished()) {
      finish_bulk_load(w);
      return w;
    }
  } catch (const std::exception&) {
    // A fault in an entry: the DOM loader below names it, with its JSON path.
  }
  return load_seed(parse_seed_text(text, name));
}

}  // namespace fakegraph::detail
