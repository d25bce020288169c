// fakegraph: the throttling model of the documented Teams limits (`graph::throttling()`), on
// the graph's clock. Which limits count an endpoint's calls is its row in detail/endpoints.hpp.
#pragma once

#include <cstddef>        // std::size_t
#include <cstdint>        // std::uint64_t, std::int64_t
#include <deque>          // std::deque
#include <mutex>          // std::mutex, std::lock_guard
#include <optional>       // std::optional
#include <string>         // std::string
#include <string_view>    // std::string_view
#include <unordered_map>  // std::unordered_map
#include <vector>         // std::vector

#include "auth.hpp"
#include "clock.hpp"

namespace fakegraph {

/// The rates of the throttling model, in requests per second (a sliding one-second
/// window on the graph's clock). Defaults: the documented Teams limits. 0 = no limit.
struct throttling_limits {
  int get_all_messages_per_app_per_tenant = 200;
  int get_all_messages_per_app = 1000;        // across tenants
  int list_chats_per_app_per_tenant = 30;     // "other GET API calls for Microsoft Teams"
  int list_chats_per_app = 1500;              // across tenants
  int list_chats_per_user = 5;                // the user whose chats are listed (and Get chat)
  int chat_messages_per_app_per_tenant = 20;  // "GET 1:1/group chat message" (§8)
  int chat_messages_per_app = 200;            // across tenants
};

namespace detail {

/// A throttling verdict: how long to wait, and whether the caller came back too early.
struct throttle_hit {
  std::int64_t retry_after_ms = 0;
  bool early = false;
  std::string limit;  // "listChatsPerUser", …
};

/// One documented Teams limit that counts an endpoint's calls (its row in endpoints.hpp):
/// per application and tenant, per application across tenants, or per user whose data is read.
struct throttle_rule {
  enum class per { app_and_tenant, app, target_user };
  per scope;
  int throttling_limits::*rate;
};

/// Each limit by the name `settings.throttling` and the journal's "throttled: …" use.
struct throttle_limit {
  std::string_view name;
  int throttling_limits::*rate;
};
inline constexpr throttle_limit throttle_limits[] = {
    {"getAllMessagesPerAppPerTenant", &throttling_limits::get_all_messages_per_app_per_tenant},
    {"getAllMessagesPerApp", &throttling_limits::get_all_messages_per_app},
    {"listChatsPerAppPerTenant", &throttling_limits::list_chats_per_app_per_tenant},
    {"listChatsPerApp", &throttling_limits::list_chats_per_app},
    {"listChatsPerUser", &throttling_limits::list_chats_per_user},
    {"chatMessagesPerAppPerTenant", &throttling_limits::chat_messages_per_app_per_tenant},
    {"chatMessagesPerApp", &throttling_limits::chat_messages_per_app}};

std::string_view limit_name(int throttling_limits::*rate);

}  // namespace detail

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
  void enable(throttling_limits limits = {});
  void disable();
  bool enabled() const;
  throttling_limits limits() const;
  /// Requests answered 429 by the model, including early retries.
  std::uint64_t throttled() const;
  /// Throttled requests that came before the Retry-After they had been given.
  std::uint64_t early_retries() const;
  /// Forgets the windows and the counts; keeps the limits and the on/off state.
  void clear();

  // ---- used by the graph ----------------------------------------------------------

  template <class Bad>
  static void check(const throttling_limits& l, Bad&& bad) {
    for (const detail::throttle_limit& limit : detail::throttle_limits)
      if (l.*limit.rate < 0)
        bad(limit.name, "must be 0 (no limit) or more, not " + std::to_string(l.*limit.rate));
  }

  void configure(std::optional<throttling_limits> limits);

  /// Admits one request to an endpoint counted by `rules`, or says how long to wait.
  /// `target_user` is the user whose data the request reads (empty when unknown).
  std::optional<detail::throttle_hit> admit(const std::vector<detail::throttle_rule>& rules,
                                            const principal& who, const std::string& target_user,
                                            timestamp now);

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

}  // namespace fakegraph

#ifndef FAKEGRAPH_COMPILED_LIB
#include "throttling-inl.hpp"
#endif
