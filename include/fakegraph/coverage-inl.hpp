// fakegraph: definitions of coverage.hpp (see detail/inline.hpp).
#pragma once

#include "coverage.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <algorithm>  // std::min

#include "detail/endpoints.hpp"
#include "detail/inline.hpp"

namespace fakegraph {

FAKEGRAPH_INLINE coverage_data& coverage_data::operator+=(const coverage_data& o) {
  requests += o.requests;
  for (const auto& [k, n] : o.endpoints) endpoints[k] += n;
  for (const auto& [k, n] : o.query_options) query_options[k] += n;
  for (const auto& [k, n] : o.permissions) permissions[k] += n;
  for (const auto& [k, n] : o.statuses) statuses[k] += n;
  for (const auto& [k, n] : o.faults) faults[k] += n;
  return *this;
}

FAKEGRAPH_INLINE std::vector<std::string> coverage_data::not_exercised() const {
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

FAKEGRAPH_INLINE std::string coverage_data::report() const {
  std::string out = "fakegraph coverage: " + std::to_string(requests) + " request" +
                    (requests == 1 ? "" : "s") + "\n";
  auto section = [&](const char* title, const std::map<std::string, std::uint64_t>& m) {
    out += std::string("  ") + title + "\n";
    if (m.empty()) out += "    (none)\n";
    for (const auto& [k, n] : m) {
      std::string count = std::to_string(n);
      out += "    " + std::string(count.size() < 6 ? 6 - count.size() : 0, ' ') + count + "  " + k +
             "\n";
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

FAKEGRAPH_INLINE nlohmann::json coverage_data::json() const {
  // Key by key, not an initializer list: see json_is in detail/wire.hpp.
  nlohmann::json out = nlohmann::json::object();
  out["requests"] = requests;
  out["endpoints"] = endpoints;
  out["queryOptions"] = query_options;
  out["permissions"] = permissions;
  out["statuses"] = statuses;
  out["faults"] = faults;
  out["notExercised"] = not_exercised();
  return out;
}

FAKEGRAPH_INLINE std::vector<std::string> coverage_data::known_endpoints() {
  std::vector<std::string> out;
  for (const detail::endpoint_row& row : detail::endpoint_table())
    for (const std::string_view path : row.paths)
      out.push_back(std::string(to_string(row.id)) + " GET /" + std::string(path));
  return out;
}

FAKEGRAPH_INLINE std::vector<std::string> coverage_data::known_options() {
  std::vector<std::string> out;
  for (const detail::endpoint_row& row : detail::endpoint_table())
    for (const std::string_view option : row.options)
      out.push_back(std::string(to_string(row.id)) + " " + std::string(option));
  return out;
}

FAKEGRAPH_INLINE std::vector<std::pair<std::string_view, std::string_view>>
coverage_data::resilience_answers() {
  return {{"401 InvalidAuthenticationToken", "401"},
          {"403 Forbidden", "403"},
          {"429 TooManyRequests", "429"},
          {"502 UnknownError", "502"},
          {"503 serviceNotAvailable", "503"},
          {"504 UnknownError", "504"},
          {"empty page with nextLink", "empty page"}};
}

namespace detail {

FAKEGRAPH_INLINE std::string first_sentence(std::string_view message) {
  std::size_t end = message.find(". ");
  if (end == std::string_view::npos) end = message.size();
  std::string s(message.substr(0, std::min<std::size_t>(end, 100)));
  while (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace detail

FAKEGRAPH_INLINE coverage_data coverage::data() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return data_;
}

FAKEGRAPH_INLINE void coverage::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  data_ = {};
}

FAKEGRAPH_INLINE void coverage::record(const detail::coverage_event& e) {
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

}  // namespace fakegraph
