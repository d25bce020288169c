// fakegraph: definitions of fault.hpp (see detail/inline.hpp).
#pragma once

#include "fault.hpp"

#include "detail/inline.hpp"
#include "detail/wire.hpp"

namespace fakegraph {

namespace detail {

FAKEGRAPH_INLINE std::string format_retry_after(std::int64_t ms) {
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

FAKEGRAPH_INLINE fault fault::throttle(double retry_after_seconds) {
  fault f(effect::throttle);
  f.retry_after_ = retry_after_seconds;
  return f;
}

FAKEGRAPH_INLINE fault fault::unavailable(double retry_after_seconds) {
  fault f(effect::unavailable);
  f.retry_after_ = retry_after_seconds;
  return f;
}

FAKEGRAPH_INLINE fault fault::delay(std::chrono::milliseconds d) {
  fault f(effect::none, 0);
  f.delay_ = d;
  return f;
}

FAKEGRAPH_INLINE std::optional<fault> fault::for_status(int status) {
  for (const preset& p : presets)
    if (p.status == status) return p.kind == effect::throttle ? throttle() : fault(p.kind);
  return std::nullopt;
}

FAKEGRAPH_INLINE fault fault::http_error(int status, std::string code, std::string message) {
  fault f(effect::http_error, status);
  f.code_ = std::move(code);
  f.message_ = std::move(message);
  return f;
}

FAKEGRAPH_INLINE fault fault::share(double p) const {
  fault f = when(schedule::share, 0);
  f.share_ = p;
  return f;
}

FAKEGRAPH_INLINE fault fault::share(double p, std::uint64_t seed) const {
  fault f = share(p);
  f.seed_ = seed;
  return f;
}

FAKEGRAPH_INLINE std::string fault::describe() const {
  std::string s;
  switch (effect_) {
    case effect::none:
      s = "delay";
      break;
    case effect::expired_token:
      s = "401 expired token";
      break;
    case effect::empty_page:
      s = "empty page with nextLink";
      break;
    default:
      s = std::to_string(status_) + " " + code_.value_or(std::string(preset_of(effect_).code));
  }
  if (retry_after_) s += " (Retry-After " + detail::format_retry_after(to_ms(*retry_after_)) + ")";
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

FAKEGRAPH_INLINE fault fault::when(schedule s, std::uint64_t n) const {
  fault f = *this;
  f.schedule_ = s;
  f.count_ = n;
  f.seed_.reset();
  return f;
}

FAKEGRAPH_INLINE std::string fault::ordinal(std::uint64_t n) {
  const std::uint64_t tens = n % 100;
  const char* suffix = (tens >= 11 && tens <= 13) ? "th"
                       : n % 10 == 1              ? "st"
                       : n % 10 == 2              ? "nd"
                       : n % 10 == 3              ? "rd"
                                                  : "th";
  return std::to_string(n) + suffix;
}

namespace detail {

FAKEGRAPH_INLINE response throttled_response(const call_context& ctx, std::int64_t retry_after_ms,
                                             std::string_view code, std::string_view message) {
  if (ctx.error_written) *ctx.error_written = {std::string(code), valid_utf8(message)};
  json_writer w;
  w.begin_object()
      .key("error")
      .begin_object()
      .key("code")
      .value(code)
      .key("innerError")
      .begin_object()
      .key("code")
      .value("429")
      .key("date")
      .value(format_time_seconds(ctx.now))
      .key("message")
      .value("Please retry after")
      .key("request-id")
      .value(ctx.request_id)
      .key("status")
      .value("429")
      .end_object()
      .key("message")
      .value(message)
      .end_object()
      .end_object();
  response r = make_response(ctx, 429, w.take());
  r.headers.emplace_back("Retry-After", format_retry_after(retry_after_ms));
  return r;
}

FAKEGRAPH_INLINE response fault_response(const fault& f, const call_context& ctx) {
  const fault::preset p = fault::preset_of(f.kind());
  const std::string_view code = f.code_of() ? std::string_view(*f.code_of()) : p.code;
  const std::string_view message = f.message_of() ? std::string_view(*f.message_of()) : p.message;
  if (f.kind() == fault::effect::throttle)
    return throttled_response(ctx, fault::to_ms(f.retry_after_seconds().value_or(1)), code,
                              message);
  response r = graph_error(ctx, f.status(), code, message);
  if (f.retry_after_seconds())
    r.headers.emplace_back("Retry-After",
                           format_retry_after(fault::to_ms(*f.retry_after_seconds())));
  return r;
}

}  // namespace detail
}  // namespace fakegraph
