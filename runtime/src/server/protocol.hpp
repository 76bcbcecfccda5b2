// Protocol v1 of the live server (docs/protocol.md): parsing client commands and building the server's
// messages. Pure functions, no I/O, so they can be tested and fuzzed on their own.
#pragma once

#include <yams/frame.hpp>

#include <array>
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
/// Largest part of a replay's history: a longer saved session is built and sent a part at a time (a
/// single frame larger than this is a part alone, whatever its size).
inline constexpr std::size_t max_history_message = 4 * 1024 * 1024;

enum class command_kind {
  invalid,
  enable_profiling,
  disable_profiling,
  get_history,
  get_status,
  set_encoding,
  set_recorded_kinds,
};

/// How frames are written for one client: the frame JSON (the default) or the compact encoding.
enum class frame_encoding { json, compact };

/// How a client receives a history of several parts (`/ws?history=`): as one message written in several
/// WebSocket frames (`whole`, the default, what clients from before the parameter read), or as one
/// `history` message per part, each but the last marked `"more":true` (`parts`, for browsers, which
/// cannot hold a string of hundreds of MB).
enum class history_mode { whole, parts };

/// A client message, understood or not; `error` says what was wrong when `kind` is invalid.
struct parsed_command {
  command_kind kind = command_kind::invalid;
  std::string error;
  frame_encoding encoding = frame_encoding::json;  ///< for set_encoding
  std::uint32_t kinds = 0;                         ///< for set_recorded_kinds: zone_kind bits
};

/// Parses `{"command": "..."}`. Never throws; bad input yields `invalid` with an error naming what was
/// wrong and where (byte offset for malformed JSON). Any thread.
parsed_command parse_command(std::string_view text) noexcept;

/// `json` or `compact`. Any thread.
std::string_view encoding_name(frame_encoding encoding) noexcept;
/// The encoding called `name` (`json`, `compact`), or nothing. Any thread.
std::optional<frame_encoding> encoding_from_name(std::string_view name) noexcept;

/// `whole` or `parts`, or nothing. Any thread.
std::optional<history_mode> history_mode_from_name(std::string_view name) noexcept;

/// The first message on a connection, naming the frame `encoding` the connection starts in; a replay's
/// names its `replay_file` (when not empty). Any thread.
/// `recorded_kinds` lists the zone kinds the game records (yams::recorded_kinds()) by name.
std::string hello_message(const SessionInfo& session, bool enabled, std::size_t history_size,
                          bool replay, frame_encoding encoding, std::string_view replay_file = {},
                          std::uint32_t recorded_kinds = zone_kinds_all);
/// `{"type":"status","enabled":..,"dropped":..,"recorded_kinds":[..]}`. Any thread.
std::string status_message(bool enabled, std::uint64_t dropped, std::uint32_t recorded_kinds = zone_kinds_all);
/// `{"type":"encoding","encoding":..}`: the reply to set_encoding. Any thread.
std::string encoding_message(frame_encoding encoding);
/// `{"type":"error","message":..}` with `message` JSON-escaped. Any thread.
std::string error_message(std::string_view message);
/// The `/api/info` document (a replay's names its `replay_file` when not empty). Any thread.
std::string info_document(const SessionInfo& session, bool enabled, bool replay, std::string_view replay_file = {});

/// Incrementally builds `{"type":"history","frames":[...]}` (compact: `{"type":"history",
/// "encoding":"compact","frames":[...]}`; a part followed by more: `...,"more":true}`) from frame object
/// texts. Any thread.
class history_builder {
 public:
  explicit history_builder(frame_encoding encoding = frame_encoding::json);
  /// Appends one frame object's JSON text.
  void add(std::string_view frame_json);
  /// The message's size if `frame_json` were added and it were then finished with more to come.
  std::size_t size_with(std::string_view frame_json) const noexcept;
  /// Frames added since the builder was last empty.
  std::size_t frames() const noexcept { return frames_; }
  /// Closes the array (marked `"more":true` when `more`) and returns the message; the builder is then
  /// empty.
  std::string finish(bool more = false);

 private:
  std::string prefix_;
  std::string text_;
  std::size_t frames_ = 0;
};

/// The text one part of a history adds to the history written whole (`history_mode::whole`), in three
/// pieces that point into `part` or static text: the first part's text up to the end of its frames, a
/// later part's frames after a comma; the last part closes the array and the object. Concatenated over
/// all parts, they make the single message history_builder makes of all the frames. Any thread.
std::array<std::string_view, 3> history_fragment(std::string_view part, bool first, bool more) noexcept;

/// The frame object inside a `{"type":"profile_frame","data":{...}}` message (compact:
/// `{"type":"profile_frame","encoding":"compact","data":{...}}`), or an empty view when `message` does
/// not have exactly that shape. Any thread.
std::string_view frame_json_of(std::string_view message, frame_encoding encoding = frame_encoding::json) noexcept;

}  // namespace yams::detail
