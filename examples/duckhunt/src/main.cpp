// yams-duckhunt: runs the duck hunt headless at 60 frames a second (or flat out), optionally serving
// the live profiler panel and recording the session. Ctrl-C stops cleanly.
#include "game_engine.hpp"
#include "options.hpp"

#if DUCKHUNT_WITH_YAMS
#include <yams/server.hpp>
#include <yams/session.hpp>
#include <yams/yams.hpp>
#endif

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>

namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_signal(int sig) { g_signal.store(sig, std::memory_order_relaxed); }

const char* program_name() {
#if DUCKHUNT_WITH_YAMS
  return "yams-duckhunt";
#else
  return "yams-duckhunt-noplugin";
#endif
}

/// <exe dir>/../share/yams/duckhunt/scripts when installed, else the source tree's scripts.
std::string default_scripts_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share/yams/duckhunt/scripts";
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  return DUCKHUNT_SCRIPTS_DIR;
}

#if DUCKHUNT_WITH_YAMS
/// Starts what the options ask for; returns false after printing an error.
bool start_profiling(const duckhunt::Options& o, const std::string& scripts_dir) {
  try {
    if (o.ring_slots != 0) yams::set_thread_ring_size(o.ring_slots);
    // Without --skip-zones, the runtime's default: every kind, or what YAMS_PROFILE_SKIP_KINDS says.
    if (o.skip_zones != 0) yams::set_recorded_kinds(yams::zone_kinds_all & ~o.skip_zones);
    if (o.profile || o.serve || !o.record.empty()) yams::enable();
    if (!o.record.empty()) yams::start_recording(o.record);
    if (o.serve) {
#if !DUCKHUNT_WITH_SERVER
      throw std::runtime_error("--serve: this build has no live server (configured with YAMS_BUILD_SERVER=OFF)");
#else
      yams::serve_options so;
      so.port = static_cast<std::uint16_t>(o.port);
      // The engine's sources, and the scripts the game runs (the panel opens a behaviour's on_update).
      so.source_roots = {DUCKHUNT_SOURCE_ROOT, scripts_dir};
      const yams::server_info info = yams::serve(so);
      std::printf("%s: profiler panel at %s (press F9 there; Ctrl-C here to stop)\n", program_name(),
                  info.url.c_str());
      std::fflush(stdout);
#endif
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", program_name(), e.what());
    try {
      yams::stop_recording();  // leaves a complete (empty) session file, if one was opened
    } catch (const std::exception&) {
      // The error above is the one to report.
    }
    return false;
  }
  return true;
}

/// Stops serving and closes the recording; returns false after printing an error when a write error
/// stopped the recording (the file then lacks its last frames and its end line).
bool stop_profiling(const duckhunt::Options& o) {
#if DUCKHUNT_WITH_SERVER
  if (o.serve) yams::stop_serving();
#endif
  if (o.record.empty()) return true;
  try {
    const std::size_t n = yams::stop_recording();
    std::printf("%s: recorded %zu frames to %s\n", program_name(), n, o.record.c_str());
    return true;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", program_name(), e.what());
    return false;
  }
}
#endif

/// CPU time of the calling thread in seconds: the frame cost without the waits of a busy machine.
double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void print_summary(const duckhunt::GameEngine& engine, std::uint64_t frames, double seconds, double cpu) {
  const duckhunt::GameState& s = engine.world().state;
  const duckhunt::Stats& st = engine.stats();
  const double per_frame = frames ? 1e6 / static_cast<double>(frames) : 0.0;
  std::printf("%s: %llu frames in %.3f s (%.1f us/frame, game thread cpu %.1f us/frame); rounds won %u, lost %u; "
              "score %lld; shots %u, hits %u; rollbacks %llu (%llu frames re-simulated); script errors %llu\n",
              program_name(), static_cast<unsigned long long>(frames), seconds, seconds * per_frame,
              cpu * per_frame, s.rounds_won, s.rounds_lost,
              static_cast<long long>(s.score), s.shots, s.hits, static_cast<unsigned long long>(st.rollbacks),
              static_cast<unsigned long long>(st.frames_resimulated),
              static_cast<unsigned long long>(engine.lua().failures()));
}

struct run_result {
  std::uint64_t frames = 0;
  double seconds = 0, cpu = 0;
  std::string error;  ///< the script error that stopped the game (a round that cannot start), if any
};

/// Runs frames until --frames, a signal or a script error that stops the game, paced at one per `dt`
/// of wall-clock time unless --unpaced.
run_result run_frames(duckhunt::GameEngine& engine, const duckhunt::Options& o, double dt) {
  using clock = std::chrono::steady_clock;
  const auto frame_time = std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(dt));
  const auto t0 = clock::now();
  const double cpu0 = thread_cpu_seconds();
  run_result r;
  try {
    while ((o.frames == 0 || r.frames < o.frames) && g_signal.load(std::memory_order_relaxed) == 0) {
      engine.update(dt);
      ++r.frames;
      if (!o.unpaced) std::this_thread::sleep_until(t0 + frame_time * static_cast<clock::rep>(r.frames));
    }
  } catch (const duckhunt::script_error& e) {
    r.error = e.what();
  }
  r.seconds = std::chrono::duration<double>(clock::now() - t0).count();
  r.cpu = thread_cpu_seconds() - cpu0;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  // First of all, so that a Ctrl-C at any moment ends in a clean stop.
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  duckhunt::Options o;
  try {
    o = duckhunt::parse_options(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const duckhunt::usage_error& e) {
    std::fprintf(stderr, "%s: %s\nrun '%s --help' for the options\n", program_name(), e.what(), program_name());
    return 2;
  }
  if (o.help) {
    std::fputs(duckhunt::usage_text(), stdout);
    return 0;
  }
#if !DUCKHUNT_WITH_YAMS
  if (o.serve || o.profile || !o.record.empty() || o.ring_slots != 0 || o.skip_zones != 0) {
    std::fprintf(stderr,
                 "%s: --serve, --record, --profile, --ring-slots and --skip-zones need the instrumented build, "
                 "yams-duckhunt\n",
                 program_name());
    return 2;
  }
#endif
  duckhunt::Config cfg;
  cfg.scripts_dir = o.scripts.empty() ? default_scripts_dir() : o.scripts;
  cfg.ducks = o.ducks;
  cfg.seed = o.seed;
  cfg.latency_frames = duckhunt::latency_frames(o.latency_ms, cfg.dt);
  cfg.reload_scripts = o.reload_scripts;

  try {
    duckhunt::GameEngine engine(cfg, [](std::string_view line) {
      std::fwrite(line.data(), 1, line.size(), stderr);
      std::fputc('\n', stderr);
    });
#if DUCKHUNT_WITH_YAMS
    if (!start_profiling(o, cfg.scripts_dir)) return 1;
#endif
    const run_result r = run_frames(engine, o, cfg.dt);
    int status = 0;
    if (!r.error.empty()) {
      std::fprintf(stderr, "%s: error: %s\n", program_name(), r.error.c_str());
      status = 1;
    } else if (const int sig = g_signal.load()) {
      std::printf("%s: stopped by %s after %llu frames\n", program_name(), sig == SIGINT ? "SIGINT" : "SIGTERM",
                  static_cast<unsigned long long>(r.frames));
    }
#if DUCKHUNT_WITH_YAMS
    if (!stop_profiling(o)) status = 1;
#endif
    print_summary(engine, r.frames, r.seconds, r.cpu);
    if (o.hash && status == 0) std::printf("hash: %016llx\n", static_cast<unsigned long long>(engine.hash()));
    return status;
  } catch (const duckhunt::script_error& e) {
    std::fprintf(stderr, "%s: error: %s\n", program_name(), e.what());
    return 1;
  }
}
