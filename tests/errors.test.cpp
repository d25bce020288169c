// Graph's error answers: one body shape for every status, the ids in body and headers,
// the client's id echoed, JSON content type, WWW-Authenticate on 401 only.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <chrono>  // std::chrono::hours
#include <set>     // std::set
#include <string>  // std::string
#include <vector>  // std::vector

#include "list_chats_world.hpp"

using Catch::Matchers::StartsWith;
using lct::json;

namespace {

bool is_guid(const std::string& s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

/// `2026-06-01T12:34:56.789Z` → `2026-06-01T12:34:56`: innerError's whole-second, zoneless UTC.
std::string inner_date(const std::string& iso) { return iso.substr(0, 19); }

/// One request that must fail, and how.
struct sample {
  std::string what;
  std::string method;
  std::string url;
  std::string token;
  int status;
  std::string code;
};

std::vector<sample> samples() {
  return {
      {"no token", "GET", "/v1.0/me/chats", "", 401, "InvalidAuthenticationToken"},
      {"unknown token", "GET", "/v1.0/me/chats", "nope", 401, "InvalidAuthenticationToken"},
      {"expired token", "GET", "/v1.0/users/ann@northwind.test/chats", "app-expired", 401,
       "InvalidAuthenticationToken"},
      {"missing scope", "GET", "/v1.0/me/chats", "ann-user", 403, "Forbidden"},
      {"missing role", "GET", "/v1.0/users/ann@northwind.test/chats", "app-none", 403, "Forbidden"},
      {"cross-tenant", "GET", "/v1.0/users/dee@tailspin.test/chats", "app-read", 403, "Forbidden"},
      {"another user", "GET", "/v1.0/users/bob@northwind.test/chats", "ann-read", 403, "Forbidden"},
      {"personal account", "GET", "/v1.0/me/chats", "msa", 403, "Forbidden"},
      {"preview under ReadBasic", "GET", "/v1.0/me/chats?$expand=lastMessagePreview", "ann-basic",
       403, "Forbidden"},
      {"$top=0", "GET", "/v1.0/me/chats?$top=0", "ann-read", 400, "BadRequest"},
      {"$top=100", "GET", "/v1.0/me/chats?$top=100", "ann-read", 400, "BadRequest"},
      {"$select", "GET", "/v1.0/me/chats?$select=id", "ann-read", 400, "BadRequest"},
      {"bad $filter", "GET", "/v1.0/me/chats?$filter=topic%20ne%20'x'", "ann-read", 400,
       "BadRequest"},
      {"bad skiptoken", "GET", "/v1.0/me/chats?$skiptoken=abc", "ann-read", 400, "BadRequest"},
      {"app on /me", "GET", "/v1.0/me/chats", "app-read", 400, "BadRequest"},
      {"app on /chats", "GET", "/v1.0/chats", "app-read", 400, "BadRequest"},
      {"unknown path", "GET", "/v1.0/me/drive", "ann-read", 400, "BadRequest"},
      {"unknown sub-path", "GET", "/v1.0/me/chats/extra/tabs", "ann-read", 400, "BadRequest"},
      {"unknown chat", "GET", "/v1.0/me/chats/extra", "ann-read", 404, "NotFound"},
      {"unknown user", "GET", "/v1.0/users/nobody@northwind.test/chats", "app-read", 404,
       "NotFound"},
      {"POST", "POST", "/v1.0/me/chats", "ann-read", 405, "MethodNotAllowed"},
      {"DELETE", "DELETE", "/v1.0/users/ann@northwind.test/chats", "app-read", 405,
       "MethodNotAllowed"},
      {"PATCH", "PATCH", "/v1.0/chats", "ann-read", 405, "MethodNotAllowed"},
  };
}

fakegraph::response send(const fakegraph::graph& g, const sample& s,
                         const std::string& client_request_id) {
  fakegraph::header_list headers;
  if (!s.token.empty()) headers.emplace_back("Authorization", "Bearer " + s.token);
  if (!client_request_id.empty()) headers.emplace_back("client-request-id", client_request_id);
  return g.handle(fakegraph::request{s.method, s.url, headers});
}

/// The whole error answer: body shape, ids, headers.
void check_error(const fakegraph::response& r, const sample& s, const std::string& date,
                 const std::string& client_request_id) {
  INFO(s.what << ": " << r.body);
  REQUIRE(r.status == s.status);
  const json body = r.json();
  REQUIRE(body.is_object());
  CHECK(body.size() == 1);
  REQUIRE(body.contains("error"));
  const json& e = body["error"];
  REQUIRE(e.is_object());
  CHECK(e.size() == 3);
  CHECK(e["code"] == s.code);
  REQUIRE(e["message"].is_string());
  CHECK_FALSE(e["message"].get<std::string>().empty());
  REQUIRE(e.contains("innerError"));
  const json& inner = e["innerError"];
  REQUIRE(inner.is_object());
  CHECK(inner.size() == 3);
  REQUIRE(inner["date"].is_string());
  REQUIRE(inner["request-id"].is_string());
  REQUIRE(inner["client-request-id"].is_string());
  const std::string d = inner["date"].get<std::string>();
  CHECK(d == date);
  CHECK(d.size() == 19);  // whole seconds, no fraction, no zone
  CHECK(d.find('Z') == std::string::npos);
  const std::string request_id = inner["request-id"].get<std::string>();
  CHECK(is_guid(request_id));
  CHECK(r.header("request-id") == request_id);
  CHECK(r.header("client-request-id") == inner["client-request-id"].get<std::string>());
  CHECK(inner["client-request-id"] == (client_request_id.empty() ? request_id : client_request_id));
  CHECK_THAT(r.header("Content-Type"), StartsWith("application/json"));
  if (s.status == 401)
    CHECK_FALSE(r.header("WWW-Authenticate").empty());
  else
    CHECK(r.header("WWW-Authenticate").empty());
}

}  // namespace

TEST_CASE("Errors: every kind has Graph's body, ids and headers", "[errors]") {
  const json seed = lct::small_seed();
  const auto g = fakegraph::graph::from_json(seed);
  const std::string date = inner_date(seed["settings"]["now"].get<std::string>());
  const std::string client =
      GENERATE(as<std::string>{}, "", "5f0e6c2a-3b1d-4e8f-9a7c-2d4b6e8f0a1c", "my-trace-17");
  CAPTURE(client);
  std::set<int> statuses;
  for (const auto& s : samples()) {
    const auto r = send(g, s, client);
    check_error(r, s, date, client);
    statuses.insert(r.status);
  }
  CHECK(statuses == std::set<int>{400, 401, 403, 404, 405});
}

TEST_CASE("Errors: request ids are fresh per request, client ids are the client's", "[errors]") {
  const auto g = lct::small_graph();
  std::set<std::string> ids;
  const sample s = samples().front();
  for (int i = 0; i < 20; ++i) {
    const auto r = send(g, s, "");
    ids.insert(r.header("request-id"));
    CHECK(r.header("client-request-id") == r.header("request-id"));
  }
  CHECK(ids.size() == 20);
  // The same client id on two requests: echoed on both, request ids still differ.
  const auto a = send(g, s, "same-client-id");
  const auto b = send(g, s, "same-client-id");
  CHECK(a.header("client-request-id") == "same-client-id");
  CHECK(b.header("client-request-id") == "same-client-id");
  CHECK(a.header("request-id") != b.header("request-id"));
  // Header names are case-insensitive on the way in.
  const auto c =
      g.handle(fakegraph::request{"GET", "/v1.0/me/chats", {{"Client-Request-Id", "Mixed-Case"}}});
  CHECK(c.json()["error"]["innerError"]["client-request-id"] == "Mixed-Case");
}

TEST_CASE("Errors: innerError.date is the graph's clock, to the second", "[errors]") {
  const json seed = lct::small_seed();
  auto g = fakegraph::graph::from_json(seed);
  const std::string now = seed["settings"]["now"].get<std::string>();  // 2026-06-01T12:34:56.789Z
  const sample s = samples().front();
  CHECK(send(g, s, "").json()["error"]["innerError"]["date"] == inner_date(now));
  g.clock().advance(std::chrono::hours(1));
  const int hour = std::stoi(now.substr(11, 2)) + 1;
  const std::string later =
      now.substr(0, 11) + (hour < 10 ? "0" : "") + std::to_string(hour) + now.substr(13, 6);
  CHECK(send(g, s, "").json()["error"]["innerError"]["date"] == later);
}

TEST_CASE("Errors: successes carry the same id headers, without an error body", "[errors]") {
  const auto g = lct::small_graph();
  const auto r = lct::get(g, "/v1.0/me/chats", "ann-read", {{"client-request-id", "abc-123"}});
  REQUIRE(r.status == 200);
  CHECK(is_guid(r.header("request-id")));
  CHECK(r.header("client-request-id") == "abc-123");
  CHECK_THAT(r.header("Content-Type"), StartsWith("application/json"));
  CHECK(r.header("WWW-Authenticate").empty());
  CHECK_FALSE(r.json().contains("error"));
  const auto plain = lct::get(g, "/v1.0/me/chats", "ann-read");
  CHECK(plain.header("client-request-id") == plain.header("request-id"));
}

TEST_CASE("Errors: the default world answers the same shapes", "[errors]") {
  const json seed = lct::default_seed();
  const auto g = fakegraph_test::default_world();
  const std::string date = inner_date(seed["settings"]["now"].get<std::string>());
  const std::vector<sample> list = {
      {"expired", "GET", "/v1.0/me/chats", "expired-token", 401, "InvalidAuthenticationToken"},
      {"cross-tenant", "GET", "/v1.0/users/pradeep@fabrikam.com/chats", "exporter", 403,
       "Forbidden"},
      {"another user", "GET", "/v1.0/users/megan@contoso.com/chats", "adele-read", 403,
       "Forbidden"},
      {"app on /me", "GET", "/v1.0/me/chats", "exporter", 400, "BadRequest"},
      {"unknown user", "GET", "/v1.0/users/nobody@contoso.com/chats", "exporter", 404, "NotFound"},
      {"POST", "POST", "/v1.0/me/chats", "adele-read", 405, "MethodNotAllowed"},
  };
  for (const auto& s : list) check_error(send(g, s, "client-1"), s, date, "client-1");
}

TEST_CASE("CORS: every answer may be read by any origin, with Graph's exposed headers",
          "[errors][cors]") {
  const auto g = lct::small_graph();
  const std::string exposed =
      "ETag, Location, Preference-Applied, Content-Range, request-id, client-request-id, "
      "ReadWriteConsistencyToken, Retry-After, SdkVersion, WWW-Authenticate, "
      "x-ms-client-gcc-tenant, X-Planner-Operationid, x-ms-permissions-recommendations";
  for (const auto& r : {lct::get(g, "/v1.0/me/chats", "ann-read"),    // a page
                        lct::get(g, "/v1.0/me/chats", ""),            // a 401
                        lct::get(g, "/v1.0/nowhere", "ann-read")}) {  // a 400
    INFO(r.status);
    CHECK(r.header("Access-Control-Allow-Origin") == "*");
    CHECK(r.header("Access-Control-Expose-Headers") == exposed);
    CHECK(r.header("Access-Control-Allow-Credentials").empty());
  }
}

TEST_CASE("CORS: an OPTIONS preflight on any path is 204, without a token", "[errors][cors]") {
  const auto g = lct::small_graph();
  for (const std::string path :
       {"/v1.0/me/chats", "/v1.0/users/ann@northwind.test/chats", "/v1.0/anything/at/all", "/"}) {
    INFO(path);
    const auto r = g.handle({"OPTIONS",
                             path,
                             {{"Origin", "https://app.example"},
                              {"Access-Control-Request-Method", "GET"},
                              {"Access-Control-Request-Headers",
                               "authorization, client-request-id, sdkversion, prefer"}}});
    CHECK(r.status == 204);
    CHECK(r.body.empty());
    CHECK(r.header("Content-Type").empty());
    CHECK(r.header("Access-Control-Allow-Origin") == "*");
    CHECK(r.header("Access-Control-Allow-Methods") == "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    CHECK(r.header("Access-Control-Allow-Headers") ==
          "authorization, client-request-id, sdkversion, prefer");
    CHECK(r.header("Access-Control-Max-Age") == "86400");
    CHECK_FALSE(r.header("request-id").empty());
  }
  // No headers asked for: none granted, and never a header split by what was asked.
  const auto bare = g.handle({"OPTIONS", "/v1.0/me/chats", {}});
  CHECK(bare.status == 204);
  CHECK(bare.header("Access-Control-Allow-Headers").empty());
  const auto odd = g.handle(
      {"OPTIONS", "/v1.0/me/chats", {{"Access-Control-Request-Headers", "a\r\nSet-Cookie: x"}}});
  CHECK(odd.header("Access-Control-Allow-Headers").find('\n') == std::string::npos);
}
