// Get chatMessage in a chat: GET /chats/{id}/messages/{id} and its /me and /users forms (§9).
#include <fakegraph/fakegraph.hpp>

#include <nlohmann/json.hpp>  // nlohmann::json
#include "support/internals.hpp"

#include <string>  // std::string

#include "chat_world.hpp"
#include "support/catch.hpp"

using namespace chat_world;
using fakegraph_test::contains_substring;
using nlohmann::json;

TEST_CASE("Get message: the message as the chat's list writes it, after its own context",
          "[get_chat_message]") {
  const world w = make();
  const json list = get(w.g, url("me/chats/", w.launch, "/messages"), "adele@contoso.com").json();
  for (const json& item : list.at("value")) {
    const std::string id = item.at("id").get<std::string>();
    for (const auto& [path, token] :
         {std::pair{url("me/chats/", w.launch, "/messages/" + id),
                    std::string("adele@contoso.com")},
          std::pair{url("chats/", w.launch, "/messages/" + id), std::string("app")},
          std::pair{url("users/adele@contoso.com/chats/", w.launch, "/messages('" + id + "')"),
                    std::string("app")}}) {
      CAPTURE(path, token);
      const auto r = get(w.g, path, token);
      REQUIRE(r.status == 200);
      json body = r.json();
      CHECK(body.at("@odata.context") == "https://graph.microsoft.com/v1.0/$metadata#chats('" +
                                             fakegraph::detail::percent_encode(w.launch) +
                                             "')/messages/$entity");
      body.erase("@odata.context");
      CHECK(body == item);
    }
  }
}

TEST_CASE("Get message: unknown messages, and those before the visible history, are 404",
          "[get_chat_message]") {
  const world w = make();
  const auto unknown = get(w.g, url("me/chats/", w.launch, "/messages/1"), "adele@contoso.com");
  CHECK(unknown.status == 404);
  CHECK(error_code(unknown) == "NotFound");
  CHECK(error_message(unknown) == "Message '1' was not found in chat '" + w.launch + "'.");
  const std::string m0 = w.launch_messages[0];
  const std::string m2 = w.launch_messages[2];
  CHECK(get(w.g, url("me/chats/", w.launch, "/messages/" + m0), "lee@contoso.com").status == 404);
  CHECK(get(w.g, url("me/chats/", w.launch, "/messages/" + m2), "lee@contoso.com").status == 200);
  CHECK(get(w.g, url("me/chats/", w.hidden, "/messages/" + m0), "adele@contoso.com").status == 404);
}

TEST_CASE("Get message: no OData options, the message permissions", "[get_chat_message]") {
  const world w = make();
  const std::string one = url("me/chats/", w.launch, "/messages/" + w.launch_messages[1]);
  const auto select = get(w.g, one + "?$select=id", "adele@contoso.com");
  CHECK(select.status == 400);
  CHECK_THAT(error_message(select), contains_substring("Query option 'Select' is not allowed."));
  CHECK(get(w.g, one, "adele-basic").status == 403);
  CHECK(get(w.g, url("chats/", w.launch, "/messages/" + w.launch_messages[1]), "app-installed")
            .status == 200);
}
