// Small helpers the test files share: the default world, a bearer header, a GET.
#pragma once

#include <fakegraph/fakegraph.hpp>

#include <string>  // std::string

namespace fakegraph_test {

/// The path of the default world (data/contoso.json).
inline std::string default_world_path() {
  return std::string(FAKEGRAPH_TEST_DATA_DIR) + "/contoso.json";
}

/// A fresh graph on the default world. Each call loads its own copy: tests never share state.
inline fakegraph::graph default_world() {
  return fakegraph::graph::from_file(default_world_path());
}

/// `{"Authorization", "Bearer <token>"}`.
inline fakegraph::header_list bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

/// `GET url` with `token` as the bearer token (none when empty).
inline fakegraph::response get(const fakegraph::graph& g, const std::string& url,
                               const std::string& token = {}) {
  return g.handle({"GET", url, token.empty() ? fakegraph::header_list{} : bearer(token)});
}

}  // namespace fakegraph_test
