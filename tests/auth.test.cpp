// Authentication: seed tokens and unsigned JWTs to principals; Graph's 401s with their
// messages and WWW-Authenticate; personal Microsoft accounts refused.
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <chrono>  // std::chrono::minutes
#include <string>  // std::string
#include <vector>  // std::vector

#include "list_chats_world.hpp"

using Catch::Matchers::StartsWith;
using lct::json;

namespace {

const std::string www_authenticate =
    R"(Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", )"
    R"(client_id="00000003-0000-0000-c000-000000000000")";

const std::string empty_message = "Access token is empty.";
const std::string expired_message = "Access token has expired or is not yet valid.";
const std::string parse_message = "CompactToken parsing failed with error code: 80049217";
const std::string invalid_message = "Access token validation failure.";

/// A 401 as Graph sends it: InvalidAuthenticationToken, `message`, WWW-Authenticate.
void require_401(const fakegraph::response& r, const std::string& message) {
  INFO("body: " << r.body);
  REQUIRE(r.status == 401);
  CHECK(lct::error_code(r) == "InvalidAuthenticationToken");
  CHECK(lct::error_message(r) == message);
  CHECK(r.header("WWW-Authenticate") == www_authenticate);
}

fakegraph::response with_authorization(const fakegraph::graph& g, const std::string& value,
                                       const std::string& url = "/v1.0/me/chats") {
  return g.handle(fakegraph::request{"GET", url, {{"Authorization", value}}});
}

/// Seconds since the epoch of the seed's "now" plus `delta` seconds, for exp/nbf claims.
long long seed_now_seconds(const fakegraph::graph& g, long long delta) {
  return g.clock().now() / 1000 + delta;
}

json user_claims(const std::string& oid, const std::string& tid, const std::string& scp) {
  return {{"tid", tid},
          {"oid", oid},
          {"scp", scp},
          {"idtyp", "user"},
          {"aud", "https://graph.microsoft.com"}};
}

json app_claims(const std::string& appid, const std::string& tid,
                const std::vector<std::string>& roles) {
  return {{"tid", tid},
          {"appid", appid},
          {"roles", roles},
          {"idtyp", "app"},
          {"aud", "00000003-0000-0000-c000-000000000000"}};
}

}  // namespace

TEST_CASE("Auth: seed tokens name their principal", "[auth]") {
  const json seed = lct::small_seed();
  const auto g = fakegraph::graph::from_json(seed);
  const auto me = lct::get(g, "/v1.0/me/chats", "ann-read");
  REQUIRE(me.status == 200);
  CHECK(lct::ids_of(me.json()) == lct::ids_of(lct::chats_of(seed, "ann@northwind.test")));
  const auto bob = lct::get(g, "/v1.0/me/chats", "bob-read");
  REQUIRE(bob.status == 200);
  CHECK(lct::ids_of(bob.json()) == lct::ids_of(lct::chats_of(seed, "bob@northwind.test")));
  const auto app = lct::get(g, "/v1.0/users/cid@northwind.test/chats", "app-read");
  REQUIRE(app.status == 200);
  CHECK(lct::ids_of(app.json()) == lct::ids_of(lct::chats_of(seed, "cid@northwind.test")));
  // The scheme name is case-insensitive, as in HTTP.
  CHECK(with_authorization(g, "bearer ann-read").status == 200);
  CHECK(with_authorization(g, "BEARER   ann-read  ").status == 200);
}

TEST_CASE("Auth: a missing or empty token is 401 'Access token is empty.'", "[auth]") {
  const auto g = lct::small_graph();
  require_401(g.handle(fakegraph::request{"GET", "/v1.0/me/chats"}), empty_message);
  require_401(with_authorization(g, ""), empty_message);
  require_401(with_authorization(g, "   "), empty_message);
  require_401(with_authorization(g, "Bearer"), empty_message);
  require_401(with_authorization(g, "Bearer "), empty_message);
  require_401(with_authorization(g, "Bearer    "), empty_message);
  // Every route checks, with and without query options.
  require_401(lct::get(g, "/v1.0/users/ann@northwind.test/chats?$top=1", ""), empty_message);
  require_401(lct::get(g, "/v1.0/chats", ""), empty_message);
}

TEST_CASE("Auth: unknown and malformed tokens are 401", "[auth]") {
  const auto g = lct::small_graph();
  SECTION("an unknown opaque token cannot be parsed as a JWT") {
    require_401(lct::get(g, "/v1.0/me/chats", "no-such-token"), parse_message);
    require_401(lct::get(g, "/v1.0/me/chats", "ANN-READ"),
                parse_message);  // tokens are case-sensitive
  }
  SECTION("not a bearer token") {
    require_401(with_authorization(g, "Basic YWxhZGRpbjpvcGVuc2VzYW1l"), parse_message);
    require_401(with_authorization(g, "Bearerann-read"), parse_message);
    require_401(with_authorization(g, "ann-read"), parse_message);
  }
  SECTION("broken JWTs") {
    const std::string header = lct::base64url(R"({"alg":"none"})");
    const std::string claims =
        lct::base64url(user_claims(lct::ann_id, lct::northwind, "Chat.Read").dump());
    for (const std::string& bad :
         {header + "." + claims,                 // two parts
          header + "." + claims + ".sig.extra",  // four parts
          header + ".%%%.",                      // payload not base64
          "!!!." + claims + ".",                 // header not base64
          header + "." + lct::base64url("not json") + ".",
          header + "." + lct::base64url("[1,2]") + ".",  // claims not an object
          lct::base64url("\"x\"") + "." + claims + "."}) {
      CAPTURE(bad);
      require_401(lct::get(g, "/v1.0/me/chats", bad), parse_message);
    }
  }
  SECTION("well-formed JWTs naming nobody this world knows") {
    // Unknown tenant, unknown user, a user outside the token's tenant, unknown application, no tid.
    for (const json& claims :
         {user_claims(lct::ann_id, "0e0e0e0e-0000-4000-8000-000000000000", "Chat.Read"),
          user_claims("0f0f0f0f-0000-4000-8000-000000000000", lct::northwind, "Chat.Read"),
          user_claims(lct::ann_id, lct::tailspin, "Chat.Read"),
          app_claims("0f0f0f0f-0000-4000-8000-000000000000", lct::northwind, {"Chat.Read.All"}),
          json{{"oid", lct::ann_id}, {"scp", "Chat.Read"}}}) {
      CAPTURE(claims.dump());
      require_401(lct::get(g, "/v1.0/me/chats", lct::jwt(claims)), invalid_message);
    }
  }
  SECTION("a JWT for another audience") {
    json claims = user_claims(lct::ann_id, lct::northwind, "Chat.Read");
    claims["aud"] = "api://some-other-api";
    const auto r = lct::get(g, "/v1.0/me/chats", lct::jwt(claims));
    INFO("body: " << r.body);
    REQUIRE(r.status == 401);
    CHECK(lct::error_code(r) == "InvalidAuthenticationToken");
    CHECK_THAT(lct::error_message(r), StartsWith(invalid_message));
    CHECK(r.header("WWW-Authenticate") == www_authenticate);
    // Graph's own audiences are accepted.
    for (const std::string& aud :
         std::vector<std::string>{"https://graph.microsoft.com", "https://graph.microsoft.com/",
                                  "00000003-0000-0000-c000-000000000000"}) {
      claims["aud"] = aud;
      CHECK(lct::get(g, "/v1.0/me/chats", lct::jwt(claims)).status == 200);
    }
  }
}

TEST_CASE("Auth: expired tokens are 401 'Access token has expired or is not yet valid.'",
          "[auth]") {
  auto g = lct::small_graph();
  SECTION("seed tokens, delegated and application, by the graph's clock") {
    require_401(lct::get(g, "/v1.0/me/chats", "ann-expired"), expired_message);
    require_401(lct::get(g, "/v1.0/users/ann@northwind.test/chats", "app-expired"),
                expired_message);
    // ann-later expires 13:00; the seed's clock says 12:34:56.789.
    REQUIRE(lct::get(g, "/v1.0/me/chats", "ann-later").status == 200);
    g.clock().advance(std::chrono::minutes(30));
    require_401(lct::get(g, "/v1.0/me/chats", "ann-later"), expired_message);
  }
  SECTION("JWT exp and nbf") {
    json claims = user_claims(lct::ann_id, lct::northwind, "Chat.Read");
    claims["exp"] = seed_now_seconds(g, 60);
    REQUIRE(lct::get(g, "/v1.0/me/chats", lct::jwt(claims)).status == 200);
    claims["exp"] = seed_now_seconds(g, -301);  // past the 5-minute skew
    require_401(lct::get(g, "/v1.0/me/chats", lct::jwt(claims)), expired_message);
    claims["exp"] = seed_now_seconds(g, 3600);
    claims["nbf"] = seed_now_seconds(g, 600);
    require_401(lct::get(g, "/v1.0/me/chats", lct::jwt(claims)), expired_message);
    claims["nbf"] = seed_now_seconds(g, -600);
    CHECK(lct::get(g, "/v1.0/me/chats", lct::jwt(claims)).status == 200);
    // A JWT that was valid expires when the clock moves on.
    g.clock().advance(std::chrono::hours(2));
    require_401(lct::get(g, "/v1.0/me/chats", lct::jwt(claims)), expired_message);
  }
  SECTION("an application JWT") {
    json claims = app_claims(lct::reader_app, lct::northwind, {"Chat.Read.All"});
    claims["exp"] = seed_now_seconds(g, -3600);
    require_401(lct::get(g, "/v1.0/users/ann@northwind.test/chats", lct::jwt(claims)),
                expired_message);
  }
}

TEST_CASE("Auth: a delegated JWT carries tid, oid and scp", "[auth]") {
  const json seed = lct::small_seed();
  const auto g = fakegraph::graph::from_json(seed);
  const std::string token =
      lct::jwt(user_claims(lct::ann_id, lct::northwind, "User.Read Chat.Read"), "c2lnbmF0dXJl");
  const auto r = lct::get(g, "/v1.0/me/chats", token);
  INFO(r.body);
  REQUIRE(r.status == 200);
  const json page = r.json();
  CHECK(lct::ids_of(page) == lct::ids_of(lct::chats_of(seed, "ann@northwind.test")));
  for (const auto& c : page["value"]) CHECK(c.contains("viewpoint"));  // delegated
  // Scopes decide: the same user without a Chat scope, and with only Chat.ReadBasic.
  LCT_REQUIRE_ERROR(
      lct::get(g, "/v1.0/me/chats",
               lct::jwt(user_claims(lct::ann_id, lct::northwind, "User.Read"))),
      403, "Forbidden",
      "Missing scope permissions on the request. API requires one of 'Chat.ReadBasic, Chat.Read, "
      "Chat.ReadWrite'. Scopes on the request 'User.Read'");
  const std::string basic = lct::jwt(user_claims(lct::ann_id, lct::northwind, "Chat.ReadBasic"));
  CHECK(lct::get(g, "/v1.0/me/chats", basic).status == 200);
  CHECK(lct::get(g, "/v1.0/me/chats?$expand=lastMessagePreview", basic).status == 403);
  // A delegated token's roles grant nothing.
  json with_roles = user_claims(lct::ann_id, lct::northwind, "User.Read");
  with_roles["roles"] = {"Chat.Read.All"};
  CHECK(lct::get(g, "/v1.0/me/chats", lct::jwt(with_roles)).status == 403);
  // Delegated: only the caller's own chats.
  CHECK(lct::get(g, "/v1.0/users/bob@northwind.test/chats", token).status == 403);
  // Another user of the world, by the same means.
  const auto bob = lct::get(g, "/v1.0/me/chats",
                            lct::jwt(user_claims(lct::bob_id, lct::northwind, "Chat.Read")));
  REQUIRE(bob.status == 200);
  CHECK(lct::ids_of(bob.json()) == lct::ids_of(lct::chats_of(seed, "bob@northwind.test")));
}

TEST_CASE("Auth: an application JWT carries tid, appid or azp, and roles", "[auth]") {
  const json seed = lct::small_seed();
  const auto g = fakegraph::graph::from_json(seed);
  const std::string url = "/v1.0/users/ann@northwind.test/chats";
  const auto expected = lct::ids_of(lct::chats_of(seed, "ann@northwind.test"));

  const std::string by_appid =
      lct::jwt(app_claims(lct::reader_app, lct::northwind, {"Chat.Read.All"}));
  const auto r = lct::get(g, url, by_appid);
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(lct::ids_of(r.json()) == expected);
  const json page = r.json();
  for (const auto& c : page["value"]) CHECK_FALSE(c.contains("viewpoint"));  // application

  // azp instead of appid; no idtyp and no scp (older app tokens).
  const std::string by_azp = lct::jwt(
      json{{"tid", lct::northwind}, {"azp", lct::reader_app}, {"roles", {"Chat.ReadBasic.All"}}});
  const auto azp = lct::get(g, url, by_azp);
  REQUIRE(azp.status == 200);
  CHECK(lct::ids_of(azp.json()) == expected);

  // An application is refused /me/chats, and its roles decide.
  LCT_REQUIRE_ERROR(lct::get(g, "/v1.0/me/chats", by_appid), 400, "BadRequest",
                    "/me request is only valid with delegated authentication flow.");
  LCT_REQUIRE_ERROR(
      lct::get(g, url, lct::jwt(app_claims(lct::reader_app, lct::northwind, {"User.Read.All"}))),
      403, "Forbidden",
      "Missing role permissions on the request. API required one of 'Chat.ReadBasic.All, "
      "Chat.Read.All, Chat.ReadWrite.All'. Roles on the request 'User.Read.All'");
  // An application's scp grants nothing.
  json scp = app_claims(lct::reader_app, lct::northwind, {});
  scp["scp"] = "Chat.Read";
  CHECK(lct::get(g, url, lct::jwt(scp)).status == 403);
  // The token's tenant decides the federation rule.
  CHECK(lct::get(g, "/v1.0/users/dee@tailspin.test/chats", by_appid).status == 403);
  const std::string tailspin =
      lct::jwt(app_claims(lct::tailspin_app, lct::tailspin, {"Chat.Read.All"}));
  const auto dee = lct::get(g, "/v1.0/users/dee@tailspin.test/chats", tailspin);
  REQUIRE(dee.status == 200);
  CHECK(lct::ids_of(dee.json()) == lct::ids_of(lct::chats_of(seed, "dee@tailspin.test")));
  CHECK(lct::get(g, url, tailspin).status == 403);
}

TEST_CASE("Auth: personal Microsoft accounts are refused with 403", "[auth]") {
  const auto g = lct::small_graph();
  auto check_refused = [](const fakegraph::response& r) {
    INFO("body: " << r.body);
    REQUIRE(r.status == 403);
    CHECK(lct::error_code(r) == "Forbidden");
    CHECK_THAT(lct::error_message(r), StartsWith("No authorization information present"));
    CHECK(r.header("WWW-Authenticate").empty());
  };
  for (const std::string& url : std::vector<std::string>{"/v1.0/me/chats", "/v1.0/chats",
                                                         "/v1.0/users/ann@northwind.test/chats"}) {
    CAPTURE(url);
    check_refused(lct::get(g, url, "msa"));
    check_refused(lct::get(g, url,
                           lct::jwt({{"tid", lct::msa_tenant},
                                     {"oid", "00000000-0000-0000-0066-9d1d7b6f0a1c"},
                                     {"scp", "Chat.Read User.Read"}})));
  }
  // An expired personal token is still a 401 first.
  json claims = {{"tid", lct::msa_tenant},
                 {"oid", "00000000-0000-0000-0066-9d1d7b6f0a1c"},
                 {"scp", "Chat.Read"},
                 {"exp", seed_now_seconds(g, -301)}};  // past the 5-minute skew
  require_401(lct::get(g, "/v1.0/me/chats", lct::jwt(claims)), expired_message);
  // The default world's personal account too.
  const auto d = fakegraph_test::default_world();
  check_refused(lct::get(d, "/v1.0/me/chats", "msa-user"));
  require_401(lct::get(d, "/v1.0/me/chats", "expired-token"), expired_message);
  require_401(lct::get(d, "/v1.0/users/adele@contoso.com/chats", "exporter-expired"),
              expired_message);
}

TEST_CASE("Auth: WWW-Authenticate is sent with 401 only", "[auth]") {
  const auto g = lct::small_graph();
  CHECK(lct::get(g, "/v1.0/me/chats", "").header("WWW-Authenticate") == www_authenticate);
  CHECK(lct::get(g, "/v1.0/me/chats", "ann-read").header("WWW-Authenticate").empty());
  CHECK(lct::get(g, "/v1.0/me/chats", "ann-user").header("WWW-Authenticate").empty());
  CHECK(lct::get(g, "/v1.0/me/chats?$top=0", "ann-read").header("WWW-Authenticate").empty());
}
