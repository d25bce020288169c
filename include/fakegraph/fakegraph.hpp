// fakegraph: an in-memory fake of Microsoft Graph's Teams chat API for unit tests.
// The one header to include. The cpp-httplib server is separate: <fakegraph/server.hpp>.
#pragma once

#include "auth.hpp"
#include "clock.hpp"
#include "error.hpp"
#include "graph.hpp"
#include "http.hpp"
#include "model.hpp"
#include "seed.hpp"
#include "store.hpp"
