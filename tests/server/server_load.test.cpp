// fakegraph::server under load: 8 keep-alive clients, 20,000 requests, all answered right.
#include <fakegraph/server.hpp>

#include "server_support.hpp"
#include "support/catch.hpp"

#include <algorithm>  // std::min
#include <atomic>     // std::atomic
#include <chrono>     // std::chrono::steady_clock
#include <cstddef>    // std::size_t
#include <mutex>      // std::mutex
#include <string>     // std::string
#include <thread>     // std::thread
#include <vector>     // std::vector

using nlohmann::json;

TEST_CASE("8 concurrent keep-alive clients, 20,000 requests: every answer right",
          "[server][load][concurrency]") {
  constexpr int clients = 8;
  constexpr int per_client = 2500;
  constexpr int adele_chats = 7;  // data/README.md
  // Generous: a sanitizer build on a loaded 2-core machine still finishes far inside it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(100);

  const auto g = fakegraph_test::default_world();
  fakegraph::server srv(g);

  // The answer for each $top, from the graph in process: a reply over HTTP must be the same
  // bytes. Comparing bytes instead of parsing 20,000 bodies keeps the client's share of the
  // (2-core, maybe sanitized) machine small.
  constexpr int tops = 9;  // 8 and 9 ask for more chats than there are
  std::vector<std::string> expected_body(tops + 1);
  for (int top = 1; top <= tops; ++top) {
    const auto r = g.handle({"GET",
                             srv.base_url() + "/v1.0/me/chats?$top=" + std::to_string(top),
                             {{"Authorization", "Bearer adele-read"}}});
    REQUIRE(r.status == 200);
    const json body = r.json();
    const int expected = std::min(top, adele_chats);
    REQUIRE(body["@odata.count"] == expected);
    REQUIRE(body["value"].size() == static_cast<std::size_t>(expected));
    REQUIRE(body.contains("@odata.nextLink") == (top < adele_chats));
    expected_body[static_cast<std::size_t>(top)] = r.body;
  }

  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::atomic<bool> out_of_time{false};
  std::mutex first_failure_mutex;
  std::string first_failure;
  auto fail = [&](const std::string& why) {
    failed.fetch_add(1);
    std::lock_guard<std::mutex> lock(first_failure_mutex);
    if (first_failure.empty()) first_failure = why;
  };

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client(srv.host(), srv.port());
      client.set_keep_alive(true);
      client.set_connection_timeout(std::chrono::seconds(10));
      client.set_read_timeout(std::chrono::seconds(10));
      const httplib::Headers headers = {{"Authorization", "Bearer adele-read"}};
      for (int i = 0; i < per_client; ++i) {
        if (std::chrono::steady_clock::now() > deadline) {
          out_of_time = true;
          return;
        }
        const int top = 1 + (c + i) % tops;
        const std::string target = "/v1.0/me/chats?$top=" + std::to_string(top);
        const auto res = client.Get(target.c_str(), headers);
        if (!res) {
          fail(target + ": " + httplib::to_string(res.error()));
          continue;
        }
        if (res->status != 200) {
          fail(target + ": status " + std::to_string(res->status) + " " + res->body);
          continue;
        }
        if (res->body != expected_body[static_cast<std::size_t>(top)]) {
          fail(target + ": wrong body " + res->body.substr(0, 200));
          continue;
        }
        ok.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  INFO("first failure: " << first_failure);
  CHECK_FALSE(out_of_time);
  CHECK(failed == 0);
  CHECK(ok == clients * per_client);
  // Information only (shown with -s): not a pass/fail figure.
  INFO("load: " << ok << " requests in " << seconds
                << " s = " << static_cast<long>(ok / (seconds > 0 ? seconds : 1)) << " requests/s");
  CHECK(seconds > 0);
  // Still serving afterwards.
  httplib::Client after(srv.host(), srv.port());
  const auto res = after.Get("/v1.0/me/chats", {{"Authorization", "Bearer adele-read"}});
  REQUIRE(res);
  CHECK(res->status == 200);
}
