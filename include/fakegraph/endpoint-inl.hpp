// fakegraph: definitions of endpoint.hpp (see detail/inline.hpp).
#pragma once

#include "endpoint.hpp"

#include "detail/inline.hpp"
#include "detail/strings.hpp"

namespace fakegraph {

FAKEGRAPH_INLINE std::string_view to_string(endpoint e) noexcept {
  for (const auto& row : detail::endpoint_names)
    if (row.id == e) return row.name;
  return "none";
}

FAKEGRAPH_INLINE std::optional<endpoint> parse_endpoint(std::string_view s) noexcept {
  for (const auto& row : detail::endpoint_names)
    if (detail::iequals(s, row.name)) return row.id;
  return std::nullopt;
}

}  // namespace fakegraph
