// The README's quick start: walk every page of Adele's chats in the default world.
#include <fakegraph/fakegraph.hpp>

#include <cstdio>

int main() {
  auto graph = fakegraph::graph::from_file("data/contoso.json");  // or from_json(...)
  auto send = graph.transport();  // what the code under test gets instead of an HTTP client
  std::string url = "https://graph.microsoft.com/v1.0/me/chats?$top=2";
  int chats = 0;
  while (!url.empty()) {
    fakegraph::response r = send({"GET", url, {{"Authorization", "Bearer adele-read"}}});
    if (r.status != 200) return std::printf("%d %s\n", r.status, r.body.c_str()), 1;
    const nlohmann::json page = r.json();
    for (const auto& chat : page["value"])
      std::printf("%d %s\n", ++chats, chat["id"].get<std::string>().c_str());
    url = page.value("@odata.nextLink", "");  // absent on the last page
  }
  return chats == 7 ? 0 : 1;
}
