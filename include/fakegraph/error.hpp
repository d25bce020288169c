// fakegraph: the exception thrown when the fake itself is misused.
#pragma once

#include <stdexcept>  // std::runtime_error
#include <string>     // std::string

namespace fakegraph {

/// Thrown for misuse of the fake (a bad seed, an unknown id in a builder call, a bad
/// option), never for what real Graph would answer: those are `response` values.
///
/// `what()` starts with a stable id in brackets, e.g.
/// `[fakegraph.seed.unknown_user] chats[2].members[0].user: unknown user 'bob@contoso.com'`,
/// so tests can match on `id()` while people read the rest.
class error : public std::runtime_error {
 public:
  error(std::string id, const std::string& message);

  /// The stable id, e.g. "fakegraph.seed.unknown_user".
  const std::string& id() const noexcept { return id_; }

 private:
  std::string id_;
};

}  // namespace fakegraph

#ifndef FAKEGRAPH_COMPILED_LIB
#include "error-inl.hpp"
#endif
