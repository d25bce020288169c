// libFuzzer harness: the $filter parser, alone and behind each endpoint's vocabulary.
// - detail::odata::parse_filter may throw only syntax_error, at a position inside the text;
//   a tree it returns prints (to_string) as text that parses back to the same text.
// - The text, percent-encoded, as $filter on List chats (app token on /users/{id}/chats,
//   delegated on /me/chats, each also with $expand) and on getAllMessages: every answer
//   keeps the contract, and a parse error is a 400, never a 200 or 5xx.
#include <cstddef>  // std::size_t
#include <cstdint>  // std::uint8_t
#include <string>   // std::string

#include "contract.hpp"
#include "world.hpp"

namespace {

void check_parser(const std::string& text) {
  namespace odata = fakegraph::detail::odata;
  const fakegraph::request none{"PARSE", text};
  odata::node_ptr tree;
  try {
    tree = odata::parse_filter(text);
  } catch (const odata::syntax_error& e) {
    if (e.position() > text.size())
      fakegraph_fuzz::violation("syntax_error position past the end", none, e.what());
    return;
  } catch (const std::exception& e) {
    fakegraph_fuzz::violation("parse_filter threw something else than syntax_error", none,
                              e.what());
  }
  if (!tree) fakegraph_fuzz::violation("parse_filter returned no tree", none, text);
  const std::string canonical = odata::to_string(*tree);
  try {
    const odata::node_ptr again = odata::parse_filter(canonical);
    if (odata::to_string(*again) != canonical)
      fakegraph_fuzz::violation("to_string is not a fixed point", none,
                                canonical + " -> " + odata::to_string(*again));
  } catch (const odata::syntax_error& e) {
    fakegraph_fuzz::violation("to_string wrote text the parser refuses", none,
                              canonical + ": " + e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  check_parser(text);

  const fakegraph::graph& g = fakegraph_fuzz::default_world();
  const std::string filter = "$filter=" + fakegraph_fuzz::encode_all(text);
  const auto bearer = [](const char* token) {
    return fakegraph::header_list{{"Authorization", std::string("Bearer ") + token}};
  };
  const fakegraph::request requests[] = {
      {"GET", "/v1.0/users/adele@contoso.com/chats?" + filter, bearer("exporter")},
      {"GET", "/v1.0/users/adele@contoso.com/chats?$expand=members&" + filter, bearer("exporter")},
      {"GET", "/v1.0/me/chats?" + filter, bearer("adele-read")},
      {"GET", "/v1.0/me/chats?$top=3&$expand=lastMessagePreview&" + filter, bearer("adele-read")},
      {"GET", "/v1.0/users/adele@contoso.com/chats/getAllMessages?model=B&" + filter,
       bearer("exporter")},
      {"GET", "/v1.0/users/megan@contoso.com/chats/getAllMessages?$top=5&model=B&" + filter,
       bearer("exporter")},
  };
  for (const auto& req : requests) {
    fakegraph::response r;
    const nlohmann::json body = fakegraph_fuzz::send(g, req, &r);
    if (body.contains("@odata.nextLink") && body["@odata.nextLink"].is_string())
      fakegraph_fuzz::send(g, {"GET", body["@odata.nextLink"].get<std::string>(), req.headers});
  }
  return 0;
}
