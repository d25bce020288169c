// fakegraph: request and response values, URLs, query strings and Graph's error body.
#pragma once

#include <nlohmann/json.hpp>  // nlohmann::json

#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair
#include <vector>       // std::vector

#include "clock.hpp"
#include "detail/strings.hpp"
#include "detail/wire.hpp"

namespace fakegraph {

/// Header name/value pairs in the order given. Lookups ignore the name's case, as HTTP does.
using header_list = std::vector<std::pair<std::string, std::string>>;

/// The value of the first header called `name` (any case), or "" when there is none.
inline std::string find_header(const header_list& headers, std::string_view name) {
  for (const auto& [key, value] : headers)
    if (detail::iequals(key, name)) return value;
  return {};
}

/// What a client sends: `request{"GET", url, {{"Authorization", "Bearer t"}}}`.
///
/// `url` may be absolute (`https://graph.microsoft.com/v1.0/me/chats`) or a path
/// (`/v1.0/me/chats`). Links in the answer use the absolute URL's scheme and host, else the
/// `Host` header (as https), else the seed's `settings.baseUrl`.
struct request {
  request() = default;
  request(std::string method_, std::string url_, header_list headers_ = {}, std::string body_ = {})
      : method(std::move(method_)),
        url(std::move(url_)),
        headers(std::move(headers_)),
        body(std::move(body_)) {}

  std::string method;
  std::string url;
  header_list headers;
  std::string body;

  std::string header(std::string_view name) const { return find_header(headers, name); }
};

/// What Graph answers: the status, the headers and the exact body bytes.
struct response {
  int status = 0;
  header_list headers;
  std::string body;

  /// The body parsed as JSON (throws nlohmann::json::parse_error when it is not JSON).
  nlohmann::json json() const { return detail::parse_json(body, true); }

  /// The first header called `name` (any case), or "" when absent.
  std::string header(std::string_view name) const { return find_header(headers, name); }
};

namespace detail {

/// An URL cut into its raw (still percent-encoded) parts.
struct url_parts {
  std::string scheme;  // "https", or "" for a bare path
  std::string host;    // "graph.microsoft.com:443", or ""
  std::string path;    // "/v1.0/me/chats"
  std::string query;   // "$top=2&$expand=members" (no '?')
};

inline url_parts split_url(std::string_view url) {
  url_parts parts;
  const std::size_t scheme_end = url.find("://");
  const std::size_t first_slash = url.find('/');
  if (scheme_end != std::string_view::npos && scheme_end < first_slash) {
    parts.scheme = to_lower(url.substr(0, scheme_end));
    url.remove_prefix(scheme_end + 3);
    const std::size_t host_end = url.find_first_of("/?#");
    parts.host = std::string(url.substr(0, host_end));
    url.remove_prefix(host_end == std::string_view::npos ? url.size() : host_end);
  }
  const std::size_t fragment = url.find('#');
  if (fragment != std::string_view::npos) url = url.substr(0, fragment);
  const std::size_t q = url.find('?');
  parts.path = std::string(url.substr(0, q));
  if (q != std::string_view::npos) parts.query = std::string(url.substr(q + 1));
  return parts;
}

/// One decoded query parameter, with its raw text kept for rebuilding links.
struct query_param {
  std::string name;   // decoded
  std::string value;  // decoded ('+' is a space)
};

/// Splits and decodes a query string. nullopt names the first broken escape.
inline std::optional<std::vector<query_param>> parse_query(std::string_view query,
                                                           std::string* bad = nullptr) {
  std::vector<query_param> params;
  if (query.empty()) return params;
  for (std::string_view piece : split(query, '&')) {
    if (piece.empty()) continue;
    const std::size_t eq = piece.find('=');
    const std::string_view raw_name = piece.substr(0, eq);
    const std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1);
    auto name = percent_decode(raw_name, true);
    auto value = percent_decode(raw_value, true);
    if (!name || !value) {
      if (bad) *bad = std::string(piece);
      return std::nullopt;
    }
    params.push_back({std::move(*name), std::move(*value)});
  }
  return params;
}

/// Builds a query string the way Graph writes its nextLinks: `$` and `,` kept, spaces as '+'.
inline std::string build_query(const std::vector<query_param>& params) {
  std::string out;
  for (const auto& p : params) {
    if (!out.empty()) out += '&';
    out += percent_encode(p.name, "$");
    out += '=';
    std::string v = percent_encode(p.value, "$,()' :@");
    for (char& c : v)
      if (c == ' ') c = '+';
    out += v;
  }
  return out;
}

/// The Graph error an answer gives (`error.code`, `error.message`), kept as it is written.
struct error_text {
  std::string code;
  std::string message;  // valid UTF-8, as the body carries it
};

/// What every answer to one request shares: its ids, its time and where its links point.
struct call_context {
  std::string request_id;
  std::string client_request_id;
  timestamp now = 0;
  std::string origin;   // "https://graph.microsoft.com": scheme and host for links
  std::string version;  // "v1.0" or "beta", as the request spelled it
  // Where graph_error and throttled_response note the error they write (the graph's record
  // stage reads it instead of parsing the answer back); null when nothing records it.
  error_text* error_written = nullptr;
  // Where a collection page notes its @odata.context as begin_page writes it, when the graph
  // may answer an empty page in its place (an empty_page fault rule); null otherwise.
  std::string* page_context_written = nullptr;
};

/// RFC 7231 date for the `Date` header.
inline std::string format_http_date(timestamp t) {
  static constexpr const char* days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::int64_t day = floor_div(t, 86400000);
  const civil c = civil_from_days(day);
  const std::string iso = format_time_seconds(t);  // YYYY-MM-DDTHH:MM:SS
  std::string out = days[static_cast<std::size_t>(((day % 7) + 7) % 7)];
  out += ", " + iso.substr(8, 2) + " " + months[c.month - 1] + " " + iso.substr(0, 4) + " " +
         iso.substr(11, 8) + " GMT";
  return out;
}

inline constexpr std::string_view json_content_type =
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;"
    "charset=utf-8";

/// CORS as graph.microsoft.com does it (graph-semantics.md §13): any origin may read every
/// answer, and these headers of it.
inline constexpr std::string_view cors_exposed_headers =
    "ETag, Location, Preference-Applied, Content-Range, request-id, client-request-id, "
    "ReadWriteConsistencyToken, Retry-After, SdkVersion, WWW-Authenticate, "
    "x-ms-client-gcc-tenant, X-Planner-Operationid, x-ms-permissions-recommendations";
inline constexpr std::string_view cors_allowed_methods = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
inline constexpr std::string_view cors_max_age_seconds = "86400";

/// A response with the headers Graph puts on every answer.
inline response make_response(const call_context& ctx, int status, std::string body) {
  response r;
  r.status = status;
  r.headers = {
      {"Content-Type", std::string(json_content_type)},
      {"request-id", ctx.request_id},
      {"client-request-id", ctx.client_request_id},
      {"Date", format_http_date(ctx.now)},
      {"Strict-Transport-Security", "max-age=31536000"},
      {"x-ms-ags-diagnostic", R"({"ServerInfo":{"DataCenter":"Local","Slice":"E","Ring":"0",)"
                              R"("ScaleUnit":"000","RoleInstance":"fakegraph"}})"},
      {"Access-Control-Allow-Origin", "*"},
      {"Access-Control-Expose-Headers", std::string(cors_exposed_headers)}};
  r.body = std::move(body);
  return r;
}

/// An answer without a body (204): Graph's headers, no Content-Type.
inline response empty_response(const call_context& ctx, int status) {
  response r = make_response(ctx, status, {});
  for (auto it = r.headers.begin(); it != r.headers.end(); ++it)
    if (iequals(it->first, "Content-Type")) {
      r.headers.erase(it);
      break;
    }
  return r;
}

/// The answer to a CORS preflight (`OPTIONS`, on any path): 204, every method Graph serves,
/// the request headers the browser asked for, cached for a day. Browsers send no
/// Authorization on a preflight, so none is needed.
inline response preflight_response(const call_context& ctx, std::string_view requested_headers) {
  response r = empty_response(ctx, 204);
  r.headers.emplace_back("Access-Control-Allow-Methods", std::string(cors_allowed_methods));
  if (!requested_headers.empty())
    r.headers.emplace_back("Access-Control-Allow-Headers", header_text(requested_headers));
  r.headers.emplace_back("Access-Control-Max-Age", std::string(cors_max_age_seconds));
  return r;
}

/// Graph's error body: `{"error":{"code","message","innerError":{date,request-id,...}}}`.
/// Whatever the message echoes of the request is written as valid UTF-8: this never throws
/// on content.
inline response graph_error(const call_context& ctx, int status, std::string_view code,
                            std::string_view message) {
  if (ctx.error_written) *ctx.error_written = {std::string(code), valid_utf8(message)};
  json_writer w;
  w.begin_object()
      .key("error")
      .begin_object()
      .key("code")
      .value(code)
      .key("message")
      .value(message)
      .key("innerError")
      .begin_object()
      .key("date")
      .value(format_time_seconds(ctx.now))
      .key("request-id")
      .value(ctx.request_id)
      .key("client-request-id")
      .value(ctx.client_request_id)
      .end_object()
      .end_object()
      .end_object();
  response r = make_response(ctx, status, w.take());
  if (status == 401)
    r.headers.emplace_back(
        "WWW-Authenticate",
        R"(Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000")");
  return r;
}

}  // namespace detail
}  // namespace fakegraph
