// List messages in a chat: GET /chats/{id}/messages and its /me and /users forms (§8).
#include <fakegraph/fakegraph.hpp>

#include <nlohmann/json.hpp>  // nlohmann::json
#include "support/internals.hpp"

#include <chrono>  // std::chrono::minutes
#include <string>  // std::string
#include <vector>  // std::vector

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
