// libFuzzer harness: skiptokens.
// - detail::decode_skiptoken on the raw bytes never throws, and a token it accepts is the
//   one spelling encode_skiptoken writes for what it decoded (a changed token never passes).
// - A cursor of any bytes encodes (never throws) to a URL-safe token that decodes to the same
//   cursor, and to nothing under another binding.
// - The bytes as $skiptoken on List chats (app and delegated) and getAllMessages: every
//   answer keeps the contract, and so does the page a nextLink leads to.
//   The corpus holds real tokens from these exact queries, so mutations start from valid ones.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>  // std::size_t
#include <cstdint>  // std::uint8_t, std::uint64_t
#include <string>   // std::string

#include "contract.hpp"
#include "world.hpp"

namespace {

namespace detail = fakegraph::detail;

void check_decoder(const std::string& token) {
  const fakegraph::request none{"DECODE", token};
  constexpr std::uint64_t bound = 0x1234567887654321ull;
  constexpr std::uint64_t secret = 42;
  try {
    const auto c = detail::decode_skiptoken(token, bound, secret);
    if (c && detail::encode_skiptoken(*c, bound, secret) != token)
      fakegraph_fuzz::violation("decode_skiptoken accepted a token encode would not write", none,
                                token);
  } catch (const std::exception& e) {
    fakegraph_fuzz::violation("decode_skiptoken threw", none, e.what());
  }
}

void check_round_trip(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  detail::cursor c;
  c.as_of = in.ConsumeIntegral<std::uint64_t>();
  const int keys = in.ConsumeIntegralInRange<int>(0, 4);
  for (int i = 0; i < keys; ++i) c.key.push_back(in.ConsumeRandomLengthString(40));
  const std::uint64_t bound = in.ConsumeIntegral<std::uint64_t>();
  const std::uint64_t secret = in.ConsumeIntegral<std::uint64_t>();
  const fakegraph::request none{"ENCODE", ""};
  std::string token;
  try {
    token = detail::encode_skiptoken(c, bound, secret);
  } catch (const std::exception& e) {
    fakegraph_fuzz::violation("encode_skiptoken threw", none, e.what());
  }
  for (const char ch : token)
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
          ch == '-' || ch == '_' || ch == '~'))
      fakegraph_fuzz::violation("skiptoken is not URL-safe", none, token);
  const auto back = detail::decode_skiptoken(token, bound, secret);
  if (token.size() <= 4096 && (!back || back->as_of != c.as_of || back->key != c.key))
    fakegraph_fuzz::violation("skiptoken does not decode to its cursor", none, token);
  if (detail::decode_skiptoken(token, bound ^ 1, secret))
    fakegraph_fuzz::violation("skiptoken accepted for another query", none, token);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string token(reinterpret_cast<const char*>(data), size);
  check_decoder(token);
  check_round_trip(data, size);

  const fakegraph::graph& g = fakegraph_fuzz::default_world();
  const std::string skip = "$skiptoken=" + fakegraph_fuzz::encode_all(token);
  const auto bearer = [](const char* t) {
    return fakegraph::header_list{{"Authorization", std::string("Bearer ") + t}};
  };
  // The queries the corpus tokens were taken from (tests/fuzz/corpus/skiptoken).
  const fakegraph::request requests[] = {
      {"GET", "/v1.0/me/chats?$top=2&" + skip, bearer("adele-read")},
      {"GET", "/v1.0/users/adele@contoso.com/chats?$top=2&" + skip, bearer("exporter")},
      {"GET", "/v1.0/users/adele@contoso.com/chats/getAllMessages?$top=2&model=B&" + skip,
       bearer("exporter")},
  };
  for (const auto& req : requests) {
    fakegraph::response r;
    const nlohmann::json body = fakegraph_fuzz::send(g, req, &r);
    if (r.status == 200 && body.contains("@odata.nextLink") && body["@odata.nextLink"].is_string())
      fakegraph_fuzz::send(g, {"GET", body["@odata.nextLink"].get<std::string>(), req.headers});
  }
  return 0;
}
