// `yams convert`'s command line and the time origin shared by both output formats (see convert.hpp).
#include "convert.hpp"

#include "cli.hpp"
#include "printable.hpp"
#include "output_file.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>

namespace yams::tool {

frame_timeline::frame_timeline(const Session& s) {
  double o = s.info.start_time > 0 ? s.info.start_time : 0;
  for (const FrameProfile& f : s.frames)
    if (o <= 0 || f.timestamp < o) o = f.timestamp;
  origin_s_ = o;
  for (const FrameProfile& f : s.frames) {
    if (!f.calls.empty()) {
      main_thread_ = f.calls.front().thread;
      break;
    }
  }
}

std::int64_t frame_timeline::place(const FrameProfile& f) {
  std::int64_t base = std::llround((f.timestamp - origin_s_) * 1e9) + shift_ns_;
  std::int64_t needed = 0;
  for (const CallNode& c : f.calls) {
    auto it = thread_end_ns_.find(c.thread);
    if (it != thread_end_ns_.end()) needed = std::max(needed, it->second - start_ns(base, c));
  }
  shift_ns_ += needed;
  base += needed;
  for (const CallNode& c : f.calls) {
    std::int64_t& end = thread_end_ns_[c.thread];
    end = std::max(end, end_ns(base, c));
  }
  return base;
}

int run_convert(const std::vector<std::string>& args) {
  const parsed_args a = parse_args(args, {"--to", "-o", "--output"}, {});
  if (a.positional.size() != 1) throw usage_error("expected exactly one session FILE");
  const std::string to = a.get("--to");
  if (to != "chrome" && to != "speedscope" && to != "document")
    throw usage_error(to.empty() ? "missing --to chrome|speedscope|document"
                                 : "unknown format '" + to + "' for --to (chrome, speedscope or document)");
  const std::string out = a.get("-o", a.get("--output"));
  if (out.empty()) throw usage_error("missing -o OUT");
  const Session s = read_session(a.positional[0]);
  for (const auto& w : s.warnings) std::cerr << "yams: warning: " << printable(w) << '\n';
  if (to == "document")
    write_session_document(out, s);
  else if (to == "chrome")
    write_output(out, [&](std::ostream& o) { write_chrome_trace(s, o); });
  else
    write_output(out, [&](std::ostream& o) { write_speedscope(s, o); });
  std::cerr << "yams: wrote " << s.frames.size() << " frames to " << out << " (" << to << ")\n";
  return 0;
}

}  // namespace yams::tool
