// fakegraph: time. One clock per graph: fixed, steppable, or following the wall clock.
#pragma once

#include <atomic>       // std::atomic
#include <chrono>       // std::chrono::system_clock, durations for advance()
#include <cstdint>      // std::int64_t, std::uint64_t
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
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept;

struct civil {
  std::int64_t year;
  unsigned month, day;
};

civil civil_from_days(std::int64_t z) noexcept;

inline std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/// Writes |v| in decimal at `at`, zero-padded to `width` digits; returns the end (no
/// allocation: times are written on every answer).
char* put_digits(char* at, std::int64_t v, int width) noexcept;

}  // namespace detail

namespace detail {

/// Graph's precision: 100 ns, seven fraction digits (.NET ticks).
inline constexpr std::int64_t ticks_per_ms = 10000;

/// Parses ISO-8601 `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` into 100 ns ticks since
/// 1970; fraction digits beyond the seventh are truncated. A missing zone is read as UTC
/// (Graph's innerError dates and the .NET null-date sentinel come without one). nullopt
/// when malformed.
std::optional<std::int64_t> parse_time_ticks(std::string_view s);

}  // namespace detail

/// Parses ISO-8601 `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (see parse_time_ticks); the
/// fraction beyond milliseconds is dropped (rounded down). nullopt when malformed.
std::optional<timestamp> parse_time(std::string_view s);

/// The longest time text: a 20-digit year at most, then 20 more.
inline constexpr std::size_t max_time_chars = 48;

/// Graph's wire format: UTC with `Z`, the fraction without trailing zeros, none when whole
/// (`2020-12-04T23:10:28.51Z`, `0001-01-01T00:00:00Z`), written at `text` (room for
/// max_time_chars); returns its length.
std::size_t write_time(char* text, timestamp t);

/// The same, appended to `out` (a std::string, or the text_buffer answers are written into).
template <class Text>
void append_time(Text& out, timestamp t) {
  char text[max_time_chars];
  out.append(text, write_time(text, t));
}

/// The same, as a string.
std::string format_time(timestamp t);

/// innerError's format: whole seconds, no zone (`2022-09-27T20:06:44`).
std::string format_time_seconds(timestamp t);

/// The same time of day `months` calendar months earlier, the day capped at the month's last
/// (eight months before 2026-10-31 is 2026-02-28).
timestamp months_before(timestamp t, int months);

/// The month a timestamp falls in, as `YYYY-MM` (the evaluation quota's period).
inline std::string month_of(timestamp t) { return format_time(t).substr(0, 7); }

/// Parses an ISO-8601 duration of fixed length into milliseconds: `[-]P[nW][nD][T[nH][nM][n[.f]S]]`
/// (`PT1H30M`, `P2D`, `PT0.5S`). Years and months have no fixed length and are refused, as
/// is anything else malformed: nullopt.
std::optional<std::int64_t> parse_duration(std::string_view s);

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
  clock& operator=(const clock& other) noexcept;

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

#ifndef FAKEGRAPH_COMPILED_LIB
#include "clock-inl.hpp"
#endif
