// The session reader: either form, detected from the content (a streaming file's first line is a header
// object with `yams_session`), one frame at a time. Errors name the file, the line and column, and what
// was expected; read_session keeps what the reader yields.
#include <yams/session.hpp>

#include "json_scan.hpp"
#include "session_input.hpp"

#include <nlohmann/json.hpp>

#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace yams {
namespace {

using nlohmann::json;

// Parses the frame object `text` into `frame`; on an error calls fail(offset in `text`, what), which throws.
template <class Fail>
void parse_frame(std::string_view text, FrameProfile& frame, const Fail& fail) {
  try {
    frame = frame_from_json(text);
  } catch (const format_error& e) {
    std::size_t off = 0;
    std::string expected;
    if (!detail::check_json_syntax(text, off, expected)) fail(off, "expected " + expected);
    std::string what = e.what();
    if (what.find("expected") == std::string::npos) what = "expected a frame object: " + what;
    fail(0, what);
  }
}

// Whether `line` from `begin` is the end line a closed writer leaves (`{"yams_session_end":...}`).
bool is_end_line(std::string_view line, std::size_t begin) {
  constexpr std::string_view key = "\"yams_session_end\"";
  return line[begin] == '{' && line.substr(detail::skip_space(line, begin + 1), key.size()) == key;
}

}  // namespace

class session_reader::impl {
 public:
  explicit impl(const std::string& path);
  bool next(FrameProfile& frame) { return streaming_ ? next_line(frame) : next_in_document(frame); }

  SessionInfo info;
  std::size_t frames = 0;
  std::uint64_t frames_lost_at_end = 0;
  std::vector<std::string> warnings;
  // The frame next() returned last: its object's text (in text_) and the file offset of its first byte.
  std::string_view last_text;
  std::uint64_t last_offset = 0;

 private:
  const std::string& path() const noexcept { return bytes_.path(); }
  // Errors at a byte offset of the file, and at a byte offset of the streaming file's current line.
  [[noreturn]] void fail_at(std::uint64_t offset, const std::string& what);
  [[noreturn]] void fail_in_line(std::size_t offset, const std::string& what) const;
  void read_info_field(std::uint64_t at, const json& value, const std::string& key);

  // The streaming form.
  void read_header(std::uint64_t first);
  bool next_line(FrameProfile& frame);
  std::uint64_t check_end_line(std::size_t begin) const;

  // The document form.
  void open_document(std::uint64_t first);
  bool walk_keys(bool stop_at_frames);
  void check_keys();
  void enter_frames(std::uint64_t at);
  bool next_in_document(FrameProfile& frame);

  detail::file_bytes bytes_;
  detail::byte_cursor cursor_;
  bool streaming_ = false;
  bool done_ = false;
  std::string text_;  // the line, frame or key being read
  // The streaming form: the number of the line in text_; whether the end line was read.
  std::uint64_t line_number_ = 0;
  bool ended_ = false;
  // The document form: the keys read so far; where the value of "frames" starts when it came before
  // session_id or start_time (it is read after them); whether keys follow the frames still to be read.
  bool seen_id_ = false, seen_time_ = false, seen_frames_ = false;
  std::optional<std::uint64_t> frames_at_;
  bool keys_after_frames_ = false;
};

session_reader::impl::impl(const std::string& path) : bytes_(path), cursor_(bytes_) {
  cursor_.skip_space();
  const std::uint64_t first = cursor_.offset();
  const int c = cursor_.peek();
  if (c < 0) fail_at(first, "expected a session object, found an empty file");
  if (c != '{') fail_at(first, "expected '{' starting a session object");
  // Streaming form: the first line alone is a complete header object.
  detail::bytes_streambuf first_line(bytes_, first, true);
  std::istream in(&first_line);
  std::size_t off = 0;
  std::string expected;
  bool header = false;
  if (detail::check_json_syntax(in, off, expected, "yams_session", header) && header)
    read_header(first);
  else
    open_document(first);
}

void session_reader::impl::fail_at(std::uint64_t offset, const std::string& what) {
  const detail::file_position p = detail::position_in(bytes_, offset);
  throw format_error(path() + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": " + what);
}

void session_reader::impl::fail_in_line(std::size_t offset, const std::string& what) const {
  throw format_error(path() + ":" + std::to_string(line_number_) + ":" +
                     std::to_string(detail::position_of(text_, offset).column) + ": " + what);
}

void session_reader::impl::read_info_field(std::uint64_t at, const json& value, const std::string& key) {
  if (key == "session_id") {
    if (!value.is_string()) fail_at(at, "expected a string for \"session_id\"");
    info.session_id = value.get<std::string>();
  } else if (key == "start_time") {
    if (!value.is_number()) fail_at(at, "expected a number for \"start_time\"");
    info.start_time = value.get<double>();
  }
}

// The header's errors point at the start of the file.
void session_reader::impl::read_header(std::uint64_t first) {
  streaming_ = true;
  line_number_ = detail::position_in(bytes_, first).line;
  bool terminated = true;
  cursor_.read_line(text_, terminated);
  const json h = json::parse(text_);
  if (h.value("yams_session", json()) != json(1)) fail_at(0, "expected \"yams_session\": 1 (a newer session format?)");
  for (const char* key : {"session_id", "start_time"}) {
    if (!h.contains(key)) fail_at(0, std::string("expected key \"") + key + "\" in the session header");
    read_info_field(0, h[key], key);
  }
}

bool session_reader::impl::next_line(FrameProfile& frame) {
  bool terminated = true;
  for (std::uint64_t line_at = cursor_.offset(); !done_ && cursor_.read_line(text_, terminated);
       line_at = cursor_.offset()) {
    ++line_number_;
    bytes_.forget_before(cursor_.offset());
    const std::size_t begin = detail::skip_space(text_, 0);
    if (begin == text_.size()) continue;
    if (ended_) fail_in_line(begin, "expected nothing after the end line");
    const std::string_view object = std::string_view(text_).substr(begin);
    std::size_t off = 0;
    std::string expected;
    if (!terminated && !detail::check_json_syntax(object, off, expected)) {
      warnings.push_back(path() + ":" + std::to_string(line_number_) + ": truncated last line ignored");
      done_ = true;
      return false;
    }
    if (is_end_line(text_, begin)) {
      frames_lost_at_end = check_end_line(begin);
      ended_ = true;
      continue;
    }
    parse_frame(object, frame, [&](std::size_t at, const std::string& what) { fail_in_line(begin + at, what); });
    last_text = object;
    last_offset = line_at + begin;
    ++frames;
    return true;
  }
  if (!done_ && !ended_)
    warnings.push_back(path() + ": no end line: the recording was not closed (the process stopped?); " +
                       std::to_string(frames) + " complete frames read");
  done_ = true;
  return false;
}

// Checks the end line (text_ from `begin`) against the frames read before it; returns its `frames_lost`.
std::uint64_t session_reader::impl::check_end_line(std::size_t begin) const {
  std::size_t off = 0;
  std::string expected;
  const std::string_view line = std::string_view(text_).substr(begin);
  if (!detail::check_json_syntax(line, off, expected)) fail_in_line(begin + off, "expected " + expected);
  const json j = json::parse(line);
  if (j["yams_session_end"] != json(1))
    fail_in_line(begin, "expected \"yams_session_end\": 1 (a newer session format?)");
  const json& n = j.contains("frames") ? j["frames"] : json();
  if (!n.is_number_unsigned() || n.get<std::uint64_t>() != frames)
    fail_in_line(begin, "expected \"frames\": " + std::to_string(frames) +
                            " in the end line (the frames before it), found " +
                            (n.is_null() ? std::string("none") : n.dump()));
  if (!j.contains("frames_lost")) return 0;
  if (!j["frames_lost"].is_number_unsigned())
    fail_in_line(begin, "expected a non-negative integer for \"frames_lost\" in the end line, found " +
                            j["frames_lost"].dump());
  return j["frames_lost"].get<std::uint64_t>();
}

// Checks the whole document's syntax (a pass that keeps nothing), then reads its keys up to the frames.
void session_reader::impl::open_document(std::uint64_t first) {
  {
    detail::bytes_streambuf whole(bytes_, 0, false);
    std::istream in(&whole);
    std::size_t off = 0;
    std::string expected;
    bool unused = false;
    if (!detail::check_json_syntax(in, off, expected, {}, unused)) fail_at(off, "expected " + expected);
  }
  cursor_.seek(first + 1);  // past '{'
  cursor_.skip_space();
  if (walk_keys(true)) {
    keys_after_frames_ = true;
    enter_frames(cursor_.offset());
    return;
  }
  check_keys();
  enter_frames(*frames_at_);
}

// Reads the session object's keys from the cursor up to its closing '}' (returns false there), or, when
// `stop_at_frames`, up to the value of "frames" if session_id and start_time came before it (returns
// true there). A "frames" value that came before them is skipped, its start kept in frames_at_.
bool session_reader::impl::walk_keys(bool stop_at_frames) {
  while (cursor_.peek() == '"') {
    text_.clear();
    cursor_.skip_value(&text_);
    const std::string key = json::parse(text_).get<std::string>();
    cursor_.skip_space();
    cursor_.advance();  // ':'
    cursor_.skip_space();
    const std::uint64_t value_at = cursor_.offset();
    if (key == "frames") {
      seen_frames_ = true;
      if (stop_at_frames && seen_id_ && seen_time_) return true;
      frames_at_ = value_at;
      cursor_.skip_value(nullptr);
    } else if (key == "session_id" || key == "start_time") {
      text_.clear();
      cursor_.skip_value(&text_);
      read_info_field(value_at, json::parse(text_), key);
      (key == "session_id" ? seen_id_ : seen_time_) = true;
    } else {
      cursor_.skip_value(nullptr);
    }
    cursor_.skip_space();
    if (cursor_.peek() == ',') {
      cursor_.advance();
      cursor_.skip_space();
    }
  }
  return false;
}

// At the session object's closing '}': every required key must have been read.
void session_reader::impl::check_keys() {
  const char* missing = !seen_id_ ? "session_id" : !seen_time_ ? "start_time" : !seen_frames_ ? "frames" : nullptr;
  if (missing != nullptr)
    fail_at(cursor_.offset(), std::string("expected key \"") + missing + "\" in the session object");
}

void session_reader::impl::enter_frames(std::uint64_t at) {
  cursor_.seek(at);
  if (cursor_.peek() != '[') fail_at(at, "expected an array for \"frames\"");
  cursor_.advance();
  cursor_.skip_space();
}

bool session_reader::impl::next_in_document(FrameProfile& frame) {
  if (done_) return false;
  const int c = cursor_.peek();
  if (c != ']' && c >= 0) {
    const std::uint64_t at = cursor_.offset();
    text_.clear();
    cursor_.skip_value(&text_);
    parse_frame(text_, frame, [&](std::size_t off, const std::string& what) { fail_at(at + off, what); });
    last_text = text_;
    last_offset = at;
    cursor_.skip_space();
    if (cursor_.peek() == ',') {
      cursor_.advance();
      cursor_.skip_space();
    }
    ++frames;
    return true;
  }
  done_ = true;
  if (keys_after_frames_) {
    cursor_.advance();  // past ']'
    cursor_.skip_space();
    if (cursor_.peek() == ',') {
      cursor_.advance();
      cursor_.skip_space();
    }
    walk_keys(false);
    check_keys();
  }
  return false;
}

session_reader::session_reader(const std::string& path) : impl_(std::make_unique<impl>(path)) {}
session_reader::~session_reader() = default;
const SessionInfo& session_reader::info() const noexcept { return impl_->info; }
bool session_reader::next(FrameProfile& frame) { return impl_->next(frame); }
std::size_t session_reader::frames_read() const noexcept { return impl_->frames; }
std::uint64_t session_reader::frames_lost_at_end() const noexcept { return impl_->frames_lost_at_end; }
const std::vector<std::string>& session_reader::warnings() const noexcept { return impl_->warnings; }
std::uint64_t session_reader::last_frame_offset() const noexcept { return impl_->last_offset; }
std::string_view session_reader::last_frame_text() const noexcept { return impl_->last_text; }

Session read_session(const std::string& path) {
  session_reader in(path);
  Session s;
  for (FrameProfile f; in.next(f);) s.frames.push_back(std::move(f));
  s.info = in.info();
  s.frames_lost_at_end = in.frames_lost_at_end();
  s.warnings = in.warnings();
  return s;
}

}  // namespace yams
