// The fakegraph-server program, started as a child process.
#include <fakegraph/server.hpp>

#include "server_support.hpp"
#include "support/catch.hpp"

#include <chrono>   // std::chrono::seconds
#include <csignal>  // SIGTERM, SIGINT
#include <regex>    // std::regex_match (the ready line)
#include <string>   // std::string, std::stoi
#include <vector>   // std::vector

using fakegraph_test::child_process;
using fakegraph_test::contains_substring;
using nlohmann::json;

#ifdef FAKEGRAPH_SERVER_EXE

namespace {

constexpr auto patience = std::chrono::seconds(30);

std::vector<std::string> program(std::vector<std::string> args) {
  args.insert(args.begin(), FAKEGRAPH_SERVER_EXE);
  return args;
}

// The port in the ready line, or 0 when the line is not the documented one.
int ready_port(const std::string& line, const std::string& scheme = "http") {
  std::smatch m;
  if (!std::regex_match(
          line, m, std::regex("fakegraph listening on " + scheme + "://127\\.0\\.0\\.1:([0-9]+)")))
    return 0;
  return std::stoi(m[1]);
}

}  // namespace

TEST_CASE("fakegraph-server: ready line, a request, a log line, exit 0 on SIGTERM or SIGINT",
          "[server][program]") {
  const int sig = GENERATE(SIGTERM, SIGINT);
  INFO("signal " << sig);
  child_process child(program({"--data", fakegraph_test::data_file(), "--port", "0"}));
  const auto line = child.first_stdout_line(patience);
  REQUIRE(line);
  const int port = ready_port(*line);
  INFO(*line);
  REQUIRE(port > 0);

  httplib::Client client("127.0.0.1", port);
  const auto res = client.Get("/v1.0/me/chats?$top=2", {{"Authorization", "Bearer adele-read"}});
  REQUIRE(res);
  CHECK(res->status == 200);
  const json body = json::parse(res->body);
  CHECK(body["@odata.count"] == 2);
  CHECK(body["@odata.nextLink"].get<std::string>().rfind(
            "http://127.0.0.1:" + std::to_string(port) + "/", 0) == 0);

  child.send_signal(sig);
  const auto status = child.wait(patience);
  REQUIRE(status);
  CHECK(*status == 0);
  CHECK(child.out() == *line + "\n");  // exactly one line on stdout
  CHECK_THAT(child.err(), contains_substring("GET /v1.0/me/chats?$top=2 200 "));
}

TEST_CASE("fakegraph-server serves the built-in default world without --data",
          "[server][program]") {
  child_process child(program({"--port", "0"}));
  const auto line = child.first_stdout_line(patience);
  REQUIRE(line);
  const int port = ready_port(*line);
  REQUIRE(port > 0);
  httplib::Client client("127.0.0.1", port);
  const std::string target = "/v1.0/me/chats?$top=50";
  const auto res = client.Get(target.c_str(), {{"Authorization", "Bearer adele-read"}});
  REQUIRE(res);
  // The default world is data/contoso.json, embedded at build time.
  const auto expected =
      fakegraph_test::default_world().handle({"GET",
                                              "http://127.0.0.1:" + std::to_string(port) + target,
                                              {{"Authorization", "Bearer adele-read"}}});
  CHECK(res->status == expected.status);
  CHECK(res->body == expected.body);
  child.send_signal(SIGTERM);
  const auto status = child.wait(patience);
  REQUIRE(status);
  CHECK(*status == 0);
}

TEST_CASE("fakegraph-server --help", "[server][program]") {
  child_process child(program({"--help"}));
  const auto status = child.wait(patience);
  REQUIRE(status);
  CHECK(*status == 0);
  CHECK_THAT(child.out(), contains_substring("Usage: fakegraph-server"));
  CHECK_THAT(child.out(), contains_substring("--tls-cert"));
  // The self-signed certificate recipe, on one line so it can be copied.
  CHECK_THAT(child.out(), contains_substring(
                              "\n  openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out "
                              "cert.pem -days 365 -subj /CN=localhost -addext "
                              "subjectAltName=DNS:localhost,IP:127.0.0.1\n"));
}

TEST_CASE("fakegraph-server: the clock runs unless --clock fixed, --no-admin turns the plane off",
          "[server][program][control]") {
  struct mode {
    std::vector<std::string> args;
    int clock_status;  // GET /_fakegraph/clock
    bool running;
  };
  const auto m = GENERATE(values<mode>({{{}, 200, true},
                                        {{"--clock", "running"}, 200, true},
                                        {{"--clock=fixed"}, 200, false},
                                        {{"--no-admin"}, 400, true}}));
  std::vector<std::string> args = {"--data", fakegraph_test::data_file(), "--port", "0"};
  args.insert(args.end(), m.args.begin(), m.args.end());
  child_process child(program(args));
  const auto line = child.first_stdout_line(patience);
  REQUIRE(line);
  CHECK(line->find("control plane off") == std::string::npos);  // loopback: never refused
  const int port = ready_port(*line);
  REQUIRE(port > 0);
  httplib::Client client("127.0.0.1", port);
  const auto res = client.Get("/_fakegraph/clock");
  REQUIRE(res);
  CHECK(res->status == m.clock_status);
  if (m.clock_status == 200) {
    const json clock = json::parse(res->body);
    CHECK(clock["running"] == m.running);
    // The seed's settings.now is where the clock starts, running or not.
    CHECK(clock["now"].get<std::string>().rfind("2026-11-01T12:00:0", 0) == 0);
  }
  child.send_signal(SIGTERM);
  const auto status = child.wait(patience);
  REQUIRE(status);
  CHECK(*status == 0);
}

TEST_CASE("fakegraph-server --quiet answers without a line per request", "[server][program]") {
  child_process child(
      program({"--data", fakegraph_test::data_file(), "--port", "0", "--quiet", "--no-admin"}));
  const auto line = child.first_stdout_line(patience);
  REQUIRE(line);
  httplib::Client client("127.0.0.1", ready_port(*line));
  const auto res = client.Get("/v1.0/me/chats?$top=2", {{"Authorization", "Bearer adele-read"}});
  REQUIRE(res);
  CHECK(res->status == 200);
  child.send_signal(SIGTERM);
  const auto status = child.wait(patience);
  REQUIRE(status);
  CHECK(*status == 0);
  CHECK(child.err().find("/v1.0/me/chats") == std::string::npos);
  CHECK_THAT(child.err(), contains_substring("stopping on SIGTERM"));
}

TEST_CASE("fakegraph-server keeps a bounded journal: --journal N entries, 0 for none",
          "[server][program][control]") {
  struct budget {
    std::string entries;
    std::size_t kept;  // of 3 requests
  };
  const auto b = GENERATE(values<budget>({{"2", 2}, {"0", 0}, {"1000", 3}}));
  child_process child(program({"--data", fakegraph_test::data_file(), "--port", "0", "--journal",
                               b.entries, "--journal-mib", "1"}));
  const auto line = child.first_stdout_line(patience);
  REQUIRE(line);
  httplib::Client client("127.0.0.1", ready_port(*line));
  for (int i = 0; i < 3; ++i)
    REQUIRE(client.Get("/v1.0/me/chats", {{"Authorization", "Bearer adele-read"}}));
  const auto journal = client.Get("/_fakegraph/journal");
  REQUIRE(journal);
  REQUIRE(journal->status == 200);
  CHECK(json::parse(journal->body)["value"].size() == b.kept);
  child.send_signal(SIGTERM);
  const auto status = child.wait(patience);
  REQUIRE(status);
  CHECK(*status == 0);
}

TEST_CASE("fakegraph-server refuses bad flags with status 2 and says why", "[server][program]") {
  struct bad_case {
    std::vector<std::string> args;
    std::string message;
  };
  const auto c = GENERATE(values<bad_case>({
      {{"--bogus"}, "unknown option '--bogus'"},
      {{"--port"}, "option '--port' needs a value"},
      {{"--port", "abc"}, "--port needs a number from 0 to 65535, not 'abc'"},
      {{"--port", "65536"}, "--port needs a number from 0 to 65535, not '65536'"},
      {{"--port=-1"}, "--port needs a number from 0 to 65535, not '-1'"},
      {{"--tls-cert", "cert.pem"}, "--tls-cert and --tls-key go together"},
      {{"--data="}, "--data needs a file name"},
      {{"stray"}, "unknown option 'stray'"},
      {{"--clock", "slow"}, "--clock takes running or fixed, not 'slow'"},
      {{"--admin-token="}, "--admin-token needs a token"},
      {{"--admin-token", "t", "--no-admin"}, "--admin-token and --no-admin do not go together"},
      {{"--journal", "-1"}, "--journal needs a whole number from 0 to 9999999, not '-1'"},
      {{"--journal-mib=x"}, "--journal-mib needs a whole number from 0 to 9999999, not 'x'"},
  }));
  INFO(c.message);
  child_process child(program(c.args));
  const auto status = child.wait(patience);
  REQUIRE(status);
  CHECK(*status == 2);
  CHECK(child.out().empty());
  CHECK(child.err() == "fakegraph-server: " + c.message + "\nTry 'fakegraph-server --help'.\n");
}

TEST_CASE("fakegraph-server refuses a missing or invalid seed with status 1", "[server][program]") {
  const fakegraph_test::temp_dir dir;
  SECTION("missing file") {
    const std::string path = dir.file("no-such-seed.json");
    child_process child(program({"--data", path, "--port", "0"}));
    const auto status = child.wait(patience);
    REQUIRE(status);
    CHECK(*status == 1);
    CHECK(child.out().empty());
    CHECK_THAT(child.err(), contains_substring(path));
  }
  SECTION("not JSON") {
    const std::string path = dir.file("broken.json");
    fakegraph_test::write_file(path, "{\"tenants\": [");
    child_process child(program({"--data", path, "--port", "0"}));
    const auto status = child.wait(patience);
    REQUIRE(status);
    CHECK(*status == 1);
    CHECK(child.out().empty());
    CHECK_THAT(child.err(), contains_substring(path));
  }
  SECTION("a member who is no user: the JSON path of the fault is printed") {
    json seed = json::parse(fakegraph_test::read_file(fakegraph_test::data_file()));
    seed["chats"][1]["members"][0]["user"] = "nobody@contoso.com";
    const std::string path = dir.file("bad-member.json");
    fakegraph_test::write_file(path, seed.dump());
    // The library's own message is the reference.
    std::string library_message;
    try {
      fakegraph::graph::from_json(seed);
    } catch (const fakegraph::error& e) {
      library_message = e.what();
    }
    REQUIRE_THAT(library_message, contains_substring("chats[1].members[0]"));

    child_process child(program({"--data", path, "--port", "0"}));
    const auto status = child.wait(patience);
    REQUIRE(status);
    CHECK(*status == 1);
    CHECK(child.out().empty());
    CHECK_THAT(child.err(), contains_substring(library_message));
  }
}

TEST_CASE("fakegraph-server refuses a busy port with status 1", "[server][program]") {
  fakegraph::server holder([](const fakegraph::request&) {
    return fakegraph::response{200, {}, "holder"};
  });
  child_process child(
      program({"--data", fakegraph_test::data_file(), "--port", std::to_string(holder.port())}));
  const auto status = child.wait(patience);
  REQUIRE(status);
  CHECK(*status == 1);
  CHECK(child.out().empty());
  CHECK_THAT(child.err(), contains_substring("[fakegraph.server.bind]"));
  CHECK_THAT(child.err(), contains_substring("127.0.0.1:" + std::to_string(holder.port())));
}

TEST_CASE("fakegraph-server over HTTPS", "[server][program][tls]") {
  const fakegraph_test::temp_dir dir;
  const auto pair = fakegraph_test::make_self_signed(dir);
  INFO("the openssl CLI is needed to make a test certificate (tools/deps)");
  REQUIRE(static_cast<bool>(pair));
  child_process child(program({"--data", fakegraph_test::data_file(), "--port", "0", "--tls-cert",
                               pair.cert, "--tls-key", pair.key}));
  const auto line = child.first_stdout_line(patience);
  REQUIRE(line);
  const int port = ready_port(*line, "https");
  INFO(*line);
  REQUIRE(port > 0);
  httplib::SSLClient client("127.0.0.1", port);
  client.set_ca_cert_path(pair.cert.c_str());
  client.enable_server_certificate_verification(true);
  const auto res = client.Get("/v1.0/me/chats?$top=2", {{"Authorization", "Bearer adele-read"}});
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(json::parse(res->body)["@odata.nextLink"].get<std::string>().rfind(
            "https://127.0.0.1:" + std::to_string(port) + "/", 0) == 0);
  child.send_signal(SIGTERM);
  const auto status = child.wait(patience);
  REQUIRE(status);
  CHECK(*status == 0);
}

TEST_CASE("fakegraph-server refuses an unusable certificate with status 1",
          "[server][program][tls]") {
  const fakegraph_test::temp_dir dir;
  fakegraph_test::write_file(dir.file("cert.pem"), "not a certificate");
  fakegraph_test::write_file(dir.file("key.pem"), "not a key");
  child_process child(program({"--data", fakegraph_test::data_file(), "--port", "0", "--tls-cert",
                               dir.file("cert.pem"), "--tls-key", dir.file("key.pem")}));
  const auto status = child.wait(patience);
  REQUIRE(status);
  CHECK(*status == 1);
  CHECK_THAT(child.err(), contains_substring("[fakegraph.server.tls]"));
}

#else

TEST_CASE("fakegraph-server program tests", "[server][program]") {
  // The server tests and the program both need cpp-httplib: one without the other is a build
  // mistake, not a reason to pass.
  FAIL("FAKEGRAPH_SERVER_EXE is not defined: the fakegraph-server target is missing");
}

#endif
