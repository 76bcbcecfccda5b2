// Where the values of a JSON text lie, found without building it: `yams record` finds each frame of a
// history message (up to 4 MiB of frames) this way and parses it once, from its own text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yams::tool {

/// The members of the JSON object `text` (valid JSON, an object after any space): each key, decoded,
/// and the text of its value, in the order written (a repeated key appears each time). Any thread.
std::vector<std::pair<std::string, std::string_view>> json_object_members(std::string_view text);

/// The texts of the elements of the JSON array `text` (valid JSON, an array after any space). Any thread.
std::vector<std::string_view> json_array_elements(std::string_view text);

}  // namespace yams::tool
