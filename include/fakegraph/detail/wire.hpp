// fakegraph: writing answer text. A client may send any bytes, and answers echo what it sent
// (client-request-id, path segments, option values, $filter literals). Every byte an answer
// carries goes through these functions: the text is made valid UTF-8 (each byte that does not
// belong to a well-formed sequence becomes U+FFFD) and writing never throws on content.
#pragma once

#include <nlohmann/json.hpp>  // nlohmann::json, nlohmann::ordered_json

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view

namespace fakegraph::detail {

inline constexpr std::string_view replacement_character = "\xEF\xBF\xBD";  // U+FFFD

/// The length of the well-formed UTF-8 sequence starting at `s[i]` (RFC 3629: no overlong
/// forms, no surrogates, nothing above U+10FFFF), or 0 when the byte there starts none.
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

inline bool is_valid_utf8(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

/// `s` with every byte that starts no well-formed sequence replaced by U+FFFD.
inline std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      out += replacement_character;
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

/// Text echoed into a response header (client-request-id): valid UTF-8, and control
/// characters (CR, LF, NUL…) replaced too, so an echo can never split or end a header.
inline std::string header_text(std::string_view s) {
  std::string out = valid_utf8(s);
  std::string clean;
  clean.reserve(out.size());
  for (const char c : out) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F)
      clean += replacement_character;
    else
      clean += c;
  }
  return clean;
}

/// The JSON text of a value as an answer carries it: compact, invalid UTF-8 in any string
/// written as U+FFFD (nlohmann's replace handler) instead of throwing.
template <class Json>
std::string wire_text(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

/// `s` as a JSON string literal, quotes included (`"a\"b"`), made valid like wire_text.
inline std::string json_string(std::string_view s) {
  return wire_text(nlohmann::json(std::string(s)));
}

}  // namespace fakegraph::detail
