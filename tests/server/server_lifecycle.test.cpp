// fakegraph::server: starting, stopping, binding, and its options.
#include <fakegraph/server.hpp>

#include "server_support.hpp"
#include "support/catch.hpp"

#include <chrono>   // std::chrono::steady_clock, seconds
#include <memory>   // std::unique_ptr, std::make_unique
#include <string>   // std::string, std::to_string
#include <thread>   // std::thread
#include <utility>  // std::move
#include <vector>   // std::vector

using fakegraph_test::default_world;
using fakegraph_test::error_id;

namespace {

// A handler that needs no seed: answers 200 with the URL it was given.
fakegraph::response echo_url(const fakegraph::request& r) {
  return {200, {{"Content-Type", "text/plain"}}, r.url};
}

}  // namespace

TEST_CASE("a server is ready when constructed and can be started and stopped 100 times",
          "[server]") {
  const auto g = default_world();
  for (int i = 0; i < 100; ++i) {
    fakegraph::server srv(g);
    REQUIRE(srv.running());
    REQUIRE(srv.port() > 0);
    REQUIRE(srv.base_url() == "http://127.0.0.1:" + std::to_string(srv.port()));
    if (i % 2 == 0) {
      // Served straight away: no wait between construction and the first request.
      httplib::Client client(srv.host(), srv.port());
      const auto res = client.Get("/v1.0/me/chats", {{"Authorization", "Bearer adele-read"}});
      REQUIRE(res);
      REQUIRE(res->status == 200);
    }
    // Odd rounds stop at once, racing the listener thread's start-up.
    srv.stop();
    REQUIRE_FALSE(srv.running());
  }
}

TEST_CASE("stop() is idempotent, safe from several threads, and the destructor after it",
          "[server][concurrency]") {
  fakegraph::server srv(echo_url);
  std::vector<std::thread> stoppers;
  for (int i = 0; i < 4; ++i) stoppers.emplace_back([&srv] { srv.stop(); });
  for (auto& t : stoppers) t.join();
  REQUIRE_FALSE(srv.running());
  srv.stop();
  REQUIRE_FALSE(srv.running());
  // After stop() nobody answers on the port.
  httplib::Client client(srv.host(), srv.port());
  client.set_connection_timeout(std::chrono::seconds(5));
  REQUIRE_FALSE(client.Get("/"));
}

TEST_CASE("stop() returns soon with an idle keep-alive client still connected", "[server]") {
  fakegraph::server srv(echo_url);
  httplib::Client client(srv.host(), srv.port());
  client.set_keep_alive(true);
  REQUIRE(client.Get("/a"));
  const auto start = std::chrono::steady_clock::now();
  srv.stop();
  // The worker holding the idle connection gives up within the 2 s keep-alive timeout.
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("a moved server keeps serving, the moved-from one is inert", "[server]") {
  fakegraph::server first(echo_url);
  const int port = first.port();
  fakegraph::server second(std::move(first));
  REQUIRE(second.port() == port);
  REQUIRE(second.running());
  REQUIRE_FALSE(first.running());  // NOLINT(bugprone-use-after-move): documented state
  first.stop();                    // NOLINT(bugprone-use-after-move)
  httplib::Client client(second.host(), second.port());
  const auto res = client.Get("/moved");
  REQUIRE(res);
  CHECK(res->body == second.base_url() + "/moved");
}

TEST_CASE("the server outlives the graph it was made from", "[server]") {
  std::unique_ptr<fakegraph::server> srv;
  {
    const auto g = default_world();
    srv = std::make_unique<fakegraph::server>(g);
  }
  httplib::Client client(srv->host(), srv->port());
  const auto res = client.Get("/v1.0/me/chats", {{"Authorization", "Bearer adele-read"}});
  REQUIRE(res);
  CHECK(res->status == 200);
}

TEST_CASE("a busy port is refused with fakegraph.server.bind", "[server]") {
  fakegraph::server first(echo_url);
  fakegraph::server_options same;
  same.port = first.port();
  CHECK(error_id([&] { fakegraph::server second(echo_url, same); }) == "fakegraph.server.bind");
  // The first server was not disturbed (no SO_REUSEPORT sharing of its connections).
  for (int i = 0; i < 4; ++i) {
    httplib::Client client(first.host(), first.port());
    const auto res = client.Get("/still-mine");
    REQUIRE(res);
    CHECK(res->body == first.base_url() + "/still-mine");
  }
}

TEST_CASE("a port asked for by number is the one bound", "[server]") {
  // Learn a free port, release it, then ask for it by number.
  int port = 0;
  {
    fakegraph::server probe(echo_url);
    port = probe.port();
  }
  fakegraph::server_options options;
  options.port = port;
  fakegraph::server srv(echo_url, options);
  CHECK(srv.port() == port);
  CHECK(srv.base_url() == "http://127.0.0.1:" + std::to_string(port));
}

TEST_CASE("bad options throw fakegraph::error with a stable id", "[server]") {
  fakegraph::server_options options;
  SECTION("port out of range") {
    options.port = 65536;
    CHECK(error_id([&] { fakegraph::server s(echo_url, options); }) == "fakegraph.server.options");
    options.port = -1;
    CHECK(error_id([&] { fakegraph::server s(echo_url, options); }) == "fakegraph.server.options");
  }
  SECTION("half a TLS pair") {
    options.tls_cert = "cert.pem";
    CHECK(error_id([&] { fakegraph::server s(echo_url, options); }) == "fakegraph.server.options");
  }
  SECTION("an unknown host") {
    options.host = "no-such-host.invalid";
    CHECK(error_id([&] { fakegraph::server s(echo_url, options); }) == "fakegraph.server.bind");
  }
  SECTION("an empty handler") {
    CHECK(error_id([&] { fakegraph::server s(fakegraph::server::handler{}, options); }) ==
          "fakegraph.server.options");
  }
}

TEST_CASE("the message of a bind failure names the address", "[server]") {
  fakegraph::server first(echo_url);
  fakegraph::server_options same;
  same.port = first.port();
  try {
    fakegraph::server second(echo_url, same);
    FAIL("bound a busy port");
  } catch (const fakegraph::error& e) {
    CHECK_THAT(e.what(),
               fakegraph_test::contains_substring("127.0.0.1:" + std::to_string(first.port())));
    CHECK_THAT(e.what(), fakegraph_test::contains_substring("[fakegraph.server.bind]"));
  }
}
