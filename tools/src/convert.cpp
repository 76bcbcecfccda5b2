// `yams convert`'s command line, the frames it reads twice and the time origin shared by both output
// formats (see convert.hpp).
#include "convert.hpp"

#include "cli.hpp"
#include "printable.hpp"
#include "output_file.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>

namespace yams::tool {

session_frames::session_frames(const std::string& path) : path_(path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) {
    reader_ = std::make_unique<session_reader>(path);
    info_ = reader_->info();
  } else {
    held_ = read_session(path);
    info_ = held_->info;
  }
}

void session_frames::for_each(const std::function<bool(const FrameProfile&)>& on_frame) {
  if (held_) {
    for (const FrameProfile& f : held_->frames)
      if (!on_frame(f)) return;
    size_ = held_->frames.size();
    frames_lost_at_end_ = held_->frames_lost_at_end;
    warnings_ = held_->warnings;
    return;
  }
  // The reader the constructor opened, the first time; a new one after.
  const std::unique_ptr<session_reader> in = reader_ ? std::move(reader_) : std::make_unique<session_reader>(path_);
  for (FrameProfile f; in->next(f);)
    if (!on_frame(f)) return;
  size_ = in->frames_read();
  frames_lost_at_end_ = in->frames_lost_at_end();
  warnings_ = in->warnings();
}

frame_timeline::frame_timeline(session_frames& frames) {
  double o = frames.info().start_time > 0 ? frames.info().start_time : 0;
  bool found_thread = false;
  frames.for_each([&](const FrameProfile& f) {
    if (o <= 0 || f.timestamp < o) o = f.timestamp;
    if (!found_thread && !f.calls.empty()) {
      main_thread_ = f.calls.front().thread;
      found_thread = true;
    }
    return true;
  });
  origin_s_ = o;
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
  const std::string& file = a.positional[0];
  auto warn = [](const std::vector<std::string>& warnings) {
    for (const auto& w : warnings) std::cerr << "yams: warning: " << printable(w) << '\n';
  };
  std::size_t written = 0;
  if (to == "document") {
    // A regular file is replaced only when the document is complete. Written in place (a FIFO, a
    // device, stdout), a malformed frame part way through would leave the frames before it there, so a
    // session that can be read twice is checked whole first; one from a pipe is streamed once.
    std::error_code ec;
    if (!yams::detail::file_to_replace(out) && std::filesystem::is_regular_file(file, ec)) {
      session_reader check(file);
      FrameProfile f;
      while (check.next(f)) {
      }
    }
    session_reader in(file);
    session_document_writer doc(out, in.info());
    for (FrameProfile f; in.next(f);) doc.write(f);
    warn(in.warnings());
    doc.close();
    written = doc.frames_written();
  } else {
    session_frames frames(file);
    const frame_timeline timeline(frames);  // reads every frame: nothing is written for a malformed file
    warn(frames.warnings());
    if (to == "chrome")
      write_output(out, [&](std::ostream& o) { write_chrome_trace(frames, timeline, o); });
    else
      write_output(out, [&](std::ostream& o) { write_speedscope(frames, timeline, o); });
    written = frames.size();
  }
  std::cerr << "yams: wrote " << written << " frames to " << out << " (" << to << ")\n";
  return 0;
}

}  // namespace yams::tool
