// fakegraph::server over HTTPS, with a certificate made at test time by the openssl CLI.
#include <fakegraph/server.hpp>

#include "server_support.hpp"
#include "support/catch.hpp"

#include <chrono>   // std::chrono::seconds
#include <cstddef>  // std::size_t
#include <string>   // std::string

using fakegraph_test::default_world;
using nlohmann::json;

namespace {

std::string error_id_of(const fakegraph::server_options& options) {
  return fakegraph_test::error_id([&] { fakegraph::server srv(default_world(), options); });
}

}  // namespace

TEST_CASE("HTTPS with a self-signed certificate: verified, links on https", "[server][tls]") {
  const fakegraph_test::temp_dir dir;
  const auto pair = fakegraph_test::make_self_signed(dir);
  // tools/deps installs openssl: without it this is a failure, never a silent skip.
  INFO("the openssl CLI is needed to make a test certificate (tools/deps)");
  REQUIRE(static_cast<bool>(pair));
  fakegraph::server_options options;
  options.tls_cert = pair.cert;
  options.tls_key = pair.key;
  const auto g = default_world();
  fakegraph::server srv(g, options);
  CHECK(srv.scheme() == "https");
  CHECK(srv.base_url() == "https://127.0.0.1:" + std::to_string(srv.port()));

  httplib::SSLClient client(srv.host(), srv.port());
  client.set_ca_cert_path(pair.cert.c_str());
  client.enable_server_certificate_verification(true);
  client.set_keep_alive(true);

  std::string target = "/v1.0/me/chats?$top=3";
  std::size_t chats = 0;
  for (int page = 0; page < 10 && !target.empty(); ++page) {
    const auto res = client.Get(target.c_str(), {{"Authorization", "Bearer adele-read"}});
    REQUIRE(res);
    REQUIRE(res->status == 200);
    const json body = json::parse(res->body);
    CHECK(body["@odata.context"].get<std::string>().rfind(srv.base_url() + "/", 0) == 0);
    chats += body["value"].size();
    target.clear();
    if (body.contains("@odata.nextLink")) {
      const std::string next = body["@odata.nextLink"];
      REQUIRE(next.rfind(srv.base_url() + "/", 0) == 0);
      target = next.substr(srv.base_url().size());
    }
  }
  CHECK(chats == 7);

  // Same answer as in process for the same https URL.
  const auto expected = g.handle(
      {"GET", srv.base_url() + "/v1.0/me/chats?$top=3", {{"Authorization", "Bearer adele-read"}}});
  const auto res = client.Get("/v1.0/me/chats?$top=3", {{"Authorization", "Bearer adele-read"}});
  REQUIRE(res);
  CHECK(res->body == expected.body);

  // A plain-HTTP client gets no answer from the HTTPS port, and the server survives it.
  httplib::Client plain(srv.host(), srv.port());
  plain.set_read_timeout(std::chrono::seconds(5));
  const auto refused = plain.Get("/v1.0/me/chats");
  CHECK((!refused || refused->status >= 400));
  CHECK(client.Get("/v1.0/me/chats", {{"Authorization", "Bearer adele-read"}}));
}

TEST_CASE("an unusable certificate or key is fakegraph.server.tls", "[server][tls]") {
  const fakegraph_test::temp_dir dir;
  fakegraph::server_options options;
  SECTION("missing files") {
    options.tls_cert = dir.file("missing-cert.pem");
    options.tls_key = dir.file("missing-key.pem");
    CHECK(error_id_of(options) == "fakegraph.server.tls");
  }
  SECTION("files that are not PEM") {
    fakegraph_test::write_file(dir.file("cert.pem"), "not a certificate");
    fakegraph_test::write_file(dir.file("key.pem"), "not a key");
    options.tls_cert = dir.file("cert.pem");
    options.tls_key = dir.file("key.pem");
    CHECK(error_id_of(options) == "fakegraph.server.tls");
  }
  SECTION("a key that does not match the certificate") {
    const fakegraph_test::temp_dir other;
    const auto a = fakegraph_test::make_self_signed(dir);
    const auto b = fakegraph_test::make_self_signed(other);
    INFO("the openssl CLI is needed to make a test certificate (tools/deps)");
    REQUIRE(static_cast<bool>(a));
    INFO("the openssl CLI is needed to make a test certificate (tools/deps)");
    REQUIRE(static_cast<bool>(b));
    options.tls_cert = a.cert;
    options.tls_key = b.key;
    CHECK(error_id_of(options) == "fakegraph.server.tls");
  }
}
