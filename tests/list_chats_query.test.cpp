// List chats: the query options ($top, $expand, $orderby, $filter) and the refusal of the rest.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <algorithm>   // std::find, std::count_if
#include <functional>  // std::function
#include <set>         // std::set
#include <string>      // std::string
#include <vector>      // std::vector

#include "list_chats_world.hpp"

using Catch::Matchers::StartsWith;
using fakegraph_test::contains_substring;
using lct::json;

namespace {

const std::string ann_upn = "ann@northwind.test";

/// A world where Pat is in `n` group chats (chat i created i minutes after the first).
json many_chats_seed(int n) {
  json seed = lct::small_seed();
  seed["users"].push_back({{"id", "9a9a9a9a-0000-4000-8000-000000000099"},
                           {"tenantId", lct::northwind},
                           {"userPrincipalName", "pat@northwind.test"},
                           {"displayName", "Pat Page"}});
  seed["tokens"].push_back(
      {{"token", "pat-read"}, {"user", "pat@northwind.test"}, {"scopes", {"Chat.Read"}}});
  for (int i = 0; i < n; ++i) {
    const std::string minute = (i % 60 < 10 ? "0" : "") + std::to_string(i % 60);
    const std::string hour = (i / 60 < 10 ? "0" : "") + std::to_string(i / 60);
    std::string hex = std::to_string(1000 + i);
    seed["chats"].push_back(
        {{"id", "19:" + std::string(28, 'f') + hex + "@thread.v2"},
         {"chatType", "group"},
         {"topic", "Chat " + std::to_string(i)},
         {"createdDateTime", "2026-05-02T" + hour + ":" + minute + ":00Z"},
         {"members", {{{"user", "pat@northwind.test"}}, {{"user", "bob@northwind.test"}}}}});
  }
  return seed;
}

/// The chats of the seed for which `keep` holds, in the default order.
std::vector<std::string> ann_chats_where(const json& seed,
                                         const std::function<bool(const json&)>& keep) {
  std::vector<std::string> out;
  for (const json* c : lct::chats_of(seed, ann_upn))
    if (keep(*c)) out.push_back(c->at("id").get<std::string>());
  return out;
}

std::string encode_query_value(const std::string& s) {
  std::string out;
  static constexpr char hex[] = "0123456789ABCDEF";
  for (const char ch : s) {
    const bool keep = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                      (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' ||
                      ch == '~' || ch == '/' || ch == '\'' || ch == '(' || ch == ')' || ch == ':' ||
                      ch == ',';
    if (keep) {
      out += ch;
    } else {
      const auto b = static_cast<unsigned char>(ch);
      out += '%';
      out += hex[b >> 4];
      out += hex[b & 15];
    }
  }
  return out;
}

fakegraph::response filtered(const fakegraph::graph& g, const std::string& filter,
                             const std::string& token = "ann-read") {
  return lct::get(g, "/v1.0/me/chats?$filter=" + encode_query_value(filter), token);
}

}  // namespace

// ---- $top ------------------------------------------------------------------------------

TEST_CASE("List chats $top: pages of 20 by default, of $top (1..50) when asked", "[list_chats]") {
  const int n = 45;
  const json seed = many_chats_seed(n);
  const auto g = fakegraph::graph::from_json(seed);

  const auto first = lct::get(g, "/v1.0/me/chats", "pat-read");
  REQUIRE(first.status == 200);
  CHECK(first.json()["value"].size() == 20);
  CHECK(first.json()["@odata.count"] == 20);
  CHECK(first.json().contains("@odata.nextLink"));

  const int top = GENERATE(1, 2, 7, 20, 44, 45, 50);
  CAPTURE(top);
  const auto r = lct::get(g, "/v1.0/me/chats?$top=" + std::to_string(top), "pat-read");
  REQUIRE(r.status == 200);
  const auto expected = static_cast<std::size_t>(std::min(top, n));
  CHECK(r.json()["value"].size() == expected);
  CHECK(r.json()["@odata.count"] == expected);
  CHECK(r.json().contains("@odata.nextLink") == (top < n));
}

TEST_CASE("List chats $top: 0, negative, non-numeric and over 50 are 400 with Graph's messages",
          "[list_chats]") {
  const auto g = lct::small_graph();
  auto top = [&](const std::string& v) {
    return lct::get(g, "/v1.0/me/chats?$top=" + v, "ann-read");
  };
  LCT_REQUIRE_ERROR(top("51"), 400, "BadRequest",
                    "The query specified in the URI is not valid. The limit of '50' for Top query "
                    "has been exceeded. "
                    "The value from the incoming request is '51'.");
  LCT_REQUIRE_ERROR(top("100"), 400, "BadRequest",
                    "The query specified in the URI is not valid. The limit of '50' for Top query "
                    "has been exceeded. "
                    "The value from the incoming request is '100'.");
  LCT_REQUIRE_ERROR(top("99999999999"), 400, "BadRequest",
                    "The query specified in the URI is not valid. The limit of '50' for Top query "
                    "has been exceeded. "
                    "The value from the incoming request is '99999999999'.");
  LCT_REQUIRE_ERROR(top("-1"), 400, "BadRequest",
                    "Invalid value '-1' for $top query option found. The $top query option "
                    "requires a non-negative "
                    "integer value.");
  LCT_REQUIRE_ERROR(top("abc"), 400, "BadRequest",
                    "Invalid value 'abc' for $top query option found. The $top query option "
                    "requires a non-negative "
                    "integer value.");
  LCT_REQUIRE_ERROR(top("1.5"), 400, "BadRequest",
                    "Invalid value '1.5' for $top query option found. The $top query option "
                    "requires a non-negative "
                    "integer value.");
  LCT_REQUIRE_ERROR(
      top(""), 400, "BadRequest",
      "Invalid value '' for $top query option found. The $top query option requires a non-negative "
      "integer value.");
  // 0 is non-negative, so the refusal says what range is accepted.
  LCT_REQUIRE_ERROR(top("0"), 400, "BadRequest",
                    "Invalid value '0' for $top query option found. The $top query option requires "
                    "a value from 1 "
                    "to 50.");
  CHECK(top("50").status == 200);
  CHECK(top("1").status == 200);
  // The option name is case-insensitive, as ASP.NET reads it.
  const auto upper = lct::get(g, "/v1.0/me/chats?$TOP=2", "ann-read");
  REQUIRE(upper.status == 200);
  CHECK(upper.json()["value"].size() == 2);
}

// ---- $expand ---------------------------------------------------------------------------

TEST_CASE("List chats $expand=members: aadUserConversationMember for every member",
          "[list_chats]") {
  const json seed = lct::small_seed();
  const auto g = fakegraph::graph::from_json(seed);
  const std::string token = GENERATE(as<std::string>{}, "ann-read", "ann-basic");
  CAPTURE(token);
  const auto r = lct::get(g, "/v1.0/me/chats?$expand=members", token);
  REQUIRE(r.status == 200);
  const json page = r.json();
  const auto chats = lct::chats_of(seed, ann_upn);
  REQUIRE(page["value"].size() == chats.size());
  for (std::size_t i = 0; i < chats.size(); ++i) {
    const json& got = page["value"][i];
    const json& members = chats[i]->at("members");
    CAPTURE(got["id"]);
    // The chat itself is unchanged, the members come beside it.
    json without = got;
    without.erase("members");
    CHECK(without == lct::expected_chat(seed, *chats[i], ann_upn));
    CHECK_FALSE(got.contains("lastMessagePreview"));
    REQUIRE(got["members"].size() == members.size());
    std::set<std::string> ids;
    for (std::size_t m = 0; m < members.size(); ++m) {
      json member = got["members"][m];
      REQUIRE(member["id"].is_string());
      CHECK_FALSE(member["id"].get<std::string>().empty());
      ids.insert(member["id"].get<std::string>());
      member.erase("id");
      CHECK(member == lct::expected_member(seed, members[m]));
    }
    CHECK(ids.size() == members.size());  // membership ids are distinct
  }
  // Membership ids are stable from one request to the next.
  CHECK(lct::get(g, "/v1.0/me/chats?$expand=members", token).json() == page);
}

TEST_CASE("List chats $expand=members: at most 25 members per chat", "[list_chats]") {
  SECTION("the default world's 30-member chat") {
    const json seed = lct::default_seed();
    const auto g = fakegraph_test::default_world();
    const json* big = nullptr;
    for (const auto& c : seed["chats"])
      if (c["members"].size() > 25) big = &c;
    REQUIRE(big != nullptr);
    REQUIRE(big->at("members").size() == 30);
    const std::string token = GENERATE(as<std::string>{}, "adele-read", "exporter");
    const std::string url = token == "exporter"
                                ? "/v1.0/users/adele@contoso.com/chats?$expand=members&$top=50"
                                : "/v1.0/me/chats?$expand=members&$top=50";
    CAPTURE(token);
    const auto r = lct::get(g, url, token);
    REQUIRE(r.status == 200);
    bool seen = false;
    const json page = r.json();
    for (const auto& c : page["value"]) {
      const json& seeded = lct::chat_of(seed, c["id"].get<std::string>());
      const std::size_t expected = std::min<std::size_t>(seeded["members"].size(), 25);
      CAPTURE(c["id"]);
      REQUIRE(c["members"].size() == expected);
      for (std::size_t m = 0; m < expected; ++m) {
        json member = c["members"][m];
        member.erase("id");
        CHECK(member == lct::expected_member(seed, seeded["members"][m]));
      }
      seen = seen || c["id"] == big->at("id");
    }
    CHECK(seen);
  }
  SECTION("26 members give 25, 25 give 25") {
    json seed = lct::small_seed();
    json big = {{"id", "19:26262626262626262626262626262626@thread.v2"},
                {"chatType", "group"},
                {"topic", "Crowd"},
                {"createdDateTime", "2026-05-30T00:00:00Z"},
                {"members", {{{"user", ann_upn}}}}};
    json exact = big;
    exact["id"] = "19:25252525252525252525252525252525@thread.v2";
    exact["createdDateTime"] = "2026-05-29T00:00:00Z";
    for (int i = 0; i < 25; ++i) {
      const std::string upn = "crowd" + std::to_string(i) + "@northwind.test";
      seed["users"].push_back({{"tenantId", lct::northwind}, {"userPrincipalName", upn}});
      big["members"].push_back({{"user", upn}});
      if (i < 24) exact["members"].push_back({{"user", upn}});
    }
    seed["chats"].push_back(big);
    seed["chats"].push_back(exact);
    const auto g = fakegraph::graph::from_json(seed);
    const json page = lct::get(g, "/v1.0/me/chats?$expand=members&$top=2", "ann-read").json();
    REQUIRE(lct::ids_of(page) == std::vector<std::string>{big["id"], exact["id"]});
    CHECK(page["value"][0]["members"].size() == 25);
    CHECK(page["value"][1]["members"].size() == 25);
    CHECK(page["value"][0]["members"][0]["userId"] == lct::ann_id);
    CHECK_FALSE(page["value"][0].contains("members@odata.nextLink"));
  }
}

TEST_CASE("List chats $expand=lastMessagePreview: chatMessageInfo, null for an empty chat",
          "[list_chats]") {
  const json seed = lct::small_seed();
  const auto g = fakegraph::graph::from_json(seed);
  const std::string token = GENERATE(as<std::string>{}, "ann-read", "ann-rw", "app-read", "app-rw");
  const std::string url =
      token.rfind("app", 0) == 0 ? "/v1.0/users/ann@northwind.test/chats" : "/v1.0/me/chats";
  CAPTURE(token);
  const auto r = lct::get(g, url + "?$expand=lastMessagePreview", token);
  REQUIRE(r.status == 200);
  const json page = r.json();
  const auto chats = lct::chats_of(seed, ann_upn);
  REQUIRE(page["value"].size() == chats.size());
  int nulls = 0, bots = 0, deleted = 0;
  for (std::size_t i = 0; i < chats.size(); ++i) {
    const json& got = page["value"][i];
    CAPTURE(got["id"]);
    REQUIRE(got.contains("lastMessagePreview"));
    const json expected = lct::expected_preview(seed, *chats[i]);
    CHECK(got["lastMessagePreview"] == expected);
    CHECK_FALSE(got.contains("members"));
    json without = got;
    without.erase("lastMessagePreview");
    CHECK(without ==
          lct::expected_chat(seed, *chats[i], token.rfind("app", 0) == 0 ? "" : ann_upn));
    nulls += got["lastMessagePreview"].is_null();
    if (!expected.is_null()) {
      deleted += expected["isDeleted"] == true;
      bots += expected["from"].is_object() && expected["from"]["application"].is_object();
    }
  }
  // The seed makes sure these kinds are all on the page.
  CHECK(nulls == 1);
  CHECK(bots == 1);
  CHECK(deleted == 1);
}

TEST_CASE("List chats $expand=lastMessagePreview: system events keep their type in the preview",
          "[list_chats]") {
  json seed = lct::small_seed();
  // Alpha with only its system event.
  for (auto& c : seed["chats"])
    if (c["id"] == "19:0123456789abcdef0123456789abcdef@thread.v2")
      c["messages"] = json::array({c["messages"][0]});
  const auto g = fakegraph::graph::from_json(seed);
  const json page = lct::get(g, "/v1.0/me/chats?$expand=lastMessagePreview", "ann-read").json();
  bool seen = false;
  for (const auto& c : page["value"]) {
    if (c["id"] != "19:0123456789abcdef0123456789abcdef@thread.v2") continue;
    seen = true;
    const json& p = c["lastMessagePreview"];
    CHECK(p == lct::expected_preview(seed, lct::chat_of(seed, c["id"])));
    CHECK(p["messageType"] == "systemEventMessage");
    CHECK(p["from"].is_null());
    CHECK(p["body"] == json{{"contentType", "html"}, {"content", "<systemEventMessage/>"}});
    CHECK(p["eventDetail"]["@odata.type"] == "#microsoft.graph.membersAddedEventMessageDetail");
  }
  CHECK(seen);
}

TEST_CASE("List chats $expand=members,lastMessagePreview: both, in the order asked",
          "[list_chats]") {
  const json seed = lct::small_seed();
  const auto g = fakegraph::graph::from_json(seed);
  const json a =
      lct::get(g, "/v1.0/me/chats?$expand=members,lastMessagePreview", "ann-read").json();
  const json b =
      lct::get(g, "/v1.0/me/chats?$expand=lastMessagePreview,%20members", "ann-read").json();
  const json c =
      lct::get(g, "/v1.0/me/chats?$expand=Members,LastMessagePreview", "ann-read").json();
  CHECK(a["@odata.context"] ==
        "https://graph.microsoft.com/v1.0/$metadata#chats(members(),lastMessagePreview())");
  CHECK(b["@odata.context"] ==
        "https://graph.microsoft.com/v1.0/$metadata#chats(lastMessagePreview(),members())");
  CHECK(a["value"] == b["value"]);
  CHECK(a == c);
  const auto chats = lct::chats_of(seed, ann_upn);
  REQUIRE(a["value"].size() == chats.size());
  for (std::size_t i = 0; i < chats.size(); ++i) {
    CHECK(a["value"][i]["lastMessagePreview"] == lct::expected_preview(seed, *chats[i]));
    CHECK(a["value"][i]["members"].size() == chats[i]->at("members").size());
  }
}

TEST_CASE("List chats $expand: other targets and repeats are 400", "[list_chats]") {
  const auto g = lct::small_graph();
  auto expand = [&](const std::string& v) {
    return lct::get(g, "/v1.0/me/chats?$expand=" + v, "ann-read");
  };
  LCT_REQUIRE_ERROR(expand("installedApps"), 400, "BadRequest",
                    "Expand is not allowed for property 'installedApps' according to the entity "
                    "schema. Supported: "
                    "$expand=members, lastMessagePreview or both.");
  LCT_REQUIRE_ERROR(
      expand("messages"), 400, "BadRequest",
      "Expand is not allowed for property 'messages' according to the entity schema. Supported: "
      "$expand=members, lastMessagePreview or both.");
  LCT_REQUIRE_ERROR(
      expand("owner"), 400, "BadRequest",
      "Could not find a property named 'owner' on type 'microsoft.graph.chat'. Supported: "
      "$expand=members, lastMessagePreview or both.");
  LCT_REQUIRE_ERROR(expand("members,members"), 400, "BadRequest",
                    "The property 'members' is expanded more than once in $expand.");
  const auto nested = expand("members($top=2)");
  INFO(nested.body);
  REQUIRE(nested.status == 400);
  CHECK(lct::error_code(nested) == "BadRequest");
  CHECK_THAT(lct::error_message(nested),
             contains_substring("$expand=members, lastMessagePreview or both"));
}

TEST_CASE("List chats $expand=lastMessagePreview needs more than Chat.ReadBasic", "[list_chats]") {
  const auto g = lct::small_graph();
  SECTION("delegated") {
    const auto r = lct::get(g, "/v1.0/me/chats?$expand=lastMessagePreview", "ann-basic");
    INFO(r.body);
    REQUIRE(r.status == 403);
    CHECK(lct::error_code(r) == "Forbidden");
    CHECK_THAT(lct::error_message(r), contains_substring("Chat.Read, Chat.ReadWrite"));
    CHECK(lct::get(g, "/v1.0/me/chats?$expand=members,lastMessagePreview", "ann-basic").status ==
          403);
    CHECK(lct::get(g, "/v1.0/me/chats?$expand=members", "ann-basic").status == 200);
  }
  SECTION("application") {
    const std::string url = "/v1.0/users/ann@northwind.test/chats?$expand=";
    const auto r = lct::get(g, url + "lastMessagePreview", "app-basic");
    INFO(r.body);
    REQUIRE(r.status == 403);
    CHECK(lct::error_code(r) == "Forbidden");
    CHECK_THAT(lct::error_message(r), contains_substring("Chat.Read.All, Chat.ReadWrite.All"));
    CHECK(lct::get(g, url + "members", "app-basic").status == 200);
  }
  SECTION("the default world's basic tokens") {
    const auto d = fakegraph_test::default_world();
    CHECK(lct::get(d, "/v1.0/me/chats?$expand=lastMessagePreview", "adele-basic").status == 403);
    CHECK(lct::get(d, "/v1.0/users/adele@contoso.com/chats?$expand=lastMessagePreview",
                   "exporter-basic")
              .status == 403);
  }
}

// ---- $orderby --------------------------------------------------------------------------

TEST_CASE("List chats $orderby=lastMessagePreview/createdDateTime desc: newest preview first",
          "[list_chats]") {
  const json seed = lct::small_seed();
  const auto g = fakegraph::graph::from_json(seed);
  const auto expected = lct::ids_of(lct::chats_by_preview(seed, ann_upn));
  // The seed orders differently by creation and by last message, and has an empty chat.
  REQUIRE(expected != lct::ids_of(lct::chats_of(seed, ann_upn)));
  REQUIRE(expected.size() + 1 == lct::chats_of(seed, ann_upn).size());

  const std::string spelling = GENERATE(
      as<std::string>{}, "lastMessagePreview/createdDateTime%20desc",
      "lastMessagePreview%2fcreatedDateTime+desc", "lastmessagepreview/createddatetime+DESC");
  CAPTURE(spelling);
  const auto r = lct::get(g, "/v1.0/me/chats?$orderby=" + spelling, "ann-read");
  REQUIRE(r.status == 200);
  const json page = r.json();
  CHECK(lct::ids_of(page) == expected);
  for (const auto& c : page["value"])
    CHECK_FALSE(c.contains("lastMessagePreview"));  // only when expanded

  const auto app = lct::get(
      g, "/v1.0/users/ann@northwind.test/chats?$expand=lastMessagePreview&$orderby=" + spelling,
      "app-read");
  REQUIRE(app.status == 200);
  CHECK(lct::ids_of(app.json()) == expected);
  const json app_page = app.json();
  for (const auto& c : app_page["value"])
    CHECK(c["lastMessagePreview"] == lct::expected_preview(seed, lct::chat_of(seed, c["id"])));
}

TEST_CASE("List chats $orderby: ascending, other keys and several keys are 400", "[list_chats]") {
  const auto g = lct::small_graph();
  auto order = [&](const std::string& v) {
    return lct::get(g, "/v1.0/me/chats?$orderby=" + v, "ann-read");
  };
  const std::string hint = " Supported: $orderby=lastMessagePreview/createdDateTime desc.";
  LCT_REQUIRE_ERROR(order("lastMessagePreview/createdDateTime%20asc"), 400, "BadRequest",
                    "Ascending direction is not supported." + hint);
  LCT_REQUIRE_ERROR(order("lastMessagePreview/createdDateTime"), 400, "BadRequest",
                    "Ascending direction is not supported." + hint);
  LCT_REQUIRE_ERROR(order("topic"), 400, "BadRequest",
                    "Ordering by 'topic' is not supported." + hint);
  LCT_REQUIRE_ERROR(order("lastUpdatedDateTime+desc"), 400, "BadRequest",
                    "Ordering by 'lastUpdatedDateTime' is not supported." + hint);
  LCT_REQUIRE_ERROR(order("createdDateTime+desc"), 400, "BadRequest",
                    "Ordering by 'createdDateTime' is not supported." + hint);
  for (const std::string& bad :
       std::vector<std::string>{"lastMessagePreview/createdDateTime+desc,topic",
                                "lastMessagePreview/createdDateTime+desc+topic", ""}) {
    CAPTURE(bad);
    const auto r = order(bad);
    INFO(r.body);
    REQUIRE(r.status == 400);
    CHECK(lct::error_code(r) == "BadRequest");
    CHECK_THAT(lct::error_message(r), contains_substring(hint.substr(1)));
  }
  const auto sideways = order("lastMessagePreview/createdDateTime+sideways");
  REQUIRE(sideways.status == 400);
  CHECK_THAT(lct::error_message(sideways), contains_substring("'sideways'"));
}

// ---- $filter ---------------------------------------------------------------------------

TEST_CASE("List chats $filter: each supported form selects what the seed says", "[list_chats]") {
  const json seed = lct::small_seed();
  const auto g = fakegraph::graph::from_json(seed);
  const std::string alpha = "19:0123456789abcdef0123456789abcdef@thread.v2";
  const std::string beta =
      "19:meeting_Zm9vYmFyYmF6cXV4cXV1eHh5enp5MTIzNDU2Nzg5MGFiY2RlZmdo@thread.v2";
  const std::string gamma = "19:9999aaaa9999aaaa9999aaaa9999aaaa@thread.v2";
  auto has_member = [&](const std::string& key) {
    return [&seed, key](const json& c) { return lct::is_member(seed, c, key); };
  };
  auto member_named = [&](const std::string& name) {
    return [&seed, name](const json& c) {
      for (const auto& m : c["members"])
        if (lct::user_of(seed, m["user"])["displayName"] == name) return true;
      return false;
    };
  };

  struct row {
    std::string filter;
    std::function<bool(const json&)> keep;
  };
  const std::vector<row> rows = {
      {"chatType eq 'group'",
       [](const json& c) { return c.value("chatType", "group") == "group"; }},
      {"chatType eq 'oneOnOne'",
       [](const json& c) { return c.value("chatType", "group") == "oneOnOne"; }},
      {"chatType eq 'meeting'",
       [](const json& c) { return c.value("chatType", "group") == "meeting"; }},
      {"topic eq 'Alpha'", [](const json& c) { return c.value("topic", json()) == "Alpha"; }},
      {"topic eq 'Nothing like it'", [](const json&) { return false; }},
      {"topic eq null", [](const json& c) { return !c.contains("topic"); }},
      {"id eq '" + gamma + "'", [&](const json& c) { return c["id"] == gamma; }},
      {"id in ('" + alpha + "', '" + beta + "', '19:unknown@thread.v2')",
       [&](const json& c) { return c["id"] == alpha || c["id"] == beta; }},
      {"members/any(m: m/displayName eq 'Cid Cole')", member_named("Cid Cole")},
      {"members/any(o:o/displayName eq 'Dee Dunn')", member_named("Dee Dunn")},
      {"members/any(m: m/microsoft.graph.aadUserConversationMember/userId eq '" +
           std::string(lct::bob_id) + "')",
       has_member("bob@northwind.test")},
      {"installedApps/any(a:a/teamsApp/id eq '" + std::string(lct::bot_app) + "')",
       [](const json& c) { return c.contains("installedApps") && !c["installedApps"].empty(); }},
      {"installedApps/any(a: a/teamsApp/id eq 'ffffffff-0000-0000-0000-000000000000')",
       [](const json&) { return false; }},
      {"chatType eq 'group' and members/any(m: m/displayName eq 'Cid Cole')",
       [&](const json& c) {
         return c.value("chatType", "group") == "group" && member_named("Cid Cole")(c);
       }},
      {"chatType eq 'oneOnOne' or topic eq 'Gamma'",
       [](const json& c) {
         return c.value("chatType", "group") == "oneOnOne" || c.value("topic", json()) == "Gamma";
       }},
      {"not (chatType eq 'group')",
       [](const json& c) { return c.value("chatType", "group") != "group"; }},
      {"not chatType eq 'group' and not topic eq null",
       [](const json& c) {
         return c.value("chatType", "group") != "group" && c.contains("topic");
       }},
      {"(topic eq 'Alpha' or topic eq 'Gamma') and members/any(m: m/displayName eq 'Bob Baker')",
       [&](const json& c) {
         return (c.value("topic", json()) == "Alpha" || c.value("topic", json()) == "Gamma") &&
                member_named("Bob Baker")(c);
       }},
      {"members/any(m: m/displayName eq 'Bob Baker' or m/displayName eq 'Dee Dunn')",
       [&](const json& c) { return member_named("Bob Baker")(c) || member_named("Dee Dunn")(c); }},
  };
  for (const auto& [filter, keep] : rows) {
    CAPTURE(filter);
    const auto r = filtered(g, filter);
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(lct::ids_of(r.json()) == ann_chats_where(seed, keep));
  }
  // The forms combine with $orderby, $expand and an application caller.
  const auto app = lct::get(
      g,
      "/v1.0/users/ann@northwind.test/chats?$orderby=lastMessagePreview/createdDateTime+desc"
      "&$expand=members&$filter=" +
          encode_query_value("chatType eq 'group'"),
      "app-read");
  REQUIRE(app.status == 200);
  std::vector<std::string> groups;
  for (const json* c : lct::chats_by_preview(seed, ann_upn))
    if (c->value("chatType", "group") == "group") groups.push_back(c->at("id").get<std::string>());
  CHECK(lct::ids_of(app.json()) == groups);
}

TEST_CASE("List chats $filter: anything else is 400 naming what is supported", "[list_chats]") {
  const auto g = lct::small_graph();
  const std::string filter =
      GENERATE(as<std::string>{}, "lastUpdatedDateTime gt 2026-01-01T00:00:00Z", "topic ne 'Alpha'",
               "chatType eq 'channel'", "chatType eq 1", "webUrl eq 'x'", "topic in ('Alpha')",
               "members/all(m: m/displayName eq 'Bob Baker')",
               "members/any(m: m/email eq 'bob@northwind.test')",
               "members/any(m: m/displayName ne 'Bob Baker')", "installedApps/any(a: a/id eq 'x')",
               "messages/any(m: m/id eq '1')", "startswith(topic, 'A')", "topic eq",
               "(topic eq 'Alpha'", "topic eq 'Alpha' AND chatType eq 'group'", "");
  CAPTURE(filter);
  const auto r = filtered(g, filter);
  INFO(r.body);
  REQUIRE(r.status == 400);
  CHECK(lct::error_code(r) == "BadRequest");
  CHECK_THAT(lct::error_message(r), StartsWith("Invalid filter clause"));
  // Names the supported forms.
  for (const std::string& form : std::vector<std::string>{
           "chatType eq", "topic eq", "id eq", "id in", "members/any(m: m/displayName eq",
           "aadUserConversationMember/userId", "installedApps/any(a: a/teamsApp/id eq"})
    CHECK_THAT(lct::error_message(r), contains_substring(form));
}

// ---- other options ---------------------------------------------------------------------

TEST_CASE("List chats: unsupported query options are 400 in strict mode, with ASP.NET's wording",
          "[list_chats]") {
  const auto g = lct::small_graph();
  const std::string supported =
      "Supported query options here: $top, $filter, $expand, $orderby, $skiptoken.";
  struct row {
    std::string query, name;
  };
  for (const auto& [query, name] : std::vector<row>{{"$select=id,topic", "Select"},
                                                    {"$skip=2", "Skip"},
                                                    {"$count=true", "Count"},
                                                    {"$search=%22Alpha%22", "Search"},
                                                    {"$format=json", "Format"},
                                                    {"$SELECT=id", "Select"}}) {
    CAPTURE(query);
    LCT_REQUIRE_ERROR(
        lct::get(g, "/v1.0/me/chats?$top=2&" + query, "ann-read"), 400, "BadRequest",
        "The query specified in the URI is not valid. Query option '" + name +
            "' is not allowed. To allow it, set the 'AllowedQueryOptions' property on "
            "EnableQueryAttribute or QueryValidationSettings. " +
            supported);
  }
  LCT_REQUIRE_ERROR(lct::get(g, "/v1.0/me/chats?$x=1", "ann-read"), 400, "BadRequest",
                    "The query parameter '$x' is not supported. " + supported);
  // Options without '$' are not OData's: they pass (as Graph ignores unknown parameters).
  CHECK(lct::get(g, "/v1.0/me/chats?foo=bar", "ann-read").status == 200);
}

TEST_CASE("List chats: settings.queryOptions lenient ignores unsupported options", "[list_chats]") {
  json seed = lct::small_seed();
  seed["settings"]["queryOptions"] = "lenient";
  const auto g = fakegraph::graph::from_json(seed);
  const json plain = lct::get(g, "/v1.0/me/chats?$top=3", "ann-read").json();
  for (const std::string& extra : std::vector<std::string>{
           "$select=id", "$skip=2", "$count=true", "$search=Alpha", "$x=1", "$format=json"}) {
    CAPTURE(extra);
    const auto r = lct::get(g, "/v1.0/me/chats?$top=3&" + extra, "ann-read");
    REQUIRE(r.status == 200);
    const json page = r.json();
    CHECK(page["value"] == plain["value"]);  // $skip, $select … change nothing
    CHECK(page["@odata.count"] == plain["@odata.count"]);
  }
  // Supported options are still checked.
  CHECK(lct::get(g, "/v1.0/me/chats?$top=51", "ann-read").status == 400);
}

TEST_CASE("List chats: a query option given twice is 400", "[list_chats]") {
  const std::string mode = GENERATE(as<std::string>{}, "strict", "lenient");
  json seed = lct::small_seed();
  seed["settings"]["queryOptions"] = mode;
  const auto g = fakegraph::graph::from_json(seed);
  CAPTURE(mode);
  LCT_REQUIRE_ERROR(
      lct::get(g, "/v1.0/me/chats?$top=1&$top=2", "ann-read"), 400, "BadRequest",
      "Query option '$top' was specified more than once, but it must be specified at most once.");
  LCT_REQUIRE_ERROR(
      lct::get(g, "/v1.0/me/chats?$top=1&$TOP=1", "ann-read"), 400, "BadRequest",
      "Query option '$TOP' was specified more than once, but it must be specified at most once.");
  LCT_REQUIRE_ERROR(
      lct::get(g, "/v1.0/me/chats?$expand=members&$expand=lastMessagePreview", "ann-read"), 400,
      "BadRequest",
      "Query option '$expand' was specified more than once, but it must be specified at most "
      "once.");
  LCT_REQUIRE_ERROR(
      lct::get(g, "/v1.0/me/chats?$filter=topic%20eq%20'Alpha'&$filter=topic%20eq%20'Alpha'",
               "ann-read"),
      400, "BadRequest",
      "Query option '$filter' was specified more than once, but it must be specified at most "
      "once.");
}
