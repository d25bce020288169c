// The $filter parser: grammar, canonical text, and every syntax error it reports.
#include "fakegraph/detail/odata.hpp"

#include <cstddef>      // std::size_t
#include <exception>    // std::exception
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair
#include <vector>       // std::vector

#include "support/catch.hpp"

namespace od = fakegraph::detail::odata;
using kind = od::node::kind;
using lit = od::literal::kind;

namespace {

std::string canon(std::string_view text) { return od::to_string(*od::parse_filter(text)); }

// The syntax_error for `text`; fails the test if parsing succeeds or throws anything else.
od::syntax_error error_of(std::string_view text) {
  INFO("filter: " << text);
  try {
    od::parse_filter(text);
  } catch (const od::syntax_error& e) {
    return e;
  }
  FAIL("parsed without a syntax_error");
  return od::syntax_error(0, "");
}

void check_error(std::string_view text, std::size_t pos, std::string_view needle) {
  const od::syntax_error e = error_of(text);
  INFO("filter: " << text << "\nwhat(): " << e.what());
  CHECK(e.position() == pos);
  CHECK(e.reason().find(needle) != std::string::npos);
  CHECK(std::string(e.what()) ==
        "syntax error at position " + std::to_string(pos) + " in '$filter': " + e.reason());
}

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_CASE("documented Graph filter shapes parse and print canonically", "[odata]") {
  struct shape {
    std::string_view text, canonical;
  };
  const shape shapes[] = {
      // List chats (graph-semantics §2.4, Q11)
      {"installedApps/any(a:a/teamsApp/id eq '05f4e9cd-1a7e-4bd1-8e2f-6a0f2a5a8a1c')",
       "installedApps/any(a: a/teamsApp/id eq '05f4e9cd-1a7e-4bd1-8e2f-6a0f2a5a8a1c')"},
      {"members/any(o: o/displayName eq 'Adele Vance')",
       "members/any(o: o/displayName eq 'Adele Vance')"},
      {"members/any(o: o/microsoft.graph.aadUserConversationMember/userId eq "
       "'48d31887-5fad-4d73-a9f5-3c356e68a038')",
       "members/any(o: o/microsoft.graph.aadUserConversationMember/userId eq "
       "'48d31887-5fad-4d73-a9f5-3c356e68a038')"},
      {"topic eq 'Weekly sync'", "topic eq 'Weekly sync'"},
      {"chatType eq 'group'", "chatType eq 'group'"},
      {"id eq '19:meeting_abc@thread.v2'", "id eq '19:meeting_abc@thread.v2'"},
      {"id in ('19:a@thread.v2','19:b@thread.v2')", "id in ('19:a@thread.v2', '19:b@thread.v2')"},
      // getAllMessages (§3.3)
      {"lastModifiedDateTime gt 2020-06-04T18:03:11.591Z and lastModifiedDateTime lt "
       "2020-06-05T21:00:09.413Z",
       "lastModifiedDateTime gt 2020-06-04T18:03:11.591Z and lastModifiedDateTime lt "
       "2020-06-05T21:00:09.413Z"},
      {"lastModifiedDateTime gt 2020-06-04T18:03:11.591Z",
       "lastModifiedDateTime gt 2020-06-04T18:03:11.591Z"},
      {"from/user/userIdentityType eq 'federatedUser'",
       "from/user/userIdentityType eq 'federatedUser'"},
      {"from/application/applicationIdentityType eq 'bot'",
       "from/application/applicationIdentityType eq 'bot'"},
      {"from/user/id eq 'a' or from/user/id eq 'b'", "from/user/id eq 'a' or from/user/id eq 'b'"},
      {"messageType eq 'systemEventMessage'", "messageType eq 'systemEventMessage'"},
      {"messageType ne 'systemEventMessage'", "messageType ne 'systemEventMessage'"},
      {"(from/user/id eq 'a' or from/user/userIdentityType eq 'anonymousGuest') and "
       "(lastModifiedDateTime gt 2020-06-04T18:03:11.591Z and lastModifiedDateTime lt "
       "2020-06-05T21:00:09.413Z)",
       "(from/user/id eq 'a' or from/user/userIdentityType eq 'anonymousGuest') and "
       "(lastModifiedDateTime gt 2020-06-04T18:03:11.591Z and lastModifiedDateTime lt "
       "2020-06-05T21:00:09.413Z)"},
  };
  for (const shape& s : shapes) {
    INFO(s.text);
    CHECK(canon(s.text) == s.canonical);
    CHECK(canon(s.canonical) == s.canonical);  // canonical text is a fixed point
  }
}

TEST_CASE("documented shapes have the expected structure", "[odata]") {
  SECTION("date range") {
    const auto n = od::parse_filter(
        "lastModifiedDateTime gt 2020-06-04T18:03:11.591Z and lastModifiedDateTime lt "
        "2020-06-05T21:00:09.413Z");
    REQUIRE(n->type == kind::and_);
    REQUIRE(n->children.size() == 2);
    const od::node& lo = *n->children[0];
    const od::node& hi = *n->children[1];
    CHECK(lo.type == kind::compare);
    CHECK(lo.path == "lastModifiedDateTime");
    CHECK(lo.op == od::cmp_op::gt);
    CHECK(lo.value.type == lit::datetime);
    CHECK(lo.value.text == "2020-06-04T18:03:11.591Z");
    CHECK(hi.op == od::cmp_op::lt);
    CHECK(hi.value.text == "2020-06-05T21:00:09.413Z");
  }
  SECTION("member lambda with a type cast") {
    const auto n = od::parse_filter(
        "members/any(o: o/microsoft.graph.aadUserConversationMember/userId eq "
        "'48d31887-5fad-4d73-a9f5-3c356e68a038')");
    REQUIRE(n->type == kind::any);
    CHECK(n->path == "members");
    CHECK(n->variable == "o");
    REQUIRE(n->children.size() == 1);
    const od::node& body = *n->children[0];
    CHECK(body.type == kind::compare);
    CHECK(body.path == "o/microsoft.graph.aadUserConversationMember/userId");
    CHECK(body.value.type == lit::string);  // quoted, so a string even though it looks like a GUID
    CHECK(body.value.text == "48d31887-5fad-4d73-a9f5-3c356e68a038");
  }
  SECTION("installedApps lambda without spaces") {
    const auto n = od::parse_filter("installedApps/any(a:a/teamsApp/id eq 'x')");
    REQUIRE(n->type == kind::any);
    CHECK(n->path == "installedApps");
    CHECK(n->variable == "a");
    CHECK(n->children[0]->path == "a/teamsApp/id");
  }
  SECTION("in list") {
    const auto n = od::parse_filter("id in ('19:a@thread.v2','19:b@thread.v2')");
    REQUIRE(n->type == kind::in);
    CHECK(n->path == "id");
    REQUIRE(n->values.size() == 2);
    CHECK(n->values[0].type == lit::string);
    CHECK(n->values[0].text == "19:a@thread.v2");
    CHECK(n->values[1].text == "19:b@thread.v2");
  }
  SECTION("sender group ANDed with the date range") {
    const auto n = od::parse_filter(
        "(from/user/id eq 'a' or from/user/id eq 'b') and (lastModifiedDateTime gt "
        "2020-01-01T00:00:00Z and "
        "lastModifiedDateTime lt 2021-01-01T00:00:00Z)");
    REQUIRE(n->type == kind::and_);
    CHECK(n->children[0]->type == kind::or_);
    CHECK(n->children[0]->children[1]->path == "from/user/id");
    CHECK(n->children[0]->children[1]->value.text == "b");
    CHECK(n->children[1]->type == kind::and_);
  }
}

TEST_CASE("operator names", "[odata]") {
  using od::cmp_op;
  const std::pair<cmp_op, std::pair<std::string_view, std::string_view>> table[] = {
      {cmp_op::eq, {"eq", "Equal"}},       {cmp_op::ne, {"ne", "NotEqual"}},
      {cmp_op::gt, {"gt", "GreaterThan"}}, {cmp_op::ge, {"ge", "GreaterThanOrEqual"}},
      {cmp_op::lt, {"lt", "LessThan"}},    {cmp_op::le, {"le", "LessThanOrEqual"}},
  };
  for (const auto& [op, names] : table) {
    CHECK(od::to_string(op) == names.first);
    CHECK(od::operation_kind(op) == names.second);
    const auto n = od::parse_filter("x " + std::string(names.first) + " 1");
    CHECK(n->op == op);
  }
}

TEST_CASE("precedence: or < and < not < comparison, left associative", "[odata]") {
  SECTION("a or b and c") {
    const auto n = od::parse_filter("a eq 1 or b eq 2 and c eq 3");
    REQUIRE(n->type == kind::or_);
    CHECK(n->children[0]->path == "a");
    REQUIRE(n->children[1]->type == kind::and_);
    CHECK(n->children[1]->children[0]->path == "b");
    CHECK(n->children[1]->children[1]->path == "c");
    CHECK(od::to_string(*n) == "a eq 1 or b eq 2 and c eq 3");
  }
  SECTION("a and b or c") {
    const auto n = od::parse_filter("a eq 1 and b eq 2 or c eq 3");
    REQUIRE(n->type == kind::or_);
    CHECK(n->children[0]->type == kind::and_);
    CHECK(n->children[1]->path == "c");
  }
  SECTION("chains group to the left and print without parentheses") {
    const auto n = od::parse_filter("a eq 1 and b eq 2 and c eq 3");
    REQUIRE(n->type == kind::and_);
    CHECK(n->children[0]->type == kind::and_);
    CHECK(n->children[1]->path == "c");
    CHECK(od::to_string(*n) == "a eq 1 and b eq 2 and c eq 3");
  }
  SECTION("explicit grouping that changes the tree is kept") {
    CHECK(canon("a eq 1 and (b eq 2 and c eq 3)") == "a eq 1 and (b eq 2 and c eq 3)");
    CHECK(canon("a eq 1 or (b eq 2 or c eq 3)") == "a eq 1 or (b eq 2 or c eq 3)");
    CHECK(canon("(a eq 1 or b eq 2) and c eq 3") == "(a eq 1 or b eq 2) and c eq 3");
    CHECK(canon("a eq 1 and (b eq 2 or c eq 3)") == "a eq 1 and (b eq 2 or c eq 3)");
  }
  SECTION("redundant grouping is dropped") {
    CHECK(canon("(a eq 1 and b eq 2) and c eq 3") == "a eq 1 and b eq 2 and c eq 3");
    CHECK(canon("a eq 1 or (b eq 2 and c eq 3)") == "a eq 1 or b eq 2 and c eq 3");
    CHECK(canon("((((a eq 1))))") == "a eq 1");
  }
}

TEST_CASE("not", "[odata]") {
  SECTION("applies to the whole comparison, binds tighter than and") {
    const auto n = od::parse_filter("not a eq 1 and b eq 2");
    REQUIRE(n->type == kind::and_);
    REQUIRE(n->children[0]->type == kind::not_);
    REQUIRE(n->children[0]->children.size() == 1);
    CHECK(n->children[0]->children[0]->type == kind::compare);
    CHECK(od::to_string(*n) == "not (a eq 1) and b eq 2");
  }
  SECTION("of a group, doubled, of a lambda, glued to a parenthesis") {
    CHECK(canon("not (a eq 1 or b eq 2)") == "not (a eq 1 or b eq 2)");
    CHECK(canon("not not a eq 1") == "not (not (a eq 1))");
    CHECK(canon("not members/any(m: m/displayName eq 'x')") ==
          "not (members/any(m: m/displayName eq 'x'))");
    CHECK(canon("not(a eq 1)") == "not (a eq 1)");
  }
}

TEST_CASE("whitespace is lenient", "[odata]") {
  CHECK(canon("  topic \t eq\t'a'  ") == "topic eq 'a'");
  CHECK(canon("(topic eq 'a')and(chatType eq 'b')") == "topic eq 'a' and chatType eq 'b'");
  CHECK(canon("topic eq'a'\r\nor\nid in('x' ,'y')") == "topic eq 'a' or id in ('x', 'y')");
  CHECK(canon("members/any( m :m/displayName eq 'x' )") == "members/any(m: m/displayName eq 'x')");
}

TEST_CASE("in lists", "[odata]") {
  const auto n = od::parse_filter(
      "x in ('a', 1, -2.5, true, null, 2020-01-01T00:00:00Z, "
      "0ab1c2d3-0000-4000-8000-00000000000f)");
  REQUIRE(n->type == kind::in);
  REQUIRE(n->values.size() == 7);
  CHECK(n->values[0].type == lit::string);
  CHECK(n->values[1].type == lit::number);
  CHECK(n->values[2].type == lit::number);
  CHECK(n->values[2].text == "-2.5");
  CHECK(n->values[3].type == lit::boolean);
  CHECK(n->values[4].type == lit::null);
  CHECK(n->values[5].type == lit::datetime);
  CHECK(n->values[6].type == lit::guid);
  CHECK(canon("x in ('only')") == "x in ('only')");

  std::string big = "id in (";
  for (int i = 0; i < 5000; ++i) big += (i ? ",'" : "'") + std::to_string(i) + "'";
  big += ")";
  CHECK(od::parse_filter(big)->values.size() == 5000);  // values are not AST nodes: no limit
}

TEST_CASE("lambdas", "[odata]") {
  SECTION("all, with a type cast in the collection path") {
    const auto n = od::parse_filter(
        "members/microsoft.graph.aadUserConversationMember/all(m: m/roles/any(r: r eq 'owner'))");
    REQUIRE(n->type == kind::all);
    CHECK(n->path == "members/microsoft.graph.aadUserConversationMember");
    CHECK(n->variable == "m");
    const od::node& inner = *n->children[0];
    REQUIRE(inner.type == kind::any);
    CHECK(inner.path == "m/roles");
    CHECK(inner.variable == "r");
    CHECK(inner.children[0]->path == "r");  // a bare variable (collection of primitives)
    CHECK(od::to_string(*n) ==
          "members/microsoft.graph.aadUserConversationMember/all(m: m/roles/any(r: r eq 'owner'))");
  }
  SECTION("a nested body may use the enclosing variable") {
    CHECK(canon("members/any(m: m/roles/any(r: r eq 'owner' and m/displayName eq 'x'))") ==
          "members/any(m: m/roles/any(r: r eq 'owner' and m/displayName eq 'x'))");
  }
  SECTION("a body with boolean logic and a cast") {
    const auto n = od::parse_filter(
        "members/any(m: m/microsoft.graph.aadUserConversationMember/userId eq 'u1' or not "
        "(m/displayName eq 'Bo'))");
    REQUIRE(n->children.size() == 1);
    CHECK(n->children[0]->type == kind::or_);
  }
  SECTION("empty any() means 'the collection is not empty'") {
    const auto n = od::parse_filter("members/any()");
    REQUIRE(n->type == kind::any);
    CHECK(n->path == "members");
    CHECK(n->variable.empty());
    CHECK(n->children.empty());
    CHECK(od::to_string(*n) == "members/any()");
    CHECK(canon("members/any( ) and topic eq 'x'") == "members/any() and topic eq 'x'");
  }
  SECTION("a variable's scope ends with its lambda") {
    const auto n = od::parse_filter("members/any(m: m/x eq 1) and m/y eq 2");
    CHECK(n->children[1]->path == "m/y");  // outside the lambda, `m` is an ordinary property
  }
  SECTION("a variable may be reused by a sibling lambda") {
    CHECK(canon("members/any(m: m/id eq 'a') and members/any(m: m/id eq 'b')") ==
          "members/any(m: m/id eq 'a') and members/any(m: m/id eq 'b')");
  }
}

TEST_CASE("literals", "[odata]") {
  const auto value_of = [](std::string_view v) {
    return od::parse_filter("x eq " + std::string(v))->value;
  };
  SECTION("strings unescape '' and print it back") {
    CHECK(value_of("'It''s'").text == "It's");
    CHECK(value_of("''''").text == "'");
    CHECK(value_of("''").text.empty());
    CHECK(value_of("'a''''b'").text == "a''b");
    CHECK(value_of("'(not) and or eq '").text == "(not) and or eq ");
    CHECK(value_of("'caf\xc3\xa9'").text == "caf\xc3\xa9");
    CHECK(canon("topic eq 'It''s'") == "topic eq 'It''s'");
    CHECK(canon("topic eq ''''") == "topic eq ''''");
  }
  SECTION("numbers keep their text") {
    for (const char* v : {"0", "42", "-5", "+3", "1.5", "-0.25", "2e10", "6.02E+23", "1e-3"}) {
      INFO(v);
      const od::literal l = value_of(v);
      CHECK(l.type == lit::number);
      CHECK(l.text == v);
    }
  }
  SECTION("true, false, null") {
    CHECK(value_of("true").type == lit::boolean);
    CHECK(value_of("false").text == "false");
    CHECK(value_of("null").type == lit::null);
  }
  SECTION("date-times, bare") {
    for (const char* v : {"2020-06-04T18:03:11.591Z", "2020-06-04T18:03:11Z", "2020-06-04T18:03Z",
                          "2020-06-04T18:03:11.1234567Z", "2020-06-04T18:03:11+01:00",
                          "2020-06-04T18:03:11.5-05:30", "2020-06-04T18:03:11+14:00",
                          "2024-02-29T23:59:59Z", "2000-02-29T00:00:00Z"}) {
      INFO(v);
      const od::literal l = value_of(v);
      CHECK(l.type == lit::datetime);
      CHECK(l.text == v);
    }
  }
  SECTION("GUIDs, bare, starting with a letter or a digit") {
    for (const char* v :
         {"48d31887-5fad-4d73-a9f5-3c356e68a038", "ABCDEF01-2345-6789-ABCD-EF0123456789",
          "12345678-1234-1234-1234-123456789012"}) {
      INFO(v);
      const od::literal l = value_of(v);
      CHECK(l.type == lit::guid);
      CHECK(l.text == v);
    }
    CHECK(canon("id in (48d31887-5fad-4d73-a9f5-3c356e68a038)") ==
          "id in (48d31887-5fad-4d73-a9f5-3c356e68a038)");
  }
}

TEST_CASE("paths", "[odata]") {
  CHECK(od::parse_filter("_a1/b_2/c eq 1")->path == "_a1/b_2/c");
  CHECK(od::parse_filter("microsoft.graph.chat/topic eq 'x'")->path ==
        "microsoft.graph.chat/topic");
  // Keywords are only special where the grammar expects them.
  CHECK(od::parse_filter("from/not/and eq 1")->path == "from/not/and");
  CHECK(od::parse_filter("members/any eq 1")->path == "members/any");
}

TEST_CASE("syntax errors name the problem and the position", "[odata]") {
  SECTION("empty") {
    check_error("", 0, "the filter is empty");
    check_error("   ", 3, "the filter is empty");
  }
  SECTION("trailing garbage") {
    check_error("topic eq 'a' x", 13, "expected 'and', 'or' or the end of the filter, found 'x'");
    check_error("topic eq 'a' 'b'", 13, "found 'b'");
    check_error("topic eq 'a' AND chatType eq 'b'", 13,
                "names and values are case-sensitive: write 'and'");
  }
  SECTION("unbalanced parentheses") {
    check_error("(topic eq 'a'", 13,
                "expected ')' to close the '(' at position 0, found the end of the filter");
    check_error("((topic eq 'a')", 15, "'(' at position 0");
    check_error("topic eq 'a')", 12, "unbalanced ')'");
    check_error("()", 1, "expected a condition after '(', found ')'");
    check_error(")", 0, "expected a condition, found ')'");
  }
  SECTION("unterminated string") {
    check_error("topic eq 'abc", 9, "unterminated string literal");
    check_error("topic eq 'it''s", 9, "unterminated string literal");
    check_error("topic eq '", 9, "unterminated string literal");
  }
  SECTION("functions are not supported") {
    check_error("contains(topic, 'x')", 0, "function 'contains' is not supported");
    check_error("not startswith(topic, 'x')", 4, "function 'startswith' is not supported");
    check_error("members/any(m: contains(m/displayName, 'x'))", 15,
                "function 'contains' is not supported");
    check_error("a eq 1 and tolower (topic) eq 'x'", 11, "function 'tolower' is not supported");
    check_error("any(m: m eq 1)", 0, "'any' needs a collection path before it");
  }
  SECTION("the property must be on the left") {
    check_error(
        "'group' eq chatType", 0,
        "must start with a property path, found the value 'group' (write 'property op value')");
    check_error("2020-06-04T18:03:11Z lt lastModifiedDateTime", 0,
                "must start with a property path");
    check_error("null eq topic", 0, "must start with a property path");
    check_error("a eq 1 and 5 eq b", 11, "must start with a property path");
  }
  SECTION("missing or misspelt operator") {
    check_error("topic", 5,
                "expected a comparison operator (eq, ne, gt, ge, lt, le) or 'in' after 'topic'");
    check_error("topic 'x'", 6, "after 'topic', found 'x'");
    check_error("from/user/id EQ 'x'", 13, "names and values are case-sensitive: write 'eq'");
    check_error("topic has 'x'", 6, "expected a comparison operator");
    check_error("topic = 'x'", 6, "unexpected character '='");
  }
  SECTION("missing value") {
    check_error("topic eq", 8, "expected a value after 'eq', found the end of the filter");
    check_error("lastModifiedDateTime gt ", 24, "expected a value after 'gt'");
    check_error("chatType eq group", 12, "string values need single quotes");
    check_error("topic eq (x)", 9, "expected a value after 'eq', found '('");
  }
  SECTION("missing condition") {
    check_error("a eq 1 or", 9, "expected a condition after 'or', found the end of the filter");
    check_error("a eq 1 and and b eq 2", 11, "expected a condition after 'and', found 'and'");
    check_error("not", 3, "expected a condition after 'not'");
    check_error("/topic eq 'x'", 0, "expected a condition, found '/'");
    check_error("eq 1", 0, "expected a condition, found 'eq'");
  }
  SECTION("paths") {
    check_error("from/ eq 'x'", 5, "expected a property name right after '/'");
    check_error("from/user/ ", 10, "expected a property name right after '/'");
    check_error("from/'x' eq 1", 5, "expected a property name right after '/'");
    check_error(
        "from /user eq 'x'", 5,
        "expected a comparison operator (eq, ne, gt, ge, lt, le) or 'in' after 'from', found '/'");
    check_error("members/any(m: m/microsoft. eq 1)", 27,
                "expected a name after '.' in a qualified type name");
    check_error("members/any(m: m/microsoft.3 eq 1)", 27, "expected a name after '.'");
    // A dot joins names into one qualified segment, so the operator is missing here.
    check_error("topic.eq 'x'", 9, "or 'in' after 'topic.eq', found 'x'");
  }
  SECTION("in lists") {
    check_error("id in ()", 7, "expected a value after 'in (', found ')'");
    check_error("id in ('a',)", 11, "expected a value after ','");
    check_error("id in ('a' 'b')", 11, "expected ',' or ')' in the 'in' list");
    check_error("id in ('a'", 10,
                "expected ',' or ')' in the 'in' list, found the end of the filter");
    check_error("id in 'a'", 6, "expected '(' after 'in'");
    check_error("id in (b)", 7, "string values need single quotes");
  }
  SECTION("lambdas") {
    check_error("members/any(m: x/displayName eq 'a')", 15,
                "'x' is not a lambda variable in scope (expected 'm/");
    check_error("members/any(m: displayName eq 'a')", 15,
                "'displayName' is not a lambda variable in scope");
    check_error("members/any(m: m/roles/any(r: x eq 'owner'))", 30,
                "'x' is not a lambda variable in scope");
    check_error("members/all()", 12, "expected a lambda variable after 'all(', found ')'");
    check_error("members/any(m m/x eq 1)", 14, "expected ':' after the lambda variable 'm'");
    check_error("members/any(: x eq 1)", 12, "expected a lambda variable after 'any(', found ':'");
    check_error("members/any(m:)", 14, "expected a condition after ':', found ')'");
    check_error("members/any(m: m/x eq 1", 23, "expected ')' to close the 'any(' at position 11");
    check_error("members/any(a.b: a eq 1)", 12, "'a.b' cannot be a lambda variable");
    check_error("members/any(not: not eq 1)", 12, "'not' cannot be a lambda variable");
    check_error("members/any(m: m/roles/any(m: m eq 1))", 27,
                "'m' is already used by an enclosing lambda");
  }
  SECTION("literals") {
    check_error("x eq 2020-06-04", 15, "expected a time like T18:03:11Z after the date");
    check_error("x eq 2020-06-04T18:03:11", 24, "expected 'Z' or an offset like +01:00");
    check_error("x eq 2020-06-04T18:03:11 01:00", 24, "'+' is sent as %2B");
    check_error("x eq 2020-06-04T18:03:60Z", 5, "not a valid calendar date");
    check_error("x eq 2020-06-04T18:60Z", 5, "not a valid calendar date");
    check_error("x eq 2020-06-04T18:03:11+01:60", 5, "not a valid calendar date");
    check_error("x eq 2020-00-04T18:03:11Z", 5, "not a valid calendar date");
    check_error("x eq 2020-06-31T18:03:11Z", 5, "not a valid calendar date");
    check_error("x eq 2020-06-04T18Z", 18, "expected a time like T18:03:11Z");
    check_error("x eq 2020-06-04T18:03:1Z", 23, "expected 2-digit seconds");
    check_error("x eq 2020-06-04T18:03+1:00", 23, "expected an offset like +01:00");
    check_error("x eq 2020-06-04T18:03:11.Z", 25, "expected digits after '.'");
    check_error("x eq 2020-6-04T00:00:00Z", 11, "expected a date like 2020-06-04");
    check_error("x eq 2020-13-01T00:00:00Z", 5,
                "'2020-13-01T00:00:00Z' is not a valid calendar date");
    check_error("x eq 2021-02-29T00:00:00Z", 5, "not a valid calendar date");
    check_error("x eq 1900-02-29T00:00:00Z", 5, "not a valid calendar date");
    check_error("x eq 2020-06-04T24:00:00Z", 5, "not a valid calendar date");
    check_error("x eq 2020-06-04T18:03:11+15:00", 5, "not a valid calendar date");
    check_error("x eq 2020-06-04T18:03:11Zx", 25, "malformed date-time: unexpected 'x'");
    check_error("x eq 12abc", 7, "malformed number: unexpected 'a'");
    check_error("x eq 1.", 6, "malformed number: unexpected '.'");
    check_error("x eq 1e", 6, "malformed number: unexpected 'e'");
    check_error("x eq 48d31887-5fad-4d73-a9f5-3c356e68a038x", 41, "malformed GUID: unexpected 'x'");
    check_error("x eq 48d31887-5fad-4d73-a9f5-3c356e68a038-1", 41,
                "malformed GUID: unexpected '-'");
    check_error("x eq 48d31887-5fad-4d73-a9f5-3c356e68a03", 7, "malformed number: unexpected 'd'");
    check_error("x eq -", 5, "unexpected character '-'");
    check_error("x eq 'a' & y eq 'b'", 9, "unexpected character '&'");
    check_error("x eq $it", 5, "unexpected character '$'");
    check_error("x eq \x01", 5, "unexpected character byte 0x01");
    check_error("caf\xc3\xa9 eq 1", 3, "unexpected character byte 0xc3");
  }
  SECTION("a long token is shortened in the message") {
    const od::syntax_error e = error_of("a eq 1 " + std::string(100, 'z'));
    CHECK(e.reason() ==
          "expected 'and', 'or' or the end of the filter, found '" + std::string(40, 'z') + "...'");
  }
}

TEST_CASE("nesting is bounded, never a stack overflow", "[odata]") {
  const std::size_t d = od::max_depth;
  SECTION("parentheses") {
    CHECK(canon(repeat("(", d) + "a eq 1" + repeat(")", d)) == "a eq 1");
    check_error(repeat("(", d + 1) + "a eq 1" + repeat(")", d + 1), d,
                "nests more than 64 levels deep");
    check_error(repeat("(", 100000), d, "nests more than 64 levels deep");
  }
  SECTION("not") {
    CHECK(od::parse_filter(repeat("not ", d) + "a eq 1")->type == kind::not_);
    check_error(repeat("not ", d + 1) + "a eq 1", 4 * d, "nests more than 64 levels deep");
  }
  SECTION("lambdas count too") {
    CHECK(od::parse_filter(repeat("(", d - 1) + "m/any(x: x eq 1)" + repeat(")", d - 1))->type ==
          kind::any);
    check_error(repeat("(", d) + "m/any(x: x eq 1)" + repeat(")", d), d + 2,
                "nests more than 64 levels deep");
  }
}

TEST_CASE("node count is bounded so walkers of long chains stay shallow", "[odata]") {
  const std::size_t clauses = (od::max_nodes + 1) / 2;  // 2n - 1 nodes
  std::string ok = "a eq 1";
  for (std::size_t i = 1; i < clauses; ++i) ok += " or a eq 1";
  const auto n = od::parse_filter(ok);
  CHECK(od::to_string(*n) == ok);

  const std::string too_many = ok + " or a eq 1";
  check_error(too_many, too_many.size(), "more than 1000 conditions and operators");
}

TEST_CASE("canonical text re-parses to the same canonical text", "[odata]") {
  for (const char* f :
       {"not (a eq 1 or b eq 2) and c eq 3", "a eq 1 or not b eq 2 and (c eq 3 or d eq 4)",
        "m/any(x: not x/y eq 'q''r' or x/z in (1, 2))", "(((a eq 1) or (b eq 2)))"}) {
    INFO(f);
    const std::string once = canon(f);
    CHECK(canon(once) == once);
  }
}

// Every prefix, every one-byte deletion and every insertion of a grammar character into a set
// of valid filters either parses (and then round-trips) or throws syntax_error: nothing else.
TEST_CASE("mangled filters parse or throw syntax_error, nothing else", "[odata]") {
  const std::vector<std::string> valid = {
      "lastModifiedDateTime gt 2020-06-04T18:03:11.591Z and lastModifiedDateTime lt "
      "2020-06-05T21:00:09+01:00",
      "(from/user/id eq 'a' or from/user/userIdentityType eq 'federatedUser') and not (messageType "
      "ne 'x''y')",
      "members/any(o: o/microsoft.graph.aadUserConversationMember/userId eq "
      "48d31887-5fad-4d73-a9f5-3c356e68a038)",
      "installedApps/any(a:a/teamsApp/id eq '1') or members/all(m: m/roles/any(r: r eq 'owner')) "
      "or x/any()",
      "id in ('19:a@thread.v2', -1.5e3, true, null) and n le 42 and g ge -7",
  };
  const std::string inserts = "()',:/ .-+0aTZ";
  std::size_t parsed = 0;
  std::size_t rejected = 0;
  const auto attempt = [&](const std::string& text) {
    try {
      const auto n = od::parse_filter(text);
      const std::string c = od::to_string(*n);
      if (canon(c) != c) FAIL_CHECK("canonical text not stable for: " << text);
      ++parsed;
    } catch (const od::syntax_error& e) {
      if (e.position() > text.size()) FAIL_CHECK("position past the end for: " << text);
      ++rejected;
    } catch (const std::exception& e) {
      FAIL_CHECK("unexpected exception '" << e.what() << "' for: " << text);
    }
  };
  for (const std::string& f : valid) {
    REQUIRE_NOTHROW(od::parse_filter(f));
    for (std::size_t len = 0; len <= f.size(); ++len) attempt(f.substr(0, len));
    for (std::size_t i = 0; i < f.size(); ++i) {
      attempt(f.substr(0, i) + f.substr(i + 1));
      for (const char c : inserts) attempt(f.substr(0, i) + c + f.substr(i));
    }
  }
  CHECK(parsed > 0);
  CHECK(rejected > 0);
}
