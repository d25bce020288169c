// fakegraph: bearer tokens to principals, and the permission vocabulary.
#pragma once

#include <nlohmann/json_fwd.hpp>  // nlohmann::json (JWT claims)

#include <initializer_list>  // std::initializer_list
#include <optional>          // std::optional
#include <string>            // std::string
#include <string_view>       // std::string_view
#include <utility>           // std::move
#include <vector>            // std::vector

#include "fwd.hpp"
#include "http.hpp"
#include "model.hpp"

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

std::vector<std::string> split_words(std::string_view s);

/// How far a token's exp and nbf may be off the clock: Microsoft's token validators allow
/// five minutes by default.
inline constexpr timestamp jwt_clock_skew = 5 * 60 * 1000;

bool is_number(const nlohmann::json& j);
bool is_string(const nlohmann::json& j);
bool is_string_array(const nlohmann::json& j);
const char* claim_type_name(std::string_view claim);

/// Reads an unsigned JWT (any signature: the fake does not verify it) the way Microsoft
/// identity tokens carry claims: tid, oid, appid/azp, scp, roles, exp, nbf, idtyp, aud.
auth_outcome from_jwt(const world_state& w, std::string_view raw, timestamp now);

/// Graph's first gate: the Authorization header to a principal, or a 401 message.
auth_outcome authenticate(const world_state& w, std::string_view authorization, timestamp now);

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
bool grants_any(const std::vector<std::string>& granted,
                const std::vector<std::string_view>& accepted);

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
std::optional<response> check_permissions(const call_context& ctx, const principal& who,
                                          const permission_rule& rule, bool me_route,
                                          bool names_no_user);

}  // namespace detail
}  // namespace fakegraph

#ifndef FAKEGRAPH_COMPILED_LIB
#include "auth-inl.hpp"
#endif
