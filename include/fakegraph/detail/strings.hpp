// fakegraph: small string helpers shared by every layer (no locale, ASCII only).
#pragma once

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint8_t, std::uint64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

namespace fakegraph::detail {

inline char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string to_lower(std::string_view s);

bool iequals(std::string_view a, std::string_view b) noexcept;

inline bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view s) noexcept;

std::vector<std::string_view> split(std::string_view s, char sep);

int hex_value(char c) noexcept;

/// Decodes %XX escapes; `plus_is_space` for query strings. nullopt on a broken escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

/// Appends `s` with everything but RFC 3986 unreserved characters and the `keep` set
/// percent-encoded, to `out` (a std::string or a json_writer's text_buffer).
template <class Text>
void append_percent_encoded(Text& out, std::string_view s, std::string_view keep = {}) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::size_t run = 0;  // start of the characters not yet copied (runs are copied whole)
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~' || keep.find(c) != std::string_view::npos;
    if (unreserved) continue;
    out.append(s.data() + run, i - run);
    const auto b = static_cast<unsigned char>(c);
    const char escaped[3] = {'%', digits[b >> 4], digits[b & 15]};
    out.append(escaped, 3);
    run = i + 1;
  }
  out.append(s.data() + run, s.size() - run);
}

/// The same, as a string.
std::string percent_encode(std::string_view s, std::string_view keep = {});

inline constexpr char base64_std_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr char base64_url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends the Base64 of `in`; `url` selects the URL-safe alphabet without padding.
template <class Text>
void append_base64(Text& out, std::string_view in, bool url) {
  const char* alphabet = url ? base64_url_alphabet : base64_std_alphabet;
  const std::size_t whole = in.size() / 3;
  const std::size_t rest = in.size() % 3;
  const std::size_t at = out.size();
  out.resize(at + whole * 4 + (rest == 0 ? 0 : url ? rest + 1 : 4), '=');
  const auto byte = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(in[k]));
  };
  char* o = out.data() + at;
  for (std::size_t g = 0; g < whole; ++g) {
    const std::uint32_t n = byte(3 * g) << 16 | byte(3 * g + 1) << 8 | byte(3 * g + 2);
    *o++ = alphabet[(n >> 18) & 63];
    *o++ = alphabet[(n >> 12) & 63];
    *o++ = alphabet[(n >> 6) & 63];
    *o++ = alphabet[n & 63];
  }
  if (rest > 0) {  // the last one or two bytes; '=' padding stays unless url
    const std::size_t i = 3 * whole;
    std::uint32_t n = byte(i) << 16;
    if (rest == 2) n |= byte(i + 1) << 8;
    *o++ = alphabet[(n >> 18) & 63];
    *o++ = alphabet[(n >> 12) & 63];
    if (rest == 2) *o = alphabet[(n >> 6) & 63];
  }
}

/// Base64; `url` selects the URL-safe alphabet without padding.
std::string base64_encode(std::string_view in, bool url);

/// Decodes both alphabets, padding optional. nullopt on anything else.
std::optional<std::string> base64_decode(std::string_view in);

/// FNV-1a, 64 bit: stable across platforms and runs (std::hash is not).
std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 14695981039346656037ull);

/// SplitMix64: a tiny, well-mixed generator step for deterministic ids.
std::uint64_t splitmix64(std::uint64_t x) noexcept;

std::string to_hex(std::uint64_t v, int digits);

/// A GUID-shaped string (version 4 layout) made from two 64-bit values.
std::string make_guid(std::uint64_t a, std::uint64_t b);

/// A GUID derived from a name: the same name always gives the same id.
std::string guid_from_name(std::string_view name);

bool is_guid(std::string_view s) noexcept;

}  // namespace fakegraph::detail

#ifndef FAKEGRAPH_COMPILED_LIB
#include "strings-inl.hpp"
#endif
