// The same exporter tested with GoogleTest: fakegraph needs no particular test framework.
#include <gtest/gtest.h>

#include <fakegraph/fakegraph.hpp>

#include <chrono>  // std::chrono::milliseconds, std::chrono::minutes
#include <cstdio>  // std::printf
#include <string>  // std::string
#include <vector>  // std::vector

#include "exporter.hpp"

namespace {

fakegraph::coverage_data run_coverage;  // every test's graph adds to it

// Prints the whole run's coverage when GoogleTest is done.
class coverage_report : public ::testing::Environment {
 public:
  void TearDown() override {
    if (run_coverage.requests > 0) std::printf("\n%s", run_coverage.report().c_str());
  }
};
[[maybe_unused]] const auto* const registered =
    ::testing::AddGlobalTestEnvironment(new coverage_report);

class exporter_test : public ::testing::Test {
 protected:
  // A two-line world with a chat of 12 messages, a minute apart.
  exporter_test() : g(fakegraph::graph::with_users({"adele@contoso.com", "megan@contoso.com"})) {
    const std::string chat = g.add_chat({"adele@contoso.com", "megan@contoso.com"});
    for (int i = 0; i < 12; ++i) {
      g.add_message(chat, {i % 2 ? "megan@contoso.com" : "adele@contoso.com",
                           "message " + std::to_string(i)});
      g.clock().advance(std::chrono::minutes(1));
    }
  }
  ~exporter_test() override { run_coverage += g.coverage().data(); }

  example::chat_exporter exporter(int page_size) {
    example::chat_exporter::options o;
    o.page_size = page_size;
    return example::chat_exporter(
        g.transport(), [] { return std::string("app"); },
        [this](std::chrono::milliseconds d) { g.clock().advance(d); }, o);
  }

  fakegraph::graph g;
};

TEST_F(exporter_test, ExportsEveryMessageFollowingEveryNextLinkOnce) {
  auto e = exporter(5);
  const auto messages = e.export_messages("adele@contoso.com");
  ASSERT_EQ(messages.size(), 12u);
  EXPECT_EQ(messages.front()["body"]["content"], "message 0");
  EXPECT_EQ(messages.back()["body"]["content"], "message 11");
  EXPECT_EQ(g.journal().count(fakegraph::endpoint::get_all_messages), 3u);
  EXPECT_TRUE(g.journal().next_links().all_followed_once());
}

TEST_F(exporter_test, WaitsOutThrottlingOnTheGraphsClock) {
  g.faults().add(fakegraph::fault::throttle(2.5).nth(2));
  g.faults().add(fakegraph::fault::unavailable(1).nth(3));
  const auto start = g.clock().now();
  auto e = exporter(4);
  EXPECT_EQ(e.export_messages("adele@contoso.com").size(), 12u);
  EXPECT_EQ(e.statistics().retries, 2);
  EXPECT_EQ(g.clock().now() - start, 3500);  // virtual time: the test did not sleep
  EXPECT_EQ(g.journal().count(429), 1u);
  EXPECT_EQ(g.journal().count(503), 1u);
}

TEST_F(exporter_test, ReportsAPermissionFailure) {
  g.add_token("basic", fakegraph::app_only(g.add_application("Basic app"), {"Chat.ReadBasic.All"}));
  example::chat_exporter e(
      g.transport(), [] { return std::string("basic"); }, [](std::chrono::milliseconds) {});
  try {
    e.export_messages("adele@contoso.com");
    FAIL() << "no error";
  } catch (const example::export_error& err) {
    EXPECT_EQ(err.status(), 403);
  }
  const auto last = g.journal().last();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->error_code(), "Forbidden");
}

TEST_F(exporter_test, SurvivesAnEmptyPageWithANextLink) {
  g.faults().add(fakegraph::fault::empty_page().on(fakegraph::endpoint::get_all_messages).nth(1));
  auto e = exporter(50);
  EXPECT_EQ(e.export_messages("adele@contoso.com").size(), 12u);
  EXPECT_EQ(e.statistics().pages, 2);
}

}  // namespace
