// fakegraph: opaque skiptokens (a keyset cursor bound to its query) and nextLinks.
#pragma once

#include <cstdint>           // std::uint64_t
#include <initializer_list>  // std::initializer_list
#include <optional>          // std::optional
#include <string>            // std::string
#include <string_view>       // std::string_view
#include <vector>            // std::vector

#include "../http.hpp"
#include "strings.hpp"

namespace fakegraph::detail {

/// Starts a collection page, `{"@odata.context":"…"`, noting the context where the call asks
/// for it (an empty page that stands for this one carries the same).
json_writer& begin_page(json_writer& w, const call_context& ctx, const std::string& context);

/// Where the next page starts: the sort key of the last item sent, and the world's
/// insertion counter when the walk began (so a walk orders by what existed then).
struct cursor {
  std::vector<std::string> key;
  std::uint64_t as_of = 0;
};

/// A fingerprint of what a token is bound to: the route, the principal and the query.
std::uint64_t fingerprint(std::initializer_list<std::string_view> parts);

inline std::string token_mac(std::string_view body, std::uint64_t bound_to, std::uint64_t secret) {
  return to_hex(splitmix64(fnv1a(body, splitmix64(secret ^ bound_to))), 16);
}

/// The cursor as bytes: `<as_of>` then `|<length>:<bytes>` per key. Length-prefixed, so a key
/// may hold any bytes (ids made in code need not be UTF-8) and decoding needs no JSON parser.
std::string cursor_bytes(const cursor& c);

/// The cursor cursor_bytes wrote, or nullopt for anything it could not have written.
std::optional<cursor> cursor_from_bytes(std::string_view body);

/// `base64url(cursor bytes) + "~" + mac`: URL-safe (A-Z a-z 0-9 - _ ~), opaque, and useless
/// against another query or principal, or after any change.
std::string encode_skiptoken(const cursor& c, std::uint64_t bound_to, std::uint64_t secret);

std::optional<cursor> decode_skiptoken(std::string_view token, std::uint64_t bound_to,
                                       std::uint64_t secret);

/// The nextLink: the request's own origin, version and path, its query options (without
/// an old $skiptoken) and the new $skiptoken appended.
std::string next_link(const call_context& ctx, const std::string& raw_path,
                      std::vector<query_param> params, const std::string& skiptoken);

}  // namespace fakegraph::detail

#ifndef FAKEGRAPH_COMPILED_LIB
#include "paging-inl.hpp"
#endif
