// fakegraph: definitions of graph.hpp (see detail/inline.hpp).
#pragma once

#include "graph.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include "detail/endpoints.hpp"
#include "detail/graph_core.hpp"
#include "detail/inline.hpp"
#include "seed.hpp"
#include "store.hpp"

namespace fakegraph {

namespace detail {

FAKEGRAPH_INLINE graph_core::graph_core(world_state w)
    : db(w),
      clock(w.settings.now ? fakegraph::clock(*w.settings.now) : fakegraph::clock()),
      seed_faults(load_faults(w.settings.faults, "settings.faults")),
      seed_throttling(load_throttling(w.settings.throttling, "settings.throttling")),
      seed(std::move(w)) {
  faults.reset(seed_faults, seed.settings.id_seed);
  throttling.configure(seed_throttling);
}

FAKEGRAPH_INLINE prepared_request prepare(const world_state& world, const request& req,
                                          call_context& ctx) {
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

FAKEGRAPH_INLINE std::string route_shape(const request& req, const prepared_request& p) {
  if (p.where.kind == endpoint::none) return req.method + " " + p.url.path;
  return req.method + " /" + std::string(p.where.pattern);
}

FAKEGRAPH_INLINE std::vector<std::string> option_names(const std::vector<query_param>& params) {
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

template <class Add>
std::string graph::with_default_tenant(detail::world_state& w, const std::string& named,
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

FAKEGRAPH_INLINE response graph::handle(const request& req) const { return dispatch(*core_, req); }

FAKEGRAPH_INLINE fakegraph::clock& graph::clock() noexcept { return core_->clock; }

FAKEGRAPH_INLINE const fakegraph::clock& graph::clock() const noexcept { return core_->clock; }

FAKEGRAPH_INLINE fakegraph::journal& graph::journal() noexcept { return core_->journal; }

FAKEGRAPH_INLINE const fakegraph::journal& graph::journal() const noexcept {
  return core_->journal;
}

FAKEGRAPH_INLINE fault_set& graph::faults() noexcept { return core_->faults; }

FAKEGRAPH_INLINE const fault_set& graph::faults() const noexcept { return core_->faults; }

FAKEGRAPH_INLINE throttler& graph::throttling() noexcept { return core_->throttling; }

FAKEGRAPH_INLINE const throttler& graph::throttling() const noexcept { return core_->throttling; }

FAKEGRAPH_INLINE void graph::enable_throttling(throttling_limits limits) {
  core_->throttling.enable(limits);
}

FAKEGRAPH_INLINE fakegraph::coverage& graph::coverage() noexcept { return core_->coverage; }

FAKEGRAPH_INLINE const fakegraph::coverage& graph::coverage() const noexcept {
  return core_->coverage;
}

FAKEGRAPH_INLINE graph::graph()
    : core_(std::make_shared<detail::graph_core>(detail::world_state{})) {}

FAKEGRAPH_INLINE graph graph::from_file(const std::string& path) {
  return from_text(detail::read_file(path), path);
}

FAKEGRAPH_INLINE graph graph::from_text(const std::string& text, const std::string& name) {
  return graph(detail::load_seed_text(text, name));
}

FAKEGRAPH_INLINE graph graph::from_json(const nlohmann::json& seed) {
  return graph(detail::load_seed(seed));
}

FAKEGRAPH_INLINE graph graph::with_users(const std::vector<std::string>& user_principal_names) {
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

FAKEGRAPH_INLINE std::function<response(const request&)> graph::transport() const {
  std::shared_ptr<detail::graph_core> core = core_;
  return [core](const request& req) { return dispatch(*core, req); };
}

FAKEGRAPH_INLINE fakegraph::settings graph::settings() const { return core_->db.read()->settings; }

FAKEGRAPH_INLINE void graph::on_delay(std::function<void(std::chrono::milliseconds)> f) {
  std::lock_guard<std::mutex> lock(core_->delay_mutex);
  core_->on_delay = std::move(f);
}

FAKEGRAPH_INLINE void graph::reset() {
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

FAKEGRAPH_INLINE world_snapshot graph::snapshot() const {
  // The exclusive lock: requests update usage counters under the shared one.
  return world_snapshot(std::make_shared<const detail::world_state>(
      core_->db.write([](detail::world_state& w) { return w; })));
}

FAKEGRAPH_INLINE void graph::restore(const world_snapshot& s) {
  if (!s.state_) throw error("fakegraph.world.empty_snapshot", "this snapshot holds no world");
  core_->db.replace(*s.state_);
}

FAKEGRAPH_INLINE std::string graph::add_tenant(std::string display_name, std::string id) {
  return core_->db.write([&](detail::world_state& w) {
    detail::add_tenant(w, {std::move(id), std::move(display_name)}, {"world", "add_tenant"});
    return w.tenants.back().id;
  });
}

FAKEGRAPH_INLINE std::string graph::add_user(user_spec u) {
  return core_->db.write([&](detail::world_state& w) {
    return with_default_tenant(w, u.tenant, domain_of(u.user_principal_name), [&] {
      detail::add_user(w,
                       {u.id, u.tenant, u.user_principal_name, u.display_name, u.mail, u.licenses},
                       {"world", "add_user"});
      return w.users.back().id;
    });
  });
}

FAKEGRAPH_INLINE std::string graph::add_application(application_spec a) {
  return core_->db.write([&](detail::world_state& w) {
    return with_default_tenant(w, a.tenant, "Contoso", [&] {
      detail::add_application(w, {a.app_id, a.tenant, a.display_name, a.billing},
                              {"world", "add_application"});
      return w.applications.back().app_id;
    });
  });
}

FAKEGRAPH_INLINE std::string graph::add_chat(chat_spec spec) {
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

FAKEGRAPH_INLINE std::string graph::add_member(const std::string& chat_id, chat_member m) {
  const timestamp now = core_->clock.now();
  return core_->db.write([&](detail::world_state& w) {
    detail::add_member(w, chat_id, m, now, {"world", "add_member"});
    return w.chats[w.chat_index.at(chat_id)].data.members.back().user_id;
  });
}

FAKEGRAPH_INLINE std::string graph::add_message(const std::string& chat_id, message_spec m) {
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
  msg.body = detail::item_body(m.content_type, std::move(m.content));
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

FAKEGRAPH_INLINE std::string graph::add_chat_message(const std::string& chat_id, chat_message m) {
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

FAKEGRAPH_INLINE void graph::edit_message(const std::string& chat_id, const std::string& message_id,
                                          std::string content, std::string content_type) {
  const timestamp now = core_->clock.now();
  core_->db.write([&](detail::world_state& w) {
    detail::edit_message(w, chat_id, message_id, std::move(content), std::move(content_type), now,
                         {"world", "edit_message"});
  });
}

FAKEGRAPH_INLINE void graph::delete_message(const std::string& chat_id,
                                            const std::string& message_id) {
  const timestamp now = core_->clock.now();
  core_->db.write([&](detail::world_state& w) {
    detail::delete_message(w, chat_id, message_id, now, {"world", "delete_message"});
  });
}

FAKEGRAPH_INLINE void graph::add_reaction(const std::string& chat_id, const std::string& message_id,
                                          std::string user, std::string reaction_type) {
  const timestamp now = core_->clock.now();
  core_->db.write([&](detail::world_state& w) {
    detail::add_reaction(w, chat_id, message_id, user, reaction_type, now,
                         {"world", "add_reaction"});
  });
}

FAKEGRAPH_INLINE void graph::remove_reaction(const std::string& chat_id,
                                             const std::string& message_id, std::string user,
                                             std::string reaction_type) {
  const timestamp now = core_->clock.now();
  core_->db.write([&](detail::world_state& w) {
    detail::remove_reaction(w, chat_id, message_id, user, reaction_type, now,
                            {"world", "remove_reaction"});
  });
}

FAKEGRAPH_INLINE std::string graph::add_token(std::string value, token t) {
  t.value = value;
  core_->db.write([&](detail::world_state& w) {
    detail::add_token(w, std::move(t), {"world", "add_token"});
  });
  return value;
}

FAKEGRAPH_INLINE graph::graph(detail::world_state w)
    : core_(std::make_shared<detail::graph_core>(std::move(w))) {}

FAKEGRAPH_INLINE std::string graph::domain_of(const std::string& upn) {
  const std::size_t at = upn.find('@');
  return at == std::string::npos || at + 1 == upn.size() ? std::string("Contoso")
                                                         : upn.substr(at + 1);
}

FAKEGRAPH_INLINE response graph::dispatch(detail::graph_core& core, const request& in) {
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

FAKEGRAPH_INLINE void graph::prepare_call(detail::graph_core& core,
                                          const detail::world_state& world, const request& in,
                                          call_state& s) {
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

FAKEGRAPH_INLINE void graph::apply_faults(detail::graph_core& core,
                                          const detail::world_state& world, const request& in,
                                          call_state& s) {
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

FAKEGRAPH_INLINE void graph::replace_by_empty_page(detail::graph_core& core, call_state& s) {
  const std::string link = detail::next_link(s.ctx, s.p.url.path, s.p.params,
                                             core.empty_links.add(s.req->url, s.secret));
  if (auto empty = detail::empty_page_for(s.answer, s.ctx, s.page_context, link))
    s.answer = std::move(*empty);
}

FAKEGRAPH_INLINE void graph::wait_for_delay(detail::graph_core& core,
                                            std::chrono::milliseconds delay) {
  if (delay.count() <= 0) return;
  std::function<void(std::chrono::milliseconds)> wait;
  {
    std::lock_guard<std::mutex> lock(core.delay_mutex);
    wait = core.on_delay;
  }
  if (wait) wait(delay);
}

FAKEGRAPH_INLINE void graph::record(detail::graph_core& core, const request& in, call_state& s) {
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

FAKEGRAPH_INLINE response graph::serve(detail::graph_core& core, const detail::world_state& world,
                                       const detail::call_context& ctx, const request& req,
                                       const detail::prepared_request& p, std::uint64_t secret) {
  using namespace detail;
  const endpoint_row& row = *find_endpoint(p.where.kind);  // prepare() refused the rest
  if (auto refused = check_permissions(ctx, *p.who, row.permissions, p.where.me, p.where.all_chats))
    return *refused;
  endpoint_call call{world, core.db, ctx,        *p.who,   row.permissions, row.options,
                     req,   p.where, p.url.path, p.params, secret};
  return row.serve(call);
}

}  // namespace fakegraph
