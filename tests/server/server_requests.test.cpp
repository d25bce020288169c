// fakegraph::server: what goes from the socket to the graph and back.
#include <fakegraph/server.hpp>

#include "server_support.hpp"
#include "support/catch.hpp"
#include "support/walk.hpp"

#include <atomic>              // std::atomic
#include <chrono>              // std::chrono::seconds
#include <condition_variable>  // std::condition_variable
#include <cstddef>             // std::size_t
#include <mutex>               // std::mutex
#include <stdexcept>           // std::runtime_error
#include <string>              // std::string
#include <vector>              // std::vector

using fakegraph_test::default_world;
using fakegraph_test::without_request_ids;
using nlohmann::json;

namespace {

const httplib::Headers adele = {{"Authorization", "Bearer adele-read"}};

// The path and query of an absolute URL on `base` ("" when it is on another origin).
std::string on_origin(const std::string& url, const std::string& base) {
  if (url.rfind(base + "/", 0) != 0) return {};
  return url.substr(base.size());
}

}  // namespace

TEST_CASE("list chats over HTTP is the in-process answer, byte for byte", "[server]") {
  const auto g = default_world();
  fakegraph::server srv(g);
  httplib::Client client(srv.host(), srv.port());

  const std::string target = "/v1.0/me/chats?$top=2";
  const auto res = client.Get(target.c_str(), adele);
  REQUIRE(res);
  const auto expected =
      g.handle({"GET", srv.base_url() + target, {{"Authorization", "Bearer adele-read"}}});
  REQUIRE(expected.status == 200);

  CHECK(res->status == expected.status);
  CHECK(res->body == expected.body);
  CHECK(json::parse(res->body) == expected.json());
  CHECK(res->get_header_value("Content-Type") == expected.header("Content-Type"));
  // Every header the graph wrote reaches the client (ids and Date differ per request).
  for (const auto& [name, value] : expected.headers) {
    INFO(name);
    CHECK(res->has_header(name.c_str()));
  }
  CHECK(fakegraph::detail::is_guid(res->get_header_value("request-id")));
  CHECK(json::parse(res->body)["@odata.count"] == 2);
}

TEST_CASE("nextLinks and @odata.context point at the server, and following them works",
          "[server]") {
  const auto g = default_world();
  fakegraph::server srv(g);
  httplib::Client client(srv.host(), srv.port());
  client.set_keep_alive(true);

  // The same walk in process, for the expected ids.
  const std::vector<std::string> expected_ids = fakegraph_test::walked_ids(
      fakegraph_test::walk(g, "http://127.0.0.1:1/v1.0/me/chats?$top=2", "adele-read"));
  REQUIRE(expected_ids.size() == 7);

  std::vector<std::string> ids;
  std::vector<std::size_t> page_sizes;
  std::string target = "/v1.0/me/chats?$top=2";
  for (int page = 0; page < 20 && !target.empty(); ++page) {
    const auto res = client.Get(target.c_str(), adele);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    const json body = json::parse(res->body);
    CHECK(body["@odata.context"].get<std::string>().rfind(srv.base_url() + "/v1.0/$metadata#", 0) ==
          0);
    page_sizes.push_back(body["value"].size());
    for (const auto& chat : body["value"]) ids.push_back(chat["id"]);
    if (!body.contains("@odata.nextLink")) break;
    const std::string next = body["@odata.nextLink"];
    INFO(next);
    target = on_origin(next, srv.base_url());
    REQUIRE_FALSE(target.empty());
  }
  CHECK(page_sizes == std::vector<std::size_t>{2, 2, 2, 1});
  CHECK(ids == expected_ids);
}

TEST_CASE("links follow the Host header the client sent", "[server]") {
  const auto g = default_world();
  fakegraph::server srv(g);
  httplib::Client client(srv.host(), srv.port());

  SECTION("a plain host:port") {
    httplib::Headers headers = adele;
    headers.emplace("Host", "fake.example:4321");
    const auto res = client.Get("/v1.0/me/chats?$top=2", headers);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    const json body = json::parse(res->body);
    CHECK(body["@odata.nextLink"].get<std::string>().rfind("http://fake.example:4321/v1.0/", 0) ==
          0);
  }
  SECTION("a Host that is not host[:port] falls back to the address connected to") {
    const auto reply = fakegraph_test::raw_exchange(
        srv.port(),
        "GET /v1.0/me/chats?$top=2 HTTP/1.1\r\nHost: evil.example/x?y\r\n"
        "Authorization: Bearer adele-read\r\nConnection: close\r\n\r\n");
    const json body = json::parse(fakegraph_test::reply_body(reply));
    CHECK(body["@odata.nextLink"].get<std::string>().rfind(srv.base_url() + "/v1.0/", 0) == 0);
  }
  SECTION("no Host at all (HTTP/1.0) falls back to the address connected to") {
    const auto reply = fakegraph_test::raw_exchange(
        srv.port(),
        "GET /v1.0/me/chats?$top=2 HTTP/1.0\r\nAuthorization: Bearer adele-read\r\n\r\n");
    const json body = json::parse(fakegraph_test::reply_body(reply));
    CHECK(body["@odata.nextLink"].get<std::string>().rfind(srv.base_url() + "/v1.0/", 0) == 0);
  }
}

TEST_CASE("unknown routes get Graph's error body, as in process", "[server]") {
  const auto g = default_world();
  fakegraph::server srv(g);
  httplib::Client client(srv.host(), srv.port());
  for (const std::string target :
       {"/v1.0/nothing/here", "/v1.0/me/chats/extra/segments", "/", "/v2.0/me/chats"}) {
    INFO(target);
    const auto res = client.Get(target.c_str(), adele);
    REQUIRE(res);
    const auto expected =
        g.handle({"GET", srv.base_url() + target, {{"Authorization", "Bearer adele-read"}}});
    if (target.rfind("/v1.0/", 0) == 0) CHECK(expected.status == 400);
    CHECK(expected.status >= 400);
    CHECK(res->status == expected.status);
    REQUIRE_FALSE(res->body.empty());
    const json body = json::parse(res->body);
    CHECK(without_request_ids(body) == without_request_ids(expected.json()));
    CHECK(body["error"]["innerError"]["request-id"] == res->get_header_value("request-id"));
  }
}

TEST_CASE("known routes with another method get Graph's 405 body, as in process", "[server]") {
  const auto g = default_world();
  fakegraph::server srv(g);
  httplib::Client client(srv.host(), srv.port());
  const std::string target = "/v1.0/me/chats";
  for (const std::string method : {"POST", "PUT", "PATCH", "DELETE"}) {
    INFO(method);
    httplib::Result res{nullptr, httplib::Error::Unknown};
    if (method == "POST") res = client.Post(target.c_str(), adele, "{}", "application/json");
    if (method == "PUT") res = client.Put(target.c_str(), adele, "{}", "application/json");
    if (method == "PATCH") res = client.Patch(target.c_str(), adele, "{}", "application/json");
    if (method == "DELETE") res = client.Delete(target.c_str(), adele);
    REQUIRE(res);
    const auto expected =
        g.handle({method, srv.base_url() + target, {{"Authorization", "Bearer adele-read"}}, "{}"});
    CHECK(expected.status == 405);
    CHECK(res->status == expected.status);
    REQUIRE_FALSE(res->body.empty());
    CHECK(without_request_ids(json::parse(res->body)) == without_request_ids(expected.json()));
  }
}

TEST_CASE("a browser's CORS preflight and answers are served as Graph serves them",
          "[server][cors]") {
  fakegraph::server srv(default_world());
  httplib::Client client(srv.host(), srv.port());
  const auto preflight = client.Options(
      "/v1.0/me/chats", {{"Origin", "http://localhost:5173"},
                         {"Access-Control-Request-Method", "GET"},
                         {"Access-Control-Request-Headers", "authorization,prefer"}});
  REQUIRE(preflight);
  CHECK(preflight->status == 204);
  CHECK(preflight->body.empty());
  CHECK(preflight->get_header_value("Access-Control-Allow-Origin") == "*");
  CHECK(preflight->get_header_value("Access-Control-Allow-Headers") == "authorization,prefer");
  CHECK_THAT(preflight->get_header_value("Access-Control-Allow-Methods"),
             fakegraph_test::contains_substring("GET"));
  const auto page = client.Get("/v1.0/me/chats", {{"Authorization", "Bearer adele-read"},
                                                  {"Origin", "http://localhost:5173"}});
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Access-Control-Allow-Origin") == "*");
  CHECK_THAT(page->get_header_value("Access-Control-Expose-Headers"),
             fakegraph_test::contains_substring("client-request-id"));
}

TEST_CASE("the control plane over HTTP: on for loopback, behind an admin token, or off",
          "[server][control]") {
  const auto g = default_world();
  SECTION("on for a loopback address; Graph routes never see it") {
    fakegraph::server srv(g);
    CHECK(srv.control_plane_on());
    httplib::Client client(srv.host(), srv.port());
    const auto clock = client.Get("/_fakegraph/clock");
    REQUIRE(clock);
    CHECK(clock->status == 200);
    CHECK(json::parse(clock->body) == json({{"now", "2026-11-01T12:00:00Z"}, {"running", false}}));
    const auto advanced =
        client.Post("/_fakegraph/clock", R"({"advance": "PT2H"})", "application/json");
    REQUIRE(advanced);
    CHECK(json::parse(advanced->body)["now"] == "2026-11-01T14:00:00Z");
    REQUIRE(client.Get("/v1.0/me/chats", adele));
    const auto journal = client.Get("/_fakegraph/journal");
    REQUIRE(journal);
    CHECK(json::parse(journal->body)["value"].size() == 1);  // its own calls are not in it
    // A DELETE's body reaches it too: a reaction added, then removed.
    const std::string reactions =
        "/_fakegraph/chats/19%3Afba5913dd74162ad849c812d81852b2a%40thread.v2/messages/"
        "1787230938967/reactions";
    const std::string like = R"({"user": "megan@contoso.com", "reactionType": "like"})";
    const auto added = client.Post(reactions.c_str(), like, "application/json");
    REQUIRE(added);
    CHECK(added->status == 201);
    const auto removed = client.Delete(reactions.c_str(), like, "application/json");
    REQUIRE(removed);
    CHECK(removed->status == 200);
    CHECK(json::parse(removed->body)["messageHistory"].back()["actions"] == "reactionRemoved");
    const auto reset = client.Post("/_fakegraph/reset");
    REQUIRE(reset);
    CHECK(reset->status == 204);
    CHECK(reset->get_header_value("Access-Control-Allow-Origin") == "*");
  }
  SECTION("an admin token: required, and Graph tokens never open it") {
    fakegraph::server_options options;
    options.admin_token = "s3cret";
    fakegraph::server srv(g, options);
    httplib::Client client(srv.host(), srv.port());
    for (const httplib::Headers& headers :
         {httplib::Headers{}, httplib::Headers{{"Authorization", "Bearer adele-read"}},
          httplib::Headers{{"Authorization", "Bearer s3cret-not"}}}) {
      const auto refused = client.Post("/_fakegraph/reset", headers, "", "application/json");
      REQUIRE(refused);
      CHECK(refused->status == 401);
      CHECK(json::parse(refused->body)["error"]["code"] == "InvalidAuthenticationToken");
    }
    const auto allowed =
        client.Post("/_fakegraph/reset", {{"Authorization", "Bearer s3cret"}}, "", "text/plain");
    REQUIRE(allowed);
    CHECK(allowed->status == 204);
  }
  SECTION("off: /_fakegraph/ is an unknown Graph segment") {
    fakegraph::server_options options;
    options.admin = false;
    fakegraph::server srv(g, options);
    CHECK_FALSE(srv.control_plane_on());
    httplib::Client client(srv.host(), srv.port());
    const auto res = client.Post("/_fakegraph/reset");
    REQUIRE(res);
    CHECK(res->status == 400);
  }
  SECTION("another address needs a token (decided before binding)") {
    fakegraph::server_options options;
    options.host = "0.0.0.0";
    CHECK_FALSE(fakegraph::server::control_plane_allowed(options));
    options.admin_token = "t";
    CHECK(fakegraph::server::control_plane_allowed(options));
    for (const char* loopback : {"127.0.0.1", "127.1.2.3", "::1", "localhost"}) {
      options.host = loopback;
      options.admin_token.clear();
      CHECK(fakegraph::server::control_plane_allowed(options));
    }
  }
}

TEST_CASE("methods httplib does not route (TRACE, CONNECT) still reach the graph", "[server]") {
  const auto g = default_world();
  fakegraph::server srv(g);
  for (const std::string method : {"TRACE", "CONNECT"}) {
    INFO(method);
    const auto reply = fakegraph_test::raw_exchange(
        srv.port(), method + " /v1.0/me/chats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const auto expected = g.handle({method, "http://x/v1.0/me/chats", {}});
    CHECK(reply.rfind("HTTP/1.1 " + std::to_string(expected.status) + " ", 0) == 0);
    CHECK(without_request_ids(json::parse(fakegraph_test::reply_body(reply))) ==
          without_request_ids(expected.json()));
  }
}

TEST_CASE("requests httplib refuses itself get a Graph error body, never an empty reply",
          "[server]") {
  fakegraph::server srv(default_world());
  SECTION("a malformed request line") {
    const auto reply = fakegraph_test::raw_exchange(srv.port(), "GARBAGE\r\n\r\n");
    CHECK(reply.rfind("HTTP/1.1 400 ", 0) == 0);
    const json body = json::parse(fakegraph_test::reply_body(reply));
    CHECK(body["error"]["code"] == "BadRequest");
    CHECK(fakegraph::detail::is_guid(body["error"]["innerError"]["request-id"].get<std::string>()));
  }
  SECTION("an over-long URI") {
    const auto reply = fakegraph_test::raw_exchange(
        srv.port(), "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(reply.rfind("HTTP/1.1 414 ", 0) == 0);
    const json body = json::parse(fakegraph_test::reply_body(reply));
    CHECK(body["error"]["code"] == "RequestUriTooLong");
  }
}

TEST_CASE("the graph sees the request as sent: raw target, method, headers, body", "[server]") {
  fakegraph::request seen;
  std::mutex m;
  fakegraph::server srv([&](const fakegraph::request& r) {
    std::lock_guard<std::mutex> lock(m);
    seen = r;
    return fakegraph::response{200, {{"Content-Type", "text/plain"}}, "ok"};
  });
  // Raw bytes, because httplib::Client re-encodes what it sends (' becomes %27, + %2B).
  const std::string target =
      "/v1.0/a%20b/c?$top=2&$filter=x%20eq%20'a%2Fb'&y=a+b&$skiptoken=AB%3D%3D&z=%C3%A9";
  const auto reply = fakegraph_test::raw_exchange(
      srv.port(), "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(srv.port()) +
                      "\r\nX-Custom: 1\r\nPrefer: include-unknown-enum-members\r\n"
                      "Content-Type: application/json\r\nContent-Length: 7\r\n"
                      "Connection: close\r\n\r\npayload");
  REQUIRE(reply.rfind("HTTP/1.1 200 ", 0) == 0);
  std::lock_guard<std::mutex> lock(m);
  CHECK(seen.method == "POST");
  CHECK(seen.url == srv.base_url() + target);
  CHECK(seen.body == "payload");
  CHECK(seen.header("x-custom") == "1");
  CHECK(seen.header("Prefer") == "include-unknown-enum-members");
  CHECK(seen.header("Content-Type") == "application/json");
  // httplib's own bookkeeping is not passed on as if the client had sent it.
  for (const char* pseudo : {"REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR", "LOCAL_PORT"})
    CHECK(seen.header(pseudo).empty());
}

TEST_CASE("the response goes out as the graph wrote it", "[server]") {
  fakegraph::server srv([](const fakegraph::request& r) {
    if (r.url.find("/plain") != std::string::npos)
      return fakegraph::response{200, {}, "no content type"};
    return fakegraph::response{429,
                               {{"Content-Type", "application/json"},
                                {"Retry-After", "2.128"},
                                {"request-id", "abc"},
                                {"Content-Length", "999"}},
                               R"({"error":{"code":"TooManyRequests"}})"};
  });
  httplib::Client client(srv.host(), srv.port());
  const auto res = client.Get("/throttled");
  REQUIRE(res);
  CHECK(res->status == 429);
  CHECK(res->get_header_value("Retry-After") == "2.128");
  CHECK(res->get_header_value("request-id") == "abc");
  CHECK(res->get_header_value("Content-Type") == "application/json");
  CHECK(res->body == R"({"error":{"code":"TooManyRequests"}})");
  // The graph's Content-Length is not trusted: httplib writes the real one.
  CHECK(res->get_header_value("Content-Length") == std::to_string(res->body.size()));

  const auto plain = client.Get("/plain");
  REQUIRE(plain);
  CHECK(plain->status == 200);
  CHECK(plain->body == "no content type");
}

TEST_CASE("a handler's own empty-bodied error goes out unchanged", "[server]") {
  fakegraph::server srv([](const fakegraph::request&) { return fakegraph::response{404, {}, ""}; });
  httplib::Client client(srv.host(), srv.port());
  const auto res = client.Get("/anything");
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(res->body.empty());
  CHECK_FALSE(res->has_header("X-Fakegraph-Handler-Answer"));
  // TRACE takes the other path into the handler: same result.
  const auto reply = fakegraph_test::raw_exchange(
      srv.port(), "TRACE /anything HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(reply.rfind("HTTP/1.1 404 ", 0) == 0);
  CHECK(fakegraph_test::reply_body(reply).empty());
  CHECK(reply.find("X-Fakegraph-Handler-Answer") == std::string::npos);
}

TEST_CASE("whatever escapes a handler is logged and answered with Graph's 500, the server lives on",
          "[server]") {
  std::mutex m;
  std::vector<std::string> lines;
  fakegraph::server_options options;
  options.log = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(m);
    lines.push_back(line);
  };
  std::atomic<int> calls{0};
  fakegraph::server srv(
      [&](const fakegraph::request& req) -> fakegraph::response {
        ++calls;  // one client, one connection: the handler runs on one thread at a time
        if (req.url.find("/std") != std::string::npos) throw std::runtime_error("broken \xFF");
        if (req.url.find("/int") != std::string::npos) throw 42;
        return fakegraph::response{200, {{"Content-Type", "application/json"}}, "{}"};
      },
      options);
  httplib::Client client(srv.host(), srv.port());
  for (const char* path : {"/std", "/int"}) {
    INFO(path);
    const auto res = client.Get(path, {{"client-request-id", "guard-1"}});
    REQUIRE(res);
    CHECK(res->status == 500);
    const json body = json::parse(res->body);  // strict: valid UTF-8 although e.what() is not
    CHECK(body["error"]["code"] == "InternalServerError");
    CHECK(body["error"]["innerError"]["client-request-id"] == "guard-1");
    CHECK(res->get_header_value("client-request-id") == "guard-1");
  }
  const auto after = client.Get("/fine");
  REQUIRE(after);
  CHECK(after->status == 200);
  CHECK(calls == 3);
  std::lock_guard<std::mutex> lock(m);
  std::size_t reported = 0;
  for (const auto& line : lines)
    if (line.find("a handler threw") != std::string::npos) ++reported;
  CHECK(reported == 2);
}

TEST_CASE("an absolute-form request target names the origin of the links", "[server]") {
  const auto g = default_world();
  fakegraph::server srv(g);
  const auto reply = fakegraph_test::raw_exchange(
      srv.port(),
      "GET http://other.example:9/v1.0/me/chats?$top=2 HTTP/1.1\r\nHost: other.example:9\r\n"
      "Authorization: Bearer adele-read\r\nConnection: close\r\n\r\n");
  REQUIRE(reply.rfind("HTTP/1.1 200 ", 0) == 0);
  const json body = json::parse(fakegraph_test::reply_body(reply));
  CHECK(body["@odata.nextLink"].get<std::string>().rfind("http://other.example:9/v1.0/me/chats?",
                                                         0) == 0);
}

TEST_CASE("an exception from the handler is a Graph-shaped 500, not a dropped connection",
          "[server]") {
  fakegraph::server srv(
      [](const fakegraph::request&) -> fakegraph::response { throw std::runtime_error("boom"); });
  httplib::Client client(srv.host(), srv.port());
  const auto res = client.Get("/v1.0/me/chats");
  REQUIRE(res);
  CHECK(res->status == 500);
  const json body = json::parse(res->body);
  CHECK(body["error"]["code"] == "InternalServerError");
  CHECK_THAT(body["error"]["message"].get<std::string>(),
             fakegraph_test::contains_substring("boom"));
}

TEST_CASE("the log gets one line per request: method, path, status, ms", "[server]") {
  std::mutex m;
  std::condition_variable logged;
  std::vector<std::string> lines;
  fakegraph::server_options options;
  options.log = [&](const std::string& line) {
    {
      std::lock_guard<std::mutex> lock(m);
      lines.push_back(line);
    }
    logged.notify_all();
  };
  fakegraph::server srv(default_world(), options);
  httplib::Client client(srv.host(), srv.port());
  REQUIRE(client.Get("/v1.0/me/chats?$top=2", adele));
  REQUIRE(client.Get("/v1.0/nowhere", adele));

  // The logger runs after the reply is written: wait for it (an event, not a sleep).
  std::unique_lock<std::mutex> lock(m);
  REQUIRE(logged.wait_for(lock, std::chrono::seconds(10), [&] { return lines.size() >= 2; }));
  REQUIRE(lines.size() == 2);
  INFO(lines[0] << " / " << lines[1]);
  CHECK(lines[0].rfind("GET /v1.0/me/chats?$top=2 200 ", 0) == 0);
  CHECK(lines[1].rfind("GET /v1.0/nowhere 400 ", 0) == 0);
  for (const auto& line : lines) {
    INFO(line);
    CHECK(line.size() > 2);
    CHECK(line.compare(line.size() - 2, 2, "ms") == 0);
  }
}
