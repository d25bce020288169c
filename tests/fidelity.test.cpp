// Answers that must match Graph's to the letter: 100 ns date bounds, userIdentityType relative
// to the reading tenant, unknown path segments, messageHistory, JWT claim edges, OData key
// literals, the Allow header and the $filter case rule.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <algorithm>  // std::find
#include <set>        // std::set
#include <string>     // std::string
#include <utility>    // std::pair
#include <vector>     // std::vector

#include "get_all_messages_support.hpp"
#include "list_chats_world.hpp"

using fakegraph_test::contains_substring;
using fakegraph_test::default_world;
using fakegraph_test::error_code;
using fakegraph_test::error_message;
using fakegraph_test::get;
using fakegraph_test::ids_of;
using gam_test::export_url;
using gam_test::filter_param;
using nlohmann::json;

namespace {

// Two tenants. Chat "host-f" is hosted by Fabrikam, "host-c" by Contoso; both hold Ann
// (Contoso) and Fay (Fabrikam). Each tenant has an exporting application.
constexpr const char* contoso_tid = "c0c0c0c0-0000-4000-8000-000000000001";
constexpr const char* fabrikam_tid = "fafafafa-0000-4000-8000-000000000002";
constexpr const char* ann = "a0000000-0000-4000-8000-00000000000a";
constexpr const char* fay = "f0000000-0000-4000-8000-00000000000f";

json two_tenant_seed() {
  auto message = [](const std::string& id, const std::string& from, const std::string& at) {
    return json{{"id", id}, {"from", {{"user", from}}}, {"createdDateTime", at}};
  };
  return {{"settings", {{"now", "2026-11-01T12:00:00Z"}, {"metering", "none"}}},
          {"tenants",
           {{{"id", contoso_tid}, {"displayName", "Contoso"}},
            {{"id", fabrikam_tid}, {"displayName", "Fabrikam"}}}},
          {"users",
           {{{"id", ann},
             {"tenantId", contoso_tid},
             {"userPrincipalName", "ann@contoso.com"},
             {"displayName", "Ann"}},
            {{"id", fay},
             {"tenantId", fabrikam_tid},
             {"userPrincipalName", "fay@fabrikam.com"},
             {"displayName", "Fay"}},
            {{"id", "b0000000-0000-4000-8000-00000000000b"},
             {"tenantId", contoso_tid},
             {"userPrincipalName", "o'brien@contoso.com"},
             {"displayName", "Olive O'Brien"}}}},
          {"applications",
           {{{"appId", "a9900000-0000-4000-8000-000000000001"},
             {"tenantId", contoso_tid},
             {"displayName", "Contoso export"}},
            {{"appId", "a9900000-0000-4000-8000-000000000002"},
             {"tenantId", fabrikam_tid},
             {"displayName", "Fabrikam export"}}}},
          {"chats",
           {{{"id", "19:host-f@thread.v2"},
             {"tenantId", fabrikam_tid},
             {"chatType", "group"},
             {"topic", "Hosted by Fabrikam"},
             {"members", {{{"user", "fay@fabrikam.com"}}, {{"user", "ann@contoso.com"}}}},
             {"messages",
              {message("1", "fay@fabrikam.com", "2026-10-01T10:00:00Z"),
               message("2", "ann@contoso.com", "2026-10-01T10:01:00Z")}}},
            {{"id", "19:host-c@thread.v2"},
             {"tenantId", contoso_tid},
             {"chatType", "group"},
             {"topic", "Hosted by Contoso"},
             {"members",
              {{{"user", "ann@contoso.com"}},
               {{"user", "fay@fabrikam.com"}},
               {{"user", "o'brien@contoso.com"}}}},
             {"messages",
              {message("3", "ann@contoso.com", "2026-10-02T10:00:00Z"),
               message("4", "fay@fabrikam.com", "2026-10-02T10:01:00Z")}}}}},
          {"tokens",
           {{{"token", "contoso-export"},
             {"application", "a9900000-0000-4000-8000-000000000001"},
             {"roles", {"Chat.Read.All"}}},
            {{"token", "fabrikam-export"},
             {"application", "a9900000-0000-4000-8000-000000000002"},
             {"roles", {"Chat.Read.All"}}},
            {{"token", "ann"}, {"user", "ann@contoso.com"}, {"scopes", {"Chat.Read"}}},
            {{"token", "fay"}, {"user", "fay@fabrikam.com"}, {"scopes", {"Chat.Read"}}}}}};
}

/// message id -> from.user.userIdentityType, over a whole getAllMessages walk.
std::vector<std::pair<std::string, std::string>> identity_types(const fakegraph::graph& g,
                                                                const std::string& url,
                                                                const std::string& token) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto page = get(g, url, token);
  INFO(page.body);
  REQUIRE(page.status == 200);
  const json body = page.json();
  REQUIRE_FALSE(body.contains("@odata.nextLink"));
  for (const auto& m : body["value"])
    out.emplace_back(m["id"].get<std::string>(),
                     m["from"]["user"]["userIdentityType"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("Fidelity: lastModifiedDateTime bounds compare at 100 ns", "[fidelity][getAllMessages]") {
  const auto g = default_world();
  // Adele's first message was created and last modified at 2026-08-03T09:14:02.318Z.
  const std::string first = "1785748442318";
  auto has_first = [&](const std::string& filter) {
    const auto r = get(
        g, export_url("adele@contoso.com", "model=A&$top=50&" + filter_param(filter)), "exporter");
    INFO(filter << ": " << r.body);
    REQUIRE(r.status == 200);
    const auto ids = ids_of(r);
    return std::find(ids.begin(), ids.end(), first) != ids.end();
  };
  const std::string bound = "lastModifiedDateTime ";
  CHECK(has_first(bound + "lt 2026-08-03T09:14:02.3189999Z"));  // 99.99 µs after: kept
  CHECK(has_first(bound + "lt 2026-08-03T09:14:02.3180001Z"));  // 100 ns after: kept
  CHECK_FALSE(has_first(bound + "lt 2026-08-03T09:14:02.318Z"));
  CHECK_FALSE(has_first(bound + "lt 2026-08-03T09:14:02.3180000Z"));
  CHECK(has_first(bound + "gt 2026-08-03T09:14:02.3179999Z"));  // 100 ns before: kept
  CHECK_FALSE(has_first(bound + "gt 2026-08-03T09:14:02.318Z"));
  CHECK_FALSE(has_first(bound + "gt 2026-08-03T09:14:02.3180001Z"));
  // More than seven digits: Graph's precision ends at the seventh.
  CHECK(has_first(bound + "lt 2026-08-03T09:14:02.318000099Z") == false);
  CHECK(has_first(bound + "lt 2026-08-03T09:14:02.31800019Z"));
  // Both bounds at once, an exporter's 7-digit watermark window.
  CHECK(has_first(bound + "gt 2026-08-03T09:14:02.3179999Z and " + bound +
                  "lt 2026-08-03T09:14:02.3180001Z"));
}

TEST_CASE("Fidelity: userIdentityType is relative to the tenant whose data is read",
          "[fidelity][getAllMessages][listChats]") {
  const auto g = fakegraph::graph::from_json(two_tenant_seed());
  using types = std::vector<std::pair<std::string, std::string>>;
  // Exporting Ann (Contoso): Fay is federated in both chats, whichever tenant hosts them.
  CHECK(identity_types(g, export_url(ann), "contoso-export") ==
        types{{"1", "federatedUser"}, {"2", "aadUser"}, {"3", "aadUser"}, {"4", "federatedUser"}});
  // Exporting Fay (Fabrikam): the other way round.
  CHECK(identity_types(g, export_url(fay), "fabrikam-export") ==
        types{{"1", "aadUser"}, {"2", "federatedUser"}, {"3", "federatedUser"}, {"4", "aadUser"}});

  SECTION("Microsoft's export recipe takes each message once") {
    // Contoso exports its users' own messages and every federated sender's, so Fay's
    // messages come in once, through Ann's export, and Ann's once too.
    const std::string recipe = std::string("from/user/id eq '") + ann +
                               "' or from/user/userIdentityType eq 'federatedUser'";
    const auto r = get(g, export_url(ann, filter_param(recipe)), "contoso-export");
    REQUIRE(r.status == 200);
    CHECK(ids_of(r) == std::vector<std::string>{"1", "2", "3", "4"});
    const auto aad =
        get(g, export_url(ann, filter_param("from/user/userIdentityType eq 'aadUser'")),
            "contoso-export");
    CHECK(ids_of(aad) == std::vector<std::string>{"2", "3"});
  }
  SECTION("List chats previews, as the listed user's tenant reads them") {
    auto preview_types = [&](const std::string& token) {
      std::set<std::pair<std::string, std::string>> out;
      const auto r = get(g, "/v1.0/me/chats?$expand=lastMessagePreview", token);
      INFO(r.body);
      REQUIRE(r.status == 200);
      const json page = r.json();
      for (const auto& c : page["value"])
        out.emplace(c["lastMessagePreview"]["id"].get<std::string>(),
                    c["lastMessagePreview"]["from"]["user"]["userIdentityType"].get<std::string>());
      return out;
    };
    // The newest messages are 2 (Ann, in host-f) and 4 (Fay, in host-c).
    CHECK(preview_types("ann") ==
          std::set<std::pair<std::string, std::string>>{{"2", "aadUser"}, {"4", "federatedUser"}});
    CHECK(preview_types("fay") ==
          std::set<std::pair<std::string, std::string>>{{"2", "federatedUser"}, {"4", "aadUser"}});
  }
}

TEST_CASE("Fidelity: an unknown path segment is 400 naming that segment", "[fidelity][errors]") {
  const auto g = default_world();
  // A chat's own paths (/chats/{id}/…) go past the id: the segment after it is blamed.
  const std::pair<std::string, std::string> rows[] = {
      {"/v1.0/foo", "foo"},
      {"/v1.0/mer/chats", "mer"},
      {"/v1.0/me", "me"},
      {"/v1.0/users", "users"},
      {"/v1.0/users/x", "x"},
      {"/v1.0/users/adele@contoso.com/drive", "drive"},
      {"/v1.0/users/adele@contoso.com/chats/x/y", "y"},
      {"/v1.0/chats/x/messages/1/replies", "replies"},
      {"/v1.0/chats/x/members/y", "y"},
      {"/v1.0/users/adele@contoso.com/chats/getAllMessages/nothing", "nothing"},
      {"/v1.0/users/adele@contoso.com/chats/getAllMessages/delta/x", "x"},
  };
  for (const auto& [path, segment] : rows) {
    INFO(path);
    const auto r = get(g, path, "exporter");
    CHECK(r.status == 400);
    CHECK(error_code(r) == "BadRequest");
    CHECK_THAT(error_message(r), Catch::Matchers::StartsWith(
                                     "Resource not found for the segment '" + segment + "'."));
  }
}

TEST_CASE("Fidelity: chatMessage carries messageHistory", "[fidelity][getAllMessages][seed]") {
  json seed = two_tenant_seed();
  const json history = json::array(
      {{{"actions", "reactionAdded"},
        {"modifiedDateTime", "2026-10-01T10:05:00Z"},
        {"reaction",
         {{"reactionType", "like"},
          {"createdDateTime", "2026-10-01T10:05:00Z"},
          {"user",
           {{"application", nullptr},
            {"device", nullptr},
            {"user", {{"id", ann}, {"displayName", nullptr}, {"userIdentityType", "aadUser"}}}}}}}},
       {{"actions", "reactionRemoved,reactionAdded"},
        {"modifiedDateTime", "2026-10-01T10:06:00Z"},
        {"reaction", nullptr}}});
  seed["chats"][0]["messages"][0]["messageHistory"] = history;

  SECTION("given in the seed, sent as written; [] when none") {
    const auto g = fakegraph::graph::from_json(seed);
    const auto r = get(g, export_url(ann), "contoso-export");
    REQUIRE(r.status == 200);
    const json value = r.json()["value"];
    REQUIRE(value.size() == 4);
    CHECK(value[0]["messageHistory"] == history);
    for (std::size_t i = 1; i < value.size(); ++i)
      CHECK(value[i]["messageHistory"] == json::array());
  }
  SECTION("given by the builder") {
    auto g = fakegraph::graph::from_json(two_tenant_seed());
    fakegraph::message_spec m{"ann@contoso.com", "with history"};
    m.message_history = history;
    const std::string id = g.add_message("19:host-c@thread.v2", m);
    const auto r = get(g, export_url(ann), "contoso-export");
    REQUIRE(r.status == 200);
    const json value = r.json()["value"];
    REQUIRE_FALSE(value.empty());
    CHECK(value.back()["id"] == id);
    CHECK(value.back()["messageHistory"] == history);
  }
  SECTION("a bad history item is refused with its JSON path") {
    const std::pair<json, std::string> bad[] = {
        {json::object(), "messageHistory[0].actions"},
        {{{"actions", "reactionAdded"}}, "messageHistory[0].modifiedDateTime"},
        {{{"actions", "liked"}, {"modifiedDateTime", "2026-10-01T10:05:00Z"}},
         "messageHistory[0].actions"},
        {{{"actions", "reactionAdded"}, {"modifiedDateTime", "yesterday"}},
         "messageHistory[0].modifiedDateTime"},
        {{{"actions", "reactionAdded"},
          {"modifiedDateTime", "2026-10-01T10:05:00Z"},
          {"reaction", 1}},
         "messageHistory[0].reaction"},
        {{{"actions", "reactionAdded"}, {"modifiedDateTime", "2026-10-01T10:05:00Z"}, {"x", 1}},
         "messageHistory[0].x"},
        {json(5), "messageHistory[0]"},
    };
    for (const auto& [item, path] : bad) {
      json s = two_tenant_seed();
      s["chats"][0]["messages"][0]["messageHistory"] = json::array({item});
      INFO(item.dump());
      CHECK_THROWS_WITH(fakegraph::graph::from_json(s),
                        contains_substring("chats[0].messages[0]." + path + ":"));
    }
  }
}

TEST_CASE("Fidelity: JWT claims of the wrong type are 401, exp and nbf allow 5 minutes of skew",
          "[fidelity][auth]") {
  const auto g = fakegraph::graph::from_json(two_tenant_seed());
  const long long now = g.clock().now() / 1000;
  const json ann_claims = {
      {"tid", contoso_tid}, {"oid", ann}, {"scp", "Chat.Read"}, {"idtyp", "user"}};
  const json app_claims = {{"tid", contoso_tid},
                           {"appid", "a9900000-0000-4000-8000-000000000001"},
                           {"roles", {"Chat.Read.All"}},
                           {"idtyp", "app"}};
  auto status = [&](const json& claims, const std::string& url = "/v1.0/me/chats") {
    const auto r = get(g, url, lct::jwt(claims));
    INFO(claims.dump() << " -> " << r.body);
    if (r.status == 401) CHECK(error_code(r) == "InvalidAuthenticationToken");
    return r.status;
  };
  auto with = [](json claims, const char* name, const json& value) {
    claims[name] = value;
    return claims;
  };
  CHECK(status(ann_claims) == 200);  // the control
  SECTION("wrong types never mean 'no expiry' or 'no roles'") {
    for (const auto& [name, value] :
         std::vector<std::pair<const char*, json>>{{"exp", "abc"},
                                                   {"exp", json::array()},
                                                   {"nbf", "0"},
                                                   {"nbf", nullptr},
                                                   {"scp", 5},
                                                   {"scp", json::array({"Chat.Read"})},
                                                   {"tid", 1},
                                                   {"oid", true}}) {
      INFO(name);
      const auto r = get(g, "/v1.0/me/chats", lct::jwt(with(ann_claims, name, value)));
      CHECK(r.status == 401);
      CHECK_THAT(error_message(r), contains_substring("The claim '" + std::string(name) + "'"));
    }
    const std::string users = std::string("/v1.0/users/") + ann + "/chats";
    CHECK(status(app_claims, users) == 200);
    CHECK(status(with(app_claims, "roles", "Chat.Read.All"), users) == 401);
    CHECK(status(with(app_claims, "roles", json::array({"Chat.Read.All", 7})), users) == 401);
    CHECK(status(with(app_claims, "appid", 12), users) == 401);
  }
  SECTION("exp and nbf with Microsoft's default clock skew of five minutes") {
    CHECK(status(with(ann_claims, "exp", now - 299)) == 200);
    CHECK(status(with(ann_claims, "exp", now - 301)) == 401);
    CHECK(status(with(ann_claims, "nbf", now + 299)) == 200);
    CHECK(status(with(ann_claims, "nbf", now + 301)) == 401);
    CHECK(status(with(ann_claims, "exp", 1e300)) == 200);  // any number compares, no overflow
    CHECK(status(with(ann_claims, "nbf", -1e300)) == 200);
    CHECK(status(with(ann_claims, "exp", -1e300)) == 401);
  }
}

TEST_CASE("Fidelity: OData key literals unescape doubled quotes", "[fidelity][listChats]") {
  const auto g = fakegraph::graph::from_json(two_tenant_seed());
  const auto r = get(g, "/v1.0/users('o''brien@contoso.com')/chats", "contoso-export");
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.json()["value"].size() == 1);
  CHECK(get(g, "/v1.0/users('o%27%27brien@contoso.com')/chats", "contoso-export").status == 200);
  // A lone quote inside the literal is no key: the segment does not resolve.
  const auto lone = get(g, "/v1.0/users('o'brien@contoso.com')/chats", "contoso-export");
  CHECK(lone.status == 400);
  CHECK_THAT(error_message(lone), contains_substring("'users('o'brien@contoso.com')'"));
}

TEST_CASE("Fidelity: a 405 carries an Allow header", "[fidelity][errors]") {
  const auto g = default_world();
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    const auto r = g.handle({method, "/v1.0/me/chats", {{"Authorization", "Bearer adele-read"}}});
    INFO(method);
    CHECK(r.status == 405);
    CHECK(r.header("Allow") == "GET");
  }
  CHECK(get(g, "/v1.0/me/chats", "adele-read").header("Allow").empty());
}

TEST_CASE("Fidelity: one case rule for $filter, and refusals name the accepted spelling",
          "[fidelity][getAllMessages][listChats]") {
  const auto g = default_world();
  const std::pair<std::string, std::string> messages[] = {
      {"LastModifiedDateTime gt 2026-09-01T00:00:00Z", "write 'lastModifiedDateTime'"},
      {"From/User/Id eq 'x'", "write 'from/user/id'"},
      {"from/user/userIdentityType eq 'FederatedUser'", "write 'federatedUser'"},
      {"messageType eq 'SystemEventMessage'", "write 'systemEventMessage'"},
      {"from/application/applicationIdentityType eq 'Bot'", "write 'bot'"},
      {"from/user/id EQ 'x'", "write 'eq'"},
  };
  for (const auto& [filter, hint] : messages) {
    const auto r =
        get(g, export_url("adele@contoso.com", "model=A&" + filter_param(filter)), "exporter");
    INFO(filter << ": " << r.body);
    CHECK(r.status == 400);
    CHECK_THAT(error_message(r), contains_substring("case-sensitive: " + hint));
  }
  const std::pair<std::string, std::string> chats[] = {
      {"chatType eq 'OneOnOne'", "write 'oneOnOne'"},
      {"Topic eq 'x'", "write 'topic'"},
      {"ID in ('x')", "write 'id'"},
      {"Members/any(m: m/displayName eq 'x')", "write 'members'"},
      {"members/any(m: m/DisplayName eq 'x')", "write 'm/displayName'"},
      {"installedApps/any(a: a/teamsApp/ID eq 'x')", "write 'a/teamsApp/id'"},
      {"topic eq 'x' AND chatType eq 'group'", "write 'and'"},
  };
  for (const auto& [filter, hint] : chats) {
    const auto r = get(g, "/v1.0/me/chats?" + filter_param(filter), "adele-read");
    INFO(filter << ": " << r.body);
    CHECK(r.status == 400);
    CHECK_THAT(error_message(r), contains_substring("case-sensitive: " + hint));
  }
  // The exact spellings pass.
  CHECK(get(g, "/v1.0/me/chats?" + filter_param("chatType eq 'oneOnOne'"), "adele-read").status ==
        200);
}

TEST_CASE("Fidelity: a preview honours the listed member's visibleHistoryStartDateTime",
          "[fidelity][listChats]") {
  // A member sees a chat's messages from their visibleHistoryStartDateTime on: the preview is
  // the newest message they can see, none when they see none (and ordering by preview then
  // leaves the chat out, as for a chat without messages).
  json seed = two_tenant_seed();
  seed["chats"][0]["members"][1]["visibleHistoryStartDateTime"] = "2026-10-01T10:00:30Z";
  const auto g = fakegraph::graph::from_json(seed);
  auto previews = [&](const std::string& query, const std::string& token) {
    std::vector<std::pair<std::string, json>> out;
    const auto r = get(g, "/v1.0/me/chats?" + query, token);
    INFO(r.body);
    REQUIRE(r.status == 200);
    const json page = r.json();
    for (const auto& c : page["value"]) out.emplace_back(c["id"], c["lastMessagePreview"]);
    return out;
  };
  // Ann's view of host-f (members: Fay, Ann): Ann's history starts at 10:00:30, after Fay's
  // message 1 (10:00:00) and before her own message 2 (10:01:00): the preview is message 2.
  const auto ann_view = previews("$expand=lastMessagePreview", "ann");
  REQUIRE(ann_view.size() == 2);
  for (const auto& [id, preview] : ann_view) {
    INFO(id);
    REQUIRE(preview.is_object());
    CHECK(preview["id"] == (id == "19:host-f@thread.v2" ? "2" : "4"));
  }
  // Only message 1 in the chat, before Ann's history: no preview for her, and no place in
  // the preview order.
  seed["chats"][0]["messages"].erase(1);
  const auto h = fakegraph::graph::from_json(seed);
  const auto r = get(h, "/v1.0/me/chats?$expand=lastMessagePreview", "ann");
  REQUIRE(r.status == 200);
  const json page = r.json();
  for (const auto& c : page["value"])
    if (c["id"] == "19:host-f@thread.v2") CHECK(c["lastMessagePreview"] == nullptr);
  const auto ordered = get(h,
                           "/v1.0/me/chats?$expand=lastMessagePreview&$orderby=lastMessagePreview/"
                           "createdDateTime%20desc",
                           "ann");
  REQUIRE(ordered.status == 200);
  const json ordered_page = ordered.json();
  REQUIRE(ordered_page["value"].size() == 1);
  CHECK(ordered_page["value"][0]["id"] == "19:host-c@thread.v2");
  // Fay, whose history is whole, still sees message 1 as the preview.
  const json fay_page = get(h, "/v1.0/me/chats?$expand=lastMessagePreview", "fay").json();
  for (const auto& c : fay_page["value"])
    if (c["id"] == "19:host-f@thread.v2") CHECK(c["lastMessagePreview"]["id"] == "1");
}
