// `yams convert`: a session as a Chrome Trace Event file (Perfetto, chrome://tracing), as a speedscope
// file (https://www.speedscope.app/file-format-schema.json) or as the design's session document.
#pragma once

#include <yams/session.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace yams::tool {

/// Places frames on the converted files' time line, in milliseconds from the session's start_time (or
/// from the earliest frame when that is earlier). Frame timestamps come from the wall clock and call
/// times from the cycle counter, so back-to-back frames can overlap by microseconds; a frame that would
/// start a call before an earlier call on the same thread ended is moved later, with every frame after
/// it, so all calls keep their durations and nest properly. Use from one thread.
class frame_timeline {
 public:
  explicit frame_timeline(const Session& session);
  /// The start of `frame` in ms; call for each frame in file order.
  double place(const FrameProfile& frame);
  /// The time zero in epoch seconds.
  double origin() const noexcept { return origin_s_; }

 private:
  double origin_s_ = 0;
  double shift_ms_ = 0;
  std::map<std::uint64_t, double> thread_end_ms_;
};

/// The session as Chrome Trace Event JSON: an X event per call, thread names, rollbacks as instant
/// events. Any thread.
nlohmann::json to_chrome_trace(const Session& session);
/// The session as a speedscope file: one evented profile per thread, rollbacks as zero-length frames.
/// Any thread.
nlohmann::json to_speedscope(const Session& session);

/// The `yams convert FILE --to chrome|speedscope|document -o OUT` subcommand (document: the section 4
/// session document); returns the exit status.
int run_convert(const std::vector<std::string>& args);

}  // namespace yams::tool
