// Session files: the design's section 4 document ({session_id, start_time, frames}) and the streaming
// form (one JSON object per line: a header, then one frame per line) that recorders write as they go,
// so a killed process leaves every complete frame readable. docs/session-files.md describes both.
#pragma once

#include <yams/frame.hpp>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
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

/// Reads a session file of either form one frame at a time, so that memory holds the frame being read,
/// not the session (`yams report` and `yams convert` read this way; read_session keeps every frame):
///
///     session_reader in(path);                 // reads up to the first frame: in.info()
///     for (FrameProfile f; in.next(f);) use(f);
///     in.warnings(), in.frames_lost_at_end()   // complete once next() has returned false
///
/// A streaming file is read a line at a time. A document is read twice: a syntax check of the whole
/// file first (which keeps nothing, so that a syntax error anywhere is reported before any frame), then
/// its keys, `session_id` and `start_time` before the frames wherever they are in it (a document read
/// from a pipe, which cannot be read twice, is kept in memory). Use from one thread.
class session_reader {
 public:
  /// Opens `path` and reads its header. Throws format_error as read_session does.
  explicit session_reader(const std::string& path);
  ~session_reader();
  session_reader(const session_reader&) = delete;
  session_reader& operator=(const session_reader&) = delete;

  /// The session's id and start time.
  const SessionInfo& info() const noexcept;
  /// Reads the next frame into `frame`; false after the last one. Throws format_error with
  /// "<path>:<line>:<column>: expected ..." on malformed input, as read_session does.
  bool next(FrameProfile& frame);
  /// Frames read so far.
  std::size_t frames_read() const noexcept;
  /// Session::frames_lost_at_end, once next() has returned false.
  std::uint64_t frames_lost_at_end() const noexcept;
  /// Session::warnings, complete once next() has returned false.
  const std::vector<std::string>& warnings() const noexcept;
  /// Where the frame next() returned last lies: the byte offset in the file of its JSON object's text
  /// (a pipe's offsets count the bytes read from it) ...
  std::uint64_t last_frame_offset() const noexcept;
  /// ... and that text as read (without the line end or the comma after it), valid until next().
  std::string_view last_frame_text() const noexcept;

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

/// A session file read once to learn where each frame lies, whose frames are then read again from the
/// file one at a time, in any order: memory holds the index (24 bytes a frame), not the frames. `yams
/// serve FILE` replays a session this way (serve_options::replay_index):
///
///     session_index index(path);                  // one pass with a session_reader: index.info()
///     FrameProfile f = index.frame(index.size() - 1);  // the last frame, read from the file again
///
/// Each frame is checked when read again (its bytes' checksum, its number): a file cut short or changed
/// since it was indexed gives an error naming the file and the frame, never a different frame. Only a
/// regular file can be read again (not a pipe). The file stays open while the index lives.
class session_index {
 public:
  /// Opens and reads `path` (either form). Throws format_error as read_session does, or naming the file
  /// when it is not a regular file.
  explicit session_index(const std::string& path);
  ~session_index();
  session_index(const session_index&) = delete;
  session_index& operator=(const session_index&) = delete;

  /// The session's id and start time. Any thread.
  const SessionInfo& info() const noexcept { return info_; }
  /// The file's name as given. Any thread.
  const std::string& path() const noexcept { return path_; }
  /// Number of frames. Any thread.
  std::size_t size() const noexcept { return entries_.size(); }
  /// The number (`frame`) of the `i`-th frame of the file. Any thread.
  std::uint64_t frame_number(std::size_t i) const { return entries_.at(i).frame; }
  /// Session::warnings and Session::frames_lost_at_end. Any thread.
  const std::vector<std::string>& warnings() const noexcept { return warnings_; }
  std::uint64_t frames_lost_at_end() const noexcept { return frames_lost_at_end_; }
  /// Reads the `i`-th frame (0-based) from the file again. Throws format_error naming the file, the
  /// frame's number and its bytes when the file no longer holds the frame indexed there (cut short, or
  /// changed), or when it cannot be read. Any thread (concurrent calls are fine).
  FrameProfile frame(std::size_t i) const;

 private:
  struct entry {
    std::uint64_t offset;   ///< of the frame object's first byte
    std::uint64_t frame;    ///< its number
    std::uint32_t size;     ///< of its text, in bytes
    std::uint32_t checksum; ///< of its text
  };
  std::string path_;
  int fd_ = -1;
  SessionInfo info_;
  std::vector<entry> entries_;
  std::vector<std::string> warnings_;
  std::uint64_t frames_lost_at_end_ = 0;
};

/// Reads either form (detected from the first non-blank character) with a session_reader, keeping
/// every frame. Throws format_error with "<path>:<line>:<column>: expected ..." on malformed input. A
/// streaming file whose writer did not close it (no end line; a truncated last line) yields its
/// complete frames and a warning instead.
Session read_session(const std::string& path);

/// Writes the section 4 document form a frame at a time: to a temporary file renamed over `path` by
/// close() when `path` is absent or a regular file (a symlink's regular target is replaced), in place
/// otherwise (a FIFO, a device, /dev/stdout). Destroyed without close() (a reader threw, say), it
/// removes the temporary file: the target is then untouched. Use from one thread.
class session_document_writer {
 public:
  /// Opens the output and writes the document's head. Throws std::runtime_error naming the file.
  session_document_writer(const std::string& path, const SessionInfo& info);
  ~session_document_writer();
  session_document_writer(const session_document_writer&) = delete;
  session_document_writer& operator=(const session_document_writer&) = delete;
  /// Appends one frame. Throws std::runtime_error naming the file on a write error.
  void write(const FrameProfile& frame);
  /// Number of frames written so far.
  std::size_t frames_written() const noexcept { return count_; }
  /// Ends the document, closes it and renames it over the target. Throws std::runtime_error naming the
  /// file (the target is then untouched, when it is replaced).
  void close();

 private:
  void flush_buffer();
  void discard() noexcept;

  std::string path_;         // as given, for messages
  std::string tmp_;          // the temporary file renamed over target_; empty when written in place
  std::string target_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
  std::size_t count_ = 0;
};

/// Writes the section 4 document form with a session_document_writer. Throws std::runtime_error naming
/// the file.
void write_session_document(const std::string& path, const Session& session);

namespace detail {
/// The regular file that writing `path` replaces (through a temporary file renamed over it): `path`
/// itself when it is absent or a regular file, the target of a symlink (chain) to a regular file; nothing
/// when `path` is written in place (a FIFO, a device, a name in /proc such as /proc/self/fd/1, a
/// dangling link). session_document_writer and the `yams` tool's outputs follow this rule.
std::optional<std::string> file_to_replace(const std::string& path);
}  // namespace detail

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
