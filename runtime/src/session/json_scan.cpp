// Small JSON helpers of the session files (see json_scan.hpp).
#include "json_scan.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>

namespace yams::detail {

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void append_json_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

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

std::size_t skip_value(std::string_view text, std::size_t pos) {
  pos = skip_space(text, pos);
  int depth = 0;
  bool in_string = false;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (in_string) {
      if (c == '\\') ++pos;
      else if (c == '"') {
        in_string = false;
        if (depth == 0) return pos + 1;
      }
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '{': case '[': ++depth; break;
      case '}': case ']':
        if (--depth == 0) return pos + 1;
        if (depth < 0) return pos;
        break;
      case ',': case ' ': case '\t': case '\n': case '\r': case ':':
        if (depth == 0) return pos;
        break;
      default: break;
    }
  }
  return pos;
}

namespace {

// Accepts every SAX event: parsing only checks the syntax and reports where it first fails.
struct syntax_checker : nlohmann::json_sax<nlohmann::json> {
  std::size_t offset = 0;
  std::string message;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    offset = position;
    message = ex.what();
    return false;
  }
};

// Turns nlohmann's "...; last read: 'x'; expected '}'" into "'}'"; falls back to its description.
std::string expected_part(const std::string& message) {
  auto e = message.rfind("expected ");
  if (e != std::string::npos) return message.substr(e + 9);
  auto s = message.find("syntax error while parsing ");
  if (s != std::string::npos) return "valid JSON (" + message.substr(s + 27) + ")";
  return "valid JSON";
}

}  // namespace

bool check_json_syntax(std::string_view text, std::size_t& error_offset, std::string& expected) {
  syntax_checker sax;
  if (nlohmann::json::sax_parse(text.begin(), text.end(), &sax, nlohmann::json::input_format_t::json, true))
    return true;
  // nlohmann counts the offending character itself: its position is one past where it failed.
  error_offset = sax.offset > 0 ? sax.offset - 1 : 0;
  expected = expected_part(sax.message);
  return false;
}

}  // namespace yams::detail
