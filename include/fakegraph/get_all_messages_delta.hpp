// fakegraph: chatMessage delta — GET /users/{id | userPrincipalName}/chats/getAllMessages/delta
// (graph-semantics §7): rounds of pages; each round's last page carries a deltaLink, and the
// round it starts returns what changed since.
#pragma once

#include <cstddef>   // std::size_t
#include <cstdint>   // std::uint64_t, std::int64_t
#include <optional>  // std::optional

#include "detail/router.hpp"

namespace fakegraph::detail {

inline constexpr int delta_page_size = 20;  // as getAllMessages (Q20)
inline constexpr int delta_window_months =
    8;  // "Delta only returns messages within the last eight months"

/// Where a delta walk stands. A round reads the user's change log (world_state::changes_of_user)
/// from `position`, over the changes after `watermark` up to `as_of` (both seqs); a deltaLink
/// holds the next round's start, which takes its `as_of` when it begins. The options of the
/// first request travel along.
struct delta_state {
  bool round_started = false;  // a $skiptoken (this round goes on) or a $deltatoken (next round)
  std::uint64_t watermark = 0;
  std::uint64_t as_of = 0;
  std::size_t position = 0;
  int top = delta_page_size;
  std::optional<timestamp> after;  // $filter=lastModifiedDateTime gt …

  cursor to_cursor() const;

  static std::optional<delta_state> from_cursor(const cursor& c, bool skip_token);
};

/// The options of a round's first request: `$top`, `$skip`, `$filter=lastModifiedDateTime gt X`.
std::optional<response> read_delta_options(const endpoint_call& call, const query_options& q,
                                           delta_state& s, std::size_t& skip);

response get_all_messages_delta(const endpoint_call& call);

}  // namespace fakegraph::detail

#ifndef FAKEGRAPH_COMPILED_LIB
#include "get_all_messages_delta-inl.hpp"
#endif
