// The JSON writer's building blocks, shared by every runtime part that writes JSON by hand (frames,
// session headers, protocol messages) so that strings and numbers are written one way everywhere.
#pragma once

#include <yams/frame.hpp>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yams::detail {

/// Appends std::to_chars' text of the number `v`: an integer's decimal digits, a double's shortest
/// round-trip form (finite ones only; write_json_double adds JSON's rules). Any thread.
template <class T>
void append_chars(std::string& out, T v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}
/// Appends the decimal text of the integer `v`. Any thread.
template <class T>
void write_json_int(std::string& out, T v) {
  append_chars(out, v);
}
/// Room put_json_string() may need for a string of `n` bytes (each byte escaped as `\u00XX`).
constexpr std::size_t json_string_room(std::size_t n) { return 6 * n + 2; }
/// Room put_json_double() and put_json_int() may need.
inline constexpr std::size_t json_double_room = 40;
inline constexpr std::size_t json_int_room = 24;
/// The writers under the append functions below: each writes at `p`, which has the room given above,
/// and returns the end of what it wrote. Any thread.
char* put_json_string(char* p, std::string_view s);
char* put_json_double(char* p, double v);
template <class T>
char* put_json_int(char* p, T v) {
  return std::to_chars(p, p + json_int_room, v).ptr;
}
/// Ends writing through a pointer into `out` from `at` with `room` bytes made: cuts `out` to `end`.
/// Writing past the room is a bug in a room computation; it stops the program rather than let a
/// later write run past the string's buffer. Any thread.
inline void finish_put(std::string& out, std::size_t at, std::size_t room, const char* end) {
  const auto used = static_cast<std::size_t>(end - (out.data() + at));
  if (used > room) std::abort();
  out.resize(at + used);
}
/// Copies `text`, a string literal, without its terminating zero.
template <std::size_t N>
char* put_json_literal(char* p, const char (&text)[N]) {
  std::memcpy(p, text, N - 1);
  return p + N - 1;
}
/// Appends `s` as a JSON string: quotes, `"` `\` and control characters escaped, valid UTF-8 passed
/// through, invalid bytes replaced by U+FFFD. Any thread.
void write_json_string(std::string& out, std::string_view s);
/// Appends text that reads back to `v`, always with a `.` or an exponent (`16.0`): a whole number of
/// nanoseconds in milliseconds (calls' times) in fixed point with at most 6 decimals, any other value
/// in its shortest round-trip form; NaN and infinities (not JSON) as `null`. Any thread.
void write_json_double(std::string& out, double v);
/// Room put_json_args() may need for `args`, and the writer of a call's `args` object (keys in
/// capture order). Any thread.
std::size_t json_args_room(const std::vector<std::pair<std::string, arg_value>>& args);
char* put_json_args(char* p, const std::vector<std::pair<std::string, arg_value>>& args);
/// Appends a call's `args` object, keys in capture order. Any thread.
void write_json_args(std::string& out, const std::vector<std::pair<std::string, arg_value>>& args);
/// Opens a frame object with the keys both encodings begin with: `{"frame":..,"timestamp":..,
/// "duration_ms":..`. Any thread.
void write_json_frame_start(std::string& out, const FrameProfile& f);
/// Closes a frame object after its `calls` elements: `],"rollback":..,"overflow":..,"frames_lost":..}`
/// (the keys both encodings share). Any thread.
void write_json_frame_end(std::string& out, const FrameProfile& f);

}  // namespace yams::detail
