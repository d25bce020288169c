// fakegraph: writing answer text. A client may send any bytes, and answers echo what it sent
// (client-request-id, path segments, option values, $filter literals). Every byte an answer
// carries goes through these functions: the text is made valid UTF-8 (each byte that does not
// belong to a well-formed sequence becomes U+FFFD) and writing never throws on content.
#pragma once

#include <nlohmann/json_fwd.hpp>  // nlohmann::json

#include <algorithm>    // std::max
#include <charconv>     // std::to_chars
#include <cstddef>      // std::size_t
#include <cstdint>      // std::int64_t, std::uint64_t
#include <cstring>      // std::memcpy, std::memset
#include <optional>     // std::optional
#include <string>       // std::string, std::to_string
#include <string_view>  // std::string_view

namespace fakegraph::detail {

inline constexpr std::string_view replacement_character = "\xEF\xBF\xBD";  // U+FFFD

/// The length of the well-formed UTF-8 sequence starting at `s[i]` (RFC 3629: no overlong
/// forms, no surrogates, nothing above U+10FFFF), or 0 when the byte there starts none.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept;

bool is_valid_utf8(std::string_view s) noexcept;

/// `s` with every byte that starts no well-formed sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view s);

/// Text echoed into a response header (client-request-id): valid UTF-8, and control
/// characters (CR, LF, NUL…) replaced too, so an echo can never split or end a header.
std::string header_text(std::string_view s);

/// Whether 8 bytes need nothing from a JSON string writer: no control character, no '"' or
/// '\\', nothing above 0x7F (eight at once, in one 64-bit word).
inline bool plain_ascii8(const char* p) noexcept {
  std::uint64_t x;
  std::memcpy(&x, p, sizeof x);
  constexpr std::uint64_t ones = 0x0101010101010101ull;
  constexpr std::uint64_t highs = 0x8080808080808080ull;
  const auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
  const std::uint64_t control = (x - ones * 0x20) & ~x & highs;  // a byte below 0x20
  return ((x & highs) | control | has_zero(x ^ (ones * '"')) | has_zero(x ^ (ones * '\\'))) == 0;
}

/// Appends the characters of `s` as a JSON string literal holds them, exactly as nlohmann's
/// `dump()` writes them (`\"`, `\\`, `\n`-style short escapes, `\u00XX` for other control
/// characters, everything else as is), with each byte that starts no well-formed UTF-8
/// sequence written as U+FFFD. Runs of plain ASCII, nearly all of an answer, are copied whole.
/// `Text`: std::string or text_buffer.
template <class Text>
void append_json_chars(Text& out, std::string_view s) {
  // 1: a control character, '"' or '\\' (escaped); 2: a byte above 0x7F (checked as UTF-8).
  static constexpr auto classes = [] {
    struct table {
      unsigned char of[256] = {};
    } t;
    for (int b = 0; b < 0x20; ++b) t.of[b] = 1;
    t.of[static_cast<unsigned char>('"')] = 1;
    t.of[static_cast<unsigned char>('\\')] = 1;
    for (int b = 0x80; b < 0x100; ++b) t.of[b] = 2;
    return t;
  }();
  static constexpr char hex[] = "0123456789abcdef";
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < s.size();) {
    if (i + 8 <= s.size() && plain_ascii8(s.data() + i)) {
      i += 8;
      continue;
    }
    const auto b = static_cast<unsigned char>(s[i]);
    const unsigned char kind = classes.of[b];
    if (kind == 0) {
      ++i;
      continue;
    }
    if (kind == 2) {
      const std::size_t n = utf8_sequence_length(s, i);
      if (n != 0) {
        i += n;
        continue;
      }
    }
    out.append(s.data() + run, i - run);
    switch (b) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (kind == 2) {
          out += replacement_character;
        } else {
          out += "\\u00";
          out += hex[b >> 4];
          out += hex[b & 0xF];
        }
    }
    run = ++i;
  }
  out.append(s.data() + run, s.size() - run);
}

/// Appends `s` as a JSON string literal, quotes included (see append_json_chars).
template <class Text>
void append_json_string(Text& out, std::string_view s) {
  out += '"';
  append_json_chars(out, s);
  out += '"';
}

/// `s` as a JSON string literal, quotes included (`"a\"b"`), made valid like every answer.
std::string json_string(std::string_view s);

/// The JSON text of a value as an answer carries it: compact, invalid UTF-8 in any string
/// written as U+FFFD (nlohmann's replace handler) instead of throwing.
std::string wire_text(const nlohmann::json& j);

/// Parses JSON text. Every parse of the library goes through here, so that nlohmann's lexer
/// and parser are compiled once, for `const char*` input, not once per input type. Text that
/// is not JSON gives a discarded value, or throws json::parse_error when `allow_exceptions`.
nlohmann::json parse_json(std::string_view text, bool allow_exceptions = false);

/// Whether `value` is the string `text`. The library compares with this and builds JSON objects
/// key by key (`j["key"] = v`): comparing a json with a string literal, or an initializer list
/// of string-literal keys, would instantiate nlohmann's templates (once per literal length) in
/// every file of a header-only build.
bool json_is(const nlohmann::json& value, std::string_view text);

/// An empty JSON array. Default member initializers call this rather than json::array(), which
/// would instantiate nlohmann's initializer-list constructor in every file of a compiled build.
nlohmann::json json_array();

/// Appends `n` in decimal digits.
template <class Text>
void append_decimal(Text& out, std::int64_t n) {
  char digits[20];  // "-9223372036854775808"
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

/// A growing text whose appends are inlined: std::string's are calls into the standard
/// library, and a page of answers is thousands of small appends. It offers the part of
/// std::string's interface that the appenders (append_json_string, append_time,
/// append_base64, append_percent_encoded…) use, so they write to either.
class text_buffer {
 public:
  explicit text_buffer(std::size_t capacity = 256) { reserve_room(capacity); }
  text_buffer(const text_buffer&) = delete;
  text_buffer& operator=(const text_buffer&) = delete;

  void append(const char* s, std::size_t n) {
    if (n != 0) std::memcpy(extend(n), s, n);
  }
  void append(std::string_view s) { append(s.data(), s.size()); }
  /// A string literal: its size is known, so the copy compiles to a few moves, not a call.
  template <std::size_t N>
  void append_literal(const char (&s)[N]) {
    std::memcpy(extend(N - 1), s, N - 1);
  }
  text_buffer& operator+=(char c) {
    *extend(1) = c;
    return *this;
  }
  text_buffer& operator+=(std::string_view s) {
    append(s);
    return *this;
  }
  std::size_t size() const noexcept { return size_; }
  char* data() noexcept { return data_; }
  /// Grows to `n` bytes, the new ones `fill` (or shrinks to `n`).
  void resize(std::size_t n, char fill = '\0') {
    if (n <= size_) {
      size_ = n;
      return;
    }
    const std::size_t more = n - size_;
    std::memset(extend(more), fill, more);
  }
  /// The text; the buffer is empty afterwards.
  std::string take();

 private:
  // Makes room for `n` more bytes and counts them written; returns where they go.
  char* extend(std::size_t n) {
    if (room_.size() - size_ < n) grow(n);
    char* at = data_ + size_;
    size_ += n;
    return at;
  }
  // Apart from extend() so that extend() stays small enough to inline everywhere.
  void grow(std::size_t n) { reserve_room(std::max(room_.size() * 2, size_ + n)); }
  void reserve_room(std::size_t n) {
    room_.resize(n);
    data_ = room_.data();
  }

  std::string room_;  // its first size_ bytes are the text; the rest is room to grow
  char* data_ = nullptr;
  std::size_t size_ = 0;
};

/// Writes compact JSON text straight into a text_buffer, without building a document first:
/// every answer body is written this way. The output is byte for byte what `wire_text` gives
/// for the same values in the same order.
///
///     json_writer w;
///     w.begin_object().key("id").value(c.id).key("topic").null().end_object();
///     std::string body = w.take();
///
/// Commas need no stack: one is due before a key or a value exactly when the last thing
/// written was a value or a closed container.
class json_writer {
 public:
  /// `capacity`: the bytes expected, so that a large answer is not copied as it grows.
  explicit json_writer(std::size_t capacity = 256) : out_(capacity) {}

  /// The text written; the writer starts afresh.
  std::string take() {
    comma_due_ = false;
    return out_.take();
  }

  json_writer& begin_object() { return open('{'); }
  json_writer& end_object() { return close('}'); }
  json_writer& begin_array() { return open('['); }
  json_writer& end_array() { return close(']'); }

  /// `"name":` for a name written in the fake's own code: a string literal, which holds
  /// nothing to escape, so it is copied as it is.
  template <std::size_t N>
  json_writer& key(const char (&name)[N]) {
    comma();
    out_ += '"';
    out_.append(name, N - 1);
    out_.append("\":", 2);
    comma_due_ = false;
    return *this;
  }

  /// `"name":` for any other name (a key of stored JSON); the value follows.
  json_writer& key(std::string_view name) {
    comma();
    append_json_string(out_, name);
    out_ += ':';
    comma_due_ = false;
    return *this;
  }

  json_writer& value(std::string_view s) {
    comma();
    append_json_string(out_, s);
    return done();
  }
  json_writer& value(const std::string& s) { return value(std::string_view(s)); }
  json_writer& value(const char* s) { return value(std::string_view(s)); }
  json_writer& value(bool b) {
    comma();
    out_ += b ? "true" : "false";
    return done();
  }
  json_writer& value(std::int64_t n) {
    comma();
    append_decimal(out_, n);
    return done();
  }
  json_writer& null() {
    comma();
    out_ += "null";
    return done();
  }
  /// A string, or null when there is none.
  json_writer& value_or_null(const std::optional<std::string>& s) { return s ? value(*s) : null(); }
  /// Any JSON value, in its own key order (a `nlohmann::json` object's keys are sorted).
  template <class BasicJson>
  json_writer& json_value(const BasicJson& j) {
    if (j.is_object()) {
      begin_object();
      for (auto it = j.begin(); it != j.end(); ++it) {
        key(it.key());
        json_value(it.value());
      }
      return end_object();
    }
    if (j.is_array()) {
      begin_array();
      for (const auto& item : j) json_value(item);
      return end_array();
    }
    if (j.is_string()) return value(j.template get_ref<const std::string&>());
    comma();
    out_ += j.dump();  // numbers, booleans, null: nlohmann's own spelling
    return done();
  }
  /// A string whose text `append(out)` writes and the caller knows needs no escaping
  /// (digits, times, base64): written without the escaping pass.
  template <class Append>
  json_writer& quoted(Append&& append) {
    comma();
    out_ += '"';
    append(out_);
    out_ += '"';
    return done();
  }

  /// How many bytes the output holds (a position to come back to).
  std::size_t size() const noexcept { return out_.size(); }

  /// JSON text written before (a stored message), inserted as one value, or as members of
  /// the object being written (`"a":1,"b":2`).
  json_writer& raw(std::string_view text) {
    comma();
    out_ += text;
    return done();
  }
  /// The same, for text that `append(out)` writes in pieces (a stored message as its reader
  /// sees it). The text may also end a container the writer opened: `{"k":1,` + `"m":2}`.
  template <class Append>
  json_writer& raw_from(Append&& append) {
    comma();
    append(out_);
    return done();
  }

 private:
  void comma() {
    if (comma_due_) out_ += ',';
  }
  json_writer& done() {
    comma_due_ = true;
    return *this;
  }
  json_writer& open(char c) {
    comma();
    out_ += c;
    comma_due_ = false;
    return *this;
  }
  json_writer& close(char c) {
    out_ += c;
    return done();
  }

  text_buffer out_;
  bool comma_due_ = false;
};

}  // namespace fakegraph::detail

#ifndef FAKEGRAPH_COMPILED_LIB
#include "wire-inl.hpp"
#endif
