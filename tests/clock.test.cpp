// The clock and Graph's timestamps: parse_time, format_time, format_time_seconds, month_of,
// and fakegraph::clock (fixed, set, advance, wall clock, concurrent advances).

#include <fakegraph/clock.hpp>

#include <chrono>   // std::chrono::system_clock, hours, milliseconds, microseconds
#include <cstdint>  // std::int64_t
#include <string>   // std::string
#include <thread>   // std::thread
#include <vector>   // std::vector

#include "support/catch.hpp"

using fakegraph::format_time;
using fakegraph::format_time_seconds;
using fakegraph::month_of;
using fakegraph::parse_time;
using fakegraph::timestamp;

namespace {

// Reference instants, each checked with `date -u -d <time> +%s%3N` (GNU coreutils), not
// with the code under test.
constexpr timestamp graph_doc_example =
    1621973534864;  // 2021-05-25T20:12:14.864Z (graph-semantics §5)
constexpr timestamp leap_day_2024 = 1709164800000;     // 2024-02-29T00:00:00Z
constexpr timestamp leap_day_2000_end = 951868799000;  // 2000-02-29T23:59:59Z
constexpr timestamp year_9999_end = 253402300799999;   // 9999-12-31T23:59:59.999Z

timestamp system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TEST_CASE("parse_time reads Graph's UTC timestamps to the millisecond", "[clock]") {
  CHECK(parse_time("2021-05-25T20:12:14.864Z") == graph_doc_example);
  CHECK(parse_time("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_time("1969-12-31T23:59:59Z") == -1000);
  CHECK(parse_time("2024-02-29T00:00:00Z") == leap_day_2024);
  CHECK(parse_time("2000-02-29T23:59:59Z") == leap_day_2000_end);  // divisible by 400: leap
  CHECK(parse_time("9999-12-31T23:59:59.999Z") == year_9999_end);
}

TEST_CASE("parse_time reads the 0001-01-01 sentinel as the .NET null date", "[clock]") {
  // 62135596800 s between 0001-01-01 and 1970-01-01 (date -u -d 0001-01-01T00:00:00Z +%s).
  CHECK(fakegraph::null_date == -62135596800000);
  CHECK(parse_time("0001-01-01T00:00:00Z") == fakegraph::null_date);
  CHECK(parse_time("0001-01-01T00:00:00") == fakegraph::null_date);  // the zone-less form
  CHECK(format_time(fakegraph::null_date) == "0001-01-01T00:00:00Z");
}

TEST_CASE("parse_time reads fractions of any length, truncating below milliseconds", "[clock]") {
  const timestamp whole = graph_doc_example - 864;
  CHECK(parse_time("2021-05-25T20:12:14Z") == whole);
  CHECK(parse_time("2021-05-25T20:12:14.5Z") == whole + 500);
  CHECK(parse_time("2021-05-25T20:12:14.51Z") == whole + 510);
  CHECK(parse_time("2021-05-25T20:12:14.051Z") == whole + 51);
  CHECK(parse_time("2021-05-25T20:12:14.0Z") == whole);
  CHECK(parse_time("2021-05-25T20:12:14.8640000Z") == whole + 864);  // .NET's 7 digits
  CHECK(parse_time("2021-05-25T20:12:14.8649999Z") == whole + 864);  // truncated, not rounded
  CHECK(parse_time("2021-05-25T20:12:14.9999999Z") == whole + 999);
}

TEST_CASE("parse_time applies zone offsets and reads a missing zone as UTC", "[clock]") {
  CHECK(parse_time("2021-05-25T21:12:14.864+01:00") == graph_doc_example);
  CHECK(parse_time("2021-05-25T14:42:14.864-05:30") == graph_doc_example);
  CHECK(parse_time("2021-05-25T20:12:14.864+00:00") == graph_doc_example);
  CHECK(parse_time("2021-05-25T20:12:14.864-00:00") == graph_doc_example);
  CHECK(parse_time("2021-05-26T10:12:14.864+14:00") == graph_doc_example);
  // Crossing midnight and a month end through the offset.
  CHECK(parse_time("2024-03-01T00:30:00+01:00") == leap_day_2024 + (23 * 60 + 30) * 60000);
  CHECK(parse_time("2021-05-25T20:12:14.864") == graph_doc_example);
  CHECK(parse_time("2021-05-25t20:12:14.864z") == graph_doc_example);  // RFC 3339 allows lower case
}

TEST_CASE("parse_time knows the calendar: leap days and month lengths", "[clock]") {
  CHECK(parse_time("2024-02-29T12:00:00Z").has_value());
  CHECK(parse_time("2000-02-29T12:00:00Z").has_value());
  CHECK_FALSE(parse_time("2023-02-29T12:00:00Z").has_value());
  CHECK_FALSE(parse_time("1900-02-29T12:00:00Z").has_value());  // divisible by 100, not 400
  CHECK_FALSE(parse_time("2024-02-30T12:00:00Z").has_value());
  CHECK_FALSE(parse_time("2021-04-31T12:00:00Z").has_value());
  CHECK_FALSE(parse_time("2021-06-31T12:00:00Z").has_value());
  CHECK_FALSE(parse_time("2021-09-31T12:00:00Z").has_value());
  CHECK_FALSE(parse_time("2021-11-31T12:00:00Z").has_value());
  CHECK(parse_time("2021-12-31T12:00:00Z").has_value());
  CHECK(parse_time("2021-01-31T12:00:00Z").has_value());
}

TEST_CASE("parse_time refuses every malformed timestamp", "[clock]") {
  const char* const bad[] = {
      "",
      "2021",
      "2021-05-25",
      "2021-05-25T20:12",
      "2021-05-25T20:12Z",
      "2021-05-25 20:12:14Z",  // a space for T
      "2021/05/25T20:12:14Z",
      "2021-05-25T20-12-14Z",
      "21-05-25T20:12:14Z",
      "20211-05-25T20:12:14Z",
      "2021-5-25T20:12:14Z",
      "2021-05-5T20:12:14Z",
      "2021-05-25T2:12:14Z",
      "0000-01-01T00:00:00Z",  // there is no year 0
      "2021-00-10T00:00:00Z",
      "2021-13-10T00:00:00Z",
      "2021-05-00T00:00:00Z",
      "2021-05-32T00:00:00Z",
      "2021-05-25T24:00:00Z",
      "2021-05-25T23:60:00Z",
      "2021-05-25T23:59:60Z",  // no leap seconds
      "2021-05-25T20:12:1aZ",
      "2021-05-25T20:12:14.Z",  // a dot without digits
      "2021-05-25T20:12:14.",
      "2021-05-25T20:12:14.5.5Z",
      "2021-05-25T20:12:14,5Z",  // ISO's comma is not Graph's
      "2021-05-25T20:12:14ZZ",
      "2021-05-25T20:12:14Z ",
      " 2021-05-25T20:12:14Z",
      "2021-05-25T20:12:14UTC",
      "2021-05-25T20:12:14+0100",
      "2021-05-25T20:12:14+01",
      "2021-05-25T20:12:14+01:00Z",
      "2021-05-25T20:12:14+24:00",
      "2021-05-25T20:12:14+01:60",
      "2021-05-25T20:12:14+1a:00",
      "-2021-05-25T20:12:14Z",
      "+2021-05-25T20:12:14Z",
      "yesterday at noon, roughly",
  };
  for (const char* s : bad) {
    INFO("input: '" << s << "'");
    CHECK_FALSE(parse_time(s).has_value());
  }
}

TEST_CASE("format_time writes UTC with Z and a fraction without trailing zeros", "[clock]") {
  CHECK(format_time(graph_doc_example) == "2021-05-25T20:12:14.864Z");
  CHECK(format_time(0) == "1970-01-01T00:00:00Z");
  CHECK(format_time(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(format_time(leap_day_2024) == "2024-02-29T00:00:00Z");
  CHECK(format_time(leap_day_2024 + 510) ==
        "2024-02-29T00:00:00.51Z");  // Graph's own example shape
  CHECK(format_time(leap_day_2024 + 500) == "2024-02-29T00:00:00.5Z");
  CHECK(format_time(leap_day_2024 + 5) == "2024-02-29T00:00:00.005Z");
  CHECK(format_time(leap_day_2024 + 50) == "2024-02-29T00:00:00.05Z");
  CHECK(format_time(year_9999_end) == "9999-12-31T23:59:59.999Z");
  CHECK(format_time(fakegraph::null_date + 1) == "0001-01-01T00:00:00.001Z");
}

TEST_CASE("format_time and parse_time round-trip", "[clock]") {
  // Every millisecond pattern over a spread of days, before and after 1970, leap or not.
  std::vector<timestamp> samples = {
      fakegraph::null_date, -1,           0, 1, graph_doc_example, leap_day_2024,
      leap_day_2000_end,    year_9999_end};
  for (timestamp t = fakegraph::null_date; t < year_9999_end; t += 86399999LL * 367 + 123457)
    samples.push_back(t);
  for (timestamp ms = 0; ms < 1000; ++ms) samples.push_back(leap_day_2024 + ms);
  for (const timestamp t : samples) {
    const std::string text = format_time(t);
    INFO(t << " -> " << text);
    CHECK(parse_time(text) == t);
    CHECK(text.back() == 'Z');
    CHECK((text.find('.') == std::string::npos || text[text.size() - 2] != '0'));
  }
  for (const char* s :
       {"2020-12-04T23:10:28.51Z", "2021-05-25T20:12:14.864Z", "0001-01-01T00:00:00Z",
        "2024-02-29T23:59:59.999Z", "1999-12-31T23:59:59.001Z"}) {
    const auto t = parse_time(s);
    REQUIRE(t);
    CHECK(format_time(*t) == s);
  }
}

TEST_CASE("format_time_seconds writes innerError's zone-less whole seconds", "[clock]") {
  CHECK(format_time_seconds(graph_doc_example) == "2021-05-25T20:12:14");
  CHECK(format_time_seconds(graph_doc_example - 864 + 999) == "2021-05-25T20:12:14");  // truncated
  CHECK(format_time_seconds(0) == "1970-01-01T00:00:00");
  CHECK(format_time_seconds(-1) == "1969-12-31T23:59:59");  // floor, not toward zero
  CHECK(format_time_seconds(fakegraph::null_date) == "0001-01-01T00:00:00");
  CHECK(parse_time(format_time_seconds(graph_doc_example)) == graph_doc_example - 864);
}

TEST_CASE("month_of names the calendar month of a timestamp", "[clock]") {
  CHECK(month_of(graph_doc_example) == "2021-05");
  CHECK(month_of(leap_day_2024) == "2024-02");
  CHECK(month_of(leap_day_2024 - 1) == "2024-02");
  CHECK(month_of(*parse_time("2024-03-01T00:00:00Z") - 1) == "2024-02");
  CHECK(month_of(*parse_time("2024-03-01T00:00:00Z")) == "2024-03");
  CHECK(month_of(*parse_time("2026-12-31T23:59:59.999Z")) == "2026-12");
  CHECK(month_of(*parse_time("2027-01-01T00:00:00Z")) == "2027-01");
  CHECK(month_of(-1) == "1969-12");
}

TEST_CASE("a fixed clock stays put until set or advanced", "[clock]") {
  fakegraph::clock c(graph_doc_example);
  CHECK(c.is_fixed());
  CHECK(c.now() == graph_doc_example);
  CHECK(c.now() == graph_doc_example);

  c.advance(std::chrono::hours(24));
  CHECK(c.now() == graph_doc_example + 86400000);
  c.advance(std::chrono::milliseconds(-86400000));
  CHECK(c.now() == graph_doc_example);
  c.advance(std::chrono::microseconds(1500));  // whole milliseconds only
  CHECK(c.now() == graph_doc_example + 1);
  c.advance(std::chrono::seconds(0));
  CHECK(c.now() == graph_doc_example + 1);

  c.set(leap_day_2024);
  CHECK(c.is_fixed());
  CHECK(c.now() == leap_day_2024);

  const fakegraph::clock copy = c;  // copies the state, not a link to it
  c.advance(std::chrono::minutes(1));
  CHECK(copy.now() == leap_day_2024);
  CHECK(c.now() == leap_day_2024 + 60000);
  fakegraph::clock assigned;
  assigned = c;
  CHECK(assigned.is_fixed());
  CHECK(assigned.now() == leap_day_2024 + 60000);
}

TEST_CASE("a default clock follows the wall clock, and advance offsets it", "[clock]") {
  fakegraph::clock c;
  CHECK_FALSE(c.is_fixed());
  // Only plausibility: within a minute of the system clock, read around it.
  const timestamp before = system_now_ms();
  const timestamp now = c.now();
  const timestamp after = system_now_ms();
  CHECK(now >= before);
  CHECK(now <= after);

  c.advance(std::chrono::hours(48));
  const timestamp moved = c.now();
  CHECK(moved >= before + 48 * 3600000LL);
  CHECK(moved <= system_now_ms() + 48 * 3600000LL);
  CHECK_FALSE(c.is_fixed());

  const fakegraph::clock copy = c;
  CHECK_FALSE(copy.is_fixed());
  CHECK(copy.now() >= before + 48 * 3600000LL);

  c.set(graph_doc_example);  // set() fixes a wall clock
  CHECK(c.is_fixed());
  CHECK(c.now() == graph_doc_example);
}

TEST_CASE("advance is safe from many threads: no step is lost", "[clock][concurrency]") {
  constexpr int threads = 8;
  constexpr int steps = 2000;
  auto hammer = [](fakegraph::clock& c) {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&c, t] {
        for (int i = 0; i < steps; ++i) c.advance(std::chrono::milliseconds(t + 1));
      });
    for (auto& th : pool) th.join();
  };
  // 2000 * (1 + 2 + ... + 8) ms
  constexpr timestamp total = static_cast<timestamp>(steps) * threads * (threads + 1) / 2;

  fakegraph::clock fixed(0);
  hammer(fixed);
  CHECK(fixed.now() == total);

  fakegraph::clock wall;
  const timestamp before = system_now_ms();
  hammer(wall);
  const timestamp now = wall.now();
  CHECK(now >= before + total);
  CHECK(now <= system_now_ms() + total);
}
