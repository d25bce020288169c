// fakegraph: the fault rules of a graph (`graph::faults()`): which rule fires on which
// request, and the empty pages some rules hand out.
#pragma once

#include <chrono>         // std::chrono::milliseconds
#include <cstddef>        // std::size_t
#include <cstdint>        // std::uint64_t
#include <mutex>          // std::mutex, std::lock_guard
#include <optional>       // std::optional
#include <string>         // std::string
#include <string_view>    // std::string_view
#include <unordered_map>  // std::unordered_map
#include <utility>        // std::move
#include <vector>         // std::vector

#include "auth.hpp"
#include "error.hpp"
#include "fault.hpp"
#include "http.hpp"
#include "store.hpp"

namespace fakegraph {

namespace detail {

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

/// The empty page that stands for `real`, a success page whose context (`page_context`,
/// noted by begin_page) it keeps; none when `real` is not a collection page.
inline std::optional<response> empty_page_for(const response& real, const call_context& ctx,
                                              const std::string& page_context,
                                              const std::string& next) {
  if (real.status != 200 || page_context.empty()) return std::nullopt;
  json_writer w;
  w.begin_object()
      .key("@odata.context")
      .value(page_context)
      .key("@odata.count")
      .value(std::int64_t{0})
      .key("@odata.nextLink")
      .value(next)
      .key("value")
      .begin_array()
      .end_array()
      .end_object();
  return make_response(ctx, 200, w.take());
}

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

}  // namespace fakegraph
