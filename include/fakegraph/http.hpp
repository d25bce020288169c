// fakegraph: request and response values, URLs, query strings and Graph's error body.
#pragma once

#include <nlohmann/json_fwd.hpp>  // nlohmann::json

#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair
#include <vector>       // std::vector

#include "clock.hpp"
#include "detail/wire.hpp"

namespace fakegraph {

/// Header name/value pairs in the order given. Lookups ignore the name's case, as HTTP does.
using header_list = std::vector<std::pair<std::string, std::string>>;

/// The value of the first header called `name` (any case), or "" when there is none.
std::string find_header(const header_list& headers, std::string_view name);

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
  nlohmann::json json() const;

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

url_parts split_url(std::string_view url);

/// One decoded query parameter, with its raw text kept for rebuilding links.
struct query_param {
  std::string name;   // decoded
  std::string value;  // decoded ('+' is a space)
};

/// Splits and decodes a query string. nullopt names the first broken escape.
std::optional<std::vector<query_param>> parse_query(std::string_view query,
                                                    std::string* bad = nullptr);

/// Builds a query string the way Graph writes its nextLinks: `$` and `,` kept, spaces as '+'.
std::string build_query(const std::vector<query_param>& params);

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
std::string format_http_date(timestamp t);

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
response make_response(const call_context& ctx, int status, std::string body);

/// An answer without a body (204): Graph's headers, no Content-Type.
response empty_response(const call_context& ctx, int status);

/// The answer to a CORS preflight (`OPTIONS`, on any path): 204, every method Graph serves,
/// the request headers the browser asked for, cached for a day. Browsers send no
/// Authorization on a preflight, so none is needed.
response preflight_response(const call_context& ctx, std::string_view requested_headers);

/// Graph's error body: `{"error":{"code","message","innerError":{date,request-id,...}}}`.
/// Whatever the message echoes of the request is written as valid UTF-8: this never throws
/// on content.
response graph_error(const call_context& ctx, int status, std::string_view code,
                     std::string_view message);

}  // namespace detail
}  // namespace fakegraph

#ifndef FAKEGRAPH_COMPILED_LIB
#include "http-inl.hpp"
#endif
