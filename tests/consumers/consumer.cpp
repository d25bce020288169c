// A consumer of fakegraph: builds a graph with no tenants and checks that an
// unknown token is refused with 401, as Graph does.
#include <fakegraph/fakegraph.hpp>

int main() {
  const auto g = fakegraph::graph::from_json(nlohmann::json::parse(R"({"tenants":[]})"));
  const fakegraph::response r =
      g.handle({"GET", "/v1.0/me/chats", {{"Authorization", "Bearer nobody"}}});
  return r.status == 401 ? 0 : 1;
}
