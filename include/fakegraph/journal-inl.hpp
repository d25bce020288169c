// fakegraph: definitions of journal.hpp (see detail/inline.hpp).
#pragma once

#include "journal.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <map>      // std::map
#include <utility>  // std::move

#include "detail/inline.hpp"

namespace fakegraph {

FAKEGRAPH_INLINE nlohmann::json journal_entry::json() const {
  nlohmann::json j = detail::parse_json(response_body);
  return j.is_discarded() ? nlohmann::json() : j;
}

FAKEGRAPH_INLINE std::optional<std::string> journal_entry::query(std::string_view name) const {
  const auto params = detail::parse_query(detail::split_url(url).query);
  if (params)
    for (const auto& p : *params)
      if (detail::iequals(p.name, name)) return p.value;
  return std::nullopt;
}

FAKEGRAPH_INLINE std::string journal_entry::next_link() const {
  const nlohmann::json j = json();
  const auto it = j.is_object() ? j.find("@odata.nextLink") : j.end();
  return j.is_object() && it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

FAKEGRAPH_INLINE std::string journal_entry::error_code() const {
  const nlohmann::json j = json();
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return {};
  const auto& e = j["error"];
  return e.contains("code") && e["code"].is_string() ? e["code"].get<std::string>() : std::string();
}

FAKEGRAPH_INLINE std::vector<journal_entry> journal::entries() const {
  return filter([](const journal_entry&) { return true; });
}

FAKEGRAPH_INLINE std::vector<journal_entry> journal::entries(endpoint e) const {
  return filter([e](const journal_entry& x) { return x.route == e; });
}

FAKEGRAPH_INLINE std::vector<journal_entry> journal::filter(
    const std::function<bool(const journal_entry&)>& pred) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<journal_entry> out;
  for (const auto& k : entries_) {
    journal_entry x = whole(k);
    if (pred(x)) out.push_back(std::move(x));
  }
  return out;
}

FAKEGRAPH_INLINE std::size_t journal::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

FAKEGRAPH_INLINE std::size_t journal::count(endpoint e) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t n = 0;
  for (const auto& k : entries_) n += k.entry.route == e;
  return n;
}

FAKEGRAPH_INLINE std::size_t journal::count(int status) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t n = 0;
  for (const auto& k : entries_) n += k.entry.status == status;
  return n;
}

FAKEGRAPH_INLINE std::size_t journal::count(
    const std::function<bool(const journal_entry&)>& pred) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t n = 0;
  for (const auto& k : entries_)
    if (pred(whole(k))) ++n;
  return n;
}

FAKEGRAPH_INLINE std::optional<journal_entry> journal::last() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (entries_.empty()) return std::nullopt;
  return whole(entries_.back());
}

FAKEGRAPH_INLINE std::uint64_t journal::dropped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return dropped_;
}

FAKEGRAPH_INLINE void journal::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
  bodies_.clear();
  bodies_start_ += dead_ + body_bytes_;
  dead_ = 0;
  body_bytes_ = 0;
  dropped_ = 0;
}

FAKEGRAPH_INLINE void journal::set_capacity(std::size_t entries, std::size_t body_bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  capacity_ = entries;
  body_budget_ = body_bytes;
  trim();
}

FAKEGRAPH_INLINE std::size_t journal::capacity() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return capacity_;
}

FAKEGRAPH_INLINE std::size_t journal::body_budget() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return body_budget_;
}

FAKEGRAPH_INLINE void journal::set_enabled(bool on) {
  std::lock_guard<std::mutex> lock(mutex_);
  enabled_ = on;
}

FAKEGRAPH_INLINE bool journal::enabled() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return enabled_;
}

FAKEGRAPH_INLINE next_link_check journal::next_links() const {
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

FAKEGRAPH_INLINE void journal::record(journal_entry e, std::string_view request_body,
                                      std::string_view response_body) {
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

FAKEGRAPH_INLINE void journal::record(journal_entry e) {
  const std::string request_body = std::move(e.request_body);
  const std::string response_body = std::move(e.response_body);
  record(std::move(e), request_body, response_body);
}

FAKEGRAPH_INLINE std::string journal::without_origin(const std::string& url) {
  const detail::url_parts p = detail::split_url(url);
  return p.query.empty() ? p.path : p.path + "?" + p.query;
}

FAKEGRAPH_INLINE journal_entry journal::whole(const kept& k) const {
  journal_entry e = k.entry;
  const std::size_t at = static_cast<std::size_t>(k.body_at - bodies_start_);
  e.request_body.assign(bodies_, at, k.request_size);
  e.response_body.assign(bodies_, at + k.request_size, k.response_size);
  return e;
}

FAKEGRAPH_INLINE void journal::trim() {
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

}  // namespace fakegraph
