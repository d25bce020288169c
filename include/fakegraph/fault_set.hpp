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
#include <vector>         // std::vector

#include "auth.hpp"
#include "fault.hpp"
#include "fwd.hpp"
#include "http.hpp"
#include "model.hpp"

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
  std::string add(const std::string& real_url, std::uint64_t salt);
  std::optional<std::string> find(const std::string& token) const;
  bool empty() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::string> links_;
  std::uint64_t counter_ = 0;
};

/// The empty page that stands for `real`, a success page whose context (`page_context`,
/// noted by begin_page) it keeps; none when `real` is not a collection page.
std::optional<response> empty_page_for(const response& real, const call_context& ctx,
                                       const std::string& page_context, const std::string& next);

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
  std::size_t add(fault f);

  /// Removes a rule; false when there is none with that id.
  bool remove(std::size_t id);

  void clear();

  std::size_t size() const;

  /// The ids of the rules in force, in the order they are tried.
  std::vector<std::size_t> ids() const;

  /// Rule `id` as it is stored. Throws `fakegraph.faults.unknown_rule`.
  fault rule(std::size_t id) const { return find(id).rule; }

  /// The rules in force, in the order they are tried.
  std::vector<fault> rules() const;

  /// How many requests matched rule `id`'s filters. Throws `fakegraph.faults.unknown_rule`.
  std::uint64_t matched(std::size_t id) const { return find(id).matched; }
  /// How many requests rule `id` changed (answered, delayed or emptied).
  std::uint64_t fired(std::size_t id) const { return find(id).fired; }
  /// How many times any rule fired.
  std::uint64_t fired() const;

  // ---- used by the graph ----------------------------------------------------------

  /// Replaces every rule (seed rules on construction and reset) and the seed draws use.
  void reset(std::vector<fault> rules, std::uint64_t id_seed);

  detail::fault_decision decide(const detail::fault_request& in, const detail::world_state& world);

 private:
  struct rule_state {
    std::size_t id = 0;
    fault rule;
    std::uint64_t draw_seed = 0;
    std::uint64_t matched = 0;
    std::uint64_t fired = 0;
  };

  std::size_t add_locked(fault f);

  rule_state find(std::size_t id) const;

  static bool matches(const fault& f, const detail::fault_request& in,
                      const detail::world_state& world);

  static bool due(const rule_state& r, std::uint64_t k);

  mutable std::mutex mutex_;
  std::vector<rule_state> rules_;
  std::size_t next_id_ = 0;
  std::uint64_t id_seed_ = 0;
};

}  // namespace fakegraph

#ifndef FAKEGRAPH_COMPILED_LIB
#include "fault_set-inl.hpp"
#endif
