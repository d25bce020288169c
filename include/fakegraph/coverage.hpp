// fakegraph: coverage — what the tests made the fake do (endpoints, query options,
// permission decisions, statuses and error codes, faults), and what they never did.
#pragma once

#include <nlohmann/json.hpp>  // nlohmann::json

#include <algorithm>    // std::min
#include <cstdint>      // std::uint64_t
#include <map>          // std::map
#include <mutex>        // std::mutex, std::lock_guard
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair
#include <vector>       // std::vector

#include "auth.hpp"
#include "detail/endpoints.hpp"
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
  coverage_data& operator+=(const coverage_data& o) {
    requests += o.requests;
    for (const auto& [k, n] : o.endpoints) endpoints[k] += n;
    for (const auto& [k, n] : o.query_options) query_options[k] += n;
    for (const auto& [k, n] : o.permissions) permissions[k] += n;
    for (const auto& [k, n] : o.statuses) statuses[k] += n;
    for (const auto& [k, n] : o.faults) faults[k] += n;
    return *this;
  }

  /// The endpoints, query options and answers a client should be tested against but
  /// were never seen, as "endpoint …", "option …", "answer …" lines.
  std::vector<std::string> not_exercised() const {
    std::vector<std::string> out;
    for (const auto& e : known_endpoints())
      if (!endpoints.count(e)) out.push_back("endpoint " + e);
    for (const auto& o : known_options())
      if (!query_options.count(o)) out.push_back("option " + o);
    for (const auto& [answer, prefix] : resilience_answers()) {
      bool seen = false;
      for (const auto& [k, n] : statuses) seen = seen || k.rfind(prefix, 0) == 0;
      for (const auto& [k, n] : faults) seen = seen || k.find(prefix) != std::string::npos;
      if (!seen) out.push_back("answer " + std::string(answer));
    }
    return out;
  }

  /// A printable report (plain text, one count per line, sections in a fixed order).
  std::string report() const {
    std::string out = "fakegraph coverage: " + std::to_string(requests) + " request" +
                      (requests == 1 ? "" : "s") + "\n";
    auto section = [&](const char* title, const std::map<std::string, std::uint64_t>& m) {
      out += std::string("  ") + title + "\n";
      if (m.empty()) out += "    (none)\n";
      for (const auto& [k, n] : m) {
        std::string count = std::to_string(n);
        out += "    " + std::string(count.size() < 6 ? 6 - count.size() : 0, ' ') + count + "  " +
               k + "\n";
      }
    };
    section("endpoints", endpoints);
    section("query options", query_options);
    section("permission decisions", permissions);
    section("statuses", statuses);
    section("faults and throttling", faults);
    out += "  not exercised\n";
    const auto missing = not_exercised();
    if (missing.empty()) out += "    (nothing)\n";
    for (const auto& m : missing) out += "    " + m + "\n";
    return out;
  }

  nlohmann::json json() const {
    return {{"requests", requests},           {"endpoints", endpoints},
            {"queryOptions", query_options},  {"permissions", permissions},
            {"statuses", statuses},           {"faults", faults},
            {"notExercised", not_exercised()}};
  }

  // Every route and option of the endpoint table (an application may not call /me routes, and
  // delegated callers get 412 from application-only endpoints, but those answers count too).
  static std::vector<std::string> known_endpoints() {
    std::vector<std::string> out;
    for (const detail::endpoint_row& row : detail::endpoint_table())
      for (const std::string_view path : row.paths)
        out.push_back(std::string(to_string(row.id)) + " GET /" + std::string(path));
    return out;
  }
  static std::vector<std::string> known_options() {
    std::vector<std::string> out;
    for (const detail::endpoint_row& row : detail::endpoint_table())
      for (const std::string_view option : row.options)
        out.push_back(std::string(to_string(row.id)) + " " + std::string(option));
    return out;
  }
  /// Answers a resilient client must survive: (name, prefix of a status or fault key).
  static std::vector<std::pair<std::string_view, std::string_view>> resilience_answers() {
    return {{"401 InvalidAuthenticationToken", "401"},
            {"403 Forbidden", "403"},
            {"429 TooManyRequests", "429"},
            {"502 UnknownError", "502"},
            {"503 serviceNotAvailable", "503"},
            {"504 UnknownError", "504"},
            {"empty page with nextLink", "empty page"}};
  }
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
inline std::string first_sentence(std::string_view message) {
  std::size_t end = message.find(". ");
  if (end == std::string_view::npos) end = message.size();
  std::string s(message.substr(0, std::min<std::size_t>(end, 100)));
  while (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

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
  coverage_data data() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return data_;
  }
  /// The printable report of the counts so far.
  std::string report() const { return data().report(); }
  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    data_ = {};
  }

  /// Called by the graph for every request it answers.
  void record(const detail::coverage_event& e) {
    const std::string route(to_string(e.route));
    std::lock_guard<std::mutex> lock(mutex_);
    ++data_.requests;
    count(data_.endpoints,
          e.route == endpoint::none ? std::string("(no route) ") + e.shape : route + " " + e.shape);
    if (e.route != endpoint::none)
      for (const auto& o : e.options) count(data_.query_options, route + " " + o);
    count(data_.statuses,
          e.code.empty() ? std::to_string(e.status) : std::to_string(e.status) + " " + e.code);
    for (const auto& f : e.faults) count(data_.faults, f);
    if (e.route == endpoint::none || e.answered_by_fault) return;
    std::string who = "unauthenticated";
    if (e.who) {
      const bool app = e.who->is_application();
      who = app ? "application[" : e.who->is_delegated() ? "delegated[" : "personalAccount[";
      who += detail::join(app ? e.who->roles : e.who->scopes, " ") + "]";
    }
    std::string decision;
    if (e.status >= 200 && e.status < 300)
      decision = "allowed";
    else if (e.status == 401 || e.status == 402 || e.status == 403 || e.status == 412)
      decision = std::to_string(e.status) + " " + detail::first_sentence(e.message);
    else
      return;  // a refusal for some other reason (a bad $top…) says nothing about permissions
    count(data_.permissions, route + " " + who + " -> " + decision);
  }

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
