// fakegraph: definitions of detail/odata.hpp (see detail/inline.hpp).
#pragma once

#include "odata.hpp"

#include <utility>  // std::move

#include "inline.hpp"

namespace fakegraph::detail::odata {

FAKEGRAPH_INLINE syntax_error::syntax_error(std::size_t position, const std::string& reason)
    : std::runtime_error("syntax error at position " + std::to_string(position) +
                         " in '$filter': " + reason),
      position_(position),
      reason_(reason) {}

namespace lex_detail {

FAKEGRAPH_INLINE bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
FAKEGRAPH_INLINE bool is_ident_start(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
FAKEGRAPH_INLINE bool is_ident_char(char c) noexcept { return is_ident_start(c) || is_digit(c); }
FAKEGRAPH_INLINE bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
FAKEGRAPH_INLINE bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct token {
  enum class kind { end, ident, punct, value };  // punct: one of ( ) , / :
  kind type = kind::end;
  literal::kind value_type = literal::kind::null;  // for kind::value
  std::size_t pos = 0;
  std::string_view text;  // raw, quotes included for strings
};

// Lexes on demand (one token of lookahead is all the grammar needs), so the first error in
// text order is the one reported.
class lexer {
 public:
  explicit lexer(std::string_view s) noexcept : s_(s) {}

  token next() {
    while (i_ < s_.size() && is_space(s_[i_])) ++i_;
    const std::size_t start = i_;
    if (i_ == s_.size()) return {token::kind::end, literal::kind::null, start, {}};
    const char c = s_[i_];
    if (std::string_view("(),/:").find(c) != std::string_view::npos)
      return {token::kind::punct, literal::kind::null, i_++, s_.substr(start, 1)};
    if (c == '\'') return string_token();
    // GUIDs may start with a letter or a digit, so they are tried before names and numbers.
    if (guid_at(start)) return finish(literal::kind::guid, start, start + 36, "GUID");
    if (is_ident_start(c)) return name();
    if (is_digit(c) && start + 4 < s_.size() && s_[start + 4] == '-' && digits_at(start, 4))
      return datetime();
    if (is_digit(c) || ((c == '-' || c == '+') && start + 1 < s_.size() && is_digit(s_[start + 1])))
      return number();
    throw syntax_error(start, "unexpected character " + describe_char(c));
  }

 private:
  static std::string describe_char(char c) {
    if (c > ' ' && c < 127) return std::string("'") + c + "'";
    constexpr char hex[] = "0123456789abcdef";
    const auto u = static_cast<unsigned char>(c);
    return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
  }

  bool digits_at(std::size_t at, std::size_t n) const noexcept {
    if (at + n > s_.size()) return false;
    for (std::size_t k = at; k < at + n; ++k)
      if (!is_digit(s_[k])) return false;
    return true;
  }

  bool guid_at(std::size_t at) const noexcept {
    if (at + 36 > s_.size()) return false;
    for (std::size_t k = 0; k < 36; ++k) {
      const bool dash = k == 8 || k == 13 || k == 18 || k == 23;
      if (dash ? s_[at + k] != '-' : !is_hex(s_[at + k])) return false;
    }
    return true;
  }

  // A value glued to letters or dots ("12abc", "1.", "…Zx") is a typo, not two tokens.
  token finish(literal::kind k, std::size_t start, std::size_t end, const char* what) {
    if (end < s_.size() && (is_ident_char(s_[end]) || s_[end] == '.' || s_[end] == '-'))
      throw syntax_error(
          end, std::string("malformed ") + what + ": unexpected " + describe_char(s_[end]));
    i_ = end;
    return {token::kind::value, k, start, s_.substr(start, end - start)};
  }

  token string_token() {
    const std::size_t start = i_;
    for (std::size_t k = start + 1; k < s_.size(); ++k) {
      if (s_[k] != '\'') continue;
      if (k + 1 < s_.size() && s_[k + 1] == '\'') {  // '' is an escaped quote
        ++k;
        continue;
      }
      i_ = k + 1;
      return {token::kind::value, literal::kind::string, start, s_.substr(start, i_ - start)};
    }
    throw syntax_error(start,
                       "unterminated string literal (a quote inside a string is written '')");
  }

  // Dotted names are one token so that type casts (microsoft.graph.x) form one path segment.
  token name() {
    std::size_t k = i_;
    for (;;) {
      while (k < s_.size() && is_ident_char(s_[k])) ++k;
      if (k >= s_.size() || s_[k] != '.') break;
      if (k + 1 >= s_.size() || !is_ident_start(s_[k + 1]))
        throw syntax_error(k + 1, "expected a name after '.' in a qualified type name");
      ++k;
    }
    const token t{token::kind::ident, literal::kind::null, i_, s_.substr(i_, k - i_)};
    i_ = k;
    return t;
  }

  token number() {
    const std::size_t start = i_;
    std::size_t k = start + ((s_[start] == '-' || s_[start] == '+') ? 1 : 0);
    const auto digits = [&] {
      while (k < s_.size() && is_digit(s_[k])) ++k;
    };
    digits();
    if (k + 1 < s_.size() && s_[k] == '.' && is_digit(s_[k + 1])) {
      ++k;
      digits();
    }
    if (k < s_.size() && (s_[k] == 'e' || s_[k] == 'E')) {
      std::size_t e = k + 1;
      if (e < s_.size() && (s_[e] == '+' || s_[e] == '-')) ++e;
      if (e < s_.size() && is_digit(s_[e])) {
        k = e;
        digits();
      }
    }
    return finish(literal::kind::number, start, k, "number");
  }

  // YYYY-MM-DDThh:mm[:ss[.f+]](Z|±hh:mm): OData's DateTimeOffset, written bare (no quotes).
  token datetime() {
    const std::size_t start = i_;
    std::size_t k = start;
    const auto fail = [&](const char* what) {
      return syntax_error(k, std::string("malformed date-time literal: expected ") + what);
    };
    const auto match = [&](std::string_view pattern) {  // 'd' is any digit; k stops at a mismatch
      for (const char p : pattern) {
        if (k >= s_.size() || (p == 'd' ? !is_digit(s_[k]) : s_[k] != p)) return false;
        ++k;
      }
      return true;
    };
    if (!match("dddd-dd-dd")) throw fail("a date like 2020-06-04");
    if (!match("Tdd:dd")) throw fail("a time like T18:03:11Z after the date");
    const bool seconds = k < s_.size() && s_[k] == ':';
    if (seconds && !match(":dd")) throw fail("2-digit seconds");
    if (seconds && k < s_.size() && s_[k] == '.') {
      ++k;
      if (!match("d")) throw fail("digits after '.' in the seconds");
      while (k < s_.size() && is_digit(s_[k])) ++k;
    }
    const std::size_t zone = k;
    if (k < s_.size() && s_[k] == 'Z') {
      ++k;
    } else if (k < s_.size() && (s_[k] == '+' || s_[k] == '-')) {
      ++k;
      if (!match("dd:dd")) throw fail("an offset like +01:00");
    } else {
      throw fail("'Z' or an offset like +01:00 after the time (in a URL, '+' is sent as %2B)");
    }
    const auto at = [&](std::size_t off) {
      return (s_[start + off] - '0') * 10 + s_[start + off + 1] - '0';
    };
    const int year = at(0) * 100 + at(2);
    const int month = at(5);
    const int day = at(8);
    const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    static constexpr int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool ok = month >= 1 && month <= 12 && day >= 1 &&
                    day <= (month == 2 && !leap ? 28 : days[month - 1]) && at(11) <= 23 &&
                    at(14) <= 59 && (!seconds || at(17) <= 59) &&
                    (k == zone + 1 || (at(zone - start + 1) <= 14 && at(zone - start + 4) <= 59));
    if (!ok)
      throw syntax_error(start, "date-time '" + std::string(s_.substr(start, k - start)) +
                                    "' is not a valid calendar date and time");
    return finish(literal::kind::datetime, start, k, "date-time");
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace lex_detail

FAKEGRAPH_INLINE std::string to_string(const literal& v) {
  if (v.type != literal::kind::string) return v.text;
  std::string out = "'";
  for (const char c : v.text) {
    out += c;
    if (c == '\'') out += '\'';  // OData escapes a quote by doubling it
  }
  return out + "'";
}

namespace parse_detail {

using lex_detail::token;
using tk = token::kind;

class parser {
 public:
  explicit parser(std::string_view text) : lex_(text) { advance(); }

  node_ptr parse() {
    if (tok_.type == tk::end) fail("the filter is empty");
    node_ptr root = parse_or();
    if (is_punct(')')) fail("unbalanced ')' without a matching '('");
    if (tok_.type != tk::end) fail(expected("'and', 'or' or the end of the filter"));
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& reason) const { throw syntax_error(tok_.pos, reason); }
  [[noreturn]] static void fail_at(std::size_t pos, const std::string& reason) {
    throw syntax_error(pos, reason);
  }

  void advance() {
    prev_ = tok_.text;
    tok_ = lex_.next();
  }
  bool is_word(std::string_view w) const noexcept {
    return tok_.type == tk::ident && tok_.text == w;
  }
  bool is_punct(char c) const noexcept { return tok_.type == tk::punct && tok_.text[0] == c; }

  static constexpr std::string_view keywords[] = {"and", "or", "not", "eq",   "ne",    "gt",  "ge",
                                                  "lt",  "le", "in",  "true", "false", "null"};
  static bool is_keyword(std::string_view w) noexcept {
    for (const std::string_view k : keywords)
      if (w == k) return true;
    return false;
  }

  // The current token for a message: quoted (string literals already are), long ones cut.
  std::string shown() const {
    if (tok_.type == tk::end) return "the end of the filter";
    const bool quoted = tok_.type == tk::value && tok_.value_type == literal::kind::string;
    const std::string text(tok_.text.substr(0, 40));
    const std::string cut = text.size() < tok_.text.size() ? "..." : "";
    return quoted ? text + cut : "'" + text + cut + "'";
  }

  // "expected X, found Y", with case_hint when Y is a keyword in the wrong case (`AND` is
  // the commonest slip).
  std::string expected(const std::string& what) const {
    std::string msg = "expected " + what + ", found " + shown();
    if (tok_.type == tk::ident) msg += case_hint(tok_.text, keywords);
    return msg;
  }

  void enter(std::size_t pos) {
    if (++depth_ > max_depth)
      fail_at(pos, "the filter nests more than " + std::to_string(max_depth) + " levels deep");
  }

  node_ptr make(node::kind k) {
    if (++count_ > max_nodes)
      fail("the filter has more than " + std::to_string(max_nodes) + " conditions and operators");
    auto n = std::make_unique<node>();
    n->type = k;
    return n;
  }

  node_ptr binary(node::kind k, node_ptr left, node_ptr right) {
    node_ptr n = make(k);
    n->children.push_back(std::move(left));
    n->children.push_back(std::move(right));
    return n;
  }

  // Chains loop rather than recurse, so only nesting (guarded by max_depth) costs stack.
  node_ptr parse_or() {
    node_ptr left = parse_and();
    while (is_word("or")) {
      advance();
      node_ptr right = parse_and();
      left = binary(node::kind::or_, std::move(left), std::move(right));
    }
    return left;
  }

  node_ptr parse_and() {
    node_ptr left = parse_unary();
    while (is_word("and")) {
      advance();
      node_ptr right = parse_unary();
      left = binary(node::kind::and_, std::move(left), std::move(right));
    }
    return left;
  }

  // `not` binds looser than a comparison (`not a eq 1` is `not (a eq 1)`): strict OData would
  // apply it to `a` alone, which no Graph property could satisfy.
  node_ptr parse_unary() {
    if (!is_word("not")) return parse_primary();
    enter(tok_.pos);
    advance();
    node_ptr child = parse_unary();
    --depth_;
    node_ptr n = make(node::kind::not_);
    n->children.push_back(std::move(child));
    return n;
  }

  node_ptr parse_primary() {
    const std::string after = prev_.empty() ? "" : " after '" + std::string(prev_) + "'";
    if (is_punct('(')) {
      const std::size_t open = tok_.pos;
      enter(open);
      advance();
      node_ptr inner = parse_or();
      if (!is_punct(')'))
        fail(expected("')' to close the '(' at position " + std::to_string(open)));
      advance();
      --depth_;
      return inner;
    }
    if (tok_.type == tk::value || is_word("true") || is_word("false") || is_word("null"))
      fail("a condition must start with a property path, found the value " + shown() +
           " (write 'property op value')");
    if (tok_.type != tk::ident || is_keyword(tok_.text)) fail(expected("a condition" + after));
    return parse_path_expr();
  }

  // Inside a lambda body every path must start with a variable in scope: that is how the
  // endpoints know which entity a path refers to, and it catches `any(m: x/id …)` typos.
  void check_scope(const std::string& path, std::size_t pos) const {
    if (scopes_.empty()) return;
    const std::string_view first = std::string_view(path).substr(0, path.find('/'));
    for (const std::string& v : scopes_)
      if (v == first) return;
    fail_at(pos, "'" + std::string(first) + "' is not a lambda variable in scope (expected '" +
                     scopes_.back() + "/...')");
  }

  node_ptr parse_path_expr() {
    const std::size_t start = tok_.pos;
    std::string path;
    for (;;) {  // tok_ is an identifier here
      const std::string_view name = tok_.text;
      const std::size_t name_pos = tok_.pos;
      advance();
      if (is_punct('(')) {
        const bool lambda = name == "any" || name == "all";
        if (lambda && !path.empty()) return parse_lambda(std::move(path), name, start, name_pos);
        if (lambda)
          fail_at(name_pos, "'" + std::string(name) +
                                "' needs a collection path before it, e.g. 'members/" +
                                std::string(name) + "(m: ...)'");
        fail_at(name_pos, "function '" + std::string(name) + "' is not supported");
      }
      if (!path.empty()) path += '/';
      path += name;
      // Segments are glued to their '/': with spaces allowed, `from/ eq 'x'` would be read as
      // the path `from/eq` and the error would point at the wrong place.
      if (!is_punct('/') || tok_.pos != name_pos + name.size()) break;
      const std::size_t slash = tok_.pos;
      advance();
      if (tok_.type != tk::ident || tok_.pos != slash + 1)
        fail_at(slash + 1, "expected a property name right after '/'");
    }
    check_scope(path, start);

    static constexpr std::string_view ops[] = {"eq", "ne", "gt", "ge", "lt", "le"};
    for (std::size_t i = 0; i < 6; ++i) {
      if (!is_word(ops[i])) continue;
      advance();
      node_ptr n = make(node::kind::compare);
      n->path = std::move(path);
      n->op = static_cast<cmp_op>(i);
      n->value = parse_value("a value after '" + std::string(ops[i]) + "'");
      return n;
    }
    if (is_word("in")) {
      advance();
      if (!is_punct('(')) fail(expected("'(' after 'in'"));
      advance();
      node_ptr n = make(node::kind::in);
      n->path = std::move(path);
      for (;;) {
        n->values.push_back(
            parse_value(n->values.empty() ? "a value after 'in ('" : "a value after ','"));
        if (is_punct(')')) break;
        if (!is_punct(',')) fail(expected("',' or ')' in the 'in' list"));
        advance();
      }
      advance();
      return n;
    }
    fail(expected("a comparison operator (eq, ne, gt, ge, lt, le) or 'in' after '" + path + "'"));
  }

  literal parse_value(const std::string& what) {
    literal v;
    if (tok_.type == tk::value) {
      v.type = tok_.value_type;
    } else if (is_word("true") || is_word("false")) {
      v.type = literal::kind::boolean;
    } else if (is_word("null")) {
      v.type = literal::kind::null;
    } else if (tok_.type == tk::ident) {
      fail(expected(what) +
           " (string values need single quotes; comparing two properties is not supported)");
    } else {
      fail(expected(what));
    }
    if (v.type != literal::kind::string) {
      v.text = std::string(tok_.text);
    } else {  // drop the quotes and undouble '' (the lexer guarantees quotes come in pairs)
      for (std::size_t i = 1; i + 1 < tok_.text.size(); ++i) {
        v.text += tok_.text[i];
        if (tok_.text[i] == '\'') ++i;
      }
    }
    advance();
    return v;
  }

  // tok_ is the '(' after `path/any` or `path/all`.
  node_ptr parse_lambda(std::string path, std::string_view fn, std::size_t start,
                        std::size_t fn_pos) {
    check_scope(path, start);
    enter(fn_pos);
    const std::size_t open = tok_.pos;
    advance();
    node_ptr n = make(fn == "any" ? node::kind::any : node::kind::all);
    n->path = std::move(path);
    // `members/any()` ("is the collection non-empty") is valid OData; `all()` is not.
    if (is_punct(')') && fn == "any") {
      advance();
      --depth_;
      return n;
    }
    if (tok_.type != tk::ident)
      fail(expected("a lambda variable after '" + std::string(fn) + "('"));
    if (tok_.text.find('.') != std::string_view::npos || is_keyword(tok_.text))
      fail("'" + std::string(tok_.text) +
           "' cannot be a lambda variable: use a simple name like 'm'");
    for (const std::string& v : scopes_)
      if (v == tok_.text)
        fail("lambda variable '" + v + "' is already used by an enclosing lambda");
    n->variable = std::string(tok_.text);
    advance();
    if (!is_punct(':')) fail(expected("':' after the lambda variable '" + n->variable + "'"));
    advance();
    scopes_.push_back(n->variable);
    n->children.push_back(parse_or());
    scopes_.pop_back();
    if (!is_punct(')'))
      fail(expected("')' to close the '" + std::string(fn) + "(' at position " +
                    std::to_string(open)));
    advance();
    --depth_;
    return n;
  }

  lex_detail::lexer lex_;
  token tok_;
  std::string_view prev_;  // text of the last consumed token, for "after 'or'" messages
  std::size_t depth_ = 0;
  std::size_t count_ = 0;
  std::vector<std::string> scopes_;  // lambda variables, innermost last
};

FAKEGRAPH_INLINE void append(std::string& out, const node& n);

FAKEGRAPH_INLINE void append_child(std::string& out, const node& child, bool parens) {
  if (parens) out += '(';
  append(out, child);
  if (parens) out += ')';
}

// Minimal parentheses that reproduce the same tree: a right operand of the same operator was
// grouped explicitly (the grammar is left-associative), and `or` under `and` needs grouping.
FAKEGRAPH_INLINE void append(std::string& out, const node& n) {
  using k = node::kind;
  switch (n.type) {
    case k::and_:
    case k::or_: {
      const node& l = *n.children[0];
      const node& r = *n.children[1];
      append_child(out, l, n.type == k::and_ && l.type == k::or_);
      out += n.type == k::and_ ? " and " : " or ";
      append_child(out, r, r.type == k::or_ || r.type == n.type);
      break;
    }
    case k::not_:
      out += "not ";
      append_child(out, *n.children[0], true);
      break;
    case k::compare:
      out += n.path + ' ' + std::string(to_string(n.op)) + ' ' + to_string(n.value);
      break;
    case k::in:
      out += n.path + " in (";
      for (std::size_t i = 0; i < n.values.size(); ++i)
        out += (i > 0 ? ", " : "") + to_string(n.values[i]);
      out += ')';
      break;
    case k::any:
    case k::all:
      out += n.path + (n.type == k::any ? "/any(" : "/all(");
      if (!n.children.empty()) {
        out += n.variable + ": ";
        append(out, *n.children[0]);
      }
      out += ')';
      break;
  }
}

}  // namespace parse_detail

FAKEGRAPH_INLINE node_ptr parse_filter(std::string_view text) {
  return parse_detail::parser(text).parse();
}

FAKEGRAPH_INLINE std::string to_string(const node& n) {
  std::string out;
  parse_detail::append(out, n);
  return out;
}

}  // namespace fakegraph::detail::odata
