// The seed loader (seed-format.md): the default world loads; every default is derived as
// documented; every loader rule refuses a bad seed with `fakegraph::error`, a stable id
// and the JSON path of the fault; nothing is half-loaded; big seeds load in bulk.

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <algorithm>   // std::is_sorted, std::count_if, std::max
#include <cstdint>     // std::uint32_t, std::uint64_t
#include <cstdio>      // std::remove
#include <filesystem>  // std::filesystem::temp_directory_path
#include <fstream>     // std::ofstream
#include <functional>  // std::function
#include <map>         // std::map
#include <regex>       // std::regex, std::regex_match
#include <set>         // std::set
#include <string>      // std::string
#include <vector>      // std::vector

#include "support/catch.hpp"
#include "support/fixtures.hpp"

using nlohmann::json;
namespace fd = fakegraph::detail;
using fakegraph_test::bearer;
using fakegraph_test::get;
using fakegraph_test::message_text;

namespace {

constexpr const char* t1 = "11111111-1111-4111-8111-111111111111";
constexpr const char* t2 = "22222222-2222-4222-8222-222222222222";
constexpr const char* a1 = "aaaaaaaa-1111-4111-8111-111111111111";
constexpr const char* ann_id = "a0a0a0a0-0000-4000-8000-000000000000";
constexpr const char* msa_tenant = "9188040d-6c67-4c5b-b112-36a304b66dad";

// A seed using every key the format has, at every level: the base of the rejection
// tests (each breaks one rule in it). Paths used below:
//   chats[0] group (messages[0] user, [1] application, [2] system), chats[1] meeting,
//   chats[2] federated oneOnOne; tokens[0] delegated, [1] application, [2] personal.
json full_seed() {
  return json::parse(R"({
    "settings": {"baseUrl": "https://graph.microsoft.com", "metering": "legacy", "evaluationQuota": 500,
                 "now": "2026-11-01T12:00:00Z", "queryOptions": "strict", "idSeed": 0},
    "tenants": [{"id": "11111111-1111-4111-8111-111111111111", "displayName": "Contoso"},
                {"id": "22222222-2222-4222-8222-222222222222", "displayName": "Fabrikam"}],
    "users": [
      {"id": "a0a0a0a0-0000-4000-8000-000000000000", "tenantId": "11111111-1111-4111-8111-111111111111",
       "userPrincipalName": "ann@contoso.com", "displayName": "Ann Lee", "mail": "ann@contoso.com",
       "licenses": ["teamsComplianceDlp"]},
      {"id": "b0b0b0b0-0000-4000-8000-000000000000", "tenantId": "11111111-1111-4111-8111-111111111111",
       "userPrincipalName": "bob@contoso.com"},
      {"tenantId": "11111111-1111-4111-8111-111111111111", "userPrincipalName": "cy@contoso.com"},
      {"tenantId": "22222222-2222-4222-8222-222222222222", "userPrincipalName": "fay@fabrikam.com"}],
    "applications": [{"appId": "aaaaaaaa-1111-4111-8111-111111111111",
                      "tenantId": "11111111-1111-4111-8111-111111111111",
                      "displayName": "Exporter", "billing": true}],
    "chats": [
      {"id": "19:00000000000000000000000000000001@thread.v2", "tenantId": "11111111-1111-4111-8111-111111111111",
       "chatType": "group", "topic": "Launch",
       "createdDateTime": "2026-10-01T09:00:00Z", "lastUpdatedDateTime": "2026-10-01T09:00:00Z",
       "installedApps": ["2017d130-6fbe-4bc3-8b4e-54d58be046b0"], "isHiddenForAllMembers": false,
       "members": [
         {"user": "ann@contoso.com", "roles": ["owner"], "visibleHistoryStartDateTime": "0001-01-01T00:00:00Z",
          "viewpoint": {"isHidden": false, "lastMessageReadDateTime": "2026-10-01T10:00:00Z"}},
         {"user": "bob@contoso.com"}],
       "messages": [
         {"id": "1001", "from": {"user": "ann@contoso.com"}, "createdDateTime": "2026-10-01T10:00:00.123Z",
          "lastModifiedDateTime": "2026-10-01T10:00:00.123Z", "lastEditedDateTime": null, "deletedDateTime": null,
          "messageType": "message", "importance": "normal", "subject": null,
          "body": {"contentType": "text", "content": "hi"},
          "attachments": [], "mentions": [], "reactions": [], "eventDetail": null},
         {"id": "1002", "from": {"application": {"id": "bot-1", "displayName": "Bot",
                                                 "applicationIdentityType": "bot"}},
          "createdDateTime": "2026-10-01T10:05:00.456Z"},
         {"id": "1003", "from": null, "messageType": "systemEventMessage",
          "createdDateTime": "2026-10-01T10:10:00.789Z",
          "eventDetail": {"@odata.type": "#microsoft.graph.chatRenamedEventMessageDetail",
                          "chatDisplayName": "Launch"}}]},
      {"chatType": "meeting", "topic": "Review",
       "onlineMeetingInfo": {"joinWebUrl": "https://teams.microsoft.com/l/meetup-join/x", "calendarEventId": null,
                             "organizerId": "ann@contoso.com"},
       "members": [{"user": "ann@contoso.com"}, {"user": "cy@contoso.com"}]},
      {"chatType": "oneOnOne", "members": [{"user": "fay@fabrikam.com"}, {"user": "ann@contoso.com"}]}],
    "tokens": [
      {"token": "ann", "user": "ann@contoso.com", "scopes": ["Chat.Read"], "expiresDateTime": "2030-01-01T00:00:00Z"},
      {"token": "app", "application": "aaaaaaaa-1111-4111-8111-111111111111", "roles": ["Chat.Read.All"]},
      {"token": "msa", "personalAccount": true, "scopes": ["Chat.Read"]}]
  })");
}

/// What loading `seed` from its text (as from_file does) throws: its what(), or "" when it
/// loads.
std::string text_load_error(const json& seed) {
  try {
    (void)fd::load_seed_text(seed.dump(), "seed.json");
  } catch (const fakegraph::error& e) {
    return e.what();
  }
  return "";
}

/// Loads `seed` expecting a refusal; checks the id and the "[id] path: " prefix and
/// returns the whole message ("" when the seed loaded).
std::string rejection(const json& seed, const std::string& id, const std::string& path) {
  try {
    (void)fakegraph::graph::from_json(seed);
  } catch (const fakegraph::error& e) {
    const std::string what = e.what();
    INFO("what(): " << what);
    CHECK(text_load_error(seed) == what);  // a file is refused as its JSON is
    CHECK(e.id() == id);
    const std::string prefix = "[" + id + "] " + (path.empty() ? std::string() : path + ": ");
    CHECK(what.rfind(prefix, 0) == 0);
    CHECK(what.size() > prefix.size());  // and says what is wrong
    return what;
  }
  FAIL_CHECK("the seed loaded, but " << id << " at '" << path << "' was expected");
  return {};
}

struct rule_case {
  const char* rule;
  std::function<void(json&)> edit;
  const char* id;
  const char* path;
  const char* mentions = "";  // a fragment the message must contain
};

void check_all(const std::vector<rule_case>& cases) {
  for (const auto& c : cases) {
    json seed = full_seed();
    c.edit(seed);
    INFO("rule: " << c.rule);
    const std::string what = rejection(seed, c.id, c.path);
    if (*c.mentions) CHECK_THAT(what, fakegraph_test::contains_substring(c.mentions));
  }
}

json value_of(const std::string& body) { return json::parse(body); }

/// The chats a delegated token sees, expanded, keyed by topic (or id when untitled).
std::map<std::string, json> chats_by_name(const fakegraph::graph& g, const std::string& token,
                                          const std::string& user = "") {
  const std::string url =
      (user.empty() ? std::string("/v1.0/me/chats") : "/v1.0/users/" + user + "/chats") +
      "?$expand=members,lastMessagePreview&$top=50";
  const fakegraph::response r = get(g, url, token);
  REQUIRE(r.status == 200);
  const json body = r.json();  // a range-for over r.json()["value"] would outlive the temporary
  std::map<std::string, json> out;
  for (const auto& c : body["value"])
    out[c["topic"].is_string() ? c["topic"].get<std::string>() : c["id"].get<std::string>()] = c;
  return out;
}

const fd::stored_chat& chat_at(const fd::world_state& w, std::size_t i) { return w.chats.at(i); }

}  // namespace

// ---- the default world ------------------------------------------------------------------------

TEST_CASE("the default world loads from its file", "[seed]") {
  const fakegraph::graph g = fakegraph_test::default_world();
  CHECK(g.clock().is_fixed());
  CHECK(g.clock().now() == *fakegraph::parse_time("2026-11-01T12:00:00Z"));
  CHECK(g.settings().base_url == "https://graph.microsoft.com");

  // The counts data/README.md documents.
  const fd::world_state w = fd::load_seed(
      fd::parse_seed_text(fd::read_file(fakegraph_test::default_world_path()), "contoso.json"));
  CHECK(w.tenants.size() == 2);
  CHECK(w.users.size() == 35);
  CHECK(w.applications.size() == 4);
  CHECK(w.chats.size() == 9);
  std::size_t messages = 0;
  for (const auto& c : w.chats) messages += c.messages().size();
  CHECK(messages == 38);
  CHECK(w.tokens.size() == 17);

  // Served: Adele's seven chats.
  const fakegraph::response r = get(g, "/v1.0/me/chats?$top=50", "adele-read");
  REQUIRE(r.status == 200);
  CHECK(r.json()["value"].size() == 7);
}

TEST_CASE("the default world follows the id formats it documents", "[seed]") {
  const fd::world_state w = fd::load_seed(
      fd::parse_seed_text(fd::read_file(fakegraph_test::default_world_path()), "contoso.json"));
  const std::regex group_id("19:[0-9a-f]{32}@thread\\.v2");
  const std::regex meeting_id("19:meeting_[A-Za-z0-9]+@thread\\.v2");
  const std::regex one_on_one_id("19:[0-9a-f-]{36}_[0-9a-f-]{36}@(fed\\.)?unq\\.gbl\\.spaces");
  for (const auto& sc : w.chats) {
    const fakegraph::chat& c = sc.data;
    INFO(c.id);
    switch (c.type) {
      case fakegraph::chat_type::group:
        CHECK(std::regex_match(c.id, group_id));
        break;
      case fakegraph::chat_type::meeting:
        CHECK(std::regex_match(c.id, meeting_id));
        break;
      case fakegraph::chat_type::one_on_one:
        CHECK(std::regex_match(c.id, one_on_one_id));
        break;
    }
    for (const auto& m : sc.messages()) CHECK(m.id == std::to_string(m.created));
  }
}

// ---- derived defaults ------------------------------------------------------------------------

namespace {

// A seed that leaves out everything the fake can derive.
json sparse_seed() {
  return json::parse(R"({
    "settings": {"now": "2026-11-01T12:00:00Z"},
    "tenants": [{"id": "11111111-1111-4111-8111-111111111111"}, {"id": "22222222-2222-4222-8222-222222222222"}],
    "users": [
      {"tenantId": "11111111-1111-4111-8111-111111111111", "userPrincipalName": "Ann.Lee@Contoso.com"},
      {"tenantId": "11111111-1111-4111-8111-111111111111", "userPrincipalName": "bob@contoso.com",
       "id": "B0B0B0B0-0000-4000-8000-000000000000", "displayName": "Bob Ross", "mail": "bob.ross@contoso.com"},
      {"tenantId": "22222222-2222-4222-8222-222222222222", "userPrincipalName": "fay@fabrikam.com"}],
    "applications": [{"tenantId": "11111111-1111-4111-8111-111111111111"},
                     {"appId": "aaaaaaaa-1111-4111-8111-111111111111",
                      "tenantId": "11111111-1111-4111-8111-111111111111"}],
    "chats": [
      {"chatType": "group", "topic": "Launch",
       "members": [{"user": "ann.lee@contoso.com"}, {"user": "b0b0b0b0-0000-4000-8000-000000000000"}],
       "messages": [
         {"from": {"user": "bob@contoso.com"}, "createdDateTime": "2026-10-02T09:00:00.5Z",
          "body": {"content": "second"}},
         {"from": {"user": "ANN.LEE@contoso.com"}, "createdDateTime": "2026-10-01T08:00:00.25Z",
          "lastEditedDateTime": "2026-10-01T08:30:00Z", "body": {"content": "first, edited"}},
         {"from": {"user": "b0b0b0b0-0000-4000-8000-000000000000"}, "createdDateTime": "2026-10-03T10:00:00Z",
          "lastEditedDateTime": "2026-10-03T10:01:00Z", "deletedDateTime": "2026-10-03T10:02:00Z"},
         {"messageType": "systemEventMessage", "createdDateTime": "2026-10-03T11:00:00Z",
          "eventDetail": {"@odata.type": "#microsoft.graph.membersAddedEventMessageDetail"}},
         {"from": {"application": {"id": "bot-1", "displayName": "Bot"}}, "createdDateTime": "2026-10-03T12:00:00Z",
          "body": {"contentType": "html", "content": "<p>deployed</p>"}}]},
      {"chatType": "oneOnOne", "members": [{"user": "ann.lee@contoso.com"}, {"user": "bob@contoso.com"}]},
      {"chatType": "oneOnOne", "members": [{"user": "fay@fabrikam.com"}, {"user": "ann.lee@contoso.com"}],
       "messages": [{"from": {"user": "fay@fabrikam.com"}, "createdDateTime": "2026-09-14T18:22:09.304Z"},
                    {"from": {"user": "ann.lee@contoso.com"}, "createdDateTime": "2026-09-14T18:25:00Z"}]},
      {"chatType": "meeting", "topic": "Review",
       "onlineMeetingInfo": {"joinWebUrl": "https://teams.microsoft.com/l/meetup-join/x",
                             "organizerId": "bob@contoso.com"},
       "members": [{"user": "bob@contoso.com"}, {"user": "ann.lee@contoso.com"}]},
      {"topic": "No messages", "members": [{"user": "ann.lee@contoso.com"}, {"user": "bob@contoso.com"}]}],
    "tokens": [
      {"token": "ann", "user": "ANN.LEE@CONTOSO.COM", "scopes": ["Chat.Read"]},
      {"token": "app", "application": "AAAAAAAA-1111-4111-8111-111111111111", "roles": ["Chat.Read.All"]},
      {"token": "msa", "personalAccount": true, "scopes": ["Chat.Read"]}]
  })");
}

std::string user_id_of(const fd::world_state& w, const std::string& upn) {
  const fakegraph::user* u = w.find_user(upn);
  REQUIRE(u);
  return u->id;
}

}  // namespace

TEST_CASE("a user's id is derived from the UPN, deterministically", "[seed]") {
  const fd::world_state w = fd::load_seed(sparse_seed());
  const std::string ann = user_id_of(w, "ann.lee@contoso.com");
  const std::string fay = user_id_of(w, "fay@fabrikam.com");
  CHECK(fd::is_guid(ann));
  CHECK(fd::is_guid(fay));
  CHECK(ann != fay);

  // The same on every load, whatever the UPN's case or the user's place in the list.
  json other = sparse_seed();
  other["users"][0]["userPrincipalName"] = "ann.lee@CONTOSO.com";
  other["users"].insert(other["users"].begin(),
                        json{{"tenantId", t1}, {"userPrincipalName", "zed@contoso.com"}});
  const fd::world_state w2 = fd::load_seed(other);
  CHECK(user_id_of(w2, "ann.lee@contoso.com") == ann);
  CHECK(user_id_of(fd::load_seed(sparse_seed()), "ann.lee@contoso.com") == ann);
  // idSeed varies derived chat ids, not user ids: a user keeps one id across worlds.
  other["settings"]["idSeed"] = 7;
  CHECK(user_id_of(fd::load_seed(other), "ann.lee@contoso.com") == ann);

  // A given id is kept as written; lookups ignore its case.
  CHECK(user_id_of(w, "bob@contoso.com") == "B0B0B0B0-0000-4000-8000-000000000000");
  CHECK(w.find_user("b0b0b0b0-0000-4000-8000-000000000000") == w.find_user("bob@contoso.com"));
}

TEST_CASE("a user's mail defaults to the UPN and the display name to its local part", "[seed]") {
  const fd::world_state w = fd::load_seed(sparse_seed());
  const fakegraph::user* ann = w.find_user("ann.lee@contoso.com");
  REQUIRE(ann);
  CHECK(ann->user_principal_name == "Ann.Lee@Contoso.com");  // as written
  CHECK(ann->mail == "Ann.Lee@Contoso.com");
  CHECK(ann->display_name == "Ann.Lee");
  CHECK(ann->tenant_id == t1);
  CHECK(ann->licenses.empty());
  const fakegraph::user* bob = w.find_user("bob@contoso.com");
  REQUIRE(bob);
  CHECK(bob->mail == "bob.ross@contoso.com");  // given values win
  CHECK(bob->display_name == "Bob Ross");

  // Observed through the API: the member entries of Ann's chats.
  const fakegraph::graph g = fakegraph::graph::from_json(sparse_seed());
  const auto chats = chats_by_name(g, "ann");
  const json& members = chats.at("Launch")["members"];
  REQUIRE(members.size() == 2);
  CHECK(members[0]["userId"] == ann->id);
  CHECK(members[0]["email"] == "Ann.Lee@Contoso.com");
  CHECK(members[0]["displayName"] == "Ann.Lee");
  CHECK(members[0]["tenantId"] == t1);
  CHECK(members[1]["userId"] == "B0B0B0B0-0000-4000-8000-000000000000");
  CHECK(members[1]["email"] == "bob.ross@contoso.com");
}

TEST_CASE("one tenant: ids and tenantIds default, applications get an id and a name", "[seed]") {
  const json seed = json::parse(R"({
    "tenants": [{"displayName": "Solo"}],
    "users": [{"userPrincipalName": "ann@solo.test"}, {"userPrincipalName": "bob@solo.test"}],
    "applications": [{}, {"displayName": "Named"}],
    "chats": [{"members": [{"user": "ann@solo.test"}, {"user": "bob@solo.test"}]}]
  })");
  const fd::world_state w = fd::load_seed(seed);
  REQUIRE(w.tenants.size() == 1);
  const std::string tenant = w.tenants[0].id;
  CHECK(fd::is_guid(tenant));
  CHECK(w.tenants[0].display_name == "Solo");
  for (const auto& u : w.users) CHECK(u.tenant_id == tenant);
  REQUIRE(w.applications.size() == 2);
  for (const auto& a : w.applications) {
    CHECK(fd::is_guid(a.app_id));
    CHECK(a.tenant_id == tenant);
    CHECK_FALSE(a.billing);
  }
  CHECK(w.applications[0].app_id != w.applications[1].app_id);
  CHECK(w.applications[0].display_name == "Application " + w.applications[0].app_id.substr(0, 8));
  CHECK(w.applications[1].display_name == "Named");
  CHECK(chat_at(w, 0).data.tenant_id == tenant);
  CHECK(chat_at(w, 0).data.type == fakegraph::chat_type::group);  // chatType defaults to group

  // Deterministic: the same seed derives the same ids.
  const fd::world_state again = fd::load_seed(seed);
  CHECK(again.tenants[0].id == tenant);
  CHECK(again.applications[0].app_id == w.applications[0].app_id);
  CHECK(chat_at(again, 0).data.id == chat_at(w, 0).data.id);
}

TEST_CASE("settings default as documented", "[seed]") {
  const fakegraph::graph g = fakegraph::graph::from_json(json::object());
  const fakegraph::settings s = g.settings();
  CHECK(s.base_url == "https://graph.microsoft.com");
  CHECK(s.metering == "legacy");
  CHECK(s.evaluation_quota == 500);
  CHECK(s.strict_query_options);
  CHECK_FALSE(s.now.has_value());
  CHECK_FALSE(g.clock().is_fixed());  // no settings.now: the wall clock

  json seed = full_seed();
  seed["settings"] = {{"baseUrl", "http://localhost:8080//"},
                      {"metering", "none"},
                      {"evaluationQuota", 0},
                      {"queryOptions", "lenient"},
                      {"idSeed", 42},
                      {"now", "2026-11-01T13:00:00+01:00"}};
  const fakegraph::graph custom = fakegraph::graph::from_json(seed);
  const fakegraph::settings c = custom.settings();
  CHECK(c.base_url == "http://localhost:8080");  // trailing slashes dropped
  CHECK(c.metering == "none");
  CHECK(c.evaluation_quota == 0);
  CHECK_FALSE(c.strict_query_options);
  CHECK(c.id_seed == 42);
  CHECK(custom.clock().now() == *fakegraph::parse_time("2026-11-01T12:00:00Z"));

  // baseUrl is the host of links when the request names none.
  const fakegraph::response r = get(custom, "/v1.0/me/chats", "ann");
  REQUIRE(r.status == 200);
  CHECK(r.json()["@odata.context"] == "http://localhost:8080/v1.0/$metadata#chats");
}

TEST_CASE("chat ids are derived per chat type", "[seed]") {
  const fd::world_state w = fd::load_seed(sparse_seed());
  const std::string ann = user_id_of(w, "ann.lee@contoso.com");
  const std::string bob = user_id_of(w, "bob@contoso.com");
  const std::string fay = user_id_of(w, "fay@fabrikam.com");

  // group: 19:<32 lower-case hex>@thread.v2
  CHECK(std::regex_match(chat_at(w, 0).data.id, std::regex("19:[0-9a-f]{32}@thread\\.v2")));
  CHECK(std::regex_match(chat_at(w, 4).data.id, std::regex("19:[0-9a-f]{32}@thread\\.v2")));
  CHECK(chat_at(w, 0).data.id != chat_at(w, 4).data.id);
  // oneOnOne: the members' ids in roster order; across tenants, the federated suffix.
  CHECK(chat_at(w, 1).data.id == "19:" + ann + "_" + bob + "@unq.gbl.spaces");
  CHECK(chat_at(w, 2).data.id == "19:" + fay + "_" + ann + "@fed.unq.gbl.spaces");
  // meeting: 19:meeting_<base64-like, about 48 characters>@thread.v2
  const std::string meeting = chat_at(w, 3).data.id;
  CHECK(std::regex_match(meeting, std::regex("19:meeting_[A-Za-z0-9]{40,56}@thread\\.v2")));

  // Stable across loads; idSeed gives another set.
  const fd::world_state again = fd::load_seed(sparse_seed());
  for (std::size_t i = 0; i < w.chats.size(); ++i)
    CHECK(chat_at(again, i).data.id == chat_at(w, i).data.id);
  json seeded = sparse_seed();
  seeded["settings"]["idSeed"] = 1;
  const fd::world_state other = fd::load_seed(seeded);
  CHECK(chat_at(other, 0).data.id != chat_at(w, 0).data.id);
  CHECK(chat_at(other, 3).data.id != meeting);
  CHECK(chat_at(other, 1).data.id ==
        chat_at(w, 1).data.id);  // oneOnOne ids name their members only
}

TEST_CASE("a chat's tenant defaults to its first member's, and webUrl follows id and tenant",
          "[seed]") {
  const fakegraph::graph g = fakegraph::graph::from_json(sparse_seed());
  const fd::world_state w = fd::load_seed(sparse_seed());
  for (const auto& [name, c] : chats_by_name(g, "ann")) {
    INFO(name);
    const std::string id = c["id"];
    const std::string tenant = c["tenantId"];
    REQUIRE(id.rfind("19:", 0) == 0);
    std::string rest = id.substr(3);
    rest.replace(rest.find('@'), 1, "%40");
    CHECK(c["webUrl"] ==
          "https://teams.microsoft.com/l/chat/19%3A" + rest + "/0?tenantId=" + tenant);
  }
  // The federated chat began on Fay's side: Fabrikam. The others are Contoso's.
  CHECK(chat_at(w, 2).data.tenant_id == t2);
  for (const std::size_t i : {0u, 1u, 3u, 4u}) CHECK(chat_at(w, i).data.tenant_id == t1);
  // A given tenantId wins over the first member's.
  json seed = sparse_seed();
  seed["chats"][2]["tenantId"] = t1;
  CHECK(chat_at(fd::load_seed(seed), 2).data.tenant_id == t1);
}

TEST_CASE("a chat's times default to its earliest message, else to settings.now", "[seed]") {
  const fakegraph::graph g = fakegraph::graph::from_json(sparse_seed());
  const auto chats = chats_by_name(g, "ann");
  // Launch's messages are listed out of order; the earliest is 2026-10-01T08:00:00.25Z.
  CHECK(chats.at("Launch")["createdDateTime"] == "2026-10-01T08:00:00.25Z");
  CHECK(chats.at("Launch")["lastUpdatedDateTime"] == "2026-10-01T08:00:00.25Z");
  // No messages: the seed's "now".
  CHECK(chats.at("No messages")["createdDateTime"] == "2026-11-01T12:00:00Z");
  CHECK(chats.at("No messages")["lastUpdatedDateTime"] == "2026-11-01T12:00:00Z");
  CHECK(chats.at("Review")["createdDateTime"] == "2026-11-01T12:00:00Z");

  // Given times win; lastUpdatedDateTime alone defaults to createdDateTime.
  json seed = sparse_seed();
  seed["chats"][0]["createdDateTime"] = "2026-09-01T00:00:00Z";
  const fd::world_state w = fd::load_seed(seed);
  CHECK(chat_at(w, 0).data.created == *fakegraph::parse_time("2026-09-01T00:00:00Z"));
  CHECK(chat_at(w, 0).data.last_updated == chat_at(w, 0).data.created);
  seed["chats"][0]["lastUpdatedDateTime"] = "2026-10-20T00:00:00Z";
  CHECK(chat_at(fd::load_seed(seed), 0).data.last_updated ==
        *fakegraph::parse_time("2026-10-20T00:00:00Z"));
}

TEST_CASE("a message's time may come from its id alone, and counts for the chat's creation",
          "[seed]") {
  // Graph's chat message ids are the creation time in ms: 1621973534864 = 2021-05-25T20:12:14.864Z.
  json seed = sparse_seed();
  seed["chats"][4]["messages"] = json::parse(R"([
      {"id": "1621973600000", "from": {"user": "bob@contoso.com"}},
      {"id": "1621973534864", "from": {"user": "bob@contoso.com"}}])");
  const fd::world_state w = fd::load_seed(seed);
  const fd::stored_chat& c = chat_at(w, 4);
  REQUIRE(c.messages().size() == 2);
  CHECK(fakegraph::format_time(c.messages()[1].created) == "2021-05-25T20:12:14.864Z");
  CHECK(c.messages()[1].last_modified == c.messages()[1].created);
  CHECK(fakegraph::format_time(c.data.created) == "2021-05-25T20:12:14.864Z");
}

TEST_CASE("a message's id defaults to its createdDateTime in epoch milliseconds", "[seed]") {
  const fd::world_state w = fd::load_seed(sparse_seed());
  for (const auto& sc : w.chats)
    for (const auto& m : sc.messages()) {
      INFO(sc.data.id);
      CHECK(m.id == std::to_string(m.created));
    }
  const fd::stored_chat& federated = chat_at(w, 2);
  REQUIRE(federated.messages().size() == 2);
  CHECK(federated.messages()[0].id ==
        "1789410129304");  // date -u -d 2026-09-14T18:22:09.304Z +%s%3N
  // Message ids are unique per chat only: the same id in two chats loads.
  json seed = sparse_seed();
  seed["chats"][4]["messages"] = seed["chats"][2]["messages"];
  for (auto& m : seed["chats"][4]["messages"]) m["from"]["user"] = "bob@contoso.com";
  CHECK(chat_at(fd::load_seed(seed), 4).messages()[0].id == "1789410129304");
}

TEST_CASE("lastModifiedDateTime defaults to the latest of created, edited and deleted", "[seed]") {
  const fd::world_state w = fd::load_seed(sparse_seed());
  const fd::stored_chat& launch = chat_at(w, 0);
  auto modified = [&](std::size_t i) {
    return fakegraph::format_time(launch.messages().at(i).last_modified);
  };
  CHECK(modified(0) == "2026-10-02T09:00:00.5Z");  // only created
  CHECK(modified(1) == "2026-10-01T08:30:00Z");    // edited
  CHECK(modified(2) == "2026-10-03T10:02:00Z");    // edited, then deleted
  CHECK_FALSE(launch.messages()[0].last_edited.has_value());
  CHECK_FALSE(launch.messages()[0].deleted.has_value());
  // A given value wins.
  json seed = sparse_seed();
  seed["chats"][0]["messages"][1]["lastModifiedDateTime"] = "2026-10-01T09:00:00Z";
  CHECK(fakegraph::format_time(chat_at(fd::load_seed(seed), 0).messages()[1].last_modified) ==
        "2026-10-01T09:00:00Z");
}

TEST_CASE("message defaults: body, type, importance, senders, system events", "[seed]") {
  const fd::world_state w = fd::load_seed(sparse_seed());
  const fd::stored_chat& launch = chat_at(w, 0);
  const fakegraph::chat_message text = fd::message_model(launch, launch.messages()[0]);
  CHECK(text.body ==
        json({{"contentType", "text"}, {"content", "second"}}));  // contentType defaults to text
  CHECK(text.message_type == "message");
  CHECK(text.importance == "normal");
  CHECK(text.attachments == json::array());
  CHECK(text.mentions == json::array());
  CHECK(text.reactions == json::array());
  CHECK(text.event_detail == nullptr);
  CHECK_FALSE(text.subject.has_value());

  // A user sender takes the user's canonical id, name and tenant.
  CHECK(text.from.type == fakegraph::message_sender::kind::user);
  CHECK(text.from.id == "B0B0B0B0-0000-4000-8000-000000000000");
  CHECK(text.from.display_name == "Bob Ross");
  CHECK(text.from.tenant_id == t1);
  CHECK(text.from.identity_type.empty());  // relative to the reader's tenant
  CHECK(fakegraph::identity_type_seen_from(text.from, text.from.tenant_id) == "aadUser");

  // A system event: no sender, the <systemEventMessage/> body.
  const fakegraph::chat_message system = fd::message_model(launch, launch.messages()[3]);
  CHECK(system.message_type == "systemEventMessage");
  CHECK(system.from.type == fakegraph::message_sender::kind::none);
  CHECK(system.body == json({{"contentType", "html"}, {"content", "<systemEventMessage/>"}}));

  // An application sender is a bot unless told otherwise.
  const fakegraph::chat_message bot = fd::message_model(launch, launch.messages()[4]);
  CHECK(bot.from.type == fakegraph::message_sender::kind::application);
  CHECK(bot.from.id == "bot-1");
  CHECK(bot.from.display_name == "Bot");
  CHECK(bot.from.identity_type == "bot");

  // userIdentityType is relative to the tenant whose data is read, not to the chat's host:
  // Fay (Fabrikam, the chat's tenant) is federated to a Contoso reader, Ann (Contoso) is not.
  const fd::stored_chat& federated = chat_at(w, 2);
  const fakegraph::message_sender& fay = federated.messages()[0].sender();
  const fakegraph::message_sender& ann = federated.messages()[1].sender();
  CHECK(fakegraph::identity_type_seen_from(fay, t1) == "federatedUser");
  CHECK(fakegraph::identity_type_seen_from(fay, fay.tenant_id) == "aadUser");
  CHECK(fakegraph::identity_type_seen_from(ann, t1) == "aadUser");
  CHECK(fakegraph::identity_type_seen_from(ann, fay.tenant_id) == "federatedUser");
  CHECK(federated.messages()[1].sender().tenant_id == t1);
}

TEST_CASE("stored messages are written as their model says, system events in both spellings",
          "[seed]") {
  const fd::world_state w = fd::load_seed(sparse_seed());
  const fd::stored_chat& launch = chat_at(w, 0);
  for (const auto& m : launch.messages()) {
    const json wire = json::parse(message_text(launch, m));
    const fakegraph::chat_message model = fd::message_model(launch, m);
    CHECK(wire["id"] == model.id);
    CHECK(wire["chatId"] == launch.data.id);
    CHECK(wire["etag"] == std::to_string(m.last_modified));
    CHECK(wire["createdDateTime"] == fakegraph::format_time(model.created));
    CHECK(wire["importance"] == model.importance);
    CHECK(wire["body"] == model.body);
    CHECK(wire["attachments"] == model.attachments);
    CHECK(wire["mentions"] == model.mentions);
    CHECK(wire["reactions"] == model.reactions);
    CHECK(wire["messageHistory"] == model.message_history);
    CHECK(wire["eventDetail"] == model.event_detail);
    CHECK(wire["subject"] == (model.subject ? json(*model.subject) : json(nullptr)));
  }
  const json hidden = json::parse(message_text(launch, launch.messages()[3], false));
  const json shown = json::parse(message_text(launch, launch.messages()[3], true));
  CHECK(hidden["messageType"] == "unknownFutureValue");
  CHECK(shown["messageType"] == "systemEventMessage");
  CHECK(hidden["from"] == nullptr);
  // Other messages are the same either way.
  CHECK(message_text(launch, launch.messages()[0], false) ==
        message_text(launch, launch.messages()[0], true));
}

TEST_CASE("previews, members and viewpoints default as documented, seen through List chats",
          "[seed]") {
  const fakegraph::graph g = fakegraph::graph::from_json(sparse_seed());
  const auto chats = chats_by_name(g, "ann");
  const json& launch = chats.at("Launch");

  // The newest message is the bot's.
  const json preview = launch["lastMessagePreview"];
  CHECK(preview["createdDateTime"] == "2026-10-03T12:00:00Z");
  CHECK(preview["id"] == std::to_string(*fakegraph::parse_time("2026-10-03T12:00:00Z")));
  CHECK(preview["from"] ==
        json({{"application",
               {{"id", "bot-1"}, {"displayName", "Bot"}, {"applicationIdentityType", "bot"}}},
              {"device", nullptr},
              {"user", nullptr}}));
  CHECK(preview["body"] == json({{"contentType", "html"}, {"content", "<p>deployed</p>"}}));
  CHECK(preview["isDeleted"] == false);

  // Members: role owner, all history shared.
  for (const auto& m : launch["members"]) {
    CHECK(m["roles"] == json::array({"owner"}));
    CHECK(m["visibleHistoryStartDateTime"] == "0001-01-01T00:00:00Z");
    CHECK(m["@odata.type"] == "#microsoft.graph.aadUserConversationMember");
  }
  // Viewpoint: shown, nothing read.
  for (const auto& [name, c] : chats) {
    INFO(name);
    CHECK(c["viewpoint"] ==
          json({{"isHidden", false}, {"lastMessageReadDateTime", "0001-01-01T00:00:00Z"}}));
    CHECK(c["isHiddenForAllMembers"] == false);
  }
  CHECK(chats.at("No messages")["lastMessagePreview"] == nullptr);

  // oneOnOne chats have no topic; the meeting has its organizer resolved to an id.
  const json& review = chats.at("Review");
  CHECK(review["onlineMeetingInfo"]["organizer"]["id"] == "B0B0B0B0-0000-4000-8000-000000000000");
  CHECK(review["onlineMeetingInfo"]["calendarEventId"] == nullptr);
  std::size_t untitled = 0;
  for (const auto& [name, c] : chats)
    if (c["chatType"] == "oneOnOne") {
      CHECK(c["topic"] == nullptr);
      ++untitled;
    }
  CHECK(untitled == 2);

  // Explicit roles and viewpoints are kept.
  json seed = sparse_seed();
  seed["chats"][0]["members"][0]["roles"] = json::array();
  seed["chats"][0]["members"][0]["viewpoint"] = {
      {"isHidden", true}, {"lastMessageReadDateTime", "2026-10-02T00:00:00Z"}};
  seed["chats"][0]["members"][0]["visibleHistoryStartDateTime"] = "2026-10-02T00:00:00Z";
  const auto changed = chats_by_name(fakegraph::graph::from_json(seed), "ann");
  CHECK(changed.at("Launch")["members"][0]["roles"] == json::array());
  CHECK(changed.at("Launch")["members"][0]["visibleHistoryStartDateTime"] ==
        "2026-10-02T00:00:00Z");
  CHECK(changed.at("Launch")["viewpoint"] ==
        json({{"isHidden", true}, {"lastMessageReadDateTime", "2026-10-02T00:00:00Z"}}));
}

TEST_CASE("visibleHistoryStartDateTime limits what a member's export index holds", "[seed]") {
  json seed = sparse_seed();
  seed["chats"][0]["members"][1]["visibleHistoryStartDateTime"] = "2026-10-03T00:00:00Z";
  const fd::world_state w = fd::load_seed(seed);
  const std::string bob = user_id_of(w, "bob@contoso.com");
  const std::string ann = user_id_of(w, "ann.lee@contoso.com");
  auto in_launch = [&](const std::string& user) {
    const auto& refs = w.user_messages(user);
    return std::count_if(refs.begin(), refs.end(),
                         [](const fd::message_ref& r) { return r.chat == 0; });
  };
  CHECK(in_launch(ann) == 5);
  CHECK(in_launch(bob) == 3);  // the three from 2026-10-03 on
}

TEST_CASE("tokens resolve to their principal and tenant", "[seed]") {
  const fd::world_state w = fd::load_seed(sparse_seed());
  REQUIRE(w.tokens.count("ann"));
  const fakegraph::token& ann = w.tokens.at("ann");
  CHECK(ann.type == fakegraph::token::kind::user);
  CHECK(ann.subject == user_id_of(w, "ann.lee@contoso.com"));  // named by UPN, in any case
  CHECK(ann.tenant_id == t1);
  CHECK(ann.scopes == std::vector<std::string>{"Chat.Read"});
  CHECK_FALSE(ann.expires.has_value());
  const fakegraph::token& app = w.tokens.at("app");
  CHECK(app.type == fakegraph::token::kind::application);
  CHECK(app.subject == a1);  // canonical spelling
  CHECK(app.tenant_id == t1);
  const fakegraph::token& msa = w.tokens.at("msa");
  CHECK(msa.type == fakegraph::token::kind::personal_account);
  CHECK(msa.tenant_id == msa_tenant);

  const fakegraph::graph g = fakegraph::graph::from_json(sparse_seed());
  CHECK(get(g, "/v1.0/me/chats", "ann").status == 200);
  CHECK(get(g, "/v1.0/users/ann.lee@contoso.com/chats", "app").status == 200);
}

TEST_CASE("getAllMessages serves the seeded messages with their derived fields", "[seed]") {
  json seed = sparse_seed();
  seed["settings"]["metering"] = "none";  // this test is about the messages, not the billing
  const fakegraph::graph g = fakegraph::graph::from_json(seed);
  const fakegraph::response r = g.handle(
      {"GET", "/v1.0/users/ann.lee@contoso.com/chats/getAllMessages?$top=50", bearer("app")});
  REQUIRE(r.status == 200);
  const fd::world_state w = fd::load_seed(seed);
  const std::string reader = w.find_user("ann.lee@contoso.com")->tenant_id;
  std::map<std::string, json> stored;  // id -> wire JSON, as stored, as Ann's tenant reads it
  std::set<std::string> live;          // not deleted: exported whatever the 21-day rule says
  for (const unsigned ci : {0u, 2u})
    for (const auto& m : chat_at(w, ci).messages()) {
      stored[m.id] = json::parse(message_text(chat_at(w, ci), m, false, &reader));
      if (!m.deleted) live.insert(m.id);
    }
  std::set<std::string> seen;
  const json page = r.json();
  for (const auto& m : page["value"]) {
    const std::string id = m["id"];
    INFO(id);
    seen.insert(id);
    REQUIRE(stored.count(id));
    CHECK(m == stored[id]);
  }
  for (const auto& id : live) CHECK(seen.count(id));
}

// ---- rejections: one per loader rule ---------------------------------------------------------

TEST_CASE("the full seed used by the rejection tests loads", "[seed]") {
  const fakegraph::graph g = fakegraph::graph::from_json(full_seed());
  CHECK(get(g, "/v1.0/me/chats", "ann").status == 200);
}

TEST_CASE("refused: a seed or a seed object that is not an object", "[seed]") {
  for (const json& root : {json::array(), json("seed"), json(1), json(nullptr), json(true)}) {
    INFO(root.dump());
    rejection(root, "fakegraph.seed.bad_type", "");
  }
  check_all({
      {"settings", [](json& s) { s["settings"] = json::array(); }, "fakegraph.seed.bad_type",
       "settings"},
      {"tenant", [](json& s) { s["tenants"][0] = t1; }, "fakegraph.seed.bad_type", "tenants[0]"},
      {"user", [](json& s) { s["users"][0] = "ann@contoso.com"; }, "fakegraph.seed.bad_type",
       "users[0]"},
      {"application", [](json& s) { s["applications"][0] = a1; }, "fakegraph.seed.bad_type",
       "applications[0]"},
      {"chat", [](json& s) { s["chats"][0] = 1; }, "fakegraph.seed.bad_type", "chats[0]"},
      {"member", [](json& s) { s["chats"][0]["members"][0] = "ann@contoso.com"; },
       "fakegraph.seed.bad_type", "chats[0].members[0]"},
      {"viewpoint", [](json& s) { s["chats"][0]["members"][0]["viewpoint"] = true; },
       "fakegraph.seed.bad_type", "chats[0].members[0].viewpoint"},
      {"message", [](json& s) { s["chats"][0]["messages"][0] = "hi"; }, "fakegraph.seed.bad_type",
       "chats[0].messages[0]"},
      {"from", [](json& s) { s["chats"][0]["messages"][0]["from"] = "ann@contoso.com"; },
       "fakegraph.seed.bad_type", "chats[0].messages[0].from"},
      {"application sender",
       [](json& s) { s["chats"][0]["messages"][1]["from"]["application"] = "bot-1"; },
       "fakegraph.seed.bad_type", "chats[0].messages[1].from.application"},
      {"body", [](json& s) { s["chats"][0]["messages"][0]["body"] = "hi"; },
       "fakegraph.seed.bad_type", "chats[0].messages[0].body"},
      {"onlineMeetingInfo", [](json& s) { s["chats"][1]["onlineMeetingInfo"] = "https://x"; },
       "fakegraph.seed.bad_type", "chats[1].onlineMeetingInfo"},
      {"token", [](json& s) { s["tokens"][0] = "ann"; }, "fakegraph.seed.bad_type", "tokens[0]"},
  });
}

namespace {

// Every object level of the format, as (JSON pointer, JSON path) pairs into full_seed().
const std::vector<std::pair<std::string, std::string>>& object_levels() {
  static const std::vector<std::pair<std::string, std::string>> levels = {
      {"", ""},
      {"/settings", "settings"},
      {"/tenants/0", "tenants[0]"},
      {"/users/0", "users[0]"},
      {"/applications/0", "applications[0]"},
      {"/chats/0", "chats[0]"},
      {"/chats/0/members/0", "chats[0].members[0]"},
      {"/chats/0/members/0/viewpoint", "chats[0].members[0].viewpoint"},
      {"/chats/0/messages/0", "chats[0].messages[0]"},
      {"/chats/0/messages/0/from", "chats[0].messages[0].from"},
      {"/chats/0/messages/1/from/application", "chats[0].messages[1].from.application"},
      {"/chats/0/messages/0/body", "chats[0].messages[0].body"},
      {"/chats/1/onlineMeetingInfo", "chats[1].onlineMeetingInfo"},
      {"/tokens/0", "tokens[0]"},
  };
  return levels;
}

std::string join_path(const std::string& base, const std::string& key) {
  return base.empty() ? key : base + "." + key;
}

}  // namespace

TEST_CASE("refused: an unknown key at every level", "[seed]") {
  for (const auto& [pointer, path] : object_levels()) {
    json seed = full_seed();
    seed[json::json_pointer(pointer)]["bogus"] = 1;
    INFO("level: " << (path.empty() ? "root" : path));
    const std::string what =
        rejection(seed, "fakegraph.seed.unknown_key", join_path(path, "bogus"));
    CHECK_THAT(what, fakegraph_test::contains_substring("'bogus'"));
  }
  // Typos and the beta spelling are what the rule is for.
  check_all({
      {"typo", [](json& s) { s["users"][1]["userPrincipleName"] = "x"; },
       "fakegraph.seed.unknown_key", "users[1].userPrincipleName"},
      {"beta name", [](json& s) { s["chats"][0]["members"][0]["chatViewpoint"] = json::object(); },
       "fakegraph.seed.unknown_key", "chats[0].members[0].chatViewpoint"},
      {"Graph's name for the organizer",
       [](json& s) { s["chats"][1]["onlineMeetingInfo"]["organizer"] = "ann"; },
       "fakegraph.seed.unknown_key", "chats[1].onlineMeetingInfo.organizer"},
  });
}

TEST_CASE("accepted: 'x-' keys at every level, whatever their value", "[seed]") {
  json seed = full_seed();
  for (const auto& [pointer, path] : object_levels()) {
    seed[json::json_pointer(pointer)]["x-comment"] = "why this is here";
    seed[json::json_pointer(pointer)]["x-data"] = {{"any", json::array({1, "two", nullptr})}};
  }
  const fd::world_state w = fd::load_seed(seed);
  // Extension keys never reach the wire.
  CHECK(fd::message_model(chat_at(w, 0), chat_at(w, 0).messages()[0]).body ==
        json({{"contentType", "text"}, {"content", "hi"}}));
  const fakegraph::graph g = fakegraph::graph::from_json(seed);
  CHECK(get(g, "/v1.0/me/chats", "ann").body.find("x-comment") == std::string::npos);
}

TEST_CASE("refused: a value of the wrong type", "[seed]") {
  const char* bad_type = "fakegraph.seed.bad_type";
  check_all({
      {"settings.baseUrl number", [](json& s) { s["settings"]["baseUrl"] = 5; }, bad_type,
       "settings.baseUrl", "expected a string"},
      {"settings.evaluationQuota string", [](json& s) { s["settings"]["evaluationQuota"] = "500"; },
       bad_type, "settings.evaluationQuota"},
      {"settings.evaluationQuota negative", [](json& s) { s["settings"]["evaluationQuota"] = -1; },
       bad_type, "settings.evaluationQuota"},
      {"settings.evaluationQuota fraction", [](json& s) { s["settings"]["evaluationQuota"] = 1.5; },
       bad_type, "settings.evaluationQuota"},
      {"settings.idSeed negative", [](json& s) { s["settings"]["idSeed"] = -3; }, bad_type,
       "settings.idSeed"},
      {"settings.now number", [](json& s) { s["settings"]["now"] = 1793534400000; }, bad_type,
       "settings.now"},
      {"settings.faults object", [](json& s) { s["settings"]["faults"] = json::object(); },
       bad_type, "settings.faults"},
      {"settings.throttling array", [](json& s) { s["settings"]["throttling"] = json::array(); },
       bad_type, "settings.throttling"},
      {"tenants object", [](json& s) { s["tenants"] = json::object(); }, bad_type, "tenants",
       "expected an array"},
      {"tenant displayName bool", [](json& s) { s["tenants"][0]["displayName"] = true; }, bad_type,
       "tenants[0].displayName"},
      {"user UPN array",
       [](json& s) { s["users"][0]["userPrincipalName"] = json::array({"ann@contoso.com"}); },
       bad_type, "users[0].userPrincipalName"},
      {"user licenses string", [](json& s) { s["users"][0]["licenses"] = "teamsComplianceDlp"; },
       bad_type, "users[0].licenses"},
      {"user license number", [](json& s) { s["users"][0]["licenses"][0] = 1; }, bad_type,
       "users[0].licenses[0]"},
      {"application billing string", [](json& s) { s["applications"][0]["billing"] = "yes"; },
       bad_type, "applications[0].billing", "expected true or false"},
      {"chats object", [](json& s) { s["chats"] = json::object(); }, bad_type, "chats"},
      {"chat topic number", [](json& s) { s["chats"][0]["topic"] = 5; }, bad_type,
       "chats[0].topic"},
      {"chat isHiddenForAllMembers string",
       [](json& s) { s["chats"][0]["isHiddenForAllMembers"] = "false"; }, bad_type,
       "chats[0].isHiddenForAllMembers"},
      {"chat installedApps string", [](json& s) { s["chats"][0]["installedApps"] = "app"; },
       bad_type, "chats[0].installedApps"},
      {"chat members object", [](json& s) { s["chats"][0]["members"] = json::object(); }, bad_type,
       "chats[0].members"},
      {"member user number", [](json& s) { s["chats"][0]["members"][1]["user"] = 2; }, bad_type,
       "chats[0].members[1].user"},
      {"member roles string", [](json& s) { s["chats"][0]["members"][0]["roles"] = "owner"; },
       bad_type, "chats[0].members[0].roles"},
      {"member role number", [](json& s) { s["chats"][0]["members"][0]["roles"][0] = 1; }, bad_type,
       "chats[0].members[0].roles[0]"},
      {"viewpoint isHidden number",
       [](json& s) { s["chats"][0]["members"][0]["viewpoint"]["isHidden"] = 0; }, bad_type,
       "chats[0].members[0].viewpoint.isHidden"},
      {"chat messages object", [](json& s) { s["chats"][0]["messages"] = json::object(); },
       bad_type, "chats[0].messages"},
      {"message id number", [](json& s) { s["chats"][0]["messages"][0]["id"] = 1001; }, bad_type,
       "chats[0].messages[0].id"},
      {"message createdDateTime number",
       [](json& s) { s["chats"][0]["messages"][0]["createdDateTime"] = 1790848800123; }, bad_type,
       "chats[0].messages[0].createdDateTime"},
      {"message subject number", [](json& s) { s["chats"][0]["messages"][0]["subject"] = 1; },
       bad_type, "chats[0].messages[0].subject"},
      {"message attachments object",
       [](json& s) { s["chats"][0]["messages"][0]["attachments"] = json::object(); }, bad_type,
       "chats[0].messages[0].attachments", "expected an array"},
      {"message mentions string",
       [](json& s) { s["chats"][0]["messages"][0]["mentions"] = "@bob"; }, bad_type,
       "chats[0].messages[0].mentions"},
      {"message reactions number", [](json& s) { s["chats"][0]["messages"][0]["reactions"] = 1; },
       bad_type, "chats[0].messages[0].reactions"},
      {"message eventDetail array",
       [](json& s) { s["chats"][0]["messages"][2]["eventDetail"] = json::array(); }, bad_type,
       "chats[0].messages[2].eventDetail", "expected an object"},
      {"from.user number", [](json& s) { s["chats"][0]["messages"][0]["from"]["user"] = 1; },
       bad_type, "chats[0].messages[0].from.user"},
      {"application sender name number",
       [](json& s) { s["chats"][0]["messages"][1]["from"]["application"]["displayName"] = 1; },
       bad_type, "chats[0].messages[1].from.application.displayName"},
      {"body content number", [](json& s) { s["chats"][0]["messages"][0]["body"]["content"] = 1; },
       bad_type, "chats[0].messages[0].body.content"},
      {"joinWebUrl bool", [](json& s) { s["chats"][1]["onlineMeetingInfo"]["joinWebUrl"] = false; },
       bad_type, "chats[1].onlineMeetingInfo.joinWebUrl"},
      {"token scopes string", [](json& s) { s["tokens"][0]["scopes"] = "Chat.Read"; }, bad_type,
       "tokens[0].scopes"},
      {"token personalAccount string", [](json& s) { s["tokens"][2]["personalAccount"] = "true"; },
       bad_type, "tokens[2].personalAccount"},
      {"token value number", [](json& s) { s["tokens"][0]["token"] = 5; }, bad_type,
       "tokens[0].token"},
  });
}

TEST_CASE("refused: a time that is not ISO-8601", "[seed]") {
  const char* bad_time = "fakegraph.seed.bad_time";
  check_all({
      {"settings.now", [](json& s) { s["settings"]["now"] = "2026-13-01T00:00:00Z"; }, bad_time,
       "settings.now", "'2026-13-01T00:00:00Z'"},
      {"chat created", [](json& s) { s["chats"][0]["createdDateTime"] = "yesterday"; }, bad_time,
       "chats[0].createdDateTime"},
      {"chat updated", [](json& s) { s["chats"][0]["lastUpdatedDateTime"] = "2026-10-01"; },
       bad_time, "chats[0].lastUpdatedDateTime"},
      {"chat created, derived from messages",
       [](json& s) {
         s["chats"][0].erase("createdDateTime");
         s["chats"][0]["messages"][1]["createdDateTime"] = "2026-10-01 10:05";
       },
       bad_time, "chats[0].messages[1].createdDateTime"},
      {"member history",
       [](json& s) {
         s["chats"][0]["members"][0]["visibleHistoryStartDateTime"] = "0000-01-01T00:00:00Z";
       },
       bad_time, "chats[0].members[0].visibleHistoryStartDateTime"},
      {"viewpoint read",
       [](json& s) {
         s["chats"][0]["members"][0]["viewpoint"]["lastMessageReadDateTime"] =
             "2026-02-29T00:00:00Z";
       },
       bad_time, "chats[0].members[0].viewpoint.lastMessageReadDateTime"},
      {"message created",
       [](json& s) {
         s["chats"][0]["messages"][0]["createdDateTime"] = "2026-10-01T10:00:00+0100";
       },
       bad_time, "chats[0].messages[0].createdDateTime"},
      {"message modified",
       [](json& s) { s["chats"][0]["messages"][0]["lastModifiedDateTime"] = "soon"; }, bad_time,
       "chats[0].messages[0].lastModifiedDateTime"},
      {"message edited", [](json& s) { s["chats"][0]["messages"][0]["lastEditedDateTime"] = "x"; },
       bad_time, "chats[0].messages[0].lastEditedDateTime"},
      {"message deleted", [](json& s) { s["chats"][0]["messages"][0]["deletedDateTime"] = ""; },
       bad_time, "chats[0].messages[0].deletedDateTime"},
      {"token expiry", [](json& s) { s["tokens"][0]["expiresDateTime"] = "never"; }, bad_time,
       "tokens[0].expiresDateTime"},
  });
}

TEST_CASE("refused: a duplicate id of any kind", "[seed]") {
  const char* dup = "fakegraph.seed.duplicate_id";
  check_all({
      {"tenant", [](json& s) { s["tenants"][1]["id"] = t1; }, dup, "tenants[1].id"},
      {"tenant, in another case",
       [](json& s) {
         s["tenants"].push_back({{"id", "cccccccc-0000-4000-8000-000000000000"}});
         s["tenants"].push_back({{"id", "CCCCCCCC-0000-4000-8000-000000000000"}});
       },
       dup, "tenants[3].id"},
      {"user id", [](json& s) { s["users"][1]["id"] = ann_id; }, dup, "users[1].id"},
      {"user id, derived from the same UPN twice",
       [](json& s) {
         s["users"][2]["userPrincipalName"] = "dee@contoso.com";
         s["users"].push_back({{"tenantId", t1}, {"userPrincipalName", "DEE@contoso.com"}});
       },
       dup, "users[4].id"},
      {"UPN", [](json& s) { s["users"][1]["userPrincipalName"] = "ANN@contoso.com"; }, dup,
       "users[1].userPrincipalName"},
      {"appId", [](json& s) { s["applications"].push_back(s["applications"][0]); }, dup,
       "applications[1].appId"},
      {"chat id", [](json& s) { s["chats"][1]["id"] = s["chats"][0]["id"]; }, dup, "chats[1].id"},
      {"message id in a chat", [](json& s) { s["chats"][0]["messages"][1]["id"] = "1001"; }, dup,
       "chats[0].messages[1].id", "'1001'"},
      {"message id derived from the same time",
       [](json& s) {
         for (auto& m : s["chats"][0]["messages"]) {
           m.erase("id");
           m["createdDateTime"] = "2026-10-01T10:00:00.123Z";
           m.erase("lastModifiedDateTime");
         }
       },
       dup, "chats[0].messages[1].id"},
      {"token", [](json& s) { s["tokens"][1]["token"] = "ann"; }, dup, "tokens[1].token"},
  });
}

TEST_CASE("refused: a reference to an unknown tenant, user or application", "[seed]") {
  check_all({
      {"user tenant", [](json& s) { s["users"][0]["tenantId"] = "nope"; },
       "fakegraph.seed.unknown_tenant", "users[0].tenantId", "'nope'"},
      {"application tenant", [](json& s) { s["applications"][0]["tenantId"] = "nope"; },
       "fakegraph.seed.unknown_tenant", "applications[0].tenantId"},
      {"chat tenant", [](json& s) { s["chats"][0]["tenantId"] = "nope"; },
       "fakegraph.seed.unknown_tenant", "chats[0].tenantId"},
      {"member", [](json& s) { s["chats"][0]["members"][1]["user"] = "zed@contoso.com"; },
       "fakegraph.seed.unknown_user", "chats[0].members[1].user", "'zed@contoso.com'"},
      {"from.user",
       [](json& s) { s["chats"][0]["messages"][0]["from"]["user"] = "zed@contoso.com"; },
       "fakegraph.seed.unknown_user", "chats[0].messages[0].from.user", "'zed@contoso.com'"},
      {"organizer",
       [](json& s) { s["chats"][1]["onlineMeetingInfo"]["organizerId"] = "zed@contoso.com"; },
       "fakegraph.seed.unknown_user", "chats[1].onlineMeetingInfo.organizerId"},
      {"token user", [](json& s) { s["tokens"][0]["user"] = "zed@contoso.com"; },
       "fakegraph.seed.unknown_user", "tokens[0].user"},
      {"token application", [](json& s) { s["tokens"][1]["application"] = "nope"; },
       "fakegraph.seed.unknown_application", "tokens[1].application", "'nope'"},
  });
}

TEST_CASE("refused: a missing required field", "[seed]") {
  const char* missing = "fakegraph.seed.missing_field";
  check_all({
      {"user tenant with several tenants", [](json& s) { s["users"][1].erase("tenantId"); },
       missing, "users[1].tenantId", "2 tenants"},
      {"application tenant with several tenants",
       [](json& s) { s["applications"][0].erase("tenantId"); }, missing,
       "applications[0].tenantId"},
      {"UPN", [](json& s) { s["users"][2].erase("userPrincipalName"); }, missing,
       "users[2].userPrincipalName"},
      {"member user", [](json& s) { s["chats"][0]["members"][1].erase("user"); }, missing,
       "chats[0].members[1].user"},
      {"organizerId", [](json& s) { s["chats"][1]["onlineMeetingInfo"].erase("organizerId"); },
       missing, "chats[1].onlineMeetingInfo.organizerId"},
      {"application sender id",
       [](json& s) { s["chats"][0]["messages"][1]["from"]["application"].erase("id"); }, missing,
       "chats[0].messages[1].from.application.id"},
      {"token value", [](json& s) { s["tokens"][0].erase("token"); }, missing, "tokens[0].token"},
  });
  // With no tenant at all, a user cannot be placed either.
  json seed = full_seed();
  seed.erase("tenants");
  for (auto& u : seed["users"]) u.erase("tenantId");
  rejection(seed, missing, "users[0].tenantId");
}

TEST_CASE("refused: a roster that does not fit the chat type", "[seed]") {
  const char* roster = "fakegraph.seed.bad_roster";
  check_all({
      {"oneOnOne with 1 member", [](json& s) { s["chats"][2]["members"].erase(1); }, roster,
       "chats[2].members", "exactly 2"},
      {"oneOnOne with 3 members",
       [](json& s) {
         s["chats"][2]["members"].push_back({{"user", "bob@contoso.com"}});
       },
       roster, "chats[2].members", "exactly 2"},
      {"group with 1 member", [](json& s) { s["chats"][0]["members"].erase(1); }, roster,
       "chats[0].members", "at least 2"},
      {"group with no members", [](json& s) { s["chats"][0]["members"] = json::array(); }, roster,
       "chats[0].members"},
      {"chat without members", [](json& s) { s["chats"][2].erase("members"); }, roster,
       "chats[2].members"},
      {"duplicate member by UPN",
       [](json& s) { s["chats"][0]["members"][1]["user"] = "ANN@contoso.com"; },
       "fakegraph.seed.duplicate_member", "chats[0].members[1].user"},
      {"duplicate member by id and UPN",
       [](json& s) { s["chats"][0]["members"][1]["user"] = ann_id; },
       "fakegraph.seed.duplicate_member", "chats[0].members[1].user"},
  });
}

TEST_CASE("refused: chat fields that do not fit the chat type", "[seed]") {
  check_all({
      {"oneOnOne with a topic", [](json& s) { s["chats"][2]["topic"] = "Us"; },
       "fakegraph.seed.bad_value", "chats[2].topic"},
      {"onlineMeetingInfo on a group chat",
       [](json& s) { s["chats"][0]["onlineMeetingInfo"] = s["chats"][1]["onlineMeetingInfo"]; },
       "fakegraph.seed.bad_value", "chats[0].onlineMeetingInfo"},
      {"onlineMeetingInfo on a oneOnOne chat",
       [](json& s) { s["chats"][2]["onlineMeetingInfo"] = s["chats"][1]["onlineMeetingInfo"]; },
       "fakegraph.seed.bad_value", "chats[2].onlineMeetingInfo"},
      {"lastUpdated before created",
       [](json& s) { s["chats"][0]["lastUpdatedDateTime"] = "2026-09-30T00:00:00Z"; },
       "fakegraph.seed.bad_value", "chats[0].lastUpdatedDateTime"},
  });
  // A oneOnOne chat written with "topic": null is fine (the default world does that).
  json seed = full_seed();
  seed["chats"][2]["topic"] = nullptr;
  CHECK_NOTHROW(fakegraph::graph::from_json(seed));
}

TEST_CASE("refused: a message sender that breaks the rules", "[seed]") {
  check_all({
      {"from.user not a member",
       [](json& s) { s["chats"][0]["messages"][0]["from"]["user"] = "cy@contoso.com"; },
       "fakegraph.seed.not_a_member", "chats[0].messages[0].from.user", "'cy@contoso.com'"},
      {"from with user and application",
       [](json& s) {
         s["chats"][0]["messages"][0]["from"]["application"] = {{"id", "bot-1"}};
       },
       "fakegraph.seed.bad_value", "chats[0].messages[0].from"},
      {"from with neither", [](json& s) { s["chats"][0]["messages"][0]["from"] = json::object(); },
       "fakegraph.seed.bad_value", "chats[0].messages[0].from"},
      {"systemEventMessage with a user",
       [](json& s) {
         s["chats"][0]["messages"][2]["from"] = {{"user", "ann@contoso.com"}};
       },
       "fakegraph.seed.bad_value", "chats[0].messages[2].from", "systemEventMessage"},
      {"systemEventMessage with an application",
       [](json& s) { s["chats"][0]["messages"][2]["from"] = s["chats"][0]["messages"][1]["from"]; },
       "fakegraph.seed.bad_value", "chats[0].messages[2].from"},
  });
}

TEST_CASE("refused: a value outside its enumeration", "[seed]") {
  const char* bad_value = "fakegraph.seed.bad_value";
  check_all({
      {"messageType", [](json& s) { s["chats"][0]["messages"][0]["messageType"] = "Message"; },
       bad_value, "chats[0].messages[0].messageType", "'Message'"},
      {"messageType unknownFutureValue",
       [](json& s) { s["chats"][0]["messages"][0]["messageType"] = "unknownFutureValue"; },
       bad_value, "chats[0].messages[0].messageType"},
      {"importance", [](json& s) { s["chats"][0]["messages"][0]["importance"] = "low"; }, bad_value,
       "chats[0].messages[0].importance", "'low'"},
      {"chatType", [](json& s) { s["chats"][0]["chatType"] = "channel"; }, bad_value,
       "chats[0].chatType", "'channel'"},
      {"contentType",
       [](json& s) { s["chats"][0]["messages"][0]["body"]["contentType"] = "markdown"; }, bad_value,
       "chats[0].messages[0].body.contentType", "'markdown'"},
      {"applicationIdentityType",
       [](json& s) {
         s["chats"][0]["messages"][1]["from"]["application"]["applicationIdentityType"] = "robot";
       },
       bad_value, "chats[0].messages[1].from.application.applicationIdentityType", "'robot'"},
      {"metering", [](json& s) { s["settings"]["metering"] = "premium"; }, bad_value,
       "settings.metering", "'premium'"},
      {"queryOptions", [](json& s) { s["settings"]["queryOptions"] = "loose"; }, bad_value,
       "settings.queryOptions", "'loose'"},
  });
}

TEST_CASE("refused: message times out of order", "[seed]") {
  check_all({
      {"lastModified before created",
       [](json& s) {
         s["chats"][0]["messages"][0]["lastModifiedDateTime"] = "2026-10-01T10:00:00.122Z";
       },
       "fakegraph.seed.bad_value", "chats[0].messages[0].lastModifiedDateTime"},
      {"lastEdited before created",
       [](json& s) {
         s["chats"][0]["messages"][1]["lastEditedDateTime"] = "2026-10-01T10:05:00.455Z";
       },
       "fakegraph.seed.bad_value", "chats[0].messages[1].lastEditedDateTime"},
      {"deleted before created",
       [](json& s) { s["chats"][0]["messages"][1]["deletedDateTime"] = "2026-09-01T00:00:00Z"; },
       "fakegraph.seed.bad_value", "chats[0].messages[1].deletedDateTime"},
  });
}

TEST_CASE("refused: a token that names no one, two principals, or the wrong permission kind",
          "[seed]") {
  const char* bad_token = "fakegraph.seed.bad_token";
  check_all({
      {"none", [](json& s) { s["tokens"][0].erase("user"); }, bad_token, "tokens[0]",
       "exactly one"},
      {"personalAccount false only", [](json& s) { s["tokens"][2]["personalAccount"] = false; },
       bad_token, "tokens[2]"},
      {"user and application", [](json& s) { s["tokens"][0]["application"] = a1; }, bad_token,
       "tokens[0]"},
      {"user and personalAccount", [](json& s) { s["tokens"][0]["personalAccount"] = true; },
       bad_token, "tokens[0]"},
      {"application and personalAccount", [](json& s) { s["tokens"][1]["personalAccount"] = true; },
       bad_token, "tokens[1]"},
      {"scopes on an application token",
       [](json& s) { s["tokens"][1]["scopes"] = json::array({"Chat.Read"}); }, bad_token,
       "tokens[1].scopes"},
      {"roles on a delegated token",
       [](json& s) { s["tokens"][0]["roles"] = json::array({"Chat.Read.All"}); }, bad_token,
       "tokens[0].roles"},
      {"roles on a personal account token",
       [](json& s) { s["tokens"][2]["roles"] = json::array(); }, bad_token, "tokens[2].roles"},
  });
  // "personalAccount": false beside a user is just the default.
  json seed = full_seed();
  seed["tokens"][0]["personalAccount"] = false;
  CHECK_NOTHROW(fakegraph::graph::from_json(seed));
}

TEST_CASE("refused: a baseUrl that is not an http(s) URL", "[seed]") {
  for (const char* url :
       {"ftp://graph.microsoft.com", "graph.microsoft.com", "", "/", "//host", "https:/x"}) {
    json seed = full_seed();
    seed["settings"]["baseUrl"] = url;
    INFO("baseUrl: '" << url << "'");
    rejection(seed, "fakegraph.seed.bad_value", "settings.baseUrl");
  }
}

// ---- files ------------------------------------------------------------------------------------

namespace {

/// A file in the temp directory, removed when the test ends.
struct temp_file {
  std::string path;
  explicit temp_file(const std::string& name, const std::string& text)
      : path((std::filesystem::temp_directory_path() /
              ("fakegraph-seed-test-" + std::to_string(fd::fnv1a(name + text)) + "-" + name))
                 .string()) {
    std::ofstream(path, std::ios::binary) << text;
  }
  ~temp_file() { std::remove(path.c_str()); }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
};

}  // namespace

TEST_CASE("from_file: a missing file is fakegraph.seed.no_file", "[seed]") {
  const std::string path = fakegraph_test::data_file("no-such-world.json");
  try {
    (void)fakegraph::graph::from_file(path);
    FAIL("loaded a file that does not exist");
  } catch (const fakegraph::error& e) {
    CHECK(e.id() == "fakegraph.seed.no_file");
    CHECK(std::string(e.what()).rfind("[fakegraph.seed.no_file] " + path + ": ", 0) == 0);
  }
}

TEST_CASE("from_file: a directory is not a seed file", "[seed]") {
  try {
    (void)fakegraph::graph::from_file(fakegraph_test::data_dir());
    FAIL("loaded a directory");
  } catch (const fakegraph::error& e) {
    CHECK(e.id() == "fakegraph.seed.no_file");
  }
}

TEST_CASE("from_file: invalid JSON is fakegraph.seed.bad_json with line and column", "[seed]") {
  const temp_file bad("bad.json", "{\n  \"settings\": {,\n}\n");
  try {
    (void)fakegraph::graph::from_file(bad.path);
    FAIL("loaded invalid JSON");
  } catch (const fakegraph::error& e) {
    CHECK(e.id() == "fakegraph.seed.bad_json");
    const std::string what = e.what();
    CHECK(what.rfind("[fakegraph.seed.bad_json] " + bad.path + ": ", 0) == 0);
    CHECK_THAT(what, fakegraph_test::contains_substring("line 2, column 16"));
  }
  const temp_file empty("empty.json", "");
  CHECK_THROWS_MATCHES(fakegraph::graph::from_file(empty.path), fakegraph::error,
                       Catch::Matchers::Predicate<fakegraph::error>([](const fakegraph::error& e) {
                         return e.id() == "fakegraph.seed.bad_json";
                       }));
  // JSON comments are not JSON.
  const temp_file commented("commented.json", "{ // the world\n}");
  CHECK_THROWS_MATCHES(fakegraph::graph::from_file(commented.path), fakegraph::error,
                       Catch::Matchers::Predicate<fakegraph::error>([](const fakegraph::error& e) {
                         return e.id() == "fakegraph.seed.bad_json";
                       }));
}

TEST_CASE("from_text: a seed's text loads as from_file loads the file", "[seed][stream]") {
  const std::string text = fakegraph_test::read_file(fakegraph_test::default_world_path());
  const fakegraph::graph from_text = fakegraph::graph::from_text(text);
  const fakegraph::graph from_file =
      fakegraph::graph::from_file(fakegraph_test::default_world_path());
  for (const char* url : {"/v1.0/me/chats?$expand=members,lastMessagePreview&$top=50",
                          "/v1.0/me/chats/getAllMessages?$top=50"}) {
    INFO(url);
    const fakegraph::response a = get(from_text, url, "adele-read");
    CHECK(a.status == (std::string(url).find("getAllMessages") == std::string::npos ? 200 : 412));
    CHECK(a.json() == get(from_file, url, "adele-read").json());
  }
  try {
    (void)fakegraph::graph::from_text("{\"users\": [", "inline seed");
    FAIL("loaded invalid JSON");
  } catch (const fakegraph::error& e) {
    CHECK(e.id() == "fakegraph.seed.bad_json");
    CHECK(std::string(e.what()).rfind("[fakegraph.seed.bad_json] inline seed: ", 0) == 0);
  }
}

TEST_CASE("from_file: a valid file with a bad seed names the fault's JSON path", "[seed]") {
  json seed = full_seed();
  seed["chats"][2]["members"][1]["user"] = "zed@contoso.com";
  const temp_file file("bad-seed.json", seed.dump(2));
  try {
    (void)fakegraph::graph::from_file(file.path);
    FAIL("loaded a bad seed");
  } catch (const fakegraph::error& e) {
    CHECK(e.id() == "fakegraph.seed.unknown_user");
    CHECK(std::string(e.what()).rfind("[fakegraph.seed.unknown_user] chats[2].members[1].user: ",
                                      0) == 0);
  }
  const temp_file good("good-seed.json", full_seed().dump());
  CHECK(get(fakegraph::graph::from_file(good.path), "/v1.0/me/chats", "ann").status == 200);
}

// ---- all or nothing -------------------------------------------------------------------------

TEST_CASE("a failing seed leaves nothing behind", "[seed]") {
  // load_seed builds the world in a local value and the graph is made only from a
  // finished world: when from_json throws, there is no graph, and nothing to clean up.
  // The observable part: replacing a working graph with a failing seed keeps the old one.
  fakegraph::graph g = fakegraph::graph::from_json(full_seed());
  const std::string before = get(g, "/v1.0/me/chats?$expand=members", "ann").body;

  json bad = full_seed();
  bad["tokens"][2]["personalAccount"] = false;  // the very last thing loaded fails
  CHECK_THROWS_AS(g = fakegraph::graph::from_json(bad), fakegraph::error);
  const fakegraph::response after = get(g, "/v1.0/me/chats?$expand=members", "ann");
  CHECK(after.status == 200);
  CHECK(value_of(after.body)["value"] == value_of(before)["value"]);
}

TEST_CASE("any damage to a seed is refused with fakegraph::error, never a crash", "[seed]") {
  // Replace every value (and drop every key) of the full seed, one at a time: the load
  // either succeeds or throws fakegraph::error with a seed id; a loaded world serves.
  const json base = full_seed();
  std::vector<json::json_pointer> pointers;
  std::function<void(const json&, const json::json_pointer&)> walk =
      [&](const json& j, const json::json_pointer& p) {
        if (!p.empty()) pointers.push_back(p);
        if (j.is_object())
          for (const auto& item : j.items()) walk(item.value(), p / item.key());
        if (j.is_array())
          for (std::size_t i = 0; i < j.size(); ++i) walk(j[i], p / i);
      };
  walk(base, json::json_pointer());
  REQUIRE(pointers.size() > 100);

  const std::vector<json> replacements = {nullptr,
                                          0,
                                          -1,
                                          1.5,
                                          "",
                                          "x",
                                          true,
                                          json::array(),
                                          json::object(),
                                          "0001-01-01T00:00:00Z",
                                          json::array({nullptr})};
  std::size_t loaded = 0, refused = 0;
  auto attempt = [&](const json& seed, const std::string& what) {
    INFO(what);
    const std::string from_text = text_load_error(seed);
    try {
      const fakegraph::graph g = fakegraph::graph::from_json(seed);
      CHECK(from_text == "");
      ++loaded;
      for (const char* token : {"ann", "app"}) {
        const fakegraph::response r =
            get(g, "/v1.0/users/ann@contoso.com/chats?$expand=members,lastMessagePreview", token);
        CHECK(r.status > 0);
      }
    } catch (const fakegraph::error& e) {
      ++refused;
      CHECK(e.id().rfind("fakegraph.seed.", 0) == 0);
      CHECK(from_text == e.what());
    } catch (const std::exception& e) {
      FAIL_CHECK("not a fakegraph::error: " << e.what());
    }
  };
  for (const auto& p : pointers) {
    for (const json& r : replacements) {
      json seed = base;
      seed[p] = r;
      attempt(seed, p.to_string() + " = " + r.dump());
    }
    json seed = base;
    const json::json_pointer parent = p.parent_pointer();
    if (seed[parent].is_object()) {
      seed[parent].erase(p.back());
      attempt(seed, "erase " + p.to_string());
    }
  }
  CHECK(loaded > 0);
  CHECK(refused > 0);
}

// ---- big seeds ---------------------------------------------------------------------------------

TEST_CASE("a big seed loads in bulk and its indexes come out ordered", "[seed]") {
  // 20,000 messages: 8,000 in one chat (the worst case for per-chat checks such as the
  // duplicate id rule), 2,000 in each of 6 more, written in a scrambled time order. No
  // timing is asserted; a quadratic step shows as this test taking minutes instead of seconds.
  constexpr int users = 12;
  constexpr int small_chats = 6;
  constexpr int big_chat_messages = 8000;
  constexpr int small_chat_messages = 2000;
  json seed = {{"settings", {{"now", "2026-11-01T12:00:00Z"}}},
               {"tenants", json::array({{{"id", t1}}})}};
  seed["users"] = json::array();
  for (int u = 0; u < users; ++u)
    seed["users"].push_back({{"userPrincipalName", "u" + std::to_string(u) + "@contoso.com"}});
  const fakegraph::timestamp start = *fakegraph::parse_time("2026-01-01T00:00:00Z");
  std::uint64_t x = 12345;
  std::set<fakegraph::timestamp> used;
  auto next_time = [&]() {
    for (;;) {  // distinct times in a scrambled order
      x = fd::splitmix64(x);
      const fakegraph::timestamp t =
          start + static_cast<fakegraph::timestamp>(x % (300ull * 86400000ull));
      if (used.insert(t).second) return t;
    }
  };
  seed["chats"] = json::array();
  for (int c = 0; c <= small_chats; ++c) {
    json chat = {{"chatType", "group"},
                 {"topic", "chat " + std::to_string(c)},
                 {"members", json::array()},
                 {"messages", json::array()}};
    for (int u = 0; u < users; ++u)
      if (c == 0 || u % 3 == c % 3)
        chat["members"].push_back({{"user", "u" + std::to_string(u) + "@contoso.com"}});
    const int count = c == 0 ? big_chat_messages : small_chat_messages;
    for (int m = 0; m < count; ++m) {
      const std::string from =
          chat["members"][static_cast<std::size_t>(m) % chat["members"].size()]["user"];
      chat["messages"].push_back({{"from", {{"user", from}}},
                                  {"createdDateTime", fakegraph::format_time(next_time())},
                                  {"body", {{"content", "m" + std::to_string(m)}}}});
    }
    seed["chats"].push_back(std::move(chat));
  }

  const fd::world_state w = fd::load_seed(seed);
  CHECK_FALSE(w.bulk_loading);
  std::size_t total = 0;
  for (const auto& c : w.chats) total += c.messages().size();
  CHECK(total == big_chat_messages + small_chats * small_chat_messages);

  for (const auto& u : w.users) {
    const auto& refs = w.user_messages(u.id);
    std::size_t expected = 0;
    for (const auto& c : w.chats)
      if (w.member_of(c.data, u.id)) expected += c.messages().size();
    INFO(u.user_principal_name);
    CHECK(refs.size() == expected);
    CHECK(std::is_sorted(refs.begin(), refs.end(), [&](fd::message_ref a, fd::message_ref b) {
      return w.message_before(a, b);
    }));
  }
  // The running preview is the newest message of each chat.
  for (const auto& c : w.chats) {
    const fd::stored_message* latest =
        w.latest_message(c, w.next_seq, c.data.members.front().user_id);
    REQUIRE(latest);
    fakegraph::timestamp newest = c.messages().front().created;
    for (const auto& m : c.messages()) newest = std::max(newest, m.created);
    CHECK(latest->created == newest);
  }
}

// ---- loading from text, streaming -------------------------------------------------------------

namespace {

/// Everything a loaded world holds, as text: two worlds with the same text answer alike.
std::string world_text(const fd::world_state& w) {
  std::string out = w.settings.base_url + "|" + w.settings.metering + "|" +
                    std::to_string(w.settings.now.value_or(-1)) + "|" +
                    std::to_string(w.settings.id_seed) + "|" + w.settings.faults.dump() +
                    w.settings.throttling.dump() + "|" + std::to_string(w.next_seq) + "|" +
                    std::to_string(w.derived_ids) + "|" + std::to_string(w.max_modify_lag) + "\n";
  for (const auto& t : w.tenants) out += "tenant " + t.id + " " + t.display_name + "\n";
  for (const auto& u : w.users) {
    out += "user " + u.id + " " + u.tenant_id + " " + u.user_principal_name + " " + u.display_name +
           " " + u.mail + " chats";
    for (const auto c : w.user_chats(u.id)) out += " " + std::to_string(c);
    out += " messages";
    for (const auto& r : w.user_messages(u.id))
      out += " " + std::to_string(r.chat) + "." + std::to_string(r.message);
    out += " changes " + std::to_string(w.user_changes(u.id).size()) + "\n";
  }
  for (const auto& a : w.applications)
    out += "application " + a.app_id + " " + a.tenant_id + " " + a.display_name + "\n";
  for (const auto& sc : w.chats) {
    const fakegraph::chat& c = sc.data;
    out += "chat " + c.id + " " + c.tenant_id + " " + std::string(to_string(c.type)) + " " +
           c.topic.value_or("-") + " " + std::to_string(c.created) + " " +
           std::to_string(c.last_updated) + " " + std::to_string(sc.seq) + "\n";
    for (const auto& m : c.members)
      out += "  member " + m.user_id + " " + std::to_string(m.visible_history_start) + "\n";
    for (const auto& m : sc.messages())
      out += "  " + std::to_string(m.seq) + " " + message_text(sc, m, false) + " " +
             message_text(sc, m, true) + "\n";
  }
  const std::map<std::string, fakegraph::token> tokens(w.tokens.begin(), w.tokens.end());
  for (const auto& [value, t] : tokens)
    out += "token " + value + " " + t.subject + " " + t.tenant_id + "\n";
  return out;
}

/// `seed`'s text with its keys in the format's order (nlohmann writes them sorted).
std::string in_section_order(const json& seed) {
  std::string out;
  for (const char* key : {"settings", "tenants", "users", "applications", "chats", "tokens"})
    if (seed.contains(key))
      out += (out.empty() ? "{\"" : ",\"") + std::string(key) + "\":" + seed[key].dump(1);
  return out + "}";
}

/// Whether the streaming reader takes `text` whole (else load_seed_text loads it as a DOM).
bool streams(const std::string& text) {
  fd::world_state w;
  w.bulk_loading = true;
  fd::seed_stream stream(w);
  try {
    return json::sax_parse(text, &stream) && stream.finished();
  } catch (const fakegraph::error&) {
    return false;
  }
}

}  // namespace

TEST_CASE("a seed's text loads into the world its JSON loads into", "[seed][stream]") {
  const std::string contoso = fakegraph_test::read_file(fakegraph_test::default_world_path());
  for (const std::string& text : {contoso, in_section_order(full_seed())}) {
    REQUIRE(streams(text));
    CHECK(world_text(fd::load_seed_text(text, "seed.json")) ==
          world_text(fd::load_seed(json::parse(text))));
  }
}

TEST_CASE("the streaming reader takes the usual shape and leaves any other to the DOM loader",
          "[seed][stream]") {
  struct case_ {
    const char* what;
    std::string text;
    bool streams;
  };
  const std::vector<case_> cases = {
      {"the usual order, with x- keys and absent sections",
       R"({"x-a":[1,{"b":[]}],"settings":{"now":"2026-11-01T12:00:00Z"},"tenants":[{"id":")" +
           std::string(t1) +
           R"("}],"users":[{"userPrincipalName":"ann@contoso.com"},{"userPrincipalName":"bob@contoso.com"}],"x-c":null,"chats":[{"members":[{"user":"ann@contoso.com"},{"user":"bob@contoso.com"}],"messages":[{"from":{"user":"ann@contoso.com"},"body":{"content":"hi"}}]}],"tokens":[]})",
       true},
      {"no sections at all", "{}", true},
      {"keys sorted, as nlohmann writes them", full_seed().dump(), false},
      {"users before tenants",
       R"({"users":[{"userPrincipalName":"ann@contoso.com"}],"tenants":[{"id":")" +
           std::string(t1) + R"("}]})",
       false},
      {"settings after a section", R"({"tenants":[],"settings":{"now":"2026-11-01T12:00:00Z"}})",
       false},
      {"a section twice", R"({"users":[],"users":[]})", false},
      {"a section that is null", R"({"users":null})", false},
      {"a section that is an object", R"({"users":{}})", false},
      {"an unknown key", R"({"chatz":[]})", false},
      {"a root that is an array", "[]", false},
      {"text that is not JSON", R"({"users":[)", false},
      {"a fault in an entry", R"({"users":[{"userPrincipalName":7}]})", false},
  };
  for (const auto& c : cases) {
    INFO(c.what << ": " << c.text);
    CHECK(streams(c.text) == c.streams);
    // Whichever way it is read, the text loads as its JSON does, or is refused as it is.
    json parsed;
    try {
      parsed = json::parse(c.text);
    } catch (const json::parse_error&) {
      CHECK_THROWS_AS(fd::load_seed_text(c.text, "seed.json"), fakegraph::error);
      continue;
    }
    std::string dom_error, text_error, dom_world, text_world;
    try {
      dom_world = world_text(fd::load_seed(parsed));
    } catch (const fakegraph::error& e) {
      dom_error = e.what();
    }
    try {
      text_world = world_text(fd::load_seed_text(c.text, "seed.json"));
    } catch (const fakegraph::error& e) {
      text_error = e.what();
    }
    CHECK(text_error == dom_error);
    CHECK(text_world == dom_world);
  }
}
