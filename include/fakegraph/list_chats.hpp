// fakegraph: List chats — GET /chats, /me/chats, /users/{id | userPrincipalName}/chats.
#pragma once

#include <cstddef>      // std::size_t, std::ptrdiff_t
#include <functional>   // std::function
#include <optional>     // std::optional, std::nullopt
#include <string>       // std::string, std::to_string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "detail/odata.hpp"
#include "detail/router.hpp"
#include "store.hpp"

namespace fakegraph::detail {

inline constexpr int list_chats_page_size = 20;      // what Graph sends without $top
inline constexpr std::size_t members_per_chat = 25;  // the documented $expand=members cap
inline constexpr std::size_t max_filter_length = 4096;

using chat_predicate = std::function<bool(const stored_chat&)>;

inline constexpr std::string_view chat_filters_supported =
    "Supported on chats: chatType eq '…', topic eq '…', id eq '…', id in ('…', …), "
    "members/any(m: m/displayName eq '…'), "
    "members/any(m: m/microsoft.graph.aadUserConversationMember/userId eq '…'), "
    "installedApps/any(a: a/teamsApp/id eq '…'), joined with and, or, not and parentheses.";

/// A $filter the chats endpoint cannot serve; the message becomes Graph's 400.
struct unsupported_filter {
  std::string message;
};

/// Turns a parsed $filter into a predicate over chats, or throws unsupported_filter.
/// `lambda` names the collection a lambda body ranges over ("members", "installedApps").
class chat_filter_compiler {
 public:
  explicit chat_filter_compiler(const world_state& w) : w_(w) {}

  chat_predicate compile(const odata::node& n);

 private:
  static std::string expect_string(const odata::node& n, const odata::literal& v);
  static void expect_eq(const odata::node& n);

  chat_predicate compare(const odata::node& n);

  chat_predicate in(const odata::node& n);

  // members/any(m: <body>) and installedApps/any(a: <body>); the body may combine
  // member (or app) comparisons with and/or/not.
  chat_predicate lambda(const odata::node& n);

  template <class Leaf, class Item>
  std::function<bool(const Item&)> body_of(const odata::node& n, const Leaf& leaf) {
    using k = odata::node::kind;
    if (n.type == k::and_ || n.type == k::or_) {
      auto a = body_of<Leaf, Item>(*n.children[0], leaf);
      auto b = body_of<Leaf, Item>(*n.children[1], leaf);
      const bool both = n.type == k::and_;
      return [a, b, both](const Item& i) { return both ? (a(i) && b(i)) : (a(i) || b(i)); };
    }
    if (n.type == k::not_) {
      auto a = body_of<Leaf, Item>(*n.children[0], leaf);
      return [a](const Item& i) { return !a(i); };
    }
    if (n.type != k::compare)
      throw unsupported_filter{"nested lambdas and 'in' are not supported inside any()"};
    expect_eq(n);
    return leaf(n);
  }

  std::function<bool(const chat_member&)> member_body(const odata::node& n, const std::string& var);

  std::function<bool(const std::string&)> app_body(const odata::node& n, const std::string& var);

  const world_state& w_;
};

/// What $expand asked for, in the order asked (it shapes @odata.context).
struct chat_expansion {
  bool members = false;
  bool preview = false;
  std::vector<std::string> order;
};

std::optional<response> read_chat_expand(const endpoint_call& call, const query_options& q,
                                         chat_expansion& out);

/// One row of a page: the chat and its preview as of the walk's start (when needed).
struct chat_row {
  const stored_chat* chat;
  const stored_message* preview;
};

response list_chats(const endpoint_call& call);

}  // namespace fakegraph::detail

#ifndef FAKEGRAPH_COMPILED_LIB
#include "list_chats-inl.hpp"
#endif
