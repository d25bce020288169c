// fakegraph: one fault rule (a value, made with its builder functions), the answer it gives,
// and the check every rule passes before it is used. The rules of a graph are in fault_set.hpp.
#pragma once

#include <nlohmann/json.hpp>  // nlohmann::json (numbers in messages)

#include <chrono>       // std::chrono::milliseconds
#include <cmath>        // std::isfinite, std::llround
#include <cstdint>      // std::uint64_t, std::int64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move

#include "endpoint.hpp"
#include "http.hpp"

namespace fakegraph {

namespace detail {

/// `Retry-After` text: whole seconds as an integer ("10"), else up to 3 decimals ("2.128").
std::string format_retry_after(std::int64_t ms);

}  // namespace detail

/// One fault rule: what to answer instead of (or on top of) the real answer, which
/// requests it applies to, and which of those it hits.
///
/// ```cpp
/// g.faults().add(fakegraph::fault::throttle(2.128).on(fakegraph::endpoint::get_all_messages).nth(3));
/// g.faults().add(fakegraph::fault::unavailable().share(0.1));      // 10 % of requests, seeded
/// g.faults().add(fakegraph::fault::empty_page().url_contains("$skiptoken").first(1));
/// ```
/// Values: every builder returns a changed copy. Checked when added to a graph
/// (`fakegraph.faults.bad_rule`).
class fault {
 public:
  enum class effect {
    none,             // only a delay
    throttle,         // 429 TooManyRequests + Retry-After
    unavailable,      // 503, with or without Retry-After
    bad_gateway,      // 502 UnknownError "Bad Gateway"
    gateway_timeout,  // 504 UnknownError ""
    expired_token,    // 401 InvalidAuthenticationToken, as for an expired token
    empty_page,       // a success page replaced by an empty page whose nextLink gives the real one
    http_error,       // any status with a Graph error body
  };
  enum class schedule { every, nth, first, share };

  /// 429 with `Retry-After` (seconds, may be fractional: 2.128 is sent as "2.128").
  static fault throttle(double retry_after_seconds = 1);
  /// 503 without Retry-After.
  static fault unavailable() { return fault(effect::unavailable); }
  /// 503 with Retry-After.
  static fault unavailable(double retry_after_seconds);
  static fault bad_gateway() { return fault(effect::bad_gateway); }
  static fault gateway_timeout() { return fault(effect::gateway_timeout); }
  /// 401 `Access token has expired or is not yet valid.`, whatever the token.
  static fault expired_token() { return fault(effect::expired_token); }
  /// Graph's historical quirk: an empty page (`@odata.count: 0`, `value: []`) that still has
  /// a nextLink. Only success pages are replaced; following the link gives the real page.
  static fault empty_page() { return fault(effect::empty_page, 200); }
  /// Latency only: the answer is unchanged (see graph::on_delay for what a delay does).
  static fault delay(std::chrono::milliseconds d);
  /// The rule a status stands for in a seed: the effect of its own for 401, 429, 502, 503
  /// and 504 (as the functions above make it), none for any other status.
  static std::optional<fault> for_status(int status);
  /// Any status (400–599) with Graph's error body.
  static fault http_error(int status, std::string code, std::string message = {});

  // ---- which requests (all given must hold; none given: every request) ------------
  fault on(endpoint e) const {
    return with([&](fault& f) { f.route_ = e; });
  }
  fault method(std::string m) const {
    return with([&](fault& f) { f.method_ = std::move(m); });
  }
  /// A substring of the URL as sent (e.g. "$skiptoken" to hit only follow-up pages).
  fault url_contains(std::string s) const {
    return with([&](fault& f) { f.url_contains_ = std::move(s); });
  }
  /// The bearer token as sent (without "Bearer ").
  fault token(std::string bearer) const {
    return with([&](fault& f) { f.token_ = std::move(bearer); });
  }
  /// The authenticated caller: a user id or userPrincipalName, or an appId.
  fault caller(std::string who) const {
    return with([&](fault& f) { f.caller_ = std::move(who); });
  }

  // ---- which of the matching requests ---------------------------------------------
  /// Only the n-th matching request (1-based).
  fault nth(std::uint64_t n) const { return when(schedule::nth, n); }
  /// Every n-th matching request: n, 2n, 3n… (every(1), the default, is all of them).
  fault every(std::uint64_t n = 1) const { return when(schedule::every, n); }
  /// The first n matching requests.
  fault first(std::uint64_t n) const { return when(schedule::first, n); }
  /// A pseudo-random share p of the matching requests, drawn from the graph's idSeed
  /// (and the rule's place), so the same run fails the same requests.
  fault share(double p) const;
  /// As share(p), drawn from an explicit seed.
  fault share(double p, std::uint64_t seed) const;

  // ---- details of the answer ------------------------------------------------------
  fault retry_after(double seconds) const {
    return with([&](fault& f) { f.retry_after_ = seconds; });
  }
  /// Adds latency to whatever the rule answers.
  fault with_delay(std::chrono::milliseconds d) const {
    return with([&](fault& f) { f.delay_ = d; });
  }
  /// Replaces the error body's `code` / `message`.
  fault code(std::string c) const {
    return with([&](fault& f) { f.code_ = std::move(c); });
  }
  fault message(std::string m) const {
    return with([&](fault& f) { f.message_ = std::move(m); });
  }

  // ---- reading a rule -------------------------------------------------------------
  effect kind() const noexcept { return effect_; }
  int status() const noexcept { return status_; }
  schedule when_kind() const noexcept { return schedule_; }
  std::uint64_t count() const noexcept { return count_; }
  double share_of() const noexcept { return share_; }
  const std::optional<std::uint64_t>& seed() const noexcept { return seed_; }
  const std::optional<double>& retry_after_seconds() const noexcept { return retry_after_; }
  std::chrono::milliseconds delay_of() const noexcept { return delay_; }
  const std::optional<endpoint>& route() const noexcept { return route_; }
  const std::string& method_of() const noexcept { return method_; }
  const std::string& url_substring() const noexcept { return url_contains_; }
  const std::string& token_of() const noexcept { return token_; }
  const std::string& caller_of() const noexcept { return caller_; }
  const std::optional<std::string>& code_of() const noexcept { return code_; }
  const std::optional<std::string>& message_of() const noexcept { return message_; }

  /// "429 TooManyRequests (Retry-After 2.128) on getAllMessages, the 3rd match".
  std::string describe() const;

  /// What an effect answers: its status, and the error code and message sent when the rule
  /// names none (graph-semantics §1.4). http_error, empty_page and none have no preset.
  struct preset {
    effect kind;
    int status;
    std::string_view code;
    std::string_view message;
  };
  static constexpr preset presets[] = {
      {effect::throttle, 429, "TooManyRequests", "Please retry again later."},
      {effect::unavailable, 503, "serviceNotAvailable",
       "The service is temporarily unavailable. Try the request again after a delay."},
      {effect::bad_gateway, 502, "UnknownError", "Bad Gateway"},
      {effect::gateway_timeout, 504, "UnknownError", ""},
      {effect::expired_token, 401, "InvalidAuthenticationToken",
       "Access token has expired or is not yet valid."},
  };
  /// The preset of `e`; an empty one (status 0, no code) for effects without.
  static constexpr preset preset_of(effect e) {
    for (const preset& p : presets)
      if (p.kind == e) return p;
    return {e, 0, "", ""};
  }

  /// Seconds as whole milliseconds (Retry-After keeps millisecond precision).
  static std::int64_t to_ms(double seconds) {
    return std::isfinite(seconds) ? static_cast<std::int64_t>(std::llround(seconds * 1000.0)) : -1;
  }

 private:
  explicit fault(effect e) : effect_(e), status_(preset_of(e).status) {}
  fault(effect e, int status) : effect_(e), status_(status) {}

  template <class F>
  fault with(F&& change) const {
    fault f = *this;
    change(f);
    return f;
  }
  fault when(schedule s, std::uint64_t n) const;
  static std::string ordinal(std::uint64_t n);

  effect effect_ = effect::none;
  int status_ = 0;
  std::optional<double> retry_after_;
  std::optional<std::string> code_;
  std::optional<std::string> message_;
  std::chrono::milliseconds delay_{0};
  std::optional<endpoint> route_;
  std::string method_;
  std::string url_contains_;
  std::string token_;
  std::string caller_;
  schedule schedule_ = schedule::every;
  std::uint64_t count_ = 1;
  double share_ = 0;
  std::optional<std::uint64_t> seed_;
};

namespace detail {

/// The 429 of graph-semantics §1.4, key for key.
response throttled_response(const call_context& ctx, std::int64_t retry_after_ms,
                            std::string_view code = "TooManyRequests",
                            std::string_view message = "Please retry again later.");

/// The answer a firing rule gives (every effect but none and empty_page).
response fault_response(const fault& f, const call_context& ctx);

/// Checks a rule; `bad(key, message)` reports a fault (key: the seed key at fault).
template <class Bad>
void check_fault(const fault& f, Bad&& bad) {
  using e = fault::effect;
  using s = fault::schedule;
  switch (f.when_kind()) {
    case s::nth:
      if (f.count() < 1) bad("nth", "must be 1 or more");
      break;
    case s::every:
      if (f.count() < 1) bad("every", "must be 1 or more");
      break;
    case s::first:
      if (f.count() < 1) bad("first", "must be 1 or more");
      break;
    case s::share:
      if (!std::isfinite(f.share_of()) || f.share_of() <= 0 || f.share_of() > 1)
        bad("share", "must be a number in (0, 1], not " + nlohmann::json(f.share_of()).dump());
      break;
  }
  if (f.retry_after_seconds()) {
    const double ra = *f.retry_after_seconds();
    if (!std::isfinite(ra) || ra <= 0 || ra > 86400)
      bad("retryAfter",
          "must be a number of seconds in (0, 86400], not " + nlohmann::json(ra).dump());
    if (f.kind() == e::none || f.kind() == e::empty_page)
      bad("retryAfter",
          "goes with an error status (429, 503, …), not with a delay or an empty page");
  }
  if (f.delay_of().count() < 0 || f.delay_of().count() > 600000)
    bad("delayMs", "must be 0 to 600000 milliseconds, not " + std::to_string(f.delay_of().count()));
  if (f.kind() == e::none && f.delay_of().count() == 0)
    bad("delayMs", "a delay rule needs a delay above 0 ms");
  if (f.kind() == e::http_error) {
    if (f.status() < 400 || f.status() > 599)
      bad("status", "must be an error status from 400 to 599, not " + std::to_string(f.status()));
    if (!f.code_of() || f.code_of()->empty())
      bad("code",
          "an error status other than 401, 429, 502, 503 and 504 needs the Graph error code to "
          "send");
  }
  if (f.route() && *f.route() == endpoint::none && f.kind() == e::empty_page)
    bad("route", "an empty page needs a route that answers pages (listChats or getAllMessages)");
}

}  // namespace detail
}  // namespace fakegraph

#ifndef FAKEGRAPH_COMPILED_LIB
#include "fault-inl.hpp"
#endif
