// Small JSON helpers of the session reader: turning byte offsets into line:column positions, checking
// syntax, and finding the byte spans of values in text already known to be valid JSON.
#pragma once

#include <cstddef>
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

/// Index just past the JSON value starting at `pos` (after any whitespace) in valid JSON `text`. Any thread.
std::size_t skip_value(std::string_view text, std::size_t pos);
/// Index of the first non-whitespace byte at or after `pos` (or text.size()). Any thread.
std::size_t skip_space(std::string_view text, std::size_t pos);

/// Parses `text` without building anything; on a syntax error returns false and sets `error_offset`
/// and `expected` (e.g. "'}'", "a value", "end of input"). Any thread.
bool check_json_syntax(std::string_view text, std::size_t& error_offset, std::string& expected);

}  // namespace yams::detail
