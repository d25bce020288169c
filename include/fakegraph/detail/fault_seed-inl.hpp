// fakegraph: definitions of detail/fault_seed.hpp (see detail/inline.hpp).
#pragma once

#include "fault_seed.hpp"

#include <nlohmann/json.hpp>  // nlohmann::json

#include <chrono>       // std::chrono::milliseconds
#include <cstddef>      // std::size_t
#include <cstdint>      // std::int64_t, std::uint64_t
#include <string_view>  // std::string_view

#include "../endpoint.hpp"
#include "../seed.hpp"
#include "inline.hpp"
#include "strings.hpp"

namespace fakegraph::detail {

FAKEGRAPH_INLINE std::vector<fault> load_faults(const nlohmann::json& j, const std::string& path) {
  std::vector<fault> out;
  if (j.is_null()) return out;
  if (!j.is_array())
    fail("seed", "bad_type", path, "expected an array, found " + seed_object::kind(j));
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    const seed_object o(
        j[i], at,
        {"route", "method", "urlContains", "token", "caller", "nth", "every", "first", "share",
         "randomSeed", "status", "retryAfter", "code", "message", "emptyPage", "delayMs"});
    auto number = [&](const char* key) -> std::optional<double> {
      if (!o.has(key)) return std::nullopt;
      const auto& v = o.raw(key);
      if (!v.is_number())
        fail("seed", "bad_type", o.at(key), "expected a number, found " + seed_object::kind(v));
      return v.get<double>();
    };
    const bool empty = o.boolean("emptyPage", false);
    const bool has_status = o.has("status");
    const bool has_delay = o.has("delayMs");
    if (empty && has_status)
      fail("seed", "bad_value", at, "give one of 'status' or 'emptyPage', not both");
    if (!empty && !has_status && !has_delay)
      fail("seed", "missing_field", at,
           "a fault rule gives 'status', 'emptyPage': true or 'delayMs'");

    fault f = fault::delay(std::chrono::milliseconds(1));
    if (empty) {
      f = fault::empty_page();
    } else if (has_status) {
      const std::int64_t status = o.integer("status", 0, 0);
      if (status < 400 || status > 599)
        fail("seed", "bad_value", o.at("status"),
             "an error status from 400 to 599, not " + std::to_string(status));
      if (auto preset = fault::for_status(static_cast<int>(status))) {
        f = *preset;
      } else {
        if (!o.has("code"))
          fail("seed", "missing_field", o.at("code"),
               "status " + std::to_string(status) + " needs the Graph error 'code' to send");
        f = fault::http_error(static_cast<int>(status), o.string("code"));
      }
    }
    f = f.with_delay(std::chrono::milliseconds(o.integer("delayMs", 0, 0)));
    if (o.has("code")) f = f.code(o.string("code"));
    if (o.has("message")) f = f.message(o.string("message"));
    if (const auto ra = number("retryAfter")) f = f.retry_after(*ra);

    if (o.has("route") && !detail::iequals(o.string("route"), "any")) {
      const std::string r = o.string("route");
      const auto e = parse_endpoint(r);
      if (!e || *e == endpoint::none) {
        std::string names;
        for (const auto& row : endpoint_names)
          if (row.id != endpoint::none) names += std::string(row.name) + ", ";
        fail("seed", "bad_value", o.at("route"), "'" + r + "' is not one of: " + names + "any");
      }
      f = f.on(*e);
    }
    if (o.has("method")) f = f.method(o.string("method"));
    if (o.has("urlContains")) f = f.url_contains(o.string("urlContains"));
    if (o.has("token")) f = f.token(o.string("token"));
    if (o.has("caller")) f = f.caller(o.string("caller"));

    const int schedules =
        int(o.has("nth")) + int(o.has("every")) + int(o.has("first")) + int(o.has("share"));
    if (schedules > 1)
      fail("seed", "bad_value", at, "give at most one of 'nth', 'every', 'first', 'share'");
    if (o.has("randomSeed") && !o.has("share"))
      fail("seed", "bad_value", o.at("randomSeed"), "randomSeed goes with 'share'");
    if (o.has("nth")) f = f.nth(static_cast<std::uint64_t>(o.integer("nth", 1, 1)));
    if (o.has("every")) f = f.every(static_cast<std::uint64_t>(o.integer("every", 1, 1)));
    if (o.has("first")) f = f.first(static_cast<std::uint64_t>(o.integer("first", 1, 1)));
    if (const auto p = number("share")) {
      f = o.has("randomSeed")
              ? f.share(*p, static_cast<std::uint64_t>(o.integer("randomSeed", 0, 0)))
              : f.share(*p);
    }
    check_fault(f, [&](std::string_view key, const std::string& message) {
      fail("seed", "bad_value", o.at(key), message);
    });
    out.push_back(std::move(f));
  }
  return out;
}

FAKEGRAPH_INLINE std::optional<throttling_limits> load_throttling(const nlohmann::json& j,
                                                                  const std::string& path) {
  if (j.is_null()) return std::nullopt;
  std::vector<std::string_view> keys = {"enabled"};
  for (const throttle_limit& limit : throttle_limits) keys.push_back(limit.name);
  const seed_object o(j, path, keys);
  throttling_limits l;
  for (const throttle_limit& limit : throttle_limits) {
    const std::string key(limit.name);
    const std::int64_t v = o.integer(key.c_str(), l.*limit.rate, 0);
    if (v > 1000000) fail("seed", "bad_value", o.at(key), "at most 1000000 requests per second");
    l.*limit.rate = static_cast<int>(v);
  }
  if (!o.boolean("enabled", true)) return std::nullopt;
  return l;
}

}  // namespace fakegraph::detail
