// fakegraph: definitions of throttling.hpp (see detail/inline.hpp).
#pragma once

#include "throttling.hpp"

#include <utility>  // std::move

#include "detail/inline.hpp"
#include "detail/strings.hpp"
#include "error.hpp"

namespace fakegraph {

namespace detail {

FAKEGRAPH_INLINE std::string_view limit_name(int throttling_limits::*rate) {
  for (const throttle_limit& l : throttle_limits)
    if (l.rate == rate) return l.name;
  return {};
}

}  // namespace detail

FAKEGRAPH_INLINE void throttler::enable(throttling_limits limits) {
  check(limits, [](std::string_view key, const std::string& message) {
    throw error("fakegraph.throttling.bad_limit", std::string(key) + ": " + message);
  });
  std::lock_guard<std::mutex> lock(mutex_);
  limits_ = limits;
  enabled_ = true;
  windows_.clear();
}

FAKEGRAPH_INLINE void throttler::disable() {
  std::lock_guard<std::mutex> lock(mutex_);
  enabled_ = false;
  windows_.clear();
}

FAKEGRAPH_INLINE bool throttler::enabled() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return enabled_;
}

FAKEGRAPH_INLINE throttling_limits throttler::limits() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return limits_;
}

FAKEGRAPH_INLINE std::uint64_t throttler::throttled() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return throttled_;
}

FAKEGRAPH_INLINE std::uint64_t throttler::early_retries() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return early_;
}

FAKEGRAPH_INLINE void throttler::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  windows_.clear();
  throttled_ = 0;
  early_ = 0;
}

FAKEGRAPH_INLINE void throttler::configure(std::optional<throttling_limits> limits) {
  std::lock_guard<std::mutex> lock(mutex_);
  enabled_ = limits.has_value();
  limits_ = limits.value_or(throttling_limits{});
  windows_.clear();
  throttled_ = 0;
  early_ = 0;
}

FAKEGRAPH_INLINE std::optional<detail::throttle_hit> throttler::admit(
    const std::vector<detail::throttle_rule>& rules, const principal& who,
    const std::string& target_user, timestamp now) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!enabled_) return std::nullopt;
  struct bucket {
    std::string_view limit;
    std::string key;
    int rate;
  };
  std::vector<bucket> buckets;
  using per = detail::throttle_rule::per;
  for (const detail::throttle_rule& rule : rules) {
    const std::string_view limit = detail::limit_name(rule.rate);
    std::string key = std::string(limit) + "|";
    if (rule.scope == per::target_user) {
      if (target_user.empty()) continue;
      key += detail::to_lower(target_user);
    } else {
      if (!who.is_application()) continue;  // the per-app limits count applications
      key += detail::to_lower(who.id);
      if (rule.scope == per::app_and_tenant) key += "|" + detail::to_lower(who.tenant_id);
    }
    buckets.push_back({limit, std::move(key), limits_.*rule.rate});
  }
  // Still inside an earlier Retry-After: throttled again, without using the window.
  for (const auto& b : buckets) {
    if (b.rate <= 0) continue;
    const auto it = windows_.find(b.key);
    if (it != windows_.end() && now < it->second.blocked_until) {
      ++throttled_;
      ++early_;
      return detail::throttle_hit{round_up_seconds(it->second.blocked_until - now), true,
                                  std::string(b.limit)};
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
      return detail::throttle_hit{wait, false, std::string(b.limit)};
    }
  }
  for (const auto& b : buckets)
    if (b.rate > 0) windows_[b.key].accepted.push_back(now);
  return std::nullopt;
}

}  // namespace fakegraph
