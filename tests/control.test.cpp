// The control plane (/_fakegraph/), called in process: reset, the clock, the journal, fault
// rules, snapshots and coverage, as JSON; errors in Graph's error body.
#include "support/catch.hpp"

#include <fakegraph/control.hpp>
#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <chrono>   // std::chrono::hours
#include <string>   // std::string
#include <utility>  // std::pair

#include "support/fixtures.hpp"

using fakegraph_test::contains_substring;
using fakegraph_test::default_world;
using fakegraph_test::error_code;
using nlohmann::json;

namespace {

fakegraph::response call(fakegraph::control_plane& plane, const std::string& method,
                         const std::string& path, const std::string& body = {}) {
  return plane.handle({method, "http://127.0.0.1:8080" + path, {}, body});
}

fakegraph::response graph_get(const fakegraph::graph& g, const std::string& path,
                              const std::string& token = "adele-read") {
  return fakegraph_test::get(g, path, token);
}

std::size_t chat_count(const fakegraph::graph& g) {
  return json::parse(graph_get(g, "/v1.0/me/chats?$top=50").body)["value"].size();
}

}  // namespace

TEST_CASE("Control plane: which paths are its own", "[control]") {
  using fakegraph::control_plane;
  CHECK(control_plane::owns("/_fakegraph"));
  CHECK(control_plane::owns("/_fakegraph/reset"));
  CHECK(control_plane::owns("/_fakegraph/faults/3"));
  CHECK_FALSE(control_plane::owns("/_fakegraphs/reset"));
  CHECK_FALSE(control_plane::owns("/v1.0/_fakegraph/reset"));
  CHECK_FALSE(control_plane::owns("/v1.0/me/chats"));
}

TEST_CASE("Control plane: reset puts world, clock, journal and faults back to the seed",
          "[control]") {
  auto g = default_world();
  fakegraph::control_plane plane(g);
  const std::size_t chats = chat_count(g);
  const fakegraph::timestamp seed_now = g.clock().now();
  fakegraph::chat_spec spec;
  spec.members = {{"adele@contoso.com"}, {"megan@contoso.com"}, {"alex@contoso.com"}};
  spec.topic = "added";
  g.add_chat(spec);
  REQUIRE(chat_count(g) == chats + 1);
  g.clock().advance(std::chrono::hours(5));
  g.faults().add(fakegraph::fault::throttle(1));
  REQUIRE(g.journal().size() > 0);

  const auto r = call(plane, "POST", "/_fakegraph/reset");
  CHECK(r.status == 204);
  CHECK(r.body.empty());
  CHECK(g.clock().now() == seed_now);
  CHECK(g.faults().size() == 0);
  CHECK(g.journal().size() == 0);
  CHECK(chat_count(g) == chats);
  CHECK(call(plane, "GET", "/_fakegraph/reset").status == 405);

  SECTION("with a running clock, reset starts it again from the seed's time") {
    fakegraph::control_plane running(g, fakegraph::control_options{true});
    REQUIRE(call(running, "POST", "/_fakegraph/reset").status == 204);
    CHECK_FALSE(g.clock().is_fixed());
    CHECK(g.clock().now() >= seed_now);
  }
}

TEST_CASE("Control plane: the clock, read and moved", "[control]") {
  auto g = default_world();  // settings.now 2026-11-01T12:00:00Z, fixed
  fakegraph::control_plane plane(g);
  auto clock = [&] { return json::parse(call(plane, "GET", "/_fakegraph/clock").body); };
  CHECK(clock() == json({{"now", "2026-11-01T12:00:00Z"}, {"running", false}}));

  auto post = [&](const json& body) {
    return call(plane, "POST", "/_fakegraph/clock", body.dump());
  };
  auto r = post({{"advance", "PT1H30M"}});
  CHECK(r.status == 200);
  CHECK(json::parse(r.body) == json({{"now", "2026-11-01T13:30:00Z"}, {"running", false}}));
  CHECK(g.clock().now() == *fakegraph::parse_time("2026-11-01T13:30:00Z"));
  CHECK(json::parse(post({{"advance", "-P1D"}}).body)["now"] == "2026-10-31T13:30:00Z");
  CHECK(json::parse(post({{"now", "2027-01-01T00:00:00Z"}}).body)["now"] == "2027-01-01T00:00:00Z");

  // Running: the clock moves with real time from the time given.
  r = post({{"now", "2027-02-01T00:00:00Z"}, {"running", true}});
  CHECK(r.status == 200);
  CHECK(json::parse(r.body)["running"] == true);
  CHECK_FALSE(g.clock().is_fixed());
  CHECK(g.clock().now() >= *fakegraph::parse_time("2027-02-01T00:00:00Z"));
  CHECK(json::parse(post({{"running", false}}).body)["running"] == false);
  CHECK(g.clock().is_fixed());

  // The Graph answers read it: a token that expires is refused once the clock passes it.
  auto fresh = default_world();
  fakegraph::control_plane fresh_plane(fresh);
  fresh.add_token("short", [] {
    auto t = fakegraph::delegated("adele@contoso.com", {"Chat.Read"});
    t.expires = *fakegraph::parse_time("2026-11-01T12:30:00Z");
    return t;
  }());
  CHECK(graph_get(fresh, "/v1.0/me/chats", "short").status == 200);
  REQUIRE(call(fresh_plane, "POST", "/_fakegraph/clock", R"({"advance": "PT1H"})").status == 200);
  CHECK(graph_get(fresh, "/v1.0/me/chats", "short").status == 401);

  SECTION("bad bodies are 400 saying what is accepted") {
    for (const std::string body :
         {"", "[]", "{}", "not json", R"({"now": "yesterday"})", R"({"now": 5})",
          R"({"advance": "P1M"})", R"({"advance": "PT"})", R"({"advance": "1 hour"})",
          R"({"running": "yes"})", R"({"later": "PT1H"})",
          R"({"now": "2027-01-01T00:00:00Z", "advance": "PT1H"})"}) {
      INFO(body);
      const auto bad = call(plane, "POST", "/_fakegraph/clock", body);
      CHECK(bad.status == 400);
      CHECK(error_code(bad) == "BadRequest");
      CHECK_THAT(json::parse(bad.body)["error"]["message"].get<std::string>(),
                 contains_substring("Give {\"now\""));
    }
    CHECK(call(plane, "DELETE", "/_fakegraph/clock").status == 405);
  }
}

TEST_CASE("parse_duration reads ISO-8601 durations of fixed length", "[control][clock]") {
  using fakegraph::parse_duration;
  CHECK(parse_duration("PT1H30M") == 5400000);
  CHECK(parse_duration("P2D") == 2 * 86400000LL);
  CHECK(parse_duration("P1W") == 7 * 86400000LL);
  CHECK(parse_duration("P1DT2H3M4S") == 86400000LL + 7384000);
  CHECK(parse_duration("PT0.5S") == 500);
  CHECK(parse_duration("PT1,25S") == 1250);
  CHECK(parse_duration("-PT1H") == -3600000);
  CHECK(parse_duration("PT0S") == 0);
  for (const char* bad : {"", "P", "PT", "P1DT", "1H", "PT1H1H", "P1M", "P1Y", "PT1.5H", "PT1",
                          "P-1D", "PT1HT2M", "P1D2W", "PT1M2H", "P1234567890D", "PTS", "P.5D"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
}

TEST_CASE("Control plane: the journal, filtered and cleared", "[control]") {
  auto g = default_world();
  fakegraph::control_plane plane(g);
  graph_get(g, "/v1.0/me/chats?$top=2");
  graph_get(g, "/v1.0/me/chats", "no-such-token");
  graph_get(g, "/v1.0/users/adele@contoso.com/chats/getAllMessages?model=A", "exporter");
  auto journal = [&](const std::string& query) {
    const auto r = call(plane, "GET", "/_fakegraph/journal" + query);
    INFO(r.body);
    REQUIRE(r.status == 200);
    return json::parse(r.body)["value"];
  };
  const json all = journal("");
  REQUIRE(all.size() == 3);
  const json& first = all[0];
  CHECK(first["sequence"] == 1);
  CHECK(first["time"] == "2026-11-01T12:00:00Z");
  CHECK(first["method"] == "GET");
  CHECK(first["url"] == "/v1.0/me/chats?$top=2");
  CHECK(first["status"] == 200);
  CHECK(first["endpoint"] == "listChats");
  CHECK(first["principal"] == json({{"type", "user"},
                                    {"id", "8b081ef6-4792-4def-b2c9-c363a1bf41d5"},
                                    {"tenantId", "b33cbe9f-8ebe-4f2a-912b-7e2a427f477f"}}));
  CHECK(first["fault"] == "");
  CHECK(first["requestHeaders"]["Authorization"] == "Bearer adele-read");
  CHECK(first["responseHeaders"]["Content-Type"].get<std::string>().rfind("application/json", 0) ==
        0);
  CHECK(json::parse(first["body"].get<std::string>())["@odata.count"] == 2);
  CHECK(all[1]["principal"] == nullptr);
  CHECK(all[2]["principal"]["type"] == "application");

  CHECK(journal("?status=401").size() == 1);
  CHECK(journal("?endpoint=getAllMessages").size() == 1);
  CHECK(journal("?since=1").size() == 2);
  CHECK(journal("?status=200&endpoint=listChats").size() == 1);
  CHECK(journal("").size() == 3);  // the control plane's own calls are not in it
  for (const std::string bad : {"?status=abc", "?endpoint=drive", "?since=-1", "?order=desc"}) {
    INFO(bad);
    CHECK(call(plane, "GET", "/_fakegraph/journal" + bad).status == 400);
  }
  CHECK(call(plane, "DELETE", "/_fakegraph/journal").status == 204);
  CHECK(journal("").empty());
}

TEST_CASE("Control plane: fault rules in the seed's format, listed and removed", "[control]") {
  auto g = default_world();
  fakegraph::control_plane plane(g);
  const auto added = call(plane, "POST", "/_fakegraph/faults",
                          R"({"route": "listChats", "status": 429, "retryAfter": 2})");
  INFO(added.body);
  REQUIRE(added.status == 201);
  const json rule = json::parse(added.body);
  CHECK(rule["id"].is_number());
  CHECK(rule["rule"] == json({{"route", "listChats"}, {"status", 429}, {"retryAfter", 2}}));
  CHECK_THAT(rule["description"].get<std::string>(), contains_substring("429"));

  const auto throttled = graph_get(g, "/v1.0/me/chats");
  CHECK(throttled.status == 429);
  CHECK(throttled.header("Retry-After") == "2");
  const json listed = json::parse(call(plane, "GET", "/_fakegraph/faults").body)["value"];
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["id"] == rule["id"]);
  CHECK(listed[0]["matched"] == 1);
  CHECK(listed[0]["fired"] == 1);

  const std::string one = "/_fakegraph/faults/" + std::to_string(rule["id"].get<int>());
  CHECK(call(plane, "DELETE", one).status == 204);
  CHECK(call(plane, "DELETE", one).status == 404);
  CHECK(graph_get(g, "/v1.0/me/chats").status == 200);

  SECTION("a bad rule is 400 naming what is wrong, and nothing is added") {
    const auto bad = call(plane, "POST", "/_fakegraph/faults", R"({"status": 429, "nth": 0})");
    CHECK(bad.status == 400);
    CHECK_THAT(json::parse(bad.body)["error"]["message"].get<std::string>(),
               contains_substring("nth"));
    CHECK(call(plane, "POST", "/_fakegraph/faults", "[]").status == 400);
    CHECK(g.faults().size() == 0);
  }
  SECTION("DELETE clears them all") {
    REQUIRE(call(plane, "POST", "/_fakegraph/faults", R"({"status": 503})").status == 201);
    REQUIRE(call(plane, "POST", "/_fakegraph/faults", R"({"status": 504})").status == 201);
    CHECK(call(plane, "DELETE", "/_fakegraph/faults").status == 204);
    CHECK(g.faults().size() == 0);
  }
}

TEST_CASE("Control plane: snapshots and restore", "[control]") {
  auto g = default_world();
  fakegraph::control_plane plane(g);
  const std::size_t chats = chat_count(g);
  const auto made = call(plane, "POST", "/_fakegraph/snapshots");
  REQUIRE(made.status == 201);
  const std::string id = json::parse(made.body)["id"];
  fakegraph::chat_spec spec;
  spec.members = {{"adele@contoso.com"}, {"megan@contoso.com"}, {"alex@contoso.com"}};
  g.add_chat(spec);
  REQUIRE(chat_count(g) == chats + 1);
  CHECK(call(plane, "POST", "/_fakegraph/snapshots/" + id + "/restore").status == 204);
  CHECK(chat_count(g) == chats);
  CHECK(call(plane, "POST", "/_fakegraph/snapshots/999/restore").status == 404);
  CHECK(call(plane, "GET", "/_fakegraph/snapshots").status == 405);
}

TEST_CASE("Control plane: coverage, unknown calls and methods", "[control]") {
  auto g = default_world();
  fakegraph::control_plane plane(g);
  graph_get(g, "/v1.0/me/chats");
  const auto coverage = call(plane, "GET", "/_fakegraph/coverage");
  REQUIRE(coverage.status == 200);
  CHECK(json::parse(coverage.body)["requests"] == 1);
  const auto unknown = call(plane, "GET", "/_fakegraph/nothing");
  CHECK(unknown.status == 404);
  CHECK(error_code(unknown) == "NotFound");
  CHECK(call(plane, "GET", "/_fakegraph").status == 404);
  const auto wrong = call(plane, "PUT", "/_fakegraph/journal");
  CHECK(wrong.status == 405);
  CHECK(wrong.header("Allow") == "GET, DELETE");
  // Any bytes: a Graph-shaped answer.
  CHECK(call(plane, "POST", "/_fakegraph/%FF").status == 404);
  CHECK(call(plane, "POST", "/_fakegraph/clock", "\xFF").status == 400);
}

TEST_CASE("Control plane: the world grows by seed-format fragments, all or nothing", "[control]") {
  auto g = default_world();
  fakegraph::control_plane plane(g);
  const std::size_t chats = chat_count(g);
  const json fragment = {
      {"users",
       {{{"userPrincipalName", "nina@contoso.com"},
         {"tenantId", "b33cbe9f-8ebe-4f2a-912b-7e2a427f477f"},
         {"displayName", "Nina"}}}},
      {"chats",
       {{{"chatType", "group"},
         {"topic", "Added over HTTP"},
         {"members", {{{"user", "adele@contoso.com"}}, {{"user", "nina@contoso.com"}}}},
         {"messages",
          {{{"from", {{"user", "nina@contoso.com"}}},
            {"createdDateTime", "2026-10-31T09:00:00Z"},
            {"body", {{"contentType", "text"}, {"content", "hello"}}}}}}}}},
      {"tokens",
       {{{"token", "nina-read"}, {"user", "nina@contoso.com"}, {"scopes", {"Chat.Read"}}}}},
      {"messages",
       {{{"chatId", "19:fba5913dd74162ad849c812d81852b2a@thread.v2"},
         {"from", {{"user", "adele@contoso.com"}}},
         {"body", {{"contentType", "text"}, {"content", "one more"}}}}}}};
  const auto r = call(plane, "POST", "/_fakegraph/world", fragment.dump());
  INFO(r.body);
  REQUIRE(r.status == 201);
  const json made = json::parse(r.body);
  REQUIRE(made["users"].size() == 1);
  REQUIRE(made["chats"].size() == 1);
  CHECK(made["tokens"] == json({"nina-read"}));
  REQUIRE(made["messages"].size() == 2);
  CHECK(made["messages"][0]["chatId"] == made["chats"][0]);
  CHECK(made["messages"][0]["id"] == "1793437200000");  // its createdDateTime in epoch ms
  // A message without a time is made now, on the graph's clock.
  CHECK(made["messages"][1]["id"] == std::to_string(g.clock().now()));

  CHECK(chat_count(g) == chats + 1);
  const auto nina = graph_get(g, "/v1.0/me/chats", "nina-read");
  REQUIRE(nina.status == 200);
  CHECK(json::parse(nina.body)["value"][0]["topic"] == "Added over HTTP");
  const auto exported = graph_get(
      g, "/v1.0/users/adele@contoso.com/chats/getAllMessages?model=A&$top=50", "exporter");
  REQUIRE(exported.status == 200);
  const json value = json::parse(exported.body)["value"];
  CHECK(value.back()["body"]["content"] == "one more");
  // Another at the same instant comes just after the chat's newest message.
  const json again = {{"messages",
                       {{{"chatId", "19:fba5913dd74162ad849c812d81852b2a@thread.v2"},
                         {"from", {{"user", "adele@contoso.com"}}},
                         {"body", {{"contentType", "text"}, {"content", "and another"}}}}}}};
  const auto r2 = call(plane, "POST", "/_fakegraph/world", again.dump());
  REQUIRE(r2.status == 201);
  CHECK(json::parse(r2.body)["messages"][0]["id"] == std::to_string(g.clock().now() + 1));

  SECTION("a bad fragment is 400 naming the JSON path, and nothing changes") {
    const std::pair<json, std::string> bad[] = {
        {{{"chats",
           {{{"members", {{{"user", "nobody@contoso.com"}}, {{"user", "adele@contoso.com"}}}}}}}},
         "chats[0].members[0].user"},
        {{{"users",
           {{{"userPrincipalName", "zed@contoso.com"},
             {"tenantId", "b33cbe9f-8ebe-4f2a-912b-7e2a427f477f"}}}},
          {"messages", {{{"chatId", "19:none@thread.v2"}, {"from", nullptr}}}}},
         "messages[0].chatId"},
        {{{"messages", {{{"from", nullptr}}}}}, "messages[0].chatId"},
        {{{"settings", json::object()}}, "settings"},
        {{{"users", {{{"userPrincipalName", "adele@contoso.com"}}}}}, "users[0]"},
    };
    for (const auto& [body, path] : bad) {
      INFO(body.dump());
      const auto refused = call(plane, "POST", "/_fakegraph/world", body.dump());
      CHECK(refused.status == 400);
      CHECK_THAT(json::parse(refused.body)["error"]["message"].get<std::string>(),
                 contains_substring(path));
    }
    CHECK(graph_get(g, "/v1.0/users/zed@contoso.com/chats", "exporter").status == 404);
    CHECK(chat_count(g) == chats + 1);
    CHECK(call(plane, "POST", "/_fakegraph/world", "[]").status == 400);
    CHECK(call(plane, "GET", "/_fakegraph/world").status == 405);
  }
}

// ---- changes to messages ----------------------------------------------------------------

namespace {

// The Launch chat of the default world, its id as it stands in a path, and two of its messages.
const std::string launch = "19:fba5913dd74162ad849c812d81852b2a@thread.v2";
const std::string launch_in_path = "19%3Afba5913dd74162ad849c812d81852b2a%40thread.v2";
const std::string adeles_message = "1787230938967";  // 2026-08-20T13:02:18.967Z
const std::string alexs_message = "1787303744031";   // 2026-08-21T09:15:44.031Z

std::string message_path(const std::string& chat, const std::string& message) {
  return "/_fakegraph/chats/" + chat + "/messages/" + message;
}

// The message `id` as getAllMessages returns it for Adele (null when it does not).
json exported_message(const fakegraph::graph& g, const std::string& id) {
  const auto walked = fakegraph_test::follow_links(
      g, "/v1.0/users/adele@contoso.com/chats/getAllMessages?model=A&$top=50", "exporter");
  REQUIRE(walked.last.status == 200);
  for (const json& item : walked.items)
    if (item.at("id") == id) return item;
  return nullptr;
}

std::string message_of(const fakegraph::response& r) {
  const json body = json::parse(r.body, nullptr, false);
  return body.is_object() && body.contains("error") ? body["error"].value("message", "") : "";
}

}  // namespace

TEST_CASE("Control plane: a message edited, deleted and reacted to", "[control][changes]") {
  auto g = default_world();
  fakegraph::control_plane plane(g);
  const std::string now = "2026-11-01T12:00:00Z";  // the default world's clock

  SECTION("PATCH edits: 200 with the message as stored") {
    const json edit = {{"body", {{"contentType", "html"}, {"content", "<p>edited</p>"}}}};
    const auto r = call(plane, "PATCH", message_path(launch_in_path, adeles_message), edit.dump());
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Type").rfind("application/json", 0) == 0);
    const json stored = json::parse(r.body);
    CHECK(stored == exported_message(g, adeles_message));
    CHECK(stored["body"] == edit["body"]);
    CHECK(stored["lastEditedDateTime"] == now);
    CHECK(stored["lastModifiedDateTime"] == now);
    CHECK(stored["etag"] == std::to_string(g.clock().now()));
    // contentType may be left out: text.
    const auto plain = call(plane, "PATCH", message_path(launch_in_path, adeles_message),
                            R"({"body": {"content": "plain"}})");
    REQUIRE(plain.status == 200);
    CHECK(json::parse(plain.body)["body"] == json({{"contentType", "text"}, {"content", "plain"}}));
  }

  SECTION("DELETE deletes: 204") {
    const auto r = call(plane, "DELETE", message_path(launch_in_path, adeles_message));
    CHECK(r.status == 204);
    CHECK(r.body.empty());
    const json stored = exported_message(g, adeles_message);
    CHECK(stored["deletedDateTime"] == now);
    CHECK(stored["lastModifiedDateTime"] == now);
    CHECK(stored["body"]["content"] == "");
    // Twice: refused, 400.
    const auto again = call(plane, "DELETE", message_path(launch_in_path, adeles_message));
    CHECK(again.status == 400);
    CHECK_THAT(message_of(again), contains_substring("[fakegraph.control.message_deleted]"));
  }

  SECTION("POST reactions: 201 with the message as stored") {
    const auto r = call(plane, "POST", message_path(launch_in_path, alexs_message) + "/reactions",
                        R"({"user": "megan@contoso.com", "reactionType": "like"})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    const json stored = json::parse(r.body);
    CHECK(stored == exported_message(g, alexs_message));
    REQUIRE(stored["reactions"].size() == 1);
    CHECK(stored["reactions"][0]["reactionType"] == "like");
    CHECK(stored["reactions"][0]["createdDateTime"] == now);
    CHECK(stored["reactions"][0]["user"]["user"]["displayName"] == "Megan Bowen");
    REQUIRE(stored["messageHistory"].size() == 1);
    CHECK(stored["messageHistory"][0]["actions"] == "reactionAdded");
    CHECK(stored["lastModifiedDateTime"] == now);
    CHECK(stored["lastEditedDateTime"].is_null());
  }

  SECTION("DELETE reactions, with the same body: 200 with the message as stored") {
    const std::string path = message_path(launch_in_path, alexs_message) + "/reactions";
    const std::string like = R"({"user": "megan@contoso.com", "reactionType": "like"})";
    REQUIRE(call(plane, "POST", path, like).status == 201);
    const json added = exported_message(g, alexs_message)["reactions"][0];
    const auto r = call(plane, "DELETE", path, like);
    INFO(r.body);
    REQUIRE(r.status == 200);
    const json stored = json::parse(r.body);
    CHECK(stored == exported_message(g, alexs_message));
    CHECK(stored["reactions"] == json::array());
    REQUIRE(stored["messageHistory"].size() == 2);
    CHECK(stored["messageHistory"][1]["actions"] == "reactionRemoved");
    CHECK(stored["messageHistory"][1]["modifiedDateTime"] == now);
    CHECK(stored["messageHistory"][1]["reaction"] == added);
    CHECK(stored["lastModifiedDateTime"] == now);
    CHECK(stored["lastEditedDateTime"].is_null());
  }

  SECTION("the chat id as it is, not percent-encoded, works too") {
    const auto r = call(plane, "DELETE", message_path(launch, adeles_message));
    CHECK(r.status == 204);
    CHECK(exported_message(g, adeles_message)["deletedDateTime"] == now);
  }
}

TEST_CASE("Control plane: changes to an unknown chat or message are 404", "[control][changes]") {
  auto g = default_world();
  fakegraph::control_plane plane(g);
  const std::string unknown_chat = message_path("19%3Anone%40thread.v2", adeles_message);
  const std::string unknown_message = message_path(launch_in_path, "404");
  const std::string reaction = R"({"user": "megan@contoso.com", "reactionType": "like"})";
  const std::string edit = R"({"body": {"content": "x"}})";
  const std::pair<std::string, std::string> calls[] = {
      {"PATCH", edit}, {"DELETE", ""}, {"POST", reaction}};
  for (const auto& [method, body] : calls) {
    INFO(method);
    const std::string suffix = method == "POST" ? "/reactions" : "";
    const auto chat = call(plane, method, unknown_chat + suffix, body);
    CHECK(chat.status == 404);
    CHECK(error_code(chat) == "NotFound");
    CHECK_THAT(message_of(chat), contains_substring("unknown chat '19:none@thread.v2'"));
    const auto message = call(plane, method, unknown_message + suffix, body);
    CHECK(message.status == 404);
    CHECK(error_code(message) == "NotFound");
    CHECK_THAT(message_of(message), contains_substring("unknown message '404' in chat '" + launch));
  }
  // Other methods: 405 with the ones taken.
  const auto get_message = call(plane, "GET", message_path(launch_in_path, adeles_message));
  CHECK(get_message.status == 405);
  CHECK(get_message.header("Allow") == "PATCH, DELETE");
  const auto get_reactions =
      call(plane, "GET", message_path(launch_in_path, adeles_message) + "/reactions");
  CHECK(get_reactions.status == 405);
  CHECK(get_reactions.header("Allow") == "POST, DELETE");
  // The 404 of an unknown call lists the new calls.
  const auto unknown = call(plane, "GET", "/_fakegraph/chats/" + launch_in_path + "/messages");
  CHECK(unknown.status == 404);
  CHECK_THAT(message_of(unknown),
             contains_substring("PATCH, DELETE /_fakegraph/chats/{chatId}/messages/{messageId}; "
                                "POST, DELETE "
                                "/_fakegraph/chats/{chatId}/messages/{messageId}/reactions"));
  // Removing a reaction: an unknown chat or message is 404, and so is a reaction the member
  // does not have.
  for (const std::string& path : {unknown_chat, unknown_message}) {
    const auto r = call(plane, "DELETE", path + "/reactions", reaction);
    CHECK(r.status == 404);
    CHECK(error_code(r) == "NotFound");
  }
  const auto none =
      call(plane, "DELETE", message_path(launch_in_path, adeles_message) + "/reactions", reaction);
  CHECK(none.status == 404);
  CHECK(error_code(none) == "NotFound");
  CHECK_THAT(message_of(none),
             contains_substring("[fakegraph.control.no_reaction] reactionType: user "
                                "'megan@contoso.com' has no 'like' reaction on message '" +
                                adeles_message + "'"));
}

TEST_CASE("Control plane: a bad change body is 400 naming what is accepted, and changes nothing",
          "[control][changes]") {
  auto g = default_world();
  fakegraph::control_plane plane(g);
  const json before = exported_message(g, adeles_message);
  REQUIRE(before.is_object());

  const std::string edit_accepted = R"({"body": {"contentType": "text" | "html", "content": "…"}})";
  const std::pair<std::string, std::string> bad_edits[] = {
      {"", "the body is no object"},
      {"not json", "the body is no object"},
      {"[]", "the body is no object"},
      {R"({"content": "x"})", "unknown key 'content'"},
      {R"({"body": "x"})", "'body' is missing or not an object"},
      {R"({})", "'body' is missing or not an object"},
      {R"({"body": {"contentType": "text"}})", "'body.content' is missing or not a string"},
      {R"({"body": {"content": 1}})", "'body.content' is missing or not a string"},
      {R"({"body": {"content": "x", "contentType": 1}})", "'body.contentType' is not a string"},
      {R"({"body": {"content": "x", "subject": "y"}})", "unknown key 'body.subject'"},
      {R"({"body": {"content": "x", "contentType": "markdown"}})",
       "[fakegraph.control.bad_value] body.contentType: 'markdown' is not one of: text, html"},
  };
  for (const auto& [body, why] : bad_edits) {
    INFO(body);
    const auto r = call(plane, "PATCH", message_path(launch_in_path, adeles_message), body);
    CHECK(r.status == 400);
    CHECK(error_code(r) == "BadRequest");
    CHECK_THAT(message_of(r), contains_substring(why));
    CHECK_THAT(message_of(r), contains_substring(edit_accepted));
  }

  const std::string reaction_accepted = R"("reactionType": "like"})";
  const std::pair<std::string, std::string> bad_reactions[] = {
      {"", "the body is no object"},
      {"[1]", "the body is no object"},
      {R"({"reactionType": "like"})", "'user' is missing or not a string"},
      {R"({"user": 7, "reactionType": "like"})", "'user' is missing or not a string"},
      {R"({"user": "megan@contoso.com"})", "'reactionType' is missing or not a string"},
      {R"({"user": "megan@contoso.com", "reactionType": true})",
       "'reactionType' is missing or not a string"},
      {R"({"user": "megan@contoso.com", "reactionType": "like", "x": 1})", "unknown key 'x'"},
      {R"({"user": "megan@contoso.com", "reactionType": "thumbsup"})",
       "[fakegraph.control.bad_value] reactionType: 'thumbsup' is not a reaction"},
  };
  for (const auto& [body, why] : bad_reactions) {
    INFO(body);
    const auto r =
        call(plane, "POST", message_path(launch_in_path, adeles_message) + "/reactions", body);
    CHECK(r.status == 400);
    CHECK(error_code(r) == "BadRequest");
    CHECK_THAT(message_of(r), contains_substring(why));
    CHECK_THAT(message_of(r), contains_substring(reaction_accepted));
    // Removing reads the same body. A reactionType that is no reaction is one the member
    // does not have: 404, above.
    if (body.find("thumbsup") != std::string::npos) continue;
    const auto removal =
        call(plane, "DELETE", message_path(launch_in_path, adeles_message) + "/reactions", body);
    CHECK(removal.status == 400);
    CHECK_THAT(message_of(removal), contains_substring(why));
    CHECK_THAT(message_of(removal), contains_substring(reaction_accepted));
  }

  // A user the world refuses: 400 with the store's reason.
  const auto stranger =
      call(plane, "POST", message_path(launch_in_path, adeles_message) + "/reactions",
           R"({"user": "pradeep@fabrikam.com", "reactionType": "like"})");
  CHECK(stranger.status == 400);
  CHECK_THAT(message_of(stranger),
             contains_substring("[fakegraph.control.not_a_member] user: user "
                                "'pradeep@fabrikam.com' is not a member of chat '" +
                                launch + "'"));
  const auto nobody =
      call(plane, "POST", message_path(launch_in_path, adeles_message) + "/reactions",
           R"({"user": "nobody@contoso.com", "reactionType": "like"})");
  CHECK(nobody.status == 400);
  CHECK_THAT(message_of(nobody), contains_substring("[fakegraph.control.unknown_user]"));
  const auto stranger_removal =
      call(plane, "DELETE", message_path(launch_in_path, adeles_message) + "/reactions",
           R"({"user": "pradeep@fabrikam.com", "reactionType": "like"})");
  CHECK(stranger_removal.status == 400);
  CHECK_THAT(message_of(stranger_removal), contains_substring("[fakegraph.control.not_a_member]"));

  CHECK(exported_message(g, adeles_message) == before);
}
