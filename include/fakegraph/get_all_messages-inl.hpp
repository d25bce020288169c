// fakegraph: definitions of get_all_messages.hpp (see detail/inline.hpp).
#pragma once

#include "get_all_messages.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json (JSON string escaping)

#include <algorithm>     // std::upper_bound, std::max, std::min
#include <charconv>      // std::from_chars
#include <system_error>  // std::errc
#include <utility>       // std::move

#include "detail/inline.hpp"

namespace fakegraph::detail {

[[noreturn]] FAKEGRAPH_INLINE void filter_not_allowed(const odata::node& n) {
  throw unsupported_message_filter{"The entity property '" + n.path + "' and operationKind '" +
                                   std::string(odata::operation_kind(n.op)) +
                                   "' is not allowed in $filter query."};
}

[[noreturn]] FAKEGRAPH_INLINE void filter_invalid(const std::string& why) {
  throw unsupported_message_filter{"Invalid $filter query: " + why + "."};
}

FAKEGRAPH_INLINE void add_time_bound(const odata::node& n, std::optional<timestamp>& after,
                                     std::optional<timestamp>& before) {
  if (n.op != odata::cmp_op::gt && n.op != odata::cmp_op::lt) filter_not_allowed(n);
  if (n.value.type == odata::literal::kind::string)
    throw unsupported_message_filter{
        "A binary operator with incompatible types was detected. Found operand types "
        "'Edm.DateTimeOffset' and "
        "'Edm.String' for operator kind '" +
        std::string(odata::operation_kind(n.op)) + "'. Write the date-time bare, without quotes."};
  if (n.value.type != odata::literal::kind::datetime)
    filter_invalid(n.path + " is compared with " + odata::to_string(n.value) +
                   ", but takes a date-time");
  std::string text = n.value.text;
  if (text.size() > 16 && text[16] != ':') text.insert(16, ":00");  // OData allows omitting seconds
  const std::optional<std::int64_t> ticks = parse_time_ticks(text);
  if (!ticks) filter_invalid("'" + n.value.text + "' is not a date-time");
  // Graph compares at 100 ns; stored times are whole milliseconds, so each bound becomes
  // the millisecond bound that keeps exactly the same messages: m > X when m > floor(X),
  // m < X when m < ceil(X) (`lt …02.3189999Z` keeps a message of `…02.318Z`).
  // Two bounds on the same side narrow the window, as the conjunction they are.
  if (n.op == odata::cmp_op::gt) {
    const timestamp t = floor_div(*ticks, ticks_per_ms);
    after = after ? std::max(*after, t) : t;
  } else {
    const timestamp t = -floor_div(-*ticks, ticks_per_ms);
    before = before ? std::min(*before, t) : t;
  }
}

FAKEGRAPH_INLINE bool message_clause::matches(const stored_message& m,
                                              std::string_view reader_tenant) const {
  const message_sender& from = m.sender();
  const bool by_user = from.type == message_sender::kind::user;
  const bool by_app = from.type == message_sender::kind::application;
  switch (type) {
    case kind::user_id:
      return by_user && iequals(from.id, value);
    case kind::user_identity_type:
      return by_user && identity_type_seen_from(from, reader_tenant) == value;
    case kind::application_identity_type:
      return by_app && from.identity_type == value;
    case kind::message_type_eq:
      return to_string(m.kind) == value;
    case kind::message_type_ne:
      return to_string(m.kind) != value;
  }
  return false;
}

FAKEGRAPH_INLINE bool message_filter::matches(const stored_message& m,
                                              std::string_view reader_tenant) const {
  if (after && m.last_modified <= *after) return false;
  if (before && m.last_modified >= *before) return false;
  for (const auto& group : groups) {
    bool any = false;
    for (const auto& c : group) any = any || c.matches(m, reader_tenant);
    if (!any) return false;
  }
  return true;
}

FAKEGRAPH_INLINE message_filter message_filter_compiler::compile(const odata::node& n) {
  conjunct(n);
  return std::move(out_);
}

FAKEGRAPH_INLINE void message_filter_compiler::conjunct(const odata::node& n) {
  if (n.type == k::and_) {
    conjunct(*n.children[0]);
    conjunct(*n.children[1]);
  } else if (n.type == k::compare && n.path == "lastModifiedDateTime") {
    date_bound(n);
  } else {
    std::vector<message_clause> group;
    disjunct(n, group);
    out_.groups.push_back(std::move(group));
  }
}

FAKEGRAPH_INLINE void message_filter_compiler::disjunct(const odata::node& n,
                                                        std::vector<message_clause>& group) {
  switch (n.type) {
    case k::or_:
      disjunct(*n.children[0], group);
      disjunct(*n.children[1], group);
      return;
    case k::compare:
      if (n.path == "lastModifiedDateTime")
        invalid("lastModifiedDateTime can only be ANDed with the other conditions, not ORed");
      group.push_back(clause(n));
      return;
    case k::and_:
      invalid("'and' is not supported inside an 'or' group (write (a or b) and c)");
    case k::not_:
      invalid("'not' is not supported");
    case k::in:
      invalid("'in' is not supported on '" + n.path + "' (join eq conditions with or)");
    case k::any:
    case k::all:
      invalid("lambda operators (any, all) are not supported");
  }
}

FAKEGRAPH_INLINE std::string message_filter_compiler::string_value(const odata::node& n) {
  if (n.value.type != odata::literal::kind::string)
    invalid("'" + n.path + "' is compared with " + odata::to_string(n.value) +
            ", but takes a quoted string");
  return n.value.text;
}

FAKEGRAPH_INLINE std::string message_filter_compiler::one_of(
    const odata::node& n, std::initializer_list<std::string_view> accepted) {
  std::string v = string_value(n);
  for (const auto a : accepted)
    if (v == a) return v;
  invalid("'" + v + "' is not a value of '" + n.path + "' (accepted: " + join(accepted) + ")" +
          odata::case_hint(v, accepted));
}

FAKEGRAPH_INLINE message_clause message_filter_compiler::clause(const odata::node& n) {
  using c = message_clause::kind;
  const std::string hint = odata::case_hint(
      n.path, {"lastModifiedDateTime", "messageType", "from/user/id", "from/user/userIdentityType",
               "from/application/applicationIdentityType"});
  if (!hint.empty()) invalid("there is no property '" + n.path + "'" + hint);
  if (n.path == "messageType") {
    if (n.op != odata::cmp_op::eq && n.op != odata::cmp_op::ne) not_allowed(n);
    return {n.op == odata::cmp_op::eq ? c::message_type_eq : c::message_type_ne,
            one_of(n, {"systemEventMessage"})};
  }
  if (n.path != "from/user/id" && n.path != "from/user/userIdentityType" &&
      n.path != "from/application/applicationIdentityType")
    not_allowed(n);
  if (n.op != odata::cmp_op::eq) not_allowed(n);
  if (n.path == "from/user/id") return {c::user_id, string_value(n)};
  if (n.path == "from/user/userIdentityType")
    return {c::user_identity_type,
            one_of(n, {"aadUser", "onPremiseAadUser", "anonymousGuest", "federatedUser",
                       "personalMicrosoftAccountUser", "skypeUser", "phoneUser"})};
  return {c::application_identity_type, one_of(n, {"aadApplication", "bot", "tenantBot",
                                                   "office365Connector", "outgoingWebhook"})};
}

FAKEGRAPH_INLINE bool prefers(const request& req, std::string_view preference) {
  for (const auto& [name, value] : req.headers) {
    if (!iequals(name, "Prefer")) continue;
    for (const auto item : split(value, ',')) {
      const std::string_view token = trim(item.substr(0, item.find_first_of("=;")));
      if (iequals(token, preference)) return true;
    }
  }
  return false;
}

FAKEGRAPH_INLINE std::optional<response> read_payment_model(const endpoint_call& call,
                                                            const query_options& q,
                                                            payment_model& model) {
  model = payment_model::none;
  if (call.world.settings.metering != "legacy") return std::nullopt;  // "none": model is ignored
  const std::string* raw = q.get("model");
  if (!raw) {
    model = payment_model::evaluation;
  } else if (*raw == "A") {
    model = payment_model::a;
  } else if (*raw == "B") {
    model = payment_model::b;
  } else {
    return graph_error(
        call.ctx, 400, "BadRequest",
        "Invalid value '" + *raw +
            "' for the query parameter 'model'. Accepted: A (security and compliance apps; the "
            "user "
            "needs a licence and the app an Azure billing subscription), B (the app needs an Azure "
            "billing subscription), or no model for evaluation mode.");
  }
  return std::nullopt;
}

FAKEGRAPH_INLINE std::optional<response> check_payment(const endpoint_call& call,
                                                       payment_model model, const user& target) {
  if (model != payment_model::a && model != payment_model::b) return std::nullopt;
  const application* app = call.world.find_application(call.who.id);
  if (!app || !app->billing)
    return graph_error(
        call.ctx, 402, "PaymentRequired",
        "Payment Required. To call this API, the app must be associated with an Azure "
        "subscription, "
        "see https://aka.ms/teams-api-payment-requirements for details. The application '" +
            call.who.id + "' has no active Azure billing subscription, which model=" +
            (model == payment_model::a ? "A" : "B") +
            " needs; without model the evaluation quota applies.");
  if (model == payment_model::a) {
    bool licensed = false;
    for (const auto& l : target.licenses) licensed = licensed || iequals(l, compliance_license);
    if (!licensed)
      return graph_error(
          call.ctx, 402, "PaymentRequired",
          "Payment Required. The user '" + target.user_principal_name +
              "' needs a valid license to access this API with model=A: a licence that includes "
              "Microsoft Communications DLP ('" +
              std::string(compliance_license) + "'). Use model=B, or license the user.");
  }
  return std::nullopt;
}

FAKEGRAPH_INLINE bool operator<(const message_key& a, const message_key& b) {
  if (a.created != b.created) return a.created < b.created;
  if (a.chat_id != b.chat_id) return a.chat_id < b.chat_id;
  return a.id < b.id;
}

FAKEGRAPH_INLINE cursor to_cursor(const world_state& w, const std::vector<message_ref>& refs,
                                  std::size_t position) {
  const message_key k = key_of(w, refs[position]);
  // as_of stays 0: the sort key never changes, so a walk needs no snapshot to stay exact.
  return {{std::to_string(k.created), std::string(k.chat_id), std::string(k.id),
           std::to_string(position)},
          0};
}

FAKEGRAPH_INLINE std::optional<message_cursor> from_cursor(const cursor& c) {
  if (c.key.size() != 4) return std::nullopt;
  message_cursor out;
  const auto number = [](const std::string& t, auto& value) {
    const auto [end, err] = std::from_chars(t.data(), t.data() + t.size(), value);
    return err == std::errc() && end == t.data() + t.size();
  };
  if (!number(c.key[0], out.created) || !number(c.key[3], out.position)) return std::nullopt;
  out.chat_id = c.key[1];
  out.id = c.key[2];
  return out;
}

FAKEGRAPH_INLINE std::size_t resume_at(const world_state& w, const std::vector<message_ref>& refs,
                                       const message_cursor& c) {
  const message_key after = c.key();
  if (c.position < refs.size()) {
    const message_key at = key_of(w, refs[c.position]);
    if (!(at < after) && !(after < at)) return c.position + 1;
  }
  const auto it =
      std::upper_bound(refs.begin(), refs.end(), after,
                       [&](const message_key& k, message_ref r) { return k < key_of(w, r); });
  return static_cast<std::size_t>(it - refs.begin());
}

FAKEGRAPH_INLINE response get_all_messages(const endpoint_call& call) {
  query_options q;
  if (auto e = read_query_options(call, q)) return *e;
  int top = 0;
  if (auto e = read_top(call, q, get_all_messages_page_size, top)) return *e;

  message_filter filter;
  if (auto e = read_message_filter(call, q, message_filters_supported, [&](const odata::node& n) {
        filter = message_filter_compiler().compile(n);
      }))
    return *e;
  payment_model model = payment_model::none;
  if (auto e = read_payment_model(call, q, model)) return *e;

  const user* target = nullptr;
  if (auto e = find_target_user(call, target)) return *e;

  const std::uint64_t bound = skiptoken_binding(call, q, target->id);
  std::optional<cursor> given;
  if (auto e = read_skiptoken(call, q, bound, 4, given)) return *e;
  std::optional<message_cursor> from;
  if (given) {
    from = from_cursor(*given);
    if (!from) return graph_error(call.ctx, 400, "BadRequest", "Invalid continuation token");
  }

  if (auto e = check_payment(call, model, *target)) return *e;
  const std::int64_t quota = call.world.settings.evaluation_quota;
  const std::string usage_key =
      "eval|" + target->tenant_id + "|" + call.who.id + "|" + month_of(call.ctx.now);
  auto quota_spent = [&] {
    return graph_error(call.ctx, 402, "PaymentRequired",
                       "Payment Required. The evaluation mode capacity has been exceeded. Use a "
                       "valid billing model "
                       "(model=A or model=B) to continue: the application '" +
                           call.who.id + "' has used its " + std::to_string(quota) +
                           " messages of " + month_of(call.ctx.now) + " in tenant '" +
                           target->tenant_id +
                           "'. The quota resets at the start of the next month.");
  };
  // A spent quota refuses every call, even one whose page would be empty.
  if (model == payment_model::evaluation && call.db.usage(usage_key) >= quota) return quota_spent();

  // Keyset scan over the user's index (already in (created, chat id, id) order): the start
  // costs at most a binary search, so a page is O(page + log n) for the unfiltered and
  // date-range shapes.
  const world_state& w = call.world;
  const std::vector<message_ref>& refs = w.user_messages(target->id);
  std::size_t start = 0;
  if (from) {
    // The cursor's message matched the window, so it is past the window's start already.
    start = resume_at(w, refs, *from);
  } else if (filter.after) {
    // lastModified > X can only hold for messages created after X - max_modify_lag.
    const timestamp lowest = *filter.after - w.max_modify_lag;
    start = static_cast<std::size_t>(
        std::upper_bound(refs.begin(), refs.end(), lowest,
                         [&](timestamp t, message_ref r) { return t < w.message(r).created; }) -
        refs.begin());
  }
  const auto page_size = static_cast<std::size_t>(top);
  std::vector<std::size_t> page;  // positions in refs
  page.reserve(page_size);
  bool more = false;
  for (std::size_t i = start; i < refs.size(); ++i) {
    if (i + prefetch_ahead < refs.size()) prefetch(&w.message(refs[i + prefetch_ahead]));
    const stored_message& m = w.message(refs[i]);
    if (filter.before && m.created >= *filter.before)
      break;  // lastModified >= created: none later match
    if (purged(m, call.ctx.now)) continue;
    if (!filter.matches(m, target->tenant_id)) continue;
    if (page.size() == page_size) {
      more = true;
      break;
    }
    page.push_back(i);
  }

  // Evaluation mode charges each message sent; an empty page is free (the 2025 licensing
  // text). A page that would cross the quota is cut to what is left, with a nextLink, so
  // an app gets exactly `quota` messages a month and the next call is the 402.
  if (model == payment_model::evaluation && !page.empty()) {
    for (;;) {
      const std::int64_t left = quota - call.db.usage(usage_key);
      if (left <= 0) return quota_spent();
      const auto n = std::min(static_cast<std::int64_t>(page.size()), left);
      if (!call.db.try_use(usage_key, n, quota)) continue;  // another call took some meanwhile
      if (static_cast<std::size_t>(n) < page.size()) {
        page.resize(static_cast<std::size_t>(n));
        more = true;
      }
      break;
    }
  }

  // About 900 bytes a message: written once, without growing.
  const bool system_visible = prefers(call.req, "include-unknown-enum-members");
  json_writer out(512 + page.size() * 1024);
  begin_page(out, call.ctx,
             call.ctx.origin + "/" + call.ctx.version + "/$metadata#Collection(chatMessage)")
      .key("@odata.count")
      .value(static_cast<std::int64_t>(page.size()));
  if (more)
    out.key("@odata.nextLink")
        .value(next_link(call.ctx, call.raw_path, call.params,
                         encode_skiptoken(to_cursor(w, refs, page.back()), bound, call.secret)));
  out.key("value").begin_array();
  for (const std::size_t i : page)
    write_message(out, w.chats[refs[i].chat], w.message(refs[i]), system_visible, target->tenant_id,
                  message_shape::export_item);
  out.end_array().end_object();
  return make_response(call.ctx, 200, out.take());
}

}  // namespace fakegraph::detail
