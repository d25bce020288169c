// Changes over time (issue 12): a message edited, deleted or reacted to through the builder,
// as getAllMessages and List chats show it; the same state written in a seed; the change log
// each change leaves in the world; and every refusal, which changes nothing.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <chrono>      // std::chrono::hours, std::chrono::minutes
#include <cstddef>     // std::size_t
#include <cstdint>     // std::uint64_t
#include <functional>  // std::function
#include <map>         // std::map
#include <string>      // std::string
#include <utility>     // std::pair
#include <vector>      // std::vector

#include "support/fixtures.hpp"
#include "support/walk.hpp"

using fakegraph_test::contains_substring;
using fakegraph_test::error_id;
using fakegraph_test::get;
using fakegraph_test::message_text;
using nlohmann::json;
namespace fd = fakegraph::detail;

namespace {

const std::string adele = "adele@contoso.com";
const std::string megan = "megan@contoso.com";
const std::string lee = "lee@contoso.com";

// A group chat of Adele and Megan (Lee is a user, not a member) with one html message of
// Adele's that mentions Megan and carries a file, sent a month before the clock
// (2026-11-01T12:00:00Z).
struct scene {
  fakegraph::graph g = fakegraph::graph::with_users({adele, megan, lee});
  std::string chat;
  std::string message;
};

scene make_scene() {
  scene s;
  s.chat = s.g.add_chat(fakegraph::chat_spec::group({adele, megan}, std::string("Launch")));
  fakegraph::message_spec m{adele, R"(<p>draft for <at id="0">megan</at></p>)",
                            fakegraph::utc("2026-10-01T09:00:00Z")};
  m.content_type = "html";
  m.mentions = json::array({{{"id", 0},
                             {"mentionText", "megan"},
                             {"mentioned", {{"user", {{"displayName", "megan"}}}}}}});
  m.attachments = json::array({{{"id", "a1"},
                                {"contentType", "reference"},
                                {"contentUrl", "https://contoso.sharepoint.com/plan.docx"},
                                {"content", nullptr},
                                {"name", "plan.docx"},
                                {"thumbnailUrl", nullptr}}});
  s.message = s.g.add_message(s.chat, m);
  return s;
}

// Every item getAllMessages returns for `user` (the app token), all pages.
std::vector<json> exported(const fakegraph::graph& g, const std::string& user,
                           const std::string& query = {}) {
  std::vector<json> items;
  for (const json& page : fakegraph_test::walk(
           g, "/v1.0/users/" + user + "/chats/getAllMessages?$top=50" + query, "app"))
    for (const json& item : page.at("value")) items.push_back(item);
  return items;
}

std::vector<std::string> exported_ids(const fakegraph::graph& g, const std::string& user,
                                      const std::string& query = {}) {
  std::vector<std::string> ids;
  for (const json& item : exported(g, user, query)) ids.push_back(item.at("id").get<std::string>());
  return ids;
}

// The message `id` as getAllMessages returns it to `user` (null when it does not).
json exported_item(const fakegraph::graph& g, const std::string& user, const std::string& id) {
  for (const json& item : exported(g, user))
    if (item.at("id") == id) return item;
  return nullptr;
}

// The lastMessagePreview of the first chat List chats gives `user` (a delegated token).
json preview(const fakegraph::graph& g, const std::string& user) {
  const fakegraph::response r = get(g, "/v1.0/me/chats?$expand=lastMessagePreview", user);
  REQUIRE(r.status == 200);
  const json page = r.json();
  REQUIRE(!page.at("value").empty());
  return page.at("value").at(0).at("lastMessagePreview");
}

// A user's id, as List chats' members expansion names it.
std::string user_id(const fakegraph::graph& g, const std::string& upn) {
  const json page = get(g, "/v1.0/users/" + upn + "/chats?$expand=members", "app").json();
  for (const json& c : page.at("value"))
    for (const json& m : c.at("members"))
      if (m.at("email") == upn) return m.at("userId").get<std::string>();
  return {};
}

json reaction(const std::string& type, const json& display_name, const std::string& at,
              const std::string& id, const std::string& name, const std::string& identity) {
  return {{"reactionType", type},
          {"displayName", display_name},
          {"reactionContentUrl", nullptr},
          {"createdDateTime", at},
          {"user",
           {{"application", nullptr},
            {"device", nullptr},
            {"user", {{"id", id}, {"displayName", name}, {"userIdentityType", identity}}}}}};
}

json history_item(const std::string& at, const json& r,
                  const std::string& action = "reactionAdded") {
  return {{"modifiedDateTime", at}, {"actions", action}, {"reaction", r}};
}

std::string etag_at(const std::string& time) { return std::to_string(fakegraph::utc(time)); }

}  // namespace

// ---- through the builder, as the endpoints show it -------------------------------------------

TEST_CASE(
    "Changes: an edit gives a new body and moves lastEditedDateTime, lastModifiedDateTime "
    "and etag",
    "[changes][edit]") {
  scene s = make_scene();
  const json before = exported_item(s.g, adele, s.message);
  REQUIRE(before.is_object());
  REQUIRE(before.at("etag") == s.message);  // equals the id at creation
  s.g.clock().advance(std::chrono::minutes(5));
  s.g.edit_message(s.chat, s.message, "final plan");

  const std::string now = "2026-11-01T12:05:00Z";
  json expected = before;
  expected["body"] = {{"contentType", "text"}, {"content", "final plan"}};
  expected["lastEditedDateTime"] = now;
  expected["lastModifiedDateTime"] = now;
  expected["etag"] = etag_at(now);
  CHECK(exported_item(s.g, adele, s.message) == expected);
  CHECK(exported_item(s.g, megan, s.message) == expected);

  const json p = preview(s.g, megan);
  CHECK(p.at("id") == s.message);
  CHECK(p.at("body") == expected["body"]);
  CHECK(p.at("isDeleted") == false);

  SECTION("an html body, edited again later") {
    s.g.clock().advance(std::chrono::hours(1));
    s.g.edit_message(s.chat, s.message, "<p>final <b>plan</b></p>", "html");
    const json again = exported_item(s.g, adele, s.message);
    CHECK(again.at("body") ==
          json({{"contentType", "html"}, {"content", "<p>final <b>plan</b></p>"}}));
    CHECK(again.at("lastEditedDateTime") == "2026-11-01T13:05:00Z");
    CHECK(again.at("lastModifiedDateTime") == "2026-11-01T13:05:00Z");
    CHECK(again.at("etag") == etag_at("2026-11-01T13:05:00Z"));
    CHECK(again.at("createdDateTime") == "2026-10-01T09:00:00Z");
  }

  SECTION("a lastModifiedDateTime filter finds the month-old message by its edit") {
    CHECK(exported_ids(s.g, adele, "&$filter=lastModifiedDateTime%20gt%202026-11-01T12:00:00Z") ==
          std::vector<std::string>{s.message});
    CHECK(exported_ids(s.g, adele, "&$filter=lastModifiedDateTime%20gt%202026-11-01T12:05:00Z")
              .empty());
  }
}

TEST_CASE("Changes: a deletion sets deletedDateTime and empties the body, attachments and mentions",
          "[changes][delete]") {
  scene s = make_scene();
  const json before = exported_item(s.g, adele, s.message);
  REQUIRE(before.at("attachments").size() == 1);
  REQUIRE(before.at("mentions").size() == 1);
  s.g.clock().advance(std::chrono::minutes(7));
  s.g.delete_message(s.chat, s.message);

  const std::string now = "2026-11-01T12:07:00Z";
  json expected = before;
  expected["body"] = {{"contentType", "html"}, {"content", ""}};
  expected["attachments"] = json::array();
  expected["mentions"] = json::array();
  expected["deletedDateTime"] = now;
  expected["lastModifiedDateTime"] = now;
  expected["etag"] = etag_at(now);
  CHECK(exported_item(s.g, adele, s.message) == expected);
  CHECK(exported_item(s.g, adele, s.message).at("lastEditedDateTime").is_null());

  const json p = preview(s.g, adele);
  CHECK(p.at("id") == s.message);
  CHECK(p.at("isDeleted") == true);
  CHECK(p.at("body") == json({{"contentType", "html"}, {"content", ""}}));

  // The 21-day rule: exported for 21 days after the deletion, then no more.
  s.g.clock().advance(std::chrono::hours(21 * 24));
  CHECK(exported_ids(s.g, adele) == std::vector<std::string>{s.message});
  s.g.clock().advance(std::chrono::hours(24));
  CHECK(exported_ids(s.g, adele).empty());
  CHECK(exported_ids(s.g, megan).empty());
}

TEST_CASE(
    "Changes: a reaction adds to reactions and messageHistory and moves lastModifiedDateTime "
    "only",
    "[changes][reaction]") {
  scene s = make_scene();
  const json before = exported_item(s.g, adele, s.message);
  const json preview_before = preview(s.g, adele);
  const std::string megan_id = user_id(s.g, megan);
  REQUIRE(!megan_id.empty());
  s.g.clock().advance(std::chrono::minutes(2));
  s.g.add_reaction(s.chat, s.message, megan, "heart");

  const std::string now = "2026-11-01T12:02:00Z";
  const json heart = reaction("heart", "Heart", now, megan_id, "megan", "aadUser");
  json expected = before;
  expected["reactions"] = json::array({heart});
  expected["messageHistory"] = json::array({history_item(now, heart)});
  expected["lastModifiedDateTime"] = now;
  expected["etag"] = etag_at(now);
  CHECK(exported_item(s.g, adele, s.message) == expected);
  CHECK(exported_item(s.g, adele, s.message).at("lastEditedDateTime").is_null());
  CHECK(preview(s.g, adele) == preview_before);  // a preview carries no reactions

  SECTION("by id, with an emoji, after the first") {
    s.g.clock().advance(std::chrono::minutes(1));
    const std::string later = "2026-11-01T12:03:00Z";
    s.g.add_reaction(s.chat, s.message, megan_id, "\xF0\x9F\x91\x8D");  // U+1F44D thumbs up
    const json thumbs = reaction("\xF0\x9F\x91\x8D", nullptr, later, megan_id, "megan", "aadUser");
    const json item = exported_item(s.g, adele, s.message);
    CHECK(item.at("reactions") == json::array({heart, thumbs}));
    CHECK(item.at("messageHistory") ==
          json::array({history_item(now, heart), history_item(later, thumbs)}));
    CHECK(item.at("lastModifiedDateTime") == later);
    CHECK(item.at("etag") == etag_at(later));
  }

  SECTION("every named reaction, with its displayName") {
    const std::pair<std::string, std::string> named[] = {
        {"like", "Like"},   {"angry", "Angry"}, {"sad", "Sad"},
        {"laugh", "Laugh"}, {"heart", "Heart"}, {"surprised", "Surprised"}};
    for (const auto& [type, display] : named) s.g.add_reaction(s.chat, s.message, adele, type);
    const json item = exported_item(s.g, megan, s.message);
    REQUIRE(item.at("reactions").size() == 7);
    for (std::size_t i = 0; i < 6; ++i) {
      CHECK(item.at("reactions").at(i + 1).at("reactionType") == named[i].first);
      CHECK(item.at("reactions").at(i + 1).at("displayName") == named[i].second);
    }
  }

  SECTION("a member of another tenant reacts as a federatedUser") {
    const std::string fabrikam = s.g.add_tenant("Fabrikam");
    s.g.add_user({"kat@fabrikam.com", "Kat Larsen", fabrikam});
    s.g.add_member(s.chat, {"kat@fabrikam.com"});
    s.g.add_reaction(s.chat, s.message, "kat@fabrikam.com", "laugh");
    const json item = exported_item(s.g, adele, s.message);
    REQUIRE(item.at("reactions").size() == 2);
    CHECK(item.at("reactions").at(1).at("user").at("user").at("userIdentityType") ==
          "federatedUser");
    CHECK(item.at("reactions").at(1).at("user").at("user").at("displayName") == "Kat Larsen");
  }
}

// ---- the same states written in a seed ----------------------------------------------------

namespace {

json seed_user(const std::string& id, const std::string& upn, const std::string& name) {
  return {{"id", id}, {"userPrincipalName", upn}, {"displayName", name}};
}

// Two messages of a group chat; `changed` writes the states the builder's changes leave.
json changes_seed(bool changed) {
  const std::string megan_id = "0b1c6a96-b1f5-4ab2-8f4a-a46764e29b77";
  json first = {{"id", "1790845200000"},
                {"from", {{"user", adele}}},
                {"createdDateTime", "2026-10-01T09:00:00Z"},
                {"body", {{"contentType", "text"}, {"content", "draft"}}}};
  json second = {{"id", "1790845800000"},
                 {"from", {{"user", megan}}},
                 {"createdDateTime", "2026-10-01T09:10:00Z"},
                 {"body", {{"contentType", "text"}, {"content", "oops"}}}};
  if (changed) {
    const json heart =
        reaction("heart", "Heart", "2026-10-01T10:05:00Z", megan_id, "Megan Bowen", "aadUser");
    first["body"]["content"] = "final";
    first["lastEditedDateTime"] = "2026-10-01T10:00:00Z";
    first["lastModifiedDateTime"] = "2026-10-01T10:05:00Z";
    first["reactions"] = json::array({heart});
    first["messageHistory"] = json::array({history_item("2026-10-01T10:05:00Z", heart)});
    second["body"]["content"] = "";
    second["deletedDateTime"] = "2026-10-01T10:10:00Z";
  }
  return {
      {"settings", {{"now", "2026-10-02T12:00:00Z"}, {"metering", "none"}}},
      {"tenants", {{{"id", "b33cbe9f-8ebe-4f2a-912b-7e2a427f477f"}, {"displayName", "Contoso"}}}},
      {"users",
       {seed_user("8b081ef6-4792-4def-b2c9-c363a1bf41d5", adele, "Adele Vance"),
        seed_user(megan_id, megan, "Megan Bowen")}},
      {"applications",
       {{{"appId", "5d5f3b1c-7a1e-4c1a-9b1e-2f6a0c9d1e01"}, {"displayName", "Exporter"}}}},
      {"chats",
       {{{"id", "19:0123456789abcdef0123456789abcdef@thread.v2"},
         {"chatType", "group"},
         {"topic", "Launch"},
         {"createdDateTime", "2026-10-01T08:00:00Z"},
         {"members", {{{"user", adele}}, {{"user", megan}}}},
         {"messages", {first, second}}}}},
      {"tokens",
       {{{"token", "app"},
         {"application", "5d5f3b1c-7a1e-4c1a-9b1e-2f6a0c9d1e01"},
         {"roles", {"Chat.Read.All"}}},
        {{"token", adele}, {"user", adele}, {"scopes", {"Chat.Read"}}}}}};
}

}  // namespace

TEST_CASE(
    "Changes: a seed's lastEditedDateTime, deletedDateTime and reactions show as the "
    "builder's changes do",
    "[changes][seed]") {
  auto built = fakegraph::graph::from_json(changes_seed(false));
  const std::string chat = "19:0123456789abcdef0123456789abcdef@thread.v2";
  built.clock().set(fakegraph::utc("2026-10-01T10:00:00Z"));
  built.edit_message(chat, "1790845200000", "final");
  built.clock().set(fakegraph::utc("2026-10-01T10:05:00Z"));
  built.add_reaction(chat, "1790845200000", megan, "heart");
  built.clock().set(fakegraph::utc("2026-10-01T10:10:00Z"));
  built.delete_message(chat, "1790845800000");
  built.clock().set(fakegraph::utc("2026-10-02T12:00:00Z"));

  const auto seeded = fakegraph::graph::from_json(changes_seed(true));
  const std::string url = "/v1.0/users/" + adele + "/chats/getAllMessages";
  const json from_builder = get(built, url, "app").json();
  REQUIRE(from_builder.at("value").size() == 2);
  CHECK(from_builder.at("value").at(1).at("deletedDateTime") == "2026-10-01T10:10:00Z");
  CHECK(from_builder == get(seeded, url, "app").json());

  const std::string chats = "/v1.0/me/chats?$expand=lastMessagePreview";
  const json previews = get(built, chats, adele).json();
  CHECK(previews.at("value").at(0).at("lastMessagePreview").at("isDeleted") == true);
  CHECK(previews == get(seeded, chats, adele).json());
}

// ---- what a change leaves in the world ----------------------------------------------------

namespace {

const std::string id_adele = "8b081ef6-4792-4def-b2c9-c363a1bf41d5";
const std::string id_megan = "0b1c6a96-b1f5-4ab2-8f4a-a46764e29b77";
const std::string id_lee = "2f1a5b7e-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
const std::string world_chat = "19:0123456789abcdef0123456789abcdef@thread.v2";

// Adele and Megan see every message; Lee joined after the first ones and sees none of them.
// "m1" is Adele's, "sys" a system event, "gone" deleted.
fd::world_state changes_world() {
  const json seed = {
      {"settings", {{"now", "2026-11-01T12:00:00Z"}}},
      {"tenants", {{{"id", "b33cbe9f-8ebe-4f2a-912b-7e2a427f477f"}, {"displayName", "Contoso"}}}},
      {"users",
       {{{"id", id_adele}, {"userPrincipalName", adele}},
        {{"id", id_megan}, {"userPrincipalName", megan}},
        {{"id", id_lee}, {"userPrincipalName", lee}},
        {{"userPrincipalName", "nina@contoso.com"}}}},
      {"chats",
       {{{"id", world_chat},
         {"chatType", "group"},
         {"createdDateTime", "2026-10-01T08:00:00Z"},
         {"members",
          {{{"user", adele}},
           {{"user", megan}},
           {{"user", lee}, {"visibleHistoryStartDateTime", "2026-10-15T00:00:00Z"}}}},
         {"messages",
          {{{"id", "m1"},
            {"from", {{"user", adele}}},
            {"createdDateTime", "2026-10-01T09:00:00Z"},
            {"lastModifiedDateTime", "2026-10-01T09:30:00Z"},
            {"body", {{"contentType", "text"}, {"content", "draft"}}}},
           {{"id", "sys"},
            {"from", nullptr},
            {"messageType", "systemEventMessage"},
            {"createdDateTime", "2026-10-01T09:01:00Z"}},
           {{"id", "gone"},
            {"from", {{"user", megan}}},
            {"createdDateTime", "2026-10-01T09:02:00Z"},
            {"deletedDateTime", "2026-10-01T09:03:00Z"},
            {"body", {{"contentType", "text"}, {"content", ""}}}}}}}}}};
  return fd::load_seed(seed);
}

const fd::origin here{"world", "test"};
const fakegraph::timestamp at_now = fakegraph::utc("2026-11-01T12:00:00Z");

// Everything of the messages that a change touches, and the change logs' sizes.
std::string fingerprint(const fd::world_state& w) {
  std::string out = std::to_string(w.next_seq) + "|" + std::to_string(w.max_modify_lag) + "|";
  for (const auto& sc : w.chats)
    for (const auto& sm : sc.messages()) {
      out += message_text(sc, sm, true) + message_text(sc, sm, false);
      out += "|" + std::to_string(sm.changed) + "|" + std::to_string(sm.earlier_modified.size());
    }
  std::map<std::string, std::size_t> logs;
  for (const auto& [user, log] : w.changes_of_user) logs[user] = log.get().size();
  for (const auto& [user, size] : logs) out += "|" + user + "=" + std::to_string(size);
  return out;
}

// The message of the fakegraph::error that `f` throws.
std::string error_text(const std::function<void()>& f) {
  try {
    f();
  } catch (const fakegraph::error& e) {
    return e.what();
  }
  return "(no fakegraph::error)";
}

}  // namespace

TEST_CASE("Changes: each change gets a seq and an entry in the log of every member who sees it",
          "[changes][record]") {
  fd::world_state w = changes_world();
  const fd::message_ref ref = fd::find_message(w, world_chat, "m1", here);
  const fd::stored_message& sm = w.message(ref);
  const fakegraph::timestamp was = fakegraph::utc("2026-10-01T09:30:00Z");
  REQUIRE(sm.last_modified == was);
  const std::uint64_t added = sm.changed;
  const std::size_t adele_log = w.user_changes(id_adele).size();
  const std::size_t megan_log = w.user_changes(id_megan).size();
  const std::size_t lee_log = w.user_changes(id_lee).size();
  const std::uint64_t next = w.next_seq;

  fd::message_ref changed;
  SECTION("an edit") {
    changed = fd::edit_message(w, world_chat, "m1", "final", "text", at_now, here);
  }
  SECTION("a deletion") { changed = fd::delete_message(w, world_chat, "m1", at_now, here); }
  SECTION("a reaction") {
    changed = fd::add_reaction(w, world_chat, "m1", megan, "like", at_now, here);
  }
  CHECK(changed.chat == ref.chat);
  CHECK(changed.message == ref.message);

  const std::uint64_t seq = sm.changed;
  CHECK(seq == next);
  CHECK(seq > added);
  CHECK(w.next_seq == next + 1);
  CHECK(sm.last_modified == at_now);
  CHECK(sm.earlier_modified ==
        std::vector<std::pair<std::uint64_t, fakegraph::timestamp>>{{seq, was}});
  CHECK(sm.last_modified_as_of(seq - 1) == was);
  CHECK(sm.last_modified_as_of(seq) == at_now);
  CHECK(w.max_modify_lag == at_now - sm.created);
  // The message is written in its new state.
  CHECK(json::parse(message_text(w.chats[ref.chat], sm)).at("lastModifiedDateTime") ==
        "2026-11-01T12:00:00Z");
  CHECK(fd::message_model(w.chats[ref.chat], sm).last_modified == at_now);

  for (const std::string& id : {id_adele, id_megan}) {
    INFO(id);
    const std::vector<fd::change_entry>& log = w.user_changes(id);
    REQUIRE(log.size() == (id == id_adele ? adele_log : megan_log) + 1);
    CHECK(log.back().seq == seq);
    CHECK(log.back().ref.chat == ref.chat);
    CHECK(log.back().ref.message == ref.message);
  }
  CHECK(w.user_changes(id_lee).size() == lee_log);  // Lee does not see m1
}

TEST_CASE("Changes: copies of a world share a chat's messages until one of them changes it",
          "[changes][copies]") {
  // reset()'s seed, snapshots and a fragment's trial world are such copies: sharing keeps a
  // seed from being held twice, and a change to one copy must not show in another.
  fd::world_state w = changes_world();
  const fd::world_state seed = w;
  const std::string before = fingerprint(seed);
  REQUIRE(&w.chats[0].messages() == &seed.chats[0].messages());
  // So do the users' indexes.
  for (const auto& [user, list] : w.changes_of_user)
    REQUIRE(list.shares(seed.changes_of_user.at(user)));
  for (const auto& [user, list] : w.messages_of_user)
    REQUIRE(list.shares(seed.messages_of_user.at(user)));

  SECTION("an edit") { fd::edit_message(w, world_chat, "m1", "final", "text", at_now, here); }
  SECTION("a deletion") { fd::delete_message(w, world_chat, "m1", at_now, here); }
  SECTION("a reaction") { fd::add_reaction(w, world_chat, "m1", megan, "like", at_now, here); }
  fakegraph::chat_message added;
  added.from.type = fakegraph::message_sender::kind::user;
  added.from.id = adele;
  added.created = at_now;
  SECTION("a new message") { fd::add_message(w, world_chat, added, here); }
  CHECK(&w.chats[0].messages() != &seed.chats[0].messages());
  CHECK_FALSE(w.changes_of_user.at(id_adele).shares(seed.changes_of_user.at(id_adele)));
  CHECK(fingerprint(seed) == before);
  CHECK(fingerprint(w) != before);

  // The changed copy owns its messages now: a second change copies nothing more.
  const auto* owned = &w.chats[0].messages();
  added.created = at_now + 1;
  fd::add_message(w, world_chat, added, here);
  CHECK(&w.chats[0].messages() == owned);
}

TEST_CASE("Store: a message is kept compact and gives its model back whole", "[store][compact]") {
  fd::world_state w = changes_world();
  // Messages of one sender share its sender; a system event has none.
  const fd::stored_message& m1 = w.message(fd::find_message(w, world_chat, "m1", here));
  const fd::stored_message& gone = w.message(fd::find_message(w, world_chat, "gone", here));
  const fd::stored_message& sys = w.message(fd::find_message(w, world_chat, "sys", here));
  CHECK(w.senders.size() == 2);  // Adele and Megan
  CHECK(sys.from == nullptr);
  CHECK(sys.sender().type == fakegraph::message_sender::kind::none);
  // A plain message keeps none of the rare fields.
  CHECK(m1.extras == nullptr);
  CHECK(gone.extras == nullptr);
  // A body {contentType, content} keeps its content alone.
  CHECK(m1.body == fd::stored_body::text);
  CHECK(w.chats[0].body_of(m1) == "draft");
  CHECK(sys.body == fd::stored_body::html);
  CHECK(json::parse(message_text(w.chats[0], sys)).at("body") ==
        json({{"contentType", "html"}, {"content", "<systemEventMessage/>"}}));
  // (Adding messages below may move the stored ones: no reference is kept past here.)
  fakegraph::chat_message again;
  again.id = "m2";
  again.from.type = fakegraph::message_sender::kind::user;
  again.from.id = adele;  // by UPN: stored as the same sender as m1's
  again.created = at_now;
  const fd::message_ref second = fd::add_message(w, world_chat, again, here);
  CHECK(w.message(second).from == w.message(fd::find_message(w, world_chat, "m1", here)).from);
  CHECK(w.senders.size() == 2);

  // A message with every field comes back as it was given, its sender resolved.
  fakegraph::chat_message full;
  full.id = "full";
  full.from.type = fakegraph::message_sender::kind::user;
  full.from.id = megan;
  full.created = at_now;
  full.last_modified = at_now + 5;
  full.last_edited = at_now + 5;
  full.importance = "urgent";
  full.subject = "Subject";
  full.body = {{"contentType", "html"}, {"content", "<p>\u00e9t\u00e9 \"quoted\"</p>"}};
  full.attachments = json::array({{{"id", "a1"}, {"contentType", "reference"}}});
  full.mentions = json::array({{{"id", 0}, {"mentionText", "Adele"}}});
  full.reactions = json::array({{{"reactionType", "like"}}});
  full.message_history =
      json::array({{{"actions", "reactionAdded"}, {"modifiedDateTime", "2026-11-01T12:00:00Z"}}});
  full.event_detail = {{"@odata.type", "#microsoft.graph.chatRenamedEventMessageDetail"}};
  const fd::stored_message& stored = w.message(fd::add_message(w, world_chat, full, here));
  REQUIRE(stored.extras != nullptr);
  const fakegraph::chat_message back = fd::message_model(w.chats[0], stored);
  CHECK(back.id == full.id);
  CHECK(back.from.type == full.from.type);
  CHECK(back.from.id == id_megan);
  CHECK(back.from.tenant_id == "b33cbe9f-8ebe-4f2a-912b-7e2a427f477f");
  CHECK(back.created == full.created);
  CHECK(back.last_modified == full.last_modified);
  CHECK(back.last_edited == full.last_edited);
  CHECK_FALSE(back.deleted.has_value());
  CHECK(back.message_type == "message");
  CHECK(back.importance == "urgent");
  CHECK(back.subject == full.subject);
  CHECK(back.body == full.body);
  CHECK(back.attachments == full.attachments);
  CHECK(back.mentions == full.mentions);
  CHECK(back.reactions == full.reactions);
  CHECK(back.message_history == full.message_history);
  CHECK(back.event_detail == full.event_detail);
  // And it is written from what is stored.
  const json wire = json::parse(message_text(w.chats[0], stored));
  CHECK(wire.at("subject") == "Subject");
  CHECK(wire.at("importance") == "urgent");
  CHECK(wire.at("body") == full.body);
  CHECK(wire.at("attachments") == full.attachments);
  CHECK(wire.at("messageHistory") == full.message_history);
  CHECK(wire.at("eventDetail") == full.event_detail);
  CHECK(wire.at("lastEditedDateTime") == "2026-11-01T12:00:00.005Z");

  // Any other body is kept and written as it was given.
  fakegraph::chat_message odd = again;
  odd.id = "odd";
  odd.body = {{"contentType", "text"}, {"content", "x"}, {"x-extra", 1}};
  const fd::message_ref odd_ref = fd::add_message(w, world_chat, odd, here);
  CHECK(w.message(odd_ref).body == fd::stored_body::json);
  CHECK(fd::message_model(w.chats[0], w.message(odd_ref)).body == odd.body);
  CHECK(json::parse(message_text(w.chats[0], w.message(odd_ref))).at("body") == odd.body);
}

TEST_CASE("Changes: a refused change names its fault and changes nothing", "[changes][refusals]") {
  fd::world_state w = changes_world();
  const fakegraph::timestamp early = fakegraph::utc("2026-10-01T09:29:59Z");
  struct refusal {
    std::string name;
    std::function<void(fd::world_state&)> call;
    std::string kind;
  };
  const refusal refusals[] = {
      {"edit, unknown chat",
       [](fd::world_state& x) {
         fd::edit_message(x, "19:none@thread.v2", "m1", "x", "text", at_now, here);
       },
       "unknown_chat"},
      {"delete, unknown chat",
       [](fd::world_state& x) { fd::delete_message(x, "19:none@thread.v2", "m1", at_now, here); },
       "unknown_chat"},
      {"react, unknown chat",
       [](fd::world_state& x) {
         fd::add_reaction(x, "19:none@thread.v2", "m1", adele, "like", at_now, here);
       },
       "unknown_chat"},
      {"edit, unknown message",
       [](fd::world_state& x) { fd::edit_message(x, world_chat, "m9", "x", "text", at_now, here); },
       "unknown_message"},
      {"delete, unknown message",
       [](fd::world_state& x) { fd::delete_message(x, world_chat, "m9", at_now, here); },
       "unknown_message"},
      {"react, unknown message",
       [](fd::world_state& x) {
         fd::add_reaction(x, world_chat, "m9", adele, "like", at_now, here);
       },
       "unknown_message"},
      {"react, unknown user",
       [](fd::world_state& x) {
         fd::add_reaction(x, world_chat, "m1", "nobody@contoso.com", "like", at_now, here);
       },
       "unknown_user"},
      {"react, not a member",
       [](fd::world_state& x) {
         fd::add_reaction(x, world_chat, "m1", "nina@contoso.com", "like", at_now, here);
       },
       "not_a_member"},
      {"edit, contentType markdown",
       [](fd::world_state& x) {
         fd::edit_message(x, world_chat, "m1", "x", "markdown", at_now, here);
       },
       "bad_value"},
      {"react, an unknown name",
       [](fd::world_state& x) {
         fd::add_reaction(x, world_chat, "m1", adele, "thumbsup", at_now, here);
       },
       "bad_value"},
      {"react, empty",
       [](fd::world_state& x) { fd::add_reaction(x, world_chat, "m1", adele, "", at_now, here); },
       "bad_value"},
      {"react, an emoji with ASCII",
       [](fd::world_state& x) {
         fd::add_reaction(x, world_chat, "m1", adele, "\xF0\x9F\x91\x8Dok", at_now, here);
       },
       "bad_value"},
      {"react, broken UTF-8",
       [](fd::world_state& x) {
         fd::add_reaction(x, world_chat, "m1", adele, "\xF0\x9F", at_now, here);
       },
       "bad_value"},
      {"edit a system event",
       [](fd::world_state& x) {
         fd::edit_message(x, world_chat, "sys", "x", "text", at_now, here);
       },
       "system_event"},
      {"edit a deleted message",
       [](fd::world_state& x) {
         fd::edit_message(x, world_chat, "gone", "x", "text", at_now, here);
       },
       "message_deleted"},
      {"delete twice",
       [](fd::world_state& x) { fd::delete_message(x, world_chat, "gone", at_now, here); },
       "message_deleted"},
      {"react to a deleted message",
       [](fd::world_state& x) {
         fd::add_reaction(x, world_chat, "gone", adele, "like", at_now, here);
       },
       "message_deleted"},
      {"edit before the last change",
       [&](fd::world_state& x) { fd::edit_message(x, world_chat, "m1", "x", "text", early, here); },
       "bad_time"},
      {"delete before the last change",
       [&](fd::world_state& x) { fd::delete_message(x, world_chat, "m1", early, here); },
       "bad_time"},
      {"react before the last change",
       [&](fd::world_state& x) {
         fd::add_reaction(x, world_chat, "m1", adele, "like", early, here);
       },
       "bad_time"},
      {"unreact, unknown chat",
       [](fd::world_state& x) {
         fd::remove_reaction(x, "19:none@thread.v2", "m1", adele, "like", at_now, here);
       },
       "unknown_chat"},
      {"unreact, unknown message",
       [](fd::world_state& x) {
         fd::remove_reaction(x, world_chat, "m9", adele, "like", at_now, here);
       },
       "unknown_message"},
      {"unreact, unknown user",
       [](fd::world_state& x) {
         fd::remove_reaction(x, world_chat, "m1", "nobody@contoso.com", "like", at_now, here);
       },
       "unknown_user"},
      {"unreact, not a member",
       [](fd::world_state& x) {
         fd::remove_reaction(x, world_chat, "m1", "nina@contoso.com", "like", at_now, here);
       },
       "not_a_member"},
      {"unreact, no such reaction",
       [](fd::world_state& x) {
         fd::remove_reaction(x, world_chat, "m1", adele, "like", at_now, here);
       },
       "no_reaction"},
      {"unreact, a deleted message",
       [](fd::world_state& x) {
         fd::remove_reaction(x, world_chat, "gone", adele, "like", at_now, here);
       },
       "message_deleted"},
      {"unreact before the last change",
       [&](fd::world_state& x) {
         fd::remove_reaction(x, world_chat, "m1", adele, "like", early, here);
       },
       "bad_time"},
  };
  const std::string before = fingerprint(w);
  for (const auto& r : refusals) {
    INFO(r.name);
    CHECK(error_id([&] { r.call(w); }) == "fakegraph.world." + r.kind);
    CHECK(fingerprint(w) == before);
  }

  // The messages say what was wrong.
  CHECK_THAT(error_text([&] { fd::edit_message(w, world_chat, "m1", "x", "text", early, here); }),
             contains_substring("the graph's clock (2026-10-01T09:29:59Z) is before the "
                                "lastModifiedDateTime (2026-10-01T09:30:00Z) of message 'm1'"));
  CHECK_THAT(error_text([&] { fd::delete_message(w, world_chat, "gone", at_now, here); }),
             contains_substring("message 'gone' was deleted at 2026-10-01T09:03:00Z"));
  CHECK_THAT(error_text([&] { fd::edit_message(w, world_chat, "sys", "x", "text", at_now, here); }),
             contains_substring("system events cannot be edited"));
  CHECK_THAT(error_text([&] { fd::add_reaction(w, world_chat, "m1", adele, "+1", at_now, here); }),
             contains_substring("like, angry, sad, laugh, heart, surprised or a single emoji"));
  CHECK_THAT(error_text([&] { fd::edit_message(w, world_chat, "m9", "x", "text", at_now, here); }),
             contains_substring("test.messageId: unknown message 'm9' in chat '" + world_chat));
  // At the same instant as the last change is not before it.
  CHECK_NOTHROW(fd::edit_message(w, world_chat, "m1", "x", "text",
                                 fakegraph::utc("2026-10-01T09:30:00Z"), here));
}

TEST_CASE("Changes: the builder's calls refuse as the world does, at the graph's clock",
          "[changes][refusals]") {
  scene s = make_scene();
  const std::string before = get(s.g, "/v1.0/users/" + adele + "/chats/getAllMessages", "app").body;
  CHECK(error_id([&] { s.g.edit_message(s.chat, "404", "x"); }) ==
        "fakegraph.world.unknown_message");
  CHECK(error_id([&] { s.g.edit_message(s.chat, s.message, "x", "markdown"); }) ==
        "fakegraph.world.bad_value");
  CHECK(error_id([&] { s.g.delete_message("19:none@thread.v2", s.message); }) ==
        "fakegraph.world.unknown_chat");
  CHECK(error_id([&] { s.g.add_reaction(s.chat, s.message, lee); }) ==
        "fakegraph.world.not_a_member");
  CHECK(error_id([&] { s.g.add_reaction(s.chat, s.message, "nobody@contoso.com"); }) ==
        "fakegraph.world.unknown_user");
  CHECK(error_id([&] { s.g.remove_reaction(s.chat, s.message, megan); }) ==
        "fakegraph.world.no_reaction");
  CHECK(error_id([&] { s.g.remove_reaction(s.chat, s.message, lee); }) ==
        "fakegraph.world.not_a_member");
  // The graph's clock stands before the message's lastModifiedDateTime.
  s.g.clock().set(fakegraph::utc("2026-10-01T08:59:00Z"));
  CHECK_THAT(error_text([&] { s.g.edit_message(s.chat, s.message, "x"); }),
             contains_substring("[fakegraph.world.bad_time] edit_message.messageId: the graph's "
                                "clock (2026-10-01T08:59:00Z) is before the lastModifiedDateTime "
                                "(2026-10-01T09:00:00Z)"));
  CHECK(error_id([&] { s.g.delete_message(s.chat, s.message); }) == "fakegraph.world.bad_time");
  CHECK(error_id([&] { s.g.add_reaction(s.chat, s.message, megan); }) ==
        "fakegraph.world.bad_time");
  s.g.clock().set(fakegraph::default_now);
  CHECK(get(s.g, "/v1.0/users/" + adele + "/chats/getAllMessages", "app").body == before);

  s.g.delete_message(s.chat, s.message);
  CHECK(error_id([&] { s.g.delete_message(s.chat, s.message); }) ==
        "fakegraph.world.message_deleted");
  CHECK(error_id([&] { s.g.edit_message(s.chat, s.message, "x"); }) ==
        "fakegraph.world.message_deleted");
  CHECK(error_id([&] { s.g.add_reaction(s.chat, s.message, megan); }) ==
        "fakegraph.world.message_deleted");
  CHECK(error_id([&] { s.g.remove_reaction(s.chat, s.message, megan); }) ==
        "fakegraph.world.message_deleted");

  fakegraph::message_spec event{"", ""};
  event.message_type = "systemEventMessage";
  const std::string sys = s.g.add_message(s.chat, event);
  CHECK(error_id([&] { s.g.edit_message(s.chat, sys, "x"); }) == "fakegraph.world.system_event");
}

TEST_CASE(
    "Changes: a reaction removed leaves reactions, is named in messageHistory and moves "
    "lastModifiedDateTime only",
    "[changes][reaction]") {
  scene s = make_scene();
  const std::string megan_id = user_id(s.g, megan);
  REQUIRE(!megan_id.empty());
  s.g.clock().advance(std::chrono::minutes(2));
  s.g.add_reaction(s.chat, s.message, megan, "heart");
  s.g.add_reaction(s.chat, s.message, adele, "like");
  const json before = exported_item(s.g, adele, s.message);
  REQUIRE(before.at("reactions").size() == 2);
  const json preview_before = preview(s.g, adele);
  // A delta round begun now: the removal must come in the next one.
  const std::vector<json> round =
      fakegraph_test::walk(s.g, "/v1.0/users/" + adele + "/chats/getAllMessages/delta", "app");
  const std::string delta_link = round.back().at("@odata.deltaLink").get<std::string>();

  s.g.clock().advance(std::chrono::minutes(3));
  s.g.remove_reaction(s.chat, s.message, megan_id, "heart");  // by id

  const std::string now = "2026-11-01T12:05:00Z";
  const json heart =
      reaction("heart", "Heart", "2026-11-01T12:02:00Z", megan_id, "megan", "aadUser");
  json expected = before;
  expected["reactions"] = json::array({before.at("reactions").at(1)});  // Adele's like stays
  expected["messageHistory"].push_back(history_item(now, heart, "reactionRemoved"));
  expected["lastModifiedDateTime"] = now;
  expected["etag"] = etag_at(now);
  CHECK(exported_item(s.g, adele, s.message) == expected);
  CHECK(exported_item(s.g, adele, s.message).at("lastEditedDateTime").is_null());
  CHECK(preview(s.g, adele) == preview_before);

  std::vector<json> changed;
  for (const json& page : fakegraph_test::walk(s.g, delta_link, "app"))
    for (const json& item : page.at("value")) changed.push_back(item);
  REQUIRE(changed.size() == 1);
  CHECK(changed[0].at("id") == s.message);
  CHECK(changed[0].at("reactions") == expected.at("reactions"));
  CHECK(changed[0].at("lastModifiedDateTime") == now);

  SECTION("again, by UPN: the member has that reaction no more, and nothing changes") {
    CHECK(error_id([&] { s.g.remove_reaction(s.chat, s.message, megan, "heart"); }) ==
          "fakegraph.world.no_reaction");
    CHECK_THAT(error_text([&] { s.g.remove_reaction(s.chat, s.message, megan, "heart"); }),
               contains_substring("remove_reaction.reactionType: user 'megan@contoso.com' has "
                                  "no 'heart' reaction on message '" +
                                  s.message + "'"));
    CHECK(exported_item(s.g, adele, s.message) == expected);
  }

  SECTION("another member's reaction of the same type is not the member's") {
    s.g.add_reaction(s.chat, s.message, megan, "like");
    s.g.remove_reaction(s.chat, s.message, megan, "like");
    const json item = exported_item(s.g, adele, s.message);
    CHECK(item.at("reactions") == expected.at("reactions"));  // Adele's like is still there
    CHECK(item.at("messageHistory").back().at("actions") == "reactionRemoved");
    CHECK(item.at("messageHistory").back().at("reaction").at("user").at("user").at("id") ==
          megan_id);
  }

  SECTION("a reaction given twice loses its newest") {
    s.g.clock().advance(std::chrono::minutes(1));
    s.g.add_reaction(s.chat, s.message, adele, "like");
    s.g.remove_reaction(s.chat, s.message, adele, "like");
    const json item = exported_item(s.g, adele, s.message);
    CHECK(item.at("reactions") == expected.at("reactions"));  // the first like stays
    CHECK(item.at("messageHistory").back().at("reaction").at("createdDateTime") ==
          "2026-11-01T12:06:00Z");
  }
}

TEST_CASE("Store: a reaction to remove is found by its type and its user's id, whatever its shape",
          "[changes][reaction]") {
  // A seed may give reactions of any shape; removal looks past those it cannot read.
  const json like = reaction("like", "Like", "2026-11-01T12:00:00Z", "u1", "Megan", "aadUser");
  CHECK(fd::is_reaction_of(like, "like", "u1"));
  CHECK_FALSE(fd::is_reaction_of(like, "heart", "u1"));
  CHECK_FALSE(fd::is_reaction_of(like, "like", "u2"));
  const json odd[] = {
      nullptr,
      json::array({"like"}),
      "like",
      {{"reactionType", "like"}},
      {{"reactionType", 1}, {"user", like.at("user")}},
      {{"reactionType", "like"}, {"user", nullptr}},
      {{"reactionType", "like"}, {"user", {{"user", "u1"}}}},
      {{"reactionType", "like"}, {"user", {{"user", {{"displayName", "Megan"}}}}}},
      {{"reactionType", "like"}, {"user", {{"user", {{"id", 1}}}}}},
  };
  for (const json& value : odd) {
    INFO(value.dump());
    CHECK_FALSE(fd::is_reaction_of(value, "like", "u1"));
  }
}
