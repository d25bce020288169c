// fakegraph: definitions of fault_set.hpp (see detail/inline.hpp).
#pragma once

#include "fault_set.hpp"

#include <utility>  // std::move

#include "detail/inline.hpp"
#include "detail/strings.hpp"
#include "detail/wire.hpp"
#include "error.hpp"
#include "store.hpp"

namespace fakegraph {

namespace detail {

FAKEGRAPH_INLINE std::string empty_page_links::add(const std::string& real_url,
                                                   std::uint64_t salt) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::uint64_t n = ++counter_;
  std::string token = to_hex(splitmix64(salt ^ n), 16) + "~e" + std::to_string(n);
  links_.emplace(token, real_url);
  return token;
}

FAKEGRAPH_INLINE std::optional<std::string> empty_page_links::find(const std::string& token) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (links_.empty()) return std::nullopt;
  const auto it = links_.find(token);
  if (it == links_.end()) return std::nullopt;
  return it->second;
}

FAKEGRAPH_INLINE bool empty_page_links::empty() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return links_.empty();
}

FAKEGRAPH_INLINE void empty_page_links::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  links_.clear();
  counter_ = 0;
}

FAKEGRAPH_INLINE std::optional<response> empty_page_for(const response& real,
                                                        const call_context& ctx,
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

FAKEGRAPH_INLINE std::size_t fault_set::add(fault f) {
  detail::check_fault(f, [](std::string_view key, const std::string& message) {
    throw error("fakegraph.faults.bad_rule", std::string(key) + ": " + message);
  });
  std::lock_guard<std::mutex> lock(mutex_);
  return add_locked(std::move(f));
}

FAKEGRAPH_INLINE bool fault_set::remove(std::size_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = rules_.begin(); it != rules_.end(); ++it)
    if (it->id == id) {
      rules_.erase(it);
      return true;
    }
  return false;
}

FAKEGRAPH_INLINE void fault_set::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  rules_.clear();
}

FAKEGRAPH_INLINE std::size_t fault_set::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rules_.size();
}

FAKEGRAPH_INLINE std::vector<std::size_t> fault_set::ids() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::size_t> out;
  for (const auto& r : rules_) out.push_back(r.id);
  return out;
}

FAKEGRAPH_INLINE std::vector<fault> fault_set::rules() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<fault> out;
  for (const auto& r : rules_) out.push_back(r.rule);
  return out;
}

FAKEGRAPH_INLINE std::uint64_t fault_set::fired() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::uint64_t n = 0;
  for (const auto& r : rules_) n += r.fired;
  return n;
}

FAKEGRAPH_INLINE void fault_set::reset(std::vector<fault> rules, std::uint64_t id_seed) {
  std::lock_guard<std::mutex> lock(mutex_);
  rules_.clear();
  next_id_ = 0;
  id_seed_ = id_seed;
  for (auto& f : rules) add_locked(std::move(f));
}

FAKEGRAPH_INLINE detail::fault_decision fault_set::decide(const detail::fault_request& in,
                                                          const detail::world_state& world) {
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

FAKEGRAPH_INLINE std::size_t fault_set::add_locked(fault f) {
  rule_state r{next_id_++, std::move(f), 0, 0, 0};
  r.draw_seed = r.rule.seed()
                    ? *r.rule.seed()
                    : detail::splitmix64(id_seed_ ^ (0x5EEDFA17ull + r.id * 0x9E3779B97F4A7C15ull));
  rules_.push_back(std::move(r));
  return rules_.back().id;
}

FAKEGRAPH_INLINE fault_set::rule_state fault_set::find(std::size_t id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& r : rules_)
    if (r.id == id) return r;
  throw error("fakegraph.faults.unknown_rule", "no fault rule with id " + std::to_string(id));
}

FAKEGRAPH_INLINE bool fault_set::matches(const fault& f, const detail::fault_request& in,
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

FAKEGRAPH_INLINE bool fault_set::due(const rule_state& r, std::uint64_t k) {
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

}  // namespace fakegraph
