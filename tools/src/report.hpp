// `yams report`: frame-time percentiles against the budget, top sites by self and total time, top
// entities, rollback statistics and the worst frames with their heaviest paths.
#pragma once

#include <yams/session.hpp>

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace yams::tool {

struct report_options {
  double budget_ms = 16.7;
  std::size_t top = 10;    ///< rows in each top list
  std::size_t worst = 5;   ///< worst frames listed
};

/// The report as JSON (the `--json` output; docs/tools.md lists its keys), reading every frame from `in`
/// one at a time: memory holds one frame and the figures per site and per entity, 8 bytes per frame
/// (for the percentiles) and the worst frames' paths, not the session. Any thread.
nlohmann::ordered_json make_report(session_reader& in, const std::string& file, const report_options& opt);
/// Writes the report as plain text for a terminal to `out`, as it goes: text from the file with its
/// control characters escaped, heaviest paths indented at most 16 levels and cut to their first and
/// last 20 steps. Any thread.
void render_report_text(const nlohmann::ordered_json& report, std::ostream& out);

/// The `yams report FILE [--json] [--budget MS] [--top N] [--worst N]` subcommand; returns the exit status.
int run_report(const std::vector<std::string>& args);

}  // namespace yams::tool
