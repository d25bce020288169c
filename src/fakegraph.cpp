// fakegraph: the compiled library (CMake option FAKEGRAPH_COMPILED_LIB). Every definition the
// headers leave to their *-inl.hpp files is compiled here, once; see detail/inline.hpp.
#ifndef FAKEGRAPH_COMPILED_LIB
#error "src/fakegraph.cpp is the compiled library: build it with FAKEGRAPH_COMPILED_LIB defined"
#endif

#include <fakegraph/auth-inl.hpp>
#include <fakegraph/builder-inl.hpp>
#include <fakegraph/clock-inl.hpp>
#include <fakegraph/coverage-inl.hpp>
#include <fakegraph/detail/endpoints-inl.hpp>
#include <fakegraph/detail/fault_seed-inl.hpp>
#include <fakegraph/detail/odata-inl.hpp>
#include <fakegraph/detail/paging-inl.hpp>
#include <fakegraph/detail/router-inl.hpp>
#include <fakegraph/detail/strings-inl.hpp>
#include <fakegraph/detail/wire-inl.hpp>
#include <fakegraph/endpoint-inl.hpp>
#include <fakegraph/error-inl.hpp>
#include <fakegraph/fault-inl.hpp>
#include <fakegraph/fault_set-inl.hpp>
#include <fakegraph/get_all_messages-inl.hpp>
#include <fakegraph/get_all_messages_delta-inl.hpp>
#include <fakegraph/get_chat-inl.hpp>
#include <fakegraph/get_chat_message-inl.hpp>
#include <fakegraph/graph-inl.hpp>
#include <fakegraph/http-inl.hpp>
#include <fakegraph/journal-inl.hpp>
#include <fakegraph/list_chat_members-inl.hpp>
#include <fakegraph/list_chat_messages-inl.hpp>
#include <fakegraph/list_chats-inl.hpp>
#include <fakegraph/model-inl.hpp>
#include <fakegraph/seed-inl.hpp>
#include <fakegraph/store-inl.hpp>
#include <fakegraph/throttling-inl.hpp>
