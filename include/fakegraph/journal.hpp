// fakegraph: the journal — every request a graph handled, with its answer, for assertions.
#pragma once

#include <nlohmann/json.hpp>  // nlohmann::json

#include <chrono>       // std::chrono::milliseconds (injected delays)
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t
#include <deque>        // std::deque
#include <functional>   // std::function
#include <map>          // std::map
#include <mutex>        // std::mutex, std::lock_guard
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "auth.hpp"
#include "clock.hpp"
#include "endpoint.hpp"
#include "http.hpp"

namespace fakegraph {

/// One handled request and the answer the caller received.
struct journal_entry {
  std::uint64_t sequence = 0;  // 1, 2, 3… per graph in arrival order (request ids derive from it)
  timestamp time = 0;          // the graph's clock when the request was handled
  std::string method;
  std::string url;  // as the caller sent it
  header_list request_headers;
  std::string request_body;
  endpoint route = endpoint::none;
  std::optional<principal> who;  // the authenticated caller; empty when the token was refused
  int status = 0;
  header_list response_headers;
  std::string response_body;
  std::string fault;       // what the fault layer did: "" (nothing), "rule 2: 429 …", "throttled:
                           // listChatsPerUser"
  bool throttled = false;  // answered 429 by the throttling model (not by a fault rule)
  bool early_retry =
      false;  // throttled again because it came before the last Retry-After had passed
  std::chrono::milliseconds delay{0};  // latency injected by fault rules

  std::string request_header(std::string_view name) const {
    return find_header(request_headers, name);
  }
  std::string response_header(std::string_view name) const {
    return find_header(response_headers, name);
  }

  /// The response body as JSON; null when it is not JSON.
  nlohmann::json json() const {
    nlohmann::json j = detail::parse_json(response_body);
    return j.is_discarded() ? nlohmann::json() : j;
  }

  /// The URL's path, still percent-encoded, without scheme, host or query.
  std::string path() const { return detail::split_url(url).path; }

  /// The decoded value of query parameter `name` (any case), if the URL has it.
  std::optional<std::string> query(std::string_view name) const {
    const auto params = detail::parse_query(detail::split_url(url).query);
    if (params)
      for (const auto& p : *params)
        if (detail::iequals(p.name, name)) return p.value;
    return std::nullopt;
  }

  /// The response's `@odata.nextLink`, or "" when it has none.
  std::string next_link() const {
    const nlohmann::json j = json();
    const auto it = j.is_object() ? j.find("@odata.nextLink") : j.end();
    return j.is_object() && it != j.end() && it->is_string() ? it->get<std::string>()
                                                             : std::string();
  }

  /// The Graph error code (`error.code`) of an error answer, or "".
  std::string error_code() const {
    const nlohmann::json j = json();
    if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return {};
    const auto& e = j["error"];
    return e.contains("code") && e["code"].is_string() ? e["code"].get<std::string>()
                                                       : std::string();
  }
};

/// What `journal::next_links()` found: whether a client walked the pages it was given.
struct next_link_check {
  std::vector<std::string> issued;      // every nextLink the graph sent, in order
  std::vector<std::string> unfollowed;  // sent but not fetched successfully (as often as sent)
  std::vector<std::string> repeated;    // fetched successfully more often than sent
  bool all_followed_once() const noexcept { return unfollowed.empty() && repeated.empty(); }
};

/// The requests one graph handled, oldest first, with their answers.
///
/// On by default. Bounded: past `capacity()` entries, or once the kept bodies pass
/// `body_budget()` bytes, the oldest entries are dropped (`dropped()` counts them).
/// Thread-safe: the graph records from every calling thread while a test reads; each
/// query returns copies.
///
/// The bodies are kept apart from the entries, in one buffer of their own, oldest first: a
/// server recording on many threads would otherwise leave a copy of each answer in the
/// allocator's arena of the thread that made it, holding far more memory than the budget.
class journal {
 public:
  static constexpr std::size_t default_capacity = 10000;
  static constexpr std::size_t default_body_budget = std::size_t{64} << 20;  // 64 MiB

  journal() = default;
  journal(const journal&) = delete;
  journal& operator=(const journal&) = delete;

  /// Every kept entry, oldest first.
  std::vector<journal_entry> entries() const {
    return filter([](const journal_entry&) { return true; });
  }

  /// The kept entries for one endpoint, oldest first.
  std::vector<journal_entry> entries(endpoint e) const {
    return filter([e](const journal_entry& x) { return x.route == e; });
  }

  /// The kept entries for which `pred` holds, oldest first.
  std::vector<journal_entry> filter(const std::function<bool(const journal_entry&)>& pred) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<journal_entry> out;
    for (const auto& k : entries_) {
      journal_entry x = whole(k);
      if (pred(x)) out.push_back(std::move(x));
    }
    return out;
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
  }
  std::size_t count(endpoint e) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t n = 0;
    for (const auto& k : entries_) n += k.entry.route == e;
    return n;
  }
  std::size_t count(int status) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t n = 0;
    for (const auto& k : entries_) n += k.entry.status == status;
    return n;
  }
  std::size_t count(const std::function<bool(const journal_entry&)>& pred) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t n = 0;
    for (const auto& k : entries_)
      if (pred(whole(k))) ++n;
    return n;
  }

  /// The newest entry, if any.
  std::optional<journal_entry> last() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (entries_.empty()) return std::nullopt;
    return whole(entries_.back());
  }

  /// How many entries were dropped to stay within the bounds.
  std::uint64_t dropped() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return dropped_;
  }

  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.clear();
    bodies_.clear();
    bodies_start_ += dead_ + body_bytes_;
    dead_ = 0;
    body_bytes_ = 0;
    dropped_ = 0;
  }

  /// Bounds the journal: at most `entries` entries and `body_bytes` bytes of bodies.
  void set_capacity(std::size_t entries, std::size_t body_bytes = default_body_budget) {
    std::lock_guard<std::mutex> lock(mutex_);
    capacity_ = entries;
    body_budget_ = body_bytes;
    trim();
  }
  std::size_t capacity() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return capacity_;
  }
  std::size_t body_budget() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return body_budget_;
  }

  /// Recording can be switched off (benchmarks); queries keep what was recorded.
  void set_enabled(bool on) {
    std::lock_guard<std::mutex> lock(mutex_);
    enabled_ = on;
  }
  bool enabled() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return enabled_;
  }

  /// Compares the nextLinks the graph sent with the successful (2xx) requests for them:
  /// "the client followed every nextLink exactly once". A retry after a 429 or 5xx is not
  /// a second follow. Links are compared without scheme and host. Only kept entries count.
  next_link_check next_links() const {
    const std::vector<journal_entry> all = entries();
    next_link_check out;
    std::map<std::string, std::size_t> sent, fetched;
    std::vector<std::string> order;
    for (const auto& e : all) {
      if (e.status >= 200 && e.status < 300) ++fetched[without_origin(e.url)];
      const std::string link = e.next_link();
      if (link.empty()) continue;
      out.issued.push_back(link);
      if (sent[without_origin(link)]++ == 0) order.push_back(link);
    }
    for (const auto& link : order) {
      const std::string key = without_origin(link);
      const std::size_t n = sent[key];
      const std::size_t got = fetched.count(key) ? fetched[key] : 0;
      for (std::size_t i = got; i < n; ++i) out.unfollowed.push_back(link);
      for (std::size_t i = n; i < got; ++i) out.repeated.push_back(link);
    }
    return out;
  }

  /// Called by the graph for every request it answers, with the bodies apart (copied into
  /// the journal's body buffer; `e`'s own bodies are not read).
  void record(journal_entry e, std::string_view request_body, std::string_view response_body) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!enabled_) return;
    e.request_body.clear();
    e.response_body.clear();
    kept k{std::move(e), bodies_start_ + dead_ + body_bytes_, request_body.size(),
           response_body.size()};
    bodies_.append(request_body).append(response_body);
    body_bytes_ += request_body.size() + response_body.size();
    entries_.push_back(std::move(k));
    trim();
  }
  /// The same, for an entry that holds its bodies.
  void record(journal_entry e) {
    const std::string request_body = std::move(e.request_body);
    const std::string response_body = std::move(e.response_body);
    record(std::move(e), request_body, response_body);
  }

 private:
  static std::string without_origin(const std::string& url) {
    const detail::url_parts p = detail::split_url(url);
    return p.query.empty() ? p.path : p.path + "?" + p.query;
  }

  // An entry as kept: without its bodies, which are `bodies_` bytes from stream position
  // `body_at` on (the request's, then the response's).
  struct kept {
    journal_entry entry;
    std::uint64_t body_at = 0;
    std::size_t request_size = 0;
    std::size_t response_size = 0;
  };

  journal_entry whole(const kept& k) const {
    journal_entry e = k.entry;
    const std::size_t at = static_cast<std::size_t>(k.body_at - bodies_start_);
    e.request_body.assign(bodies_, at, k.request_size);
    e.response_body.assign(bodies_, at + k.request_size, k.response_size);
    return e;
  }

  void trim() {
    while (!entries_.empty() && (entries_.size() > capacity_ || body_bytes_ > body_budget_)) {
      const std::size_t freed = entries_.front().request_size + entries_.front().response_size;
      body_bytes_ -= freed;
      dead_ += freed;
      entries_.pop_front();
      ++dropped_;
    }
    // The dropped bodies lead the buffer; they go once they are half of it, so each byte is
    // moved at most once on average and the buffer stays within twice the budget.
    if (dead_ > body_bytes_) {
      bodies_.erase(0, dead_);
      bodies_start_ += dead_;
      dead_ = 0;
    }
  }

  mutable std::mutex mutex_;
  std::deque<kept> entries_;
  std::string bodies_;  // the kept entries' bodies, oldest first, after `dead_` dropped bytes
  std::uint64_t bodies_start_ = 0;  // the stream position of bodies_[0]
  std::size_t dead_ = 0;
  std::size_t capacity_ = default_capacity;
  std::size_t body_budget_ = default_body_budget;
  std::size_t body_bytes_ = 0;
  std::uint64_t dropped_ = 0;
  bool enabled_ = true;
};

}  // namespace fakegraph
