// fakegraph: opaque skiptokens (a keyset cursor bound to its query) and nextLinks.
#pragma once

#include <charconv>          // std::from_chars
#include <cstddef>           // std::size_t
#include <cstdint>           // std::uint64_t
#include <initializer_list>  // std::initializer_list
#include <optional>          // std::optional
#include <string>            // std::string
#include <string_view>       // std::string_view
#include <system_error>      // std::errc
#include <vector>            // std::vector

#include "../http.hpp"
#include "strings.hpp"

namespace fakegraph::detail {

/// Starts a collection page, `{"@odata.context":"…"`, noting the context where the call asks
/// for it (an empty page that stands for this one carries the same).
inline json_writer& begin_page(json_writer& w, const call_context& ctx,
                               const std::string& context) {
  if (ctx.page_context_written) *ctx.page_context_written = context;
  return w.begin_object().key("@odata.context").value(context);
}

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

/// The cursor as bytes: `<as_of>` then `|<length>:<bytes>` per key. Length-prefixed, so a key
/// may hold any bytes (ids made in code need not be UTF-8) and decoding needs no JSON parser.
inline std::string cursor_bytes(const cursor& c) {
  std::string out = std::to_string(c.as_of);
  for (const auto& k : c.key) {
    out += '|';
    out += std::to_string(k.size());
    out += ':';
    out += k;
  }
  return out;
}

/// The cursor cursor_bytes wrote, or nullopt for anything it could not have written.
inline std::optional<cursor> cursor_from_bytes(std::string_view body) {
  cursor c;
  const auto number = [&](auto& value) {
    const auto [end, err] = std::from_chars(body.data(), body.data() + body.size(), value);
    if (err != std::errc() || end == body.data()) return false;
    body.remove_prefix(static_cast<std::size_t>(end - body.data()));
    return true;
  };
  if (!number(c.as_of)) return std::nullopt;
  while (!body.empty()) {
    std::size_t length = 0;
    if (body.front() != '|') return std::nullopt;
    body.remove_prefix(1);
    if (!number(length) || body.empty() || body.front() != ':' || body.size() - 1 < length)
      return std::nullopt;
    c.key.emplace_back(body.substr(1, length));
    body.remove_prefix(1 + length);
  }
  return c;
}

/// `base64url(cursor bytes) + "~" + mac`: URL-safe (A-Z a-z 0-9 - _ ~), opaque, and useless
/// against another query or principal, or after any change.
inline std::string encode_skiptoken(const cursor& c, std::uint64_t bound_to, std::uint64_t secret) {
  const std::string body = cursor_bytes(c);
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
  auto c = cursor_from_bytes(*body);
  if (!c || cursor_bytes(*c) != *body) return std::nullopt;  // one spelling here too
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
