// fakegraph: the facade — a seeded Graph answering requests in memory.
#pragma once

#include <nlohmann/json.hpp>  // nlohmann::json

#include <atomic>       // std::atomic
#include <cstdint>      // std::uint64_t
#include <functional>   // std::function
#include <memory>       // std::shared_ptr, std::make_shared
#include <string>       // std::string
#include <utility>      // std::move
#include <vector>       // std::vector

#include "clock.hpp"
#include "get_all_messages.hpp"
#include "http.hpp"
#include "list_chats.hpp"
#include "seed.hpp"
#include "store.hpp"

namespace fakegraph {

namespace detail {

/// Everything a graph owns. Shared with the functions `transport()` hands out, so a
/// transport keeps working after the graph object itself has moved.
struct graph_core {
  explicit graph_core(world_state w)
      : db(w), clock(w.settings.now ? fakegraph::clock(*w.settings.now) : fakegraph::clock()), seed(std::move(w)) {}

  store db;
  fakegraph::clock clock;
  world_state seed;  // the world as loaded, for reset()
  std::atomic<std::uint64_t> requests{0};
};

}  // namespace detail

/// An in-memory Microsoft Graph serving List chats and chats: getAllMessages.
///
/// Thread safety: `handle()` may be called from many threads at once; writes to the
/// world take an exclusive lock. Distinct graphs share nothing.
/// Movable, not copyable (a copy would silently share or fork state).
class graph {
 public:
  /// An empty world (no tenants, users or tokens), on the wall clock.
  graph() : core_(std::make_shared<detail::graph_core>(detail::world_state{})) {}

  /// Loads a seed file (see seed-format in the README). Throws `fakegraph::error`
  /// (`fakegraph.seed.*`) naming the JSON path of the first fault.
  static graph from_file(const std::string& path) {
    return from_json(detail::parse_seed_text(detail::read_file(path), path));
  }

  /// Loads a seed given as JSON. Throws like from_file.
  static graph from_json(const nlohmann::json& seed) { return graph(detail::load_seed(seed)); }

  graph(graph&&) noexcept = default;
  graph& operator=(graph&&) noexcept = default;
  graph(const graph&) = delete;
  graph& operator=(const graph&) = delete;

  /// Answers one request exactly as Graph would: status, headers, body bytes.
  response handle(const request& req) const { return dispatch(*core_, req); }

  /// A function with the shape of an HTTP client, for the code under test. It shares this
  /// graph's state and stays valid after the graph object is moved.
  std::function<response(const request&)> transport() const {
    std::shared_ptr<detail::graph_core> core = core_;
    return [core](const request& req) { return dispatch(*core, req); };
  }

  /// The graph's clock: fix it, step it (`advance(std::chrono::hours(24))`).
  fakegraph::clock& clock() noexcept { return core_->clock; }
  const fakegraph::clock& clock() const noexcept { return core_->clock; }

  /// The settings in force.
  fakegraph::settings settings() const { return core_->db.read()->settings; }

 private:
  explicit graph(detail::world_state w) : core_(std::make_shared<detail::graph_core>(std::move(w))) {}

  static response dispatch(detail::graph_core& core, const request& req) {
    using namespace detail;
    call_context ctx;
    ctx.now = core.clock.now();
    const std::uint64_t n = core.requests.fetch_add(1) + 1;
    const store::reader world = core.db.read();
    const std::uint64_t seed = world->settings.id_seed;
    ctx.request_id = make_guid(splitmix64(seed ^ (n * 0x9E3779B97F4A7C15ull)), splitmix64(n + seed * 31));
    ctx.client_request_id = req.header("client-request-id");
    if (ctx.client_request_id.empty()) ctx.client_request_id = ctx.request_id;

    const url_parts url = split_url(req.url);
    const std::string host = url.host.empty() ? req.header("Host") : url.host;
    ctx.origin = !url.scheme.empty() && !url.host.empty() ? url.scheme + "://" + url.host
                 : !host.empty()                          ? "https://" + host
                                                          : world->settings.base_url;
    ctx.version = "v1.0";

    std::vector<std::string> segments;
    for (auto raw : split(url.path, '/')) {
      if (raw.empty()) continue;
      auto decoded = percent_decode(raw, false);
      if (!decoded)
        return graph_error(ctx, 400, "BadRequest",
                           "The URL path has a broken percent-escape in '" + std::string(raw) + "'.");
      segments.push_back(std::move(*decoded));
    }
    if (segments.empty() || !(iequals(segments[0], "v1.0") || iequals(segments[0], "beta")))
      return graph_error(ctx, 400, "BadRequest",
                         "Invalid version: '" + (segments.empty() ? std::string() : segments[0]) +
                             "'. Supported versions: v1.0, beta.");
    ctx.version = to_lower(segments[0]) == "beta" ? "beta" : "v1.0";
    segments.erase(segments.begin());

    const route where = match_route(segments);
    if (where.kind == route_kind::not_found)
      return graph_error(ctx, 404, "NotFound",
                         "Resource not found for the segment '" + where.unknown_segment +
                             "'. This fake serves GET /v1.0/chats, /v1.0/me/chats, "
                             "/v1.0/users/{id | userPrincipalName}/chats and "
                             "/v1.0/users/{id | userPrincipalName}/chats/getAllMessages.");
    if (req.method != "GET")
      return graph_error(ctx, 405, "MethodNotAllowed",
                         "The method '" + req.method + "' is not allowed on this resource. This fake serves GET only.");

    std::string bad;
    auto params = parse_query(url.query, &bad);
    if (!params)
      return graph_error(ctx, 400, "BadRequest", "The query string has a broken percent-escape in '" + bad + "'.");

    auth_outcome auth = authenticate(*world, req.header("Authorization"), ctx.now);
    if (!auth.who) return graph_error(ctx, 401, "InvalidAuthenticationToken", auth.message);
    if (auth.who->type == principal::kind::personal_account)
      return graph_error(ctx, 403, "Forbidden",
                         "No authorization information present on the request. This API does not support personal "
                         "Microsoft accounts; sign in with a work or school account.");

    endpoint_call call{*world, core.db, ctx, *auth.who, req, where, url.path, std::move(*params),
                       splitmix64(seed ^ 0xF4CE6A9Full)};
    switch (where.kind) {
      case route_kind::list_chats: return list_chats(call);
      case route_kind::get_all_messages: return get_all_messages(call);
      case route_kind::not_found: break;
    }
    return graph_error(ctx, 404, "NotFound", "Resource not found.");
  }

  std::shared_ptr<detail::graph_core> core_;
};

}  // namespace fakegraph
