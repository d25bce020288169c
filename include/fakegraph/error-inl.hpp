// fakegraph: definitions of error.hpp (see detail/inline.hpp).
#pragma once

#include "error.hpp"

#include <utility>  // std::move

#include "detail/inline.hpp"

namespace fakegraph {

FAKEGRAPH_INLINE error::error(std::string id, const std::string& message)
    : std::runtime_error("[" + id + "] " + message), id_(std::move(id)) {}

}  // namespace fakegraph
