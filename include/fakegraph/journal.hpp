// fakegraph: the journal — every request a graph handled, with its answer, for assertions.
#pragma once

#include <nlohmann/json_fwd.hpp>  // nlohmann::json

#include <chrono>       // std::chrono::milliseconds (injected delays)
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t
#include <deque>        // std::deque
#include <functional>   // std::function
#include <mutex>        // std::mutex, std::lock_guard
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
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
  nlohmann::json json() const;

  /// The URL's path, still percent-encoded, without scheme, host or query.
  std::string path() const { return detail::split_url(url).path; }

  /// The decoded value of query parameter `name` (any case), if the URL has it.
  std::optional<std::string> query(std::string_view name) const;

  /// The response's `@odata.nextLink`, or "" when it has none.
  std::string next_link() const;

  /// The Graph error code (`error.code`) of an error answer, or "".
  std::string error_code() const;
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
  std::vector<journal_entry> entries() const;

  /// The kept entries for one endpoint, oldest first.
  std::vector<journal_entry> entries(endpoint e) const;

  /// The kept entries for which `pred` holds, oldest first.
  std::vector<journal_entry> filter(const std::function<bool(const journal_entry&)>& pred) const;

  std::size_t size() const;
  std::size_t count(endpoint e) const;
  std::size_t count(int status) const;
  std::size_t count(const std::function<bool(const journal_entry&)>& pred) const;

  /// The newest entry, if any.
  std::optional<journal_entry> last() const;

  /// How many entries were dropped to stay within the bounds.
  std::uint64_t dropped() const;

  void clear();

  /// Bounds the journal: at most `entries` entries and `body_bytes` bytes of bodies.
  void set_capacity(std::size_t entries, std::size_t body_bytes = default_body_budget);
  std::size_t capacity() const;
  std::size_t body_budget() const;

  /// Recording can be switched off (benchmarks); queries keep what was recorded.
  void set_enabled(bool on);
  bool enabled() const;

  /// Compares the nextLinks the graph sent with the successful (2xx) requests for them:
  /// "the client followed every nextLink exactly once". A retry after a 429 or 5xx is not
  /// a second follow. Links are compared without scheme and host. Only kept entries count.
  next_link_check next_links() const;

  /// Called by the graph for every request it answers, with the bodies apart (copied into
  /// the journal's body buffer; `e`'s own bodies are not read).
  void record(journal_entry e, std::string_view request_body, std::string_view response_body);
  /// The same, for an entry that holds its bodies.
  void record(journal_entry e);

 private:
  static std::string without_origin(const std::string& url);

  // An entry as kept: without its bodies, which are `bodies_` bytes from stream position
  // `body_at` on (the request's, then the response's).
  struct kept {
    journal_entry entry;
    std::uint64_t body_at = 0;
    std::size_t request_size = 0;
    std::size_t response_size = 0;
  };

  journal_entry whole(const kept& k) const;

  void trim();

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

#ifndef FAKEGRAPH_COMPILED_LIB
#include "journal-inl.hpp"
#endif
