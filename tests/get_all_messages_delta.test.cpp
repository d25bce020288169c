// chatMessage delta: GET /users/{id | upn}/chats/getAllMessages/delta (graph-semantics §7):
// rounds, links and tokens, what a delta_round returns, options, refusals, and exactness while
// another thread changes the world.
#include <fakegraph/fakegraph.hpp>

#include <nlohmann/json.hpp>  // nlohmann::json
#include "support/internals.hpp"

#include <atomic>  // std::atomic
#include <chrono>  // std::chrono::hours, std::chrono::seconds
#include <map>     // std::map
#include <set>     // std::set
#include <string>  // std::string
#include <thread>  // std::thread
#include <vector>  // std::vector

#include "chat_world.hpp"
#include "support/catch.hpp"

using namespace chat_world;
using Catch::Matchers::StartsWith;
using fakegraph_test::contains_substring;
using nlohmann::json;

namespace {

/// A message's key: message ids are unique only within their chat.
std::string key_of(const json& item) {
  return item.at("chatId").get<std::string>() + " " + item.at("id").get<std::string>();
}

const std::string delta_url = "/v1.0/users/adele@contoso.com/chats/getAllMessages/delta";

/// One round: its pages' items, its page count, and the deltaLink that ends it.
struct delta_round {
  std::vector<json> items;
  std::size_t pages = 0;
  std::string delta_link;

  std::multiset<std::string> ids() const {
    std::multiset<std::string> out;
    for (const json& i : items) out.insert(i.at("id").get<std::string>());
    return out;
  }
};

delta_round walk_round(const fakegraph::graph& g, std::string url,
                       const std::string& token = "app") {
  delta_round r;
  for (;;) {
    const auto answer = get(g, url, token);
    REQUIRE(answer.status == 200);
    const json page = answer.json();
    CHECK_FALSE(page.contains("@odata.count"));
    CHECK(page.contains("@odata.nextLink") != page.contains("@odata.deltaLink"));
    ++r.pages;
    for (const json& item : page.at("value")) r.items.push_back(item);
    if (page.contains("@odata.deltaLink")) {
      r.delta_link = page.at("@odata.deltaLink").get<std::string>();
      return r;
    }
    url = page.at("@odata.nextLink").get<std::string>();
  }
}

std::multiset<std::string> set_of(std::initializer_list<std::string> ids) { return ids; }

/// getAllMessages' items of Adele's chats, by id, as delta writes them (§7.4).
std::map<std::string, json> exported_as_delta(const fakegraph::graph& g) {
  const auto walk = fakegraph_test::follow_links(
      g, "/v1.0/users/adele@contoso.com/chats/getAllMessages?model=B&$top=50", "app");
  REQUIRE(walk.last.status == 200);
  std::map<std::string, json> out;
  for (json item : walk.items) {
    item.erase("@odata.type");
    item.erase("messageHistory");
    if (item.at("subject").is_null()) item["subject"] = "";
    if (item.at("from").is_object() && item.at("from").at("user").is_object()) {
      json user = {{"@odata.type", "#microsoft.graph.teamworkUserIdentity"}};
      user.update(item.at("from").at("user"));
      item["from"]["user"] = user;
    }
    out[key_of(item)] = item;
  }
  return out;
}

}  // namespace

TEST_CASE("Delta: the first round pages through every message, then a deltaLink",
          "[getAllMessagesDelta]") {
  const world w = make();
  const delta_round first = walk_round(w.g, delta_url + "?$top=2");
  CHECK(first.pages == 3);
  CHECK(first.items.size() == 6);  // Launch's five and the federated chat's one
  const auto exported = exported_as_delta(w.g);
  for (const json& item : first.items) {
    CAPTURE(item);
    CHECK(item == exported.at(key_of(item)));
  }
  std::set<std::string> keys;
  for (const json& item : first.items) CHECK(keys.insert(key_of(item)).second);
  CHECK_THAT(first.delta_link, StartsWith("https://graph.microsoft.com/v1.0/users/" + w.adele_id +
                                          "/chats/getAllMessages/delta?$deltatoken="));

  const auto page = get(w.g, delta_url, "app").json();
  CHECK(page.at("@odata.context") ==
        "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.chatMessage)");
}

TEST_CASE("Delta: a round without changes is one empty page with a new deltaLink",
          "[getAllMessagesDelta]") {
  const world w = make();
  const delta_round first = walk_round(w.g, delta_url);
  const delta_round second = walk_round(w.g, first.delta_link);
  CHECK(second.pages == 1);
  CHECK(second.items.empty());
  CHECK_FALSE(second.delta_link.empty());
  CHECK(walk_round(w.g, second.delta_link).items.empty());
}

TEST_CASE("Delta: the next round returns what was added, edited, reacted to or deleted, once",
          "[getAllMessagesDelta]") {
  world w = make();
  const delta_round first = walk_round(w.g, delta_url);
  const std::vector<std::string>& m = w.launch_messages;
  w.g.edit_message(w.launch, m[0], "first edit");
  w.g.edit_message(w.launch, m[0], "second edit");  // twice: still once, as it is now
  w.g.delete_message(w.launch, m[2]);
  w.g.add_reaction(w.launch, m[3], "megan@contoso.com", "heart");
  const std::string added = w.g.add_message(w.launch, {"megan@contoso.com", "new"});
  w.g.edit_message(w.hidden,
                   get(w.g, url("chats/", w.hidden, "/messages"), "app")
                       .json()
                       .at("value")
                       .at(0)
                       .at("id")
                       .get<std::string>(),
                   "Adele does not see this chat");
  const delta_round second = walk_round(w.g, first.delta_link, "app");
  CHECK(second.ids() == set_of({m[0], m[2], m[3], added}));
  const auto exported = exported_as_delta(w.g);
  for (const json& item : second.items) CHECK(item == exported.at(key_of(item)));
  for (const json& item : second.items) {
    if (item.at("id") == m[0]) CHECK(item.at("body").at("content") == "second edit");
    if (item.at("id") == m[2]) CHECK_FALSE(item.at("deletedDateTime").is_null());
  }
  CHECK(walk_round(w.g, second.delta_link).items.empty());

  // Joining a chat brings its history into the next round.
  fakegraph::chat_member adele;
  adele.user_id = "adele@contoso.com";
  w.g.add_member(w.hidden, adele);
  const delta_round third = walk_round(w.g, second.delta_link);
  REQUIRE(third.items.size() == 1);
  CHECK(third.items[0].at("body").at("content") == "Adele does not see this chat");
}

TEST_CASE("Delta: messages older than eight months and deletions past 21 days are left out",
          "[getAllMessagesDelta]") {
  world w = make();
  const fakegraph::timestamp now = w.g.clock().now();
  const std::string old = w.g.add_message(
      w.federated, {"adele@contoso.com", "old", fakegraph::months_before(now, 8) - 1});
  const std::string recent = w.g.add_message(
      w.federated, {"adele@contoso.com", "recent", fakegraph::months_before(now, 8)});
  const auto ids = walk_round(w.g, delta_url).ids();
  CHECK(ids.count(recent) == 1);
  CHECK(ids.count(old) == 0);

  const delta_round before = walk_round(w.g, delta_url);
  w.g.delete_message(w.launch, w.launch_messages[1]);
  w.g.clock().advance(std::chrono::hours(22 * 24));
  const delta_round after = walk_round(w.g, before.delta_link);
  CHECK(after.items.empty());  // deleted 22 days ago: no longer exported
}

TEST_CASE("months_before keeps the time of day and caps the day", "[getAllMessagesDelta]") {
  using fakegraph::months_before;
  using fakegraph::utc;
  CHECK(months_before(utc("2026-10-31T08:30:00Z"), 8) == utc("2026-02-28T08:30:00Z"));
  CHECK(months_before(utc("2026-03-15T00:00:00Z"), 8) == utc("2025-07-15T00:00:00Z"));
  CHECK(months_before(utc("2028-10-29T23:59:59Z"), 8) == utc("2028-02-29T23:59:59Z"));
}

TEST_CASE("Delta: the first request's options, and what later requests ignore",
          "[getAllMessagesDelta]") {
  const world w = make();
  const std::vector<std::string>& m = w.launch_messages;
  SECTION("$filter=lastModifiedDateTime gt") {
    const delta_round r = walk_round(w.g, delta_url +
                                              "?$filter=lastModifiedDateTime gt "
                                              "2026-10-01T09:05:30Z");
    CHECK(r.ids() == set_of({m[1]}));  // edited at 09:10
  }
  SECTION("$skip and $top, carried by the links") {
    const delta_round all = walk_round(w.g, delta_url);
    const delta_round skipped = walk_round(w.g, delta_url + "?$skip=2&$top=1");
    CHECK(skipped.items.size() == 4);
    CHECK(skipped.pages == 4);
    CHECK(std::vector<json>(all.items.begin() + 2, all.items.end()) == skipped.items);
  }
  SECTION("refused options") {
    for (const auto& [query, message] :
         {std::pair{std::string("$top=51"), std::string("The query specified in the URI is not "
                                                        "valid. The limit of '50' for Top query")},
          std::pair{std::string("$orderby=lastModifiedDateTime desc"),
                    std::string("The query specified in the URI is not valid. Query option "
                                "'OrderBy' is not allowed.")},
          std::pair{std::string("$filter=lastModifiedDateTime lt 2026-10-01T09:05:30Z"),
                    std::string("The entity property 'lastModifiedDateTime' and operationKind "
                                "'LessThan' is not allowed in $filter query.")},
          std::pair{std::string("$filter=createdDateTime gt 2026-10-01T09:05:30Z"),
                    std::string("Invalid $filter query: only one condition")},
          std::pair{std::string("$skip=-1"), std::string("Invalid value '-1' for $skip")}}) {
      CAPTURE(query);
      const auto r = get(w.g, delta_url + "?" + query, "app");
      CHECK(r.status == 400);
      CHECK_THAT(error_message(r), StartsWith(message));
    }
  }
  SECTION("model is accepted and meters nothing") {
    CHECK(walk_round(w.g, delta_url + "?model=A").items.size() == 6);
  }
}

TEST_CASE("Delta: tokens are opaque and bound to the caller and the user",
          "[getAllMessagesDelta]") {
  const world w = make();
  const auto first = get(w.g, delta_url + "?$top=1", "app").json();
  const std::string next = first.at("@odata.nextLink").get<std::string>();
  const std::string token = next.substr(next.find("$skiptoken=") + 11);
  const std::string base = "/v1.0/users/" + w.adele_id + "/chats/getAllMessages/delta";

  CHECK(get(w.g, base + "?&%24skiptoken=" + token, "app").status == 200);  // the doc's spelling
  std::string tampered = token;
  tampered[2] = tampered[2] == 'A' ? 'B' : 'A';
  for (const auto& [path, caller] :
       {std::pair{base + "?$skiptoken=" + tampered, std::string("app")},
        std::pair{base + "?$deltatoken=" + token, std::string("app")},  // not a deltaLink's
        std::pair{"/v1.0/users/megan@contoso.com/chats/getAllMessages/delta?$skiptoken=" + token,
                  std::string("app")},
        std::pair{base + "?$skiptoken=" + token, std::string("app-basic")}}) {
    CAPTURE(path, caller);
    const auto r = get(w.g, path, caller);
    CHECK(r.status == (caller == "app-basic" ? 403 : 400));
  }
  const auto both = get(w.g, base + "?$skiptoken=" + token + "&$deltatoken=" + token, "app");
  CHECK(both.status == 400);
}

TEST_CASE("Delta: who may call", "[getAllMessagesDelta]") {
  const world w = make();
  const auto delegated = get(w.g, delta_url, "adele@contoso.com");
  CHECK(delegated.status == 412);
  CHECK(error_code(delegated) == "PreconditionFailed");
  CHECK_THAT(error_message(delegated),
             StartsWith("Requested API is not supported in delegated context."));
  const auto me = get(w.g, "/v1.0/me/chats/getAllMessages/delta", "app");
  CHECK(me.status == 400);
  CHECK(error_message(me) == "/me request is only valid with delegated authentication flow.");
  CHECK(get(w.g, delta_url, "app-basic").status == 403);
  CHECK(get(w.g, delta_url, "fabrikam-app").status == 403);  // Adele is not in its tenant
}

TEST_CASE("Delta: exact while another thread changes the world",
          "[getAllMessagesDelta][concurrency]") {
  world w = make();
  std::atomic<bool> done{false};
  std::string writer_failure;  // read after join
  std::thread writer([&] {
    try {
      for (int i = 0; i < 200; ++i) {
        w.g.clock().advance(std::chrono::seconds(1));  // an edit is never before the message
        const std::string id =
            w.g.add_message(w.launch, {"megan@contoso.com", "added " + std::to_string(i)});
        w.g.edit_message(w.launch, i % 2 ? id : w.launch_messages[static_cast<std::size_t>(i % 5)],
                         "edit " + std::to_string(i));
        if (i % 7 == 0) w.g.add_reaction(w.launch, id, "adele@contoso.com");
      }
    } catch (const std::exception& e) {
      writer_failure = e.what();
    }
    done = true;
  });
  struct joiner {  // a failed REQUIRE below must not leave the writer running
    std::thread& t;
    ~joiner() {
      if (t.joinable()) t.join();
    }
  } join_writer{writer};
  // Rounds until the writer is done, then one more: each message once per round, and the
  // last state each message was seen in is its state now.
  std::map<std::string, json> seen;
  std::string link = delta_url + "?$top=7";
  bool last = false;
  while (!last) {
    last = done;
    const delta_round r = walk_round(w.g, link);
    std::set<std::string> in_round;
    for (const json& item : r.items) {
      CHECK(in_round.insert(key_of(item)).second);
      seen[key_of(item)] = item;
    }
    link = r.delta_link;
  }
  writer.join();
  REQUIRE(writer_failure.empty());
  const delta_round quiet = walk_round(w.g, link);
  CHECK(quiet.items.empty());
  CHECK(seen == exported_as_delta(w.g));
}
