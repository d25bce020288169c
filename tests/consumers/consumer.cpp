// A consumer of fakegraph: builds a graph with no tenants and checks that an
// unknown token is refused with 401, as Graph does. Every consumer project builds it.
#include <fakegraph/fakegraph.hpp>

// The project says which mode it asked for; fakegraph::fakegraph must carry that mode's
// macro to this file (a compiled library defines FAKEGRAPH_COMPILED_LIB for its users).
#if defined(FAKEGRAPH_EXPECT_COMPILED) != defined(FAKEGRAPH_COMPILED_LIB)
#error "fakegraph::fakegraph is not in the mode this consumer project asked for"
#endif

int main() {
  const auto g = fakegraph::graph::from_json(nlohmann::json::parse(R"({"tenants":[]})"));
  const fakegraph::response r =
      g.handle({"GET", "/v1.0/me/chats", {{"Authorization", "Bearer nobody"}}});
  return r.status == 401 ? 0 : 1;
}
