// Small JSON helpers of the session reader (and of `yams record`): turning byte offsets into line:column
// positions, checking syntax, of a text or of a stream, and finding where a value ends.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>

namespace yams::detail {

/// A 1-based line and column (in bytes) of a byte offset in a text.
struct text_position {
  std::size_t line = 1;
  std::size_t column = 1;
};
/// The position of byte `offset` of `text` (clamped to its end). Any thread.
text_position position_of(std::string_view text, std::size_t offset);

/// Index of the first non-whitespace byte at or after `pos` (or text.size()). Any thread.
std::size_t skip_space(std::string_view text, std::size_t pos);

/// Finds where a JSON value ends, given its text whole or in pieces (a file read in blocks), without
/// building it. The text must be valid JSON (checked before): only brackets, strings and the bytes that
/// end a number or literal are looked at. Use from one thread.
class json_value_end_finder {
 public:
  /// Scans `piece`, the value's next bytes (the first piece starts at its first byte, after any
  /// space). Returns how many of them belong to the value; done() says whether it ended among them.
  std::size_t scan(std::string_view piece) noexcept;
  bool done() const noexcept { return done_; }

 private:
  int depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
  bool done_ = false;
};

/// Index of the first byte after the JSON value that starts at `pos` of `text` (after any space), or
/// text.size() if it does not end. `text` must be valid JSON there. Any thread.
std::size_t json_value_end(std::string_view text, std::size_t pos) noexcept;

/// Parses `text` without building anything; on a syntax error returns false and sets `error_offset`
/// and `expected` (e.g. "'}'", "a value", "end of input"). Any thread.
bool check_json_syntax(std::string_view text, std::size_t& error_offset, std::string& expected);
/// The same for the text `in` yields, read once and kept nowhere; sets `has_key` to whether the
/// top-level value is an object with the key `key`. Any thread.
bool check_json_syntax(std::istream& in, std::size_t& error_offset, std::string& expected, std::string_view key,
                       bool& has_key);

}  // namespace yams::detail
