// fakegraph: an in-memory fake of Microsoft Graph's Teams chat API for unit tests.
// The one header to include. The cpp-httplib server is separate: <fakegraph/server.hpp>.
#pragma once

#include "auth.hpp"
#include "builder.hpp"
#include "clock.hpp"
#include "coverage.hpp"
#include "endpoint.hpp"
#include "error.hpp"
#include "faults.hpp"
#include "get_all_messages.hpp"
#include "get_all_messages_delta.hpp"
#include "get_chat.hpp"
#include "get_chat_message.hpp"
#include "graph.hpp"
#include "http.hpp"
#include "journal.hpp"
#include "list_chat_members.hpp"
#include "list_chat_messages.hpp"
#include "list_chats.hpp"
#include "model.hpp"
#include "seed.hpp"
#include "store.hpp"
