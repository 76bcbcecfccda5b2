// Text from a session file or a server, made safe to print on a terminal: control characters (which
// could move the cursor, recolour or retitle the terminal, or hide text) become visible escapes.
#pragma once

#include <string>
#include <string_view>

namespace yams::tool {

/// `text` with every control character escaped: \n, \r, \t and \0 as such, other C0 controls and DEL as
/// \xHH, and the C1 controls U+0080..U+009F (as UTF-8) as \u00HH. Other bytes, UTF-8 included, are kept.
/// For display only: a backslash is not escaped. Any thread.
std::string printable(std::string_view text);

/// JSON text (as nlohmann::json::dump writes it, C0 controls already escaped) with DEL and the C1
/// controls escaped too (\u007f, \u0080..\u009f), which JSON allows raw in strings. Any thread.
std::string printable_json(std::string_view json_text);

}  // namespace yams::tool
