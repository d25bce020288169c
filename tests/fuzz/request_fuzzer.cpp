// libFuzzer harness: whole requests to graph::handle() on the default world.
//
// The input reads like an HTTP request, so the corpus holds real requests and the
// dictionary's tokens land where they mean something:
//
//   METHOD URL\n            (URL absolute or a path, with any query)
//   Name: value\n           (any number of headers; bytes as given)
//   \n
//   body
//
// An Authorization value `Bearer jwt:<claims>` becomes an unsigned JWT whose payload is the
// bytes after `jwt:` (base64url-encoded here, so the claims can be any bytes, JSON or not).
// Every answer, and the page its nextLink leads to, must keep the contract (contract.hpp).
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint8_t
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "contract.hpp"
#include "world.hpp"

namespace {

std::string_view next_line(std::string_view& rest) {
  const std::size_t end = rest.find('\n');
  const std::string_view line = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  return line;
}

std::string expand_jwt(std::string_view value) {
  constexpr std::string_view marker = "Bearer jwt:";
  if (value.substr(0, marker.size()) != marker) return std::string(value);
  using fakegraph::detail::base64_encode;
  return "Bearer " + base64_encode(R"({"alg":"none","typ":"JWT"})", true) + "." +
         base64_encode(value.substr(marker.size()), true) + ".";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  fakegraph::request req;
  const std::string_view first = next_line(rest);
  const std::size_t space = first.find(' ');
  req.method = std::string(first.substr(0, space));
  if (space != std::string_view::npos) req.url = std::string(first.substr(space + 1));
  while (!rest.empty()) {
    const std::string_view line = next_line(rest);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    std::string_view value =
        colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    req.headers.emplace_back(std::string(line.substr(0, colon)), expand_jwt(value));
  }
  req.body = std::string(rest);

  const fakegraph::graph& g = fakegraph_fuzz::default_world();
  const nlohmann::json body = fakegraph_fuzz::send(g, req);
  // The next page too, with the same headers: a nextLink must lead somewhere valid.
  if (body.is_object() && body.contains("@odata.nextLink") && body["@odata.nextLink"].is_string()) {
    fakegraph::request next = req;
    next.url = body["@odata.nextLink"].get<std::string>();
    next.body.clear();
    fakegraph_fuzz::send(g, next);
  }
  return 0;
}
