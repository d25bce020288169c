// What the getAllMessages tests share: default-world facts, export URLs, small worlds, and
// an oracle that computes a user's export from the seed JSON alone. The default world, the
// requests, the walks and the error accessors are the shared ones of support/fixtures.hpp,
// named here too (gam_test::get, gam_test::follow_links, ...).
#pragma once

#include <fakegraph/fakegraph.hpp>

#include <nlohmann/json.hpp>  // nlohmann::json
#include "support/internals.hpp"

#include <algorithm>   // std::sort
#include <functional>  // std::function
#include <map>         // std::map
#include <string>      // std::string
#include <tuple>       // std::tuple, std::get
#include <vector>      // std::vector

#include "support/fixtures.hpp"

namespace gam_test {

using fakegraph_test::default_seed;
using fakegraph_test::default_world;
using fakegraph_test::error_code;
using fakegraph_test::error_message;
using fakegraph_test::follow_links;
using fakegraph_test::get;
using fakegraph_test::ids_of;
using fakegraph_test::walk_result;

// Default-world facts (data/README.md).
inline const std::string adele_id = "8b081ef6-4792-4def-b2c9-c363a1bf41d5";
inline const std::string megan_id = "0b1c6a96-b1f5-4ab2-8f4a-a46764e29b77";
inline const std::string launch_id = "19:fba5913dd74162ad849c812d81852b2a@thread.v2";
inline constexpr const char* context_url =
    "https://graph.microsoft.com/v1.0/$metadata#Collection(chatMessage)";

/// `/v1.0/users/<user>/chats/getAllMessages[?query]`.
inline std::string export_url(const std::string& user, const std::string& query = "") {
  return "/v1.0/users/" + user + "/chats/getAllMessages" + (query.empty() ? "" : "?" + query);
}

/// The export of `user` (id or UPN) computed from the seed alone: the user's chats, from
/// their visibleHistoryStartDateTime on, without messages deleted more than 21 days before
/// `now`, ordered by (createdDateTime, chat id, id), kept when `keep(message, chat)` holds.
inline std::vector<std::string> oracle(
    const nlohmann::json& seed, const std::string& user, fakegraph::timestamp now,
    const std::function<bool(const nlohmann::json&, const nlohmann::json&)>& keep = {}) {
  std::map<std::string, std::string> upn_to_id;
  for (const auto& u : seed.at("users"))
    upn_to_id[u.at("userPrincipalName").get<std::string>()] = u.at("id").get<std::string>();
  auto id_of = [&](const std::string& key) {
    auto it = upn_to_id.find(key);
    return it == upn_to_id.end() ? key : it->second;
  };
  const std::string who = id_of(user);
  std::vector<std::tuple<fakegraph::timestamp, std::string, std::string>> rows;
  for (const auto& c : seed.at("chats")) {
    const nlohmann::json* member = nullptr;
    for (const auto& m : c.at("members"))
      if (id_of(m.at("user").get<std::string>()) == who) member = &m;
    if (!member) continue;
    const fakegraph::timestamp since =
        member->contains("visibleHistoryStartDateTime")
            ? *fakegraph::parse_time(member->at("visibleHistoryStartDateTime").get<std::string>())
            : fakegraph::null_date;
    if (!c.contains("messages")) continue;
    for (const auto& m : c.at("messages")) {
      const fakegraph::timestamp created =
          *fakegraph::parse_time(m.at("createdDateTime").get<std::string>());
      if (created < since) continue;
      if (m.contains("deletedDateTime") && m.at("deletedDateTime").is_string() &&
          *fakegraph::parse_time(m.at("deletedDateTime").get<std::string>()) <
              now - 21LL * 24 * 3600 * 1000)
        continue;
      if (keep && !keep(m, c)) continue;
      rows.emplace_back(created, c.at("id").get<std::string>(), m.at("id").get<std::string>());
    }
  }
  std::sort(rows.begin(), rows.end());
  std::vector<std::string> ids;
  for (const auto& r : rows) ids.push_back(std::get<2>(r));
  return ids;
}

/// The default world's "now" (settings.now).
inline fakegraph::timestamp contoso_now() { return *fakegraph::parse_time("2026-11-01T12:00:00Z"); }

/// A small world: one tenant, `ann` (licensed) and `bob` (unlicensed) in one group chat
/// with `messages` messages one minute apart from 2026-01-10T09:00:00Z, `cy` in no chat,
/// a billing app (token `paid`, second token `paid-2`) and an app without billing (token
/// `eval`). `settings` is merged over {now: 2026-01-31T23:00:00Z, metering: legacy}.
inline nlohmann::json small_world(int messages,
                                  const nlohmann::json& settings = nlohmann::json::object()) {
  nlohmann::json s = {{"now", "2026-01-31T23:00:00Z"}, {"metering", "legacy"}};
  s.update(settings);
  const std::string tenant = "11111111-1111-4111-8111-111111111111";
  nlohmann::json msgs = nlohmann::json::array();
  const fakegraph::timestamp start = *fakegraph::parse_time("2026-01-10T09:00:00Z");
  for (int i = 0; i < messages; ++i) {
    const fakegraph::timestamp t = start + static_cast<fakegraph::timestamp>(i) * 60000 + 7;
    msgs.push_back(
        {{"id", std::to_string(t)},
         {"from", {{"user", i % 2 ? "bob@example.com" : "ann@example.com"}}},
         {"createdDateTime", fakegraph::format_time(t)},
         {"body", {{"contentType", "text"}, {"content", "message " + std::to_string(i)}}}});
  }
  return {{"settings", s},
          {"tenants", {{{"id", tenant}, {"displayName", "Example"}}}},
          {"users",
           {{{"id", "aaaaaaaa-0000-4000-8000-000000000001"},
             {"userPrincipalName", "ann@example.com"},
             {"displayName", "Ann"},
             {"licenses", {"teamsComplianceDlp"}}},
            {{"id", "aaaaaaaa-0000-4000-8000-000000000002"},
             {"userPrincipalName", "bob@example.com"},
             {"displayName", "Bob"}},
            {{"id", "aaaaaaaa-0000-4000-8000-000000000003"},
             {"userPrincipalName", "cy@example.com"},
             {"displayName", "Cy"}}}},
          {"applications",
           {{{"appId", "bbbbbbbb-0000-4000-8000-000000000001"},
             {"displayName", "Paid"},
             {"billing", true}},
            {{"appId", "bbbbbbbb-0000-4000-8000-000000000002"},
             {"displayName", "Eval"},
             {"billing", false}}}},
          {"chats",
           {{{"id", "19:00000000000000000000000000000001@thread.v2"},
             {"chatType", "group"},
             {"topic", "Small"},
             {"createdDateTime", "2026-01-10T08:00:00Z"},
             {"members", {{{"user", "ann@example.com"}}, {{"user", "bob@example.com"}}}},
             {"messages", msgs}}}},
          {"tokens",
           {{{"token", "paid"},
             {"application", "bbbbbbbb-0000-4000-8000-000000000001"},
             {"roles", {"Chat.Read.All"}}},
            {{"token", "paid-2"},
             {"application", "bbbbbbbb-0000-4000-8000-000000000001"},
             {"roles", {"Chat.ReadWrite.All"}}},
            {{"token", "eval"},
             {"application", "bbbbbbbb-0000-4000-8000-000000000002"},
             {"roles", {"Chat.Read.All"}}}}}};
}

/// `$filter=<text>` with what a URL cannot carry raw percent-encoded (a '+' would be a space).
inline std::string filter_param(const std::string& text) {
  std::string out = "$filter=";
  for (const char c : text) {
    if (c == ' ')
      out += "%20";
    else if (c == '+')
      out += "%2B";
    else if (c == '&')
      out += "%26";
    else if (c == '#')
      out += "%23";
    else if (c == '%')
      out += "%25";
    else
      out += c;
  }
  return out;
}

}  // namespace gam_test
