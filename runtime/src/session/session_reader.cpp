// read_session: reads either session form, detected from the content (a streaming file's first line is
// a header object with `yams_session`). Errors name the file, the line and column, and what was expected.
#include <yams/session.hpp>

#include "json_scan.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace yams {
namespace {

using nlohmann::json;

struct source {
  const std::string& path;
  std::string_view text;

  [[noreturn]] void fail(std::size_t offset, const std::string& what) const {
    const auto p = detail::position_of(text, offset);
    throw format_error(path + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": " + what);
  }
};

std::string read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw format_error(path + ": is a directory, expected a session file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw format_error(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw format_error(path + ": cannot read: " + std::strerror(errno));
  return std::move(ss).str();
}

// Parses the frame object at [begin, end) of the source; errors point into the source.
FrameProfile parse_frame(const source& src, std::size_t begin, std::size_t end) {
  const std::string_view text = src.text.substr(begin, end - begin);
  try {
    return frame_from_json(text);
  } catch (const format_error& e) {
    std::size_t off = 0;
    std::string expected;
    if (!detail::check_json_syntax(text, off, expected)) src.fail(begin + off, "expected " + expected);
    std::string what = e.what();
    if (what.find("expected") == std::string::npos) what = "expected a frame object: " + what;
    src.fail(begin, what);
  }
}

void read_info_field(const source& src, std::size_t at, const json& value, const std::string& key,
                     SessionInfo& info) {
  if (key == "session_id") {
    if (!value.is_string()) src.fail(at, "expected a string for \"session_id\"");
    info.session_id = value.get<std::string>();
  } else if (key == "start_time") {
    if (!value.is_number()) src.fail(at, "expected a number for \"start_time\"");
    info.start_time = value.get<double>();
  }
}

// Whether the line at [begin, end) is the end line a closed writer leaves (`{"yams_session_end":...}`).
bool is_end_line(std::string_view text, std::size_t begin, std::size_t end) {
  constexpr std::string_view key = "\"yams_session_end\"";
  const std::size_t at = detail::skip_space(text.substr(0, end), begin + 1);
  return text[begin] == '{' && text.substr(at, key.size()) == key;
}

// Checks the end line at [begin, end) against the `frames` read before it; returns its `frames_lost`.
std::uint64_t check_end_line(const source& src, std::size_t begin, std::size_t end, std::size_t frames) {
  std::size_t off = 0;
  std::string expected;
  const std::string_view line = src.text.substr(begin, end - begin);
  if (!detail::check_json_syntax(line, off, expected)) src.fail(begin + off, "expected " + expected);
  const json j = json::parse(line);
  if (j["yams_session_end"] != json(1)) src.fail(begin, "expected \"yams_session_end\": 1 (a newer session format?)");
  const json& n = j.contains("frames") ? j["frames"] : json();
  if (!n.is_number_unsigned() || n.get<std::uint64_t>() != frames)
    src.fail(begin, "expected \"frames\": " + std::to_string(frames) + " in the end line (the frames before it), found " +
                        (n.is_null() ? std::string("none") : n.dump()));
  if (!j.contains("frames_lost")) return 0;
  if (!j["frames_lost"].is_number_unsigned())
    src.fail(begin, "expected a non-negative integer for \"frames_lost\" in the end line, found " + j["frames_lost"].dump());
  return j["frames_lost"].get<std::uint64_t>();
}

void read_streaming(const source& src, std::size_t header_end, Session& s) {
  const json header = json::parse(src.text.substr(0, header_end));
  if (header.value("yams_session", json()) != json(1))
    src.fail(0, "expected \"yams_session\": 1 (a newer session format?)");
  for (const char* key : {"session_id", "start_time"}) {
    if (!header.contains(key)) src.fail(0, std::string("expected key \"") + key + "\" in the session header");
    read_info_field(src, 0, header[key], key, s.info);
  }
  std::size_t pos = header_end;
  bool ended = false;
  bool truncated = false;
  while (pos < src.text.size()) {
    std::size_t nl = src.text.find('\n', pos);
    const bool terminated = nl != std::string_view::npos;
    if (!terminated) nl = src.text.size();
    const std::size_t begin = detail::skip_space(src.text.substr(0, nl), pos);
    if (begin < nl) {
      if (ended) src.fail(begin, "expected nothing after the end line");
      std::size_t off = 0;
      std::string expected;
      if (!terminated && !detail::check_json_syntax(src.text.substr(begin, nl - begin), off, expected)) {
        const auto p = detail::position_of(src.text, begin);
        s.warnings.push_back(src.path + ":" + std::to_string(p.line) + ": truncated last line ignored");
        truncated = true;
        break;
      }
      if (is_end_line(src.text, begin, nl)) {
        s.frames_lost_at_end = check_end_line(src, begin, nl, s.frames.size());
        ended = true;
      } else {
        s.frames.push_back(parse_frame(src, begin, nl));
      }
    }
    pos = nl + 1;
  }
  if (!ended && !truncated)
    s.warnings.push_back(src.path + ": no end line: the recording was not closed (the process stopped?); " +
                         std::to_string(s.frames.size()) + " complete frames read");
}

void read_frames_array(const source& src, std::size_t pos, Session& s) {
  pos = detail::skip_space(src.text, pos);
  if (src.text[pos] != '[') src.fail(pos, "expected an array for \"frames\"");
  pos = detail::skip_space(src.text, pos + 1);
  while (src.text[pos] != ']') {
    const std::size_t end = detail::skip_value(src.text, pos);
    s.frames.push_back(parse_frame(src, pos, end));
    pos = detail::skip_space(src.text, end);
    if (src.text[pos] == ',') pos = detail::skip_space(src.text, pos + 1);
  }
}

void read_document(const source& src, std::size_t pos, Session& s) {
  std::size_t off = 0;
  std::string expected;
  if (!detail::check_json_syntax(src.text, off, expected)) src.fail(off, "expected " + expected);
  bool seen_id = false, seen_time = false, seen_frames = false;
  pos = detail::skip_space(src.text, pos + 1);  // past '{'
  while (src.text[pos] == '"') {
    const std::size_t key_end = detail::skip_value(src.text, pos);
    const std::string key = json::parse(src.text.substr(pos, key_end - pos)).get<std::string>();
    const std::size_t value_begin = detail::skip_space(src.text, detail::skip_space(src.text, key_end) + 1);
    const std::size_t value_end = detail::skip_value(src.text, value_begin);
    if (key == "frames") {
      read_frames_array(src, value_begin, s);
      seen_frames = true;
    } else if (key == "session_id" || key == "start_time") {
      read_info_field(src, value_begin, json::parse(src.text.substr(value_begin, value_end - value_begin)), key,
                      s.info);
      (key == "session_id" ? seen_id : seen_time) = true;
    }
    pos = detail::skip_space(src.text, value_end);
    if (src.text[pos] == ',') pos = detail::skip_space(src.text, pos + 1);
  }
  const char* missing = !seen_id ? "session_id" : !seen_time ? "start_time" : !seen_frames ? "frames" : nullptr;
  if (missing != nullptr) src.fail(pos, std::string("expected key \"") + missing + "\" in the session object");
}

}  // namespace

Session read_session(const std::string& path) {
  const std::string text = read_file(path);
  const source src{path, text};
  const std::size_t first = detail::skip_space(text, 0);
  if (first == text.size()) src.fail(first, "expected a session object, found an empty file");
  if (text[first] != '{') src.fail(first, "expected '{' starting a session object");
  Session s;
  // Streaming form: the first line alone is a complete header object.
  std::size_t nl = text.find('\n', first);
  if (nl == std::string::npos) nl = text.size();
  const std::string_view first_line(text.data() + first, nl - first);
  std::size_t off = 0;
  std::string expected;
  if (detail::check_json_syntax(first_line, off, expected) &&
      json::parse(first_line).contains("yams_session")) {
    read_streaming(src, nl == text.size() ? nl : nl + 1, s);
  } else {
    read_document(src, first, s);
  }
  return s;
}

}  // namespace yams
