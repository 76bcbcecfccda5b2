// Small JSON helpers of the session reader: turning byte offsets into line:column positions and checking
// syntax, of a text or of a stream.
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

/// Parses `text` without building anything; on a syntax error returns false and sets `error_offset`
/// and `expected` (e.g. "'}'", "a value", "end of input"). Any thread.
bool check_json_syntax(std::string_view text, std::size_t& error_offset, std::string& expected);
/// The same for the text `in` yields, read once and kept nowhere; sets `has_key` to whether the
/// top-level value is an object with the key `key`. Any thread.
bool check_json_syntax(std::istream& in, std::size_t& error_offset, std::string& expected, std::string_view key,
                       bool& has_key);

}  // namespace yams::detail
