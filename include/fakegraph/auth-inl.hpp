// fakegraph: definitions of auth.hpp (see detail/inline.hpp).
#pragma once

#include "auth.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json (JWT claims)

#include <utility>  // std::pair

#include "detail/inline.hpp"
#include "detail/strings.hpp"
#include "detail/wire.hpp"
#include "store.hpp"

namespace fakegraph::detail {

FAKEGRAPH_INLINE std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  for (auto w : split(s, ' '))
    if (!w.empty()) out.emplace_back(w);
  return out;
}

FAKEGRAPH_INLINE bool is_number(const nlohmann::json& j) { return j.is_number(); }

FAKEGRAPH_INLINE bool is_string(const nlohmann::json& j) { return j.is_string(); }

FAKEGRAPH_INLINE bool is_string_array(const nlohmann::json& j) {
  if (!j.is_array()) return false;
  for (const auto& item : j)
    if (!item.is_string()) return false;
  return true;
}

FAKEGRAPH_INLINE const char* claim_type_name(std::string_view claim) {
  if (claim == "exp" || claim == "nbf") return "a number (seconds since 1970)";
  if (claim == "roles") return "an array of strings";
  return "a string";
}

FAKEGRAPH_INLINE auth_outcome from_jwt(const world_state& w, std::string_view raw, timestamp now) {
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

FAKEGRAPH_INLINE auth_outcome authenticate(const world_state& w, std::string_view authorization,
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

FAKEGRAPH_INLINE bool grants_any(const std::vector<std::string>& granted,
                                 const std::vector<std::string_view>& accepted) {
  for (const auto& g : granted)
    for (const auto a : accepted)
      if (iequals(g, a)) return true;
  return false;
}

FAKEGRAPH_INLINE std::optional<response> check_permissions(const call_context& ctx,
                                                           const principal& who,
                                                           const permission_rule& rule,
                                                           bool me_route, bool names_no_user) {
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

}  // namespace fakegraph::detail
