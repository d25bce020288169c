// What loading a seed costs next to nlohmann's own parse of the same file: time, peak memory
// and memory held afterwards (design.md §4). One measurement per process, so that the peak
// of one does not hide the other's; tests/benchmarks/footprint/run runs them in turns.
//
//   fakegraph_bench_load generate MESSAGES FILE   writes the benchmark's seed
//   fakegraph_bench_load parse FILE               reads FILE and parses it with nlohmann
//   fakegraph_bench_load load FILE                graph::from_file(FILE)
//
// parse and load print one JSON line: seconds, peak_kib (VmHWM) and resident_kib (VmRSS with
// the result still alive).
#include <fakegraph/fakegraph.hpp>

#include <nlohmann/json.hpp>  // nlohmann::json

#include <chrono>    // std::chrono::steady_clock
#include <cstdio>    // std::printf, std::fprintf
#include <cstdlib>   // std::strtoull
#include <fstream>   // std::ifstream, std::ofstream
#include <iostream>  // std::cerr
#include <memory>    // std::make_unique
#include <string>    // std::string

namespace {

constexpr std::size_t messages_per_chat = 100;
constexpr std::size_t users = 50;
constexpr fakegraph::timestamp first_message = 1767225600000;  // 2026-01-01T00:00:00Z

std::string user(std::size_t i) { return "user" + std::to_string(i % users) + "@bench.example"; }

// One tenant, 50 users, chats of three members with 100 messages each: about 200 bytes a
// message, as an exported chat's messages are.
void generate(std::size_t messages, const std::string& file) {
  std::ofstream out(file, std::ios::binary);
  out << R"({"settings":{"now":"2027-01-01T00:00:00Z"},)"
      << R"("tenants":[{"id":"b33cbe9f-8ebe-4f2a-912b-7e2a427f477f","displayName":"Bench"}],)"
      << R"("users":[)";
  for (std::size_t u = 0; u < users; ++u)
    out << (u ? "," : "") << R"({"id":")" << fakegraph::detail::guid_from_name(user(u))
        << R"(","tenantId":"b33cbe9f-8ebe-4f2a-912b-7e2a427f477f","userPrincipalName":")" << user(u)
        << R"(","displayName":"User )" << u << R"("})";
  out << R"(],"chats":[)";
  const std::size_t chats = (messages + messages_per_chat - 1) / messages_per_chat;
  std::size_t written = 0;
  for (std::size_t c = 0; c < chats; ++c) {
    out << (c ? "," : "") << R"({"chatType":"group","topic":"Chat )" << c << R"(","members":[)";
    for (std::size_t m = 0; m < 3; ++m)
      out << (m ? "," : "") << R"({"user":")" << user(c + m * 7) << R"("})";
    out << R"(],"messages":[)";
    for (std::size_t i = 0; i < messages_per_chat && written < messages; ++i, ++written) {
      const fakegraph::timestamp t =
          first_message + static_cast<fakegraph::timestamp>(written) * 1000;
      out << (i ? "," : "") << R"({"id":")" << t << R"(","from":{"user":")" << user(c + (i % 3) * 7)
          << R"("},"createdDateTime":")" << fakegraph::format_time(t)
          << R"(","body":{"contentType":"text","content":"Message )" << written
          << R"(: the build is green, the release notes are in the wiki."}})";
    }
    out << "]}";
  }
  out << R"(],"tokens":[{"token":"bench","user":")" << user(0) << R"(","scopes":["Chat.Read"]}]})";
  out << '\n';
}

std::size_t status_kib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string key = std::string(field) + ":";
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::strtoull(line.c_str() + key.size(), nullptr, 10);
  return 0;
}

template <class F>
int measure(F&& make) {
  const auto start = std::chrono::steady_clock::now();
  const auto kept = make();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("{\"seconds\":%.4f,\"peak_kib\":%zu,\"resident_kib\":%zu}\n", took.count(),
              status_kib("VmHWM"), status_kib("VmRSS"));
  return kept ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  try {
    if (mode == "generate" && argc == 4) {
      generate(std::strtoull(argv[2], nullptr, 10), argv[3]);
      return 0;
    }
    if (mode == "parse" && argc == 3)
      return measure([&] {  // read as from_file reads it: the two differ by what follows
        return std::make_unique<nlohmann::json>(
            nlohmann::json::parse(fakegraph::detail::read_file(argv[2])));
      });
    if (mode == "load" && argc == 3)
      return measure(
          [&] { return std::make_unique<fakegraph::graph>(fakegraph::graph::from_file(argv[2])); });
  } catch (const std::exception& e) {
    std::cerr << "fakegraph_bench_load: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: fakegraph_bench_load generate MESSAGES FILE | parse FILE | load FILE\n";
  return 2;
}
