// List messages in a chat: GET /chats/{id}/messages and its /me and /users forms (§8).
#include <fakegraph/fakegraph.hpp>

#include <nlohmann/json.hpp>  // nlohmann::json
#include "support/internals.hpp"

#include <algorithm>  // std::sort
#include <chrono>     // std::chrono::minutes
#include <cstddef>    // std::size_t
#include <map>        // std::map
#include <optional>   // std::optional
#include <random>     // std::mt19937
#include <string>     // std::string
#include <utility>    // std::pair
#include <vector>     // std::vector

#include "chat_world.hpp"
#include "support/catch.hpp"

using namespace chat_world;
using Catch::Matchers::StartsWith;
using fakegraph_test::contains_substring;
using fakegraph_test::follow_links;
using nlohmann::json;

namespace {

std::vector<std::string> ids(const world& w, std::initializer_list<int> indexes) {
  std::vector<std::string> out;
  for (const int i : indexes) out.push_back(w.launch_messages[static_cast<std::size_t>(i)]);
  return out;
}

std::string messages(const world& w, const std::string& query = {}) {
  return url("me/chats/", w.launch, "/messages" + query);
}

}  // namespace

TEST_CASE("Chat messages: newest lastModifiedDateTime first, items as getAllMessages writes them",
          "[list_chat_messages]") {
  const world w = make();
  const auto r = get(w.g, messages(w), "adele@contoso.com");
  REQUIRE(r.status == 200);
  const json page = r.json();
  CHECK(page.at("@odata.context") == "https://graph.microsoft.com/v1.0/$metadata#chats('" +
                                         fakegraph::detail::percent_encode(w.launch) +
                                         "')/messages");
  CHECK(page.at("@odata.count") == 5);
  CHECK_FALSE(page.contains("@odata.nextLink"));
  CHECK(ids_of(page) == ids(w, {1, 4, 3, 2, 0}));  // m1 was edited last

  const auto exported =
      get(w.g, "/v1.0/users/adele@contoso.com/chats/getAllMessages?model=B&$top=50", "app");
  REQUIRE(exported.status == 200);
  const json all = exported.json();
  for (const json& item : page.at("value")) {
    CHECK_FALSE(item.contains("@odata.type"));
    bool found = false;
    for (const json& e : all.at("value"))
      if (e.at("id") == item.at("id") && e.at("chatId") == w.launch) {
        CHECK(untyped(e) == item);
        found = true;
      }
    CHECK(found);
  }
}

TEST_CASE("Chat messages: every route form and caller sees the same page", "[list_chat_messages]") {
  const world w = make();
  const auto expected = ids_of(get(w.g, messages(w), "adele@contoso.com"));
  for (const auto& [path, token] :
       {std::pair{url("chats/", w.launch, "/messages"), std::string("adele@contoso.com")},
        std::pair{url("users/adele@contoso.com/chats/", w.launch, "/messages"),
                  std::string("adele@contoso.com")},
        std::pair{url("chats/", w.launch, "/messages"), std::string("app")},
        std::pair{url("users/megan@contoso.com/chats/", w.launch, "/messages"),
                  std::string("app")}}) {
    CAPTURE(path, token);
    const auto r = get(w.g, path, token);
    REQUIRE(r.status == 200);
    CHECK(ids_of(r) == expected);
  }
}

TEST_CASE("Chat messages: $orderby takes lastModifiedDateTime or createdDateTime, descending",
          "[list_chat_messages]") {
  const world w = make();
  CHECK(ids_of(get(w.g, messages(w, "?$orderby=createdDateTime desc"), "adele@contoso.com")) ==
        ids(w, {4, 3, 2, 1, 0}));
  CHECK(ids_of(get(w.g, messages(w, "?$orderby=lastModifiedDateTime desc"), "adele@contoso.com")) ==
        ids(w, {1, 4, 3, 2, 0}));
  const auto asc = get(w.g, messages(w, "?$orderby=createdDateTime asc"), "adele@contoso.com");
  CHECK(asc.status == 400);
  CHECK_THAT(error_message(asc), StartsWith("Ascending direction is not supported."));
  const auto other = get(w.g, messages(w, "?$orderby=subject desc"), "adele@contoso.com");
  CHECK(other.status == 400);
  CHECK(error_message(other) ==
        "Ordering by 'subject' is not supported. Supported: $orderby=lastModifiedDateTime desc or "
        "createdDateTime desc.");
}

TEST_CASE("Chat messages: $filter applies on the property the order uses (§8)",
          "[list_chat_messages]") {
  const world w = make();
  const std::string after_m3 = "2026-10-01T09:04:30Z";   // between m3 and m4
  const std::string before_m2 = "2026-10-01T09:02:30Z";  // between m1 and m2 (created)
  SECTION("lastModifiedDateTime gt works without $orderby") {
    CHECK(ids_of(get(w.g, messages(w, "?$filter=lastModifiedDateTime gt " + after_m3),
                     "adele@contoso.com")) == ids(w, {1, 4}));
    CHECK(ids_of(get(w.g, messages(w, "?$filter=lastModifiedDateTime lt " + after_m3),
                     "adele@contoso.com")) == ids(w, {3, 2, 0}));
  }
  SECTION("createdDateTime lt needs $orderby=createdDateTime, else it is ignored") {
    CHECK(ids_of(get(w.g, messages(w, "?$filter=createdDateTime lt " + before_m2),
                     "adele@contoso.com")) == ids(w, {1, 4, 3, 2, 0}));
    CHECK(ids_of(get(
              w.g,
              messages(w, "?$orderby=createdDateTime desc&$filter=createdDateTime lt " + before_m2),
              "adele@contoso.com")) == ids(w, {1, 0}));
  }
  SECTION("a lastModifiedDateTime filter under $orderby=createdDateTime is ignored") {
    CHECK(ids_of(get(w.g,
                     messages(w, "?$orderby=createdDateTime desc&$filter=lastModifiedDateTime gt " +
                                     after_m3),
                     "adele@contoso.com")) == ids(w, {4, 3, 2, 1, 0}));
  }
  SECTION("operators Graph refuses") {
    for (const auto& [filter, kind] :
         {std::pair{"createdDateTime gt " + before_m2, std::string("GreaterThan")},
          std::pair{"createdDateTime le " + before_m2, std::string("LessThanOrEqual")},
          std::pair{"lastModifiedDateTime eq " + before_m2, std::string("Equal")}}) {
      CAPTURE(filter);
      const auto r = get(w.g, messages(w, "?$filter=" + filter), "adele@contoso.com");
      CHECK(r.status == 400);
      CHECK_THAT(error_message(r),
                 StartsWith("The entity property '" + filter.substr(0, filter.find(' ')) +
                            "' and operationKind '" + kind + "' is not allowed in $filter query."));
    }
    const auto both = get(w.g,
                          messages(w, "?$filter=lastModifiedDateTime gt " + after_m3 +
                                          " and createdDateTime lt " + before_m2),
                          "adele@contoso.com");
    CHECK(both.status == 400);
    const auto other = get(w.g, messages(w, "?$filter=subject eq 'x'"), "adele@contoso.com");
    CHECK(other.status == 400);
    CHECK_THAT(error_message(other), contains_substring("no filterable property 'subject'"));
  }
}

TEST_CASE("Chat messages: $top pages with nextLinks, at most 50", "[list_chat_messages]") {
  const world w = make();
  const auto walk = follow_links(w.g, messages(w, "?$top=2"), "adele@contoso.com");
  REQUIRE(walk.last.status == 200);
  CHECK(walk.ids() == ids(w, {1, 4, 3, 2, 0}));
  CHECK(walk.page_sizes == std::vector<std::size_t>{2, 2, 1});
  const auto created =
      follow_links(w.g, messages(w, "?$top=2&$orderby=createdDateTime desc"), "adele@contoso.com");
  CHECK(created.ids() == ids(w, {4, 3, 2, 1, 0}));

  const auto over = get(w.g, messages(w, "?$top=51"), "adele@contoso.com");
  CHECK(over.status == 400);
  CHECK_THAT(error_message(over), contains_substring("The limit of '50' for Top query"));

  const auto first = get(w.g, messages(w, "?$top=2"), "adele@contoso.com").json();
  std::string link = first.at("@odata.nextLink").get<std::string>();
  link.back() = link.back() == '0' ? '1' : '0';
  const auto tampered = get(w.g, link, "adele@contoso.com");
  CHECK(tampered.status == 400);
  CHECK(error_message(tampered) == "Invalid continuation token");
  const auto foreign = get(w.g, first.at("@odata.nextLink").get<std::string>(), "app");
  CHECK(foreign.status == 400);
}

TEST_CASE("Chat messages: a walk is exact while messages are added", "[list_chat_messages]") {
  world w = make();
  const json first = get(w.g, messages(w, "?$top=2"), "adele@contoso.com").json();
  CHECK(ids_of(first) == ids(w, {1, 4}));
  const std::string added = w.g.add_message(w.launch, {"megan@contoso.com", "late"});
  const auto rest =
      follow_links(w.g, first.at("@odata.nextLink").get<std::string>(), "adele@contoso.com");
  CHECK(rest.ids() == ids(w, {3, 2, 0}));  // the new message is not in the walk it began after
  CHECK(ids_of(get(w.g, messages(w, "?$top=1"), "adele@contoso.com")) ==
        std::vector<std::string>{added});
}

TEST_CASE("Chat messages: a message edited during a walk keeps its place in that walk",
          "[list_chat_messages]") {
  world w = make();
  const json first = get(w.g, messages(w, "?$top=2"), "adele@contoso.com").json();
  REQUIRE(ids_of(first) == ids(w, {1, 4}));
  // m0, the oldest by lastModifiedDateTime, becomes the newest; m4, already sent, moves too.
  w.g.edit_message(w.launch, w.launch_messages[0], "edited");
  w.g.clock().advance(std::chrono::minutes(1));
  w.g.add_reaction(w.launch, w.launch_messages[4], "megan@contoso.com");
  const auto rest =
      follow_links(w.g, first.at("@odata.nextLink").get<std::string>(), "adele@contoso.com");
  REQUIRE(rest.ids() == ids(w, {3, 2, 0}));  // each message of the walk once, in its old place
  CHECK(rest.items.back().at("body").at("content") == "edited");  // shown as it is now
  CHECK(ids_of(get(w.g, messages(w), "adele@contoso.com")) == ids(w, {4, 0, 1, 3, 2}));
}

TEST_CASE("Chat messages: a member sees them from their visible history on",
          "[list_chat_messages]") {
  const world w = make();
  CHECK(ids_of(get(w.g, messages(w), "lee@contoso.com")) == ids(w, {4, 3, 2}));
  CHECK(ids_of(get(w.g, url("users/lee@contoso.com/chats/", w.launch, "/messages"), "app")) ==
        ids(w, {4, 3, 2}));
}

TEST_CASE("Chat messages: system events follow the Prefer rule, deleted messages stay",
          "[list_chat_messages]") {
  world w = make();
  fakegraph::message_spec event;
  event.message_type = "systemEventMessage";
  event.created = t0 + 30 * 1000;
  const std::string event_id = w.g.add_message(w.launch, event);
  fakegraph::message_spec gone{"adele@contoso.com", "", t0 + 6 * minute};
  gone.deleted = t0 + 7 * minute;
  const std::string gone_id = w.g.add_message(w.launch, gone);

  const json page = get(w.g, messages(w), "adele@contoso.com").json();
  REQUIRE(page.at("value").size() == 7);
  CHECK(page.at("value").at(1).at("id") == gone_id);  // after m1, edited at 09:10
  CHECK(page.at("value").at(1).at("deletedDateTime") == "2026-10-01T09:07:00Z");
  CHECK(page.at("value").at(6).at("id") == event_id);
  CHECK(page.at("value").at(6).at("messageType") == "unknownFutureValue");
  const json preferred =
      get(w.g, messages(w), "adele@contoso.com", {{"Prefer", "include-unknown-enum-members"}})
          .json();
  CHECK(preferred.at("value").at(6).at("messageType") == "systemEventMessage");
}

TEST_CASE("Chat messages: who may call", "[list_chat_messages]") {
  const world w = make();
  const auto basic = get(w.g, messages(w), "adele-basic");
  CHECK(basic.status == 403);
  CHECK(error_message(basic) ==
        "Missing scope permissions on the request. API requires one of 'Chat.Read, "
        "Chat.ReadWrite'. Scopes on the request 'Chat.ReadBasic'");
  const auto app_basic = get(w.g, url("chats/", w.launch, "/messages"), "app-basic");
  CHECK(app_basic.status == 403);
  CHECK(error_message(app_basic) ==
        "Missing role permissions on the request. API required one of 'Chat.Read.All, "
        "Chat.ReadWrite.All, ChatMessage.Read.Chat'. Roles on the request 'Chat.ReadBasic.All'");
  CHECK(get(w.g, url("chats/", w.launch, "/messages"), "app-installed").status == 200);
  CHECK(get(w.g, url("chats/", w.hidden, "/messages"), "app-installed").status == 403);
  CHECK(get(w.g, url("me/chats/", w.hidden, "/messages"), "adele@contoso.com").status == 404);
  // Messages are read from the tenant the chat was started in (§8).
  CHECK(get(w.g, url("chats/", w.federated, "/messages"), "app").status == 200);
  CHECK(get(w.g, url("chats/", w.federated, "/messages"), "fabrikam-app").status == 403);
}

namespace {

using fakegraph::timestamp;

// What a walk should give: `items` (getAllMessages' items of the chat, as they were when the
// walk began) ordered by `key` newest first, then id, those outside (lo, hi) left out.
std::vector<std::string> expected_walk(const std::vector<json>& items, const char* key,
                                       std::optional<timestamp> lo, std::optional<timestamp> hi) {
  std::vector<std::pair<timestamp, std::string>> rows;
  for (const json& item : items) {
    const timestamp t = fakegraph::utc(item.at(key).get<std::string>());
    if ((lo && t <= *lo) || (hi && t >= *hi)) continue;
    rows.emplace_back(t, item.at("id").get<std::string>());
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<std::string> out;
  for (const auto& row : rows) out.push_back(row.second);
  return out;
}

// A chat's messages in random changes: `step()` moves the clock 5 s on and adds a message
// (sent at a random earlier minute), or edits, reacts to or deletes one whose last change is
// not later than the clock (messages may have been sent after it: then a change moves a
// message into the middle of the lastModifiedDateTime order, not to its newest end).
struct churn {
  churn(fakegraph::graph& g_, std::string chat_, timestamp first_sent_)
      : g(g_), chat(std::move(chat_)), first_sent(first_sent_) {}

  fakegraph::graph& g;
  std::string chat;
  timestamp first_sent;
  std::mt19937 rng{20261202};
  std::map<std::string, timestamp> last_change;  // of every message not deleted
  int added = 0;

  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(rng() % n); }
  void add(timestamp sent) {
    fakegraph::message_spec m{pick(2) ? "adele@contoso.com" : "megan@contoso.com",
                              "message " + std::to_string(added), sent};
    m.id = "m" + std::to_string(added++);
    last_change[g.add_message(chat, m)] = sent;
  }
  void step() {
    g.clock().advance(std::chrono::seconds(5));
    const timestamp now = g.clock().now();
    std::vector<std::string> changeable;
    for (const auto& [id, t] : last_change)
      if (t <= now) changeable.push_back(id);
    const std::size_t op = changeable.empty() ? 0 : pick(4);
    if (op == 0) {  // sent at a whole minute, so that times are shared and ids decide
      add(first_sent +
          static_cast<timestamp>(pick(static_cast<std::size_t>((now - first_sent) / minute))) *
              minute);
      return;
    }
    const std::string id = changeable[pick(changeable.size())];
    if (op == 3 && last_change.size() > 1) {
      g.delete_message(chat, id);
      last_change.erase(id);
      return;
    }
    if (op == 1)
      g.edit_message(chat, id, "edited at " + fakegraph::format_time(now));
    else
      g.add_reaction(chat, id, pick(2) ? "adele@contoso.com" : "megan@contoso.com",
                     pick(2) ? "like" : "heart");
    last_change[id] = now;
  }
};

}  // namespace

TEST_CASE("Chat messages: a walk under changes gives what the chat held when it began, in order",
          "[list_chat_messages]") {
  fakegraph::graph g;
  const timestamp start = fakegraph::utc("2026-10-01T09:00:00Z");
  g.clock().set(start + 30 * minute);  // half the messages are sent after it
  for (const char* upn : {"adele@contoso.com", "megan@contoso.com", "lee@contoso.com"}) {
    g.add_user({upn});
    g.add_token(upn, fakegraph::delegated(upn, {"Chat.Read"}));
  }
  g.add_token("app", fakegraph::app_only(g.add_application("Exporter"), {"Chat.Read.All"}));
  auto spec = fakegraph::chat_spec::group(
      {"adele@contoso.com", "megan@contoso.com", "lee@contoso.com"}, "Walks");
  spec.created = start - 24 * 60 * minute;
  spec.members[2].visible_history_start = start + 30 * minute;  // Lee sees the later half
  churn c(g, g.add_chat(spec), start);
  for (int i = 0; i < 150; ++i) c.add(start + static_cast<timestamp>(c.pick(60)) * minute);
  for (int i = 0; i < 20; ++i) c.step();

  const std::string lo = "2026-10-01T09:20:00Z", hi = "2026-10-01T11:00:00Z";
  struct walk {
    const char* token;
    std::string query;
    const char* key;  // the order's property
    std::optional<timestamp> lo, hi;
  };
  const std::vector<walk> walks = {
      {"app", "?$top=7", "lastModifiedDateTime", {}, {}},
      {"adele@contoso.com", "?$top=5&$orderby=createdDateTime desc", "createdDateTime", {}, {}},
      {"lee@contoso.com", "?$top=3", "lastModifiedDateTime", {}, {}},
      {"lee@contoso.com", "?$top=4&$orderby=createdDateTime desc", "createdDateTime", {}, {}},
      {"app",
       "?$top=6&$filter=lastModifiedDateTime gt " + lo + " and lastModifiedDateTime lt " + hi,
       "lastModifiedDateTime", fakegraph::utc(lo), fakegraph::utc(hi)},
      {"app",
       "?$top=5&$orderby=createdDateTime desc&$filter=createdDateTime lt " + lo,
       "createdDateTime",
       {},
       fakegraph::utc(lo)},
      {"megan@contoso.com", "?$top=50", "lastModifiedDateTime", {}, {}},
  };
  for (const walk& w : walks) {
    CAPTURE(w.token, w.query);
    // The chat as the walk's reader sees it when it begins, through another endpoint.
    const std::string reader = std::string(w.token) == "app" ? "adele@contoso.com" : w.token;
    const auto now =
        follow_links(g, "/v1.0/users/" + reader + "/chats/getAllMessages?model=B&$top=50", "app");
    REQUIRE(now.last.status == 200);
    const std::vector<std::string> expected = expected_walk(now.items, w.key, w.lo, w.hi);
    REQUIRE(expected.size() > 10);

    std::vector<std::string> got;
    std::string link =
        url(w.token == std::string("app") ? "chats/" : "me/chats/", c.chat, "/messages" + w.query);
    for (int page = 0; page < 1000 && !link.empty(); ++page) {
      const auto r = get(g, link, w.token);
      REQUIRE(r.status == 200);
      const json body = r.json();
      for (const std::string& id : ids_of(body)) got.push_back(id);
      link = body.value("@odata.nextLink", "");
      for (int i = 0; i < 3; ++i) c.step();  // changes between pages
    }
    CHECK(got == expected);
  }
}

TEST_CASE("Chat messages: a seed's messages in any order page in order", "[list_chat_messages]") {
  std::mt19937 rng(7);
  json messages = json::array();
  const timestamp start = fakegraph::utc("2026-10-01T09:00:00Z");
  for (int i = 0; i < 60; ++i) {
    const timestamp sent = start + static_cast<timestamp>(rng() % 20) * minute;
    json m = {{"id", "s" + std::to_string(i)},
              {"from", {{"user", "adele@contoso.com"}}},
              {"createdDateTime", fakegraph::format_time(sent)},
              {"body", {{"contentType", "text"}, {"content", "seeded"}}}};
    if (rng() % 2)
      m["lastModifiedDateTime"] =
          fakegraph::format_time(sent + static_cast<timestamp>(rng() % 30) * minute);
    messages.push_back(m);
  }
  const json seed = {
      {"settings", {{"now", "2026-10-02T12:00:00Z"}, {"metering", "none"}}},
      {"tenants", {{{"id", "b33cbe9f-8ebe-4f2a-912b-7e2a427f477f"}, {"displayName", "Contoso"}}}},
      {"users",
       {{{"id", "8b081ef6-4792-4def-b2c9-c363a1bf41d5"},
         {"userPrincipalName", "adele@contoso.com"},
         {"displayName", "Adele Vance"}},
        {{"id", "0b1c6a96-b1f5-4ab2-8f4a-a46764e29b77"},
         {"userPrincipalName", "megan@contoso.com"},
         {"displayName", "Megan Bowen"}}}},
      {"chats",
       {{{"id", "19:0123456789abcdef0123456789abcdef@thread.v2"},
         {"chatType", "group"},
         {"topic", "Seeded"},
         {"createdDateTime", "2026-10-01T08:00:00Z"},
         {"members", {{{"user", "adele@contoso.com"}}, {{"user", "megan@contoso.com"}}}},
         {"messages", messages}}}},
      {"applications",
       {{{"appId", "5d5f3b1c-7a1e-4c1a-9b1e-2f6a0c9d1e01"}, {"displayName", "Exporter"}}}},
      {"tokens",
       {{{"token", "adele"}, {"user", "adele@contoso.com"}, {"scopes", {"Chat.Read"}}},
        {{"token", "app"},
         {"application", "5d5f3b1c-7a1e-4c1a-9b1e-2f6a0c9d1e01"},
         {"roles", {"Chat.Read.All"}}}}}};
  const auto g = fakegraph::graph::from_json(seed);
  const std::string path = "/v1.0/me/chats/19:0123456789abcdef0123456789abcdef@thread.v2/messages";
  const auto all =
      follow_links(g, "/v1.0/users/adele@contoso.com/chats/getAllMessages?$top=50", "app");
  REQUIRE(all.items.size() == 60);
  CHECK(follow_links(g, path + "?$top=7", "adele").ids() ==
        expected_walk(all.items, "lastModifiedDateTime", {}, {}));
  CHECK(follow_links(g, path + "?$top=7&$orderby=createdDateTime desc", "adele").ids() ==
        expected_walk(all.items, "createdDateTime", {}, {}));
}
