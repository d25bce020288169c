// chats: getAllMessages — $filter: the documented shapes, and the 400 for everything else.
#include <fakegraph/fakegraph.hpp>

#include <nlohmann/json.hpp>  // nlohmann::json
#include "support/internals.hpp"

#include <algorithm>   // std::find
#include <functional>  // std::function
#include <string>      // std::string
#include <vector>      // std::vector

#include "get_all_messages_support.hpp"
#include "support/catch.hpp"

using namespace gam_test;
using fakegraph_test::contains_substring;
using nlohmann::json;

namespace {

// Adele's whole export (model=A, pages of 50: one page), for filters to be checked against.
std::vector<json> adele_all(const fakegraph::graph& g) {
  const auto w = follow_links(g, export_url("adele@contoso.com", "model=A&$top=50"), "exporter");
  REQUIRE(w.last.status == 200);
  REQUIRE(w.items.size() == 32);
  return w.items;
}

std::vector<std::string> ids_where(const std::vector<json>& items,
                                   const std::function<bool(const json&)>& keep) {
  std::vector<std::string> out;
  for (const auto& m : items)
    if (keep(m)) out.push_back(m["id"].get<std::string>());
  return out;
}

// Every page of a filtered walk, small pages so that paging is part of the check.
std::vector<std::string> filtered(const fakegraph::graph& g, const std::string& filter,
                                  const std::string& user = "adele@contoso.com") {
  const auto w =
      follow_links(g, export_url(user, "model=A&$top=3&" + filter_param(filter)), "exporter");
  INFO(filter);
  REQUIRE(w.last.status == 200);
  return w.ids();
}

fakegraph::timestamp at(const char* iso) { return *fakegraph::parse_time(iso); }

fakegraph::timestamp modified(const json& m) {
  return *fakegraph::parse_time(m["lastModifiedDateTime"].get<std::string>());
}

bool from_user(const json& m, const std::string& id) {
  return m["from"].is_object() && m["from"]["user"].is_object() && m["from"]["user"]["id"] == id;
}

}  // namespace

TEST_CASE("getAllMessages $filter on lastModifiedDateTime", "[getAllMessages]") {
  const auto g = default_world();
  const auto all = adele_all(g);

  SECTION("the documented window (data/README.md: only the edited message)") {
    CHECK(filtered(g,
                   "lastModifiedDateTime gt 2026-09-02T15:00:00Z and lastModifiedDateTime lt "
                   "2026-09-02T16:00:00Z") == std::vector<std::string>{"1788358811452"});
  }
  SECTION("the window is on lastModifiedDateTime, not createdDateTime") {
    // 1788358811452 was created at 14:20:11 and last modified at 15:01:44.
    CHECK(filtered(g,
                   "lastModifiedDateTime gt 2026-09-02T14:00:00Z and lastModifiedDateTime lt "
                   "2026-09-02T14:30:00Z")
              .empty());
    // 1785749477904 was created at 09:31:17.904 and modified by a reaction at 09:33:05.611.
    CHECK(filtered(g,
                   "lastModifiedDateTime gt 2026-08-03T09:32:00Z and lastModifiedDateTime lt "
                   "2026-08-03T09:34:00Z") == std::vector<std::string>{"1785749477904"});
  }
  SECTION("either bound alone") {
    const auto x = at("2026-09-10T14:07:51.902Z");
    CHECK(filtered(g, "lastModifiedDateTime gt 2026-09-10T14:07:51.902Z") ==
          ids_where(all, [&](const json& m) { return modified(m) > x; }));
    CHECK(filtered(g, "lastModifiedDateTime lt 2026-09-10T14:07:51.902Z") ==
          ids_where(all, [&](const json& m) { return modified(m) < x; }));
  }
  SECTION("bounds are exclusive") {
    CHECK(filtered(g,
                   "lastModifiedDateTime gt 2026-09-02T15:01:44.213Z and lastModifiedDateTime lt "
                   "2026-09-02T16:00:00Z")
              .empty());
    CHECK(filtered(g,
                   "lastModifiedDateTime gt 2026-09-02T15:00:00Z and lastModifiedDateTime lt "
                   "2026-09-02T15:01:44.213Z")
              .empty());
  }
  SECTION("offsets, omitted seconds, repeated bounds narrow the window") {
    CHECK(filtered(g,
                   "lastModifiedDateTime gt 2026-09-02T17:00:00+02:00 and lastModifiedDateTime lt "
                   "2026-09-02T16:00:00Z") == std::vector<std::string>{"1788358811452"});
    CHECK(filtered(g,
                   "lastModifiedDateTime gt 2026-09-02T15:00Z and lastModifiedDateTime lt "
                   "2026-09-02T16:00Z") == std::vector<std::string>{"1788358811452"});
    CHECK(filtered(g,
                   "lastModifiedDateTime gt 2026-08-01T00:00:00Z and lastModifiedDateTime gt "
                   "2026-09-02T15:00:00Z and "
                   "lastModifiedDateTime lt 2026-09-02T16:00:00Z and lastModifiedDateTime lt "
                   "2026-12-01T00:00:00Z") == std::vector<std::string>{"1788358811452"});
  }
  SECTION("an empty window") {
    CHECK(filtered(g,
                   "lastModifiedDateTime gt 2026-10-01T00:00:00Z and lastModifiedDateTime lt "
                   "2026-09-01T00:00:00Z")
              .empty());
  }
}

TEST_CASE("getAllMessages $filter on the sender and the message type", "[getAllMessages]") {
  const auto g = default_world();
  const auto all = adele_all(g);
  auto user_type = [](const json& m, const char* type) {
    return m["from"].is_object() && m["from"]["user"].is_object() &&
           m["from"]["user"]["userIdentityType"] == type;
  };

  SECTION("from/user/id") {
    const auto megan = filtered(g, "from/user/id eq '" + megan_id + "'");
    CHECK(megan == ids_where(all, [](const json& m) { return from_user(m, megan_id); }));
    CHECK(megan.size() ==
          5);  // 1785748540022 1788358811452 1788949351118 1792863000831 1793185871111
    // ids are GUIDs: their case does not matter
    CHECK(filtered(g, "from/user/id eq '0B1C6A96-B1F5-4AB2-8F4A-A46764E29B77'") == megan);
  }
  SECTION("several ids joined with or") {
    CHECK(filtered(g, "from/user/id eq '" + megan_id + "' or from/user/id eq '" + adele_id + "'") ==
          ids_where(
              all, [](const json& m) { return from_user(m, megan_id) || from_user(m, adele_id); }));
  }
  SECTION("userIdentityType") {
    const auto federated = filtered(g, "from/user/userIdentityType eq 'federatedUser'");
    CHECK_FALSE(federated.empty());
    CHECK(federated ==
          ids_where(all, [&](const json& m) { return user_type(m, "federatedUser"); }));
    CHECK(filtered(g, "from/user/userIdentityType eq 'aadUser'") ==
          ids_where(all, [&](const json& m) { return user_type(m, "aadUser"); }));
    CHECK(filtered(g, "from/user/userIdentityType eq 'anonymousGuest'").empty());
  }
  SECTION("applicationIdentityType") {
    CHECK(filtered(g, "from/application/applicationIdentityType eq 'bot'") ==
          std::vector<std::string>{"1788850800412"});
    CHECK(filtered(g, "from/application/applicationIdentityType eq 'outgoingWebhook'").empty());
  }
  SECTION("messageType eq / ne 'systemEventMessage'") {
    const std::vector<std::string> system = {"1787230805442", "1788249600251", "1789049127663",
                                             "1791457236917"};
    CHECK(filtered(g, "messageType eq 'systemEventMessage'") == system);
    const auto others = filtered(g, "messageType ne 'systemEventMessage'");
    CHECK(others == ids_where(all, [&](const json& m) {
            return std::find(system.begin(), system.end(), m["id"].get<std::string>()) ==
                   system.end();
          }));
    CHECK(others.size() == 28);
  }
  SECTION("app or user, ANDed with a date range, as the export guide writes it") {
    const auto lo = at("2026-09-01T00:00:00Z"), hi = at("2026-10-01T00:00:00Z");
    CHECK(
        filtered(
            g,
            "(from/application/applicationIdentityType eq 'bot' or from/user/id eq '" + megan_id +
                "') and (lastModifiedDateTime gt 2026-09-01T00:00:00Z and lastModifiedDateTime lt "
                "2026-10-01T00:00:00Z)") == ids_where(all, [&](const json& m) {
          const bool bot = m["from"].is_object() && m["from"]["application"].is_object();
          return (bot || from_user(m, megan_id)) && modified(m) > lo && modified(m) < hi;
        }));
  }
  SECTION("two sender groups ANDed") {
    CHECK(filtered(g, "from/user/id eq '" + adele_id +
                          "' and from/user/userIdentityType eq 'federatedUser'") ==
          ids_where(all, [&](const json& m) {
            return from_user(m, adele_id) && user_type(m, "federatedUser");
          }));
  }
  SECTION("other users' exports filter the same way") {
    const auto diego =
        follow_links(g, export_url("diego@contoso.com", "model=A&$top=50"), "exporter").items;
    CHECK(filtered(g, "messageType eq 'systemEventMessage'", "diego@contoso.com") ==
          std::vector<std::string>{"1789049127663"});
    CHECK(filtered(g, "messageType ne 'systemEventMessage'", "diego@contoso.com").size() ==
          diego.size() - 1);
  }
}

TEST_CASE("getAllMessages refuses $filter shapes it does not support", "[getAllMessages]") {
  const auto g = default_world();
  struct row {
    std::string filter;
    std::string message;  // the start of Graph's message
  };
  const std::string date = "2026-09-02T15:00:00Z";
  auto kind = [](const std::string& property, const std::string& op) {
    return "The entity property '" + property + "' and operationKind '" + op +
           "' is not allowed in $filter query.";
  };
  const row r = GENERATE_COPY(
      row{"lastModifiedDateTime le " + date, kind("lastModifiedDateTime", "LessThanOrEqual")},
      row{"lastModifiedDateTime ge " + date, kind("lastModifiedDateTime", "GreaterThanOrEqual")},
      row{"lastModifiedDateTime eq " + date, kind("lastModifiedDateTime", "Equal")},
      row{"lastModifiedDateTime ne " + date, kind("lastModifiedDateTime", "NotEqual")},
      row{"lastModifiedDateTime gt " + date + " and lastModifiedDateTime le " + date,
          kind("lastModifiedDateTime", "LessThanOrEqual")},
      row{"createdDateTime gt " + date, kind("createdDateTime", "GreaterThan")},
      row{"subject eq 'x'", kind("subject", "Equal")},
      row{"importance eq 'high'", kind("importance", "Equal")},
      row{"from/user/displayName eq 'Megan Bowen'", kind("from/user/displayName", "Equal")},
      row{"from/user/id ne '" + megan_id + "'", kind("from/user/id", "NotEqual")},
      row{"from/application/applicationIdentityType ne 'bot'",
          kind("from/application/applicationIdentityType", "NotEqual")},
      row{"messageType gt 'systemEventMessage'", kind("messageType", "GreaterThan")},
      row{"lastModifiedDateTime gt '" + date + "'",
          "A binary operator with incompatible types was detected. Found operand types "
          "'Edm.DateTimeOffset' and "
          "'Edm.String' for operator kind 'GreaterThan'."},
      row{"lastModifiedDateTime gt 5",
          "Invalid $filter query: lastModifiedDateTime is compared with 5"},
      row{"messageType eq 'message'",
          "Invalid $filter query: 'message' is not a value of 'messageType'"},
      row{"from/user/userIdentityType eq 'guest'",
          "Invalid $filter query: 'guest' is not a value of 'from/user/userIdentityType'"},
      row{"from/application/applicationIdentityType eq 'Bot'",
          "Invalid $filter query: 'Bot' is not a value of "
          "'from/application/applicationIdentityType'"},
      row{"from/user/id eq " + megan_id,
          "Invalid $filter query: 'from/user/id' is compared with " + megan_id},
      row{"from/user/id eq null", "Invalid $filter query: 'from/user/id' is compared with null"},
      row{"not (from/user/id eq '" + megan_id + "')",
          "Invalid $filter query: 'not' is not supported"},
      row{"from/user/id in ('" + megan_id + "')", "Invalid $filter query: 'in' is not supported"},
      row{"lastModifiedDateTime gt " + date + " or from/user/id eq '" + megan_id + "'",
          "Invalid $filter query: lastModifiedDateTime can only be ANDed"},
      row{"(from/user/id eq '" + megan_id +
              "' and messageType ne 'systemEventMessage') or from/user/id eq '" + adele_id + "'",
          "Invalid $filter query: 'and' is not supported inside an 'or' group"},
      row{"from/user/any(u: u/id eq 'x')", "Invalid $filter query: lambda operators"},
      row{"from/user/id eq", "Invalid $filter query: syntax error at position 15"},
      row{"", "Invalid $filter query: syntax error at position 0"},
      row{"lastModifiedDateTime gt 2026-13-01T00:00:00Z", "Invalid $filter query: syntax error"},
      row{"from/user/id eq 'x' or " + std::string(5000, ' '),
          "Invalid $filter query: the filter is longer than 4096"});
  INFO(r.filter);
  const auto answer =
      get(g, export_url("adele@contoso.com", "model=A&" + filter_param(r.filter)), "exporter");
  CHECK(answer.status == 400);
  CHECK(error_code(answer) == "BadRequest");
  CHECK_THAT(error_message(answer), Catch::Matchers::StartsWith(r.message));
  if (r.message.rfind("Invalid $filter query: the filter is longer", 0) != 0) {
    CHECK_THAT(error_message(answer), contains_substring("Supported on getAllMessages:"));
  }
}
