// fakegraph: definitions of detail/wire.hpp (see detail/inline.hpp).
#pragma once

#include "wire.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include "inline.hpp"

namespace fakegraph::detail {

FAKEGRAPH_INLINE std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
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

FAKEGRAPH_INLINE bool is_valid_utf8(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

FAKEGRAPH_INLINE std::string valid_utf8(std::string_view s) {
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

FAKEGRAPH_INLINE std::string header_text(std::string_view s) {
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

FAKEGRAPH_INLINE std::string json_string(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  append_json_string(out, s);
  return out;
}

FAKEGRAPH_INLINE std::string wire_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

FAKEGRAPH_INLINE nlohmann::json parse_json(std::string_view text, bool allow_exceptions) {
  return nlohmann::json::parse(text.data(), text.data() + text.size(), nullptr, allow_exceptions);
}

FAKEGRAPH_INLINE bool json_is(const nlohmann::json& value, std::string_view text) {
  return value.is_string() && value.get_ref<const std::string&>() == text;
}

FAKEGRAPH_INLINE nlohmann::json json_array() { return nlohmann::json::array(); }

FAKEGRAPH_INLINE std::string text_buffer::take() {
  room_.resize(size_);
  std::string text = std::move(room_);
  room_.clear();
  data_ = room_.data();
  size_ = 0;
  return text;
}

}  // namespace fakegraph::detail
