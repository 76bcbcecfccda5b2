// `yams convert`: a session as a Chrome Trace Event file (Perfetto, chrome://tracing), as a speedscope
// file (https://www.speedscope.app/file-format-schema.json) or as the design's session document.
#pragma once

#include <yams/session.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace yams::tool {

/// The converted files' time zero in epoch seconds: the session's start_time, or the earliest frame
/// timestamp when that is earlier or the start time is missing. Any thread.
double time_origin(const Session& session);

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
