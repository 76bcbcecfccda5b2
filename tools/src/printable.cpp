// Escaping control characters for terminal output (see printable.hpp).
#include "printable.hpp"

#include <cstdio>

namespace yams::tool {
namespace {

void append_hex(std::string& out, const char* prefix, unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%s%02x", prefix, c);
  out += buf;
}

// Whether text[i], text[i + 1] is the UTF-8 encoding of a C1 control (U+0080..U+009F).
bool is_c1(std::string_view text, std::size_t i) {
  return static_cast<unsigned char>(text[i]) == 0xc2 && i + 1 < text.size() &&
         static_cast<unsigned char>(text[i + 1]) >= 0x80 && static_cast<unsigned char>(text[i + 1]) <= 0x9f;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c == '\0') out += "\\0";
    else if (c < 0x20 || c == 0x7f) append_hex(out, "\\x", c);
    else if (is_c1(text, i)) append_hex(out, "\\u00", static_cast<unsigned char>(text[++i]));
    else out += static_cast<char>(c);
  }
  return out;
}

std::string printable_json(std::string_view json_text) {
  std::string out;
  out.reserve(json_text.size());
  for (std::size_t i = 0; i < json_text.size(); ++i) {
    const auto c = static_cast<unsigned char>(json_text[i]);
    if (c == 0x7f) append_hex(out, "\\u00", c);
    else if (is_c1(json_text, i)) append_hex(out, "\\u00", static_cast<unsigned char>(json_text[++i]));
    else out += static_cast<char>(c);
  }
  return out;
}

}  // namespace yams::tool
