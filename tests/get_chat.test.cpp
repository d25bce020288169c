// Get chat: GET /chats/{id}, /me/chats/{id}, /users/{id | upn}/chats/{id} (graph-semantics §10).
#include <fakegraph/fakegraph.hpp>

#include <nlohmann/json.hpp>  // nlohmann::json
#include "support/internals.hpp"

#include <string>  // std::string

#include "chat_world.hpp"
#include "support/catch.hpp"

using namespace chat_world;
using fakegraph_test::contains_substring;
using nlohmann::json;

namespace {

/// The chat as List chats gives it to the same caller, found by id.
json listed(const world& w, const std::string& list_url, const std::string& token,
            const std::string& chat) {
  const auto r = get(w.g, list_url, token);
  REQUIRE(r.status == 200);
  const json page = r.json();
  for (const json& item : page.at("value"))
    if (item.at("id") == chat) return item;
  FAIL("chat " << chat << " is not in " << list_url);
  return {};
}

}  // namespace

TEST_CASE("Get chat: the chat as List chats shows it, after its own context", "[get_chat]") {
  const world w = make();
  const std::string prefix = GENERATE(std::string("me/chats/"), std::string("chats/"),
                                      std::string("users/adele@contoso.com/chats/"));
  CAPTURE(prefix);
  const auto r = get(w.g, url(prefix, w.launch), "adele@contoso.com");
  REQUIRE(r.status == 200);
  json body = r.json();
  CHECK(body.at("@odata.context") == "https://graph.microsoft.com/v1.0/$metadata#chats/$entity");
  CHECK(body.at("topic") == "Launch");
  CHECK(body.contains("viewpoint"));  // delegated callers see their viewpoint
  body.erase("@odata.context");
  CHECK(body == listed(w, "/v1.0/me/chats", "adele@contoso.com", w.launch));
}

TEST_CASE("Get chat: $expand=members adds the members with their own context", "[get_chat]") {
  const world w = make();
  const auto r = get(w.g, url("me/chats/", w.launch, "?$expand=members"), "adele@contoso.com");
  REQUIRE(r.status == 200);
  json body = r.json();
  CHECK(body.at("@odata.context") ==
        "https://graph.microsoft.com/v1.0/$metadata#chats(members())/$entity");
  CHECK(body.at("members@odata.context") == "https://graph.microsoft.com/v1.0/$metadata#chats('" +
                                                fakegraph::detail::percent_encode(w.launch) +
                                                "')/members");
  CHECK_THAT(body.at("members@odata.context").get<std::string>(), contains_substring("19%3A"));
  REQUIRE(body.at("members").size() == 3);
  body.erase("@odata.context");
  body.erase("members@odata.context");
  CHECK(body == listed(w, "/v1.0/me/chats?$expand=members", "adele@contoso.com", w.launch));
}

TEST_CASE("Get chat: an application reads any chat of its tenant, without a viewpoint",
          "[get_chat]") {
  const world w = make();
  for (const std::string& path :
       {url("chats/", w.launch), url("users/adele@contoso.com/chats/", w.launch),
        url("users/megan@contoso.com/chats/", w.hidden), url("chats/", w.hidden)}) {
    CAPTURE(path);
    const auto r = get(w.g, path, "app-basic");
    REQUIRE(r.status == 200);
    CHECK_FALSE(r.json().contains("viewpoint"));
  }
}

TEST_CASE("Get chat: the chat key may be written chats('…') and percent-encoded", "[get_chat]") {
  const world w = make();
  const auto plain = get(w.g, url("me/chats/", w.launch), "adele@contoso.com");
  REQUIRE(plain.status == 200);
  for (const std::string& path :
       {"/v1.0/me/chats('" + w.launch + "')",
        "/v1.0/me/chats/" + fakegraph::detail::percent_encode(w.launch)}) {
    CAPTURE(path);
    const auto r = get(w.g, path, "adele@contoso.com");
    REQUIRE(r.status == 200);
    CHECK(r.json() == plain.json());
  }
}

TEST_CASE("Get chat: unknown chats and chats the user is not in are 404", "[get_chat]") {
  const world w = make();
  const auto unknown = get(w.g, "/v1.0/me/chats/19:nothing@thread.v2", "adele@contoso.com");
  CHECK(unknown.status == 404);
  CHECK(error_code(unknown) == "NotFound");
  CHECK(error_message(unknown) == "Chat '19:nothing@thread.v2' was not found.");
  for (const auto& [path, token] :
       {std::pair{url("me/chats/", w.hidden), std::string("adele@contoso.com")},
        std::pair{url("users/adele@contoso.com/chats/", w.hidden), std::string("app")}}) {
    CAPTURE(path, token);
    const auto r = get(w.g, path, token);
    CHECK(r.status == 404);
    CHECK(error_code(r) == "NotFound");
    CHECK_THAT(error_message(r), contains_substring("is not a member of chat"));
  }
}

TEST_CASE("Get chat: who may call", "[get_chat]") {
  world w = make();
  const std::string chat = url("me/chats/", w.launch);
  SECTION("each delegated scope of the table") {
    for (const char* scope : {"Chat.ReadBasic", "Chat.Read", "Chat.ReadWrite"}) {
      const std::string token = std::string("adele-") + scope;
      w.g.add_token(token, fakegraph::delegated("adele@contoso.com", {scope}));
      CHECK(get(w.g, chat, token).status == 200);
    }
  }
  SECTION("a delegated token without one is 403 naming what it holds") {
    const auto r = get(w.g, chat, "adele-user");
    CHECK(r.status == 403);
    CHECK(error_message(r) ==
          "Missing scope permissions on the request. API requires one of 'Chat.ReadBasic, "
          "Chat.Read, Chat.ReadWrite'. Scopes on the request 'User.Read'");
  }
  SECTION("an application without a role is 403 naming every accepted role") {
    const auto r = get(w.g, url("chats/", w.launch), "app-none");
    CHECK(r.status == 403);
    CHECK(error_message(r) ==
          "Missing role permissions on the request. API required one of 'Chat.Read.All, "
          "Chat.ReadBasic.All, Chat.ReadWrite.All, Chat.ReadBasic.WhereInstalled, "
          "Chat.Manage.Chat, ChatSettings.Read.Chat, ChatSettings.ReadWrite.Chat'. Roles on the "
          "request ''");
  }
  SECTION("an application on /me is 400") {
    const auto r = get(w.g, chat, "app");
    CHECK(r.status == 400);
    CHECK(error_message(r) == "/me request is only valid with delegated authentication flow.");
  }
  SECTION("a delegated caller naming another user is 403") {
    const auto r = get(w.g, url("users/megan@contoso.com/chats/", w.launch), "adele@contoso.com");
    CHECK(r.status == 403);
    CHECK(error_code(r) == "Forbidden");
  }
  SECTION("roles that hold where the app is installed reach only that chat") {
    CHECK(get(w.g, url("chats/", w.launch), "app-installed").status == 200);
    const auto r = get(w.g, url("chats/", w.hidden), "app-installed");
    CHECK(r.status == 403);
    CHECK_THAT(error_message(r), contains_substring("it is not installed in chat '" + w.hidden));
  }
}

TEST_CASE("Get chat: an application reaches a chat with a member of its tenant (§10)",
          "[get_chat]") {
  const world w = make();
  // Fabrikam's application: Pradeep is in the federated chat, nobody of Fabrikam in Launch.
  CHECK(get(w.g, url("chats/", w.federated), "fabrikam-app").status == 200);
  const auto r = get(w.g, url("chats/", w.launch), "fabrikam-app");
  CHECK(r.status == 403);
  CHECK(error_code(r) == "Forbidden");
  CHECK_THAT(error_message(r), contains_substring("none of its members belongs to it"));
  // Contoso's reaches the chat started in Fabrikam: Adele is in it.
  CHECK(get(w.g, url("chats/", w.fabrikam), "app").status == 200);
}

TEST_CASE("Get chat: query options", "[get_chat]") {
  const world w = make();
  const std::string chat = url("me/chats/", w.launch);
  const auto preview = get(w.g, chat + "?$expand=lastMessagePreview", "adele@contoso.com");
  CHECK(preview.status == 400);
  CHECK_THAT(error_message(preview),
             contains_substring("Expand is not allowed for property 'lastMessagePreview'"));
  const auto top = get(w.g, chat + "?$top=1", "adele@contoso.com");
  CHECK(top.status == 400);
  CHECK_THAT(error_message(top), contains_substring("Query option 'Top' is not allowed."));
  const auto other = get(w.g, chat + "?$expand=tabs", "adele@contoso.com");
  CHECK(other.status == 400);
}
