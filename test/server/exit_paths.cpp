// A game's lifetime edges, as separate processes (ctest checks their exit and their files):
//   exit_paths serve-before-main     a global object starts the live server before main; the process
//                                    must exit cleanly (it aborted: the server's globals were destroyed
//                                    before the exit-time stop_serving ran).
//   exit_paths record-to FILE        records 5 frames and returns from main without stop_recording.
//   exit_paths check FILE            FILE must read back whole: 5 frames, an end line, no warning.
#include <yams/server.hpp>
#include <yams/session.hpp>
#include <yams/yams.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

namespace {

void frames(int n) {
  for (int i = 1; i <= n; ++i) {
    yams::begin_frame(static_cast<std::uint64_t>(i));
    { YAMS_ZONE("work"); }
    (void)yams::end_frame();
  }
}

struct early_server {
  early_server() {
    const char* mode = std::getenv("YAMS_EXIT_PATHS_MODE");
    if (!mode || std::strcmp(mode, "serve-before-main") != 0) return;
    yams::enable();
    yams::serve_options o;
    o.port = 0;
    (void)yams::serve(o);
    frames(3);
  }
} early;  // before main, as a game's global engine object would

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  try {
    if (mode == "serve-before-main") {
      if (!yams::serving()) {
        std::fprintf(stderr, "exit_paths: run with YAMS_EXIT_PATHS_MODE=serve-before-main\n");
        return 2;
      }
      frames(3);
      return 0;  // the server is stopped at exit
    }
    if (mode == "record-to" && argc == 3) {
      std::remove(argv[2]);  // a previous run's
      yams::enable();
      yams::start_recording(argv[2]);
      frames(5);
      return 0;  // no stop_recording(): the recording is closed at exit
    }
    if (mode == "check" && argc == 3) {
      const yams::Session s = yams::read_session(argv[2]);
      for (const auto& w : s.warnings) std::fprintf(stderr, "exit_paths: warning: %s\n", w.c_str());
      if (s.frames.size() != 5 || !s.warnings.empty()) {
        std::fprintf(stderr, "exit_paths: %s: %zu frames, %zu warnings; expected 5 and none\n", argv[2],
                     s.frames.size(), s.warnings.size());
        return 1;
      }
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "exit_paths: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: exit_paths serve-before-main | record-to FILE | check FILE\n");
  return 2;
}
