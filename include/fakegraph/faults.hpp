// fakegraph: injected faults (scripted per-request failures, latency, quirks) and the
// throttling model of the documented Teams limits, both on the graph's clock.
#pragma once

#include <nlohmann/json.hpp>  // nlohmann::json, nlohmann::ordered_json

#include <chrono>         // std::chrono::milliseconds
#include <cmath>          // std::isfinite, std::llround
#include <cstddef>        // std::size_t
#include <cstdint>        // std::uint64_t, std::int64_t
#include <deque>          // std::deque
#include <mutex>          // std::mutex, std::lock_guard
#include <optional>       // std::optional
#include <string>         // std::string
#include <string_view>    // std::string_view
#include <unordered_map>  // std::unordered_map
#include <utility>        // std::move
#include <vector>         // std::vector

#include "auth.hpp"
#include "error.hpp"
#include "http.hpp"
#include "journal.hpp"
#include "seed.hpp"
#include "store.hpp"

namespace fakegraph {

namespace detail {

/// `Retry-After` text: whole seconds as an integer ("10"), else up to 3 decimals ("2.128").
inline std::string format_retry_after(std::int64_t ms) {
  if (ms < 0) ms = 0;
  std::string s = std::to_string(ms / 1000);
  if (ms % 1000 != 0) {
    std::string frac = std::to_string(ms % 1000);
    frac.insert(0, 3 - frac.size(), '0');
    while (frac.back() == '0') frac.pop_back();
    s += "." + frac;
  }
  return s;
}

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
  static fault throttle(double retry_after_seconds = 1) {
    fault f(effect::throttle, 429);
    f.retry_after_ = retry_after_seconds;
    return f;
  }
  /// 503 without Retry-After.
  static fault unavailable() { return fault(effect::unavailable, 503); }
  /// 503 with Retry-After.
  static fault unavailable(double retry_after_seconds) {
    fault f(effect::unavailable, 503);
    f.retry_after_ = retry_after_seconds;
    return f;
  }
  static fault bad_gateway() { return fault(effect::bad_gateway, 502); }
  static fault gateway_timeout() { return fault(effect::gateway_timeout, 504); }
  /// 401 `Access token has expired or is not yet valid.`, whatever the token.
  static fault expired_token() { return fault(effect::expired_token, 401); }
  /// Graph's historical quirk: an empty page (`@odata.count: 0`, `value: []`) that still has
  /// a nextLink. Only success pages are replaced; following the link gives the real page.
  static fault empty_page() { return fault(effect::empty_page, 200); }
  /// Latency only: the answer is unchanged (see graph::on_delay for what a delay does).
  static fault delay(std::chrono::milliseconds d) {
    fault f(effect::none, 0);
    f.delay_ = d;
    return f;
  }
  /// Any status (400–599) with Graph's error body.
  static fault http_error(int status, std::string code, std::string message = {}) {
    fault f(effect::http_error, status);
    f.code_ = std::move(code);
    f.message_ = std::move(message);
    return f;
  }

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
  fault share(double p) const {
    fault f = when(schedule::share, 0);
    f.share_ = p;
    return f;
  }
  /// As share(p), drawn from an explicit seed.
  fault share(double p, std::uint64_t seed) const {
    fault f = share(p);
    f.seed_ = seed;
    return f;
  }

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
  std::string describe() const {
    std::string s;
    switch (effect_) {
      case effect::none:
        s = "delay";
        break;
      case effect::throttle:
        s = "429 " + code_.value_or("TooManyRequests");
        break;
      case effect::unavailable:
        s = "503 " + code_.value_or("serviceNotAvailable");
        break;
      case effect::bad_gateway:
        s = "502 " + code_.value_or("UnknownError");
        break;
      case effect::gateway_timeout:
        s = "504 " + code_.value_or("UnknownError");
        break;
      case effect::expired_token:
        s = "401 expired token";
        break;
      case effect::empty_page:
        s = "empty page with nextLink";
        break;
      case effect::http_error:
        s = std::to_string(status_) + " " + code_.value_or("");
        break;
    }
    if (retry_after_)
      s += " (Retry-After " + detail::format_retry_after(to_ms(*retry_after_)) + ")";
    if (delay_.count() > 0) s += " +" + std::to_string(delay_.count()) + " ms";
    if (route_) s += " on " + std::string(to_string(*route_));
    if (!method_.empty()) s += " " + method_;
    if (!url_contains_.empty()) s += " url~'" + url_contains_ + "'";
    if (!token_.empty()) s += " token '" + token_ + "'";
    if (!caller_.empty()) s += " caller '" + caller_ + "'";
    switch (schedule_) {
      case schedule::every:
        s += count_ == 1 ? ", every match" : ", every " + ordinal(count_) + " match";
        break;
      case schedule::nth:
        s += ", the " + ordinal(count_) + " match";
        break;
      case schedule::first:
        s += ", the first " + std::to_string(count_) + " matches";
        break;
      case schedule::share: {
        std::string p = nlohmann::json(share_).dump();
        s += ", a share of " + p + " of matches";
        if (seed_) s += " (seed " + std::to_string(*seed_) + ")";
        break;
      }
    }
    return s;
  }

  /// Seconds as whole milliseconds (Retry-After keeps millisecond precision).
  static std::int64_t to_ms(double seconds) {
    return std::isfinite(seconds) ? static_cast<std::int64_t>(std::llround(seconds * 1000.0)) : -1;
  }

 private:
  fault(effect e, int status) : effect_(e), status_(status) {}

  template <class F>
  fault with(F&& change) const {
    fault f = *this;
    change(f);
    return f;
  }
  fault when(schedule s, std::uint64_t n) const {
    fault f = *this;
    f.schedule_ = s;
    f.count_ = n;
    f.seed_.reset();
    return f;
  }
  static std::string ordinal(std::uint64_t n) {
    const std::uint64_t tens = n % 100;
    const char* suffix = (tens >= 11 && tens <= 13) ? "th"
                         : n % 10 == 1              ? "st"
                         : n % 10 == 2              ? "nd"
                         : n % 10 == 3              ? "rd"
                                                    : "th";
    return std::to_string(n) + suffix;
  }

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

/// The rates of the throttling model, in requests per second (a sliding one-second
/// window on the graph's clock). Defaults: the documented Teams limits. 0 = no limit.
struct throttling_limits {
  int get_all_messages_per_app_per_tenant = 200;
  int get_all_messages_per_app = 1000;     // across tenants
  int list_chats_per_app_per_tenant = 30;  // "other GET API calls for Microsoft Teams"
  int list_chats_per_app = 1500;           // across tenants
  int list_chats_per_user = 5;             // the user whose chats are listed
};

namespace detail {

/// The 429 of graph-semantics §1.4, key for key.
inline response throttled_response(const call_context& ctx, std::int64_t retry_after_ms,
                                   std::string_view code = "TooManyRequests",
                                   std::string_view message = "Please retry again later.") {
  nlohmann::ordered_json inner;
  inner["code"] = "429";
  inner["date"] = format_time_seconds(ctx.now);
  inner["message"] = "Please retry after";
  inner["request-id"] = ctx.request_id;
  inner["status"] = "429";
  nlohmann::ordered_json body;
  body["error"]["code"] = code;
  body["error"]["innerError"] = std::move(inner);
  body["error"]["message"] = message;
  response r = make_response(ctx, 429, wire_text(body));
  r.headers.emplace_back("Retry-After", format_retry_after(retry_after_ms));
  return r;
}

/// The answer a firing rule gives (every effect but none and empty_page).
inline response fault_response(const fault& f, const call_context& ctx) {
  using e = fault::effect;
  const auto& code = f.code_of();
  const auto& message = f.message_of();
  response r;
  switch (f.kind()) {
    case e::throttle:
      return throttled_response(ctx, fault::to_ms(f.retry_after_seconds().value_or(1)),
                                code.value_or("TooManyRequests"),
                                message.value_or("Please retry again later."));
    case e::unavailable:
      r = graph_error(
          ctx, 503, code.value_or("serviceNotAvailable"),
          message.value_or(
              "The service is temporarily unavailable. Try the request again after a delay."));
      break;
    case e::bad_gateway:
      r = graph_error(ctx, 502, code.value_or("UnknownError"), message.value_or("Bad Gateway"));
      break;
    case e::gateway_timeout:
      r = graph_error(ctx, 504, code.value_or("UnknownError"), message.value_or(""));
      break;
    case e::expired_token:
      r = graph_error(ctx, 401, code.value_or("InvalidAuthenticationToken"),
                      message.value_or("Access token has expired or is not yet valid."));
      break;
    case e::http_error:
      r = graph_error(ctx, f.status(), code.value_or(""), message.value_or(""));
      break;
    case e::none:
    case e::empty_page:
      break;
  }
  if (f.retry_after_seconds())
    r.headers.emplace_back("Retry-After",
                           format_retry_after(fault::to_ms(*f.retry_after_seconds())));
  return r;
}

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

/// What a request looks like to the fault rules.
struct fault_request {
  endpoint route = endpoint::none;
  std::string_view method;
  std::string_view url;
  std::string_view bearer;
  const principal* who = nullptr;
  bool empty_page_exempt = false;  // it follows a link an empty page gave
};

/// What the rules decided for one request.
struct fault_decision {
  std::optional<fault> answer;  // the first firing rule that changes the answer
  bool empty_page = false;      // replace a success page by an empty one
  std::chrono::milliseconds delay{0};
  std::vector<std::string> labels;  // "rule 0: …" for every rule that fired
};

/// Links an empty page handed out, to the real page's URL they stand for.
class empty_page_links {
 public:
  std::string add(const std::string& real_url, std::uint64_t salt) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::uint64_t n = ++counter_;
    std::string token = to_hex(splitmix64(salt ^ n), 16) + "~e" + std::to_string(n);
    links_.emplace(token, real_url);
    return token;
  }
  std::optional<std::string> find(const std::string& token) const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (links_.empty()) return std::nullopt;
    const auto it = links_.find(token);
    if (it == links_.end()) return std::nullopt;
    return it->second;
  }
  bool empty() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return links_.empty();
  }
  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    links_.clear();
    counter_ = 0;
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::string> links_;
  std::uint64_t counter_ = 0;
};

/// The empty page that stands for `real` (a success page with a `value` array), or none.
inline std::optional<response> empty_page_for(const response& real, const call_context& ctx,
                                              const std::string& next) {
  if (real.status != 200) return std::nullopt;
  const nlohmann::ordered_json page = nlohmann::ordered_json::parse(real.body, nullptr, false);
  if (!page.is_object() || !page.contains("value") || !page["value"].is_array())
    return std::nullopt;
  nlohmann::ordered_json out;
  if (page.contains("@odata.context")) out["@odata.context"] = page["@odata.context"];
  out["@odata.count"] = 0;
  out["@odata.nextLink"] = next;
  out["value"] = nlohmann::ordered_json::array();
  return make_response(ctx, 200, wire_text(out));
}

/// A throttling verdict: how long to wait, and whether the caller came back too early.
struct throttle_hit {
  std::int64_t retry_after_ms = 0;
  bool early = false;
  std::string limit;  // "listChatsPerUser", …
};

}  // namespace detail

/// The fault rules of one graph (`graph::faults()`). Thread-safe: rules are matched and
/// counted under one lock, so "the 3rd matching request" is exactly one request however
/// many threads call. Each rule counts the requests matching its own filters; when
/// several rules fire on one request, the first added decides the answer (delays add up).
class fault_set {
 public:
  fault_set() = default;
  fault_set(const fault_set&) = delete;
  fault_set& operator=(const fault_set&) = delete;

  /// Adds a rule; returns its id. Throws `fakegraph.faults.bad_rule` for an invalid one.
  std::size_t add(fault f) {
    detail::check_fault(f, [](std::string_view key, const std::string& message) {
      throw error("fakegraph.faults.bad_rule", std::string(key) + ": " + message);
    });
    std::lock_guard<std::mutex> lock(mutex_);
    return add_locked(std::move(f));
  }

  /// Removes a rule; false when there is none with that id.
  bool remove(std::size_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = rules_.begin(); it != rules_.end(); ++it)
      if (it->id == id) {
        rules_.erase(it);
        return true;
      }
    return false;
  }

  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    rules_.clear();
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return rules_.size();
  }

  /// The ids of the rules in force, in the order they are tried.
  std::vector<std::size_t> ids() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::size_t> out;
    for (const auto& r : rules_) out.push_back(r.id);
    return out;
  }

  /// Rule `id` as it is stored. Throws `fakegraph.faults.unknown_rule`.
  fault rule(std::size_t id) const { return find(id).rule; }

  /// The rules in force, in the order they are tried.
  std::vector<fault> rules() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<fault> out;
    for (const auto& r : rules_) out.push_back(r.rule);
    return out;
  }

  /// How many requests matched rule `id`'s filters. Throws `fakegraph.faults.unknown_rule`.
  std::uint64_t matched(std::size_t id) const { return find(id).matched; }
  /// How many requests rule `id` changed (answered, delayed or emptied).
  std::uint64_t fired(std::size_t id) const { return find(id).fired; }
  /// How many times any rule fired.
  std::uint64_t fired() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::uint64_t n = 0;
    for (const auto& r : rules_) n += r.fired;
    return n;
  }

  // ---- used by the graph ----------------------------------------------------------

  /// Replaces every rule (seed rules on construction and reset) and the seed draws use.
  void reset(std::vector<fault> rules, std::uint64_t id_seed) {
    std::lock_guard<std::mutex> lock(mutex_);
    rules_.clear();
    next_id_ = 0;
    id_seed_ = id_seed;
    for (auto& f : rules) add_locked(std::move(f));
  }

  detail::fault_decision decide(const detail::fault_request& in, const detail::world_state& world) {
    detail::fault_decision d;
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& r : rules_) {
      if (!matches(r.rule, in, world)) continue;
      const std::uint64_t k = ++r.matched;
      if (!due(r, k)) continue;
      const fault::effect e = r.rule.kind();
      const bool answers = e != fault::effect::none;
      if (answers) {
        if (d.answer || d.empty_page) continue;  // an earlier rule already decided
        if (e == fault::effect::empty_page) {
          if (in.empty_page_exempt) continue;
          d.empty_page = true;
        } else {
          d.answer = r.rule;
        }
      }
      d.delay += r.rule.delay_of();
      ++r.fired;
      d.labels.push_back("rule " + std::to_string(r.id) + ": " + r.rule.describe());
    }
    return d;
  }

 private:
  struct rule_state {
    std::size_t id = 0;
    fault rule;
    std::uint64_t draw_seed = 0;
    std::uint64_t matched = 0;
    std::uint64_t fired = 0;
  };

  std::size_t add_locked(fault f) {
    rule_state r{next_id_++, std::move(f), 0, 0, 0};
    r.draw_seed =
        r.rule.seed()
            ? *r.rule.seed()
            : detail::splitmix64(id_seed_ ^ (0x5EEDFA17ull + r.id * 0x9E3779B97F4A7C15ull));
    rules_.push_back(std::move(r));
    return rules_.back().id;
  }

  rule_state find(std::size_t id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& r : rules_)
      if (r.id == id) return r;
    throw error("fakegraph.faults.unknown_rule", "no fault rule with id " + std::to_string(id));
  }

  static bool matches(const fault& f, const detail::fault_request& in,
                      const detail::world_state& world) {
    if (f.route() && *f.route() != in.route) return false;
    if (!f.method_of().empty() && !detail::iequals(f.method_of(), in.method)) return false;
    if (!f.url_substring().empty() && in.url.find(f.url_substring()) == std::string_view::npos)
      return false;
    if (!f.token_of().empty() && f.token_of() != in.bearer) return false;
    if (!f.caller_of().empty()) {
      if (!in.who) return false;
      if (!detail::iequals(in.who->id, f.caller_of())) {
        const user* u = world.find_user(f.caller_of());
        if (!u || !detail::iequals(u->id, in.who->id)) return false;
      }
    }
    return true;
  }

  static bool due(const rule_state& r, std::uint64_t k) {
    switch (r.rule.when_kind()) {
      case fault::schedule::nth:
        return k == r.rule.count();
      case fault::schedule::every:
        return k % r.rule.count() == 0;
      case fault::schedule::first:
        return k <= r.rule.count();
      case fault::schedule::share: {
        // The k-th match's draw depends on (seed, k) only: reproducible, thread order aside.
        const std::uint64_t x = detail::splitmix64(r.draw_seed ^ detail::splitmix64(k));
        return static_cast<double>(x >> 11) * (1.0 / 9007199254740992.0) < r.rule.share_of();
      }
    }
    return false;
  }

  mutable std::mutex mutex_;
  std::vector<rule_state> rules_;
  std::size_t next_id_ = 0;
  std::uint64_t id_seed_ = 0;
};

/// The throttling model (`graph::throttling()`): sliding one-second windows per app per
/// tenant, per app, and per user, on the graph's clock. Off until enabled.
///
/// Over a limit, the answer is 429 with `Retry-After` in whole seconds (rounded up) until
/// the window has room. A request that comes back before that time has passed is throttled
/// again (counted in `early_retries()`) and does not use the window. Thread-safe.
class throttler {
 public:
  throttler() = default;
  throttler(const throttler&) = delete;
  throttler& operator=(const throttler&) = delete;

  /// Turns the model on with these limits (and forgets earlier windows). Throws
  /// `fakegraph.throttling.bad_limit` for a negative limit.
  void enable(throttling_limits limits = {}) {
    check(limits, [](std::string_view key, const std::string& message) {
      throw error("fakegraph.throttling.bad_limit", std::string(key) + ": " + message);
    });
    std::lock_guard<std::mutex> lock(mutex_);
    limits_ = limits;
    enabled_ = true;
    windows_.clear();
  }
  void disable() {
    std::lock_guard<std::mutex> lock(mutex_);
    enabled_ = false;
    windows_.clear();
  }
  bool enabled() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return enabled_;
  }
  throttling_limits limits() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return limits_;
  }
  /// Requests answered 429 by the model, including early retries.
  std::uint64_t throttled() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return throttled_;
  }
  /// Throttled requests that came before the Retry-After they had been given.
  std::uint64_t early_retries() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return early_;
  }
  /// Forgets the windows and the counts; keeps the limits and the on/off state.
  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    windows_.clear();
    throttled_ = 0;
    early_ = 0;
  }

  // ---- used by the graph ----------------------------------------------------------

  template <class Bad>
  static void check(const throttling_limits& l, Bad&& bad) {
    const std::pair<const char*, int> all[] = {
        {"getAllMessagesPerAppPerTenant", l.get_all_messages_per_app_per_tenant},
        {"getAllMessagesPerApp", l.get_all_messages_per_app},
        {"listChatsPerAppPerTenant", l.list_chats_per_app_per_tenant},
        {"listChatsPerApp", l.list_chats_per_app},
        {"listChatsPerUser", l.list_chats_per_user}};
    for (const auto& [key, value] : all)
      if (value < 0) bad(key, "must be 0 (no limit) or more, not " + std::to_string(value));
  }

  void configure(std::optional<throttling_limits> limits) {
    std::lock_guard<std::mutex> lock(mutex_);
    enabled_ = limits.has_value();
    limits_ = limits.value_or(throttling_limits{});
    windows_.clear();
    throttled_ = 0;
    early_ = 0;
  }

  /// Admits one request or says how long to wait. `target_user` is the user whose chats
  /// List chats reads (empty when unknown).
  std::optional<detail::throttle_hit> admit(endpoint route, const principal& who,
                                            const std::string& target_user, timestamp now) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!enabled_ || route == endpoint::none) return std::nullopt;
    struct bucket {
      const char* limit;
      std::string key;
      int rate;
    };
    std::vector<bucket> buckets;
    const std::string app = detail::to_lower(who.id) + "|" + detail::to_lower(who.tenant_id);
    if (route == endpoint::get_all_messages && who.is_application()) {
      buckets.push_back({"getAllMessagesPerAppPerTenant", "gam|" + app,
                         limits_.get_all_messages_per_app_per_tenant});
      buckets.push_back({"getAllMessagesPerApp", "gam|" + detail::to_lower(who.id),
                         limits_.get_all_messages_per_app});
    }
    if (route == endpoint::list_chats) {
      if (who.is_application()) {
        buckets.push_back(
            {"listChatsPerAppPerTenant", "lc|" + app, limits_.list_chats_per_app_per_tenant});
        buckets.push_back(
            {"listChatsPerApp", "lc|" + detail::to_lower(who.id), limits_.list_chats_per_app});
      }
      if (!target_user.empty())
        buckets.push_back({"listChatsPerUser", "lcu|" + detail::to_lower(target_user),
                           limits_.list_chats_per_user});
    }
    // Still inside an earlier Retry-After: throttled again, without using the window.
    for (const auto& b : buckets) {
      if (b.rate <= 0) continue;
      const auto it = windows_.find(b.key);
      if (it != windows_.end() && now < it->second.blocked_until) {
        ++throttled_;
        ++early_;
        return detail::throttle_hit{round_up_seconds(it->second.blocked_until - now), true,
                                    b.limit};
      }
    }
    for (const auto& b : buckets) {
      if (b.rate <= 0) continue;
      window& w = windows_[b.key];
      while (!w.accepted.empty() && w.accepted.front() <= now - window_ms) w.accepted.pop_front();
      if (w.accepted.size() >= static_cast<std::size_t>(b.rate)) {
        const std::int64_t wait = round_up_seconds(w.accepted.front() + window_ms - now);
        w.blocked_until = now + wait;
        ++throttled_;
        return detail::throttle_hit{wait, false, b.limit};
      }
    }
    for (const auto& b : buckets)
      if (b.rate > 0) windows_[b.key].accepted.push_back(now);
    return std::nullopt;
  }

 private:
  static constexpr timestamp window_ms = 1000;

  struct window {
    std::deque<timestamp> accepted;  // admitted requests in the last second (at most the rate)
    timestamp blocked_until = 0;
  };

  static std::int64_t round_up_seconds(std::int64_t ms) {
    if (ms < 1000) return 1000;
    return (ms + 999) / 1000 * 1000;
  }

  mutable std::mutex mutex_;
  bool enabled_ = false;
  throttling_limits limits_;
  std::unordered_map<std::string, window> windows_;
  std::uint64_t throttled_ = 0;
  std::uint64_t early_ = 0;
};

namespace detail {

/// settings.faults: an array of rules (see the README's "Faults in a seed").
inline std::vector<fault> load_faults(const nlohmann::json& j, const std::string& path) {
  std::vector<fault> out;
  if (j.is_null()) return out;
  if (!j.is_array())
    fail("seed", "bad_type", path, "expected an array, found " + seed_object::kind(j));
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    const seed_object o(
        j[i], at,
        {"route", "method", "urlContains", "token", "caller", "nth", "every", "first", "share",
         "randomSeed", "status", "retryAfter", "code", "message", "emptyPage", "delayMs"});
    auto number = [&](const char* key) -> std::optional<double> {
      if (!o.has(key)) return std::nullopt;
      const auto& v = o.raw(key);
      if (!v.is_number())
        fail("seed", "bad_type", o.at(key), "expected a number, found " + seed_object::kind(v));
      return v.get<double>();
    };
    const bool empty = o.boolean("emptyPage", false);
    const bool has_status = o.has("status");
    const bool has_delay = o.has("delayMs");
    if (empty && has_status)
      fail("seed", "bad_value", at, "give one of 'status' or 'emptyPage', not both");
    if (!empty && !has_status && !has_delay)
      fail("seed", "missing_field", at,
           "a fault rule gives 'status', 'emptyPage': true or 'delayMs'");

    fault f = fault::delay(std::chrono::milliseconds(1));
    if (empty) {
      f = fault::empty_page();
    } else if (has_status) {
      const std::int64_t status = o.integer("status", 0, 0);
      switch (status) {
        case 429:
          f = fault::throttle();
          break;
        case 503:
          f = fault::unavailable();
          break;
        case 502:
          f = fault::bad_gateway();
          break;
        case 504:
          f = fault::gateway_timeout();
          break;
        case 401:
          f = fault::expired_token();
          break;
        default:
          if (status < 400 || status > 599)
            fail("seed", "bad_value", o.at("status"),
                 "an error status from 400 to 599, not " + std::to_string(status));
          if (!o.has("code"))
            fail("seed", "missing_field", o.at("code"),
                 "status " + std::to_string(status) + " needs the Graph error 'code' to send");
          f = fault::http_error(static_cast<int>(status), o.string("code"));
      }
    }
    f = f.with_delay(std::chrono::milliseconds(o.integer("delayMs", 0, 0)));
    if (o.has("code")) f = f.code(o.string("code"));
    if (o.has("message")) f = f.message(o.string("message"));
    if (const auto ra = number("retryAfter")) f = f.retry_after(*ra);

    if (o.has("route") && !detail::iequals(o.string("route"), "any")) {
      const std::string r = o.string("route");
      const auto e = parse_endpoint(r);
      if (!e || *e == endpoint::none)
        fail("seed", "bad_value", o.at("route"),
             "'" + r + "' is not one of: listChats, getAllMessages, any");
      f = f.on(*e);
    }
    if (o.has("method")) f = f.method(o.string("method"));
    if (o.has("urlContains")) f = f.url_contains(o.string("urlContains"));
    if (o.has("token")) f = f.token(o.string("token"));
    if (o.has("caller")) f = f.caller(o.string("caller"));

    const int schedules =
        int(o.has("nth")) + int(o.has("every")) + int(o.has("first")) + int(o.has("share"));
    if (schedules > 1)
      fail("seed", "bad_value", at, "give at most one of 'nth', 'every', 'first', 'share'");
    if (o.has("randomSeed") && !o.has("share"))
      fail("seed", "bad_value", o.at("randomSeed"), "randomSeed goes with 'share'");
    if (o.has("nth")) f = f.nth(static_cast<std::uint64_t>(o.integer("nth", 1, 1)));
    if (o.has("every")) f = f.every(static_cast<std::uint64_t>(o.integer("every", 1, 1)));
    if (o.has("first")) f = f.first(static_cast<std::uint64_t>(o.integer("first", 1, 1)));
    if (const auto p = number("share")) {
      f = o.has("randomSeed")
              ? f.share(*p, static_cast<std::uint64_t>(o.integer("randomSeed", 0, 0)))
              : f.share(*p);
    }
    check_fault(f, [&](std::string_view key, const std::string& message) {
      fail("seed", "bad_value", o.at(key), message);
    });
    out.push_back(std::move(f));
  }
  return out;
}

/// settings.throttling: {"enabled": true, "listChatsPerUser": 5, …}; none when absent or
/// disabled. Present without "enabled" means enabled.
inline std::optional<throttling_limits> load_throttling(const nlohmann::json& j,
                                                        const std::string& path) {
  if (j.is_null()) return std::nullopt;
  const seed_object o(j, path,
                      {"enabled", "getAllMessagesPerAppPerTenant", "getAllMessagesPerApp",
                       "listChatsPerAppPerTenant", "listChatsPerApp", "listChatsPerUser"});
  throttling_limits l;
  auto rate = [&](const char* key, int& field) {
    const std::int64_t v = o.integer(key, field, 0);
    if (v > 1000000) fail("seed", "bad_value", o.at(key), "at most 1000000 requests per second");
    field = static_cast<int>(v);
  };
  rate("getAllMessagesPerAppPerTenant", l.get_all_messages_per_app_per_tenant);
  rate("getAllMessagesPerApp", l.get_all_messages_per_app);
  rate("listChatsPerAppPerTenant", l.list_chats_per_app_per_tenant);
  rate("listChatsPerApp", l.list_chats_per_app);
  rate("listChatsPerUser", l.list_chats_per_user);
  if (!o.boolean("enabled", true)) return std::nullopt;
  return l;
}

}  // namespace detail
}  // namespace fakegraph
