// `yams convert`: a session as a Chrome Trace Event file (Perfetto, chrome://tracing), as a speedscope
// file (https://www.speedscope.app/file-format-schema.json) or as the design's session document.
#pragma once

#include <yams/session.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace yams::tool {

/// Places frames on the converted files' time line, in whole nanoseconds from the session's start_time
/// (or from the earliest frame when that is earlier). Frame timestamps come from the wall clock and call
/// times from the cycle counter, so back-to-back frames can overlap by microseconds; a frame that would
/// start a call before an earlier call on the same thread ended is moved later, with every frame after
/// it, so all calls keep their durations and nest properly. Integers, so that a viewer adding a start
/// and a duration cannot make a call end after the next one begins. Use from one thread.
class frame_timeline {
 public:
  explicit frame_timeline(const Session& session);
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

/// Writes the session as Chrome Trace Event JSON to `out`, one event at a time (memory stays that of
/// the session, not of the trace): a begin and an end event per call, thread names, rollbacks as
/// instant events. Any thread.
void write_chrome_trace(const Session& session, std::ostream& out);
/// Writes the session as a speedscope file to `out`: one evented profile per thread, rollbacks as
/// zero-length frames (memory: the session and 16 bytes per event). Any thread.
void write_speedscope(const Session& session, std::ostream& out);

/// The `yams convert FILE --to chrome|speedscope|document -o OUT` subcommand (document: the section 4
/// session document); returns the exit status.
int run_convert(const std::vector<std::string>& args);

}  // namespace yams::tool
