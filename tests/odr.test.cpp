// A second translation unit that includes every public header (server.hpp aside: it
// needs cpp-httplib and has its own tests). The other test files include them too, so a
// function defined in a header without `inline` becomes a duplicate symbol and the link
// of fakegraph_tests fails: this file exists to make that failure certain.

#include <fakegraph/auth.hpp>
#include <fakegraph/clock.hpp>
#include <fakegraph/detail/odata.hpp>
#include <fakegraph/detail/paging.hpp>
#include <fakegraph/detail/router.hpp>
#include <fakegraph/detail/strings.hpp>
#include <fakegraph/error.hpp>
#include <fakegraph/fakegraph.hpp>

#include <fakegraph/fwd.hpp>
#include <fakegraph/get_all_messages.hpp>
#include <fakegraph/graph.hpp>
#include <fakegraph/http.hpp>
#include <fakegraph/list_chats.hpp>
#include <fakegraph/model.hpp>
#include <fakegraph/seed.hpp>
#include <fakegraph/store.hpp>
#include "support/internals.hpp"
// Headers other people are adding: checked as soon as they exist.
#if __has_include(<fakegraph/journal.hpp>)
#include <fakegraph/journal.hpp>
#endif
#if __has_include(<fakegraph/faults.hpp>)
#include <fakegraph/faults.hpp>
#endif
#if __has_include(<fakegraph/builder.hpp>)
#include <fakegraph/builder.hpp>
#endif
#if __has_include(<fakegraph/coverage.hpp>)
#include <fakegraph/coverage.hpp>
#endif

#include "support/catch.hpp"
#include "support/fixtures.hpp"

TEST_CASE("every public header links into a second translation unit", "[odr]") {
  // Touch a little of each layer so this TU really instantiates the headers' code.
  const fakegraph::graph g;
  const fakegraph::response r = fakegraph_test::get(g, "/v1.0/me/chats", "nobody");
  CHECK(r.status == 401);
  CHECK(fakegraph::format_time(0) == "1970-01-01T00:00:00Z");
  CHECK(fakegraph::detail::is_guid(fakegraph::detail::guid_from_name("odr")));
}
