// fakegraph: opaque skiptokens (a keyset cursor bound to its query) and nextLinks.
#pragma once

#include <nlohmann/json.hpp>  // nlohmann::json

#include <cstdint>           // std::uint64_t
#include <initializer_list>  // std::initializer_list
#include <optional>          // std::optional
#include <string>            // std::string
#include <string_view>       // std::string_view
#include <vector>            // std::vector

#include "../http.hpp"
#include "strings.hpp"

namespace fakegraph::detail {

/// Where the next page starts: the sort key of the last item sent, and the world's
/// insertion counter when the walk began (so a walk orders by what existed then).
struct cursor {
  std::vector<std::string> key;
  std::uint64_t as_of = 0;
};

/// A fingerprint of what a token is bound to: the route, the principal and the query.
inline std::uint64_t fingerprint(std::initializer_list<std::string_view> parts) {
  std::uint64_t h = 14695981039346656037ull;
  for (const auto p : parts) {
    h = fnv1a(p, h);
    h = fnv1a(std::string_view("\x1f", 1), h);
  }
  return h;
}

inline std::string token_mac(std::string_view body, std::uint64_t bound_to, std::uint64_t secret) {
  return to_hex(splitmix64(fnv1a(body, splitmix64(secret ^ bound_to))), 16);
}

/// `base64url(cursor JSON) + "~" + mac`: URL-safe (A-Z a-z 0-9 - _ ~), opaque, and useless
/// against another query or principal, or after any change.
inline std::string encode_skiptoken(const cursor& c, std::uint64_t bound_to, std::uint64_t secret) {
  const std::string body = nlohmann::json{{"a", c.as_of}, {"k", c.key}}.dump();
  return base64_encode(body, true) + "~" + token_mac(body, bound_to, secret);
}

inline std::optional<cursor> decode_skiptoken(std::string_view token, std::uint64_t bound_to,
                                              std::uint64_t secret) {
  const std::size_t sep = token.find('~');
  if (sep == std::string_view::npos || token.size() > 4096) return std::nullopt;
  const std::string_view text = token.substr(0, sep);
  const auto body = base64_decode(text);
  // Only the one spelling encode_skiptoken writes: base64 is lenient about the spare bits
  // of its last character, and a changed token must not pass.
  if (!body || base64_encode(*body, true) != text ||
      token.substr(sep + 1) != token_mac(*body, bound_to, secret))
    return std::nullopt;
  const auto j = nlohmann::json::parse(*body, nullptr, false);
  if (!j.is_object() || !j.contains("a") || !j["a"].is_number_unsigned() || !j.contains("k") ||
      !j["k"].is_array())
    return std::nullopt;
  cursor c;
  c.as_of = j["a"].get<std::uint64_t>();
  for (const auto& k : j["k"]) {
    if (!k.is_string()) return std::nullopt;
    c.key.push_back(k.get<std::string>());
  }
  return c;
}

/// The nextLink: the request's own origin, version and path, its query options (without
/// an old $skiptoken) and the new $skiptoken appended.
inline std::string next_link(const call_context& ctx, const std::string& raw_path,
                             std::vector<query_param> params, const std::string& skiptoken) {
  std::vector<query_param> kept;
  for (auto& p : params)
    if (!iequals(p.name, "$skiptoken")) kept.push_back(std::move(p));
  kept.push_back({"$skiptoken", skiptoken});
  return ctx.origin + raw_path + "?" + build_query(kept);
}

}  // namespace fakegraph::detail
