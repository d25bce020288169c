// Worlds in code: the graph's add_* calls, with_users, reset(), snapshot()/restore(), and
// builder calls on a live graph that other threads read.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <atomic>  // std::atomic
#include <chrono>  // std::chrono::hours, std::chrono::minutes
#include <string>  // std::string
#include <thread>  // std::thread
#include <vector>  // std::vector

#include "support/fixtures.hpp"
#include "support/walk.hpp"

using fakegraph_test::error_id;
using fakegraph_test::get;
using fakegraph_test::ids_of;
using nlohmann::json;

namespace {

// Every message id getAllMessages returns for a user, following nextLinks.
std::vector<std::string> exported_ids(const fakegraph::graph& g, const std::string& user) {
  return fakegraph_test::walked_ids(
      fakegraph_test::walk(g, "/v1.0/users/" + user + "/chats/getAllMessages?$top=50", "app"));
}

}  // namespace

TEST_CASE("Builder: a two-line world answers List chats", "[builder]") {
  auto g = fakegraph::graph::with_users({"adele@contoso.com", "megan@contoso.com"});
  const std::string chat = g.add_chat({"adele@contoso.com", "megan@contoso.com"});

  const auto r = get(g, "/v1.0/me/chats", "adele@contoso.com");
  REQUIRE(r.status == 200);
  const json page = r.json();
  REQUIRE(page["value"].size() == 1);
  const json& c = page["value"][0];
  CHECK(c["id"] == chat);
  CHECK(c["chatType"] == "oneOnOne");
  CHECK(c["topic"].is_null());
  CHECK(c["createdDateTime"] == "2026-11-01T12:00:00Z");  // the fixed default clock
  CHECK(g.clock().is_fixed());
  CHECK(g.clock().now() == fakegraph::default_now);
  CHECK(c["viewpoint"]["isHidden"] == false);
  // The 1:1 id has Graph's shape.
  CHECK(chat.rfind("19:", 0) == 0);
  CHECK(chat.find("@unq.gbl.spaces") != std::string::npos);

  // Megan sees the same chat; the app token reads Adele's chats.
  CHECK(ids_of(get(g, "/v1.0/me/chats", "megan@contoso.com")) == std::vector<std::string>{chat});
  CHECK(ids_of(get(g, "/v1.0/users/adele@contoso.com/chats", "app")) ==
        std::vector<std::string>{chat});
}

TEST_CASE("Builder: users, applications and tenants get defaults", "[builder]") {
  fakegraph::graph g;
  const std::string adele = g.add_user("adele@contoso.com");
  CHECK(fakegraph::detail::is_guid(adele));
  const std::string megan = g.add_user({"megan@contoso.com", "Megan Bowen"});
  const std::string app = g.add_application("Exporter");
  CHECK(fakegraph::detail::is_guid(app));
  g.add_token("t", fakegraph::app_only(app, {"Chat.Read.All"}));
  const std::string chat =
      g.add_chat(fakegraph::chat_spec::group({"adele@contoso.com", megan}, "Launch"));

  const auto r = get(g, "/v1.0/users/" + adele + "/chats?$expand=members", "t");
  REQUIRE(r.status == 200);
  const json c = r.json()["value"][0];
  CHECK(c["id"] == chat);
  CHECK(c["chatType"] == "group");
  CHECK(c["topic"] == "Launch");
  REQUIRE(c["members"].size() == 2);
  CHECK(c["members"][0]["displayName"] == "adele");  // default: the UPN before '@'
  CHECK(c["members"][0]["email"] == "adele@contoso.com");
  CHECK(c["members"][1]["displayName"] == "Megan Bowen");
  // One tenant was made for the first user, and everybody is in it.
  CHECK(c["tenantId"] == c["members"][0]["tenantId"]);
  CHECK(c["tenantId"] == c["members"][1]["tenantId"]);
}

TEST_CASE("Builder: misuse throws fakegraph::error and changes nothing", "[builder]") {
  fakegraph::graph g;
  // A failed first user leaves no tenant behind: later there is still exactly one.
  CHECK(error_id([&] { g.add_user(""); }) == "fakegraph.world.missing_field");
  g.add_tenant("Contoso");
  CHECK_NOTHROW(g.add_user("adele@contoso.com"));
  CHECK(error_id([&] { g.add_user("adele@contoso.com"); }) == "fakegraph.world.duplicate_id");
  g.add_user("megan@contoso.com");
  g.add_user("alex@contoso.com");

  // With two tenants, a user must name one.
  const std::string fabrikam = g.add_tenant("Fabrikam");
  CHECK(error_id([&] { g.add_user("kenji@fabrikam.com"); }) == "fakegraph.world.missing_field");
  CHECK_NOTHROW(g.add_user({"kenji@fabrikam.com", "Kenji", fabrikam}));

  try {
    g.add_chat({"adele@contoso.com", "nobody@contoso.com"});
    FAIL("no error");
  } catch (const fakegraph::error& e) {
    CHECK(e.id() == "fakegraph.world.unknown_user");
    CHECK_THAT(e.what(), fakegraph_test::contains_substring("add_chat.members[1].user"));
  }
  CHECK(error_id([&] {
          g.add_chat(fakegraph::chat_spec::one_on_one("adele@contoso.com", "adele@contoso.com"));
        }) == "fakegraph.world.duplicate_member");
  CHECK(error_id([&] { g.add_chat(fakegraph::chat_spec::group({"adele@contoso.com"})); }) ==
        "fakegraph.world.bad_roster");
  const std::string chat = g.add_chat({"adele@contoso.com", "megan@contoso.com"});
  CHECK(error_id([&] {
          g.add_chat({"adele@contoso.com", "megan@contoso.com"});
        }) == "fakegraph.world.duplicate_id");
  CHECK(error_id([&] {
          g.add_message(chat, {"alex@contoso.com", "not a member"});
        }) == "fakegraph.world.not_a_member");
  CHECK(error_id([&] {
          g.add_message("19:nope@thread.v2", {"adele@contoso.com", "hi"});
        }) == "fakegraph.world.unknown_chat");
  fakegraph::message_spec html{"adele@contoso.com", "<b>hi</b>"};
  html.content_type = "markdown";
  CHECK(error_id([&] { g.add_message(chat, html); }) == "fakegraph.world.bad_value");
  CHECK(error_id([&] { g.add_member(chat, {"alex@contoso.com"}); }) ==
        "fakegraph.world.bad_roster");
  CHECK(error_id([&] {
          g.add_token("t", fakegraph::delegated("nobody@contoso.com", {"Chat.Read"}));
        }) == "fakegraph.world.unknown_user");
  CHECK(error_id([&] { fakegraph::utc("yesterday"); }) == "fakegraph.world.bad_time");
  CHECK(error_id([&] { g.restore(fakegraph::world_snapshot{}); }) ==
        "fakegraph.world.empty_snapshot");
}

TEST_CASE("Builder: message defaults read the graph's clock and keep ids unique",
          "[builder][clock]") {
  auto g = fakegraph::graph::with_users({"adele@contoso.com", "megan@contoso.com"});
  const std::string chat = g.add_chat({"adele@contoso.com", "megan@contoso.com"});
  const fakegraph::timestamp now = g.clock().now();

  const std::string first = g.add_message(chat, {"adele@contoso.com", "one"});
  const std::string second = g.add_message(chat, {"megan@contoso.com", "two"});  // same instant
  CHECK(first == std::to_string(now));
  CHECK(second == std::to_string(now + 1));
  g.clock().advance(std::chrono::minutes(5));
  const std::string third = g.add_message(chat, {"adele@contoso.com", "three"});
  CHECK(third == std::to_string(now + 5 * 60000));
  // An explicit time is kept.
  const std::string old =
      g.add_message(chat, {"adele@contoso.com", "old", fakegraph::utc("2026-10-01T09:00:00Z")});
  CHECK(old == std::to_string(fakegraph::utc("2026-10-01T09:00:00Z")));

  CHECK(exported_ids(g, "adele@contoso.com") ==
        std::vector<std::string>{old, first, second, third});
  const auto r = get(g, "/v1.0/me/chats?$expand=lastMessagePreview", "adele@contoso.com");
  REQUIRE(r.status == 200);
  const json preview = r.json()["value"][0]["lastMessagePreview"];
  CHECK(preview["id"] == third);
  CHECK(preview["body"] == json{{"contentType", "text"}, {"content", "three"}});
  CHECK(preview["createdDateTime"] == "2026-11-01T12:05:00Z");
}

TEST_CASE("Builder: rich messages, system events and add_chat_message", "[builder]") {
  auto g =
      fakegraph::graph::with_users({"adele@contoso.com", "megan@contoso.com", "alex@contoso.com"});
  const std::string chat = g.add_chat(fakegraph::chat_spec::meeting(
      {"adele@contoso.com", "megan@contoso.com", "alex@contoso.com"}, "Review"));
  fakegraph::message_spec event;
  event.message_type = "systemEventMessage";
  event.event_detail = {{"@odata.type", "#microsoft.graph.chatRenamedEventMessageDetail"},
                        {"chatDisplayName", "Review"}};
  g.add_message(chat, event);
  fakegraph::message_spec deleted{"megan@contoso.com", "oops"};
  deleted.deleted = g.clock().now() + 1000;
  deleted.importance = "high";
  const std::string deleted_id = g.add_message(chat, deleted);
  fakegraph::chat_message raw;
  raw.from.type = fakegraph::message_sender::kind::application;
  raw.from.id = "bot-1";
  raw.from.display_name = "Helper bot";
  raw.body = {{"contentType", "html"}, {"content", "<p>hello</p>"}};
  const std::string bot_id = g.add_chat_message(chat, raw);

  const auto r = get(g, "/v1.0/users/adele@contoso.com/chats/getAllMessages", "app");
  REQUIRE(r.status == 200);
  const json v = r.json()["value"];
  REQUIRE(v.size() == 3);
  CHECK(v[0]["messageType"] ==
        "unknownFutureValue");  // systemEventMessage without the Prefer header
  CHECK(v[0]["from"].is_null());
  CHECK(v[0]["body"]["content"] == "<systemEventMessage/>");
  CHECK(v[1]["id"] == deleted_id);
  CHECK(v[1]["createdDateTime"] == "2026-11-01T12:00:00.001Z");  // 1 ms after the event
  CHECK(v[1]["deletedDateTime"] == "2026-11-01T12:00:01Z");
  CHECK(v[1]["lastModifiedDateTime"] == "2026-11-01T12:00:01Z");
  CHECK(v[1]["importance"] == "high");
  CHECK(v[2]["id"] == bot_id);
  CHECK(v[2]["from"]["application"]["displayName"] == "Helper bot");

  const auto chats = get(g, "/v1.0/me/chats", "adele@contoso.com").json()["value"];
  REQUIRE(chats.size() == 1);
  CHECK(chats[0]["chatType"] == "meeting");
  CHECK(chats[0]["onlineMeetingInfo"]["organizer"]["displayName"] == "adele");
  CHECK(chats[0]["onlineMeetingInfo"]["joinWebUrl"].get<std::string>().rfind(
            "https://teams.microsoft.com/l/meetup-join/19%3Ameeting_", 0) == 0);
}

TEST_CASE("Builder: add_member widens a chat and moves lastUpdatedDateTime", "[builder]") {
  auto g =
      fakegraph::graph::with_users({"adele@contoso.com", "megan@contoso.com", "lee@contoso.com"});
  const std::string chat =
      g.add_chat(fakegraph::chat_spec::group({"adele@contoso.com", "megan@contoso.com"}));
  const std::string before = g.add_message(chat, {"adele@contoso.com", "before Lee"});
  CHECK(ids_of(get(g, "/v1.0/me/chats", "lee@contoso.com")).empty());

  g.clock().advance(std::chrono::hours(1));
  fakegraph::chat_member lee{"lee@contoso.com"};
  lee.visible_history_start = g.clock().now();  // Lee sees only what comes after joining
  const std::string lee_id = g.add_member(chat, lee);
  const std::string after = g.add_message(chat, {"lee@contoso.com", "hi, I'm Lee"});

  CHECK(ids_of(get(g, "/v1.0/me/chats", "lee@contoso.com")) == std::vector<std::string>{chat});
  const json c = get(g, "/v1.0/me/chats?$expand=members", "adele@contoso.com").json()["value"][0];
  CHECK(c["lastUpdatedDateTime"] == "2026-11-01T13:00:00Z");
  REQUIRE(c["members"].size() == 3);
  CHECK(c["members"][2]["userId"] == lee_id);
  CHECK(c["members"][2]["visibleHistoryStartDateTime"] == "2026-11-01T13:00:00Z");
  CHECK(exported_ids(g, "lee@contoso.com") == std::vector<std::string>{after});
  CHECK(exported_ids(g, "adele@contoso.com") == std::vector<std::string>{before, after});
  CHECK(error_id([&] { g.add_member(chat, {"lee@contoso.com"}); }) ==
        "fakegraph.world.duplicate_member");
  CHECK(error_id([&] { g.add_member(chat, {"nobody@contoso.com"}); }) ==
        "fakegraph.world.unknown_user");
}

TEST_CASE("Builder: a token that expires on the graph's clock", "[builder][clock]") {
  auto g = fakegraph::graph::with_users({"adele@contoso.com"});
  auto t = fakegraph::delegated("adele@contoso.com", {"Chat.ReadBasic"});
  t.expires = g.clock().now() + 3600 * 1000;
  g.add_token("short-lived", t);
  CHECK(get(g, "/v1.0/me/chats", "short-lived").status == 200);
  g.clock().advance(std::chrono::minutes(59));
  CHECK(get(g, "/v1.0/me/chats", "short-lived").status == 200);
  g.clock().advance(std::chrono::minutes(1));
  const auto r = get(g, "/v1.0/me/chats", "short-lived");
  CHECK(r.status == 401);
  CHECK(r.json()["error"]["message"] == "Access token has expired or is not yet valid.");
}

TEST_CASE("Builder: calls on a live graph while other threads read it",
          "[builder][threads][concurrency]") {
  auto g =
      fakegraph::graph::with_users({"adele@contoso.com", "megan@contoso.com", "alex@contoso.com"});
  const std::string one = g.add_chat({"adele@contoso.com", "megan@contoso.com"});
  const std::string two = g.add_chat(
      fakegraph::chat_spec::group({"adele@contoso.com", "alex@contoso.com", "megan@contoso.com"}));
  constexpr int per_writer = 150;
  std::vector<std::string> last(2);
  std::atomic<int> bad{0};
  std::atomic<bool> done{false};
  auto writer = [&](int which) {
    const std::string& chat = which == 0 ? one : two;
    for (int i = 0; i < per_writer; ++i)
      last[static_cast<std::size_t>(which)] = g.add_message(
          chat, {which == 0 ? "megan@contoso.com" : "alex@contoso.com", "m" + std::to_string(i)});
  };
  auto reader = [&] {
    for (int i = 0; i < 100 || !done; ++i) {
      const auto r = get(g, "/v1.0/me/chats?$expand=lastMessagePreview", "adele@contoso.com");
      if (r.status != 200 || r.json()["value"].size() != 2) ++bad;
      if (i > 100000) break;
    }
  };
  std::thread r1(reader), r2(reader);
  std::thread w1(writer, 0), w2(writer, 1);
  w1.join();
  w2.join();
  done = true;
  r1.join();
  r2.join();
  CHECK(bad == 0);

  const auto ids = exported_ids(g, "adele@contoso.com");
  CHECK(ids.size() == 2 * per_writer);
  const json chats =
      get(g, "/v1.0/me/chats?$expand=lastMessagePreview", "adele@contoso.com").json()["value"];
  for (const auto& c : chats) CHECK(c["lastMessagePreview"]["id"] == last[c["id"] == one ? 0 : 1]);
}

TEST_CASE("Builder: reset() goes back to the seed, snapshot()/restore() to a moment",
          "[builder][reset]") {
  auto g = fakegraph_test::default_world();
  const auto seeded = ids_of(get(g, "/v1.0/me/chats?$top=50", "adele-read"));
  const fakegraph::timestamp seed_now = g.clock().now();

  const std::string extra = g.add_chat({"adele@contoso.com", "isaiah@contoso.com"});
  g.clock().advance(std::chrono::hours(48));
  g.faults().add(fakegraph::fault::bad_gateway().first(1));
  CHECK(get(g, "/v1.0/me/chats?$top=50", "adele-read").status == 502);
  CHECK(ids_of(get(g, "/v1.0/me/chats?$top=50", "adele-read")).size() == seeded.size() + 1);
  CHECK(g.journal().size() == 3);

  g.reset();
  CHECK(g.clock().now() == seed_now);
  CHECK(g.faults().size() == 0);
  CHECK(g.journal().size() == 0);
  CHECK(g.coverage().data().requests == 0);
  CHECK(ids_of(get(g, "/v1.0/me/chats?$top=50", "adele-read")) == seeded);

  // snapshot/restore: the world only.
  const fakegraph::world_snapshot before = g.snapshot();
  CHECK_FALSE(before.empty());
  g.add_chat({"adele@contoso.com", "isaiah@contoso.com"});
  g.clock().advance(std::chrono::hours(1));
  CHECK(ids_of(get(g, "/v1.0/me/chats?$top=50", "adele-read")).size() == seeded.size() + 1);
  g.restore(before);
  CHECK(ids_of(get(g, "/v1.0/me/chats?$top=50", "adele-read")) == seeded);
  CHECK(g.clock().now() == seed_now + 3600 * 1000);  // the clock is not part of a snapshot
  CHECK(g.journal().size() == 3);                    // nor is the journal
  (void)extra;

  // with_users: reset() returns to the two-line world, not to an empty one.
  auto w = fakegraph::graph::with_users({"adele@contoso.com", "megan@contoso.com"});
  w.add_chat({"adele@contoso.com", "megan@contoso.com"});
  w.clock().advance(std::chrono::hours(1));
  w.reset();
  CHECK(w.clock().now() == fakegraph::default_now);
  const auto r = get(w, "/v1.0/me/chats", "adele@contoso.com");
  CHECK(r.status == 200);
  CHECK(r.json()["value"].empty());
}

TEST_CASE("Builder: a snapshot keeps the evaluation quota's usage", "[builder][reset]") {
  json seed = {{"settings", {{"now", "2026-11-01T12:00:00Z"}, {"evaluationQuota", 2}}}};
  auto g = fakegraph::graph::from_json(seed);
  g.add_user("adele@contoso.com");
  g.add_user("megan@contoso.com");
  const std::string app = g.add_application({"Exporter"});
  g.add_token("app", fakegraph::app_only(app, {"Chat.Read.All"}));
  const std::string chat = g.add_chat({"adele@contoso.com", "megan@contoso.com"});
  g.add_message(chat, {"adele@contoso.com", "1"});
  g.add_message(chat, {"adele@contoso.com", "2"});
  const std::string url = "/v1.0/users/adele@contoso.com/chats/getAllMessages";

  const auto fresh = g.snapshot();
  CHECK(get(g, url, "app").status == 200);  // the month's 2 messages
  const auto spent = g.snapshot();
  CHECK(get(g, url, "app").status == 402);  // spent
  g.restore(fresh);
  CHECK(get(g, url, "app").status == 200);
  g.restore(spent);
  CHECK(get(g, url, "app").status == 402);
}
