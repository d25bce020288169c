// libFuzzer harness: the seed loader. Input that is not JSON is skipped. graph::from_json
// either loads the seed or throws fakegraph::error whose message starts with
// "[fakegraph.seed." (settings.faults and settings.throttling included); nothing else.
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
  std::optional<fakegraph::graph> g;
  try {
    g.emplace(fakegraph::graph::from_json(seed));
  } catch (const fakegraph::error& e) {
    const std::string what = e.what();
    if (!starts_with(what, "[fakegraph.seed.") || !starts_with(what, "[" + e.id() + "] "))
      fakegraph_fuzz::violation("seed error without a [fakegraph.seed.*] id", load, what);
    return 0;
  } catch (const std::exception& e) {
    fakegraph_fuzz::violation("from_json threw something else than fakegraph::error", load,
                              e.what());
  }

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
