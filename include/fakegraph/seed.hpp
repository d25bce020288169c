// fakegraph: loading a seed (JSON) into a world, refusing a bad one whole.
#pragma once

#include <nlohmann/json.hpp>  // nlohmann::json

#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::pair
#include <vector>       // std::vector

#include "store.hpp"

namespace fakegraph::detail {

/// Reads one JSON object of a seed, checking key names and value types, so that every
/// fault is reported with its JSON path (`chats[2].members[0].user: …`).
class seed_object {
 public:
  seed_object(const nlohmann::json& j, std::string path, const std::vector<std::string_view>& keys);

  std::string at(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  const std::string& path() const { return path_; }
  bool has(const char* key) const;
  const nlohmann::json& raw(const char* key) const;

  std::string string(const char* key, std::string fallback = {}) const;
  std::optional<std::string> optional_string(const char* key) const;
  bool boolean(const char* key, bool fallback) const;
  std::int64_t integer(const char* key, std::int64_t fallback, std::int64_t min) const;
  std::optional<timestamp> time(const char* key) const;
  std::vector<std::string> strings(const char* key) const;
  /// (path, element) pairs of an array; an absent key is an empty array.
  std::vector<std::pair<std::string, const nlohmann::json*>> array(const char* key) const;
  /// A JSON value kept as written (bodies, attachments…), checked for its type; null when
  /// absent.
  const nlohmann::json* value(const char* key, nlohmann::json::value_t type) const;

  static std::string kind(const nlohmann::json& v);

 private:
  const nlohmann::json& j_;
  std::string path_;
};

settings load_settings(const nlohmann::json& j);

message_sender load_sender(const seed_object& m);

/// A message's creation time as its seed entry gives it: `createdDateTime`, else a
/// Graph-style id (chat message ids are creation times in ms). nullopt when neither does.
std::optional<timestamp> seeded_message_time(const seed_object& m);

chat_message load_message(const seed_object& m, const chat& c, std::size_t index);

chat load_chat(const seed_object& o);

token load_token(const seed_object& o);

/// What one seed or fragment added, by kind, in order (for the control plane's answer).
struct added_ids {
  std::vector<std::string> tenants, users, applications, chats, tokens;
  std::vector<std::pair<std::string, std::string>> messages;  // (chat id, message id)
};

/// A seed message at `path`, checked for unknown keys.
seed_object message_object(const nlohmann::json& j, std::string path);

/// One entry of a seed's entity section, added to `w` (recorded in `ids` when given). `path` is
/// its JSON path, `now` the graph's clock for defaults. Throws `fakegraph::error` naming the
/// JSON path of a fault.
void add_tenant_entry(world_state& w, const std::string& path, const nlohmann::json& j,
                      added_ids* ids);

void add_user_entry(world_state& w, const std::string& path, const nlohmann::json& j,
                    added_ids* ids);

void add_application_entry(world_state& w, const std::string& path, const nlohmann::json& j,
                           added_ids* ids);

void add_chat_entry(world_state& w, const std::string& path, const nlohmann::json& j, timestamp now,
                    added_ids* ids);

void add_token_entry(world_state& w, const std::string& path, const nlohmann::json& j,
                     added_ids* ids);

/// The entity sections of a seed, in the order they are added: each may name entities of the
/// sections before it.
enum class seed_section { tenants, users, applications, chats, tokens };
inline constexpr std::pair<seed_section, const char*> seed_sections[] = {
    {seed_section::tenants, "tenants"},
    {seed_section::users, "users"},
    {seed_section::applications, "applications"},
    {seed_section::chats, "chats"},
    {seed_section::tokens, "tokens"}};

/// Adds one entry of `section` (see add_tenant_entry).
void add_section_entry(world_state& w, seed_section section, const std::string& path,
                       const nlohmann::json& j, timestamp now, added_ids* ids);

/// Adds the entity sections of `root` (tenants, users, applications, chats with members and
/// messages, tokens) to `w`, in that order, recording what it made in `ids` when given. `now`
/// is the graph's clock, for defaults. Callers set bulk loading around it. Throws
/// `fakegraph::error` naming the JSON path of a fault.
void add_sections(world_state& w, const seed_object& root, timestamp now, added_ids* ids = nullptr);

/// Builds a world from a seed. Throws `fakegraph::error` (`fakegraph.seed.*`) naming the
/// JSON path of the first fault; nothing is kept from a seed that fails.
world_state load_seed(const nlohmann::json& seed);

/// Adds a fragment to a world, all or nothing: the seed's entity sections, and `messages`
/// (`[{"chatId": "…", …a seed message}]`) for chats that exist. A message without a time
/// is created at `now`, after the chat's newest message. `w` is unchanged when it throws.
added_ids add_fragment(world_state& w, const nlohmann::json& fragment, timestamp now);

std::string read_file(const std::string& path);

nlohmann::json parse_seed_text(const std::string& text, const std::string& name);

/// Reads a seed's text event by event (nlohmann's SAX interface) and adds each entry of an
/// entity section to the world as soon as it has been read, so the document is never held
/// whole as a DOM: loading peaks at the world, the text and one entry (a chat with its
/// messages). It takes the usual shape only: `settings` first if at all, then the sections in
/// the order they are added (seed_sections), each an array, and `x-` keys anywhere. Anything
/// else (another order, an unknown or repeated key, a section that is not an array, a fault
/// in an entry, text that is not JSON) makes it stop, and load_seed_text loads the document
/// with the DOM loader instead, which refuses faults with their JSON path as from_json does.
class seed_stream {
 public:
  using json = nlohmann::json;

  explicit seed_stream(world_state& w) : w_(w) {}

  /// Whether the whole document was read and added.
  bool finished() const { return where_ == place::done; }

  // ---- the SAX events -------------------------------------------------------------------
  bool null();
  bool boolean(bool v);
  bool number_integer(json::number_integer_t v);
  bool number_unsigned(json::number_unsigned_t v);
  bool number_float(json::number_float_t v, const json::string_t&);
  bool string(json::string_t& v);
  bool binary(json::binary_t&) { return false; }  // JSON text has none
  bool start_object(std::size_t) { return open(json::value_t::object); }
  bool start_array(std::size_t) { return open(json::value_t::array); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(json::string_t& k);
  template <class Exception>
  bool parse_error(std::size_t, const std::string&, const Exception&) {
    return false;
  }

 private:
  enum class place { document, root, settings, extension, section_start, section, done };

  /// A value outside every open entry: the document, a section, or a whole entry.
  bool open(json::value_t type);

  bool close();

  template <class Value>
  bool put(Value&& v) {
    if (open_.empty()) {
      if (where_ != place::settings && where_ != place::extension && where_ != place::section)
        return false;
      entry_ = std::forward<Value>(v);
      return finish_entry();
    }
    json& parent = *open_.back();
    if (parent.is_array())
      parent.emplace_back(std::forward<Value>(v));
    else
      parent[key_] = std::forward<Value>(v);
    return true;
  }

  /// A whole value has been read at `where_`: add it to the world.
  bool finish_entry();

  world_state& w_;
  place where_ = place::document;
  bool settings_read_ = false;
  std::size_t next_section_ = 0;  // seed_sections before this one are behind
  std::size_t section_ = 0;       // the section being read
  std::size_t index_ = 0;         // the entry's index in it
  std::optional<timestamp> now_;
  json entry_;               // the entry being read
  std::vector<json*> open_;  // its objects and arrays still open, innermost last
  std::string key_;          // the key of the next value in an open object
};

/// Builds a world from a seed's text: what load_seed(parse_seed_text(text, name)) builds, and
/// the same error for a faulty seed, without a DOM of the whole document when the seed has
/// the usual shape (seed_stream).
world_state load_seed_text(const std::string& text, const std::string& name);

}  // namespace fakegraph::detail

#ifndef FAKEGRAPH_COMPILED_LIB
#include "seed-inl.hpp"
#endif
