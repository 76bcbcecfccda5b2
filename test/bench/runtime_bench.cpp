// Runtime hot path benchmarks: the floor (two rdtsc + two 16-byte stores into a thread-local ring),
// zones with and without captured values, a runtime-disabled zone, a small function called plain,
// with a reentry probe and with a zone (on and off), end_frame() of a 1,000-call frame and JSON and
// compact serialisation. Prints medians, the same-run ratios zone/floor and what each probe adds to
// the call at the end.
#include "collector.hpp"
#include "probe_shapes.hpp"

#include "frame_bus.hpp"

#include <yams/session.hpp>
#include <yams/yams.hpp>

#include <unistd.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

constexpr yams::site plain_site{"Plain", "bench", "plain", __FILE__, __LINE__, 0, nullptr, 0};
constexpr yams::arg_desc arg_descs[] = {{"entity_id", yams::arg_in_args | yams::arg_entity_id},
                                        {"vy", yams::arg_in_args}};
constexpr yams::site args_site{"ams.set_vy({entity_id})", "lua_api", "set_vy", __FILE__, __LINE__,
                               yams::site_lua_callback, arg_descs, 2};

// Zones between two drains: stays well inside the default ring (65,536 slots).
constexpr std::int64_t batch = 8192;

// Ends the frame, lets the collector catch up (not timed) and opens a new one.
void drain(benchmark::State& state) {
  state.PauseTiming();
  auto f = yams::end_frame();
  if (f) (void)f->frame;
  yams::begin_frame(1);
  state.ResumeTiming();
}

struct floor_ring {
  alignas(64) yams::detail::event slots[1 << 16];
  std::uint32_t pos = 0;
};
thread_local floor_ring tl_floor;

void BM_floor(benchmark::State& state) {
  floor_ring& r = tl_floor;
  for (auto _ : state) {
    yams::detail::event* e = &r.slots[r.pos];
    e[0].a = yams::detail::timestamp();
    e[0].tag = reinterpret_cast<std::uint64_t>(&plain_site);
    e[1].a = yams::detail::timestamp();
    e[1].tag = yams::detail::tag_exit;
    r.pos = (r.pos + 2) & ((1 << 16) - 1);
    benchmark::DoNotOptimize(e);  // the stores must happen
    benchmark::ClobberMemory();
  }
}

// Times `zone_fn` (one zone per call) inside an open frame, draining every `batch` zones.
template <class F>
void run_zones(benchmark::State& state, F zone_fn) {
  yams::enable();
  yams::begin_frame(1);
  std::int64_t n = 0;
  for (auto _ : state) {
    zone_fn();
    benchmark::ClobberMemory();
    if (++n == batch) {
      n = 0;
      drain(state);
    }
  }
  yams::end_frame();
}

void BM_zone(benchmark::State& state) {
  run_zones(state, [] { yams::zone z(&plain_site); });
}

void BM_zone_string_double(benchmark::State& state) {
  const std::string entity = "duck_42";
  double vy = 533.7;
  run_zones(state, [&] { yams::zone z(&args_site, entity, vy); });
}

void BM_zone_disabled(benchmark::State& state) {
  yams::disable();
  for (auto _ : state) {
    { yams::zone z(&plain_site); }
    benchmark::ClobberMemory();
  }
}

// One call of a small function (test/bench/probe_shapes.hpp) passed a short string and a double:
// without a probe, with the plugin's reentry probe capturing both, and with a zone capturing both.
template <bool (*F)(std::string_view, double)>
void call_once() {
  double vy = 533.7;
  benchmark::DoNotOptimize(vy);
  F("duck_42", vy);
}

void BM_call_plain(benchmark::State& state) {
  yams::disable();
  for (auto _ : state) call_once<yams_bench::set_vy_plain>();
}

void BM_call_reentry_disabled(benchmark::State& state) {
  yams::disable();
  for (auto _ : state) call_once<yams_bench::set_vy_captured>();
}

void BM_call_zone_disabled(benchmark::State& state) {
  yams::disable();
  for (auto _ : state) call_once<yams_bench::set_vy_zoned>();
}

void BM_call_reentry(benchmark::State& state) { run_zones(state, call_once<yams_bench::set_vy_captured>); }

void BM_call_zone(benchmark::State& state) { run_zones(state, call_once<yams_bench::set_vy_zoned>); }

void BM_end_frame_1000_calls(benchmark::State& state) {
  yams::enable();
  std::vector<double> ns;
  ns.reserve(static_cast<std::size_t>(state.max_iterations));
  for (auto _ : state) {
    yams::begin_frame(1);
    for (int i = 0; i < 1000; ++i) yams::zone z(&plain_site);
    const auto t0 = std::chrono::steady_clock::now();
    { auto f = yams::end_frame(); }  // the game loop ignores the result
    const auto t1 = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
    ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
    (void)yams::history();  // let the collector catch up, outside the measured time
  }
  // The mean suffers from the VM's preemptions; the median per call is the figure that counts.
  std::nth_element(ns.begin(), ns.begin() + static_cast<std::ptrdiff_t>(ns.size() / 2), ns.end());
  state.counters["median_ns"] = ns.empty() ? 0.0 : ns[ns.size() / 2];
}

yams::FrameProfile recorded_frame() {
  yams::enable();
  yams::begin_frame(1);
  for (int i = 0; i < 500; ++i) {
    yams::zone z(&plain_site);
    yams::zone a(&args_site, std::string("duck_") + std::to_string(i), i * 0.5);
  }
  yams::FrameProfile f = *yams::end_frame();
  return f;
}

void BM_json_calls(benchmark::State& state) {
  const yams::FrameProfile f = recorded_frame();
  std::string out;
  for (auto _ : state) {
    out.clear();
    yams::append_json(out, f);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(f.calls.size()));
  state.counters["bytes_per_call"] = static_cast<double>(out.size()) / static_cast<double>(f.calls.size());
}

// The same frame in the compact encoding (sites once, calls as arrays): what compact clients cost.
void BM_compact_json_calls(benchmark::State& state) {
  const yams::FrameProfile f = recorded_frame();
  std::string out;
  for (auto _ : state) {
    out.clear();
    yams::append_compact_json(out, f);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(f.calls.size()));
  state.counters["bytes_per_call"] = static_cast<double>(out.size()) / static_cast<double>(f.calls.size());
}

// The collector's throughput: a frame of 2,000 calls shaped like the demo's (half plain, half with a
// captured entity id and a double, a long source path), recorded, ended and awaited. The time is the
// game thread's wait for the assembled frame (recorded while the collector was paused), i.e. the
// collector's work per call (items/s = calls/s).
void BM_collector_assembly(benchmark::State& state) {
  yams::enable();
  const std::string ids[] = {"duck_1", "duck_22", "duck_333", "duck_4444"};
  for (auto _ : state) {
    state.PauseTiming();
    yams::detail::collector_pause(true);  // nothing is assembled before the timing resumes
    yams::begin_frame(1);
    for (int i = 0; i < 1000; ++i) {
      yams::zone z(&plain_site);
      yams::zone a(&args_site, ids[i & 3], i * 0.5);
    }
    auto f = yams::end_frame();
    state.ResumeTiming();
    yams::detail::collector_pause(false);
    benchmark::DoNotOptimize(f->calls.data());
  }
  state.SetItemsProcessed(state.iterations() * 2000);
}

// The collector end to end, as the demo drives it: a frame of 2,000 calls (half plain, half with an
// entity id of 8-9 bytes in the label and args and a double), assembled and serialised to JSON for a
// listener (what the live server and the session recorder consume), and in the second case also
// written to a session file (with its kernel copy). Like BM_collector_assembly, the time is the wait
// for the assembled frame recorded while the collector was paused; items/s = calls/s.
void collector_end_to_end(benchmark::State& state, bool to_file) {
  yams::enable();
  std::uint64_t listener = 0;
  std::string path;
  if (to_file) {
    path = "/tmp/yams_bench_session_" + std::to_string(::getpid()) + ".jsonl";
    yams::start_recording(path);
  } else {
    listener = yams::detail::add_frame_listener([](const yams::detail::published_frame& pf) {
      benchmark::DoNotOptimize(pf.message->size());
    });
  }
  std::vector<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.push_back("duck_" + std::to_string(i * 7 % 1500));
  for (auto _ : state) {
    state.PauseTiming();
    yams::detail::collector_pause(true);
    yams::begin_frame(1);
    for (int i = 0; i < 1000; ++i) {
      yams::zone z(&plain_site);
      yams::zone a(&args_site, ids[static_cast<std::size_t>(i)], i * 0.37);
    }
    auto f = yams::end_frame();
    state.ResumeTiming();
    yams::detail::collector_pause(false);
    benchmark::DoNotOptimize(f->calls.data());
  }
  if (to_file) {
    yams::stop_recording();
    std::remove(path.c_str());
  } else {
    yams::detail::remove_frame_listener(listener);
  }
  state.SetItemsProcessed(state.iterations() * 2000);
}

void BM_collector_to_json(benchmark::State& state) { collector_end_to_end(state, false); }

// Frames of the sizes an unpaced demo run delivers, in a fixed cycle: most without calls (begun
// while the collector was behind), some of ~3,500 calls, a re-simulating one of ~20,000. Each
// iteration is one cycle of 12 frames, assembled and serialised to JSON for a listener; the history
// keeps the last 60 as usual, so frames and their calls are released and reused unevenly.
void BM_collector_uneven_frames(benchmark::State& state) {
  yams::enable();
  const std::uint64_t listener = yams::detail::add_frame_listener(
      [](const yams::detail::published_frame& pf) { benchmark::DoNotOptimize(pf.message->size()); });
  std::vector<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.push_back("duck_" + std::to_string(i * 7 % 1500));
  constexpr int sizes[] = {3500, 0, 0, 0, 3500, 0, 0, 20000, 0, 0, 3500, 0};  // calls a frame
  std::int64_t calls = 0;
  std::uint64_t number = 1;
  for (auto _ : state) {
    state.PauseTiming();
    yams::detail::collector_pause(true);
    std::vector<yams::finished_frame> frames;
    for (const int n : sizes) {
      yams::begin_frame(number++);
      for (int i = 0; i < n / 2; ++i) {
        yams::zone z(&plain_site);
        yams::zone a(&args_site, ids[static_cast<std::size_t>(i % 1000)], i * 0.37);
      }
      frames.push_back(yams::end_frame());
      calls += n;
    }
    state.ResumeTiming();
    yams::detail::collector_pause(false);
    benchmark::DoNotOptimize(frames.back()->calls.data());
  }
  yams::detail::remove_frame_listener(listener);
  state.SetItemsProcessed(calls);
}

void BM_collector_to_session(benchmark::State& state) { collector_end_to_end(state, true); }

BENCHMARK(BM_floor);
BENCHMARK(BM_zone);
BENCHMARK(BM_zone_string_double);
BENCHMARK(BM_zone_disabled);
BENCHMARK(BM_call_plain);
BENCHMARK(BM_call_reentry_disabled);
BENCHMARK(BM_call_zone_disabled);
BENCHMARK(BM_call_reentry);
BENCHMARK(BM_call_zone);
// Fixed iterations: the measured time is tiny next to the untimed 1,000 zones and collector wait.
BENCHMARK(BM_end_frame_1000_calls)->UseManualTime()->Iterations(500)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_json_calls)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_compact_json_calls)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_collector_assembly)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_collector_to_json)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_collector_uneven_frames)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_collector_to_session)->UseRealTime()->Unit(benchmark::kMicrosecond);

// Keeps each benchmark's CPU time per iteration (the median when repeated) and its counters.
class summary_reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
      const std::string name = r.run_name.function_name;
      // CPU time: on a shared VM the wall clock also counts time the thread spent preempted; the
      // manually timed end_frame case keeps its own (real) time.
      const bool manual = name.find("end_frame") != std::string::npos;
      ns_[name] = (manual ? r.GetAdjustedRealTime() : r.GetAdjustedCPUTime()) * to_ns(r.time_unit);
      for (const char* c : {"items_per_second", "median_ns"}) {
        auto it = r.counters.find(c);
        if (it != r.counters.end()) rate_[name + "/" + c] = it->second.value;
      }
    }
  }
  void print_summary() const {
    std::printf("\nSummary: CPU time per iteration (medians when repeated), ratios within this run\n");
    const double floor = get(ns_, "BM_floor");
    for (const char* n : {"BM_floor", "BM_zone", "BM_zone_string_double", "BM_zone_disabled"}) {
      if (!ns_.count(n)) continue;
      std::printf("  %-24s %8.2f ns", n, get(ns_, n));
      if (floor > 0) std::printf("   %.2f x floor", get(ns_, n) / floor);
      std::printf("\n");
    }
    const double call = get(ns_, "BM_call_plain");
    for (const char* n : {"BM_call_plain", "BM_call_reentry_disabled", "BM_call_zone_disabled", "BM_call_reentry",
                          "BM_call_zone"}) {
      if (!ns_.count(n) || call <= 0) continue;
      std::printf("  %-24s %8.2f ns   probe %+.2f ns\n", n, get(ns_, n), get(ns_, n) - call);
    }
    if (rate_.count("BM_end_frame_1000_calls/median_ns"))
      std::printf("  %-24s %8.3f us median (mean %.3f us)\n", "end_frame(1,000 calls)",
                  get(rate_, "BM_end_frame_1000_calls/median_ns") / 1000,
                  get(ns_, "BM_end_frame_1000_calls") / 1000);
    for (const auto& [bench, what] : {std::pair{"BM_json_calls", "JSON serialisation"},
                                      std::pair{"BM_collector_assembly", "collector: assembly"},
                                      std::pair{"BM_collector_to_json", "collector: + JSON"},
                                      std::pair{"BM_collector_uneven_frames", "collector: + JSON, uneven"},
                                      std::pair{"BM_collector_to_session", "collector: + session file"}}) {
      const std::string key = std::string(bench) + "/items_per_second";
      if (rate_.count(key)) std::printf("  %-26s %8.2f M calls/s\n", what, get(rate_, key) / 1e6);
    }
  }

 private:
  static double to_ns(benchmark::TimeUnit u) {
    switch (u) {
      case benchmark::kNanosecond: return 1.0;
      case benchmark::kMicrosecond: return 1e3;
      case benchmark::kMillisecond: return 1e6;
      default: return 1e9;
    }
  }
  static double get(const std::map<std::string, double>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? 0.0 : it->second;
  }
  std::map<std::string, double> ns_;
  std::map<std::string, double> rate_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  summary_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_summary();
  benchmark::Shutdown();
  yams::disable();
  return 0;
}
