// chats: getAllMessages — routes, who may call, what comes back and in which shape.
// Filters, paging and payment models have their own files (get_all_messages_*.test.cpp).
#include <fakegraph/fakegraph.hpp>

#include <nlohmann/json.hpp>  // nlohmann::json
#include "support/internals.hpp"

#include <chrono>  // std::chrono::milliseconds
#include <map>     // std::map
#include <set>     // std::set
#include <string>  // std::string
#include <vector>  // std::vector

#include "get_all_messages_support.hpp"
#include "support/catch.hpp"

using namespace gam_test;
using fakegraph_test::contains_substring;
using nlohmann::json;

TEST_CASE("getAllMessages answers on every spelling of its route", "[getAllMessages]") {
  const auto g = default_world();
  const std::string q = "?$top=50&model=B";
  const auto baseline = get(g, export_url("adele@contoso.com") + q, "exporter");
  REQUIRE(baseline.status == 200);
  const auto expected = ids_of(baseline);
  REQUIRE(expected.size() == 32);

  const std::string spelling = GENERATE(
      std::string("/v1.0/users/8b081ef6-4792-4def-b2c9-c363a1bf41d5/chats/getAllMessages"),
      std::string("/v1.0/users/adele%40contoso.com/chats/getAllMessages"),
      std::string("/v1.0/users/ADELE@CONTOSO.COM/chats/getAllMessages"),
      std::string("/v1.0/users('8b081ef6-4792-4def-b2c9-c363a1bf41d5')/chats/getallMessages"),
      std::string("/v1.0/users('adele@contoso.com')/chats/getAllMessages"),
      std::string("/v1.0/Users/adele@contoso.com/Chats/GETALLMESSAGES"),
      std::string("/v1.0/users/adele@contoso.com/chats/getAllMessages()"),
      std::string("/v1.0/users/adele@contoso.com/chats/microsoft.graph.getAllMessages"),
      std::string("/v1.0/users/adele@contoso.com/chats/microsoft.graph.getAllMessages()"),
      std::string("/v1.0/users/adele@contoso.com/chats/allMessages"),
      std::string("/beta/users/adele@contoso.com/chats/getAllMessages"),
      std::string("https://graph.microsoft.com/v1.0/users/adele@contoso.com/chats/getAllMessages"));
  INFO(spelling);
  const auto r = get(g, spelling + q, "exporter");
  REQUIRE(r.status == 200);
  CHECK(ids_of(r) == expected);
}

TEST_CASE("getAllMessages routes that do not exist or do not take GET", "[getAllMessages]") {
  const auto g = default_world();
  SECTION("no user segment: /chats/getAllMessages is not a route") {
    const auto r = get(g, "/v1.0/chats/getAllMessages", "exporter");
    CHECK(r.status == 400);
    CHECK(error_code(r) == "BadRequest");
    CHECK(r.json()["error"]["message"].get<std::string>().rfind(
              "Resource not found for the segment 'getAllMessages'.", 0) == 0);
  }
  SECTION("a function segment after getAllMessages") {
    const auto r = get(g, export_url("adele@contoso.com") + "/nothing", "exporter");
    CHECK(r.status == 400);
    CHECK(r.json()["error"]["message"].get<std::string>().rfind(
              "Resource not found for the segment 'nothing'.", 0) == 0);
  }
  SECTION("POST") {
    const auto r =
        g.handle({"POST", export_url("adele@contoso.com"), {{"Authorization", "Bearer exporter"}}});
    CHECK(r.status == 405);
  }
}

TEST_CASE("getAllMessages on /me: app tokens get 400, delegated ones 412", "[getAllMessages]") {
  const auto g = default_world();
  const auto app = get(g, "/v1.0/me/chats/getAllMessages", "exporter");
  CHECK(app.status == 400);
  CHECK(error_code(app) == "BadRequest");
  CHECK(error_message(app) == "/me request is only valid with delegated authentication flow.");

  const auto delegated = get(g, "/v1.0/me/chats/getAllMessages", "adele-read");
  CHECK(delegated.status == 412);
  CHECK(error_code(delegated) == "PreconditionFailed");
}

TEST_CASE("getAllMessages accepts Chat.Read.All and Chat.ReadWrite.All app roles only",
          "[getAllMessages]") {
  const auto g = default_world();
  const std::string url = export_url("adele@contoso.com", "model=B&$top=50");

  SECTION("both accepted roles") {
    const auto read = get(g, url, "exporter");
    const auto read_write = get(g, url, "exporter-readwrite");
    REQUIRE(read.status == 200);
    REQUIRE(read_write.status == 200);
    CHECK(ids_of(read) == ids_of(read_write));
  }
  SECTION("delegated tokens get 412 whatever their scopes") {
    for (const char* token : {"adele-read", "adele-readwrite", "adele-basic", "adele-user-read"}) {
      INFO(token);
      const auto r = get(g, url, token);
      CHECK(r.status == 412);
      CHECK(error_code(r) == "PreconditionFailed");
      CHECK_THAT(error_message(r), Catch::Matchers::StartsWith(
                                       "Requested API is not supported in delegated context"));
      CHECK_THAT(error_message(r), contains_substring("Chat.Read.All"));
      CHECK_THAT(error_message(r), contains_substring("Chat.ReadWrite.All"));
    }
  }
  SECTION("a missing role is 403 naming what was required and what was present") {
    struct row {
      const char* token;
      const char* present;
    };
    for (const row r : {row{"exporter-basic", "Chat.ReadBasic.All"}, row{"exporter-noroles", ""},
                        row{"exporter-user-read-all", "User.Read.All"}}) {
      INFO(r.token);
      const auto answer = get(g, url, r.token);
      CHECK(answer.status == 403);
      CHECK(error_code(answer) == "Forbidden");
      CHECK(error_message(answer) ==
            std::string(
                "Missing role permissions on the request. API required one of 'Chat.Read.All, "
                "Chat.ReadWrite.All'. Roles on the request '") +
                r.present + "'");
    }
  }
  SECTION("permissions are checked before the query is") {
    CHECK(get(g, export_url("adele@contoso.com", "$top=0"), "exporter-basic").status == 403);
    CHECK(get(g, export_url("adele@contoso.com", "$orderby=id"), "adele-read").status == 412);
  }
  SECTION("an app of another tenant gets 403") {
    const auto r = get(g, url, "fabrikam-exporter");
    CHECK(r.status == 403);
    CHECK(error_code(r) == "Forbidden");
    CHECK_THAT(error_message(r), contains_substring("not in the caller's tenant"));
    CHECK(get(g, export_url("pradeep@fabrikam.com", "model=B"), "exporter").status == 403);
    CHECK(get(g, export_url("pradeep@fabrikam.com", "model=B"), "fabrikam-exporter").status == 200);
  }
  SECTION("an unknown user is 404") {
    const auto by_upn = get(g, export_url("nobody@contoso.com", "model=B"), "exporter");
    CHECK(by_upn.status == 404);
    CHECK(error_code(by_upn) == "NotFound");
    CHECK_THAT(error_message(by_upn), contains_substring("nobody@contoso.com"));
    const auto by_id =
        get(g, export_url("00000000-0000-4000-8000-00000000abcd", "model=B"), "exporter");
    CHECK(by_id.status == 404);
    CHECK_THAT(error_message(by_id), contains_substring("00000000-0000-4000-8000-00000000abcd"));
  }
  SECTION("no token, an expired one, a personal account") {
    CHECK(get(g, url, "").status == 401);
    CHECK(get(g, url, "exporter-expired").status == 401);
    CHECK(get(g, url, "msa-user").status == 403);
  }
}

TEST_CASE("getAllMessages returns every visible message of every chat, oldest first",
          "[getAllMessages]") {
  const auto g = default_world();
  const json seed = default_seed();
  struct row {
    const char* user;
    const char* token;
    std::size_t count;  // data/README.md, "exportable"
  };
  const row r = GENERATE(
      row{"adele@contoso.com", "exporter", 32}, row{"megan@contoso.com", "exporter", 31},
      row{"lynne@contoso.com", "exporter", 19}, row{"diego@contoso.com", "exporter", 10},
      row{"grady@contoso.com", "exporter", 8}, row{"samira@contoso.com", "exporter", 0},
      row{"kenji@contoso.com", "exporter", 0}, row{"pradeep@fabrikam.com", "fabrikam-exporter", 6},
      row{"kat@fabrikam.com", "fabrikam-exporter", 2});
  INFO(r.user);
  const auto w = follow_links(g, export_url(r.user, "model=B&$top=7"), r.token);
  REQUIRE(w.last.status == 200);
  CHECK(w.ids() == oracle(seed, r.user, contoso_now()));
  CHECK(w.items.size() == r.count);
  for (std::size_t i = 1; i < w.items.size(); ++i) {
    const auto& a = w.items[i - 1];
    const auto& b = w.items[i];
    const auto ta = *fakegraph::parse_time(a["createdDateTime"].get<std::string>());
    const auto tb = *fakegraph::parse_time(b["createdDateTime"].get<std::string>());
    CHECK((ta < tb || (ta == tb && (a["chatId"] < b["chatId"] ||
                                    (a["chatId"] == b["chatId"] && a["id"] < b["id"])))));
  }
}

TEST_CASE("getAllMessages breaks createdDateTime ties by chat id, then message id",
          "[getAllMessages]") {
  json seed = small_world(0);
  const std::string t = "2026-01-20T10:00:00.5Z";
  seed["chats"][0]["messages"] = {
      {{"id", "b"}, {"from", {{"user", "ann@example.com"}}}, {"createdDateTime", t}},
      {{"id", "a"}, {"from", {{"user", "bob@example.com"}}}, {"createdDateTime", t}}};
  json other = seed["chats"][0];
  other["id"] = "19:00000000000000000000000000000000@thread.v2";  // sorts before the first chat
  other["messages"] = {
      {{"id", "c"}, {"from", {{"user", "ann@example.com"}}}, {"createdDateTime", t}},
      {{"id", "z"},
       {"from", {{"user", "ann@example.com"}}},
       {"createdDateTime", "2026-01-20T09:59:59Z"}}};
  seed["chats"].push_back(other);
  const auto g = fakegraph::graph::from_json(seed);
  const auto r = get(g, export_url("ann@example.com", "model=B"), "paid");
  REQUIRE(r.status == 200);
  CHECK(ids_of(r) == std::vector<std::string>{"z", "c", "a", "b"});
}

TEST_CASE("getAllMessages honours visibleHistoryStartDateTime", "[getAllMessages]") {
  const auto g = default_world();
  SECTION("Diego sees Launch from the bot's message on, All hands entirely") {
    const auto r = get(g, export_url("diego@contoso.com", "model=A&$top=50"), "exporter");
    REQUIRE(r.status == 200);
    std::vector<std::string> launch;
    const json page = r.json();
    for (const auto& m : page["value"])
      if (m["chatId"] == launch_id) launch.push_back(m["id"].get<std::string>());
    CHECK(launch == std::vector<std::string>{"1788850800412", "1788949351118", "1789049127663",
                                             "1789049271902", "1792054812345", "1793290720006"});
    CHECK(r.json()["value"].size() == 10);
  }
  SECTION("Adele, a member of Launch from the start, sees all of it") {
    const auto r = get(g, export_url("adele@contoso.com", "model=A&$top=50"), "exporter");
    std::size_t launch = 0;
    const json page = r.json();
    for (const auto& m : page["value"]) launch += m["chatId"] == launch_id;
    CHECK(launch == 11);
  }
  SECTION("a message created exactly at the start is visible") {
    json seed = small_world(3);
    seed["chats"][0]["members"][1]["visibleHistoryStartDateTime"] =
        seed["chats"][0]["messages"][1]["createdDateTime"];
    const auto small = fakegraph::graph::from_json(seed);
    const auto bob = get(small, export_url("bob@example.com", "model=B"), "paid");
    const auto ann = get(small, export_url("ann@example.com", "model=B"), "paid");
    const std::vector<std::string> all = ids_of(ann);
    REQUIRE(all.size() == 3);
    CHECK(ids_of(bob) == std::vector<std::string>{all[1], all[2]});
  }
}

TEST_CASE("getAllMessages returns deleted messages for 21 days after the deletion",
          "[getAllMessages]") {
  auto g = default_world();
  const std::string url = export_url("megan@contoso.com", "model=B&$top=50");
  auto find = [&](const std::string& id) -> json {
    const json page = get(g, url, "exporter").json();
    for (const auto& m : page["value"])
      if (m["id"] == id) return m;
    return nullptr;
  };
  // 1792863000831 was deleted 2026-10-25T09:12:44.067Z; 1789231509003 on 2026-09-12.
  const json recent = find("1792863000831");
  REQUIRE(recent.is_object());
  CHECK(recent["deletedDateTime"] == "2026-10-25T09:12:44.067Z");
  CHECK(find("1789231509003").is_null());

  g.clock().set(*fakegraph::parse_time("2026-11-15T09:12:44.067Z"));  // deleted + 21 days exactly
  CHECK(find("1792863000831").is_object());
  g.clock().advance(std::chrono::milliseconds(1));
  CHECK(find("1792863000831").is_null());

  g.clock().set(*fakegraph::parse_time("2026-09-20T00:00:00Z"));  // 8 days after the older deletion
  const json older = find("1789231509003");
  REQUIRE(older.is_object());
  CHECK(older["deletedDateTime"] == "2026-09-12T16:47:30.512Z");
}

TEST_CASE("getAllMessages items carry every chatMessage property", "[getAllMessages]") {
  const auto g = default_world();
  const auto r = get(g, export_url("adele@contoso.com", "model=A&$top=50"), "exporter");
  REQUIRE(r.status == 200);
  const std::set<std::string> properties = {"@odata.type",
                                            "id",
                                            "replyToId",
                                            "etag",
                                            "messageType",
                                            "createdDateTime",
                                            "lastModifiedDateTime",
                                            "lastEditedDateTime",
                                            "deletedDateTime",
                                            "subject",
                                            "summary",
                                            "chatId",
                                            "importance",
                                            "locale",
                                            "webUrl",
                                            "channelIdentity",
                                            "policyViolation",
                                            "eventDetail",
                                            "from",
                                            "body",
                                            "attachments",
                                            "mentions",
                                            "reactions",
                                            "messageHistory"};
  std::map<std::string, json> by_id;
  const json page = r.json();
  for (const auto& m : page["value"]) {
    std::set<std::string> keys;
    for (const auto& [k, v] : m.items()) keys.insert(k);
    CHECK(keys == properties);
    CHECK(m["@odata.type"] == "#microsoft.graph.chatMessage");
    CHECK(m["locale"] == "en-us");
    by_id[m["id"].get<std::string>()] = m;
  }

  SECTION("the bot message, whole") {
    CHECK(by_id.at("1788850800412") == json::parse(R"({
      "@odata.type": "#microsoft.graph.chatMessage", "id": "1788850800412", "replyToId": null,
      "etag": "1788850800412", "messageType": "message",
      "createdDateTime": "2026-09-08T07:00:00.412Z", "lastModifiedDateTime": "2026-09-08T07:00:00.412Z",
      "lastEditedDateTime": null, "deletedDateTime": null, "subject": null, "summary": null,
      "chatId": "19:fba5913dd74162ad849c812d81852b2a@thread.v2", "importance": "normal", "locale": "en-us",
      "webUrl": null, "channelIdentity": null, "policyViolation": null, "eventDetail": null,
      "from": {"application": {"id": "c20b3a7f-c1f7-4035-b254-71ff5bc51a9b", "displayName": "Release Bot",
                               "applicationIdentityType": "bot"}, "device": null, "user": null},
      "body": {"contentType": "html",
               "content": "<div>Build <b>4.2.0</b> passed all checks and is ready for staging.</div>"},
      "attachments": [], "mentions": [], "reactions": [], "messageHistory": []})"));
  }
  SECTION("an edited message with a reaction") {
    const json& m = by_id.at("1788358811452");
    CHECK(m["lastEditedDateTime"] == "2026-09-02T14:22:30.018Z");
    CHECK(m["lastModifiedDateTime"] == "2026-09-02T15:01:44.213Z");
    CHECK(m["reactions"].size() == 1);
    CHECK(m["from"]["user"]["id"] == megan_id);
    CHECK(m["from"]["user"]["userIdentityType"] == "aadUser");
  }
  SECTION("a system event") {
    const json& m = by_id.at("1791457236917");
    CHECK(m["from"].is_null());
    CHECK(m["eventDetail"]["@odata.type"] == "#microsoft.graph.callEndedEventMessageDetail");
    CHECK(m["body"]["content"] == "<systemEventMessage/>");
  }
  SECTION("a mention and an attachment") {
    CHECK(by_id.at("1788602553777")["mentions"].size() == 1);
    CHECK(by_id.at("1788602553777")["importance"] == "high");
    CHECK(by_id.at("1785749477904")["attachments"].size() == 1);
  }
}

TEST_CASE("getAllMessages writes systemEventMessage only when Prefer asks for unknown enum members",
          "[getAllMessages]") {
  const auto g = default_world();
  const std::string url = export_url("adele@contoso.com", "model=A&$top=50");
  const std::set<std::string> system_ids = {"1787230805442", "1788249600251", "1789049127663",
                                            "1791457236917"};
  auto types = [&](const fakegraph::header_list& headers) {
    std::set<std::string> system, other;
    const auto r = get(g, url, "exporter", headers);
    REQUIRE(r.status == 200);
    const json page = r.json();
    for (const auto& m : page["value"])
      (system_ids.count(m["id"].get<std::string>()) ? system : other)
          .insert(m["messageType"].get<std::string>());
    CHECK(other == std::set<std::string>{"message"});
    return system;
  };
  const std::set<std::string> hidden = {"unknownFutureValue"};
  const std::set<std::string> shown = {"systemEventMessage"};

  CHECK(types({}) == hidden);
  CHECK(types({{"Prefer", "include-unknown-enum-members"}}) == shown);
  CHECK(types({{"prefer", "Include-Unknown-Enum-Members"}}) == shown);
  CHECK(types({{"Prefer", "odata.maxpagesize=5, include-unknown-enum-members"}}) == shown);
  CHECK(types({{"Prefer", "odata.track-changes"}, {"Prefer", "include-unknown-enum-members"}}) ==
        shown);
  CHECK(types({{"Prefer", "odata.maxpagesize=5"}}) == hidden);
  CHECK(types({{"Prefer", "include-unknown-enum-members-please"}}) == hidden);
  CHECK(types({{"X-Prefer", "include-unknown-enum-members"}}) == hidden);
}

TEST_CASE("getAllMessages page envelope: context, count, links on the request's host",
          "[getAllMessages]") {
  const auto g = default_world();
  SECTION("default host") {
    const json page = get(g, export_url("adele@contoso.com", "model=A&$top=5"), "exporter").json();
    CHECK(page["@odata.context"] == context_url);
    CHECK(page["@odata.count"] == 5);
    CHECK(page["value"].size() == 5);
    CHECK_THAT(
        page["@odata.nextLink"].get<std::string>(),
        Catch::Matchers::StartsWith(
            "https://graph.microsoft.com/v1.0/users/adele@contoso.com/chats/getAllMessages?"));
  }
  SECTION("Host header and beta") {
    const json page = get(g, "/beta/users/adele@contoso.com/chats/getAllMessages?model=A&$top=5",
                          "exporter", {{"Host", "localhost:8080"}})
                          .json();
    CHECK(page["@odata.context"] ==
          "https://localhost:8080/beta/$metadata#Collection(chatMessage)");
    CHECK_THAT(page["@odata.nextLink"].get<std::string>(),
               Catch::Matchers::StartsWith("https://localhost:8080/beta/users/"));
  }
  SECTION("an empty export") {
    const auto r = get(g, export_url("samira@contoso.com", "model=B"), "exporter");
    REQUIRE(r.status == 200);
    CHECK(r.json() == json::parse(std::string(R"({"@odata.context":")") + context_url +
                                  R"(","@odata.count":0,"value":[]})"));
    CHECK_THAT(r.header("Content-Type"), Catch::Matchers::StartsWith("application/json"));
  }
}

TEST_CASE("getAllMessages $top: 1 to 50, 20 by default", "[getAllMessages]") {
  const auto g = default_world();
  auto page = [&](const std::string& top) {
    return get(g, export_url("adele@contoso.com", "model=A" + top), "exporter");
  };
  SECTION("default 20") {
    const json first = page("").json();
    CHECK(first["value"].size() == 20);
    REQUIRE(first.contains("@odata.nextLink"));
    const json second = get(g, first["@odata.nextLink"].get<std::string>(), "exporter").json();
    CHECK(second["value"].size() == 12);
    CHECK_FALSE(second.contains("@odata.nextLink"));
  }
  SECTION("in range") {
    CHECK(page("&$top=1").json()["value"].size() == 1);
    const json all = page("&$top=50").json();
    CHECK(all["value"].size() == 32);
    CHECK_FALSE(all.contains("@odata.nextLink"));
    CHECK(page("&$top=32").json().count("@odata.nextLink") == 0);
    CHECK(page("&$top=31").json().count("@odata.nextLink") == 1);
  }
  SECTION("out of range") {
    const auto over = page("&$top=51");
    CHECK(over.status == 400);
    CHECK(error_code(over) == "BadRequest");
    CHECK(error_message(over) ==
          "The query specified in the URI is not valid. The limit of '50' for Top query has been "
          "exceeded. The value "
          "from the incoming request is '51'.");
    for (const char* bad : {"&$top=0", "&$top=-1", "&$top=abc", "&$top=", "&$top=1000"}) {
      INFO(bad);
      const auto r = page(bad);
      CHECK(r.status == 400);
      CHECK_THAT(error_message(r), contains_substring("$top") || contains_substring("Top"));
    }
  }
}

TEST_CASE("getAllMessages refuses other OData options, or ignores them in lenient mode",
          "[getAllMessages]") {
  const std::string option =
      GENERATE(std::string("$orderby=createdDateTime"), std::string("$select=id"),
               std::string("$expand=replies"), std::string("$count=true"), std::string("$skip=2"),
               std::string("$search=launch"));
  INFO(option);
  SECTION("strict (default)") {
    const auto g = default_world();
    const auto r = get(g, export_url("adele@contoso.com", "model=A&" + option), "exporter");
    CHECK(r.status == 400);
    CHECK(error_code(r) == "BadRequest");
    CHECK_THAT(
        error_message(r),
        Catch::Matchers::StartsWith("The query specified in the URI is not valid. Query option '"));
    CHECK_THAT(error_message(r), contains_substring("' is not allowed."));
  }
  SECTION("lenient") {
    json seed = default_seed();
    seed["settings"]["queryOptions"] = "lenient";
    const auto g = fakegraph::graph::from_json(seed);
    const auto plain = get(g, export_url("adele@contoso.com", "model=A&$top=50"), "exporter");
    const auto with =
        get(g, export_url("adele@contoso.com", "model=A&$top=50&" + option), "exporter");
    REQUIRE(with.status == 200);
    CHECK(ids_of(with) == ids_of(plain));
  }
}
