// fakegraph: the OData `$filter` parser every endpoint shares.
//
// It accepts a general OData subset (and/or/not, comparisons, `in`, any/all lambdas) and knows
// nothing about chats or messages: each endpoint walks the AST with its own allow-list and
// turns anything it does not support into Graph's 400. Keeping the grammar generic means a
// filter Graph would reject for *semantic* reasons still gets a precise, endpoint-specific
// error instead of a vague syntax error.
#pragma once

#include <cstddef>           // std::size_t
#include <initializer_list>  // std::initializer_list
#include <memory>            // std::unique_ptr, std::make_unique
#include <stdexcept>         // std::runtime_error
#include <string>            // std::string, std::to_string
#include <string_view>       // std::string_view
#include <vector>            // std::vector

#include "strings.hpp"

namespace fakegraph::detail::odata {

/// Malformed `$filter` text. what() is "syntax error at position P in '$filter': <reason>",
/// P being the 0-based byte offset in the filter text (text.size() for "at the end").
class syntax_error : public std::runtime_error {
 public:
  syntax_error(std::size_t position, const std::string& reason);
  std::size_t position() const noexcept { return position_; }
  const std::string& reason() const noexcept { return reason_; }  // what() without the prefix

 private:
  std::size_t position_;
  std::string reason_;
};

enum class cmp_op { eq, ne, gt, ge, lt, le };

inline std::string_view to_string(cmp_op op) noexcept {
  constexpr std::string_view names[] = {"eq", "ne", "gt", "ge", "lt", "le"};
  return names[static_cast<int>(op)];
}

/// The operator as ASP.NET OData names it in Graph's error messages ("operationKind '…'").
inline std::string_view operation_kind(cmp_op op) noexcept {
  constexpr std::string_view names[] = {
      "Equal", "NotEqual", "GreaterThan", "GreaterThanOrEqual", "LessThan", "LessThanOrEqual"};
  return names[static_cast<int>(op)];
}

struct literal {
  enum class kind { string, number, boolean, null, datetime, guid };
  kind type = kind::null;
  std::string text;  // string: the unescaped value; others: the token exactly as written
};

struct node;
/// Sole ownership: a filter is parsed once per request and only read afterwards.
using node_ptr = std::unique_ptr<node>;

/// One AST node; which fields matter depends on `type`:
/// - and_/or_: children = {left, right}; chains are left-associative.
/// - not_: children = {operand}.
/// - compare: path, op, value.
/// - in: path, values (never empty).
/// - any/all: path = the collection ("members"), variable ("m"), children = {body}; the body's
///   paths start with a variable in scope ("m/displayName"). `any()` has no variable and no child.
/// Paths keep '/' separators and type casts exactly as written
/// ("o/microsoft.graph.aadUserConversationMember/userId").
/// A tree never has more than max_nodes nodes, so recursive walkers (and the implicit
/// recursive destructor) stay shallow even for long `a or b or c …` chains.
struct node {
  enum class kind { and_, or_, not_, compare, in, any, all };
  kind type = kind::compare;
  std::vector<node_ptr> children;
  std::string path;
  cmp_op op = cmp_op::eq;
  literal value;
  std::vector<literal> values;
  std::string variable;
};

inline constexpr std::size_t max_depth = 64;    // nested '(' + 'not' + lambdas
inline constexpr std::size_t max_nodes = 1000;  // AST nodes (in-list values not counted)

/// The case rule of every $filter: property names, operators and keywords, and enum values
/// are case-sensitive, as OData's grammar and Graph's metadata spell them
/// (`lastModifiedDateTime`, `eq`, `oneOnOne`). A refusal of a name that differs from an
/// accepted one only in case ends with this hint naming the accepted spelling; "" otherwise.
template <class Names>
std::string case_hint(std::string_view given, const Names& accepted) {
  for (const std::string_view a : accepted)
    if (a != given && iequals(a, given))
      return " (names and values are case-sensitive: write '" + std::string(a) + "')";
  return {};
}
inline std::string case_hint(std::string_view given,
                             std::initializer_list<std::string_view> accepted) {
  return case_hint<std::initializer_list<std::string_view>>(given, accepted);
}

std::string to_string(const literal& v);

/// Parses `$filter` text (already percent-decoded). Throws syntax_error; never anything else
/// except std::bad_alloc. Linear in the text; recursion bounded by max_depth.
node_ptr parse_filter(std::string_view text);

/// Canonical text: single spaces, minimal parentheses. parse_filter(to_string(n)) rebuilds
/// the same tree, so it doubles as a query fingerprint.
std::string to_string(const node& n);

}  // namespace fakegraph::detail::odata

#ifndef FAKEGRAPH_COMPILED_LIB
#include "odata-inl.hpp"
#endif
