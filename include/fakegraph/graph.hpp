// fakegraph: the facade — a seeded Graph answering requests in memory, with the test-double
// layers around it (journal, faults and throttling, coverage) and the world builder.
#pragma once

#include <nlohmann/json_fwd.hpp>  // nlohmann::json

#include <chrono>      // std::chrono::milliseconds
#include <cstdint>     // std::uint64_t, std::uint32_t
#include <functional>  // std::function
#include <memory>      // std::shared_ptr
#include <optional>    // std::optional
#include <string>      // std::string
#include <utility>     // std::move
#include <vector>      // std::vector

#include "builder.hpp"
#include "clock.hpp"
#include "coverage.hpp"
#include "detail/router.hpp"
#include "faults.hpp"
#include "fwd.hpp"
#include "http.hpp"
#include "journal.hpp"

namespace fakegraph {

namespace detail {

struct graph_core;  // everything a graph owns: detail/graph_core.hpp

/// A request taken apart: where it goes, who sends it, and the answer it gets before any
/// endpoint runs (a CORS preflight's 204, a bad URL, 405, 401…), if any.
struct prepared_request {
  std::optional<response> refusal;
  route where;
  url_parts url;
  std::vector<query_param> params;
  std::optional<principal> who;
  std::string bearer;
};

prepared_request prepare(const world_state& world, const request& req, call_context& ctx);

/// "GET /users/{user}/chats": the route's pattern, for coverage; the path itself when it
/// matched none.
std::string route_shape(const request& req, const prepared_request& p);

/// "$top", "$expand=members", "model=A": the query options a request used, for coverage.
std::vector<std::string> option_names(const std::vector<query_param>& params);

}  // namespace detail

/// A copy of a graph's world (everything the seed and the builder made, and the usage
/// counters of the evaluation quota), for `graph::restore`. Cheap to copy: it is shared.
class world_snapshot {
 public:
  world_snapshot() = default;
  bool empty() const noexcept { return !state_; }

 private:
  friend class graph;
  explicit world_snapshot(std::shared_ptr<const detail::world_state> s) : state_(std::move(s)) {}
  std::shared_ptr<const detail::world_state> state_;
};

/// An in-memory Microsoft Graph serving the endpoints of detail/endpoints.hpp (List chats,
/// getAllMessages and its delta, Get chat, its members, its messages).
///
/// Every request goes through the stages of docs/adding-an-endpoint.md: prepare (router,
/// token) → faults and throttling → the permission gate and the endpoint → record (coverage,
/// journal).
///
/// Thread safety: `handle()` may be called from many threads at once, also while other
/// threads add to the world (builder calls take the store's exclusive lock, so a request
/// sees the world before or after a call, never half of it). The journal, fault rules,
/// throttling model and coverage are internally locked. Distinct graphs share nothing.
/// Movable, not copyable (a copy would silently share or fork state).
class graph {
 public:
  /// An empty world (no tenants, users or tokens), on the wall clock.
  graph();

  /// Loads a seed file (see seed-format in the README). Throws `fakegraph::error`
  /// (`fakegraph.seed.*`) naming the JSON path of the first fault.
  static graph from_file(const std::string& path);

  /// Loads a seed given as JSON text, as from_file loads a file's: as a stream when its
  /// sections come in the seed format's order, else through a DOM (the README's "The seed").
  /// Throws like from_file; `name` is what an error about the text itself names.
  static graph from_text(const std::string& text, const std::string& name = "seed");

  /// Loads a seed given as JSON. Throws like from_file.
  static graph from_json(const nlohmann::json& seed);

  /// The two-line world: one tenant, these users, and tokens to call with, on a clock
  /// fixed at `default_now` (2026-11-01T12:00:00Z).
  ///
  /// Each user gets a delegated token named after its UPN (scope Chat.Read); an
  /// application "Test app" (with billing) gets the token "app" (role Chat.Read.All).
  /// `reset()` returns to this world.
  static graph with_users(const std::vector<std::string>& user_principal_names);

  graph(graph&&) noexcept = default;
  graph& operator=(graph&&) noexcept = default;
  graph(const graph&) = delete;
  graph& operator=(const graph&) = delete;

  /// Answers one request exactly as Graph would: status, headers, body bytes.
  response handle(const request& req) const;

  /// A function with the shape of an HTTP client, for the code under test. It shares this
  /// graph's state and stays valid after the graph object is moved (and after it is gone).
  std::function<response(const request&)> transport() const;

  // ---- time -----------------------------------------------------------------------

  /// The graph's clock: fix it, step it (`advance(std::chrono::hours(24))`). Token expiry,
  /// the evaluation quota's month, the 21-day window for deleted messages, default
  /// timestamps of builder calls and the throttling windows all read it.
  fakegraph::clock& clock() noexcept;
  const fakegraph::clock& clock() const noexcept;

  /// The settings in force.
  fakegraph::settings settings() const;

  // ---- the test-double layers -----------------------------------------------------

  /// Every request handled, with its answer (see journal.hpp).
  fakegraph::journal& journal() noexcept;
  const fakegraph::journal& journal() const noexcept;
  /// The fault rules (see faults.hpp); a seed's settings.faults are loaded into it.
  fault_set& faults() noexcept;
  const fault_set& faults() const noexcept;
  /// The throttling model of the Teams limits (off unless enabled, or settings.throttling).
  throttler& throttling() noexcept;
  const throttler& throttling() const noexcept;
  /// Turns the throttling model on (defaults: the documented Teams limits).
  void enable_throttling(throttling_limits limits = {});
  /// What the tests exercised (see coverage.hpp).
  fakegraph::coverage& coverage() noexcept;
  const fakegraph::coverage& coverage() const noexcept;

  /// What an injected delay does. By default nothing but the record (journal_entry::delay):
  /// in-process tests stay fast. `g.on_delay([&](auto d) { g.clock().advance(d); })` makes
  /// it virtual time; a server can pass a real sleep. Called outside every lock.
  void on_delay(std::function<void(std::chrono::milliseconds)> f);

  // ---- state ----------------------------------------------------------------------

  /// Back to the world the graph was made with (the seed, or the with_users world): the
  /// world, the clock, the seed's fault rules and throttling settings. Clears the journal,
  /// coverage, throttling windows and the request counter, so a rerun gives the same bytes.
  void reset();

  /// A copy of the world now (entities, tokens, settings, evaluation-quota usage).
  /// The clock, journal, faults and coverage are not part of it.
  world_snapshot snapshot() const;

  /// Puts a snapshot's world back. Throws `fakegraph.world.empty_snapshot` for an empty one.
  void restore(const world_snapshot& s);

  // ---- building the world (thread-safe; each call all or nothing) ------------------
  // Misuse throws fakegraph::error with area "world": `[fakegraph.world.unknown_user] …`.

  /// Adds a tenant; returns its id (derived from the idSeed when not given).
  std::string add_tenant(std::string display_name = "Contoso", std::string id = {});

  /// Adds a user; returns its id. The first user of an empty world creates its tenant
  /// (named after the UPN's domain).
  std::string add_user(user_spec u);

  /// Adds an application; returns its appId (derived from the idSeed when not given).
  std::string add_application(application_spec a);

  /// Adds a chat with its members; returns its id (Graph-shaped, derived when not given).
  /// createdDateTime defaults to the graph's clock.
  std::string add_chat(chat_spec spec);

  /// Adds a member to a group or meeting chat (`g.add_member(chat, {"lee@contoso.com"})`);
  /// returns the user's id. The chat's lastUpdatedDateTime moves to the graph's clock.
  std::string add_member(const std::string& chat_id, chat_member m);

  /// Adds a message (`g.add_message(chat, {"adele@contoso.com", "hi"})`); returns its id.
  /// Safe while other threads page through the same chat.
  std::string add_message(const std::string& chat_id, message_spec m);

  /// Adds a message given in full, as the seed loader would (createdDateTime 0 means the
  /// default of add_message); returns its id.
  std::string add_chat_message(const std::string& chat_id, chat_message m);

  // ---- changes over time (each at the graph's clock, which may not be before the message's
  // lastModifiedDateTime: `[fakegraph.world.bad_time]`) -----------------------------------

  /// Edits a message (`g.edit_message(chat, id, "fixed")`, `…, "<b>fixed</b>", "html")`): a new
  /// body; lastEditedDateTime, lastModifiedDateTime and etag move to the graph's clock. A
  /// deleted message (`message_deleted`) or a system event (`system_event`) is refused.
  void edit_message(const std::string& chat_id, const std::string& message_id, std::string content,
                    std::string content_type = "text");

  /// Deletes a message (`g.delete_message(chat, id)`): deletedDateTime and lastModifiedDateTime
  /// move to the graph's clock; the body's content, attachments and mentions are emptied.
  /// getAllMessages returns it, deleted, for 21 days of the clock; List chats' preview says
  /// `isDeleted`. Deleting it again is refused (`message_deleted`).
  void delete_message(const std::string& chat_id, const std::string& message_id);

  /// Adds a member's reaction (`g.add_reaction(chat, id, "megan@contoso.com", "heart")`):
  /// `like`, `angry`, `sad`, `laugh`, `heart`, `surprised` or a single emoji (`"\U0001F44D"`).
  /// Appends a chatMessageReaction to `reactions` and a `reactionAdded` item to
  /// `messageHistory`; lastModifiedDateTime and etag move to the graph's clock,
  /// lastEditedDateTime does not. A deleted message takes none (`message_deleted`).
  void add_reaction(const std::string& chat_id, const std::string& message_id, std::string user,
                    std::string reaction_type = "like");

  /// Removes a member's reaction (`g.remove_reaction(chat, id, "megan@contoso.com", "heart")`):
  /// it leaves `reactions`, and a `reactionRemoved` item naming it is appended to
  /// `messageHistory`; lastModifiedDateTime and etag move to the graph's clock,
  /// lastEditedDateTime does not. Refused when the member has no such reaction on the message
  /// (`no_reaction`) and for a deleted message (`message_deleted`).
  void remove_reaction(const std::string& chat_id, const std::string& message_id, std::string user,
                       std::string reaction_type = "like");

  /// Adds a bearer token (`g.add_token("t", fakegraph::delegated("adele@contoso.com",
  /// {"Chat.Read"}))`); returns the token.
  std::string add_token(std::string value, token t);

 private:
  friend class control_plane;  // shares this graph's state, as transport() does

  explicit graph(detail::world_state w);
  explicit graph(std::shared_ptr<detail::graph_core> core) : core_(std::move(core)) {}

  static std::string domain_of(const std::string& upn);

  // Runs `add` with a tenant made for it when the world has none and none is named; the
  // tenant goes again if `add` throws, so a failed call changes nothing.
  template <class Add>
  static std::string with_default_tenant(detail::world_state& w, const std::string& named,
                                         const std::string& display_name, Add&& add);

  // What the stages of one request hand each other.
  struct call_state {
    std::uint64_t n = 0;  // the request's number in this graph (its ids derive from it)
    std::uint64_t secret = 0;
    detail::call_context ctx;
    detail::error_text error;  // the Graph error the answer gives, as it was written
    std::string page_context;  // a collection page's @odata.context, noted for empty_page rules
    detail::prepared_request p;
    const request* req = nullptr;  // the request served: `in`, or the page an empty link stands for
    request followed;
    detail::fault_decision decision;
    bool answered_by_fault = false;  // a rule or the throttling model answered
    bool throttled = false;
    bool early_retry = false;
    response answer;
  };

  // The stages, in the order docs/adding-an-endpoint.md and design.md §1 give.
  static response dispatch(detail::graph_core& core, const request& in);

  // Prepare: the call's ids and clock, the empty link a request may follow, the router and
  // the token (prepare() refuses what no endpoint should see), the origin links are made with.
  static void prepare_call(detail::graph_core& core, const detail::world_state& world,
                           const request& in, call_state& s);

  // Faults and throttling: scripted rules first, then the throttling model. Either may answer
  // instead of the endpoint.
  static void apply_faults(detail::graph_core& core, const detail::world_state& world,
                           const request& in, call_state& s);

  // An empty_page rule: the page's items go, and its nextLink stands for the real page.
  static void replace_by_empty_page(detail::graph_core& core, call_state& s);

  // Latency a rule injected, waited out by the graph's on_delay hook, outside the world lock.
  static void wait_for_delay(detail::graph_core& core, std::chrono::milliseconds delay);

  // Record: coverage, and the journal when it is on. Error codes and messages come from what
  // graph_error wrote (s.error), not from parsing the answer back.
  static void record(detail::graph_core& core, const request& in, call_state& s);

  static response serve(detail::graph_core& core, const detail::world_state& world,
                        const detail::call_context& ctx, const request& req,
                        const detail::prepared_request& p, std::uint64_t secret);

  std::shared_ptr<detail::graph_core> core_;
};

}  // namespace fakegraph

#ifndef FAKEGRAPH_COMPILED_LIB
#include "graph-inl.hpp"
#endif
