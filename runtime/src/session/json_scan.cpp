// Small JSON helpers of the session files (see json_scan.hpp).
#include "json_scan.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace yams::detail {

text_position position_of(std::string_view text, std::size_t offset) {
  if (offset > text.size()) offset = text.size();
  text_position p;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

std::size_t skip_space(std::string_view text, std::size_t pos) {
  while (pos < text.size() &&
         (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r'))
    ++pos;
  return pos;
}

std::size_t json_value_end_finder::scan(std::string_view piece) noexcept {
  std::size_t i = 0;
  while (i < piece.size() && !done_) {
    const char c = piece[i++];
    if (in_string_) {
      if (escaped_) escaped_ = false;
      else if (c == '\\') escaped_ = true;
      else if (c == '"') in_string_ = false, done_ = depth_ == 0;
      continue;
    }
    switch (c) {
      case '"': in_string_ = true; break;
      case '{': case '[': ++depth_; break;
      case '}': case ']':
        done_ = --depth_ <= 0;
        if (depth_ < 0) --i;  // closes the enclosing value: not part of this one
        break;
      case ',': case ' ': case '\t': case '\n': case '\r': case ':':
        if (depth_ == 0) {
          done_ = true;
          --i;  // ends a number or literal: not part of it
        }
        break;
      default: break;
    }
  }
  return i;
}

std::size_t json_value_end(std::string_view text, std::size_t pos) noexcept {
  pos = skip_space(text, pos);
  json_value_end_finder finder;
  return pos + finder.scan(text.substr(std::min(pos, text.size())));
}

namespace {

// Accepts every SAX event: parsing only checks the syntax and reports where it first fails.
// Also notes whether the top-level object has the key `wanted`.
struct syntax_checker : nlohmann::json_sax<nlohmann::json> {
  std::size_t offset = 0;
  std::string message;
  std::string_view wanted;
  bool has_key = false;
  int depth = 0;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return ++depth, true; }
  bool key(string_t& k) override {
    if (depth == 1 && !wanted.empty() && k == wanted) has_key = true;
    return true;
  }
  bool end_object() override { return --depth, true; }
  bool start_array(std::size_t) override { return ++depth, true; }
  bool end_array() override { return --depth, true; }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    offset = position;
    message = ex.what();
    return false;
  }
};

// Turns nlohmann's "...; last read: 'x'; expected '}'" into "'}'", and "syntax error while parsing
// value - invalid literal; last read: 'tru@'" into "a JSON value (invalid literal; last read: 'tru@')".
std::string expected_part(const std::string& message) {
  auto e = message.rfind("; expected ");
  if (e != std::string::npos) return message.substr(e + 11);
  const std::string lead = "syntax error while parsing ";
  auto s = message.find(lead);
  if (s == std::string::npos) return "valid JSON";
  std::string rest = message.substr(s + lead.size());
  auto dash = rest.find(" - ");
  std::string thing = rest.substr(0, dash);
  if (thing == "value") thing = "JSON value";
  return "a " + thing + (dash == std::string::npos ? "" : " (" + rest.substr(dash + 3) + ")");
}

// The result of a parse by `sax` that returned `parsed`.
bool result(bool parsed, const syntax_checker& sax, std::size_t& error_offset, std::string& expected) {
  if (parsed) return true;
  // nlohmann counts the offending character itself: its position is one past where it failed.
  error_offset = sax.offset > 0 ? sax.offset - 1 : 0;
  expected = expected_part(sax.message);
  return false;
}

}  // namespace

bool check_json_syntax(std::string_view text, std::size_t& error_offset, std::string& expected) {
  syntax_checker sax;
  const bool parsed =
      nlohmann::json::sax_parse(text.begin(), text.end(), &sax, nlohmann::json::input_format_t::json, true);
  return result(parsed, sax, error_offset, expected);
}

bool check_json_syntax(std::istream& in, std::size_t& error_offset, std::string& expected, std::string_view key,
                       bool& has_key) {
  syntax_checker sax;
  sax.wanted = key;
  const bool parsed = nlohmann::json::sax_parse(in, &sax, nlohmann::json::input_format_t::json, true);
  has_key = sax.has_key;
  return result(parsed, sax, error_offset, expected);
}

}  // namespace yams::detail
