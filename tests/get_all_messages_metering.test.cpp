// chats: getAllMessages — payment models (settings.metering): model A, model B, the
// evaluation quota, and metering "none".
#include <fakegraph/fakegraph.hpp>

#include <nlohmann/json.hpp>  // nlohmann::json
#include "support/internals.hpp"

#include <atomic>  // std::atomic
#include <chrono>  // std::chrono::minutes
#include <string>  // std::string
#include <thread>  // std::thread
#include <vector>  // std::vector

#include "get_all_messages_support.hpp"
#include "support/catch.hpp"

using namespace gam_test;
using fakegraph_test::contains_substring;
using nlohmann::json;

namespace {

const std::string billing_fragment =
    "To call this API, the app must be associated with an Azure subscription, see "
    "https://aka.ms/teams-api-payment-requirements for details.";
const std::string license_fragment = "needs a valid license to access this API";
const std::string evaluation_fragment =
    "evaluation mode capacity has been exceeded. Use a valid billing model";

void check_402(const fakegraph::response& r, const std::string& fragment) {
  CHECK(r.status == 402);
  CHECK(error_code(r) == "PaymentRequired");
  CHECK_THAT(error_message(r), contains_substring(fragment));
}

}  // namespace

TEST_CASE("getAllMessages model=A needs the user's licence and the app's billing",
          "[getAllMessages]") {
  const auto g = default_world();
  CHECK(get(g, export_url("adele@contoso.com", "model=A"), "exporter").status == 200);
  CHECK(get(g, export_url("lynne@contoso.com", "model=A"), "exporter").status == 200);
  SECTION("an unlicensed user") {
    for (const char* user : {"megan@contoso.com", "alex@contoso.com"}) {
      INFO(user);
      const auto r = get(g, export_url(user, "model=A"), "exporter");
      check_402(r, license_fragment);
      CHECK_THAT(error_message(r), contains_substring(user));
    }
    check_402(get(g, export_url("kat@fabrikam.com", "model=A"), "fabrikam-exporter"),
              license_fragment);
  }
  SECTION("an app without billing, even for a licensed user") {
    check_402(get(g, export_url("adele@contoso.com", "model=A"), "eval-exporter"),
              billing_fragment);
  }
  SECTION("an unlicensed user is fine under model=B") {
    CHECK(get(g, export_url("megan@contoso.com", "model=B"), "exporter").status == 200);
  }
}

TEST_CASE("getAllMessages model=B needs the app's billing only", "[getAllMessages]") {
  const auto g = default_world();
  CHECK(get(g, export_url("megan@contoso.com", "model=B"), "exporter").status == 200);
  const auto r = get(g, export_url("megan@contoso.com", "model=B"), "eval-exporter");
  check_402(r, billing_fragment);
  CHECK_THAT(error_message(r), contains_substring("2b164095-6f02-424f-9f4e-2166ede18709"));
}

TEST_CASE("getAllMessages refuses other model values", "[getAllMessages]") {
  const auto g = default_world();
  for (const char* model : {"model=C", "model=", "model=a", "model=AB", "Model=Z"}) {
    INFO(model);
    const auto r = get(g, export_url("adele@contoso.com", model), "exporter");
    CHECK(r.status == 400);
    CHECK(error_code(r) == "BadRequest");
    CHECK_THAT(error_message(r), contains_substring("for the query parameter 'model'"));
  }
  CHECK(get(g, export_url("adele@contoso.com", "Model=B"), "exporter").status ==
        200);  // names ignore case
}

TEST_CASE("getAllMessages with metering none accepts and ignores model", "[getAllMessages]") {
  const auto g =
      fakegraph::graph::from_json(small_world(30, {{"metering", "none"}, {"evaluationQuota", 1}}));
  const auto expected = ids_of(get(g, export_url("ann@example.com", "$top=50"), "paid"));
  REQUIRE(expected.size() == 30);
  for (const char* model : {"model=A", "model=B", "model=C", "model="}) {
    INFO(model);
    const auto as_bob =
        get(g, export_url("bob@example.com", std::string("$top=50&") + model), "eval");
    REQUIRE(as_bob.status == 200);  // no licence, no billing: nothing is checked
    CHECK(ids_of(as_bob) == expected);
  }
  // No evaluation quota either.
  for (int i = 0; i < 3; ++i)
    CHECK(get(g, export_url("ann@example.com", "$top=50"), "eval").status == 200);
}

TEST_CASE("getAllMessages evaluation mode: a monthly quota of messages per app and tenant",
          "[getAllMessages]") {
  auto g = fakegraph::graph::from_json(small_world(12, {{"evaluationQuota", 5}}));
  const std::string url = export_url("ann@example.com", "$top=3");

  SECTION("each message counts; the page that crosses the quota is cut, then 402") {
    const auto first = get(g, url, "eval");
    REQUIRE(first.status == 200);
    CHECK(first.json()["value"].size() == 3);
    const auto second = get(g, first.json()["@odata.nextLink"].get<std::string>(), "eval");
    REQUIRE(second.status == 200);
    CHECK(second.json()["@odata.count"] == 2);  // 2 of the 3 asked for: the quota's rest
    REQUIRE(second.json().contains("@odata.nextLink"));
    const auto third = get(g, second.json()["@odata.nextLink"].get<std::string>(), "eval");
    check_402(third, evaluation_fragment);
    CHECK_THAT(error_message(third), contains_substring("2026-01"));
    // What came back is the start of the export, in order, nothing skipped.
    std::vector<std::string> got = ids_of(first);
    for (const auto& id : ids_of(second)) got.push_back(id);
    const auto all = ids_of(get(g, export_url("ann@example.com", "model=B&$top=50"), "paid"));
    CHECK(got == std::vector<std::string>(all.begin(), all.begin() + 5));
  }
  SECTION("the quota is the app's in its tenant, whichever user is named") {
    REQUIRE(get(g, export_url("ann@example.com", "$top=5"), "eval").status == 200);
    check_402(get(g, export_url("bob@example.com", "$top=1"), "eval"), evaluation_fragment);
    // Another application has its own quota.
    CHECK(get(g, export_url("bob@example.com", "$top=5"), "paid").json()["value"].size() == 5);
    check_402(get(g, export_url("bob@example.com", "$top=1"), "paid-2"),
              evaluation_fragment);  // same app, other token
    // A paid model does not touch the quota.
    CHECK(get(g, export_url("bob@example.com", "model=B&$top=5"), "paid").status == 200);
  }
  SECTION("an empty page is free, but refused once the quota is spent") {
    for (int i = 0; i < 10; ++i)
      REQUIRE(get(g, export_url("cy@example.com"), "eval").status == 200);
    CHECK(get(g, export_url("ann@example.com", "$top=5"), "eval").json()["value"].size() == 5);
    check_402(get(g, export_url("cy@example.com"), "eval"), evaluation_fragment);
  }
  SECTION("the quota renews with the calendar month of the graph's clock") {
    g.clock().set(*fakegraph::parse_time("2026-01-31T23:59:59.999Z"));
    REQUIRE(get(g, export_url("ann@example.com", "$top=5"), "eval").status == 200);
    check_402(get(g, url, "eval"), evaluation_fragment);
    g.clock().advance(std::chrono::milliseconds(1));  // 2026-02-01T00:00:00Z
    const auto february = get(g, export_url("ann@example.com", "$top=10"), "eval");
    REQUIRE(february.status == 200);
    CHECK(february.json()["value"].size() == 5);
    check_402(get(g, url, "eval"), evaluation_fragment);
    CHECK_THAT(error_message(get(g, url, "eval")), contains_substring("2026-02"));
    g.clock().set(*fakegraph::parse_time("2026-01-15T00:00:00Z"));  // January stays spent
    check_402(get(g, url, "eval"), evaluation_fragment);
    g.clock().set(*fakegraph::parse_time("2027-01-01T00:00:00Z"));  // a year on: a new month
    CHECK(get(g, url, "eval").status == 200);
  }
}

TEST_CASE("getAllMessages evaluation quota of the default world: exactly 500 messages a month",
          "[getAllMessages]") {
  const auto g = default_world();
  std::size_t received = 0;
  int walks = 0;
  fakegraph::response last;
  while (walks < 100) {
    ++walks;
    const auto w = follow_links(g, export_url("adele@contoso.com", "$top=50"), "eval-exporter");
    received += w.items.size();
    last = w.last;
    if (w.last.status != 200) break;
  }
  check_402(last, evaluation_fragment);
  CHECK(received == 500);
  CHECK(walks == 16);  // 15 whole walks of 32, then 20 of the 16th
  // The Compliance exporter's own evaluation quota is untouched.
  CHECK(get(g, export_url("adele@contoso.com", "$top=50"), "exporter").json()["value"].size() ==
        32);
}

TEST_CASE("getAllMessages evaluation quota holds under concurrent callers",
          "[getAllMessages][concurrency]") {
  const auto g = fakegraph::graph::from_json(small_world(40, {{"evaluationQuota", 101}}));
  std::atomic<std::size_t> received{0};
  std::atomic<int> refused{0}, failed{0};
  auto caller = [&] {
    for (int i = 0; i < 30; ++i) {
      const auto r = get(g, export_url("ann@example.com", "$top=7"), "eval");
      if (r.status == 200)
        received += r.json()["value"].size();
      else if (r.status == 402)
        ++refused;
      else
        ++failed;
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(caller);
  for (auto& t : threads) t.join();
  CHECK(failed == 0);
  CHECK(received == 101);
  CHECK(refused > 0);
}
