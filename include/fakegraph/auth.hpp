// fakegraph: bearer tokens to principals, and the permission vocabulary.
#pragma once

#include <nlohmann/json.hpp>  // nlohmann::json (JWT claims)

#include <initializer_list>  // std::initializer_list
#include <optional>          // std::optional
#include <string>            // std::string
#include <string_view>       // std::string_view
#include <utility>           // std::pair
#include <vector>            // std::vector

#include "http.hpp"
#include "store.hpp"

namespace fakegraph {

/// Who is calling: a signed-in work/school user (delegated), an application (app-only),
/// or a personal Microsoft account.
struct principal {
  enum class kind { user, application, personal_account };
  kind type = kind::user;
  std::string id;         // user id, or appId
  std::string tenant_id;  // the token's tenant
  std::vector<std::string> scopes;
  std::vector<std::string> roles;

  bool is_delegated() const noexcept { return type == kind::user; }
  bool is_application() const noexcept { return type == kind::application; }
};

namespace detail {

/// The personal Microsoft account (consumer) tenant.
inline constexpr std::string_view msa_tenant = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// Either a principal or Graph's 401 message.
struct auth_outcome {
  std::optional<principal> who;
  std::string message;  // the InvalidAuthenticationToken message when `who` is empty
};

inline auth_outcome auth_failure(std::string message) { return {std::nullopt, std::move(message)}; }

inline std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  for (auto w : split(s, ' '))
    if (!w.empty()) out.emplace_back(w);
  return out;
}

/// How far a token's exp and nbf may be off the clock: Microsoft's token validators allow
/// five minutes by default.
inline constexpr timestamp jwt_clock_skew = 5 * 60 * 1000;

inline bool is_number(const nlohmann::json& j) { return j.is_number(); }
inline bool is_string(const nlohmann::json& j) { return j.is_string(); }
inline bool is_string_array(const nlohmann::json& j) {
  if (!j.is_array()) return false;
  for (const auto& item : j)
    if (!item.is_string()) return false;
  return true;
}
inline const char* claim_type_name(std::string_view claim) {
  if (claim == "exp" || claim == "nbf") return "a number (seconds since 1970)";
  if (claim == "roles") return "an array of strings";
  return "a string";
}

/// Reads an unsigned JWT (any signature: the fake does not verify it) the way Microsoft
/// identity tokens carry claims: tid, oid, appid/azp, scp, roles, exp, nbf, idtyp, aud.
inline auth_outcome from_jwt(const world_state& w, std::string_view raw, timestamp now) {
  const auto parts = split(raw, '.');
  const auto header = parts.size() == 3 ? base64_decode(parts[0]) : std::nullopt;
  const auto payload = parts.size() == 3 ? base64_decode(parts[1]) : std::nullopt;
  const nlohmann::json h = header ? parse_json(*header) : nlohmann::json();
  const nlohmann::json c = payload ? parse_json(*payload) : nlohmann::json();
  if (!h.is_object() || !c.is_object())
    return auth_failure("CompactToken parsing failed with error code: 80049217");
  // A claim of the wrong JSON type makes the token invalid, as Microsoft's validators
  // treat it: it never means "no expiry" or "no roles".
  for (const auto& [name, is_right_type] :
       {std::pair<const char*, bool (*)(const nlohmann::json&)>{"exp", is_number},
        {"nbf", is_number},
        {"scp", is_string},
        {"roles", is_string_array},
        {"tid", is_string},
        {"oid", is_string},
        {"appid", is_string},
        {"azp", is_string},
        {"idtyp", is_string},
        {"aud", is_string}})
    if (const auto it = c.find(name); it != c.end() && !is_right_type(*it))
      return auth_failure(std::string("Access token validation failure. The claim '") + name +
                          "' must be " + claim_type_name(name) + ", not " + it->type_name() + ".");
  auto claim = [&](const char* name) -> std::string {
    auto it = c.find(name);
    return it != c.end() ? it->get<std::string>() : std::string();
  };
  // exp and nbf in seconds, with the clock skew validators allow; compared as doubles, so any
  // number a token holds compares without overflow.
  const double now_s = static_cast<double>(now) / 1000;
  const double skew_s = static_cast<double>(jwt_clock_skew) / 1000;
  if (const auto exp = c.find("exp"); exp != c.end() && exp->get<double>() <= now_s - skew_s)
    return auth_failure("Access token has expired or is not yet valid.");
  if (const auto nbf = c.find("nbf"); nbf != c.end() && nbf->get<double>() > now_s + skew_s)
    return auth_failure("Access token has expired or is not yet valid.");
  if (c.contains("aud")) {
    const std::string aud = claim("aud");
    if (aud != "https://graph.microsoft.com" && aud != "https://graph.microsoft.com/" &&
        aud != "00000003-0000-0000-c000-000000000000")
      return auth_failure("Access token validation failure. Invalid audience.");
  }
  principal p;
  p.tenant_id = claim("tid");
  if (iequals(p.tenant_id, msa_tenant)) {
    p.type = principal::kind::personal_account;
    p.id = claim("oid");
    p.scopes = split_words(claim("scp"));
    return {p, {}};
  }
  if (!w.find_tenant(p.tenant_id)) return auth_failure("Access token validation failure.");
  p.tenant_id = w.find_tenant(p.tenant_id)->id;
  if (const auto roles = c.find("roles"); roles != c.end())
    for (const auto& r : *roles) p.roles.push_back(r.get<std::string>());
  p.scopes = split_words(claim("scp"));
  const std::string idtyp = claim("idtyp");
  // App-only tokens say idtyp=app; older ones are recognisable by having no scp claim.
  const bool app = idtyp == "app" || (idtyp.empty() && !c.contains("scp"));
  if (app) {
    p.type = principal::kind::application;
    std::string app_id = claim("appid");
    if (app_id.empty()) app_id = claim("azp");
    const application* a = w.find_application(app_id);
    if (!a) return auth_failure("Access token validation failure.");
    p.id = a->app_id;
    p.scopes.clear();
    return {p, {}};
  }
  const user* u = w.find_user(claim("oid"));
  if (!u || !iequals(u->tenant_id, p.tenant_id))
    return auth_failure("Access token validation failure.");
  p.type = principal::kind::user;
  p.id = u->id;
  p.roles.clear();
  return {p, {}};
}

/// Graph's first gate: the Authorization header to a principal, or a 401 message.
inline auth_outcome authenticate(const world_state& w, std::string_view authorization,
                                 timestamp now) {
  authorization = trim(authorization);
  if (authorization.empty()) return auth_failure("Access token is empty.");
  if (!istarts_with(authorization, "Bearer") ||
      (authorization.size() > 6 && authorization[6] != ' '))
    return auth_failure("CompactToken parsing failed with error code: 80049217");
  const std::string_view raw = trim(authorization.substr(6));
  if (raw.empty()) return auth_failure("Access token is empty.");
  const auto it = w.tokens.find(std::string(raw));
  if (it == w.tokens.end()) return from_jwt(w, raw, now);
  const token& t = it->second;
  if ((t.expires && *t.expires <= now) || (t.not_before && *t.not_before > now))
    return auth_failure("Access token has expired or is not yet valid.");
  principal p;
  p.id = t.subject;
  p.tenant_id = t.tenant_id;
  p.scopes = t.scopes;
  p.roles = t.roles;
  p.type = t.type == token::kind::user          ? principal::kind::user
           : t.type == token::kind::application ? principal::kind::application
                                                : principal::kind::personal_account;
  return {p, {}};
}

/// Who may call an endpoint: its permission table in graph-semantics.md. Names ignore case.
struct permission_rule {
  std::vector<std::string_view> delegated;    // scopes; none: delegated callers get 412
  std::vector<std::string_view> application;  // roles that hold in the whole tenant
  // Roles that hold only in a chat where the application is installed (resource-specific
  // consent, `*.WhereInstalled`): the chat's installedApps names its appId. The endpoint
  // checks that once it has the chat (find_path_chat).
  std::vector<std::string_view> where_installed;
  // The 400 an application gets on a route that names no user (`/chats`), when the endpoint
  // serves only delegated callers there; empty when applications may call it.
  std::string_view application_needs_user;
};

/// Whether any of `granted` is one of `accepted` (permission names ignore case).
inline bool grants_any(const std::vector<std::string>& granted,
                       const std::vector<std::string_view>& accepted) {
  for (const auto& g : granted)
    for (const auto a : accepted)
      if (iequals(g, a)) return true;
  return false;
}

/// "A, B, C" as Graph lists permissions in its 403 messages.
template <class Items>
std::string join_names(const Items& items, std::string_view sep) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

inline std::string join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  return join_names(items, sep);
}

inline std::string join(std::initializer_list<std::string_view> items,
                        std::string_view sep = ", ") {
  return join_names(items, sep);
}

inline std::string join(const std::vector<std::string_view>& items, std::string_view sep = ", ") {
  return join_names(items, sep);
}

/// The permission gate every endpoint passes before it runs, in Graph's order: a delegated
/// caller of an application-only API (412), an application on /me (400, §1.8) or on a route
/// the endpoint serves it only with a user (400), then a caller holding none of the accepted
/// permissions (403, naming what it holds).
inline std::optional<response> check_permissions(const call_context& ctx, const principal& who,
                                                 const permission_rule& rule, bool me_route,
                                                 bool names_no_user) {
  if (who.is_delegated() && rule.delegated.empty())
    return graph_error(ctx, 412, "PreconditionFailed",
                       "Requested API is not supported in delegated context. It accepts only "
                       "application permissions (" +
                           join(rule.application, " or ") + ") in an app-only token.");
  if (who.is_application() && me_route)
    return graph_error(ctx, 400, "BadRequest",
                       "/me request is only valid with delegated authentication flow.");
  if (who.is_application() && names_no_user && !rule.application_needs_user.empty())
    return graph_error(ctx, 400, "BadRequest", rule.application_needs_user);
  if (who.is_delegated() && !grants_any(who.scopes, rule.delegated))
    return graph_error(ctx, 403, "Forbidden",
                       "Missing scope permissions on the request. API requires one of '" +
                           join(rule.delegated) + "'. Scopes on the request '" + join(who.scopes) +
                           "'");
  if (who.is_application() && !grants_any(who.roles, rule.application) &&
      !grants_any(who.roles, rule.where_installed)) {
    std::vector<std::string_view> roles = rule.application;
    roles.insert(roles.end(), rule.where_installed.begin(), rule.where_installed.end());
    return graph_error(ctx, 403, "Forbidden",
                       "Missing role permissions on the request. API required one of '" +
                           join(roles) + "'. Roles on the request '" + join(who.roles) + "'");
  }
  return std::nullopt;
}

}  // namespace detail
}  // namespace fakegraph
