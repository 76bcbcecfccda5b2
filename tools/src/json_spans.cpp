// Where the values of a JSON text lie (see json_spans.hpp): a scan of its brackets and strings, which
// builds nothing; the text was checked as JSON before.
#include "json_spans.hpp"

#include <nlohmann/json.hpp>

namespace yams::tool {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t skip_space(std::string_view text, std::size_t pos) {
  while (pos < text.size() && is_space(text[pos])) ++pos;
  return pos;
}

// The index after the string whose opening quote is at `pos`.
std::size_t string_end(std::string_view text, std::size_t pos) {
  for (++pos; pos < text.size(); ++pos) {
    if (text[pos] == '\\') ++pos;
    else if (text[pos] == '"') return pos + 1;
  }
  return text.size();
}

// The index after the object or array whose bracket is at `pos`.
std::size_t nested_end(std::string_view text, std::size_t pos) {
  std::size_t depth = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '"') {
      pos = string_end(text, pos);
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    else if ((c == '}' || c == ']') && --depth == 0) return pos + 1;
    ++pos;
  }
  return text.size();
}

// A key's text (with its quotes) decoded; escapes are rare, and decoded by nlohmann.
std::string decode_key(std::string_view quoted) {
  if (quoted.find('\\') == std::string_view::npos) return std::string(quoted.substr(1, quoted.size() - 2));
  return nlohmann::json::parse(quoted.begin(), quoted.end()).get<std::string>();
}

// Calls `each(pos)` at the start of every member or element of the object or array `text` (after space);
// `each` returns the index after that member or element.
template <class Each>
void for_each_item(std::string_view text, const Each& each) {
  std::size_t pos = skip_space(text, 0);
  const char close = text[pos] == '{' ? '}' : ']';
  pos = skip_space(text, pos + 1);
  while (pos < text.size() && text[pos] != close) {
    pos = skip_space(text, each(pos));
    if (pos < text.size() && text[pos] == ',') pos = skip_space(text, pos + 1);
  }
}

}  // namespace

std::size_t json_value_end(std::string_view text, std::size_t pos) {
  pos = skip_space(text, pos);
  if (pos >= text.size()) return pos;
  const char c = text[pos];
  if (c == '"') return string_end(text, pos);
  if (c == '{' || c == '[') return nested_end(text, pos);
  while (pos < text.size() && !is_space(text[pos]) && text[pos] != ',' && text[pos] != ']' && text[pos] != '}')
    ++pos;
  return pos;
}

std::vector<std::pair<std::string, std::string_view>> json_object_members(std::string_view text) {
  std::vector<std::pair<std::string, std::string_view>> members;
  for_each_item(text, [&](std::size_t pos) {
    const std::size_t key_end = string_end(text, pos);
    std::string key = decode_key(text.substr(pos, key_end - pos));
    const std::size_t value = skip_space(text, skip_space(text, key_end) + 1);  // past ':'
    const std::size_t end = json_value_end(text, value);
    members.emplace_back(std::move(key), text.substr(value, end - value));
    return end;
  });
  return members;
}

std::vector<std::string_view> json_array_elements(std::string_view text) {
  std::vector<std::string_view> elements;
  for_each_item(text, [&](std::size_t pos) {
    const std::size_t end = json_value_end(text, pos);
    elements.push_back(text.substr(pos, end - pos));
    return end;
  });
  return elements;
}

}  // namespace yams::tool
