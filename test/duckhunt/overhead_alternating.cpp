// The cost of recording in the demo, measured inside one process on identical frames: two instances
// of the instrumented engine play the same game (same seed) in lockstep, block by block, one with
// profiling on and the other off, swapping which records and which runs first from block to block.
// Each block's game-thread CPU times are compared: same binary, same code layout, same frames, so what
// two processes or two binaries differ by (docs/performance.md, "Demo engine overhead") cancels out.
//
// usage: duckhunt_overhead_alternating [--block N] [--no-wait] [yams-duckhunt options]
//   --block N   frames per block (default 10, at most 60: a block's frames are read back from history)
//   --no-wait   do not let the collector catch up after a recorded block (it then works during the
//               next run, as it would in a long unpaced run, and the ring starts fuller)
//   --collector-paused  the collector drains nothing (implies --no-wait; give a --ring-slots large
//               enough for every recorded block): the game thread's own cost, without the collector
//               working on the other core
// The demo's options choose the game (default here: --ducks 500 --seed 1 --frames 4000, frames per
// engine); --ring-slots sets the ring. Prints both modes' µs/frame, the ratio, its spread over the
// blocks and the share of zones recorded; no figure is asserted.
#include "game_engine.hpp"
#include "options.hpp"

#include "collector.hpp"  // collector_pause (runtime internals)

#include <yams/yams.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

namespace {

double thread_cpu_us() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) * 1e-3;
}

struct settings {
  int block = 10;
  bool wait = true;
  bool paused = false;
  duckhunt::Options demo;
};

settings parse(int argc, char** argv) {
  settings s;
  std::vector<std::string> rest = {"--ducks", "500", "--seed", "1", "--frames", "4000", "--unpaced"};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--block" && i + 1 < argc) {
      s.block = std::atoi(argv[++i]);
    } else if (a == "--no-wait") {
      s.wait = false;
    } else if (a == "--collector-paused") {
      s.paused = true;
      s.wait = false;
    } else {
      rest.push_back(a);
    }
  }
  if (s.block < 1 || s.block > 60) throw duckhunt::usage_error("--block: expected 1 to 60 frames");
  s.demo = duckhunt::parse_options(rest);
  return s;
}

/// What the recorded frames held: calls, and zones counted in overflow; frames recorded whole, without
/// calls (the collector was behind when they began) and in part (their zones outgrew the room).
struct counts {
  std::uint64_t recorded = 0;
  std::uint64_t lost = 0;
  std::uint64_t whole = 0;
  std::uint64_t without_calls = 0;
  std::uint64_t partial = 0;

  counts& operator+=(const counts& o) {
    recorded += o.recorded;
    lost += o.lost;
    whole += o.whole;
    without_calls += o.without_calls;
    partial += o.partial;
    return *this;
  }
};

/// The counts of the last `frames` frames (profiling must be on; waits for the collector).
counts count_frames(int frames) {
  counts c;
  const auto h = yams::history();
  const std::size_t from = h.size() > static_cast<std::size_t>(frames) ? h.size() - static_cast<std::size_t>(frames) : 0;
  for (std::size_t i = from; i < h.size(); ++i) {
    c.recorded += h[i]->calls.size();
    c.lost += h[i]->overflow;
    if (h[i]->overflow == 0) {
      ++c.whole;
    } else if (h[i]->calls.empty()) {
      ++c.without_calls;
    } else {
      ++c.partial;
    }
  }
  return c;
}

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5)];
}

// Runs the benchmark and prints its figures; a script error escapes as duckhunt::script_error.
int measure(const settings& s) {
  const duckhunt::Options& o = s.demo;
  duckhunt::Config cfg;
  cfg.scripts_dir = o.scripts.empty() ? std::string(DUCKHUNT_SCRIPTS_DIR) : o.scripts;
  cfg.ducks = o.ducks;
  cfg.seed = o.seed;
  cfg.latency_frames = duckhunt::latency_frames(o.latency_ms, cfg.dt);
  if (o.ring_slots != 0) yams::set_thread_ring_size(o.ring_slots);
  yams::set_recorded_kinds(yams::zone_kinds_all & ~o.skip_zones);
  yams::set_history_size(60);

  auto report = [](std::string_view line) {
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fputc('\n', stderr);
  };
  duckhunt::GameEngine engines[2] = {{cfg, report}, {cfg, report}};
  // Warm-up, both ways: scripts loaded, the ring registered, the collector started.
  for (int on = 0; on < 2; ++on) {
    if (on) yams::enable();
    for (auto& e : engines)
      for (int i = 0; i < 60; ++i) e.update(cfg.dt);
    if (on) yams::history();
  }
  yams::disable();
  if (s.paused) yams::detail::collector_pause(true);

  // Runs `block` frames of `e` with profiling on or off; returns its game-thread CPU µs.
  counts seen;
  auto run = [&](duckhunt::GameEngine& e, bool on) {
    if (on) yams::enable(); else yams::disable();
    const double t0 = thread_cpu_us();
    for (int f = 0; f < s.block; ++f) e.update(cfg.dt);
    const double t = thread_cpu_us() - t0;
    yams::disable();
    if (on && s.wait) {
      seen += count_frames(s.block);  // waits for the collector (untimed)
    }
    return t;
  };

  const std::uint64_t blocks = std::max<std::uint64_t>(4, o.frames / static_cast<std::uint64_t>(s.block));
  double cpu[2] = {0, 0};
  std::vector<double> block_ratios;
  for (std::uint64_t b = 0; b < blocks; ++b) {
    // Block b: engine b/2 % 2 records; it runs first in even blocks. Over 4 blocks every engine
    // records once first and once second.
    const int rec = static_cast<int>(b / 2 % 2);
    double t[2];  // [0] off, [1] on
    if (b % 2 == 0) {
      t[1] = run(engines[rec], true);
      t[0] = run(engines[1 - rec], false);
    } else {
      t[0] = run(engines[1 - rec], false);
      t[1] = run(engines[rec], true);
    }
    cpu[0] += t[0];
    cpu[1] += t[1];
    block_ratios.push_back(t[1] / t[0]);
  }
  if (engines[0].hash() != engines[1].hash()) {
    std::fprintf(stderr, "duckhunt_overhead_alternating: the two engines' games differ (hash %016llx vs %016llx)\n",
                 static_cast<unsigned long long>(engines[0].hash()), static_cast<unsigned long long>(engines[1].hash()));
    return 1;
  }
  if (!s.wait && !s.paused) {
    seen = count_frames(s.block);
  }

  const double frames_each = static_cast<double>(blocks) * s.block;
  const double off = cpu[0] / frames_each;
  const double on = cpu[1] / frames_each;
  std::printf("%llu blocks of %d frames, each run by both engines (one recording), %d ducks, seed %llu, ring %s slots, %s\n",
              static_cast<unsigned long long>(blocks), s.block, o.ducks, static_cast<unsigned long long>(o.seed),
              o.ring_slots ? std::to_string(o.ring_slots).c_str() : "default",
              s.paused ? "collector paused" : s.wait ? "collector caught up after each recorded block" : "collector never waited for");
  if (o.skip_zones != 0) std::printf("zones not recorded (--skip-zones): %s\n", duckhunt::zone_kinds_text(o.skip_zones).c_str());
  std::printf("game-thread cpu: disabled %.1f us/frame, enabled %.1f us/frame: %+.2f%%\n", off, on,
              (on / off - 1) * 100);
  std::printf("per-block ratio: median %+.2f%% (middle half %+.2f%% .. %+.2f%%)\n",
              (percentile(block_ratios, 0.5) - 1) * 100, (percentile(block_ratios, 0.25) - 1) * 100,
              (percentile(block_ratios, 0.75) - 1) * 100);
  if (s.paused) return 0;  // nothing assembled: no counts
  const std::uint64_t total = seen.recorded + seen.lost;
  const auto u = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  std::printf("zones %s: %llu recorded, %llu lost to a full ring (%.1f%% recorded)\n",
              s.wait ? "of the recorded blocks" : "of the last recorded block", u(seen.recorded), u(seen.lost),
              total ? 100.0 * static_cast<double>(seen.recorded) / static_cast<double>(total) : 0.0);
  std::printf("frames: %llu recorded whole, %llu without calls (the collector behind), %llu in part\n",
              u(seen.whole), u(seen.without_calls), u(seen.partial));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  settings s;
  try {
    s = parse(argc, argv);
  } catch (const duckhunt::usage_error& e) {
    std::fprintf(stderr, "duckhunt_overhead_alternating: %s\n", e.what());
    return 2;
  }
  try {
    return measure(s);
  } catch (const duckhunt::script_error& e) {
    std::fprintf(stderr, "duckhunt_overhead_alternating: error: %s\n", e.what());
    return 1;
  }
}
