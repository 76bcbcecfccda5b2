// `yams record ws://127.0.0.1:PORT -o FILE`: a WebSocket client of the live server (protocol v1) saving
// every frame to a streaming session file as it arrives, so an interrupted recording is still complete.
#pragma once

#include <string>
#include <vector>

namespace yams::tool {

/// The `yams record URL -o FILE [--token T] [--enable] [--frames N] [--seconds S]` subcommand; returns
/// the exit status. Main thread.
int run_record(const std::vector<std::string>& args);

}  // namespace yams::tool
