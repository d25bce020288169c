// fakegraph: the control plane, `/_fakegraph/…`: what the in-process API gives a C++ test
// (reset, the clock, the journal, fault rules, the world, snapshots, coverage) as JSON calls,
// for tests in any language against fakegraph-server. It knows no sockets: the server routes
// `/_fakegraph/` here, and a test can call `handle()` directly.
#pragma once

#include <nlohmann/json.hpp>  // nlohmann::json

#include <atomic>       // std::atomic
#include <cstdint>      // std::uint64_t
#include <map>          // std::map
#include <mutex>        // std::mutex, std::lock_guard
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "detail/graph_core.hpp"
#include "graph.hpp"
#include "seed.hpp"
#include "store.hpp"

namespace fakegraph {

/// How a control plane treats the clock.
struct control_options {
  /// After a reset the clock runs from the seed's time (fakegraph-server's `--clock running`)
  /// instead of standing still.
  bool clock_running = false;
};

/// The `/_fakegraph/` calls on one graph. Every answer is JSON (or 204), errors in Graph's
/// error body. Safe to call from many threads; shares the graph's state as `transport()` does.
/// The calls (the README's "control plane" table has the details):
/// - `POST reset`: world, clock, faults, throttling, journal, coverage back to the seed; 204.
/// - `GET clock`: `{"now", "running"}`; `POST clock`: `{"now"}` or `{"advance": "PT1H"}`,
///   and/or `{"running"}`.
/// - `GET journal` (`?status=`, `?endpoint=`, `?since=`): `{"value": [entries]}`;
///   `DELETE journal`.
/// - `GET`, `POST`, `DELETE faults`, `DELETE faults/{id}`: the rules, in the seed's format.
/// - `POST world`: seed-format entities and `messages` added, all or nothing; 201 with ids.
/// - `PATCH chats/{chatId}/messages/{messageId}`: `{"body": {"contentType", "content"}}`, an
///   edit; 200 with the message as stored. `DELETE` the same: a deletion; 204.
///   `POST chats/{chatId}/messages/{messageId}/reactions`: `{"user", "reactionType"}`; 201
///   with the message as stored. `DELETE` the same, with the same body, removes that reaction;
///   200 with the message as stored. An unknown chat, message or reaction is 404.
/// - `POST snapshots`: 201 `{"id"}`; `POST snapshots/{id}/restore`: 204.
/// - `GET coverage`: the coverage report.
class control_plane {
 public:
  explicit control_plane(const graph& g, control_options options = {})
      : graph_(g.core_), options_(options) {}

  /// The path prefix of every call.
  static constexpr std::string_view prefix = "/_fakegraph";

  /// Whether a request path (still encoded, without the query) is a control-plane call.
  static bool owns(std::string_view path) {
    return path == prefix ||
           (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
            path[prefix.size()] == '/');
  }

  /// Answers one call. Never throws on what the request holds.
  response handle(const request& req) {
    detail::call_context ctx = context(req);
    const detail::url_parts url = detail::split_url(req.url);
    std::vector<std::string> segments;
    for (const auto piece : detail::split(url.path, '/')) {
      if (piece.empty()) continue;
      auto decoded = detail::percent_decode(piece, false);
      if (!decoded) return bad_request(ctx, "broken percent-escape in the path");
      segments.push_back(std::move(*decoded));
    }
    if (segments.empty() || "/" + segments[0] != prefix) return not_found(ctx, url.path);
    segments.erase(segments.begin());
    const auto params = detail::parse_query(url.query);
    if (!params) return bad_request(ctx, "broken percent-escape in the query string");
    try {
      return route(req, ctx, segments, *params);
    } catch (const error& e) {  // a rule or world the graph refused: the caller's mistake
      return bad_request(ctx, e.what());
    }
  }

 private:
  using json = nlohmann::json;

  response route(const request& req, const detail::call_context& ctx,
                 const std::vector<std::string>& seg,
                 const std::vector<detail::query_param>& params) {
    const std::string& m = req.method;
    const std::string what = seg.empty() ? std::string() : seg[0];
    if (seg.size() == 1 && what == "reset") {
      if (m != "POST") return method_not_allowed(ctx, "POST");
      graph_.reset();
      if (options_.clock_running) graph_.clock().run_from(graph_.clock().now());
      return no_content(ctx);
    }
    if (seg.size() == 1 && what == "clock") {
      if (m == "GET") return ok(ctx, clock_json());
      if (m != "POST") return method_not_allowed(ctx, "GET, POST");
      return set_clock(req, ctx);
    }
    if (seg.size() == 1 && what == "journal") {
      if (m == "DELETE") {
        graph_.journal().clear();
        return no_content(ctx);
      }
      if (m != "GET") return method_not_allowed(ctx, "GET, DELETE");
      return journal(ctx, params);
    }
    if (seg.size() == 1 && what == "world") {
      if (m != "POST") return method_not_allowed(ctx, "POST");
      return add_to_world(req, ctx);
    }
    if (what == "chats" && seg.size() >= 4 && seg[2] == "messages")
      return change_message(req, ctx, seg);
    if (what == "faults" && seg.size() <= 2) return faults(req, ctx, seg);
    if (what == "snapshots") return snapshots(req, ctx, seg);
    if (seg.size() == 1 && what == "coverage") {
      if (m != "GET") return method_not_allowed(ctx, "GET");
      return ok(ctx, graph_.coverage().data().json());
    }
    return not_found(ctx, req.url);
  }

  // ---- the clock -------------------------------------------------------------------

  json clock_json() const {
    return {{"now", format_time(graph_.clock().now())}, {"running", !graph_.clock().is_fixed()}};
  }

  response set_clock(const request& req, const detail::call_context& ctx) {
    const json body = detail::parse_json(req.body);
    const std::string accepted =
        "Give {\"now\": \"<ISO-8601 UTC time>\"} or {\"advance\": \"<ISO-8601 duration such as "
        "PT1H30M>\"}, and/or {\"running\": true|false}.";
    if (!body.is_object() || body.empty())
      return bad_request(ctx, "the body is no object. " + accepted);
    for (const auto& [key, value] : body.items())
      if (key != "now" && key != "advance" && key != "running")
        return bad_request(ctx, "unknown key '" + key + "'. " + accepted);
    if (body.contains("now") && body.contains("advance"))
      return bad_request(ctx, "'now' and 'advance' do not go together. " + accepted);
    std::optional<timestamp> now;
    std::optional<std::int64_t> advance;
    std::optional<bool> running;
    if (const auto it = body.find("now"); it != body.end()) {
      if (it->is_string()) now = parse_time(it->get_ref<const std::string&>());
      if (!now) return bad_request(ctx, "'now' is not an ISO-8601 time. " + accepted);
    }
    if (const auto it = body.find("advance"); it != body.end()) {
      if (it->is_string()) advance = parse_duration(it->get_ref<const std::string&>());
      if (!advance)
        return bad_request(ctx,
                           "'advance' is not an ISO-8601 duration of days, hours, minutes and "
                           "seconds. " +
                               accepted);
    }
    if (const auto it = body.find("running"); it != body.end()) {
      if (!it->is_boolean()) return bad_request(ctx, "'running' is not true or false. " + accepted);
      running = it->get<bool>();
    }
    fakegraph::clock& c = graph_.clock();
    const bool run = running.value_or(!c.is_fixed());
    timestamp t = c.now();
    if (now) t = *now;
    if (advance) t += *advance;
    if (run)
      c.run_from(t);
    else
      c.set(t);
    return ok(ctx, clock_json());
  }

  // ---- the journal -----------------------------------------------------------------

  static json headers_json(const header_list& headers) {
    json out = json::object();
    for (const auto& [name, value] : headers) {
      auto& slot = out[name];
      slot = slot.is_string() ? json(slot.get<std::string>() + ", " + value) : json(value);
    }
    return out;
  }

  static json principal_json(const std::optional<principal>& who) {
    if (!who) return nullptr;
    const char* type = who->is_application() ? "application"
                       : who->is_delegated() ? "user"
                                             : "personalAccount";
    return {{"type", type}, {"id", who->id}, {"tenantId", who->tenant_id}};
  }

  response journal(const detail::call_context& ctx,
                   const std::vector<detail::query_param>& params) {
    std::optional<int> status;
    std::optional<endpoint> route;
    std::uint64_t since = 0;
    for (const auto& p : params) {
      const bool number = !p.value.empty() && p.value.size() <= 18 &&
                          p.value.find_first_not_of("0123456789") == std::string::npos;
      if (p.name == "status" && number && p.value.size() <= 3) {
        status = std::stoi(p.value);
      } else if (p.name == "endpoint" && parse_endpoint(p.value)) {
        route = parse_endpoint(p.value);
      } else if (p.name == "since" && number) {
        since = std::stoull(p.value);
      } else {
        return bad_request(ctx,
                           "the journal takes ?status=<code>, ?endpoint=<listChats | "
                           "getAllMessages | none> and ?since=<sequence>, not '" +
                               p.name + "=" + p.value + "'");
      }
    }
    json value = json::array();
    for (const auto& e : graph_.journal().entries()) {
      if ((status && e.status != *status) || (route && e.route != *route) || e.sequence <= since)
        continue;
      value.push_back({{"sequence", e.sequence},
                       {"time", format_time(e.time)},
                       {"method", e.method},
                       {"url", e.url},
                       {"status", e.status},
                       {"endpoint", to_string(e.route)},
                       {"principal", principal_json(e.who)},
                       {"fault", e.fault},
                       {"requestHeaders", headers_json(e.request_headers)},
                       {"responseHeaders", headers_json(e.response_headers)},
                       {"body", e.response_body}});
    }
    return ok(ctx, {{"value", std::move(value)}});
  }

  // ---- fault rules -----------------------------------------------------------------

  json rule_json(std::size_t id) const {
    const fault_set& rules = graph_.faults();
    return {{"id", id},
            {"description", rules.rule(id).describe()},
            {"matched", rules.matched(id)},
            {"fired", rules.fired(id)}};
  }

  response faults(const request& req, const detail::call_context& ctx,
                  const std::vector<std::string>& seg) {
    fault_set& rules = graph_.faults();
    const std::string& m = req.method;
    if (seg.size() == 2) {
      if (m != "DELETE") return method_not_allowed(ctx, "DELETE");
      const auto id = number(seg[1]);
      if (!id || !rules.remove(*id)) return not_found(ctx, req.url);
      return no_content(ctx);
    }
    if (m == "DELETE") {
      rules.clear();
      return no_content(ctx);
    }
    if (m == "GET") {
      json value = json::array();
      for (const std::size_t id : rules.ids()) {
        try {
          value.push_back(rule_json(id));
        } catch (const error&) {  // removed meanwhile by another call
        }
      }
      return ok(ctx, {{"value", std::move(value)}});
    }
    if (m != "POST") return method_not_allowed(ctx, "GET, POST, DELETE");
    const json body = detail::parse_json(req.body);
    if (!body.is_object())
      return bad_request(ctx, "give one rule as an object, in the seed's settings.faults format");
    // One rule, read exactly as a seed's settings.faults[0] would be.
    std::vector<fault> parsed = detail::load_faults(json::array({body}), "body");
    const std::size_t id = rules.add(std::move(parsed.front()));
    json stored = rule_json(id);
    stored["rule"] = body;
    return answer(ctx, 201, stored);
  }

  // ---- the world -------------------------------------------------------------------

  response add_to_world(const request& req, const detail::call_context& ctx) {
    const json body = detail::parse_json(req.body);
    if (!body.is_object())
      return bad_request(ctx,
                         "give an object with any of tenants, users, applications, chats (with "
                         "members and messages) and tokens in the seed format, and messages: "
                         "[{\"chatId\": \"…\", …a seed message}] for chats that exist");
    const timestamp now = graph_.clock().now();
    // All or nothing: add_fragment builds the next world beside the current one.
    const detail::added_ids ids = graph_.core_->db.write(
        [&](detail::world_state& w) { return detail::add_fragment(w, body, now); });
    json messages = json::array();
    for (const auto& [chat, id] : ids.messages) messages.push_back({{"chatId", chat}, {"id", id}});
    return answer(ctx, 201,
                  {{"tenants", ids.tenants},
                   {"users", ids.users},
                   {"applications", ids.applications},
                   {"chats", ids.chats},
                   {"messages", std::move(messages)},
                   {"tokens", ids.tokens}});
  }

  // ---- changes to messages ---------------------------------------------------------

  response change_message(const request& req, const detail::call_context& ctx,
                          const std::vector<std::string>& seg) {
    const std::string& m = req.method;
    const std::string& chat_id = seg[1];
    const std::string& message_id = seg[3];
    const detail::origin o{"control", ""};
    if (seg.size() == 5 && seg[4] == "reactions") {
      if (m != "POST" && m != "DELETE") return method_not_allowed(ctx, "POST, DELETE");
      const std::string accepted =
          "Give {\"user\": \"<member id or userPrincipalName>\", \"reactionType\": \"like\"} "
          "(like, angry, sad, laugh, heart, surprised or one emoji).";
      const json body = detail::parse_json(req.body);
      if (!body.is_object()) return bad_request(ctx, "the body is no object. " + accepted);
      for (const auto& [key, value] : body.items())
        if (key != "user" && key != "reactionType")
          return bad_request(ctx, "unknown key '" + key + "'. " + accepted);
      const auto user = body.find("user");
      if (user == body.end() || !user->is_string())
        return bad_request(ctx, "'user' is missing or not a string. " + accepted);
      const auto type = body.find("reactionType");
      if (type == body.end() || !type->is_string())
        return bad_request(ctx, "'reactionType' is missing or not a string. " + accepted);
      if (m == "DELETE")
        return change(ctx, 200, accepted, [&](detail::world_state& w, timestamp now) {
          return detail::remove_reaction(w, chat_id, message_id, user->get<std::string>(),
                                         type->get<std::string>(), now, o);
        });
      return change(ctx, 201, accepted, [&](detail::world_state& w, timestamp now) {
        return detail::add_reaction(w, chat_id, message_id, user->get<std::string>(),
                                    type->get<std::string>(), now, o);
      });
    }
    if (seg.size() != 4) return not_found(ctx, req.url);
    if (m == "DELETE")
      return change(ctx, 204, {}, [&](detail::world_state& w, timestamp now) {
        return detail::delete_message(w, chat_id, message_id, now, o);
      });
    if (m != "PATCH") return method_not_allowed(ctx, "PATCH, DELETE");
    const std::string accepted =
        "Give {\"body\": {\"contentType\": \"text\" | \"html\", \"content\": \"…\"}}.";
    const json body = detail::parse_json(req.body);
    if (!body.is_object()) return bad_request(ctx, "the body is no object. " + accepted);
    for (const auto& [key, value] : body.items())
      if (key != "body") return bad_request(ctx, "unknown key '" + key + "'. " + accepted);
    const auto item = body.find("body");
    if (item == body.end() || !item->is_object())
      return bad_request(ctx, "'body' is missing or not an object. " + accepted);
    for (const auto& [key, value] : item->items())
      if (key != "contentType" && key != "content")
        return bad_request(ctx, "unknown key 'body." + key + "'. " + accepted);
    const auto content = item->find("content");
    if (content == item->end() || !content->is_string())
      return bad_request(ctx, "'body.content' is missing or not a string. " + accepted);
    const auto type = item->find("contentType");
    if (type != item->end() && !type->is_string())
      return bad_request(ctx, "'body.contentType' is not a string. " + accepted);
    const std::string content_type = type == item->end() ? "text" : type->get<std::string>();
    return change(ctx, 200, accepted, [&](detail::world_state& w, timestamp now) {
      return detail::edit_message(w, chat_id, message_id, content->get<std::string>(), content_type,
                                  now, o);
    });
  }

  // Makes a change at the graph's clock and answers `status` with the message as stored (as
  // getAllMessages writes it), or 204. A refusal is 404 for an unknown chat, message or
  // reaction, else 400 (`accepted` follows a bad value).
  template <class Change>
  response change(const detail::call_context& ctx, int status, const std::string& accepted,
                  Change&& make) {
    const timestamp now = graph_.clock().now();
    std::string stored;
    try {
      stored = graph_.core_->db.write([&](detail::world_state& w) {
        const detail::message_ref ref = make(w, now);
        if (status == 204) return std::string();
        const detail::stored_message& m = w.message(ref);
        return detail::message_text(w.chats[ref.chat], m, false, m.sender().tenant_id);
      });
    } catch (const error& e) {
      if (e.id() == "fakegraph.control.unknown_chat" ||
          e.id() == "fakegraph.control.unknown_message" ||
          e.id() == "fakegraph.control.no_reaction")
        return detail::graph_error(ctx, 404, "NotFound", e.what());
      if (e.id() == "fakegraph.control.bad_value" && !accepted.empty())
        return bad_request(ctx, e.what() + (". " + accepted));
      return bad_request(ctx, e.what());
    }
    if (status == 204) return no_content(ctx);
    return detail::make_response(ctx, status, std::move(stored));
  }

  // ---- snapshots -------------------------------------------------------------------

  response snapshots(const request& req, const detail::call_context& ctx,
                     const std::vector<std::string>& seg) {
    if (seg.size() == 1) {
      if (req.method != "POST") return method_not_allowed(ctx, "POST");
      world_snapshot s = graph_.snapshot();
      std::lock_guard<std::mutex> lock(mutex_);
      const std::string id = std::to_string(++snapshot_count_);
      snapshots_.emplace(id, std::move(s));
      return answer(ctx, 201, {{"id", id}});
    }
    if (seg.size() != 3 || seg[2] != "restore") return not_found(ctx, req.url);
    if (req.method != "POST") return method_not_allowed(ctx, "POST");
    world_snapshot s;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const auto it = snapshots_.find(seg[1]);
      if (it == snapshots_.end()) return not_found(ctx, req.url);
      s = it->second;
    }
    graph_.restore(s);
    return no_content(ctx);
  }

  // ---- answers ---------------------------------------------------------------------

  static std::optional<std::size_t> number(const std::string& s) {
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    return static_cast<std::size_t>(std::stoul(s));
  }

  detail::call_context context(const request& req) {
    detail::call_context ctx;
    ctx.now = graph_.clock().now();
    const std::uint64_t n = calls_.fetch_add(1) + 1;
    ctx.request_id =
        detail::make_guid(detail::splitmix64(n ^ 0xC0417201ull), detail::splitmix64(n + 0x5EED));
    ctx.client_request_id = detail::header_text(req.header("client-request-id"));
    if (ctx.client_request_id.empty()) ctx.client_request_id = ctx.request_id;
    return ctx;
  }
  static response answer(const detail::call_context& ctx, int status, const json& body) {
    return detail::make_response(ctx, status, detail::wire_text(body));
  }
  static response ok(const detail::call_context& ctx, const json& body) {
    return answer(ctx, 200, body);
  }
  static response no_content(const detail::call_context& ctx) {
    return detail::empty_response(ctx, 204);
  }
  static response bad_request(const detail::call_context& ctx, const std::string& why) {
    return detail::graph_error(ctx, 400, "BadRequest", why);
  }
  static response not_found(const detail::call_context& ctx, std::string_view what) {
    return detail::graph_error(
        ctx, 404, "NotFound",
        "No control-plane call or item at '" + std::string(what) +
            "'. Calls: POST /_fakegraph/reset; GET, POST /_fakegraph/clock; GET, DELETE "
            "/_fakegraph/journal; GET, POST, DELETE /_fakegraph/faults; DELETE "
            "/_fakegraph/faults/{id}; POST /_fakegraph/world; PATCH, DELETE "
            "/_fakegraph/chats/{chatId}/messages/{messageId}; POST, DELETE "
            "/_fakegraph/chats/{chatId}/messages/{messageId}/reactions; POST "
            "/_fakegraph/snapshots; POST /_fakegraph/snapshots/{id}/restore; GET "
            "/_fakegraph/coverage.");
  }
  static response method_not_allowed(const detail::call_context& ctx, std::string_view allow) {
    response r = detail::graph_error(ctx, 405, "MethodNotAllowed",
                                     "This control-plane call takes " + std::string(allow) + ".");
    r.headers.emplace_back("Allow", std::string(allow));
    return r;
  }

  graph graph_;
  control_options options_;
  std::atomic<std::uint64_t> calls_{0};
  std::mutex mutex_;  // guards the snapshots
  std::map<std::string, world_snapshot> snapshots_;
  std::uint64_t snapshot_count_ = 0;
};

}  // namespace fakegraph
