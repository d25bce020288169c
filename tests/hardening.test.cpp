// Regression tests for what the fuzzers (tests/fuzz) found: each case is an input that once
// broke the contract (a throw, a 5xx, invalid JSON, a wrong error body or undefined
// behaviour), reduced to its essence.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <string>  // std::string

#include "support/fixtures.hpp"

namespace {

using nlohmann::json;

/// An unsigned JWT with these claims (header {"alg":"none"}).
std::string unsigned_jwt(const std::string& claims) {
  using fakegraph::detail::base64_encode;
  return base64_encode(R"({"alg":"none","typ":"JWT"})", true) + "." + base64_encode(claims, true) +
         ".";
}

/// Adele's delegated claims in the default world, with `extra` ("exp": …) added.
std::string adele_claims(const std::string& extra) {
  return R"({"tid":"b33cbe9f-8ebe-4f2a-912b-7e2a427f477f",)"
         R"("oid":"8b081ef6-4792-4def-b2c9-c363a1bf41d5","scp":"Chat.Read",)" +
         extra + "}";
}

}  // namespace

TEST_CASE("Hardening: JWT exp and nbf far outside the clock's range are times, not overflow",
          "[hardening][auth]") {
  // Found by request_fuzzer: exp * 1000 was cast to int64 whatever its size (undefined
  // behaviour; on x86 1e300 became the smallest int64, so a far-future token was expired).
  const auto g = fakegraph_test::default_world();
  const auto status = [&](const std::string& extra) {
    return fakegraph_test::get(g, "/v1.0/me/chats", unsigned_jwt(adele_claims(extra))).status;
  };
  CHECK(status(R"("exp":1e300)") == 200);
  CHECK(status(R"("exp":1e16)") == 200);
  CHECK(status(R"("exp":1.7976931348623157e308)") == 200);
  CHECK(status(R"("exp":-1e300)") == 401);
  CHECK(status(R"("nbf":1e300)") == 401);
  CHECK(status(R"("nbf":-1e300,"exp":1e300)") == 200);
  const auto r =
      fakegraph_test::get(g, "/v1.0/me/chats", unsigned_jwt(adele_claims(R"("nbf":1e19)")));
  REQUIRE(r.status == 401);
  CHECK(r.json()["error"]["message"] == "Access token has expired or is not yet valid.");
}

namespace {

constexpr const char* replacement = "\xEF\xBF\xBD";  // U+FFFD

/// The body of `r` parsed strictly (invalid UTF-8 is a parse error), as Graph's error body.
json error_body(const fakegraph::response& r) {
  json body;
  REQUIRE_NOTHROW(body = json::parse(r.body));
  REQUIRE(body.is_object());
  REQUIRE(body.contains("error"));
  return body["error"];
}

}  // namespace

TEST_CASE("Hardening: invalid UTF-8 echoed in an error becomes U+FFFD, never a throw",
          "[hardening][errors]") {
  // Found by request_fuzzer: each of these threw nlohmann's type_error 316 out of handle().
  const auto g = fakegraph_test::default_world();
  const auto answer = [&](fakegraph::request req) {
    fakegraph::response r;
    REQUIRE_NOTHROW(r = g.handle(req));
    return r;
  };
  SECTION("an unknown path segment") {
    const auto r = answer({"GET",
                           "/v1.0/users/adele@contoso.com/ch\xFF"
                           "ats",
                           fakegraph_test::bearer("exporter")});
    CHECK(r.status / 100 == 4);
    CHECK(error_body(r)["message"].get<std::string>().find(replacement) != std::string::npos);
  }
  SECTION("a percent-encoded unknown path segment") {
    const auto r = answer(
        {"GET", "/v1.0/users/adele@contoso.com/%C3chats", fakegraph_test::bearer("exporter")});
    CHECK(r.status / 100 == 4);
    CHECK(error_body(r)["message"].get<std::string>().find(replacement) != std::string::npos);
  }
  SECTION("the version segment") {
    const auto r = answer({"GET", "/v1.0\x80/me/chats", fakegraph_test::bearer("adele-read")});
    CHECK(r.status == 400);
    CHECK(error_body(r)["message"].get<std::string>().find(replacement) != std::string::npos);
  }
  SECTION("the method") {
    const auto r =
        answer({"G\xFE"
                "T",
                "/v1.0/me/chats", fakegraph_test::bearer("adele-read")});
    CHECK(r.status == 405);
    CHECK(error_body(r)["message"].get<std::string>().find(replacement) != std::string::npos);
  }
  SECTION("a query option's value") {
    const auto r = answer({"GET", "/v1.0/users/kenji@contoso.com/chats/getAllMessages?model=%C9",
                           fakegraph_test::bearer("exporter")});
    CHECK(r.status == 400);
    CHECK(error_body(r)["message"].get<std::string>().find(replacement) != std::string::npos);
  }
  SECTION("a $filter value") {
    // Found by filter_fuzzer.
    const auto r = answer({"GET", "/v1.0/me/chats?$filter=chatType%20eq%20'one%C4One'",
                           fakegraph_test::bearer("adele-read")});
    CHECK(r.status == 400);
    CHECK(error_body(r)["message"].get<std::string>().find(replacement) != std::string::npos);
  }
  SECTION("the client-request-id header") {
    const auto r = answer({"GET", "/v1.0/me/chats", {{"client-request-id", "id-\xCF"}}});
    CHECK(r.status == 401);
    CHECK(error_body(r)["innerError"]["client-request-id"].get<std::string>().find(replacement) !=
          std::string::npos);
  }
}

TEST_CASE("Hardening: a Host header with invalid UTF-8 still gives a valid JSON page",
          "[hardening][paging]") {
  // Found by request_fuzzer: the Host header goes into @odata.context and @odata.nextLink.
  const auto g = fakegraph_test::default_world();
  fakegraph::response r;
  REQUIRE_NOTHROW(r = g.handle({"GET",
                                "/v1.0/me/chats?$top=1",
                                {{"Authorization", "Bearer adele-read"}, {"Host", "l\x85host"}}}));
  REQUIRE(r.status == 200);
  json page;
  REQUIRE_NOTHROW(page = json::parse(r.body));
  CHECK(page["value"].size() == 1);
}
