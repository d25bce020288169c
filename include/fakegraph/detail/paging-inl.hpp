// fakegraph: definitions of paging.hpp (see detail/inline.hpp).
#pragma once

#include "paging.hpp"

#include <charconv>      // std::from_chars
#include <cstddef>       // std::size_t
#include <system_error>  // std::errc

#include "inline.hpp"

namespace fakegraph::detail {

FAKEGRAPH_INLINE json_writer& begin_page(json_writer& w, const call_context& ctx,
                                         const std::string& context) {
  if (ctx.page_context_written) *ctx.page_context_written = context;
  return w.begin_object().key("@odata.context").value(context);
}

FAKEGRAPH_INLINE std::uint64_t fingerprint(std::initializer_list<std::string_view> parts) {
  std::uint64_t h = 14695981039346656037ull;
  for (const auto p : parts) {
    h = fnv1a(p, h);
    h = fnv1a(std::string_view("\x1f", 1), h);
  }
  return h;
}

FAKEGRAPH_INLINE std::string cursor_bytes(const cursor& c) {
  std::string out = std::to_string(c.as_of);
  for (const auto& k : c.key) {
    out += '|';
    out += std::to_string(k.size());
    out += ':';
    out += k;
  }
  return out;
}

FAKEGRAPH_INLINE std::optional<cursor> cursor_from_bytes(std::string_view body) {
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

FAKEGRAPH_INLINE std::string encode_skiptoken(const cursor& c, std::uint64_t bound_to,
                                              std::uint64_t secret) {
  const std::string body = cursor_bytes(c);
  return base64_encode(body, true) + "~" + token_mac(body, bound_to, secret);
}

FAKEGRAPH_INLINE std::optional<cursor> decode_skiptoken(std::string_view token,
                                                        std::uint64_t bound_to,
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

FAKEGRAPH_INLINE std::string next_link(const call_context& ctx, const std::string& raw_path,
                                       std::vector<query_param> params,
                                       const std::string& skiptoken) {
  std::vector<query_param> kept;
  for (auto& p : params)
    if (!iequals(p.name, "$skiptoken")) kept.push_back(std::move(p));
  kept.push_back({"$skiptoken", skiptoken});
  return ctx.origin + raw_path + "?" + build_query(kept);
}

}  // namespace fakegraph::detail
