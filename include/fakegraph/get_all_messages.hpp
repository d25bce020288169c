// fakegraph: chats: getAllMessages — GET /users/{id | userPrincipalName}/chats/getAllMessages.
#pragma once

#include <cstddef>           // std::size_t
#include <cstdint>           // std::int64_t, std::uint64_t
#include <initializer_list>  // std::initializer_list
#include <optional>          // std::optional
#include <string>            // std::string
#include <string_view>       // std::string_view
#include <vector>            // std::vector

#include "detail/odata.hpp"
#include "detail/paging.hpp"
#include "detail/router.hpp"
#include "store.hpp"

namespace fakegraph::detail {

inline constexpr int get_all_messages_page_size = 20;  // Q20: what Graph sends without $top
// Messages a user deleted stay exportable for 21 days after the deletion (EXP).
inline constexpr timestamp deleted_export_window = 21LL * 24 * 60 * 60 * 1000;

/// Whether a deleted message is past the export window at `now` (and so no longer exported).
inline bool purged(const stored_message& m, timestamp now) {
  return m.deleted && *m.deleted < now - deleted_export_window;
}
// The service plan model=A needs on the user named in the URL (Microsoft Communications DLP).
inline constexpr std::string_view compliance_license = "teamsComplianceDlp";
inline constexpr std::size_t max_message_filter_length = 4096;  // as List chats

inline constexpr std::string_view message_filters_supported =
    "Supported on getAllMessages: lastModifiedDateTime gt <date-time> and/or lastModifiedDateTime "
    "lt "
    "<date-time> (bare, e.g. 2020-06-04T18:03:11.591Z); from/user/id eq '…', "
    "from/user/userIdentityType eq '…', from/application/applicationIdentityType eq '…', "
    "messageType eq|ne 'systemEventMessage', joined with or, the whole ANDed with the date range.";

/// A $filter getAllMessages cannot serve; the message becomes Graph's 400.
struct unsupported_message_filter {
  std::string message;
};

[[noreturn]] void filter_not_allowed(const odata::node& n);

[[noreturn]] void filter_invalid(const std::string& why);

/// A `<date-time property> gt|lt <date-time>` condition, narrowing the exclusive bounds
/// `after` (gt) and `before` (lt) of a window.
void add_time_bound(const odata::node& n, std::optional<timestamp>& after,
                    std::optional<timestamp>& before);

/// Reads a messages endpoint's `$filter`: `compile` turns the parsed filter into the
/// endpoint's own (throwing unsupported_message_filter); a refusal is 400 in Graph's words,
/// followed by `supported`.
template <class Compile>
std::optional<response> read_message_filter(const endpoint_call& call, const query_options& q,
                                            std::string_view supported, Compile&& compile) {
  const std::string* raw = q.get("$filter");
  if (!raw) return std::nullopt;
  if (raw->size() > max_message_filter_length)
    return graph_error(call.ctx, 400, "BadRequest",
                       "Invalid $filter query: the filter is longer than " +
                           std::to_string(max_message_filter_length) + " characters.");
  try {
    compile(*odata::parse_filter(*raw));
  } catch (const odata::syntax_error& e) {
    return graph_error(
        call.ctx, 400, "BadRequest",
        std::string("Invalid $filter query: ") + e.what() + ". " + std::string(supported));
  } catch (const unsupported_message_filter& e) {
    return graph_error(call.ctx, 400, "BadRequest", e.message + " " + std::string(supported));
  }
  return std::nullopt;
}

/// One sender or type condition of a $filter.
struct message_clause {
  enum class kind {
    user_id,
    user_identity_type,
    application_identity_type,
    message_type_eq,
    message_type_ne
  };
  kind type = kind::user_id;
  std::string value;

  /// Whether `m` matches, as read in the data of `reader_tenant` (userIdentityType is relative).
  bool matches(const stored_message& m, std::string_view reader_tenant) const;
};

/// A compiled $filter: an optional lastModifiedDateTime window (exclusive bounds), and
/// groups of clauses that must each have one clause matching (an AND of ORs).
struct message_filter {
  std::optional<timestamp> after;   // lastModifiedDateTime gt
  std::optional<timestamp> before;  // lastModifiedDateTime lt
  std::vector<std::vector<message_clause>> groups;

  bool matches(const stored_message& m, std::string_view reader_tenant) const;
};

/// Turns a parsed $filter into a message_filter, or throws unsupported_message_filter.
/// Only the documented shapes pass (graph-semantics §3.3): each clause of a top-level
/// `and` is a date bound or an `or` of sender/type clauses.
class message_filter_compiler {
 public:
  message_filter compile(const odata::node& n);

 private:
  using k = odata::node::kind;

  [[noreturn]] static void not_allowed(const odata::node& n) { filter_not_allowed(n); }
  [[noreturn]] static void invalid(const std::string& why) { filter_invalid(why); }

  void conjunct(const odata::node& n);

  void disjunct(const odata::node& n, std::vector<message_clause>& group);

  static std::string string_value(const odata::node& n);

  static std::string one_of(const odata::node& n, std::initializer_list<std::string_view> accepted);

  static message_clause clause(const odata::node& n);

  void date_bound(const odata::node& n) { add_time_bound(n, out_.after, out_.before); }

  message_filter out_;
};

/// Whether any `Prefer` header of the request holds `preference` (headers may repeat, and
/// one header may list several preferences, each possibly with `=value` or `;params`).
bool prefers(const request& req, std::string_view preference);

/// How the request pays (settings.metering = "legacy"): model A, model B, or evaluation mode.
enum class payment_model { none, a, b, evaluation };

std::optional<response> read_payment_model(const endpoint_call& call, const query_options& q,
                                           payment_model& model);

/// Model A and B: the app's billing subscription, and for A the named user's licence.
std::optional<response> check_payment(const endpoint_call& call, payment_model model,
                                      const user& target);

/// The sort key of getAllMessages, and of its cursor: createdDateTime, chat id, message id.
struct message_key {
  timestamp created = 0;
  std::string_view chat_id;
  std::string_view id;
};

bool operator<(const message_key& a, const message_key& b);

inline message_key key_of(const world_state& w, message_ref r) {
  return {w.message(r).created, w.chats[r.chat].data.id, w.message(r).id};
}

/// Where a page ends: the sort key of its last message and, as a hint, that message's
/// position in the user's index, so the next page usually starts without a search.
struct message_cursor {
  timestamp created = 0;
  std::string chat_id;
  std::string id;
  std::size_t position = 0;

  message_key key() const { return {created, chat_id, id}; }
};

cursor to_cursor(const world_state& w, const std::vector<message_ref>& refs, std::size_t position);

std::optional<message_cursor> from_cursor(const cursor& c);

/// Where the page after `c` starts in `refs`: just after the hinted position when the
/// cursor's message is still there, else (messages were added before it) by binary search.
std::size_t resume_at(const world_state& w, const std::vector<message_ref>& refs,
                      const message_cursor& c);

// At a million messages nearly every message of a page, and its JSON text (a separate heap
// block), is a cache miss. Asking for them a few items ahead lets the misses overlap
// instead of queueing, which keeps a page's cost flat as the world grows.
inline void prefetch(const void* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}
inline constexpr std::size_t prefetch_ahead = 8;

response get_all_messages(const endpoint_call& call);

}  // namespace fakegraph::detail

#ifndef FAKEGRAPH_COMPILED_LIB
#include "get_all_messages-inl.hpp"
#endif
