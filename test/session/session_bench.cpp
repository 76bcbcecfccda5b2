// Session file throughput: writing frames (from FrameProfile and from already serialised text, as
// recording does on the collector thread) and reading both forms back. Figures: docs/performance.md.
#include <yams/session.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <unistd.h>

namespace {

// A frame like the demo's: a root, then `entities` on_update calls each with a set_vy callback.
yams::FrameProfile demo_like_frame(std::uint64_t number, int entities) {
  yams::FrameProfile f;
  f.frame = number;
  f.timestamp = 1795653012.9526951 + 0.016 * static_cast<double>(number);
  f.duration_ms = 3.25;
  std::uint64_t id = number * 1000;
  yams::CallNode root{id, std::nullopt, "Frame", "game_engine", "update", 0.0, 3.25, {{"dt", 0.0166}},
                      std::nullopt, false, false, "/src/game_engine.cpp", 67, 1};
  f.calls.push_back(root);
  for (int e = 0; e < entities; ++e) {
    const std::string ent = "duck_" + std::to_string(e);
    yams::CallNode up{++id, root.id, "Lua → on_update(" + ent + ")", "lifecycle", "on_entity_update",
                      0.01 * e, 0.008, {}, ent, true, false, "/src/lifecycle.cpp", 13, 1};
    f.calls.push_back(up);
    yams::CallNode vy{++id, up.id, "ams.set_vy", "lua_api", "set_vy", 0.01 * e + 0.002, 0.001,
                      {{"entity_id", ent}, {"vy", 533.7 + e}}, ent, false, true, "/src/lua_api.cpp", 35, 1};
    f.calls.push_back(vy);
  }
  return f;
}

std::string bench_path(const char* name) {
  return "/tmp/yams_session_bench_" + std::to_string(::getpid()) + "_" + name;
}

const yams::SessionInfo info{"bench", 1795653012.0};

void BM_session_writer_write(benchmark::State& state) {
  const yams::FrameProfile f = demo_like_frame(1, static_cast<int>(state.range(0)));
  const std::string path = bench_path("write.jsonl");
  yams::session_writer w(path, info);
  for (auto _ : state) w.write(f);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(yams::to_json(f).size() + 1));
  w.close();
  std::remove(path.c_str());
}
BENCHMARK(BM_session_writer_write)->Arg(75);

void BM_session_writer_write_json(benchmark::State& state) {
  const std::string text = yams::to_json(demo_like_frame(1, static_cast<int>(state.range(0))));
  const std::string path = bench_path("write_json.jsonl");
  yams::session_writer w(path, info);
  for (auto _ : state) w.write_json(text);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size() + 1));
  w.close();
  std::remove(path.c_str());
}
BENCHMARK(BM_session_writer_write_json)->Arg(75);

// Reads a session of 200 demo-like frames; range(1) selects the form (0 streaming, 1 document).
void BM_read_session(benchmark::State& state) {
  yams::Session s{info, {}, {}};
  for (std::uint64_t n = 1; n <= 200; ++n) s.frames.push_back(demo_like_frame(n, static_cast<int>(state.range(0))));
  const bool document = state.range(1) != 0;
  const std::string path = bench_path(document ? "read.json" : "read.jsonl");
  if (document) {
    yams::write_session_document(path, s);
  } else {
    yams::session_writer w(path, info);
    for (const auto& f : s.frames) w.write(f);
  }
  std::FILE* fp = std::fopen(path.c_str(), "rb");
  std::fseek(fp, 0, SEEK_END);
  const long bytes = std::ftell(fp);
  std::fclose(fp);
  for (auto _ : state) benchmark::DoNotOptimize(yams::read_session(path));
  state.SetItemsProcessed(state.iterations() * 200);
  state.SetBytesProcessed(state.iterations() * bytes);
  std::remove(path.c_str());
}
BENCHMARK(BM_read_session)->Args({75, 0})->Args({75, 1})->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
