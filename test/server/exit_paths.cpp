// A game's lifetime edges, as separate processes (ctest checks their exit and their files):
//   exit_paths serve-before-main     a global object starts the live server before main; the process
//                                    must exit cleanly (it aborted: the server's globals were destroyed
//                                    before the exit-time stop_serving ran).
//   exit_paths record-to FILE        records 5 frames and returns from main without stop_recording.
//   exit_paths check FILE            FILE must read back whole: 5 frames, an end line, no warning.
//   exit_paths check-closed FILE     FILE must read back whole: frames, an end line, no warning.
//   exit_paths serve-with-env-port   run with YAMS_PROFILE_PORT set: the game's own serve() must
//                                    return (it hung: the collector it starts tried to start the
//                                    environment's server inside it) and serve where it asked.
//   exit_paths env-then-serve        run with YAMS_PROFILE_PORT set: frames start the environment's
//                                    server, then the game's serve() replaces it.
//   exit_paths exit-while-busy [FILE] std::exit while another thread ends frames without pause: the
//                                    exit must finish (it hung, the collector chasing new frames),
//                                    and FILE, recorded meanwhile, must end with its end line.
#include <yams/server.hpp>
#include <yams/session.hpp>
#include <yams/yams.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <thread>

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
    if (mode == "serve-with-env-port" || mode == "env-then-serve") {
      if (mode == "env-then-serve") {
        yams::enable();  // starts the collector, and with it the environment's server
        frames(2);
        if (!yams::serving()) {
          std::fprintf(stderr, "exit_paths: YAMS_PROFILE_PORT did not start a server\n");
          return 1;
        }
      }
      yams::serve_options o;
      o.port = 0;
      const yams::server_info info = yams::serve(o);  // first thing, as a game's start-up would
      yams::enable();
      frames(3);
      std::fprintf(stderr, "exit_paths: serving at %s\n", info.url.c_str());
      return yams::serving() && info.port != 0 ? 0 : 1;
    }
    if (mode == "record-to" && argc == 3) {
      std::remove(argv[2]);  // a previous run's
      yams::enable();
      yams::start_recording(argv[2]);
      frames(5);
      return 0;  // no stop_recording(): the recording is closed at exit
    }
    if (mode == "exit-while-busy") {
      // Another thread ends frames as fast as it can (millions a second, no calls) while this one
      // calls std::exit: the exit must not wait for the collector to catch up with them.
      yams::enable();
      if (argc == 3) yams::start_recording(argv[2]);  // closed at exit, also while frames go on
      std::thread([] {
        for (std::uint64_t n = 1;; ++n) {
          yams::begin_frame(n);
          (void)yams::end_frame();
        }
      }).detach();
      std::this_thread::sleep_for(std::chrono::seconds(1));
      std::exit(0);
    }
    if ((mode == "check" || mode == "check-closed") && argc == 3) {
      const yams::Session s = yams::read_session(argv[2]);
      for (const auto& w : s.warnings) std::fprintf(stderr, "exit_paths: warning: %s\n", w.c_str());
      if (mode == "check-closed") return s.frames.empty() || !s.warnings.empty() ? 1 : 0;
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
  std::fprintf(stderr,
               "usage: exit_paths serve-before-main | serve-with-env-port | env-then-serve | record-to FILE | "
               "check[-closed] FILE | exit-while-busy [FILE]\n");
  return 2;
}
