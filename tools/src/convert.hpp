// `yams convert`: a session as a Chrome Trace Event file (Perfetto, chrome://tracing), as a speedscope
// file (https://www.speedscope.app/file-format-schema.json) or as the design's session document.
#pragma once

#include <yams/session.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace yams::tool {

/// The frames of a session file for a converter, which reads them twice: once to place them on the time
/// line (frame_timeline), once to write them. A regular file is read again, one frame in memory at a
/// time; anything else (a pipe cannot be read twice) is read once into memory. Use from one thread.
class session_frames {
 public:
  /// Opens `path` and reads its header. Throws format_error as read_session does.
  explicit session_frames(const std::string& path);
  const SessionInfo& info() const noexcept { return info_; }
  /// Calls `on_frame` with each frame in file order, stopping early when it returns false (the output
  /// failed: reading on would overwrite the errno of the failed write). Throws format_error as
  /// read_session does.
  void for_each(const std::function<bool(const FrameProfile&)>& on_frame);
  /// Once for_each has read every frame: the number of frames, frames lost after the last one, warnings.
  std::size_t size() const noexcept { return size_; }
  std::uint64_t frames_lost_at_end() const noexcept { return frames_lost_at_end_; }
  const std::vector<std::string>& warnings() const noexcept { return warnings_; }

 private:
  std::string path_;
  std::unique_ptr<session_reader> reader_;  // opened by the constructor, for the first for_each
  std::optional<Session> held_;             // the whole session, when the file is not a regular one
  SessionInfo info_;
  std::size_t size_ = 0;
  std::uint64_t frames_lost_at_end_ = 0;
  std::vector<std::string> warnings_;
};

/// Places frames on the converted files' time line, in whole nanoseconds from the session's start_time
/// (or from the earliest frame when that is earlier). Frame timestamps come from the wall clock and call
/// times from the cycle counter, so back-to-back frames can overlap by microseconds; a frame that would
/// start a call before an earlier call on the same thread ended is moved later, with every frame after
/// it, so all calls keep their durations and nest properly. Integers, so that a viewer adding a start
/// and a duration cannot make a call end after the next one begins. Use from one thread.
class frame_timeline {
 public:
  /// Reads every frame of `frames` once (for the earliest timestamp and the first call's thread); a
  /// malformed file throws format_error here, before anything is written.
  explicit frame_timeline(session_frames& frames);
  /// The start of `frame` in ns; call for each frame in file order.
  std::int64_t place(const FrameProfile& frame);
  /// The time zero in epoch seconds.
  double origin() const noexcept { return origin_s_; }
  /// The thread a frame's own markers (its rollback) go on: its first call's, or for a frame without
  /// calls the thread of the session's first call (1 if it has none).
  std::uint64_t frame_thread(const FrameProfile& frame) const noexcept {
    return frame.calls.empty() ? main_thread_ : frame.calls.front().thread;
  }
  /// `ms` (a call's start or end within its frame) in whole nanoseconds, each instant rounded on its
  /// own so that a child rounded inside its parent stays inside.
  static std::int64_t ns(double ms) noexcept { return std::llround(ms * 1e6); }
  /// A call's start and end in ns on the time line, for a frame placed at `frame_ns`.
  static std::int64_t start_ns(std::int64_t frame_ns, const CallNode& c) noexcept { return frame_ns + ns(c.start); }
  static std::int64_t end_ns(std::int64_t frame_ns, const CallNode& c) noexcept {
    return frame_ns + ns(c.start + c.duration);
  }

 private:
  double origin_s_ = 0;
  std::int64_t shift_ns_ = 0;
  std::uint64_t main_thread_ = 1;
  std::map<std::uint64_t, std::int64_t> thread_end_ns_;
};

/// Writes the session as Chrome Trace Event JSON to `out`, one event at a time, reading its frames a
/// second time (memory: one frame, not the session): a begin and an end event per call, thread names,
/// rollbacks as instant events. `timeline`: made from `frames`, no frame placed yet. Any thread.
void write_chrome_trace(session_frames& frames, frame_timeline timeline, std::ostream& out);
/// Writes the session as a speedscope file to `out`, reading its frames a second time: one evented
/// profile per thread, rollbacks as zero-length frames. A profile's events are written after every frame
/// is read; until then they wait in an unnamed temporary file, 16 bytes each (memory: one frame and
/// 64 KB per thread). `timeline`: made from `frames`, no frame placed yet. Any thread.
void write_speedscope(session_frames& frames, frame_timeline timeline, std::ostream& out);

/// The `yams convert FILE --to chrome|speedscope|document -o OUT` subcommand (document: the section 4
/// session document); returns the exit status.
int run_convert(const std::vector<std::string>& args);

}  // namespace yams::tool
