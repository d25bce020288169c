// fakegraph: an in-memory fake of Microsoft Graph's Teams chat API for unit tests.
// The one header to include: the API. The cpp-httplib server is separate: <fakegraph/server.hpp>.
// The internals (the store, the seed loader, the endpoints) are the definitions' business: a
// header-only build includes them through the *-inl.hpp files, a compiled one not at all.
#pragma once

#include "auth.hpp"
#include "builder.hpp"
#include "clock.hpp"
#include "coverage.hpp"
#include "endpoint.hpp"
#include "error.hpp"
#include "faults.hpp"
#include "graph.hpp"
#include "http.hpp"
#include "journal.hpp"
#include "model.hpp"
