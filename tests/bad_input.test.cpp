// docs/bad-input.md, the request rows: each class of bad input and the answer it gets, one
// table entry per row of the document, in its order. Every answer is also checked against
// the contract: a 4xx, a strict JSON body (nlohmann refuses invalid UTF-8), Graph's shape.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <string>  // std::string
#include <vector>  // std::vector

#include "list_chats_world.hpp"
#include "support/fixtures.hpp"

using fakegraph_test::contains_substring;
using nlohmann::json;

namespace {

const std::string fffd = "\xEF\xBF\xBD";  // U+FFFD
const std::string adele = "/v1.0/users/adele@contoso.com";
constexpr const char* contoso_tid = "b33cbe9f-8ebe-4f2a-912b-7e2a427f477f";
constexpr const char* adele_id = "8b081ef6-4792-4def-b2c9-c363a1bf41d5";

struct row {
  std::string what;
  fakegraph::request request;
  int status;
  std::string code;
  std::string message;  // a part of the error message
};

fakegraph::request get(const std::string& url, const std::string& token = "exporter") {
  return {"GET", url, {{"Authorization", "Bearer " + token}}};
}

std::string adele_jwt(const json& extra) {
  json claims = {{"tid", contoso_tid}, {"oid", adele_id}, {"scp", "Chat.Read"}, {"idtyp", "user"}};
  claims.update(extra);
  return lct::jwt(claims);
}

std::vector<row> rows(long long now_s) {
  const std::string long_filter = "topic eq '" + std::string(5000, 'x') + "'";
  return {
      {"a path segment that is not UTF-8", get("/v1.0/%FF"), 400, "BadRequest",
       "Resource not found for the segment '" + fffd + "'."},
      {"a version that is not UTF-8", get("/v%FF/me/chats"), 400, "BadRequest",
       "Invalid version: 'v" + fffd + "'."},
      {"a user key that is not UTF-8", get("/v1.0/users/%FF/chats"), 404, "NotFound",
       "'" + fffd + "'"},
      {"a key in parentheses that is not UTF-8", get("/v1.0/users('%FF')/chats"), 404, "NotFound",
       "'" + fffd + "'"},
      {"$top that is not UTF-8", get(adele + "/chats?$top=%FF"), 400, "BadRequest",
       "Invalid value '" + fffd + "' for $top"},
      {"$expand that is not UTF-8", get(adele + "/chats?$expand=%FF"), 400, "BadRequest", fffd},
      {"$orderby that is not UTF-8", get(adele + "/chats?$orderby=%FF"), 400, "BadRequest", fffd},
      {"an option name that is not UTF-8", get(adele + "/chats?$%FF=1"), 400, "BadRequest",
       "'$" + fffd + "'"},
      {"a $filter literal that is not UTF-8", get(adele + "/chats?$filter=chatType%20eq%20'%FF'"),
       400, "BadRequest", "'" + fffd + "'"},
      {"a raw byte in $filter", get(adele + "/chats?$filter=%FF"), 400, "BadRequest",
       "unexpected character byte 0xff"},
      {"model that is not UTF-8", get(adele + "/chats/getAllMessages?model=%FF"), 400, "BadRequest",
       "'" + fffd + "'"},
      {"raw bytes in the method, URL, header names, token and body",
       {"G\xFFT",
        "/v1.0/me/chats\xFF?\xFE=\xFD",
        {{"Authorization", "Bearer \xFF"}, {"\xFF", "\xFF"}},
        "\xFF"},
       400,
       "BadRequest",
       fffd},
      {"a broken percent-escape in the path", get("/v1.0/me/ch%ZZats"), 400, "BadRequest",
       "The URL path has a broken percent-escape in 'ch%ZZats'."},
      {"a broken percent-escape in the query", get("/v1.0/me/chats?$top=%2", "adele-read"), 400,
       "BadRequest", "The query string has a broken percent-escape in '$top=%2'."},
      {"a lone quote in a key literal", get("/v1.0/users('o'brien@contoso.com')/chats"), 400,
       "BadRequest", "Resource not found for the segment 'users('o'brien@contoso.com')'."},
      {"an unknown segment", get("/v1.0/me/drive", "adele-read"), 400, "BadRequest",
       "Resource not found for the segment 'drive'."},
      {"a path that stops short", get("/v1.0/users/x"), 400, "BadRequest",
       "Resource not found for the segment 'x'."},
      {"a segment after getAllMessages", get(adele + "/chats/getAllMessages/nothing"), 400,
       "BadRequest", "Resource not found for the segment 'nothing'."},
      {"an unknown version", get("/v2.0/me/chats", "adele-read"), 400, "BadRequest",
       "Invalid version: 'v2.0'. Supported versions: v1.0, beta."},
      {"another method than GET",
       {"POST", "/v1.0/me/chats", {{"Authorization", "Bearer adele-read"}}},
       405,
       "MethodNotAllowed",
       "'POST'"},
      {"a $filter over 4096 characters, List chats",
       get(adele + "/chats?$filter=" + fakegraph::detail::percent_encode(long_filter)), 400,
       "BadRequest", "the filter is longer than 4096 characters."},
      {"a $filter over 4096 characters, getAllMessages",
       get(adele + "/chats/getAllMessages?model=A&$filter=" +
           fakegraph::detail::percent_encode(long_filter)),
       400, "BadRequest", "the filter is longer than 4096 characters."},
      {"a $skiptoken over 4096 characters",
       get(adele + "/chats?$skiptoken=" + std::string(5000, 'A') + "~0"), 400, "BadRequest",
       "Invalid continuation token"},
      {"$top of eleven digits", get(adele + "/chats?$top=99999999999"), 400, "BadRequest",
       "The limit of '50' for Top query has been exceeded."},
      {"a $filter nested 100 deep",
       get(adele + "/chats?$filter=" + std::string(100, '(') + "topic%20eq%20'x'" +
           std::string(100, ')')),
       400, "BadRequest", "nests more than 64 levels deep"},
      {"no Authorization",
       {"GET", "/v1.0/me/chats", {}},
       401,
       "InvalidAuthenticationToken",
       "Access token is empty."},
      {"not a bearer token",
       {"GET", "/v1.0/me/chats", {{"Authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l"}}},
       401,
       "InvalidAuthenticationToken",
       "CompactToken parsing failed"},
      {"an unknown token", get("/v1.0/me/chats", "no-such-token"), 401,
       "InvalidAuthenticationToken", "CompactToken parsing failed"},
      {"exp of the wrong type", get("/v1.0/me/chats", adele_jwt({{"exp", "abc"}})), 401,
       "InvalidAuthenticationToken", "The claim 'exp' must be a number"},
      {"roles of the wrong type",
       get(adele + "/chats", lct::jwt({{"tid", contoso_tid},
                                       {"appid", "78513033-587e-4f7e-8859-194258220bac"},
                                       {"idtyp", "app"},
                                       {"roles", "Chat.Read.All"}})),
       401, "InvalidAuthenticationToken", "The claim 'roles' must be an array of strings"},
      {"scp of the wrong type", get("/v1.0/me/chats", adele_jwt({{"scp", 5}})), 401,
       "InvalidAuthenticationToken", "The claim 'scp' must be a string"},
      {"exp past the skew", get("/v1.0/me/chats", adele_jwt({{"exp", now_s - 301}})), 401,
       "InvalidAuthenticationToken", "Access token has expired or is not yet valid."},
      {"nbf beyond the skew", get("/v1.0/me/chats", adele_jwt({{"nbf", now_s + 301}})), 401,
       "InvalidAuthenticationToken", "Access token has expired or is not yet valid."},
  };
}

}  // namespace

TEST_CASE("Bad input: every request row of docs/bad-input.md gets its answer", "[bad-input]") {
  const auto g = fakegraph_test::default_world();
  for (const auto& r : rows(g.clock().now() / 1000)) {
    INFO(r.what);
    fakegraph::response answer;
    REQUIRE_NOTHROW(answer = g.handle(r.request));
    INFO(answer.status << " " << answer.body);
    CHECK(answer.status == r.status);
    json body;
    REQUIRE_NOTHROW(body = json::parse(answer.body));
    REQUIRE(body["error"]["code"].is_string());
    REQUIRE(body["error"]["message"].is_string());
    CHECK(body["error"]["code"] == r.code);
    CHECK_THAT(body["error"]["message"].get<std::string>(), contains_substring(r.message));
    CHECK(answer.header("request-id") == body["error"]["innerError"]["request-id"]);
  }
}

TEST_CASE("Bad input: client-request-id is echoed valid, in the body and the header",
          "[bad-input][contract]") {
  const auto g = fakegraph_test::default_world();
  const auto r = g.handle({"GET", "/v1.0/me/chats", {{"client-request-id", "id-\xFF-\r\n"}}});
  REQUIRE(r.status == 401);
  const json body = json::parse(r.body);
  const std::string echoed = "id-" + fffd + "-" + fffd + fffd;
  CHECK(body["error"]["innerError"]["client-request-id"] == echoed);
  CHECK(r.header("client-request-id") == echoed);
}
