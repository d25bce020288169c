// chats: getAllMessages — nextLinks, skiptokens, and the paging guarantee under concurrent writers.
#include <fakegraph/fakegraph.hpp>

#include <nlohmann/json.hpp>  // nlohmann::json
#include "support/internals.hpp"

#include <atomic>   // std::atomic
#include <cstdint>  // std::uint64_t
#include <map>      // std::map
#include <random>   // std::mt19937_64, std::uniform_int_distribution
#include <string>   // std::string
#include <thread>   // std::thread, std::this_thread::yield
#include <tuple>    // std::tuple
#include <vector>   // std::vector

#include "get_all_messages_support.hpp"
#include "support/catch.hpp"

using namespace gam_test;
using nlohmann::json;

namespace {

// The decoded query parameters of a URL, by name.
std::map<std::string, std::string> params_of(const std::string& url) {
  std::map<std::string, std::string> out;
  const auto params = fakegraph::detail::parse_query(fakegraph::detail::split_url(url).query);
  for (const auto& p : *params) out[p.name] = p.value;
  return out;
}

std::string next_link(const fakegraph::response& r) {
  REQUIRE(r.status == 200);
  const json page = r.json();
  REQUIRE(page.contains("@odata.nextLink"));
  return page["@odata.nextLink"].get<std::string>();
}

// `url` with its $skiptoken replaced by `token`.
std::string with_token(const std::string& url, const std::string& token) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "$skiptoken=" + token;
}

void check_invalid_token(const fakegraph::response& r) {
  CHECK(r.status == 400);
  CHECK(error_code(r) == "BadRequest");
  CHECK(error_message(r) == "Invalid continuation token");
}

}  // namespace

TEST_CASE("getAllMessages nextLink keeps the path and every option, and adds a skiptoken",
          "[getAllMessages]") {
  const auto g = default_world();
  const std::string filter = "messageType ne 'systemEventMessage'";
  const std::string url =
      "/v1.0/users/adele%40contoso.com/chats/getAllMessages?model=A&$top=2&" + filter_param(filter);
  const std::string first = next_link(get(g, url, "exporter"));
  CHECK_THAT(
      first,
      Catch::Matchers::StartsWith(
          "https://graph.microsoft.com/v1.0/users/adele%40contoso.com/chats/getAllMessages?"));
  auto p = params_of(first);
  CHECK(p.size() == 4);
  CHECK(p["model"] == "A");
  CHECK(p["$top"] == "2");
  CHECK(p["$filter"] == filter);
  CHECK_FALSE(p["$skiptoken"].empty());

  const auto second = get(g, first, "exporter");
  CHECK(second.json()["@odata.count"] == 2);
  const std::string next = next_link(second);
  auto q = params_of(next);
  CHECK(q.size() == 4);
  CHECK(q["$filter"] == filter);
  CHECK(q["$skiptoken"] != p["$skiptoken"]);  // one $skiptoken, the new one
}

TEST_CASE("getAllMessages: walking every page gives the whole list once", "[getAllMessages]") {
  const auto g = default_world();
  const auto expected = oracle(default_seed(), "adele@contoso.com", contoso_now());
  REQUIRE(expected.size() == 32);
  const int top = GENERATE(1, 2, 3, 5, 8, 13, 31, 32, 50);
  INFO("$top=" << top);
  const auto w = follow_links(
      g, export_url("adele@contoso.com", "model=A&$top=" + std::to_string(top)), "exporter");
  REQUIRE(w.last.status == 200);
  CHECK(w.ids() == expected);
  // Full pages, then the rest; never an empty trailing page.
  for (std::size_t i = 0; i + 1 < w.page_sizes.size(); ++i)
    CHECK(w.page_sizes[i] == static_cast<std::size_t>(top));
  CHECK(w.page_sizes.back() > 0);
  CHECK(w.page_sizes.size() ==
        (expected.size() + static_cast<std::size_t>(top) - 1) / static_cast<std::size_t>(top));

  SECTION("and with a filter") {
    const std::string filter =
        "lastModifiedDateTime gt 2026-09-01T00:00:00Z and lastModifiedDateTime lt "
        "2026-10-20T00:00:00Z";
    const auto whole = follow_links(
        g, export_url("adele@contoso.com", "model=A&$top=50&" + filter_param(filter)), "exporter");
    const auto paged =
        follow_links(g,
                     export_url("adele@contoso.com",
                                "model=A&$top=" + std::to_string(top) + "&" + filter_param(filter)),
                     "exporter");
    REQUIRE(whole.page_sizes.size() == 1);
    CHECK(paged.ids() == whole.ids());
  }
}

TEST_CASE("getAllMessages refuses tampered and foreign skiptokens", "[getAllMessages]") {
  const auto g = default_world();
  const std::string base = export_url("adele@contoso.com", "model=A&$top=2");
  const std::string link = next_link(get(g, base, "exporter"));
  const std::string token = params_of(link)["$skiptoken"];
  REQUIRE(get(g, link, "exporter").status == 200);
  REQUIRE(get(g, link, "exporter-readwrite").status == 200);  // the same application

  SECTION("tampered") {
    for (const std::size_t at :
         {std::size_t{0}, token.size() / 3, token.find('~') + 1, token.size() - 1}) {
      std::string bad = token;
      bad[at] = bad[at] == 'A' ? 'B' : 'A';
      INFO(bad);
      check_invalid_token(get(g, with_token(base, bad), "exporter"));
    }
    check_invalid_token(get(g, with_token(base, token.substr(0, token.find('~'))), "exporter"));
    check_invalid_token(get(g, with_token(base, "garbage"), "exporter"));
    check_invalid_token(get(g, with_token(base, ""), "exporter"));
  }
  SECTION("another user") {
    check_invalid_token(
        get(g, with_token(export_url("megan@contoso.com", "model=A&$top=2"), token), "exporter"));
  }
  SECTION("other options") {
    check_invalid_token(
        get(g, with_token(export_url("adele@contoso.com", "model=A&$top=3"), token), "exporter"));
    check_invalid_token(
        get(g, with_token(export_url("adele@contoso.com", "model=B&$top=2"), token), "exporter"));
    check_invalid_token(
        get(g, with_token(export_url("adele@contoso.com", "$top=2"), token), "exporter"));
    check_invalid_token(
        get(g,
            with_token(
                export_url("adele@contoso.com",
                           "model=A&$top=2&" + filter_param("messageType ne 'systemEventMessage'")),
                token),
            "exporter"));
  }
  SECTION("another application") { check_invalid_token(get(g, link, "eval-exporter")); }
  SECTION("a List chats token") {
    const std::string chats_link =
        next_link(get(g, "/v1.0/users/adele@contoso.com/chats?$top=2", "exporter"));
    check_invalid_token(get(
        g,
        with_token(export_url("adele@contoso.com", "$top=2"), params_of(chats_link)["$skiptoken"]),
        "exporter"));
  }
  SECTION("another graph (other idSeed)") {
    json seed = default_seed();
    seed["settings"]["idSeed"] = 7;
    const auto other = fakegraph::graph::from_json(seed);
    check_invalid_token(get(other, link, "exporter"));
  }
}

TEST_CASE("getAllMessages paging holds while other threads add messages",
          "[getAllMessages][concurrency]") {
  const json seed = small_world(200);
  auto g = fakegraph::graph::from_json(seed);
  const auto original =
      oracle(seed, "ann@example.com", *fakegraph::parse_time("2026-01-31T23:00:00Z"));
  REQUIRE(original.size() == 200);
  const fakegraph::timestamp first = *fakegraph::parse_time("2026-01-10T09:00:00Z");
  const std::string chat_id = seed["chats"][0]["id"];

  std::atomic<int> added{0};
  std::atomic<bool> stop{false};
  constexpr int per_writer = 1500;
  auto writer = [&](int which) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(which) + 1);
    // Times from an hour before the first message to an hour after the last: new
    // messages land before, inside and after every page the reader asks for.
    std::uniform_int_distribution<fakegraph::timestamp> when(first - 3600000,
                                                             first + 200 * 60000 + 3600000);
    for (int i = 0; i < per_writer && !stop; ++i) {
      fakegraph::message_spec m(which ? "bob@example.com" : "ann@example.com", "written meanwhile",
                                when(rng));
      m.id = "w" + std::to_string(which) + "-" + std::to_string(i);
      g.add_message(chat_id, m);
      ++added;
      std::this_thread::yield();
    }
  };
  std::thread w0(writer, 0), w1(writer, 1);

  std::vector<std::vector<std::string>> walks;
  std::vector<std::vector<std::tuple<std::string, std::string>>> keys;
  int pages = 0;
  std::string error;
  for (int round = 0; round < 4 && error.empty(); ++round) {
    std::vector<std::string> ids;
    std::vector<std::tuple<std::string, std::string>> k;
    std::string url = export_url("ann@example.com", "model=B&$top=7");
    for (;;) {
      const int seen = added;
      const auto r = get(g, url, "paid");
      if (r.status != 200) {
        error = r.body;
        break;
      }
      ++pages;
      const json page = r.json();
      for (const auto& m : page["value"]) {
        ids.push_back(m["id"].get<std::string>());
        k.emplace_back(m["createdDateTime"].get<std::string>(), m["id"].get<std::string>());
      }
      if (!page.contains("@odata.nextLink")) break;
      url = page["@odata.nextLink"].get<std::string>();
      // Let at least one write land between two pages (no sleeping: spin until it has).
      while (added == seen && added < 2 * per_writer) std::this_thread::yield();
    }
    walks.push_back(ids);
    keys.push_back(k);
  }
  stop = true;
  w0.join();
  w1.join();

  INFO(error);
  REQUIRE(error.empty());
  CHECK(added > 0);
  CHECK(pages > 4 * 200 / 7);
  for (std::size_t i = 0; i < walks.size(); ++i) {
    INFO("walk " << i);
    std::map<std::string, int> count;
    for (const auto& id : walks[i]) ++count[id];
    for (const auto& [id, n] : count) CHECK(n == 1);        // nothing twice
    for (const auto& id : original) CHECK(count[id] == 1);  // everything that was there, once
    for (std::size_t j = 1; j < keys[i].size(); ++j) {      // in order (one chat: time, then id)
      const auto ta = *fakegraph::parse_time(std::get<0>(keys[i][j - 1]));
      const auto tb = *fakegraph::parse_time(std::get<0>(keys[i][j]));
      CHECK((ta < tb || (ta == tb && std::get<1>(keys[i][j - 1]) < std::get<1>(keys[i][j]))));
    }
  }
}
