// fakegraph: definitions of http.hpp (see detail/inline.hpp).
#pragma once

#include "http.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include "detail/inline.hpp"
#include "detail/strings.hpp"

namespace fakegraph {

FAKEGRAPH_INLINE std::string find_header(const header_list& headers, std::string_view name) {
  for (const auto& [key, value] : headers)
    if (detail::iequals(key, name)) return value;
  return {};
}

FAKEGRAPH_INLINE nlohmann::json response::json() const { return detail::parse_json(body, true); }

namespace detail {

FAKEGRAPH_INLINE url_parts split_url(std::string_view url) {
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

FAKEGRAPH_INLINE std::optional<std::vector<query_param>> parse_query(std::string_view query,
                                                                     std::string* bad) {
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

FAKEGRAPH_INLINE std::string build_query(const std::vector<query_param>& params) {
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

FAKEGRAPH_INLINE std::string format_http_date(timestamp t) {
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

FAKEGRAPH_INLINE response make_response(const call_context& ctx, int status, std::string body) {
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

FAKEGRAPH_INLINE response empty_response(const call_context& ctx, int status) {
  response r = make_response(ctx, status, {});
  for (auto it = r.headers.begin(); it != r.headers.end(); ++it)
    if (iequals(it->first, "Content-Type")) {
      r.headers.erase(it);
      break;
    }
  return r;
}

FAKEGRAPH_INLINE response preflight_response(const call_context& ctx,
                                             std::string_view requested_headers) {
  response r = empty_response(ctx, 204);
  r.headers.emplace_back("Access-Control-Allow-Methods", std::string(cors_allowed_methods));
  if (!requested_headers.empty())
    r.headers.emplace_back("Access-Control-Allow-Headers", header_text(requested_headers));
  r.headers.emplace_back("Access-Control-Max-Age", std::string(cors_max_age_seconds));
  return r;
}

FAKEGRAPH_INLINE response graph_error(const call_context& ctx, int status, std::string_view code,
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
