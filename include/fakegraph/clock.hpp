// fakegraph: time. One clock per graph: fixed, steppable, or following the wall clock.
#pragma once

#include <algorithm>    // std::min
#include <atomic>       // std::atomic
#include <chrono>       // std::chrono::system_clock, durations for advance()
#include <cstdint>      // std::int64_t, std::uint64_t
#include <cstring>      // std::memcpy
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view

namespace fakegraph {

/// Milliseconds since 1970-01-01T00:00:00Z. Graph's timestamps carry at most milliseconds
/// in the examples this fake reproduces, and an integer key keeps ordering exact.
using timestamp = std::int64_t;

namespace detail {

// Howard Hinnant's days-from-civil algorithm: exact for the proleptic Gregorian calendar,
// including year 1 (Graph's "0001-01-01T00:00:00Z" sentinel).
inline std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil {
  std::int64_t year;
  unsigned month, day;
};

inline civil civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

inline std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/// Writes |v| in decimal at `at`, zero-padded to `width` digits; returns the end (no
/// allocation: times are written on every answer).
inline char* put_digits(char* at, std::int64_t v, int width) noexcept {
  std::uint64_t u = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  if (width == 2 && u < 100) {  // months, days, hours…: most of a time
    at[0] = static_cast<char>('0' + u / 10);
    at[1] = static_cast<char>('0' + u % 10);
    return at + 2;
  }
  char buf[24];
  char* end = buf + sizeof buf;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  while (end - p < width) *--p = '0';
  const auto n = static_cast<std::size_t>(end - p);
  std::memcpy(at, p, n);
  return at + n;
}

}  // namespace detail

namespace detail {

/// Graph's precision: 100 ns, seven fraction digits (.NET ticks).
inline constexpr std::int64_t ticks_per_ms = 10000;

/// Parses ISO-8601 `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` into 100 ns ticks since
/// 1970; fraction digits beyond the seventh are truncated. A missing zone is read as UTC
/// (Graph's innerError dates and the .NET null-date sentinel come without one). nullopt
/// when malformed.
inline std::optional<std::int64_t> parse_time_ticks(std::string_view s) {
  auto num = [&](std::size_t pos, std::size_t len) -> int {
    if (pos + len > s.size()) return -1;
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':')
    return std::nullopt;
  const int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
            se = num(17, 2);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
      se < 0 || se > 59)
    return std::nullopt;
  static constexpr int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > month_days[mo - 1] || (mo == 2 && d == 29 && !leap)) return std::nullopt;
  std::size_t pos = 19;
  std::int64_t fraction = 0;  // in ticks
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 7) fraction = fraction * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 7; ++i) fraction *= 10;
  }
  std::int64_t offset_minutes = 0;
  if (pos < s.size()) {
    if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
      pos = s.size();
    } else if ((s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size() && s[pos + 3] == ':') {
      const int oh = num(pos + 1, 2), om = num(pos + 4, 2);
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return std::nullopt;
      offset_minutes = (s[pos] == '+' ? 1 : -1) * (oh * 60 + om);
      pos = s.size();
    } else {
      return std::nullopt;
    }
  }
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return (((days * 24 + h) * 60 + mi - offset_minutes) * 60 + se) * 1000 * ticks_per_ms + fraction;
}

}  // namespace detail

/// Parses ISO-8601 `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (see parse_time_ticks); the
/// fraction beyond milliseconds is dropped (rounded down). nullopt when malformed.
inline std::optional<timestamp> parse_time(std::string_view s) {
  const auto ticks = detail::parse_time_ticks(s);
  if (!ticks) return std::nullopt;
  return detail::floor_div(*ticks, detail::ticks_per_ms);
}

/// The longest time text: a 20-digit year at most, then 20 more.
inline constexpr std::size_t max_time_chars = 48;

/// Graph's wire format: UTC with `Z`, the fraction without trailing zeros, none when whole
/// (`2020-12-04T23:10:28.51Z`, `0001-01-01T00:00:00Z`), written at `text` (room for
/// max_time_chars); returns its length.
inline std::size_t write_time(char* text, timestamp t) {
  const std::int64_t days = detail::floor_div(t, 86400000);
  std::int64_t rest = t - days * 86400000;
  const detail::civil c = detail::civil_from_days(days);
  char* p = detail::put_digits(text, c.year, 4);
  *p++ = '-';
  p = detail::put_digits(p, c.month, 2);
  *p++ = '-';
  p = detail::put_digits(p, c.day, 2);
  *p++ = 'T';
  p = detail::put_digits(p, rest / 3600000, 2);
  rest %= 3600000;
  *p++ = ':';
  p = detail::put_digits(p, rest / 60000, 2);
  rest %= 60000;
  *p++ = ':';
  p = detail::put_digits(p, rest / 1000, 2);
  std::int64_t ms = rest % 1000;
  if (ms != 0) {
    int width = 3;  // no trailing zeros: .5, .25, .125
    while (ms % 10 == 0) {
      ms /= 10;
      --width;
    }
    *p++ = '.';
    p = detail::put_digits(p, ms, width);
  }
  *p++ = 'Z';
  return static_cast<std::size_t>(p - text);
}

/// The same, appended to `out` (a std::string, or the text_buffer answers are written into).
template <class Text>
void append_time(Text& out, timestamp t) {
  char text[max_time_chars];
  out.append(text, write_time(text, t));
}

/// The same, as a string.
inline std::string format_time(timestamp t) {
  std::string out;
  append_time(out, t);
  return out;
}

/// innerError's format: whole seconds, no zone (`2022-09-27T20:06:44`).
inline std::string format_time_seconds(timestamp t) {
  std::string s = format_time(detail::floor_div(t, 1000) * 1000);
  s.pop_back();
  return s;
}

/// The same time of day `months` calendar months earlier, the day capped at the month's last
/// (eight months before 2026-10-31 is 2026-02-28).
inline timestamp months_before(timestamp t, int months) {
  constexpr timestamp day_ms = 24LL * 60 * 60 * 1000;
  const std::int64_t days = detail::floor_div(t, day_ms);
  const detail::civil c = detail::civil_from_days(days);
  const std::int64_t index = c.year * 12 + static_cast<std::int64_t>(c.month) - 1 - months;
  const std::int64_t year = detail::floor_div(index, 12);
  const auto month = static_cast<unsigned>(index - year * 12 + 1);
  const unsigned next_month = month == 12 ? 1 : month + 1;
  const std::int64_t last_day =
      detail::days_from_civil(month == 12 ? year + 1 : year, next_month, 1) -
      detail::days_from_civil(year, month, 1);
  const unsigned day = static_cast<unsigned>(std::min<std::int64_t>(c.day, last_day));
  return detail::days_from_civil(year, month, day) * day_ms + (t - days * day_ms);
}

/// The month a timestamp falls in, as `YYYY-MM` (the evaluation quota's period).
inline std::string month_of(timestamp t) { return format_time(t).substr(0, 7); }

/// Parses an ISO-8601 duration of fixed length into milliseconds: `[-]P[nW][nD][T[nH][nM][n[.f]S]]`
/// (`PT1H30M`, `P2D`, `PT0.5S`). Years and months have no fixed length and are refused, as
/// is anything else malformed: nullopt.
inline std::optional<std::int64_t> parse_duration(std::string_view s) {
  bool negative = false;
  if (!s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  if (s.empty() || s.front() != 'P') return std::nullopt;
  s.remove_prefix(1);
  std::int64_t total = 0;
  bool in_time = false, any = false;
  std::string_view units = "WD";  // the designators still allowed, in order
  while (!s.empty()) {
    if (s.front() == 'T') {
      if (in_time) return std::nullopt;
      in_time = true;
      units = "HMS";
      s.remove_prefix(1);
      if (s.empty()) return std::nullopt;  // "PT" names no time
      continue;
    }
    std::int64_t whole = 0, fraction = 0, scale = 1;
    std::size_t digits = 0;
    while (!s.empty() && s.front() >= '0' && s.front() <= '9' && digits < 9) {
      whole = whole * 10 + (s.front() - '0');
      s.remove_prefix(1);
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    if (!s.empty() && (s.front() == '.' || s.front() == ',')) {
      s.remove_prefix(1);
      std::size_t fraction_digits = 0;
      while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
        if (fraction_digits < 3) {
          fraction = fraction * 10 + (s.front() - '0');
          scale *= 10;
        }
        s.remove_prefix(1);
        ++fraction_digits;
      }
      if (fraction_digits == 0) return std::nullopt;
    }
    if (s.empty()) return std::nullopt;
    const std::size_t at = units.find(s.front());
    if (at == std::string_view::npos) return std::nullopt;
    const char unit = s.front();
    if (fraction != 0 && unit != 'S') return std::nullopt;  // only seconds take a fraction
    units.remove_prefix(at + 1);
    s.remove_prefix(1);
    std::int64_t ms = 0;
    switch (unit) {
      case 'W':
        ms = 7LL * 86400000;
        break;
      case 'D':
        ms = 86400000;
        break;
      case 'H':
        ms = 3600000;
        break;
      case 'M':
        ms = 60000;
        break;
      default:
        ms = 1000;
    }
    total += whole * ms + fraction * 1000 / scale;
    any = true;
  }
  if (!any) return std::nullopt;
  return negative ? -total : total;
}

/// The .NET null date Graph writes for "never": 0001-01-01T00:00:00Z.
inline constexpr timestamp null_date = -62135596800000;

/// The clock every time-dependent rule reads (token expiry, the evaluation month, the
/// 21-day window for deleted messages, default timestamps, throttling windows).
///
/// Fixed when a seed gives `settings.now` or code calls `set()`; otherwise the wall clock.
/// `advance()` steps either kind. Safe to use from many threads.
class clock {
 public:
  /// Follows the wall clock.
  clock() = default;
  /// Fixed at `now` until set or advanced.
  explicit clock(timestamp now) : fixed_(true), now_(now) {}

  clock(const clock& other) noexcept
      : fixed_(other.fixed_.load()), now_(other.now_.load()), offset_(other.offset_.load()) {}
  clock& operator=(const clock& other) noexcept {
    fixed_ = other.fixed_.load();
    now_ = other.now_.load();
    offset_ = other.offset_.load();
    return *this;
  }

  timestamp now() const noexcept {
    if (fixed_) return now_;
    return wall() + offset_;
  }

  /// Fixes the clock at `t`.
  void set(timestamp t) noexcept {
    now_ = t;
    fixed_ = true;
  }

  /// Runs from `t`: the clock reads `t` now and moves with real time from here on.
  void run_from(timestamp t) noexcept {
    offset_ = t - wall();
    fixed_ = false;
  }

  /// Moves the clock forward (or back, with a negative duration).
  template <class Rep, class Period>
  void advance(std::chrono::duration<Rep, Period> d) noexcept {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    if (fixed_)
      now_ += ms;
    else
      offset_ += ms;
  }

  bool is_fixed() const noexcept { return fixed_; }

 private:
  static timestamp wall() noexcept {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  std::atomic<bool> fixed_{false};
  std::atomic<timestamp> now_{0};
  std::atomic<timestamp> offset_{0};
};

}  // namespace fakegraph
