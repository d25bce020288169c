// List members of a chat: GET /chats/{id}/members and its /me and /users forms (§11).
#include <fakegraph/fakegraph.hpp>

#include <nlohmann/json.hpp>  // nlohmann::json
#include "support/internals.hpp"

#include <string>  // std::string

#include "chat_world.hpp"
#include "support/catch.hpp"

using namespace chat_world;
using fakegraph_test::contains_substring;
using nlohmann::json;

TEST_CASE("List members: every member in one page, as Get chat expands them",
          "[list_chat_members]") {
  const world w = make();
  const auto chat = get(w.g, url("me/chats/", w.launch, "?$expand=members"), "adele@contoso.com");
  REQUIRE(chat.status == 200);
  const std::string encoded = fakegraph::detail::percent_encode(w.launch);

  const auto me = get(w.g, url("me/chats/", w.launch, "/members"), "adele@contoso.com");
  REQUIRE(me.status == 200);
  const json page = me.json();
  // The context names the user by id, for /me too (the documented example does).
  CHECK(page.at("@odata.context") == "https://graph.microsoft.com/v1.0/$metadata#users('" +
                                         w.adele_id + "')/chats('" + encoded + "')/members");
  CHECK(page.at("@odata.count") == 3);
  CHECK(page.at("value") == chat.json().at("members"));
  CHECK_FALSE(page.contains("@odata.nextLink"));

  const auto app = get(w.g, url("chats/", w.launch, "/members"), "app");
  REQUIRE(app.status == 200);
  CHECK(app.json().at("@odata.context") ==
        "https://graph.microsoft.com/v1.0/$metadata#chats('" + encoded + "')/members");
  CHECK(app.json().at("value") == page.at("value"));
}

TEST_CASE("List members: OData options are refused in ASP.NET's words", "[list_chat_members]") {
  const world w = make();
  for (const char* option : {"$top=2", "$filter=roles/any(r:r eq 'owner')", "$select=id"}) {
    CAPTURE(option);
    const auto r = get(w.g, url("me/chats/", w.launch, "/members?") + option, "adele@contoso.com");
    CHECK(r.status == 400);
    CHECK_THAT(error_message(r),
               contains_substring("The query specified in the URI is not valid. Query option '"));
    CHECK_THAT(error_message(r), contains_substring("' is not allowed."));
  }
  const auto top = get(w.g, url("me/chats/", w.launch, "/members?$top=2"), "adele@contoso.com");
  CHECK_THAT(error_message(top), contains_substring("Query option 'Top' is not allowed."));
}

TEST_CASE("List members: who may call", "[list_chat_members]") {
  const world w = make();
  const std::string members = url("me/chats/", w.launch, "/members");
  CHECK(get(w.g, members, "adele-basic").status == 200);
  CHECK(get(w.g, members, "adele-member").status == 200);  // ChatMember.Read
  const auto user_read = get(w.g, members, "adele-user");
  CHECK(user_read.status == 403);
  CHECK(error_message(user_read) ==
        "Missing scope permissions on the request. API requires one of 'Chat.ReadBasic, "
        "ChatMember.ReadWrite, Chat.Read, Chat.ReadWrite, ChatMember.Read'. Scopes on the request "
        "'User.Read'");
  CHECK(get(w.g, url("chats/", w.launch, "/members"), "app-installed").status == 200);
  CHECK(get(w.g, url("chats/", w.hidden, "/members"), "app-installed").status == 403);
  CHECK(get(w.g, url("me/chats/", w.hidden, "/members"), "adele@contoso.com").status == 404);
}

TEST_CASE("List members: the roster rule of federation (§11)", "[list_chat_members]") {
  const world w = make();
  // A oneOnOne chat: one member in the caller's tenant is enough.
  CHECK(get(w.g, url("chats/", w.federated, "/members"), "fabrikam-app").status == 200);
  CHECK(get(w.g, url("chats/", w.federated, "/members"), "app").status == 200);
  // A group chat: only the tenant it was started in, though Get chat reaches it.
  const auto started_there = get(w.g, url("chats/", w.fabrikam, "/members"), "app");
  CHECK(started_there.status == 403);
  CHECK_THAT(error_message(started_there), contains_substring("it was started in tenant"));
  CHECK(get(w.g, url("chats/", w.fabrikam), "app").status == 200);
  CHECK(get(w.g, url("chats/", w.fabrikam, "/members"), "fabrikam-app").status == 200);
}
