// Isolation property: over a thousand random worlds (several tenants, federated chats,
// visible-history bounds, deleted messages, hidden viewpoints, tokens of every kind), no
// caller of List chats or getAllMessages sees an item it may not see, none it may see is
// missing, and no item comes twice in a walk of nextLinks.
//
// The expectations come from an oracle written here from the documented rules
// (design.md §3, graph-semantics.md §2 and §3) over the generator's own data: it never asks
// the library what is visible. Each world is drawn from std::mt19937_64 seeded with
// `base_seed + index`; a failure names that seed, and FAKEGRAPH_ISOLATION_SEED=<seed> runs
// that world alone (FAKEGRAPH_ISOLATION_DUMP=1 also prints its seed JSON).
#include "support/catch.hpp"

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <algorithm>    // std::min, std::max
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t
#include <cstdio>       // std::snprintf
#include <cstdlib>      // std::getenv, std::strtoull
#include <map>          // std::map
#include <optional>     // std::optional
#include <random>       // std::mt19937_64
#include <set>          // std::set
#include <string>       // std::string, std::to_string
#include <string_view>  // std::string_view
#include <utility>      // std::pair, std::move
#include <vector>       // std::vector

#include "support/fixtures.hpp"

namespace {

using json = nlohmann::json;
using fakegraph::timestamp;

constexpr std::uint64_t base_seed = 0x15014710A5EEDULL;
constexpr std::uint64_t world_count = 1000;
constexpr timestamp minute = 60 * 1000;
constexpr timestamp hour = 60 * minute;
constexpr timestamp day = 24 * hour;
constexpr timestamp retention = 21 * day;  // deleted messages stay exportable this long
constexpr const char* msa_tenant = "9188040d-6c67-4c5b-b112-36a304b66dad";

timestamp graph_now() { return fakegraph::utc("2026-11-01T12:00:00Z"); }

// ---- randomness -------------------------------------------------------------------------

/// Draws from std::mt19937_64 only (no std distributions, whose results differ between
/// standard libraries), so a seed gives the same world everywhere.
class random_source {
 public:
  explicit random_source(std::uint64_t seed) : engine_(seed) {}

  std::size_t below(std::size_t n) { return static_cast<std::size_t>(engine_() % n); }
  int between(int lo, int hi) {
    return lo + static_cast<int>(below(static_cast<std::size_t>(hi - lo + 1)));
  }
  timestamp up_to(timestamp span) {  // 0 .. span - 1
    return static_cast<timestamp>(engine_() % static_cast<std::uint64_t>(span));
  }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
  std::string hex(std::size_t digits) {
    static constexpr char alphabet[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < digits; ++i) out += alphabet[below(16)];
    return out;
  }
  std::string guid() {
    return hex(8) + "-" + hex(4) + "-4" + hex(3) + "-8" + hex(3) + "-" + hex(12);
  }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }

 private:
  std::mt19937_64 engine_;
};

// ---- the generator's world --------------------------------------------------------------

struct g_tenant {
  std::string id;
  std::string domain;
};

struct g_user {
  std::string id;
  std::string upn;
  std::size_t tenant = 0;
};

struct g_app {
  std::string id;
  std::size_t tenant = 0;
};

struct g_member {
  std::size_t user = 0;
  timestamp visible_from = 0;
  bool null_history = true;  // visibleHistoryStartDateTime 0001-01-01: sees everything
  bool hidden = false;
};

enum class sender { user, application, system };

struct g_message {
  std::string id;
  timestamp created = 0;
  std::optional<timestamp> deleted;
  sender from = sender::user;
  std::size_t user = 0;  // sender::user
};

struct g_chat {
  std::string id;
  std::string type;  // oneOnOne | group | meeting
  std::size_t tenant = 0;
  timestamp created = 0;
  bool hidden_for_all = false;
  std::vector<g_member> members;
  std::vector<g_message> messages;

  const g_member* member(std::size_t user) const {
    for (const auto& m : members)
      if (m.user == user) return &m;
    return nullptr;
  }
};

/// Who a bearer token proves the caller to be, as the documented rules read it.
enum class caller { invalid, delegated, application, personal };

struct g_token {
  std::string bearer;  // the Authorization header's token ("" = no header at all)
  std::string label;   // for messages: "delegated u2 [Chat.Read] (JWT)"
  caller who = caller::invalid;
  std::size_t subject = 0;          // user (delegated) or application index
  std::vector<std::string> grants;  // scopes (delegated) or roles (application)
  json seed;                        // the seed entry; null for tokens not in the seed
};

struct g_world {
  std::uint64_t seed = 0;
  std::vector<g_tenant> tenants;
  std::vector<g_user> users;
  std::vector<g_app> apps;
  std::vector<g_chat> chats;
  std::vector<g_token> tokens;
};

std::string base64url(const std::string& in) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned n = (static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16) |
                       (static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8) |
                       static_cast<unsigned>(static_cast<unsigned char>(in[i + 2]));
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (i + 1 == in.size()) {
    const unsigned n = static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
  } else if (i + 2 == in.size()) {
    const unsigned n = (static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16) |
                       (static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
  }
  return out;
}

/// An unsigned JWT (`alg: none`) carrying `claims`.
std::string unsigned_jwt(const json& claims) {
  return base64url(R"({"alg":"none","typ":"JWT"})") + "." + base64url(claims.dump()) + ".";
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

const std::vector<std::vector<std::string>>& scope_sets() {
  static const std::vector<std::vector<std::string>> sets = {{"Chat.ReadBasic"},
                                                             {"Chat.Read"},
                                                             {"Chat.ReadWrite"},
                                                             {"User.Read"},
                                                             {"User.Read", "Chat.ReadBasic"},
                                                             {}};
  return sets;
}

const std::vector<std::vector<std::string>>& role_sets() {
  static const std::vector<std::vector<std::string>> sets = {
      {"Chat.ReadBasic.All"},
      {"Chat.Read.All"},
      {"Chat.ReadWrite.All"},
      {"User.Read.All"},
      {"Chat.ReadBasic.All", "User.Read.All"},
      {}};
  return sets;
}

void make_tokens(g_world& w, random_source& rnd) {
  const timestamp now = graph_now();
  std::size_t n = 0;
  auto add = [&](g_token t) {
    if (t.bearer.empty() && !t.seed.is_null()) t.bearer = "t" + std::to_string(n);
    if (!t.seed.is_null()) t.seed["token"] = t.bearer;
    ++n;
    w.tokens.push_back(std::move(t));
  };
  auto delegated = [&](std::size_t user, std::vector<std::string> scopes, const char* how) {
    g_token t;
    t.who = caller::delegated;
    t.subject = user;
    t.grants = std::move(scopes);
    t.label = "delegated u" + std::to_string(user) + " [" + join_words(t.grants) + "] " + how;
    return t;
  };
  auto application = [&](std::size_t app, std::vector<std::string> roles, const char* how) {
    g_token t;
    t.who = caller::application;
    t.subject = app;
    t.grants = std::move(roles);
    t.label = "application a" + std::to_string(app) + " [" + join_words(t.grants) + "] " + how;
    return t;
  };

  // Seed tokens: every scope set and every role set, for random users and applications.
  // Each kind comes in about half the worlds: every world checking every kind would take
  // long without adding cases.
  for (const auto& scopes : scope_sets()) {
    if (!rnd.chance(45)) continue;
    g_token t = delegated(rnd.below(w.users.size()), scopes, "(seed)");
    t.seed = {{"user", w.users[t.subject].upn}, {"scopes", t.grants}};
    if (rnd.chance(20))  // expires later: still valid
      t.seed["expiresDateTime"] = fakegraph::format_time(now + 1 + rnd.up_to(day));
    add(std::move(t));
  }
  for (const auto& roles : role_sets()) {
    if (!rnd.chance(50)) continue;
    g_token t = application(rnd.below(w.apps.size()), roles, "(seed)");
    t.seed = {{"application", w.apps[t.subject].id}, {"roles", t.grants}};
    add(std::move(t));
  }
  if (rnd.chance(30)) {  // a personal Microsoft account
    g_token t;
    t.who = caller::personal;
    t.label = "personal account (seed)";
    t.seed = {{"personalAccount", true}, {"scopes", {"Chat.Read"}}};
    add(std::move(t));
  }
  if (rnd.chance(30)) {  // expired: a delegated or an application token
    g_token t;
    t.who = caller::invalid;
    t.label = "expired (seed)";
    const std::string expired = fakegraph::format_time(now - 1 - rnd.up_to(30 * day));
    if (rnd.chance(50))
      t.seed = {{"user", w.users[rnd.below(w.users.size())].id},
                {"scopes", {"Chat.Read"}},
                {"expiresDateTime", expired}};
    else
      t.seed = {{"application", w.apps[rnd.below(w.apps.size())].id},
                {"roles", {"Chat.Read.All"}},
                {"expiresDateTime", expired}};
    add(std::move(t));
  }

  // Unsigned JWTs, as Microsoft identity tokens carry their claims.
  const auto exp_valid = static_cast<double>((now + hour) / 1000);
  for (int i = rnd.between(0, 1); i >= 0; --i) {
    g_token t = delegated(rnd.below(w.users.size()), rnd.pick(scope_sets()), "(JWT)");
    const g_user& u = w.users[t.subject];
    t.bearer = unsigned_jwt({{"tid", w.tenants[u.tenant].id},
                             {"oid", u.id},
                             {"scp", join_words(t.grants)},
                             {"idtyp", "user"},
                             {"exp", exp_valid}});
    add(std::move(t));
  }
  for (int i = rnd.between(0, 1); i >= 0; --i) {
    g_token t = application(rnd.below(w.apps.size()), rnd.pick(role_sets()), "(JWT)");
    const g_app& a = w.apps[t.subject];
    json claims = {{"tid", w.tenants[a.tenant].id},
                   {"roles", t.grants},
                   {"idtyp", "app"},
                   {"aud", "https://graph.microsoft.com"}};
    claims[rnd.chance(50) ? "appid" : "azp"] = a.id;
    t.bearer = unsigned_jwt(claims);
    add(std::move(t));
  }
  if (rnd.chance(30)) {
    g_token t;
    t.who = caller::personal;
    t.label = "personal account (JWT)";
    t.bearer = unsigned_jwt(
        {{"tid", msa_tenant}, {"oid", rnd.guid()}, {"scp", "Chat.Read"}, {"idtyp", "user"}});
    add(std::move(t));
  }
  if (rnd.chance(30)) {  // past exp by more than the five minutes of clock skew (README)
    const g_user& u = w.users[rnd.below(w.users.size())];
    g_token t;
    t.label = "expired (JWT)";
    t.bearer =
        unsigned_jwt({{"tid", w.tenants[u.tenant].id},
                      {"oid", u.id},
                      {"scp", "Chat.Read"},
                      {"idtyp", "user"},
                      {"exp", static_cast<double>((now - 6 * minute - rnd.up_to(day)) / 1000)}});
    add(std::move(t));
  }
  if (rnd.chance(30)) {
    g_token t;
    t.label = "JWT of an unknown tenant";
    t.bearer = unsigned_jwt({{"tid", rnd.guid()},
                             {"roles", {"Chat.Read.All"}},
                             {"idtyp", "app"},
                             {"appid", w.apps[0].id}});
    add(std::move(t));
  }
  if (rnd.chance(30)) {
    g_token t;
    t.label = "unknown token";
    t.bearer = "not-a-token-" + rnd.hex(6);
    add(std::move(t));
  }
  if (rnd.chance(30)) {
    g_token t;
    t.label = "no Authorization header";
    add(std::move(t));
  }
}

g_world make_world(std::uint64_t seed) {
  random_source rnd(seed);
  g_world w;
  w.seed = seed;
  const timestamp now = graph_now();

  const int tenants = rnd.between(2, 4);
  for (int t = 0; t < tenants; ++t) {
    w.tenants.push_back({rnd.guid(), "t" + std::to_string(t) + "-" + rnd.hex(4) + ".test"});
    const std::size_t ti = w.tenants.size() - 1;
    for (int u = rnd.between(1, 3); u > 0; --u) {
      const std::size_t ui = w.users.size();
      w.users.push_back({rnd.guid(), "u" + std::to_string(ui) + "@" + w.tenants[ti].domain, ti});
    }
    for (int a = rnd.chance(30) ? 2 : 1; a > 0; --a) w.apps.push_back({rnd.guid(), ti});
  }

  std::set<std::pair<std::size_t, std::size_t>> pairs;  // 1:1 chats made so far
  for (int c = rnd.between(2, 7); c > 0; --c) {
    g_chat chat;
    chat.tenant = rnd.below(w.tenants.size());
    std::vector<std::size_t> home, all;
    for (std::size_t u = 0; u < w.users.size(); ++u) {
      all.push_back(u);
      if (w.users[u].tenant == chat.tenant) home.push_back(u);
    }
    if (home.empty()) continue;
    // A federated chat draws its other members from every tenant.
    const bool federated = rnd.chance(40);
    const std::vector<std::size_t>& pool = federated || home.size() < 2 ? all : home;
    const int kind = rnd.between(0, 2);
    chat.type = kind == 0 ? "oneOnOne" : kind == 1 ? "group" : "meeting";
    const std::size_t wanted =
        chat.type == "oneOnOne" ? 2 : static_cast<std::size_t>(rnd.between(2, 4));
    std::vector<std::size_t> members{rnd.pick(home)};  // the first member is of the host tenant
    for (int tries = 0; members.size() < wanted && tries < 20; ++tries) {
      const std::size_t u = rnd.pick(pool);
      bool dup = false;
      for (const auto m : members) dup = dup || m == u;
      if (!dup) members.push_back(u);
    }
    if (members.size() < 2) continue;
    if (chat.type == "oneOnOne") {
      const auto key =
          std::make_pair(std::min(members[0], members[1]), std::max(members[0], members[1]));
      if (!pairs.insert(key).second) chat.type = "group";
    }
    if (chat.type == "oneOnOne") {
      const bool cross = w.users[members[0]].tenant != w.users[members[1]].tenant;
      chat.id = "19:" + w.users[members[0]].id + "_" + w.users[members[1]].id +
                (cross ? "@fed.unq.gbl.spaces" : "@unq.gbl.spaces");
    } else if (chat.type == "meeting") {
      chat.id = "19:meeting_" + rnd.hex(40) + "@thread.v2";
    } else {
      chat.id = "19:" + rnd.hex(32) + "@thread.v2";
    }
    // Hours on a coarse grid, so messages of different chats often share a createdDateTime.
    chat.created = now - (10 + static_cast<timestamp>(rnd.below(50))) * day;
    chat.created -= chat.created % hour;
    chat.hidden_for_all = rnd.chance(10);

    std::set<std::string> ids;
    const auto span_hours = static_cast<std::size_t>((now - chat.created) / hour);
    for (int m = rnd.between(0, 6); m > 0; --m) {
      g_message msg;
      msg.created = chat.created + static_cast<timestamp>(rnd.below(span_hours)) * hour;
      if (rnd.chance(20)) msg.created += rnd.up_to(hour);  // and some off the grid
      // Ids are unique in a chat only; equal createdDateTimes get neighbouring ids.
      for (timestamp k = 0;; ++k)
        if (ids.insert(std::to_string(msg.created + k)).second) {
          msg.id = std::to_string(msg.created + k);
          break;
        }
      const std::size_t draw = rnd.below(100);
      msg.from = draw < 70 ? sender::user : draw < 85 ? sender::application : sender::system;
      msg.user = members[rnd.below(members.size())];
      if (rnd.chance(35)) {
        const timestamp window_start = now - retention;  // deleted at or after: exportable
        const std::size_t how = rnd.below(4);
        if (how == 0)  // deleted recently
          msg.deleted = std::max(msg.created, now - 1 - rnd.up_to(retention - 1));
        else if (how == 1 && msg.created < window_start - 1)  // long ago
          msg.deleted = msg.created + rnd.up_to(window_start - 1 - msg.created);
        else if (how == 2 && msg.created <= window_start + 1)  // just inside the window
          msg.deleted = window_start + 1;
        else if (how == 3 && msg.created <= window_start - 1)  // just outside
          msg.deleted = window_start - 1;
      }
      chat.messages.push_back(std::move(msg));
    }
    for (const auto u : members) {
      g_member m;
      m.user = u;
      m.hidden = rnd.chance(30);
      const std::size_t draw = rnd.below(10);
      if (draw >= 5 && !chat.messages.empty() && draw < 7) {  // exactly at a message
        m.null_history = false;
        m.visible_from = chat.messages[rnd.below(chat.messages.size())].created;
      } else if (draw >= 5) {
        m.null_history = false;
        m.visible_from = chat.created + rnd.up_to(now - chat.created);
      }
      chat.members.push_back(m);
    }
    w.chats.push_back(std::move(chat));
  }
  make_tokens(w, rnd);
  return w;
}

json to_seed(const g_world& w) {
  json seed;
  seed["settings"] = {{"now", fakegraph::format_time(graph_now())}, {"metering", "none"}};
  seed["tenants"] = json::array();
  for (std::size_t t = 0; t < w.tenants.size(); ++t)
    seed["tenants"].push_back(
        {{"id", w.tenants[t].id}, {"displayName", "Tenant " + std::to_string(t)}});
  seed["users"] = json::array();
  for (const auto& u : w.users)
    seed["users"].push_back(
        {{"id", u.id}, {"tenantId", w.tenants[u.tenant].id}, {"userPrincipalName", u.upn}});
  seed["applications"] = json::array();
  for (std::size_t a = 0; a < w.apps.size(); ++a)
    seed["applications"].push_back({{"appId", w.apps[a].id},
                                    {"tenantId", w.tenants[w.apps[a].tenant].id},
                                    {"displayName", "App " + std::to_string(a)}});
  seed["chats"] = json::array();
  for (const auto& c : w.chats) {
    json chat = {{"id", c.id},
                 {"tenantId", w.tenants[c.tenant].id},
                 {"chatType", c.type},
                 {"createdDateTime", fakegraph::format_time(c.created)},
                 {"isHiddenForAllMembers", c.hidden_for_all}};
    if (c.type != "oneOnOne") chat["topic"] = "Topic of " + c.id.substr(3, 8);
    if (c.type == "meeting")
      chat["onlineMeetingInfo"] = {
          {"joinWebUrl", "https://teams.microsoft.com/l/meetup-join/" + c.id.substr(3, 20)},
          {"organizerId", w.users[c.members[0].user].id}};
    json members = json::array();
    for (const auto& m : c.members) {
      json member = {{"user", w.users[m.user].upn}, {"viewpoint", {{"isHidden", m.hidden}}}};
      member["visibleHistoryStartDateTime"] =
          m.null_history ? "0001-01-01T00:00:00Z" : fakegraph::format_time(m.visible_from);
      members.push_back(std::move(member));
    }
    chat["members"] = std::move(members);
    json messages = json::array();
    for (const auto& m : c.messages) {
      json msg = {{"id", m.id}, {"createdDateTime", fakegraph::format_time(m.created)}};
      if (m.deleted) msg["deletedDateTime"] = fakegraph::format_time(*m.deleted);
      switch (m.from) {
        case sender::user:
          msg["from"] = {{"user", w.users[m.user].id}};
          msg["body"] = {{"contentType", "text"}, {"content", "message " + m.id}};
          break;
        case sender::application:
          msg["from"] = {{"application",
                          {{"id", w.apps[m.user % w.apps.size()].id},
                           {"displayName", "Bot"},
                           {"applicationIdentityType", "bot"}}}};
          break;
        case sender::system:
          msg["messageType"] = "systemEventMessage";
          msg["eventDetail"] = {{"@odata.type", "#microsoft.graph.chatRenamedEventMessageDetail"},
                                {"chatDisplayName", "renamed"}};
          break;
      }
      messages.push_back(std::move(msg));
    }
    chat["messages"] = std::move(messages);
    seed["chats"].push_back(std::move(chat));
  }
  seed["tokens"] = json::array();
  for (const auto& t : w.tokens)
    if (!t.seed.is_null()) seed["tokens"].push_back(t.seed);
  return seed;
}

// ---- the oracle ---------------------------------------------------------------------------

bool grants_one_of(const g_token& t, std::initializer_list<std::string_view> accepted) {
  for (const auto& g : t.grants)
    for (const auto a : accepted)
      if (g == a) return true;
  return false;
}

/// The request shapes the walk sends.
enum class path_kind { me_chats, chats, user_chats, user_messages, me_messages };

struct request_shape {
  path_kind path = path_kind::me_chats;
  std::optional<std::size_t> user;  // the user the path names; none for an unknown key
  bool preview = false;             // $expand=lastMessagePreview
  bool by_preview = false;          // $orderby=lastMessagePreview/createdDateTime desc
  bool members = false;             // $expand=members
};

/// The documented gates, in order: a valid token (401), not a personal account (403), a
/// route the caller's kind may use (400 app on /me or /chats, 412 delegated getAllMessages),
/// a permission (403), a user that exists (404), the tenant and self rules (403), and
/// message content under ReadBasic (403). Returns the status and whose data a 200 reads.
std::pair<int, std::size_t> judge(const g_world& w, const g_token& t, const request_shape& r) {
  if (t.who == caller::invalid) return {401, 0};
  if (t.who == caller::personal) return {403, 0};
  const bool messages = r.path == path_kind::user_messages || r.path == path_kind::me_messages;
  const bool me = r.path == path_kind::me_chats || r.path == path_kind::chats ||
                  r.path == path_kind::me_messages;
  if (t.who == caller::delegated) {
    if (messages) return {412, 0};
    if (!grants_one_of(t, {"Chat.ReadBasic", "Chat.Read", "Chat.ReadWrite"})) return {403, 0};
    if (!me && !r.user) return {404, 0};
    const std::size_t target = me ? t.subject : *r.user;
    if (target != t.subject) return {403, 0};
    if (r.preview && !grants_one_of(t, {"Chat.Read", "Chat.ReadWrite"})) return {403, 0};
    return {200, target};
  }
  if (me) return {400, 0};
  if (messages ? !grants_one_of(t, {"Chat.Read.All", "Chat.ReadWrite.All"})
               : !grants_one_of(t, {"Chat.ReadBasic.All", "Chat.Read.All", "Chat.ReadWrite.All"}))
    return {403, 0};
  if (!r.user) return {404, 0};
  if (w.users[*r.user].tenant != w.apps[t.subject].tenant) return {403, 0};
  if (r.preview && !grants_one_of(t, {"Chat.Read.All", "Chat.ReadWrite.All"})) return {403, 0};
  return {200, *r.user};
}

/// Whether a member sees any of a chat's messages: a member sees them from its
/// visibleHistoryStartDateTime on. Its preview is then the chat's newest message, else none.
bool sees_a_message(const g_chat& c, const g_member& member) {
  for (const auto& m : c.messages)
    if (member.null_history || m.created >= member.visible_from) return true;
  return false;
}

/// The chats a user's List chats returns: every chat the user is a member of (hidden ones
/// and federated ones included); ordered by preview, only those with a message it sees.
std::map<std::string, const g_chat*> expected_chats(const g_world& w, std::size_t user,
                                                    bool by_preview) {
  std::map<std::string, const g_chat*> out;
  for (const auto& c : w.chats)
    if (const g_member* member = c.member(user))
      if (!by_preview || sees_a_message(c, *member)) out.emplace(c.id, &c);
  return out;
}

/// Whether getAllMessages for `member` returns `m`: created at or after the member's
/// visibleHistoryStartDateTime, and, when deleted, deleted within the last 21 days.
bool exported(const g_member& member, const g_message& m) {
  if (!member.null_history && m.created < member.visible_from) return false;
  return !m.deleted || graph_now() - *m.deleted < retention;
}

using message_key = std::pair<std::string, std::string>;  // chat id, message id

std::map<message_key, const g_message*> expected_messages(const g_world& w, std::size_t user) {
  std::map<message_key, const g_message*> out;
  for (const auto& c : w.chats)
    if (const g_member* member = c.member(user))
      for (const auto& m : c.messages)
        if (exported(*member, m)) out.emplace(message_key{c.id, m.id}, &m);
  return out;
}

// ---- running a world ----------------------------------------------------------------------

/// What the run exercised, summed over all worlds: every rule must have been hit.
struct tally {
  std::size_t requests = 0;
  std::map<int, std::size_t> statuses;
  std::size_t pages = 0;
  std::size_t chats_seen = 0;
  std::size_t hidden_chats_seen = 0;
  std::size_t federated_chats_seen = 0;  // a member of another tenant than the chat's
  std::size_t messages_seen = 0;
  std::size_t app_messages_seen = 0;
  std::size_t system_messages_seen = 0;
  std::size_t deleted_in_window_seen = 0;
  std::size_t deleted_too_old_withheld = 0;
  std::size_t before_history_withheld = 0;
  std::size_t history_boundary_seen = 0;  // created exactly at visibleHistoryStartDateTime
  std::size_t by_preview_walks = 0;
  std::size_t replays = 0;            // nextLinks presented by another token
  std::size_t replays_continued = 0;  // ... of the same principal
};

struct world_run {
  const g_world& w;
  const fakegraph::graph& g;
  random_source& rnd;
  tally& counts;
  std::vector<std::string> problems;
  std::string first_link;  // the nextLink of the last walk's first page

  void problem(const std::string& what) {
    if (problems.size() < 20) problems.push_back(what);
  }

  fakegraph::response get(const std::string& url, const g_token& t) {
    ++counts.requests;
    return fakegraph_test::get(g, url, t.bearer);
  }

  /// GETs `url` and every nextLink after it; the items of all pages, or the first status.
  std::optional<std::vector<json>> walk(const std::string& url, const g_token& t, int expected,
                                        std::size_t max_items) {
    std::vector<json> items;
    std::string next = url;
    first_link.clear();
    const std::string who = " as " + t.label;
    for (std::size_t page = 0; !next.empty(); ++page) {
      if (page > max_items + 1) {
        problem("GET " + url + who + ": more pages than items, the walk does not end");
        return std::nullopt;
      }
      const fakegraph::response r = get(next, t);
      if (page == 0) ++counts.statuses[r.status];
      if (r.status != expected || (page > 0 && r.status != 200)) {
        problem("GET " + next + who + ": expected " + std::to_string(page ? 200 : expected) +
                ", got " + std::to_string(r.status) + " " + r.body.substr(0, 300));
        return std::nullopt;
      }
      if (expected != 200) return std::nullopt;
      ++counts.pages;
      const json body = json::parse(r.body);
      const json& value = body.at("value");
      if (body.at("@odata.count") != value.size())
        problem("GET " + next + who + ": @odata.count is not the page's size");
      for (const auto& item : value) items.push_back(item);
      next = body.value("@odata.nextLink", "");
      if (page == 0) first_link = next;
    }
    return items;
  }

  /// A nextLink is bound to its caller (design.md §3): presented by another principal it is
  /// refused, with 400 or whatever refusal that caller's token earns anyway; presented by
  /// the same principal (another of its tokens) the walk goes on, within what it may see.
  template <class Visible>
  void replay(const std::string& link, const g_token& owner, const request_shape& shape,
              Visible visible) {
    const g_token& t = w.tokens[rnd.below(w.tokens.size())];
    const bool same = t.who == owner.who && t.subject == owner.subject &&
                      (t.who == caller::delegated || t.who == caller::application);
    const int status = judge(w, t, shape).first;
    const fakegraph::response r = get(link, t);
    ++counts.replays;
    const std::string where =
        "GET " + link + " (a nextLink of " + owner.label + ") as " + t.label + ": ";
    if (same ? r.status != status : r.status != status && r.status != 400) {
      problem(where + "expected " + std::to_string(same ? status : 400) + ", got " +
              std::to_string(r.status) + " " + r.body.substr(0, 300));
      return;
    }
    if (r.status != 200) return;
    if (!same) {
      problem(where + "another principal continued the walk");
      return;
    }
    ++counts.replays_continued;
    const json page = json::parse(r.body);  // a range-for over a temporary's member dangles
    for (const auto& item : page.at("value"))
      if (!visible(item)) problem(where + item.dump() + " is not the owner's to see");
  }

  /// Absolute or a bare path (nextLinks then use settings.baseUrl); v1.0 or beta, which the
  /// fake answers the same way.
  std::string base() {
    return std::string(rnd.chance(70) ? "https://graph.microsoft.com" : "") +
           (rnd.chance(90) ? "/v1.0/" : "/beta/");
  }

  std::string query(bool messages, request_shape& shape) {
    std::string q;
    auto add = [&](const std::string& option) { q += (q.empty() ? "?" : "&") + option; };
    if (rnd.chance(85)) add("$top=" + std::to_string(rnd.between(1, messages ? 6 : 3)));
    if (messages || !shape.user.has_value()) return q;  // unknown users: no options to clash
    const std::size_t expand = rnd.below(6);
    if (expand == 1 || expand == 3) shape.preview = true;
    if (expand == 1) add("$expand=lastMessagePreview");
    if (expand == 2) add("$expand=members");
    if (expand == 2 || expand == 3) shape.members = true;
    if (expand == 3) add("$expand=members,lastMessagePreview");
    if (rnd.chance(15)) {
      shape.by_preview = true;
      add("$orderby=lastMessagePreview/createdDateTime%20desc");
    }
    return q;
  }

  void list_chats(const std::string& path, const g_token& t, request_shape shape) {
    const std::string url = base() + path + query(false, shape);
    const auto [status, user] = judge(w, t, shape);
    const auto expected = status == 200 ? expected_chats(w, user, shape.by_preview)
                                        : std::map<std::string, const g_chat*>{};
    const auto items = walk(url, t, status, expected.size());
    if (!items) return;
    if (shape.by_preview) ++counts.by_preview_walks;
    const std::string where = "GET " + url + " as " + t.label + ": ";
    std::set<std::string> seen;
    for (const auto& item : *items) {
      const std::string id = item.at("id").get<std::string>();
      if (!seen.insert(id).second) problem(where + "chat " + id + " comes twice");
      const auto it = expected.find(id);
      if (it == expected.end()) {
        problem(where + "chat " + id + " is not the user's to see");
        continue;
      }
      const g_chat& c = *it->second;
      const g_member& member = *c.member(user);
      ++counts.chats_seen;
      if (member.hidden) ++counts.hidden_chats_seen;
      for (const auto& m : c.members)
        if (w.users[m.user].tenant != c.tenant) {
          ++counts.federated_chats_seen;
          break;
        }
      // viewpoint: the named user's own, in delegated calls only.
      if (t.who == caller::delegated) {
        if (!item.contains("viewpoint") ||
            item["viewpoint"].value("isHidden", !member.hidden) != member.hidden)
          problem(where + "chat " + id + " has another viewpoint than the user's");
      } else if (item.contains("viewpoint") && !item["viewpoint"].is_null()) {
        problem(where + "chat " + id + " has a viewpoint in an application call");
      }
      if (shape.members) {
        std::set<std::string> ids, want;
        for (const auto& m : item.at("members")) ids.insert(m.at("userId").get<std::string>());
        for (const auto& m : c.members) want.insert(w.users[m.user].id);
        if (ids != want) problem(where + "chat " + id + " lists other members than its own");
      }
      if (shape.preview && item.at("lastMessagePreview").is_null() == sees_a_message(c, member))
        problem(where + "chat " + id +
                " has a lastMessagePreview that does not match the messages the user sees");
    }
    for (const auto& [id, c] : expected)
      if (!seen.count(id)) problem(where + "chat " + id + " is missing");
    if (!first_link.empty())
      replay(first_link, t, shape, [&](const json& item) {
        return expected.count(item.at("id").get<std::string>()) > 0;
      });
  }

  void get_all_messages(const std::string& path, const g_token& t, request_shape shape) {
    const std::string url = base() + path + query(true, shape);
    const auto [status, user] = judge(w, t, shape);
    const auto expected =
        status == 200 ? expected_messages(w, user) : std::map<message_key, const g_message*>{};
    const auto items = walk(url, t, status, expected.size());
    if (!items) return;
    const std::string where = "GET " + url + " as " + t.label + ": ";
    std::set<message_key> seen;
    for (const auto& item : *items) {
      const message_key key{item.at("chatId").get<std::string>(), item.at("id").get<std::string>()};
      const std::string name = "message " + key.first + "/" + key.second;
      if (!seen.insert(key).second) problem(where + name + " comes twice");
      const auto it = expected.find(key);
      if (it == expected.end()) {
        problem(where + name + " is not the user's to see");
        continue;
      }
      const g_message& m = *it->second;
      ++counts.messages_seen;
      if (m.from == sender::application) ++counts.app_messages_seen;
      if (m.from == sender::system) ++counts.system_messages_seen;
      if (m.deleted) ++counts.deleted_in_window_seen;
      if (item.at("deletedDateTime").is_null() == m.deleted.has_value())
        problem(where + name + " has a deletedDateTime that does not match its deletion");
    }
    for (const auto& [key, m] : expected)
      if (!seen.count(key))
        problem(where + "message " + key.first + "/" + key.second + " is missing");
    if (!first_link.empty())
      replay(first_link, t, shape, [&](const json& item) {
        return expected.count(
                   {item.at("chatId").get<std::string>(), item.at("id").get<std::string>()}) > 0;
      });
    // What the rules withheld from this user, for the tally.
    for (const auto& c : w.chats)
      if (const g_member* member = c.member(user))
        for (const auto& m : c.messages) {
          const bool early = !member->null_history && m.created < member->visible_from;
          if (early) ++counts.before_history_withheld;
          if (!early && m.deleted && !exported(*member, m)) ++counts.deleted_too_old_withheld;
          if (!member->null_history && m.created == member->visible_from)
            ++counts.history_boundary_seen;
        }
  }

  /// A user key as a client may spell it: id or UPN, any case, `users('…')`, `%40`.
  std::string user_path(const std::string& key) {
    std::string k = key;
    if (rnd.chance(15))
      for (char& ch : k)
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    const auto at = k.find('@');
    if (at != std::string::npos && rnd.chance(20)) k.replace(at, 1, "%40");
    return rnd.chance(15) ? "users('" + k + "')" : "users/" + k;
  }

  /// The users a token's calls name. Every user would make a world slow to check without
  /// adding cases, so: all users of an application's tenant and one of another tenant; a
  /// delegated caller itself and one other user; one user for tokens refused outright.
  std::vector<std::size_t> users_for(const g_token& t) {
    std::vector<std::size_t> out;
    const std::size_t other = rnd.below(w.users.size());
    if (t.who == caller::application) {
      for (std::size_t u = 0; u < w.users.size(); ++u)
        if (w.users[u].tenant == w.apps[t.subject].tenant) out.push_back(u);
      if (w.users[other].tenant != w.apps[t.subject].tenant) out.push_back(other);
    } else if (t.who == caller::delegated) {
      out.push_back(t.subject);
      if (other != t.subject) out.push_back(other);
    } else {
      out.push_back(other);
    }
    return out;
  }

  void run() {
    for (const auto& t : w.tokens) {
      list_chats("me/chats", t, {path_kind::me_chats, std::nullopt});
      list_chats("chats", t, {path_kind::chats, std::nullopt});
      if (rnd.chance(50))
        get_all_messages("me/chats/getAllMessages", t, {path_kind::me_messages, std::nullopt});
      for (const std::size_t u : users_for(t)) {
        // By id or by UPN, drawn per call: a run names every user both ways many times.
        const std::string& key = rnd.chance(50) ? w.users[u].id : w.users[u].upn;
        list_chats(user_path(key) + "/chats", t, {path_kind::user_chats, u});
        const std::string& other_key = rnd.chance(75) ? w.users[u].id : w.users[u].upn;
        get_all_messages(user_path(other_key) + "/chats/getAllMessages", t,
                         {path_kind::user_messages, u});
      }
      if (rnd.chance(50)) {
        const g_tenant& some = w.tenants[rnd.below(w.tenants.size())];
        const std::string unknown = rnd.chance(50) ? rnd.guid() : "nobody@" + some.domain;
        list_chats("users/" + unknown + "/chats", t, {path_kind::user_chats, std::nullopt});
        get_all_messages("users/" + unknown + "/chats/getAllMessages", t,
                         {path_kind::user_messages, std::nullopt});
      }
    }
  }
};

std::optional<std::uint64_t> seed_from_environment() {
  const char* s = std::getenv("FAKEGRAPH_ISOLATION_SEED");
  if (!s || !*s) return std::nullopt;
  return std::strtoull(s, nullptr, 0);
}

std::string hex_seed(std::uint64_t seed) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "0x%016llx", static_cast<unsigned long long>(seed));
  return buffer;
}

}  // namespace

TEST_CASE("Isolation: in random worlds every caller sees exactly what the rules allow",
          "[isolation]") {
  std::vector<std::uint64_t> seeds;
  if (const auto one = seed_from_environment())
    seeds.push_back(*one);
  else
    for (std::uint64_t i = 0; i < world_count; ++i) seeds.push_back(base_seed + i);

  tally counts;
  std::size_t failed_worlds = 0;
  for (const std::uint64_t seed : seeds) {
    const g_world w = make_world(seed);
    const json seed_json = to_seed(w);
    if (std::getenv("FAKEGRAPH_ISOLATION_DUMP")) WARN(seed_json.dump(2));
    fakegraph::graph g = fakegraph::graph::from_json(seed_json);
    g.journal().set_enabled(false);
    random_source requests(seed ^ 0x9E3779B97F4A7C15ULL);
    world_run run{w, g, requests, counts, {}, {}};
    run.run();
    if (!run.problems.empty()) {
      ++failed_worlds;
      std::string report = "world seed " + hex_seed(seed) +
                           " (rerun alone with FAKEGRAPH_ISOLATION_SEED=" + hex_seed(seed) + "):";
      for (const auto& p : run.problems) report += "\n  " + p;
      FAIL_CHECK(report);
    }
  }
  CHECK(failed_worlds == 0);
  if (std::getenv("FAKEGRAPH_ISOLATION_STATS")) {
    std::string stats = std::to_string(seeds.size()) + " worlds, " +
                        std::to_string(counts.requests) + " requests, " +
                        std::to_string(counts.pages) + " pages of 200;";
    for (const auto& [status, n] : counts.statuses)
      stats += " " + std::to_string(status) + ": " + std::to_string(n) + ",";
    stats += " chats seen " + std::to_string(counts.chats_seen) + " (hidden " +
             std::to_string(counts.hidden_chats_seen) + ", federated " +
             std::to_string(counts.federated_chats_seen) + "), messages seen " +
             std::to_string(counts.messages_seen) + " (application " +
             std::to_string(counts.app_messages_seen) + ", system " +
             std::to_string(counts.system_messages_seen) + ", deleted in window " +
             std::to_string(counts.deleted_in_window_seen) + ", at the history start " +
             std::to_string(counts.history_boundary_seen) + "), withheld: deleted too long ago " +
             std::to_string(counts.deleted_too_old_withheld) + ", before history " +
             std::to_string(counts.before_history_withheld) + "; walks by preview " +
             std::to_string(counts.by_preview_walks) + "; nextLinks replayed by another token " +
             std::to_string(counts.replays) + " (continued by the same principal " +
             std::to_string(counts.replays_continued) + ")";
    WARN(stats);
  }

  // The generator reached every rule the oracle encodes (else a check above could not fail).
  if (seeds.size() == world_count) {
    for (const int status : {200, 400, 401, 403, 404, 412}) {
      INFO("status " << status);
      CHECK(counts.statuses[status] > 0);
    }
    CHECK(counts.pages > counts.statuses[200]);  // walks went past their first page
    CHECK(counts.chats_seen > 0);
    CHECK(counts.hidden_chats_seen > 0);
    CHECK(counts.federated_chats_seen > 0);
    CHECK(counts.messages_seen > 0);
    CHECK(counts.app_messages_seen > 0);
    CHECK(counts.system_messages_seen > 0);
    CHECK(counts.deleted_in_window_seen > 0);
    CHECK(counts.deleted_too_old_withheld > 0);
    CHECK(counts.before_history_withheld > 0);
    CHECK(counts.history_boundary_seen > 0);
    CHECK(counts.by_preview_walks > 0);
    CHECK(counts.replays_continued > 0);
    CHECK(counts.replays > counts.replays_continued);
  }
}
