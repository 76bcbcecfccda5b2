// The JSON writer's building blocks, shared by every runtime part that writes JSON by hand (frames,
// session headers, protocol messages) so that strings and numbers are written one way everywhere.
#pragma once

#include <yams/frame.hpp>

#include <charconv>
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
/// Appends `s` as a JSON string: quotes, `"` `\` and control characters escaped, valid UTF-8 passed
/// through, invalid bytes replaced by U+FFFD. Any thread.
void write_json_string(std::string& out, std::string_view s);
/// Appends the shortest text that reads back to `v`, always with a `.` or an exponent (`16.0`);
/// NaN and infinities (not JSON) as `null`. Any thread.
void write_json_double(std::string& out, double v);
/// Appends a call's `args` object, keys in capture order. Any thread.
void write_json_args(std::string& out, const std::vector<std::pair<std::string, arg_value>>& args);
/// Opens a frame object with the keys both encodings begin with: `{"frame":..,"timestamp":..,
/// "duration_ms":..`. Any thread.
void write_json_frame_start(std::string& out, const FrameProfile& f);
/// Closes a frame object after its `calls` elements: `],"rollback":..,"overflow":..,"frames_lost":..}`
/// (the keys both encodings share). Any thread.
void write_json_frame_end(std::string& out, const FrameProfile& f);

}  // namespace yams::detail
