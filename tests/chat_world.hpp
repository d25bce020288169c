// The world the tests of a chat's own resources share (Get chat, its members, its messages):
// two tenants, chats each tenant's applications may or may not reach, an application
// installed in one chat, a member whose visible history starts late, and messages whose
// lastModifiedDateTime and createdDateTime orders differ.
#pragma once

#include <fakegraph/fakegraph.hpp>

#include "support/internals.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <string>   // std::string
#include <utility>  // std::move
#include <vector>   // std::vector

#include "support/fixtures.hpp"

namespace chat_world {

using fakegraph_test::error_code;
using fakegraph_test::error_message;
using fakegraph_test::get;
using fakegraph_test::ids_of;

inline const fakegraph::timestamp t0 = fakegraph::utc("2026-10-01T09:00:00Z");
inline constexpr fakegraph::timestamp minute = 60 * 1000;

struct world {
  fakegraph::graph g;
  std::string contoso_app;  // "app", "app-basic", "app-none", "app-installed"
  std::string launch;       // group (adele, megan, lee), started in Contoso; the app is installed
  std::string hidden;       // group (megan, lee): adele is not a member
  std::string federated;    // oneOnOne adele (Contoso) and pradeep (Fabrikam), started in Contoso
  std::string fabrikam;     // group (pradeep, adele), started in Fabrikam
  std::string adele_id;
  std::vector<std::string> launch_messages;  // m0..m4, created a minute apart
};

/// The world, on a clock fixed at default_now. Tokens: a user's UPN (Chat.Read), "adele-basic"
/// (Chat.ReadBasic), "adele-member" (ChatMember.Read), "adele-user" (User.Read); "app"
/// (Chat.Read.All), "app-basic" (Chat.ReadBasic.All), "app-none" (no role), "app-installed"
/// (only the roles that hold where the app is installed), all of the Contoso application;
/// "fabrikam-app" (Chat.Read.All, Fabrikam's application).
inline world make() {
  using fakegraph::app_only;
  using fakegraph::chat_spec;
  using fakegraph::delegated;
  world w;
  fakegraph::graph& g = w.g;
  g.clock().set(fakegraph::default_now);
  const std::string contoso = g.add_tenant("Contoso");
  const std::string fabrikam = g.add_tenant("Fabrikam");
  for (const char* upn : {"adele@contoso.com", "megan@contoso.com", "lee@contoso.com"}) {
    const std::string id = g.add_user({upn, "", contoso});
    if (w.adele_id.empty()) w.adele_id = id;
    g.add_token(upn, delegated(upn, {"Chat.Read"}));
  }
  g.add_user({"pradeep@fabrikam.com", "Pradeep Gupta", fabrikam});
  w.contoso_app = g.add_application({"Contoso exporter", contoso});
  const std::string fabrikam_app = g.add_application({"Fabrikam exporter", fabrikam});
  g.add_token("adele-basic", delegated("adele@contoso.com", {"Chat.ReadBasic"}));
  g.add_token("adele-member", delegated("adele@contoso.com", {"ChatMember.Read"}));
  g.add_token("adele-user", delegated("adele@contoso.com", {"User.Read"}));
  g.add_token("app", app_only(w.contoso_app, {"Chat.Read.All"}));
  g.add_token("app-basic", app_only(w.contoso_app, {"Chat.ReadBasic.All"}));
  g.add_token("app-none", app_only(w.contoso_app, {}));
  g.add_token("app-installed",
              app_only(w.contoso_app, {"Chat.ReadBasic.WhereInstalled", "ChatMember.Read.Chat",
                                       "ChatMessage.Read.Chat"}));
  g.add_token("fabrikam-app", app_only(fabrikam_app, {"Chat.Read.All"}));

  chat_spec launch =
      chat_spec::group({"adele@contoso.com", "megan@contoso.com", "lee@contoso.com"}, "Launch");
  launch.created = t0;
  launch.installed_apps = {w.contoso_app};
  launch.members[2].visible_history_start = t0 + 2 * minute + 30 * 1000;  // Lee: m2 on
  w.launch = g.add_chat(launch);
  chat_spec hidden = chat_spec::group({"megan@contoso.com", "lee@contoso.com"}, "Private");
  hidden.created = t0;
  w.hidden = g.add_chat(hidden);
  chat_spec federated = chat_spec::one_on_one("adele@contoso.com", "pradeep@fabrikam.com");
  federated.created = t0;
  w.federated = g.add_chat(federated);
  chat_spec started_there =
      chat_spec::group({"pradeep@fabrikam.com", "adele@contoso.com"}, "Partners");
  started_there.created = t0;
  started_there.tenant = fabrikam;
  w.fabrikam = g.add_chat(started_there);

  // m0..m4 a minute apart; m1 was edited last, so it is the newest by lastModifiedDateTime.
  for (int i = 0; i < 5; ++i) {
    fakegraph::message_spec m{i % 2 ? "megan@contoso.com" : "adele@contoso.com",
                              "message " + std::to_string(i), t0 + (i + 1) * minute};
    if (i == 1) m.last_edited = m.last_modified = t0 + 10 * minute;
    w.launch_messages.push_back(g.add_message(w.launch, std::move(m)));
  }
  g.add_message(w.hidden, {"megan@contoso.com", "not for Adele", t0 + minute});
  g.add_message(w.federated, {"pradeep@fabrikam.com", "hello from Fabrikam", t0 + minute});
  return w;
}

/// The launch chat's URL under `/v1.0/` + `prefix` ("me/chats/", "chats/", …) + `rest`.
inline std::string url(const std::string& prefix, const std::string& chat,
                       const std::string& rest = {}) {
  return "/v1.0/" + prefix + chat + rest;
}

/// A page's items without their @odata.type, as the chat's own message endpoints write them.
inline nlohmann::json untyped(nlohmann::json item) {
  item.erase("@odata.type");
  return item;
}

}  // namespace chat_world
