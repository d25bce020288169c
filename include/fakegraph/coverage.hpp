// fakegraph: coverage — what the tests made the fake do (endpoints, query options,
// permission decisions, statuses and error codes, faults), and what they never did.
#pragma once

#include <nlohmann/json_fwd.hpp>  // nlohmann::json

#include <cstdint>      // std::uint64_t
#include <map>          // std::map
#include <mutex>        // std::mutex, std::lock_guard
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair
#include <vector>       // std::vector

#include "auth.hpp"
#include "endpoint.hpp"
#include "journal.hpp"

namespace fakegraph {

/// Counts of what a graph was asked and answered; a value (copy it, merge it, print it).
///
/// Keys are readable strings: endpoints `"listChats GET /me/chats"`, query options
/// `"getAllMessages model=A"`, permission decisions
/// `"listChats delegated[Chat.Read] -> allowed"` or `"… -> 403 Missing scope permissions on
/// the request"`, statuses `"200"` / `"403 Forbidden"`, faults `"rule 0: 429 …"`,
/// `"throttled: listChatsPerUser"`, `"early retry"`.
struct coverage_data {
  std::uint64_t requests = 0;
  std::map<std::string, std::uint64_t> endpoints;
  std::map<std::string, std::uint64_t> query_options;
  std::map<std::string, std::uint64_t> permissions;
  std::map<std::string, std::uint64_t> statuses;
  std::map<std::string, std::uint64_t> faults;

  /// Adds another run's counts (e.g. every test's graph into one report).
  coverage_data& operator+=(const coverage_data& o);

  /// The endpoints, query options and answers a client should be tested against but
  /// were never seen, as "endpoint …", "option …", "answer …" lines.
  std::vector<std::string> not_exercised() const;

  /// A printable report (plain text, one count per line, sections in a fixed order).
  std::string report() const;

  nlohmann::json json() const;

  // Every route and option of the endpoint table (an application may not call /me routes, and
  // delegated callers get 412 from application-only endpoints, but those answers count too).
  static std::vector<std::string> known_endpoints();
  static std::vector<std::string> known_options();
  /// Answers a resilient client must survive: (name, prefix of a status or fault key).
  static std::vector<std::pair<std::string_view, std::string_view>> resilience_answers();
};

namespace detail {

/// What the graph tells coverage about one request.
struct coverage_event {
  endpoint route = endpoint::none;
  std::string shape;                 // "GET /me/chats"
  std::vector<std::string> options;  // "$top", "$expand=members", "model=A"
  const principal* who = nullptr;
  bool answered_by_fault = false;  // a rule or the throttling model answered, not the endpoint
  int status = 0;
  std::string code;     // error.code, "" on success
  std::string message;  // error.message, "" on success
  std::vector<std::string> faults;
};

/// "Missing scope permissions on the request" from a longer message: its first sentence.
std::string first_sentence(std::string_view message);

}  // namespace detail

/// A graph's live coverage counters (`graph::coverage()`). Thread-safe. Bounded: each table
/// keeps at most `max_keys` distinct keys (request paths and token scopes come from
/// clients); the rest count under "(other)", so a long-running server does not grow.
class coverage {
 public:
  static constexpr std::size_t max_keys = 1000;

  coverage() = default;
  coverage(const coverage&) = delete;
  coverage& operator=(const coverage&) = delete;

  /// A copy of the counts so far.
  coverage_data data() const;
  /// The printable report of the counts so far.
  std::string report() const { return data().report(); }
  void clear();

  /// Called by the graph for every request it answers.
  void record(const detail::coverage_event& e);

 private:
  template <class Table>
  static void count(Table& table, const std::string& key) {
    const auto it = table.find(key);
    if (it != table.end())
      ++it->second;
    else if (table.size() < max_keys)
      table.emplace(key, 1);
    else
      ++table["(other)"];
  }

  mutable std::mutex mutex_;
  coverage_data data_;
};

}  // namespace fakegraph

#ifndef FAKEGRAPH_COMPILED_LIB
#include "coverage-inl.hpp"
#endif
