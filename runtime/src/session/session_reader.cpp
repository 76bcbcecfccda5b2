// read_session: reads either session form, detected from the content (a streaming file's first line is
// a header object with `yams_session`). Errors name the file, the line and column, and what was expected.
// A streaming file is read one line at a time, so that only the frames stay in memory, not the text.
#include <yams/session.hpp>

#include "json_scan.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace yams {
namespace {

using nlohmann::json;

// Text of the file starting at line `first_line`: the whole of a document, or one line of a streaming file.
struct source {
  const std::string& path;
  std::string_view text;
  std::size_t first_line = 1;

  [[noreturn]] void fail(std::size_t offset, const std::string& what) const {
    const auto p = detail::position_of(text, offset);
    throw format_error(path + ":" + std::to_string(first_line + p.line - 1) + ":" + std::to_string(p.column) + ": " +
                       what);
  }
};

// A session file read a line at a time.
class line_reader {
 public:
  explicit line_reader(const std::string& path) : path_(path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
      throw format_error(path + ": is a directory, expected a session file");
    in_.rdbuf()->pubsetbuf(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    in_.open(path, std::ios::binary);
    if (!in_) throw format_error(path + ": cannot open: " + std::strerror(errno));
  }

  /// The next line into `line` (without its '\n'); false at the end of the file. `terminated`: whether
  /// the line ended with '\n' (only the last one may not).
  bool next(std::string& line, bool& terminated) {
    if (!std::getline(in_, line)) {
      check();
      return false;
    }
    terminated = !in_.eof();
    ++line_number_;
    return true;
  }
  /// The 1-based number of the line next() gave last.
  std::size_t line_number() const noexcept { return line_number_; }
  /// Appends the rest of the file to `text`.
  void read_rest(std::string& text) {
    std::vector<char> chunk(1 << 16);
    while (in_.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in_.gcount() > 0)
      text.append(chunk.data(), static_cast<std::size_t>(in_.gcount()));
    check();
  }

 private:
  void check() {
    if (in_.bad()) throw format_error(path_ + ": cannot read: " + std::strerror(errno));
  }

  const std::string& path_;
  std::vector<char> buffer_ = std::vector<char>(1 << 16);  // before in_: given to its filebuf
  std::ifstream in_;
  std::size_t line_number_ = 0;
};

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

// Reads the frames and the end line after the header `header` (the file's text up to and including the
// header line), one line at a time.
void read_streaming(const std::string& path, line_reader& lines, std::string_view header, Session& s) {
  const source head{path, header};
  const json h = json::parse(header);
  if (h.value("yams_session", json()) != json(1)) head.fail(0, "expected \"yams_session\": 1 (a newer session format?)");
  for (const char* key : {"session_id", "start_time"}) {
    if (!h.contains(key)) head.fail(0, std::string("expected key \"") + key + "\" in the session header");
    read_info_field(head, 0, h[key], key, s.info);
  }
  bool ended = false;
  bool truncated = false;
  std::string line;
  bool terminated = true;
  while (lines.next(line, terminated)) {
    const source src{path, line, lines.line_number()};
    const std::size_t begin = detail::skip_space(line, 0);
    if (begin == line.size()) continue;
    if (ended) src.fail(begin, "expected nothing after the end line");
    std::size_t off = 0;
    std::string expected;
    if (!terminated && !detail::check_json_syntax(src.text.substr(begin), off, expected)) {
      s.warnings.push_back(path + ":" + std::to_string(lines.line_number()) + ": truncated last line ignored");
      truncated = true;
      break;
    }
    if (is_end_line(src.text, begin, line.size())) {
      s.frames_lost_at_end = check_end_line(src, begin, line.size(), s.frames.size());
      ended = true;
    } else {
      s.frames.push_back(parse_frame(src, begin, line.size()));
    }
  }
  if (!ended && !truncated)
    s.warnings.push_back(path + ": no end line: the recording was not closed (the process stopped?); " +
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
  line_reader lines(path);
  // The text up to and including the first non-blank line: all a streaming file's reader keeps.
  std::string head, line;
  bool terminated = true;
  while (lines.next(line, terminated)) {
    const bool blank = detail::skip_space(line, 0) == line.size();
    if (head.empty()) head.swap(line);  // a one-line document is not copied
    else head += line;
    if (terminated) head += '\n';
    if (!blank) break;
  }
  const source src{path, head};
  const std::size_t first = detail::skip_space(head, 0);
  if (first == head.size()) src.fail(first, "expected a session object, found an empty file");
  if (head[first] != '{') src.fail(first, "expected '{' starting a session object");
  Session s;
  // Streaming form: the first line alone is a complete header object.
  const std::size_t nl = std::min(head.find('\n', first), head.size());
  const std::string_view first_line(head.data() + first, nl - first);
  std::size_t off = 0;
  std::string expected;
  if (detail::check_json_syntax(first_line, off, expected) && json::parse(first_line).contains("yams_session")) {
    read_streaming(path, lines, head, s);
  } else {
    std::string text = std::move(head);
    lines.read_rest(text);
    read_document(source{path, text}, first, s);
  }
  return s;
}

}  // namespace yams
