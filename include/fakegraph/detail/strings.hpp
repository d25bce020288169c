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

inline std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a == b) return true;  // the usual case (ids as stored), compared whole
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

inline bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

inline std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

inline int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Decodes %XX escapes; `plus_is_space` for query strings. nullopt on a broken escape.
inline std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

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
inline std::string percent_encode(std::string_view s, std::string_view keep = {}) {
  std::string out;
  out.reserve(s.size());
  append_percent_encoded(out, s, keep);
  return out;
}

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
inline std::string base64_encode(std::string_view in, bool url) {
  std::string out;
  append_base64(out, in, url);
  return out;
}

/// Decodes both alphabets, padding optional. nullopt on anything else.
inline std::optional<std::string> base64_decode(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  out.reserve(in.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+' || c == '-')
      v = 62;
    else if (c == '/' || c == '_')
      v = 63;
    else
      return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (bits >= 6) return std::nullopt;  // a lone trailing character carries no byte
  return out;
}

/// FNV-1a, 64 bit: stable across platforms and runs (std::hash is not).
inline std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 14695981039346656037ull) {
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

/// SplitMix64: a tiny, well-mixed generator step for deterministic ids.
inline std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

inline std::string to_hex(std::uint64_t v, int digits) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = hex[v & 15];
    v >>= 4;
  }
  return out;
}

/// A GUID-shaped string (version 4 layout) made from two 64-bit values.
inline std::string make_guid(std::uint64_t a, std::uint64_t b) {
  const std::string h = to_hex(a, 16) + to_hex(b, 16);
  std::string g = h.substr(0, 8) + "-" + h.substr(8, 4) + "-4" + h.substr(13, 3) + "-";
  g += "89ab"[static_cast<std::size_t>(b >> 62)];
  g += h.substr(17, 3) + "-" + h.substr(20, 12);
  return g;
}

/// A GUID derived from a name: the same name always gives the same id.
inline std::string guid_from_name(std::string_view name) {
  const std::uint64_t h = fnv1a(name);
  return make_guid(splitmix64(h), splitmix64(h ^ 0x5DEECE66Dull));
}

inline bool is_guid(std::string_view s) noexcept {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (hex_value(s[i]) < 0) {
      return false;
    }
  }
  return true;
}

}  // namespace fakegraph::detail
