// Protocol v1 of the live server (docs/protocol.md): parsing client commands and building the server's
// messages. Pure functions, no I/O, so they can be tested and fuzzed on their own.
#pragma once

#include <yams/frame.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yams::detail {

/// Version sent in `hello` and `/api/info`; bumped on any incompatible change of docs/protocol.md.
inline constexpr int protocol_version = 1;
/// Largest client message accepted; a larger one closes the connection with code 1009.
inline constexpr std::size_t max_client_message = 64 * 1024;

enum class command_kind { invalid, enable_profiling, disable_profiling, get_history, get_status, set_encoding };

/// How frames are written for one client: the frame JSON (the default) or the compact encoding.
enum class frame_encoding { json, compact };

/// A client message, understood or not; `error` says what was wrong when `kind` is invalid.
struct parsed_command {
  command_kind kind = command_kind::invalid;
  std::string error;
  frame_encoding encoding = frame_encoding::json;  ///< for set_encoding
};

/// Parses `{"command": "..."}`. Never throws; bad input yields `invalid` with an error naming what was
/// wrong and where (byte offset for malformed JSON). Any thread.
parsed_command parse_command(std::string_view text) noexcept;

/// `json` or `compact`. Any thread.
std::string_view encoding_name(frame_encoding encoding) noexcept;
/// The encoding called `name` (`json`, `compact`), or nothing. Any thread.
std::optional<frame_encoding> encoding_from_name(std::string_view name) noexcept;

/// The first message on a connection, naming the frame `encoding` the connection starts in. Any thread.
std::string hello_message(const SessionInfo& session, bool enabled, std::size_t history_size,
                          bool replay, frame_encoding encoding);
/// `{"type":"status","enabled":..,"dropped":..}`. Any thread.
std::string status_message(bool enabled, std::uint64_t dropped);
/// `{"type":"encoding","encoding":..}`: the reply to set_encoding. Any thread.
std::string encoding_message(frame_encoding encoding);
/// `{"type":"error","message":..}` with `message` JSON-escaped. Any thread.
std::string error_message(std::string_view message);
/// The `/api/info` document. Any thread.
std::string info_document(const SessionInfo& session, bool enabled, bool replay);

/// Incrementally builds `{"type":"history","frames":[...]}` (compact: `{"type":"history",
/// "encoding":"compact","frames":[...]}`) from frame object texts. Any thread.
class history_builder {
 public:
  explicit history_builder(frame_encoding encoding = frame_encoding::json);
  /// Appends one frame object's JSON text.
  void add(std::string_view frame_json);
  /// Closes the array and returns the message; the builder is then empty.
  std::string finish();

 private:
  std::string prefix_;
  std::string text_;
  bool first_ = true;
};

/// The frame object inside a `{"type":"profile_frame","data":{...}}` message (compact:
/// `{"type":"profile_frame","encoding":"compact","data":{...}}`), or an empty view when `message` does
/// not have exactly that shape. Any thread.
std::string_view frame_json_of(std::string_view message, frame_encoding encoding = frame_encoding::json) noexcept;

}  // namespace yams::detail
