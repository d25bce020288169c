// fakegraph: the facade — a seeded Graph answering requests in memory, with the test-double
// layers around it (journal, faults and throttling, coverage) and the world builder.
#pragma once

#include <nlohmann/json.hpp>  // nlohmann::json

#include <algorithm>   // std::max
#include <atomic>      // std::atomic
#include <chrono>      // std::chrono::milliseconds
#include <cstdint>     // std::uint64_t, std::uint32_t
#include <functional>  // std::function
#include <memory>      // std::shared_ptr, std::make_shared
#include <mutex>       // std::mutex, std::lock_guard
#include <optional>    // std::optional
#include <string>      // std::string
#include <utility>     // std::move
#include <vector>      // std::vector

#include "builder.hpp"
#include "clock.hpp"
#include "coverage.hpp"
#include "detail/endpoints.hpp"
#include "faults.hpp"
#include "http.hpp"
#include "journal.hpp"
#include "seed.hpp"
#include "store.hpp"

namespace fakegraph {

namespace detail {

/// Everything a graph owns. Shared with the functions `transport()` hands out, so a
/// transport keeps working after the graph object itself has moved.
struct graph_core {
  explicit graph_core(world_state w)
      : db(w),
        clock(w.settings.now ? fakegraph::clock(*w.settings.now) : fakegraph::clock()),
        seed_faults(load_faults(w.settings.faults, "settings.faults")),
        seed_throttling(load_throttling(w.settings.throttling, "settings.throttling")),
        seed(std::move(w)) {
    faults.reset(seed_faults, seed.settings.id_seed);
    throttling.configure(seed_throttling);
  }

  store db;
  fakegraph::clock clock;
  std::vector<fault> seed_faults;
  std::optional<throttling_limits> seed_throttling;
  world_state seed;  // the world reset() returns to
  std::atomic<std::uint64_t> requests{0};
  fakegraph::journal journal;
  fault_set faults;
  throttler throttling;
  fakegraph::coverage coverage;
  empty_page_links empty_links;
  std::mutex delay_mutex;
  std::function<void(std::chrono::milliseconds)> on_delay;
};

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

inline prepared_request prepare(const world_state& world, const request& req, call_context& ctx) {
  prepared_request p;
  p.url = split_url(req.url);
  if (req.method == "OPTIONS") {  // a browser's CORS preflight, on any path
    p.refusal = preflight_response(ctx, req.header("Access-Control-Request-Headers"));
    return p;
  }
  const std::string authorization = req.header("Authorization");
  {
    const std::string_view a = trim(authorization);
    if (istarts_with(a, "Bearer ")) p.bearer = std::string(trim(a.substr(7)));
  }
  auth_outcome auth = authenticate(world, authorization, ctx.now);
  p.who = auth.who;

  std::vector<std::string> segments;
  for (auto raw : split(p.url.path, '/')) {
    if (raw.empty()) continue;
    auto decoded = percent_decode(raw, false);
    if (!decoded) {
      p.refusal =
          graph_error(ctx, 400, "BadRequest",
                      "The URL path has a broken percent-escape in '" + std::string(raw) + "'.");
      return p;
    }
    segments.push_back(std::move(*decoded));
  }
  if (segments.empty() || !(iequals(segments[0], "v1.0") || iequals(segments[0], "beta"))) {
    p.refusal =
        graph_error(ctx, 400, "BadRequest",
                    "Invalid version: '" + (segments.empty() ? std::string() : segments[0]) +
                        "'. Supported versions: v1.0, beta.");
    return p;
  }
  ctx.version = to_lower(segments[0]) == "beta" ? "beta" : "v1.0";
  segments.erase(segments.begin());

  p.where = match_route(segments, route_patterns());
  std::string bad;
  auto params = parse_query(p.url.query, &bad);
  if (params) p.params = std::move(*params);
  if (p.where.kind == endpoint::none)
    p.refusal = graph_error(ctx, 400, "BadRequest",
                            "Resource not found for the segment '" + p.where.unknown_segment +
                                "'. This fake serves " + served_routes() + ".");
  else if (req.method != "GET") {
    p.refusal = graph_error(ctx, 405, "MethodNotAllowed",
                            "The method '" + req.method +
                                "' is not allowed on this resource. This fake serves GET only.");
    p.refusal->headers.emplace_back("Allow", "GET");
  } else if (!params)
    p.refusal = graph_error(ctx, 400, "BadRequest",
                            "The query string has a broken percent-escape in '" + bad + "'.");
  else if (!auth.who)
    p.refusal = graph_error(ctx, 401, "InvalidAuthenticationToken", auth.message);
  else if (auth.who->type == principal::kind::personal_account)
    p.refusal = graph_error(
        ctx, 403, "Forbidden",
        "No authorization information present on the request. This API does not support personal "
        "Microsoft accounts; sign in with a work or school account.");
  return p;
}

/// "GET /users/{user}/chats": the route's pattern, for coverage; the path itself when it
/// matched none.
inline std::string route_shape(const request& req, const prepared_request& p) {
  if (p.where.kind == endpoint::none) return req.method + " " + p.url.path;
  return req.method + " /" + std::string(p.where.pattern);
}

/// "$top", "$expand=members", "model=A": the query options a request used, for coverage.
inline std::vector<std::string> option_names(const std::vector<query_param>& params) {
  std::vector<std::string> out;
  for (const auto& q : params) {
    const std::string name = to_lower(q.name);
    if (name == "$expand") {
      for (auto item : split(q.value, ',')) out.push_back("$expand=" + std::string(trim(item)));
    } else if (name == "model") {
      out.push_back("model=" + q.value);
    } else {
      out.push_back(name);
    }
  }
  return out;
}

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
  graph() : core_(std::make_shared<detail::graph_core>(detail::world_state{})) {}

  /// Loads a seed file (see seed-format in the README). Throws `fakegraph::error`
  /// (`fakegraph.seed.*`) naming the JSON path of the first fault.
  static graph from_file(const std::string& path) {
    return from_text(detail::read_file(path), path);
  }

  /// Loads a seed given as JSON text, as from_file loads a file's: as a stream when its
  /// sections come in the seed format's order, else through a DOM (the README's "The seed").
  /// Throws like from_file; `name` is what an error about the text itself names.
  static graph from_text(const std::string& text, const std::string& name = "seed") {
    return graph(detail::load_seed_text(text, name));
  }

  /// Loads a seed given as JSON. Throws like from_file.
  static graph from_json(const nlohmann::json& seed) { return graph(detail::load_seed(seed)); }

  /// The two-line world: one tenant, these users, and tokens to call with, on a clock
  /// fixed at `default_now` (2026-11-01T12:00:00Z).
  ///
  /// Each user gets a delegated token named after its UPN (scope Chat.Read); an
  /// application "Test app" (with billing) gets the token "app" (role Chat.Read.All).
  /// `reset()` returns to this world.
  static graph with_users(const std::vector<std::string>& user_principal_names) {
    graph g;
    g.clock().set(default_now);
    for (const auto& upn : user_principal_names) {
      g.add_user(upn);
      g.add_token(upn, delegated(upn, {"Chat.Read"}));
    }
    const std::string app = g.add_application("Test app");
    g.add_token("app", app_only(app, {"Chat.Read.All"}));
    g.core_->db.write([&](detail::world_state& w) {
      w.settings.now = default_now;
      g.core_->seed = w;
    });
    return g;
  }

  graph(graph&&) noexcept = default;
  graph& operator=(graph&&) noexcept = default;
  graph(const graph&) = delete;
  graph& operator=(const graph&) = delete;

  /// Answers one request exactly as Graph would: status, headers, body bytes.
  response handle(const request& req) const { return dispatch(*core_, req); }

  /// A function with the shape of an HTTP client, for the code under test. It shares this
  /// graph's state and stays valid after the graph object is moved (and after it is gone).
  std::function<response(const request&)> transport() const {
    std::shared_ptr<detail::graph_core> core = core_;
    return [core](const request& req) { return dispatch(*core, req); };
  }

  // ---- time -----------------------------------------------------------------------

  /// The graph's clock: fix it, step it (`advance(std::chrono::hours(24))`). Token expiry,
  /// the evaluation quota's month, the 21-day window for deleted messages, default
  /// timestamps of builder calls and the throttling windows all read it.
  fakegraph::clock& clock() noexcept { return core_->clock; }
  const fakegraph::clock& clock() const noexcept { return core_->clock; }

  /// The settings in force.
  fakegraph::settings settings() const { return core_->db.read()->settings; }

  // ---- the test-double layers -----------------------------------------------------

  /// Every request handled, with its answer (see journal.hpp).
  fakegraph::journal& journal() noexcept { return core_->journal; }
  const fakegraph::journal& journal() const noexcept { return core_->journal; }
  /// The fault rules (see faults.hpp); a seed's settings.faults are loaded into it.
  fault_set& faults() noexcept { return core_->faults; }
  const fault_set& faults() const noexcept { return core_->faults; }
  /// The throttling model of the Teams limits (off unless enabled, or settings.throttling).
  throttler& throttling() noexcept { return core_->throttling; }
  const throttler& throttling() const noexcept { return core_->throttling; }
  /// Turns the throttling model on (defaults: the documented Teams limits).
  void enable_throttling(throttling_limits limits = {}) { core_->throttling.enable(limits); }
  /// What the tests exercised (see coverage.hpp).
  fakegraph::coverage& coverage() noexcept { return core_->coverage; }
  const fakegraph::coverage& coverage() const noexcept { return core_->coverage; }

  /// What an injected delay does. By default nothing but the record (journal_entry::delay):
  /// in-process tests stay fast. `g.on_delay([&](auto d) { g.clock().advance(d); })` makes
  /// it virtual time; a server can pass a real sleep. Called outside every lock.
  void on_delay(std::function<void(std::chrono::milliseconds)> f) {
    std::lock_guard<std::mutex> lock(core_->delay_mutex);
    core_->on_delay = std::move(f);
  }

  // ---- state ----------------------------------------------------------------------

  /// Back to the world the graph was made with (the seed, or the with_users world): the
  /// world, the clock, the seed's fault rules and throttling settings. Clears the journal,
  /// coverage, throttling windows and the request counter, so a rerun gives the same bytes.
  void reset() {
    detail::graph_core& c = *core_;
    c.db.replace(c.seed);
    c.clock = c.seed.settings.now ? fakegraph::clock(*c.seed.settings.now) : fakegraph::clock();
    c.faults.reset(c.seed_faults, c.seed.settings.id_seed);
    c.throttling.configure(c.seed_throttling);
    c.empty_links.clear();
    c.journal.clear();
    c.coverage.clear();
    c.requests = 0;
  }

  /// A copy of the world now (entities, tokens, settings, evaluation-quota usage).
  /// The clock, journal, faults and coverage are not part of it.
  world_snapshot snapshot() const {
    // The exclusive lock: requests update usage counters under the shared one.
    return world_snapshot(std::make_shared<const detail::world_state>(
        core_->db.write([](detail::world_state& w) { return w; })));
  }

  /// Puts a snapshot's world back. Throws `fakegraph.world.empty_snapshot` for an empty one.
  void restore(const world_snapshot& s) {
    if (!s.state_) throw error("fakegraph.world.empty_snapshot", "this snapshot holds no world");
    core_->db.replace(*s.state_);
  }

  // ---- building the world (thread-safe; each call all or nothing) ------------------
  // Misuse throws fakegraph::error with area "world": `[fakegraph.world.unknown_user] …`.

  /// Adds a tenant; returns its id (derived from the idSeed when not given).
  std::string add_tenant(std::string display_name = "Contoso", std::string id = {}) {
    return core_->db.write([&](detail::world_state& w) {
      detail::add_tenant(w, {std::move(id), std::move(display_name)}, {"world", "add_tenant"});
      return w.tenants.back().id;
    });
  }

  /// Adds a user; returns its id. The first user of an empty world creates its tenant
  /// (named after the UPN's domain).
  std::string add_user(user_spec u) {
    return core_->db.write([&](detail::world_state& w) {
      return with_default_tenant(w, u.tenant, domain_of(u.user_principal_name), [&] {
        detail::add_user(
            w, {u.id, u.tenant, u.user_principal_name, u.display_name, u.mail, u.licenses},
            {"world", "add_user"});
        return w.users.back().id;
      });
    });
  }

  /// Adds an application; returns its appId (derived from the idSeed when not given).
  std::string add_application(application_spec a) {
    return core_->db.write([&](detail::world_state& w) {
      return with_default_tenant(w, a.tenant, "Contoso", [&] {
        detail::add_application(w, {a.app_id, a.tenant, a.display_name, a.billing},
                                {"world", "add_application"});
        return w.applications.back().app_id;
      });
    });
  }

  /// Adds a chat with its members; returns its id (Graph-shaped, derived when not given).
  /// createdDateTime defaults to the graph's clock.
  std::string add_chat(chat_spec spec) {
    const timestamp now = core_->clock.now();
    return core_->db.write([&](detail::world_state& w) {
      chat c;
      c.id = std::move(spec.id);
      c.tenant_id = std::move(spec.tenant);
      c.type = spec.type ? *spec.type
                         : (spec.members.size() == 2 && !spec.topic ? chat_type::one_on_one
                                                                    : chat_type::group);
      c.topic = std::move(spec.topic);
      c.created = spec.created.value_or(now);
      c.last_updated = spec.last_updated.value_or(c.created);
      if (c.last_updated < c.created)
        detail::fail("world", "bad_value", "add_chat.last_updated",
                     "lastUpdatedDateTime is before createdDateTime");
      c.meeting = std::move(spec.meeting_info);
      c.installed_apps = std::move(spec.installed_apps);
      c.is_hidden_for_all_members = spec.hidden_for_all_members;
      c.members = std::move(spec.members);
      const std::uint32_t ci = detail::add_chat(w, std::move(c), {"world", "add_chat"});
      chat& stored = w.chats[ci].data;
      if (stored.meeting && stored.meeting->join_web_url.empty())
        stored.meeting->join_web_url =
            "https://teams.microsoft.com/l/meetup-join/" + detail::percent_encode(stored.id) + "/0";
      return stored.id;
    });
  }

  /// Adds a member to a group or meeting chat (`g.add_member(chat, {"lee@contoso.com"})`);
  /// returns the user's id. The chat's lastUpdatedDateTime moves to the graph's clock.
  std::string add_member(const std::string& chat_id, chat_member m) {
    const timestamp now = core_->clock.now();
    return core_->db.write([&](detail::world_state& w) {
      detail::add_member(w, chat_id, m, now, {"world", "add_member"});
      return w.chats[w.chat_index.at(chat_id)].data.members.back().user_id;
    });
  }

  /// Adds a message (`g.add_message(chat, {"adele@contoso.com", "hi"})`); returns its id.
  /// Safe while other threads page through the same chat.
  std::string add_message(const std::string& chat_id, message_spec m) {
    chat_message msg;
    msg.id = std::move(m.id);
    if (!m.from.empty()) {
      msg.from.type = message_sender::kind::user;
      msg.from.id = std::move(m.from);
    }
    detail::check_content_type(m.content_type, "world", "add_message.content_type");
    if (m.message_type == "systemEventMessage") {
      if (msg.from.type != message_sender::kind::none)
        detail::fail("world", "bad_value", "add_message.from",
                     "a systemEventMessage has no sender (from: \"\")");
      if (m.content.empty()) {
        m.content_type = "html";
        m.content = "<systemEventMessage/>";
      }
    }
    msg.body = {{"contentType", m.content_type}, {"content", std::move(m.content)}};
    msg.created = m.created.value_or(0);
    msg.last_modified = m.last_modified.value_or(0);
    msg.last_edited = m.last_edited;
    msg.deleted = m.deleted;
    msg.message_type = std::move(m.message_type);
    msg.importance = std::move(m.importance);
    msg.subject = std::move(m.subject);
    msg.attachments = std::move(m.attachments);
    msg.mentions = std::move(m.mentions);
    msg.reactions = std::move(m.reactions);
    msg.message_history = std::move(m.message_history);
    msg.event_detail = std::move(m.event_detail);
    return add_chat_message(chat_id, std::move(msg));
  }

  /// Adds a message given in full, as the seed loader would (createdDateTime 0 means the
  /// default of add_message); returns its id.
  std::string add_chat_message(const std::string& chat_id, chat_message m) {
    const timestamp now = core_->clock.now();
    return core_->db.write([&](detail::world_state& w) {
      if (m.created == 0) {
        const detail::stored_chat* sc = w.find_chat(chat_id);
        m.created = sc ? detail::next_message_time(*sc, now) : now;
      }
      const detail::message_ref ref =
          detail::add_message(w, chat_id, std::move(m), {"world", "add_message"});
      return w.message(ref).id;
    });
  }

  // ---- changes over time (each at the graph's clock, which may not be before the message's
  // lastModifiedDateTime: `[fakegraph.world.bad_time]`) -----------------------------------

  /// Edits a message (`g.edit_message(chat, id, "fixed")`, `…, "<b>fixed</b>", "html")`): a new
  /// body; lastEditedDateTime, lastModifiedDateTime and etag move to the graph's clock. A
  /// deleted message (`message_deleted`) or a system event (`system_event`) is refused.
  void edit_message(const std::string& chat_id, const std::string& message_id, std::string content,
                    std::string content_type = "text") {
    const timestamp now = core_->clock.now();
    core_->db.write([&](detail::world_state& w) {
      detail::edit_message(w, chat_id, message_id, std::move(content), std::move(content_type), now,
                           {"world", "edit_message"});
    });
  }

  /// Deletes a message (`g.delete_message(chat, id)`): deletedDateTime and lastModifiedDateTime
  /// move to the graph's clock; the body's content, attachments and mentions are emptied.
  /// getAllMessages returns it, deleted, for 21 days of the clock; List chats' preview says
  /// `isDeleted`. Deleting it again is refused (`message_deleted`).
  void delete_message(const std::string& chat_id, const std::string& message_id) {
    const timestamp now = core_->clock.now();
    core_->db.write([&](detail::world_state& w) {
      detail::delete_message(w, chat_id, message_id, now, {"world", "delete_message"});
    });
  }

  /// Adds a member's reaction (`g.add_reaction(chat, id, "megan@contoso.com", "heart")`):
  /// `like`, `angry`, `sad`, `laugh`, `heart`, `surprised` or a single emoji (`"\U0001F44D"`).
  /// Appends a chatMessageReaction to `reactions` and a `reactionAdded` item to
  /// `messageHistory`; lastModifiedDateTime and etag move to the graph's clock,
  /// lastEditedDateTime does not. A deleted message takes none (`message_deleted`).
  void add_reaction(const std::string& chat_id, const std::string& message_id, std::string user,
                    std::string reaction_type = "like") {
    const timestamp now = core_->clock.now();
    core_->db.write([&](detail::world_state& w) {
      detail::add_reaction(w, chat_id, message_id, user, reaction_type, now,
                           {"world", "add_reaction"});
    });
  }

  /// Adds a bearer token (`g.add_token("t", fakegraph::delegated("adele@contoso.com",
  /// {"Chat.Read"}))`); returns the token.
  std::string add_token(std::string value, token t) {
    t.value = value;
    core_->db.write([&](detail::world_state& w) {
      detail::add_token(w, std::move(t), {"world", "add_token"});
    });
    return value;
  }

 private:
  friend class control_plane;  // shares this graph's state, as transport() does

  explicit graph(detail::world_state w)
      : core_(std::make_shared<detail::graph_core>(std::move(w))) {}
  explicit graph(std::shared_ptr<detail::graph_core> core) : core_(std::move(core)) {}

  static std::string domain_of(const std::string& upn) {
    const std::size_t at = upn.find('@');
    return at == std::string::npos || at + 1 == upn.size() ? std::string("Contoso")
                                                           : upn.substr(at + 1);
  }

  // Runs `add` with a tenant made for it when the world has none and none is named; the
  // tenant goes again if `add` throws, so a failed call changes nothing.
  template <class Add>
  static std::string with_default_tenant(detail::world_state& w, const std::string& named,
                                         const std::string& display_name, Add&& add) {
    if (!named.empty() || !w.tenants.empty()) return add();
    const std::uint64_t derived = w.derived_ids;
    detail::add_tenant(w, {{}, display_name}, {"world", "default_tenant"});
    try {
      return add();
    } catch (...) {
      w.tenant_index.erase(detail::to_lower(w.tenants.back().id));
      w.tenants.pop_back();
      w.derived_ids = derived;
      throw;
    }
  }

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
  static response dispatch(detail::graph_core& core, const request& in) {
    call_state s;
    s.n = core.requests.fetch_add(1) + 1;
    s.ctx.error_written = &s.error;
    {
      const store::reader world = core.db.read();
      prepare_call(core, *world, in, s);
      apply_faults(core, *world, in, s);
      if (s.decision.empty_page) s.ctx.page_context_written = &s.page_context;
      if (!s.answered_by_fault)
        s.answer = s.p.refusal ? *s.p.refusal : serve(core, *world, s.ctx, *s.req, s.p, s.secret);
      if (s.decision.empty_page && !s.answered_by_fault) replace_by_empty_page(core, s);
    }
    wait_for_delay(core, s.decision.delay);
    record(core, in, s);
    return std::move(s.answer);
  }

  // Prepare: the call's ids and clock, the empty link a request may follow, the router and
  // the token (prepare() refuses what no endpoint should see), the origin links are made with.
  static void prepare_call(detail::graph_core& core, const detail::world_state& world,
                           const request& in, call_state& s) {
    using namespace detail;
    call_context& ctx = s.ctx;
    ctx.now = core.clock.now();
    ctx.version = "v1.0";
    ctx.client_request_id = header_text(in.header("client-request-id"));
    const std::uint64_t seed = world.settings.id_seed;
    ctx.request_id =
        make_guid(splitmix64(seed ^ (s.n * 0x9E3779B97F4A7C15ull)), splitmix64(s.n + seed * 31));
    if (ctx.client_request_id.empty()) ctx.client_request_id = ctx.request_id;
    s.secret = splitmix64(seed ^ 0xF4CE6A9Full);

    // A link an empty page handed out stands for the real page it replaced.
    s.req = &in;
    if (!core.empty_links.empty()) {
      const auto params = parse_query(split_url(in.url).query);
      if (params)
        for (const auto& q : *params)
          if (iequals(q.name, "$skiptoken"))
            if (auto real = core.empty_links.find(q.value)) {
              s.followed = in;
              s.followed.url = std::move(*real);
              s.req = &s.followed;
            }
    }

    s.p = prepare(world, *s.req, ctx);
    const url_parts url = split_url(s.req->url);
    const std::string host = url.host.empty() ? s.req->header("Host") : url.host;
    ctx.origin = !url.scheme.empty() && !url.host.empty() ? url.scheme + "://" + url.host
                 : !host.empty()                          ? "https://" + host
                                                          : world.settings.base_url;
  }

  // Faults and throttling: scripted rules first, then the throttling model. Either may answer
  // instead of the endpoint.
  static void apply_faults(detail::graph_core& core, const detail::world_state& world,
                           const request& in, call_state& s) {
    using namespace detail;
    const endpoint route = s.p.where.kind;
    s.decision = core.faults.decide(
        {route, in.method, in.url, s.p.bearer, s.p.who ? &*s.p.who : nullptr, s.req != &in}, world);
    if (s.decision.answer) {
      s.answer = fault_response(*s.decision.answer, s.ctx);
      s.answered_by_fault = true;
      return;
    }
    if (s.p.refusal || !s.p.who) return;
    std::string target;
    if (s.p.where.me || s.p.where.all_chats)
      target = s.p.who->id;
    else if (const user* u = world.find_user(s.p.where.user_key))
      target = u->id;
    const std::optional<throttle_hit> hit =
        core.throttling.admit(find_endpoint(route)->throttling, *s.p.who, target, s.ctx.now);
    if (!hit) return;
    s.answer = throttled_response(s.ctx, hit->retry_after_ms);
    s.answered_by_fault = s.throttled = true;
    s.early_retry = hit->early;
    s.decision.labels.push_back("throttled: " + hit->limit);
    if (hit->early) s.decision.labels.push_back("early retry");
  }

  // An empty_page rule: the page's items go, and its nextLink stands for the real page.
  static void replace_by_empty_page(detail::graph_core& core, call_state& s) {
    const std::string link = detail::next_link(s.ctx, s.p.url.path, s.p.params,
                                               core.empty_links.add(s.req->url, s.secret));
    if (auto empty = detail::empty_page_for(s.answer, s.ctx, s.page_context, link))
      s.answer = std::move(*empty);
  }

  // Latency a rule injected, waited out by the graph's on_delay hook, outside the world lock.
  static void wait_for_delay(detail::graph_core& core, std::chrono::milliseconds delay) {
    if (delay.count() <= 0) return;
    std::function<void(std::chrono::milliseconds)> wait;
    {
      std::lock_guard<std::mutex> lock(core.delay_mutex);
      wait = core.on_delay;
    }
    if (wait) wait(delay);
  }

  // Record: coverage, and the journal when it is on. Error codes and messages come from what
  // graph_error wrote (s.error), not from parsing the answer back.
  static void record(detail::graph_core& core, const request& in, call_state& s) {
    using namespace detail;
    const endpoint route = s.p.where.kind;
    coverage_event event;
    event.route = route;
    event.shape = route_shape(in, s.p);
    event.options = option_names(s.p.params);
    event.who = s.p.who ? &*s.p.who : nullptr;
    event.answered_by_fault = s.answered_by_fault;
    event.status = s.answer.status;
    if (s.answer.status >= 400) {
      event.code = s.error.code;
      event.message = s.error.message;
    }
    event.faults = s.decision.labels;
    core.coverage.record(event);

    if (!core.journal.enabled()) return;  // copying the answer costs; benchmarks switch it off
    journal_entry e;
    e.sequence = s.n;
    e.time = s.ctx.now;
    e.method = in.method;
    e.url = in.url;
    e.request_headers = in.headers;
    e.route = route;
    e.who = std::move(s.p.who);
    e.status = s.answer.status;
    e.response_headers = s.answer.headers;
    for (const auto& label : s.decision.labels) e.fault += (e.fault.empty() ? "" : "; ") + label;
    e.throttled = s.throttled;
    e.early_retry = s.early_retry;
    e.delay = s.decision.delay;
    core.journal.record(std::move(e), in.body, s.answer.body);
  }

  static response serve(detail::graph_core& core, const detail::world_state& world,
                        const detail::call_context& ctx, const request& req,
                        const detail::prepared_request& p, std::uint64_t secret) {
    using namespace detail;
    const endpoint_row& row = *find_endpoint(p.where.kind);  // prepare() refused the rest
    if (auto refused =
            check_permissions(ctx, *p.who, row.permissions, p.where.me, p.where.all_chats))
      return *refused;
    endpoint_call call{world, core.db, ctx,        *p.who,   row.permissions, row.options,
                       req,   p.where, p.url.path, p.params, secret};
    return row.serve(call);
  }

  std::shared_ptr<detail::graph_core> core_;
};

}  // namespace fakegraph
