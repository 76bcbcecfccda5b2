// Session files: the design's section 4 document ({session_id, start_time, frames}) and the streaming
// form (one JSON object per line: a header, then one frame per line) that recorders write as they go,
// so a killed process leaves every complete frame readable. docs/session-files.md describes both.
#pragma once

#include <yams/frame.hpp>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace yams {

/// A whole session read from a file.
struct Session {
  SessionInfo info;
  std::vector<FrameProfile> frames;
  /// Frames begun after the last one in the file that could not be recorded (no later frame reports
  /// them in its `frames_lost`): the end line's `frames_lost`, 0 when absent.
  std::uint64_t frames_lost_at_end = 0;
  std::vector<std::string> warnings;  ///< e.g. "f.jsonl:812: truncated last line ignored"
};

/// Writes the streaming form incrementally: the header on open, each frame as one flushed line.
/// Not thread-safe; use from one thread at a time.
class session_writer {
 public:
  /// Opens (truncates) `path` and writes the header. Throws std::runtime_error naming the file.
  session_writer(const std::string& path, const SessionInfo& info);
  ~session_writer();
  session_writer(const session_writer&) = delete;
  session_writer& operator=(const session_writer&) = delete;
  /// Appends one frame line and flushes it. Throws std::runtime_error on a write error.
  void write(const FrameProfile& frame);
  /// Appends one frame given as its JSON object text (e.g. from to_json) and flushes it; the text is
  /// written as is and must hold no newline. Throws std::runtime_error on a write error.
  void write_json(std::string_view frame_object);
  /// Number of frames written so far.
  std::size_t frames_written() const noexcept { return count_; }
  /// Frames begun after the last one written that could not be recorded; close() writes the count in
  /// the end line (`frames_lost`) when it is not 0.
  void set_frames_lost_at_end(std::uint64_t n) noexcept { frames_lost_at_end_ = n; }
  /// Writes the end line (`{"yams_session_end":1,"frames":N}`, which marks the file complete; with
  /// `"frames_lost":M` after it when set_frames_lost_at_end() gave a count) and
  /// closes; called by the destructor. After a failed write the end line is left out, so that readers
  /// report the file as incomplete. Throws std::runtime_error on a write error.
  void close();

 private:
  std::FILE* file_ = nullptr;
  std::string path_;
  std::string line_;
  std::size_t count_ = 0;
  std::uint64_t frames_lost_at_end_ = 0;
  bool failed_ = false;  // a write threw: the file does not get its end line
};

/// Reads either form (detected from the first non-blank character). Throws format_error with
/// "<path>:<line>:<column>: expected ..." on malformed input. A streaming file whose writer did not
/// close it (no end line; a truncated last line) yields its complete frames and a warning instead.
Session read_session(const std::string& path);
/// Writes the section 4 document form. Throws std::runtime_error naming the file.
void write_session_document(const std::string& path, const Session& session);

}  // namespace yams

namespace yams {

/// Streams every finished frame to `path` (streaming form) from the collector thread until
/// stop_recording(); each frame is one flushed line, so a killed process leaves a readable file.
/// Throws std::runtime_error naming the file if it cannot be opened. A recording still open at exit is
/// closed then (its end line written). Any thread but the collector's (not from inside the broadcast
/// callback: std::logic_error).
void start_recording(const std::string& path);
/// Waits for the frames already ended to be written, then stops recording and closes the file; returns
/// the number of frames written (0 if not recording). When a write error had stopped the recording
/// (disk full, say: reported on stderr when it happened), throws std::runtime_error naming the file,
/// the error and the complete frames it holds (it then has no end line). Any thread but the
/// collector's (not from a callback: std::logic_error).
std::size_t stop_recording();

}  // namespace yams
