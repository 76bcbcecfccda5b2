// `yams report`'s plain-text rendering and its command line (see report.hpp).
#include "report.hpp"

#include "cli.hpp"
#include "printable.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>

namespace yams::tool {
namespace {

using nlohmann::ordered_json;

// The text report's heaviest paths: indented one step per level down to this depth, and a path longer
// than twice path_end_steps shows only its first and last path_end_steps steps.
constexpr std::size_t path_indent_levels = 16;
constexpr std::size_t path_end_steps = 20;
// The most rows --top and --worst take (more than any session has sites or frames).
constexpr unsigned long max_rows = 1'000'000'000;

std::string fmt(const char* format, auto... values) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, values...);
  return buf;
}

// A string of the report (from the file: labels, ids, paths) safe to print.
std::string text(const ordered_json& value) { return printable(value.get<std::string>()); }

void render_sites(std::ostream& out, const char* title, const ordered_json& sites) {
  out << '\n' << title << '\n' << fmt("  %10s %10s %8s  %s\n", "self ms", "total ms", "calls", "site");
  for (const auto& s : sites)
    out << fmt("  %10.3f %10.3f %8zu  ", s["self_ms"].get<double>(), s["total_ms"].get<double>(),
               s["calls"].get<std::size_t>())
        << text(s["site"]) << "  (" << text(s["file"]) << ':' << s["line"].get<unsigned>() << ")\n";
}

// One step of a heaviest path, `depth` levels below the frame (1: the root call). Indented one step per
// level down to path_indent_levels; deeper steps keep that indentation and say their depth.
void render_step(std::ostream& out, const ordered_json& step, std::size_t depth) {
  out << std::string(2 + 2 * std::min(depth, path_indent_levels), ' ');
  if (depth > path_indent_levels) out << "[depth " << depth << "] ";
  out << fmt("%.3f ms (self %.3f)  ", step["duration_ms"].get<double>(), step["self_ms"].get<double>())
      << text(step["label"]) << '\n';
}

// A frame's heaviest path: every step, or for a path longer than 2 * path_end_steps + 1 its first and
// last path_end_steps steps around one line saying how many were left out.
void render_path(std::ostream& out, const ordered_json& path) {
  const std::size_t n = path.size();
  const bool elide = n > 2 * path_end_steps + 1;
  for (std::size_t i = 0; i < n; ++i) {
    if (elide && i == path_end_steps) {
      const std::size_t hidden = n - 2 * path_end_steps;
      out << std::string(2 + 2 * std::min(i + 1, path_indent_levels), ' ') << "... " << hidden
          << " levels not shown (depth " << i + 1 << " to " << i + hidden << "; --json has them all) ...\n";
      i += hidden - 1;
      continue;
    }
    render_step(out, path[i], i + 1);
  }
}

}  // namespace

void render_report_text(const ordered_json& r, std::ostream& out) {
  const auto& t = r["frame_time_ms"];
  out << "session " << text(r["session_id"]) << " (" << text(r["file"]) << "): "
      << r["frames"].get<std::size_t>() << " frames, " << r["calls"].get<std::size_t>() << " calls";
  if (r["calls_not_recorded"].get<std::uint64_t>() > 0)
    out << ", " << r["calls_not_recorded"].get<std::uint64_t>() << " calls not recorded (overflow)";
  if (r["frames_lost"].get<std::uint64_t>() > 0)
    out << ", " << r["frames_lost"].get<std::uint64_t>() << " frames lost (not recorded at all)";
  for (const auto& [kind, frames] : r["kinds_not_recorded"].items())
    out << ", " << kind << " zones not recorded in " << frames.get<std::uint64_t>() << " frames";
  if (r["frames"].get<std::size_t>() == 0 && r["frames_lost"].get<std::uint64_t>() == 0) {
    // Zeros and empty tables would only look like a report.
    out << "\n\nno frames to report: the game ended no frame while it recorded, or profiling was off (yams::enable(),"
           " YAMS_PROFILE=1, or yams record --enable)\n";
    return;
  }
  out << "\n\nframe time (ms), budget " << fmt("%.1f", r["budget_ms"].get<double>()) << " ms:\n"
      << fmt("  p50 %.3f   p90 %.3f   p99 %.3f   max %.3f   mean %.3f\n", t["p50"].get<double>(),
             t["p90"].get<double>(), t["p99"].get<double>(), t["max"].get<double>(), t["mean"].get<double>())
      << fmt("  over budget: %zu frames (%.1f%%)\n", t["over_budget"].get<std::size_t>(),
             t["over_budget_percent"].get<double>());
  render_sites(out, "top sites by self time:", r["top_self"]);
  render_sites(out, "top sites by total time:", r["top_total"]);
  out << "\ntop entities by total time:\n";
  if (r["top_entities"].empty()) out << "  (no call has an entity_id)\n";
  for (const auto& e : r["top_entities"])
    out << fmt("  %10.3f ms %8zu calls  ", e["total_ms"].get<double>(), e["calls"].get<std::size_t>())
        << text(e["entity_id"]) << '\n';
  const auto& rb = r["rollback"];
  out << "\nrollbacks: " << rb["count"].get<std::size_t>();
  if (rb["count"].get<std::size_t>() > 0)
    out << fmt(", frames resimulated %lld total (mean %.1f, max %d), snapshot age mean %.2f ms, max %.2f ms",
               rb["frames_resimulated"]["total"].get<long long>(), rb["frames_resimulated"]["mean"].get<double>(),
               rb["frames_resimulated"]["max"].get<int>(), rb["snapshot_age_ms"]["mean"].get<double>(),
               rb["snapshot_age_ms"]["max"].get<double>());
  out << "\n\nworst frames:\n";
  for (const auto& f : r["worst_frames"]) {
    out << fmt("  frame %llu: %.3f ms%s\n", f["frame"].get<unsigned long long>(), f["duration_ms"].get<double>(),
               f["rollback"].get<bool>() ? " (rollback)" : "");
    render_path(out, f["path"]);
  }
}

int run_report(const std::vector<std::string>& args) {
  const parsed_args a = parse_args(args, {"--budget", "--top", "--worst"}, {"--json"});
  if (a.positional.size() != 1) throw usage_error("expected exactly one session FILE");
  report_options opt;
  opt.budget_ms = a.get_positive("--budget", opt.budget_ms, "milliseconds");
  opt.top = a.get_count("--top", opt.top, 1, max_rows);
  opt.worst = a.get_count("--worst", opt.worst, 1, max_rows);
  const std::string& file = a.positional[0];
  session_reader in(file);
  const ordered_json r = make_report(in, file, opt);
  for (const auto& w : in.warnings()) std::cerr << "yams: warning: " << printable(w) << '\n';
  if (a.has("--json"))
    std::cout << printable_json(r.dump(2, ' ', false, ordered_json::error_handler_t::replace)) << '\n';
  else
    render_report_text(r, std::cout);
  std::cout.flush();
  if (!std::cout) throw std::runtime_error("report: cannot write the report to stdout");
  return 0;
}

}  // namespace yams::tool
