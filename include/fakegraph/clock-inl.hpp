// fakegraph: definitions of clock.hpp (see detail/inline.hpp).
#pragma once

#include "clock.hpp"

#include <algorithm>  // std::min
#include <cstring>    // std::memcpy

#include "detail/inline.hpp"

namespace fakegraph {

namespace detail {

FAKEGRAPH_INLINE std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

FAKEGRAPH_INLINE civil civil_from_days(std::int64_t z) noexcept {
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

FAKEGRAPH_INLINE char* put_digits(char* at, std::int64_t v, int width) noexcept {
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

FAKEGRAPH_INLINE std::optional<std::int64_t> parse_time_ticks(std::string_view s) {
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

FAKEGRAPH_INLINE std::optional<timestamp> parse_time(std::string_view s) {
  const auto ticks = detail::parse_time_ticks(s);
  if (!ticks) return std::nullopt;
  return detail::floor_div(*ticks, detail::ticks_per_ms);
}

FAKEGRAPH_INLINE std::size_t write_time(char* text, timestamp t) {
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

FAKEGRAPH_INLINE std::string format_time(timestamp t) {
  std::string out;
  append_time(out, t);
  return out;
}

FAKEGRAPH_INLINE std::string format_time_seconds(timestamp t) {
  std::string s = format_time(detail::floor_div(t, 1000) * 1000);
  s.pop_back();
  return s;
}

FAKEGRAPH_INLINE timestamp months_before(timestamp t, int months) {
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

FAKEGRAPH_INLINE std::optional<std::int64_t> parse_duration(std::string_view s) {
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

FAKEGRAPH_INLINE clock& clock::operator=(const clock& other) noexcept {
  fixed_ = other.fixed_.load();
  now_ = other.now_.load();
  offset_ = other.offset_.load();
  return *this;
}

}  // namespace fakegraph
