// libFuzzer harness: the seed loader. Input that is not JSON is skipped. graph::from_json
// either loads the seed or throws fakegraph::error whose message starts with
// "[fakegraph.seed." (settings.faults and settings.throttling included); nothing else. The
// text loader (from_text and from_file, which stream) builds the same world or refuses alike.
// A seed that loads answers a handful of requests by the contract: List chats and
// getAllMessages for its first users with its first tokens, following nextLinks a few pages.
#include <cstddef>   // std::size_t
#include <cstdint>   // std::uint8_t
#include <optional>  // std::optional
#include <string>    // std::string
#include <vector>    // std::vector

#include "contract.hpp"

namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

std::vector<std::string> strings_at(const nlohmann::json& seed, const char* list, const char* key,
                                    std::size_t max) {
  std::vector<std::string> out;
  if (!seed.contains(list) || !seed[list].is_array()) return out;
  for (const auto& item : seed[list]) {
    if (out.size() == max) break;
    if (item.is_object() && item.contains(key) && item[key].is_string())
      out.push_back(item[key].get<std::string>());
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const nlohmann::json seed = nlohmann::json::parse(data, data + size, nullptr, false);
  if (seed.is_discarded()) return 0;

  const fakegraph::request load{"LOAD", std::string(reinterpret_cast<const char*>(data), size)};

  // The text loader (from_file's and from_text's) streams the seed when it can: it must load
  // what from_json loads, or refuse it with the same error.
  std::string text_error;
  try {
    (void)fakegraph::graph::from_text(load.url);
  } catch (const fakegraph::error& e) {
    text_error = e.what();
  } catch (const std::exception& e) {
    fakegraph_fuzz::violation("from_text threw something else than fakegraph::error", load,
                              e.what());
  }

  std::optional<fakegraph::graph> g;
  try {
    g.emplace(fakegraph::graph::from_json(seed));
  } catch (const fakegraph::error& e) {
    const std::string what = e.what();
    if (!starts_with(what, "[fakegraph.seed.") || !starts_with(what, "[" + e.id() + "] "))
      fakegraph_fuzz::violation("seed error without a [fakegraph.seed.*] id", load, what);
    if (text_error != what)
      fakegraph_fuzz::violation("the text loader refused otherwise than from_json", load,
                                text_error.empty() ? "(it loaded)" : text_error);
    return 0;
  } catch (const std::exception& e) {
    fakegraph_fuzz::violation("from_json threw something else than fakegraph::error", load,
                              e.what());
  }
  if (!text_error.empty())
    fakegraph_fuzz::violation("the text loader refused a good seed", load, text_error);
  const fakegraph::detail::world_state dom = fakegraph::detail::load_seed(seed);
  const fakegraph::detail::world_state streamed =
      fakegraph::detail::load_seed_text(load.url, "seed.json");
  if (streamed.next_seq != dom.next_seq || streamed.derived_ids != dom.derived_ids ||
      streamed.users.size() != dom.users.size() || streamed.chats.size() != dom.chats.size() ||
      streamed.tokens.size() != dom.tokens.size())
    fakegraph_fuzz::violation("the text loader built another world than from_json", load, "");
  for (std::size_t i = 0; i < dom.chats.size(); ++i)
    if (streamed.chats[i].data.id != dom.chats[i].data.id ||
        streamed.chats[i].messages().size() != dom.chats[i].messages().size())
      fakegraph_fuzz::violation("the text loader built another chat than from_json", load,
                                dom.chats[i].data.id);

  // The contract holds with no fault rules: the seed's are validated, then dropped.
  g->faults().clear();
  std::vector<std::string> users = strings_at(seed, "users", "userPrincipalName", 2);
  for (const auto& id : strings_at(seed, "users", "id", 1)) users.push_back(id);
  users.push_back("nobody@example.com");
  const std::vector<std::string> tokens = strings_at(seed, "tokens", "token", 3);
  for (const auto& token : tokens) {
    const fakegraph::header_list auth{{"Authorization", "Bearer " + token}};
    std::vector<std::string> urls = {
        "/v1.0/me/chats?$expand=members,lastMessagePreview",
        "/v1.0/chats?$orderby=lastMessagePreview/createdDateTime%20desc&$top=2"};
    for (const auto& user : users) {
      const std::string key = fakegraph::detail::percent_encode(user);
      urls.push_back("/v1.0/users/" + key + "/chats?$top=3&$expand=members");
      urls.push_back("/v1.0/users/" + key + "/chats/getAllMessages?$top=4");
      urls.push_back("/v1.0/users/" + key + "/chats/getAllMessages?model=B&$filter=" +
                     "lastModifiedDateTime%20gt%202000-01-01T00:00:00Z");
    }
    for (auto url : urls) {
      for (int page = 0; page < 4 && !url.empty(); ++page) {
        const nlohmann::json body = fakegraph_fuzz::send(*g, {"GET", url, auth});
        url = body.contains("@odata.nextLink") && body["@odata.nextLink"].is_string()
                  ? body["@odata.nextLink"].get<std::string>()
                  : std::string();
      }
    }
  }
  return 0;
}
