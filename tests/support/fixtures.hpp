// The helpers the test files share, the one home of each: the data directory and the default
// world, a GET, Graph's error body, the id of a thrown fakegraph::error, nextLink walks that
// judge nothing, and a stored message's text.
//
// Nothing here needs Catch, so any test program can include it. What checks with Catch
// (REQUIRE) lives beside it in support/walk.hpp (the walk that requires 200 on every page);
// the helpers of one area stay in that area's header (list_chats_world.hpp,
// get_all_messages_support.hpp, server/server_support.hpp), which build on these.
#pragma once

#include <fakegraph/fakegraph.hpp>

#include <nlohmann/json.hpp>  // nlohmann::json

#include <cstddef>     // std::size_t
#include <fstream>     // std::ifstream
#include <functional>  // std::function
#include <sstream>     // std::ostringstream
#include <string>      // std::string
#include <utility>     // std::move
#include <vector>      // std::vector

namespace fakegraph_test {

// ---- the data directory and the default world --------------------------------------------

/// The directory of the shipped worlds (data/).
inline std::string data_dir() { return FAKEGRAPH_TEST_DATA_DIR; }

/// A file in data/ (the default world, data/contoso.json, when no name is given).
inline std::string data_file(const std::string& name = "contoso.json") {
  return data_dir() + "/" + name;
}

/// The path of the default world (data/contoso.json).
inline std::string default_world_path() { return data_file("contoso.json"); }

/// A file's bytes ("" when it cannot be read).
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The default world's seed, as JSON.
inline nlohmann::json default_seed() {
  return nlohmann::json::parse(read_file(default_world_path()));
}

/// A fresh graph on the default world. Each call loads its own copy: tests never share state.
inline fakegraph::graph default_world() {
  return fakegraph::graph::from_file(default_world_path());
}

// ---- requests -----------------------------------------------------------------------------

/// `{"Authorization", "Bearer <token>"}`.
inline fakegraph::header_list bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

/// `GET url` with the `extra` headers, then `Authorization: Bearer <token>` (no Authorization
/// header when `token` is empty).
inline fakegraph::response get(const fakegraph::graph& g, const std::string& url,
                               const std::string& token = {}, fakegraph::header_list extra = {}) {
  if (!token.empty()) extra.emplace_back("Authorization", "Bearer " + token);
  return g.handle({"GET", url, std::move(extra)});
}

/// The ids of a page's items (`value`), in order.
inline std::vector<std::string> ids_of(const nlohmann::json& page) {
  std::vector<std::string> ids;
  for (const auto& item : page.at("value")) ids.push_back(item.at("id").get<std::string>());
  return ids;
}

inline std::vector<std::string> ids_of(const fakegraph::response& r) { return ids_of(r.json()); }

// ---- Graph's error body -------------------------------------------------------------------

/// `error.code` of Graph's error body ("" when the body is not one).
inline std::string error_code(const fakegraph::response& r) {
  const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].value("code", "") : std::string();
}

/// `error.message` of Graph's error body ("" when the body is not one).
inline std::string error_message(const fakegraph::response& r) {
  const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].value("message", "") : std::string();
}

/// Graph's error answer, checked whole: the status, the code and the message (exact).
inline bool is_error(const fakegraph::response& r, int status, const std::string& code,
                     const std::string& message) {
  if (r.status != status) return false;
  const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("error") && j["error"].value("code", "") == code &&
         j["error"].value("message", "") == message;
}

/// The id of the fakegraph::error that `f` throws ("(no fakegraph::error)" when it throws none).
inline std::string error_id(const std::function<void()>& f) {
  try {
    f();
  } catch (const fakegraph::error& e) {
    return e.id();
  }
  return "(no fakegraph::error)";
}

// ---- walks that judge nothing -------------------------------------------------------------

/// What `follow_links` gathered: the items of every page, each page's size, and the last
/// answer (the last page, or the first answer that was not 200).
struct walk_result {
  std::vector<nlohmann::json> items;
  std::vector<std::size_t> page_sizes;
  fakegraph::response last;

  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const auto& item : items) out.push_back(item.at("id").get<std::string>());
    return out;
  }
};

/// GETs `url` and follows @odata.nextLink until a page has none, an answer is not 200 (it is
/// `last`: nothing is required here), or `max_pages` pages were asked for.
inline walk_result follow_links(const fakegraph::graph& g, std::string url,
                                const std::string& token, const fakegraph::header_list& extra = {},
                                std::size_t max_pages = 10000) {
  walk_result w;
  for (std::size_t i = 0; i < max_pages; ++i) {
    w.last = get(g, url, token, extra);
    if (w.last.status != 200) break;
    const nlohmann::json page = w.last.json();
    w.page_sizes.push_back(page.at("value").size());
    for (const auto& item : page.at("value")) w.items.push_back(item);
    if (!page.contains("@odata.nextLink")) break;
    url = page.at("@odata.nextLink").get<std::string>();
  }
  return w;
}

// ---- the store ----------------------------------------------------------------------------

/// A stored message of chat `chat_id` as getAllMessages writes it: to a reader of the sender's
/// own tenant (userIdentityType aadUser) unless `reader_tenant` is given; systemEventMessage
/// spelled out when `system_visible`.
inline std::string message_text(const fakegraph::detail::stored_chat& c,
                                const fakegraph::detail::stored_message& m,
                                bool system_visible = false,
                                const std::string* reader_tenant = nullptr) {
  return fakegraph::detail::message_text(c, m, system_visible,
                                         reader_tenant ? *reader_tenant : m.sender().tenant_id);
}

}  // namespace fakegraph_test
