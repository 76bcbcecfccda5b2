// `yams serve FILE`: serves a saved session to the web panel (the live server in replay mode) until
// interrupted.
#pragma once

#include <string>
#include <vector>

namespace yams::tool {

/// The `yams serve FILE [--port P] [--panel DIR] [--source-root DIR]... [--token T]` subcommand; returns
/// the exit status. Main thread.
int run_serve(const std::vector<std::string>& args);

}  // namespace yams::tool
