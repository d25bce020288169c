// A small chat exporter, written the way production code would be: it knows nothing of
// fakegraph, only of a transport (a function from request to response) it is given. The
// tests in exporter_catch.cpp and exporter_gtest.cpp hand it a fakegraph graph's transport.
//
// What it does: walks List chats and chats: getAllMessages page by page, following every
// @odata.nextLink (empty pages included), keeps up with getAllMessages/delta rounds, waits out
// 429/503 (Retry-After, whole or fractional seconds, else a backoff), retries 502/504, and asks for
// a fresh token once after a 401.
#pragma once

#include <fakegraph/http.hpp>  // fakegraph::request, fakegraph::response (the transport's shapes)

#include <nlohmann/json.hpp>  // nlohmann::json

#include <chrono>      // std::chrono::milliseconds
#include <cmath>       // std::llround
#include <functional>  // std::function
#include <stdexcept>   // std::runtime_error
#include <string>      // std::string, std::stod
#include <utility>     // std::move
#include <vector>      // std::vector

namespace example {

/// A failure the exporter does not retry (403, 404, 400…), or retries that ran out.
class export_error : public std::runtime_error {
 public:
  export_error(int status, const std::string& body)
      : std::runtime_error("export failed with HTTP " + std::to_string(status) + ": " + body),
        status_(status) {}
  int status() const noexcept { return status_; }

 private:
  int status_;
};

class chat_exporter {
 public:
  using transport = std::function<fakegraph::response(const fakegraph::request&)>;
  using token_source = std::function<std::string()>;  // called again after a 401
  using waiter =
      std::function<void(std::chrono::milliseconds)>;  // how to wait (a sleep in production)

  struct options {
    std::string base_url = "https://graph.microsoft.com/v1.0";
    int page_size = 50;
    std::string model = "B";                 // getAllMessages billing model
    int max_attempts = 6;                    // per page
    std::chrono::milliseconds backoff{500};  // when a 503/502/504 has no Retry-After; doubles
  };

  struct stats {
    int requests = 0;
    int pages = 0;
    int retries = 0;
    int token_refreshes = 0;
    std::chrono::milliseconds waited{0};
  };

  chat_exporter(transport send, token_source tokens, waiter wait, options o)
      : send_(std::move(send)),
        tokens_(std::move(tokens)),
        wait_(std::move(wait)),
        options_(std::move(o)) {}
  chat_exporter(transport send, token_source tokens, waiter wait)
      : chat_exporter(std::move(send), std::move(tokens), std::move(wait), options{}) {}

  /// Every message `user` can see, in the order getAllMessages gives them.
  std::vector<nlohmann::json> export_messages(const std::string& user) {
    return walk(options_.base_url + "/users/" + user + "/chats/getAllMessages?$top=" +
                std::to_string(options_.page_size) + "&model=" + options_.model);
  }

  /// One round of an incremental export: what changed since `delta_link` (every message of the
  /// last eight months when it is empty), and the deltaLink the next round starts from.
  struct round {
    std::vector<nlohmann::json> changed;
    std::string delta_link;
  };
  round sync(const std::string& user, const std::string& delta_link = {}) {
    round r;
    r.changed =
        walk(delta_link.empty()
                 ? options_.base_url + "/users/" + user +
                       "/chats/getAllMessages/delta?$top=" + std::to_string(options_.page_size)
                 : delta_link,
             &r.delta_link);
    return r;
  }

  /// Every chat of `user` (List chats, with members).
  std::vector<nlohmann::json> list_chats(const std::string& user) {
    return walk(options_.base_url + "/users/" + user +
                "/chats?$top=" + std::to_string(options_.page_size) + "&$expand=members");
  }

  const stats& statistics() const noexcept { return stats_; }

 private:
  std::vector<nlohmann::json> walk(std::string url, std::string* delta_link = nullptr) {
    std::vector<nlohmann::json> items;
    while (!url.empty()) {
      const nlohmann::json page = fetch(url);
      ++stats_.pages;
      for (const auto& item : page.at("value")) items.push_back(item);
      // An empty page may still have a nextLink: only its absence ends the collection.
      url = page.value("@odata.nextLink", "");
      if (delta_link && url.empty()) *delta_link = page.value("@odata.deltaLink", "");
    }
    return items;
  }

  nlohmann::json fetch(const std::string& url) {
    std::chrono::milliseconds backoff = options_.backoff;
    bool refreshed = false;
    if (token_.empty()) token_ = tokens_();
    for (int attempt = 1;; ++attempt) {
      ++stats_.requests;
      const fakegraph::response r = send_({"GET", url, {{"Authorization", "Bearer " + token_}}});
      if (r.status == 200) return nlohmann::json::parse(r.body);
      if (r.status == 401 && !refreshed) {
        refreshed = true;
        ++stats_.token_refreshes;
        token_ = tokens_();
        continue;
      }
      const bool transient =
          r.status == 429 || r.status == 503 || r.status == 502 || r.status == 504;
      if (!transient || attempt >= options_.max_attempts) throw export_error(r.status, r.body);
      ++stats_.retries;
      const std::string retry_after = r.header("Retry-After");
      std::chrono::milliseconds delay = backoff;
      if (!retry_after.empty())
        delay = std::chrono::milliseconds(
            static_cast<long long>(std::llround(std::stod(retry_after) * 1000)));
      else
        backoff *= 2;
      stats_.waited += delay;
      wait_(delay);
    }
  }

  transport send_;
  token_source tokens_;
  waiter wait_;
  options options_;
  std::string token_;
  stats stats_;
};

}  // namespace example
