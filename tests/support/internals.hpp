// The library's internals that tests reach into: the store, the seed loader, the endpoints and
// what a graph owns. <fakegraph/fakegraph.hpp> is the API; a header-only build gets these
// through the *-inl.hpp files anyway, a compiled one (FAKEGRAPH_COMPILED_LIB) only from here.
#pragma once

#include <fakegraph/detail/endpoints.hpp>
#include <fakegraph/detail/fault_seed.hpp>
#include <fakegraph/detail/graph_core.hpp>
#include <fakegraph/detail/odata.hpp>
#include <fakegraph/detail/paging.hpp>
#include <fakegraph/detail/router.hpp>
#include <fakegraph/get_all_messages.hpp>
#include <fakegraph/get_all_messages_delta.hpp>
#include <fakegraph/get_chat.hpp>
#include <fakegraph/get_chat_message.hpp>
#include <fakegraph/list_chat_members.hpp>
#include <fakegraph/list_chat_messages.hpp>
#include <fakegraph/list_chats.hpp>
#include <fakegraph/seed.hpp>
#include <fakegraph/store.hpp>
