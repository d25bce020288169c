// List chats: routes, the permission matrix, the federation rule, and the chat JSON.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <set>     // std::set
#include <string>  // std::string
#include <vector>  // std::vector

#include "list_chats_world.hpp"

using Catch::Matchers::StartsWith;
using fakegraph_test::contains_substring;
using lct::json;

namespace {

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

const std::string ann_upn = "ann@northwind.test";

}  // namespace

TEST_CASE("List chats: every route and spelling names the signed-in user's chats", "[list_chats]") {
  const json seed = lct::small_seed();
  const auto g = fakegraph::graph::from_json(seed);
  const std::vector<std::string> expected = lct::ids_of(lct::chats_of(seed, ann_upn));
  REQUIRE(expected.size() == 5);

  const auto reference = lct::get(g, "/v1.0/me/chats", "ann-read");
  REQUIRE(reference.status == 200);
  REQUIRE(lct::ids_of(reference.json()) == expected);

  const std::string id = lct::ann_id;
  const std::string url = GENERATE_COPY(values<std::string>({
      "/v1.0/chats",
      "/v1.0/me/chats",
      "/v1.0/users/" + id + "/chats",
      "/v1.0/users/" + ann_upn + "/chats",
      "/v1.0/users('" + id + "')/chats",
      "/v1.0/users('" + ann_upn + "')/chats",
      "/v1.0/users(%27" + id + "%27)/chats",
      "/V1.0/ME/CHATS",
      "/v1.0/Chats",
      "/v1.0/Users/" + upper(id) + "/Chats",
      "/v1.0/USERS/" + upper(ann_upn) + "/CHATS",
      "/v1.0/users/ann%40northwind.test/chats",
      "/v1.0/users/ann%40NorthWind.TEST/chats",
      "/v1.0/users/%61nn%40northwind.test/chats",
      "https://graph.microsoft.com/v1.0/me/chats",
      "/v1.0/me/chats/",
  }));
  CAPTURE(url);
  const auto r = lct::get(g, url, "ann-read");
  REQUIRE(r.status == 200);
  CHECK(r.json() == reference.json());
}

TEST_CASE("List chats: an application names a user by id, UPN or key, in any case",
          "[list_chats]") {
  const json seed = lct::small_seed();
  const auto g = fakegraph::graph::from_json(seed);
  const std::vector<std::string> expected = lct::ids_of(lct::chats_of(seed, ann_upn));

  const std::string id = lct::ann_id;
  const std::string url = GENERATE_COPY(values<std::string>({
      "/v1.0/users/" + id + "/chats",
      "/v1.0/users/" + upper(id) + "/chats",
      "/v1.0/users/" + ann_upn + "/chats",
      "/v1.0/users/ann%40northwind.test/chats",
      "/v1.0/users/" + upper(ann_upn) + "/chats",
      "/v1.0/users('" + id + "')/chats",
      "/v1.0/users('ann%40northwind.test')/chats",
      "/v1.0/USERS/" + id + "/CHATS",
  }));
  CAPTURE(url);
  const auto r = lct::get(g, url, "app-read");
  REQUIRE(r.status == 200);
  CHECK(lct::ids_of(r.json()) == expected);
}

TEST_CASE(
    "List chats: delegated Chat.ReadBasic, Chat.Read and Chat.ReadWrite reach all three routes",
    "[list_chats]") {
  const json seed = lct::small_seed();
  const auto g = fakegraph::graph::from_json(seed);
  const std::string token = GENERATE(as<std::string>{}, "ann-basic", "ann-read", "ann-rw");
  const std::string url = GENERATE(as<std::string>{}, "/v1.0/chats", "/v1.0/me/chats",
                                   "/v1.0/users/ann@northwind.test/chats");
  CAPTURE(token, url);
  const auto r = lct::get(g, url, token);
  REQUIRE(r.status == 200);
  CHECK(lct::ids_of(r.json()) == lct::ids_of(lct::chats_of(seed, ann_upn)));
}

TEST_CASE("List chats: a delegated token without a Chat scope is 403 naming its scopes",
          "[list_chats]") {
  const auto g = lct::small_graph();
  const std::string url = GENERATE(as<std::string>{}, "/v1.0/chats", "/v1.0/me/chats",
                                   "/v1.0/users/ann@northwind.test/chats");
  CAPTURE(url);
  LCT_REQUIRE_ERROR(
      lct::get(g, url, "ann-user"), 403, "Forbidden",
      "Missing scope permissions on the request. API requires one of 'Chat.ReadBasic, Chat.Read, "
      "Chat.ReadWrite'. Scopes on the request 'User.Read, Mail.Read'");
  LCT_REQUIRE_ERROR(
      lct::get(g, url, "ann-none"), 403, "Forbidden",
      "Missing scope permissions on the request. API requires one of 'Chat.ReadBasic, Chat.Read, "
      "Chat.ReadWrite'. Scopes on the request ''");
}

TEST_CASE("List chats: application roles Chat.ReadBasic.All, Chat.Read.All and Chat.ReadWrite.All",
          "[list_chats]") {
  const json seed = lct::small_seed();
  const auto g = fakegraph::graph::from_json(seed);
  const std::string token = GENERATE(as<std::string>{}, "app-basic", "app-read", "app-rw");
  CAPTURE(token);
  const auto r = lct::get(g, "/v1.0/users/ann@northwind.test/chats", token);
  REQUIRE(r.status == 200);
  CHECK(lct::ids_of(r.json()) == lct::ids_of(lct::chats_of(seed, ann_upn)));
}

TEST_CASE("List chats: an application token without an accepted role is 403 naming its roles",
          "[list_chats]") {
  const auto g = lct::small_graph();
  const std::string url = "/v1.0/users/ann@northwind.test/chats";
  LCT_REQUIRE_ERROR(
      lct::get(g, url, "app-none"), 403, "Forbidden",
      "Missing role permissions on the request. API required one of 'Chat.ReadBasic.All, "
      "Chat.Read.All, Chat.ReadWrite.All'. Roles on the request ''");
  LCT_REQUIRE_ERROR(
      lct::get(g, url, "app-user"), 403, "Forbidden",
      "Missing role permissions on the request. API required one of 'Chat.ReadBasic.All, "
      "Chat.Read.All, Chat.ReadWrite.All'. Roles on the request 'User.Read.All, Group.Read.All'");
}

TEST_CASE("List chats: an application on /me/chats or /chats is 400", "[list_chats]") {
  const auto g = lct::small_graph();
  const std::string token = GENERATE(as<std::string>{}, "app-read", "app-basic", "app-rw");
  CAPTURE(token);
  LCT_REQUIRE_ERROR(lct::get(g, "/v1.0/me/chats", token), 400, "BadRequest",
                    "/me request is only valid with delegated authentication flow.");
  LCT_REQUIRE_ERROR(lct::get(g, "/v1.0/ME/Chats?$top=1", token), 400, "BadRequest",
                    "/me request is only valid with delegated authentication flow.");
  const auto all = lct::get(g, "/v1.0/chats", token);
  INFO(all.body);
  REQUIRE(all.status == 400);
  CHECK(lct::error_code(all) == "BadRequest");
  CHECK_THAT(lct::error_message(all),
             StartsWith("List chats is only supported in delegated (on-behalf-of user) context."));
  CHECK_THAT(lct::error_message(all), contains_substring("/users/{id | userPrincipalName}/chats"));
}

TEST_CASE("List chats: a delegated caller naming another user is 403", "[list_chats]") {
  const auto g = lct::small_graph();
  const std::string url =
      GENERATE(as<std::string>{}, "/v1.0/users/b2b2b2b2-0000-4000-8000-00000000000b/chats",
               "/v1.0/users/bob@northwind.test/chats", "/v1.0/users('bob@northwind.test')/chats",
               "/v1.0/users/dee@tailspin.test/chats");
  const std::string token = GENERATE(as<std::string>{}, "ann-read", "ann-basic", "ann-rw");
  CAPTURE(url, token);
  const auto r = lct::get(g, url, token);
  INFO(r.body);
  REQUIRE(r.status == 403);
  CHECK(lct::error_code(r) == "Forbidden");
  // Says what was wrong and what would be accepted.
  CHECK_THAT(lct::error_message(r), contains_substring("not the signed-in user"));
  CHECK_THAT(lct::error_message(r), contains_substring("/me/chats"));
  CHECK(r.json()["error"].contains("innerError"));
}

TEST_CASE("List chats: the federation rule keeps an application inside its tenant",
          "[list_chats]") {
  const json seed = lct::small_seed();
  const auto g = fakegraph::graph::from_json(seed);

  SECTION("a Northwind app asking about a Tailspin user is 403") {
    const std::string url = GENERATE(as<std::string>{}, "/v1.0/users/dee@tailspin.test/chats",
                                     "/v1.0/users/d4d4d4d4-0000-4000-8000-00000000000d/chats");
    CAPTURE(url);
    const auto r = lct::get(g, url, "app-read");
    INFO(r.body);
    REQUIRE(r.status == 403);
    CHECK(lct::error_code(r) == "Forbidden");
    CHECK_THAT(lct::error_message(r), StartsWith("Requested user is not in the caller's tenant."));
    CHECK_THAT(lct::error_message(r), contains_substring(lct::tailspin));
  }
  SECTION("the Tailspin app reaches Dee but not Ann") {
    const auto dee = lct::get(g, "/v1.0/users/dee@tailspin.test/chats", "tailspin-app");
    REQUIRE(dee.status == 200);
    CHECK(lct::ids_of(dee.json()) == lct::ids_of(lct::chats_of(seed, "dee@tailspin.test")));
    const auto ann = lct::get(g, "/v1.0/users/ann@northwind.test/chats", "tailspin-app");
    REQUIRE(ann.status == 403);
    CHECK(lct::error_code(ann) == "Forbidden");
  }
  SECTION("a federated chat is listed for a member of the other tenant, with its own tenantId") {
    const std::string gamma = "19:9999aaaa9999aaaa9999aaaa9999aaaa@thread.v2";
    for (const std::string& token : std::vector<std::string>{"ann-read", "app-read"}) {
      const auto r = lct::get(g, "/v1.0/users/ann@northwind.test/chats", token);
      REQUIRE(r.status == 200);
      bool found = false;
      const json page = r.json();
      for (const auto& c : page["value"])
        if (c["id"] == gamma) {
          found = true;
          CHECK(c["tenantId"] == lct::tailspin);
        }
      CHECK(found);
    }
  }
}

TEST_CASE("List chats: an unknown user id or UPN is 404", "[list_chats]") {
  const auto g = lct::small_graph();
  const std::string missing_id = "0f0f0f0f-0000-4000-8000-000000000000";
  const std::string token = GENERATE(as<std::string>{}, "app-read", "ann-read");
  CAPTURE(token);

  const auto by_id = lct::get(g, "/v1.0/users/" + missing_id + "/chats", token);
  INFO(by_id.body);
  REQUIRE(by_id.status == 404);
  CHECK(lct::error_code(by_id) == "NotFound");
  CHECK_THAT(lct::error_message(by_id),
             StartsWith("Failed to find user with id '" + missing_id + "'"));

  const auto by_upn = lct::get(g, "/v1.0/users/nobody%40northwind.test/chats", token);
  INFO(by_upn.body);
  REQUIRE(by_upn.status == 404);
  CHECK(lct::error_code(by_upn) == "NotFound");
  CHECK_THAT(lct::error_message(by_upn),
             StartsWith("Failed to find users with user principal name 'nobody@northwind.test'"));
}

TEST_CASE(
    "List chats: each chat is written as Graph v1.0 writes it, viewpoint for delegated callers "
    "only",
    "[list_chats]") {
  const json seed = lct::small_seed();
  const auto g = fakegraph::graph::from_json(seed);
  const auto chats = lct::chats_of(seed, ann_upn);

  SECTION("delegated: with the caller's viewpoint") {
    const std::string token = GENERATE(as<std::string>{}, "ann-read", "ann-basic");
    const std::string url =
        GENERATE(as<std::string>{}, "/v1.0/me/chats", "/v1.0/users/ann@northwind.test/chats");
    CAPTURE(token, url);
    const auto r = lct::get(g, url, token);
    REQUIRE(r.status == 200);
    const json page = r.json();
    REQUIRE(page["value"].size() == chats.size());
    for (std::size_t i = 0; i < chats.size(); ++i) {
      CAPTURE(i);
      CHECK(page["value"][i] == lct::expected_chat(seed, *chats[i], ann_upn));
      CHECK(page["value"][i].contains("viewpoint"));
    }
  }
  SECTION("application: no viewpoint at all") {
    const std::string token = GENERATE(as<std::string>{}, "app-read", "app-basic");
    CAPTURE(token);
    const auto r = lct::get(g, "/v1.0/users/ann@northwind.test/chats", token);
    REQUIRE(r.status == 200);
    const json page = r.json();
    REQUIRE(page["value"].size() == chats.size());
    for (std::size_t i = 0; i < chats.size(); ++i) {
      CAPTURE(i);
      CHECK(page["value"][i] == lct::expected_chat(seed, *chats[i], ""));
      CHECK_FALSE(page["value"][i].contains("viewpoint"));
    }
  }
  SECTION("the page wrapper: context, count, value and nothing else") {
    const auto r = lct::get(g, "/v1.0/me/chats", "ann-read");
    const json page = r.json();
    CHECK(page.size() == 3);
    CHECK(page["@odata.context"] == "https://graph.microsoft.com/v1.0/$metadata#chats");
    CHECK(page["@odata.count"] == chats.size());
    CHECK_FALSE(page.contains("@odata.nextLink"));
    CHECK_THAT(r.header("Content-Type"), StartsWith("application/json"));
  }
}

TEST_CASE("List chats: a chat hidden for the caller is still listed, with viewpoint.isHidden true",
          "[list_chats]") {
  const json seed = lct::small_seed();
  const auto g = fakegraph::graph::from_json(seed);
  const std::string alpha = "19:0123456789abcdef0123456789abcdef@thread.v2";
  const std::string epsilon = "19:eeee1111eeee1111eeee1111eeee1111@thread.v2";

  auto find = [](const json& page, const std::string& id) {
    for (const auto& c : page["value"])
      if (c["id"] == id) return c;
    return json();
  };
  const json ann = lct::get(g, "/v1.0/me/chats", "ann-read").json();
  const json bob = lct::get(g, "/v1.0/me/chats", "bob-read").json();
  REQUIRE(find(ann, alpha).is_object());
  CHECK(find(ann, alpha)["viewpoint"]["isHidden"] == true);
  REQUIRE(find(bob, alpha).is_object());
  CHECK(find(bob, alpha)["viewpoint"]["isHidden"] == false);
  // Hidden for all members: listed too, and says so.
  REQUIRE(find(ann, epsilon).is_object());
  CHECK(find(ann, epsilon)["isHiddenForAllMembers"] == true);
}

TEST_CASE("List chats: a user in no chat gets an empty page without nextLink", "[list_chats]") {
  const auto g = lct::small_graph();
  const auto me = lct::get(g, "/v1.0/me/chats", "eve-read");
  REQUIRE(me.status == 200);
  CHECK(me.json() == json{{"@odata.context", "https://graph.microsoft.com/v1.0/$metadata#chats"},
                          {"@odata.count", 0},
                          {"value", json::array()}});
  const auto app = lct::get(g, "/v1.0/users/eve@northwind.test/chats?$top=1", "app-read");
  REQUIRE(app.status == 200);
  CHECK(app.json() == me.json());
}

TEST_CASE("List chats: @odata.context follows the version and the expansion", "[list_chats]") {
  const auto g = lct::small_graph();
  const std::string base = "https://graph.microsoft.com/";
  CHECK(lct::get(g, "/v1.0/me/chats", "ann-read").json()["@odata.context"] ==
        base + "v1.0/$metadata#chats");
  CHECK(lct::get(g, "/beta/me/chats", "ann-read").json()["@odata.context"] ==
        base + "beta/$metadata#chats");
  CHECK(lct::get(g, "/v1.0/users/ann@northwind.test/chats", "app-read").json()["@odata.context"] ==
        base + "v1.0/$metadata#chats");
  CHECK(lct::get(g, "/v1.0/me/chats?$expand=members", "ann-read").json()["@odata.context"] ==
        base + "v1.0/$metadata#chats(members())");
  CHECK(lct::get(g, "/v1.0/me/chats?$expand=lastMessagePreview", "ann-read")
            .json()["@odata.context"] == base + "v1.0/$metadata#chats(lastMessagePreview())");
  CHECK(lct::get(g, "/v1.0/me/chats?$expand=members,lastMessagePreview", "ann-read")
            .json()["@odata.context"] ==
        base + "v1.0/$metadata#chats(members(),lastMessagePreview())");
}

TEST_CASE("List chats: chat ids and webUrls have Graph's formats", "[list_chats]") {
  // Chats seeded without ids: the fake makes them.
  json seed = lct::small_seed();
  seed["chats"] = json::parse(R"([
    { "chatType": "group", "topic": "Made up", "members": [ { "user": "ann@northwind.test" }, { "user": "bob@northwind.test" } ] },
    { "chatType": "oneOnOne", "members": [ { "user": "ann@northwind.test" }, { "user": "cid@northwind.test" } ] },
    { "chatType": "oneOnOne", "members": [ { "user": "dee@tailspin.test" }, { "user": "ann@northwind.test" } ] },
    { "chatType": "meeting", "topic": "Sync",
      "onlineMeetingInfo": { "joinWebUrl": "https://teams.microsoft.com/l/meetup-join/x", "organizerId": "ann@northwind.test" },
      "members": [ { "user": "ann@northwind.test" }, { "user": "bob@northwind.test" } ] }
  ])");
  const auto g = fakegraph::graph::from_json(seed);
  const auto r = lct::get(g, "/v1.0/me/chats", "ann-read");
  REQUIRE(r.status == 200);
  const json page = r.json();
  REQUIRE(page["value"].size() == 4);

  auto is_hex32 = [](const std::string& s) {
    if (s.size() != 32) return false;
    for (const char c : s)
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
  };
  auto base64ish = [](const std::string& s) {
    for (const char c : s)
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_'))
        return false;
    return !s.empty();
  };
  std::set<std::string> kinds;
  for (const auto& c : page["value"]) {
    const std::string id = c["id"].get<std::string>();
    const std::string type = c["chatType"].get<std::string>();
    CAPTURE(id, type);
    kinds.insert(type + (c["tenantId"] == lct::northwind ? "" : "@tailspin"));
    CHECK(c["webUrl"] == lct::expected_web_url(id, c["tenantId"].get<std::string>()));
    REQUIRE_THAT(id, StartsWith("19:"));
    if (type == "group") {
      REQUIRE_THAT(id, Catch::Matchers::EndsWith("@thread.v2"));
      CHECK(is_hex32(id.substr(3, id.size() - 3 - std::string("@thread.v2").size())));
    } else if (type == "meeting") {
      REQUIRE_THAT(id, StartsWith("19:meeting_"));
      REQUIRE_THAT(id, Catch::Matchers::EndsWith("@thread.v2"));
      const std::string middle = id.substr(11, id.size() - 11 - 10);
      CHECK(base64ish(middle));
      CHECK(middle.size() >= 40);
    } else {
      REQUIRE(type == "oneOnOne");
      const bool federated = id.find("@fed.unq.gbl.spaces") != std::string::npos;
      const std::string other = federated ? lct::dee_id : lct::cid_id;
      const std::string suffix = federated ? "@fed.unq.gbl.spaces" : "@unq.gbl.spaces";
      REQUIRE_THAT(id, Catch::Matchers::EndsWith(suffix));
      const std::string pair = id.substr(3, id.size() - 3 - suffix.size());
      const bool either =
          pair == std::string(lct::ann_id) + "_" + other || pair == other + "_" + lct::ann_id;
      CHECK(either);
      // Federated exactly when the two members' tenants differ.
      CHECK(federated == (other == lct::dee_id));
    }
  }
  // The federated 1:1 takes its first member's (Dee's) tenant.
  CHECK(kinds == std::set<std::string>{"group", "meeting", "oneOnOne", "oneOnOne@tailspin"});
}

TEST_CASE("List chats: the default world lists Adele's chats newest first", "[list_chats]") {
  const json seed = lct::default_seed();
  const auto g = fakegraph_test::default_world();
  const std::string adele = "adele@contoso.com";
  const auto expected = lct::ids_of(lct::chats_of(seed, adele));
  REQUIRE(expected.size() > 2);
  for (const std::string& url :
       std::vector<std::string>{"/v1.0/me/chats?$top=50", "/v1.0/chats?$top=50"}) {
    const auto r = lct::get(g, url, "adele-read");
    REQUIRE(r.status == 200);
    CHECK(lct::ids_of(r.json()) == expected);
  }
  const auto app = lct::get(g, "/v1.0/users/adele@contoso.com/chats?$top=50", "exporter");
  REQUIRE(app.status == 200);
  CHECK(lct::ids_of(app.json()) == expected);
  const json app_page = app.json();
  for (const auto& c : app_page["value"]) CHECK_FALSE(c.contains("viewpoint"));

  // A second delegated viewpoint: Megan's hidden All hands.
  const auto megan = lct::get(g, "/v1.0/me/chats", "megan-read").json();
  CHECK(lct::ids_of(megan) == lct::ids_of(lct::chats_of(seed, "megan@contoso.com")));
  for (const auto& c : megan["value"]) {
    const json* seeded = &lct::chat_of(seed, c["id"].get<std::string>());
    CHECK(c["viewpoint"] == lct::expected_chat(seed, *seeded, "megan@contoso.com")["viewpoint"]);
  }
}

TEST_CASE("List chats: the default world's tokens meet the permission matrix", "[list_chats]") {
  const auto g = fakegraph_test::default_world();
  const std::string adele = "/v1.0/users/adele@contoso.com/chats";
  CHECK(lct::get(g, "/v1.0/me/chats", "adele-read").status == 200);
  CHECK(lct::get(g, "/v1.0/me/chats", "adele-readwrite").status == 200);
  CHECK(lct::get(g, "/v1.0/me/chats", "adele-basic").status == 200);
  CHECK(lct::get(g, adele, "exporter-readwrite").status == 200);
  CHECK(lct::get(g, adele, "exporter-basic").status == 200);
  LCT_REQUIRE_ERROR(
      lct::get(g, "/v1.0/me/chats", "adele-user-read"), 403, "Forbidden",
      "Missing scope permissions on the request. API requires one of 'Chat.ReadBasic, Chat.Read, "
      "Chat.ReadWrite'. Scopes on the request 'User.Read'");
  LCT_REQUIRE_ERROR(
      lct::get(g, adele, "exporter-user-read-all"), 403, "Forbidden",
      "Missing role permissions on the request. API required one of 'Chat.ReadBasic.All, "
      "Chat.Read.All, Chat.ReadWrite.All'. Roles on the request 'User.Read.All'");
  CHECK(lct::error_code(lct::get(g, adele, "exporter-noroles")) == "Forbidden");
  CHECK(lct::get(g, "/v1.0/users/megan@contoso.com/chats", "adele-read").status == 403);
  CHECK(lct::get(g, "/v1.0/users/pradeep@fabrikam.com/chats", "exporter").status == 403);
  CHECK(lct::get(g, "/v1.0/users/pradeep@fabrikam.com/chats", "fabrikam-exporter").status == 200);
  CHECK(lct::get(g, "/v1.0/me/chats", "exporter").status == 400);
  CHECK(lct::get(g, "/v1.0/chats", "exporter").status == 400);
  const auto kenji = lct::get(g, "/v1.0/me/chats", "kenji-read").json();
  CHECK(kenji["@odata.count"] == 0);
  CHECK(kenji["value"] == json::array());
  CHECK_FALSE(kenji.contains("@odata.nextLink"));
}
