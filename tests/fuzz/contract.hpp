// The contract every fuzz harness checks on every answer (design.md §2): handle() never
// throws; no 5xx without a fault rule; the body is valid UTF-8 JSON (empty on a 204
// preflight); an error is exactly Graph's error body; a 2xx other than 204 is a collection;
// request-id and client-request-id headers are there and match the body; a 401 says
// WWW-Authenticate. A violation prints what broke and aborts, which libFuzzer reports as a
// crash with the input that caused it.
#pragma once

#include <fakegraph/fakegraph.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>    // std::size_t
#include <cstdio>     // std::fprintf, stderr
#include <cstdlib>    // std::abort
#include <exception>  // std::exception
#include <string>     // std::string

namespace fakegraph_fuzz {

[[noreturn]] inline void violation(const char* what, const fakegraph::request& req,
                                   const std::string& detail) {
  std::fprintf(stderr, "\nCONTRACT VIOLATION: %s\n  %s %s\n  headers:", what, req.method.c_str(),
               req.url.c_str());
  for (const auto& [name, value] : req.headers)
    std::fprintf(stderr, "\n    %s: %s", name.c_str(), value.c_str());
  std::fprintf(stderr, "\n  detail: %s\n", detail.c_str());
  std::abort();
}

inline bool has_header(const fakegraph::response& r, const char* name) {
  for (const auto& h : r.headers)
    if (fakegraph::detail::iequals(h.first, name)) return true;
  return false;
}

inline bool is_string_member(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string();
}

/// Checks one answer against the contract; returns the parsed body.
inline nlohmann::json check_response(const fakegraph::request& req, const fakegraph::response& r) {
  if (r.status < 200 || r.status > 599)
    violation("status outside 200..599", req, std::to_string(r.status));
  if (r.status >= 500) violation("5xx without a fault rule", req, r.body);
  if (!has_header(r, "request-id")) violation("no request-id header", req, r.body);
  if (!has_header(r, "client-request-id")) violation("no client-request-id header", req, r.body);
  if (r.status == 401 && !has_header(r, "WWW-Authenticate"))
    violation("401 without WWW-Authenticate", req, r.body);

  if (r.status == 204) {  // a CORS preflight: no body at all
    if (!r.body.empty()) violation("a 204 with a body", req, r.body);
    return nlohmann::json();
  }
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(r.body);  // strict: invalid UTF-8 is a parse error
  } catch (const std::exception& e) {
    violation("body is not valid UTF-8 JSON", req, std::string(e.what()) + "\n  body: " + r.body);
  }

  if (r.status >= 300) {
    const bool shape =
        body.is_object() && body.size() == 1 && body.contains("error") &&
        body["error"].is_object() && body["error"].size() == 3 &&
        is_string_member(body["error"], "code") && is_string_member(body["error"], "message") &&
        body["error"].contains("innerError") && body["error"]["innerError"].is_object() &&
        body["error"]["innerError"].size() == 3 &&
        is_string_member(body["error"]["innerError"], "date") &&
        is_string_member(body["error"]["innerError"], "request-id") &&
        is_string_member(body["error"]["innerError"], "client-request-id");
    if (!shape) violation("error body is not Graph's error shape", req, r.body);
    const auto& inner = body["error"]["innerError"];
    if (inner["request-id"].get<std::string>() != r.header("request-id"))
      violation("innerError.request-id differs from the request-id header", req, r.body);
    if (inner["client-request-id"].get<std::string>() != r.header("client-request-id"))
      violation("innerError.client-request-id differs from the client-request-id header", req,
                r.body);
    if (body["error"]["code"].get<std::string>().empty())
      violation("empty error code", req, r.body);
  } else {
    if (!body.is_object() || !is_string_member(body, "@odata.context"))
      violation("2xx body without @odata.context", req, r.body);
    // One entity (Get chat, Get message: `…/$entity`) has an id; a collection, a value array.
    const std::string context = body["@odata.context"].get<std::string>();
    const std::string entity = "/$entity";
    if (context.size() >= entity.size() &&
        context.compare(context.size() - entity.size(), entity.size(), entity) == 0) {
      if (!is_string_member(body, "id")) violation("2xx entity body without an id", req, r.body);
    } else if (!body.contains("value") || !body["value"].is_array()) {
      violation("2xx collection body without a value array", req, r.body);
    }
  }
  return body;
}

/// Sends `req` and checks the answer; handle() must not throw.
inline nlohmann::json send(const fakegraph::graph& g, const fakegraph::request& req,
                           fakegraph::response* out = nullptr) {
  fakegraph::response r;
  try {
    r = g.handle(req);
  } catch (const std::exception& e) {
    violation("handle() threw", req, e.what());
  } catch (...) {
    violation("handle() threw", req, "a non-std exception");
  }
  nlohmann::json body = check_response(req, r);
  if (out) *out = std::move(r);
  return body;
}

/// Percent-encodes every byte but unreserved ones, so any fuzz text reaches the query
/// option intact.
inline std::string encode_all(const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' ||
        u == '_' || u == '.' || u == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

}  // namespace fakegraph_fuzz
