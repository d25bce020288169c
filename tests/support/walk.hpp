// The nextLink walk the test files share, checked with Catch: every page must answer 200.
//
// It needs Catch (REQUIRE, FAIL), so it lives apart from support/fixtures.hpp, which needs
// none; a walk that must not judge (one that expects a refusal on the way) is
// fakegraph_test::follow_links there.
#pragma once

#include <fakegraph/fakegraph.hpp>

#include <nlohmann/json.hpp>  // nlohmann::json

#include <cstddef>  // std::size_t
#include <string>   // std::string
#include <vector>   // std::vector

#include "support/catch.hpp"
#include "support/fixtures.hpp"

namespace fakegraph_test {

/// Every page of a walk: GETs `url` and follows @odata.nextLink until a page has none. Each
/// page must answer 200 and each nextLink be a string (REQUIRE). With `stop_after`, the walk
/// stops quietly after that many pages (one left unfinished on purpose); without it, a walk
/// still going after 1000 pages FAILs: it would never end.
inline std::vector<nlohmann::json> walk(const fakegraph::graph& g, std::string url,
                                        const std::string& token,
                                        const fakegraph::header_list& extra = {},
                                        std::size_t stop_after = 0) {
  const std::size_t max_pages = stop_after ? stop_after : 1000;
  std::vector<nlohmann::json> pages;
  while (pages.size() < max_pages) {
    const fakegraph::response r = get(g, url, token, extra);
    INFO(url << " -> " << r.body);
    REQUIRE(r.status == 200);
    pages.push_back(r.json());
    const nlohmann::json& page = pages.back();
    if (!page.contains("@odata.nextLink")) return pages;
    REQUIRE(page["@odata.nextLink"].is_string());
    url = page["@odata.nextLink"].get<std::string>();
  }
  if (!stop_after) FAIL("the walk did not end: a nextLink still after " << max_pages << " pages");
  return pages;
}

/// The ids of the items of every page, in order.
inline std::vector<std::string> walked_ids(const std::vector<nlohmann::json>& pages) {
  std::vector<std::string> ids;
  for (const auto& page : pages)
    for (const auto& id : ids_of(page)) ids.push_back(id);
  return ids;
}

}  // namespace fakegraph_test
