// Where the values of a JSON text lie (see json_spans.hpp): the session reader's scan of brackets and
// strings (detail::json_value_end), which builds nothing; the text was checked as JSON before.
#include "json_spans.hpp"

#include "session/json_scan.hpp"

#include <nlohmann/json.hpp>

namespace yams::tool {
namespace {

using detail::json_value_end;
using detail::skip_space;

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

std::vector<std::pair<std::string, std::string_view>> json_object_members(std::string_view text) {
  std::vector<std::pair<std::string, std::string_view>> members;
  for_each_item(text, [&](std::size_t pos) {
    const std::size_t key_end = json_value_end(text, pos);  // a string
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
