// Runs N zones of one kind for callgrind, counting only the loop (CALLGRIND_START/STOP):
//   zone_instructions <floor|zone|args|disabled|call|call_float|reentry|reentry_args|reentry_float|reentry_disabled|reentry_full|zone_fn_args|zone_fn_disabled> <N>
// The reentry kinds call a function carrying the probe the plugin writes for most functions (see
// test/plugin/lit/probe-reentry.cpp), spelled out by hand; `call` calls the same function without
// a probe, the baseline they are compared with (call_float, for reentry_float's function taking a
// float); the zone_fn kinds call it with a zone instead.
// reentry_full records into a ring the (paused) collector never drains: every zone is lost.
// tools: test/bench/count_instructions.sh runs it for N and 2N and prints instructions per zone.
#include "collector.hpp"
#include "probe_shapes.hpp"

#include <yams/yams.hpp>

#include <valgrind/callgrind.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

constexpr yams::site plain_site{"Plain", "bench", "plain", __FILE__, __LINE__, 0, nullptr, 0};
constexpr yams::arg_desc arg_descs[] = {{"entity_id", yams::arg_in_args}, {"vy", yams::arg_in_args}};
constexpr yams::site args_site{"set_vy", "lua_api", "set_vy", __FILE__, __LINE__, 0, arg_descs, 2};

yams::detail::event g_floor_ring[1 << 16];

template <class T, bool (*F)(std::string_view, T)>
[[gnu::noinline]] void call_loop(long n, std::string_view entity, T vy) {
  for (long i = 0; i < n; ++i) {
    T v = vy;
    asm volatile("" : "+x"(v)::"memory");  // an argument the compiler cannot see into F
    F(entity, v);
  }
}

[[gnu::noinline]] void floor_loop(long n) {
  unsigned pos = 0;
  for (long i = 0; i < n; ++i) {
    yams::detail::event* e = &g_floor_ring[pos];
    e[0].a = yams::detail::timestamp();
    e[0].tag = reinterpret_cast<std::uint64_t>(&plain_site);
    e[1].a = yams::detail::timestamp();
    e[1].tag = yams::detail::tag_exit;
    pos = (pos + 2) & ((1 << 16) - 1);
    asm volatile("" : : "r"(e) : "memory");  // the stores must happen
  }
}

[[gnu::noinline]] void zone_loop(long n) {
  for (long i = 0; i < n; ++i) {
    yams::zone z(&plain_site);
    asm volatile("" ::: "memory");
  }
}

[[gnu::noinline]] void args_loop(long n, const std::string& entity, double vy) {
  for (long i = 0; i < n; ++i) {
    yams::zone z(&args_site, entity, vy);
    asm volatile("" ::: "memory");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <floor|zone|args|disabled|call|call_float|reentry|reentry_args|reentry_float|reentry_disabled|reentry_full|zone_fn_args|zone_fn_disabled> <zones>\n",
                 argv[0]);
    return 2;
  }
  const std::string kind = argv[1];
  const long n = std::strtol(argv[2], nullptr, 10);
  // A ring large enough for every event (or the smallest, kept full, for reentry_full), and no
  // collector draining it: only the writer is counted.
  yams::set_thread_ring_size(kind == "reentry_full" ? 256 : static_cast<std::size_t>(n) * 8 + 4096);
  yams::detail::collector_pause(true);
  if (kind != "disabled" && kind != "reentry_disabled" && kind != "zone_fn_disabled") yams::enable();
  yams::begin_frame(1);
  yams::zone warm(&plain_site);  // registers this thread's ring before counting
  const std::string entity = "duck_42";
  if (kind == "reentry_full") call_loop<double, yams_bench::set_vy_captured>(1000, entity, 533.7);  // fills it
  CALLGRIND_START_INSTRUMENTATION;
  if (kind == "floor") {
    floor_loop(n);
  } else if (kind == "zone" || kind == "disabled") {
    zone_loop(n);
  } else if (kind == "args") {
    args_loop(n, entity, 533.7);
  } else if (kind == "call") {
    call_loop<double, yams_bench::set_vy_plain>(n, entity, 533.7);
  } else if (kind == "reentry" || kind == "reentry_disabled") {
    call_loop<double, yams_bench::set_vy_probed>(n, entity, 533.7);
  } else if (kind == "reentry_args" || kind == "reentry_full") {
    call_loop<double, yams_bench::set_vy_captured>(n, entity, 533.7);
  } else if (kind == "call_float") {
    call_loop<float, yams_bench::set_vy_plain_float>(n, entity, 533.7f);
  } else if (kind == "reentry_float") {
    call_loop<float, yams_bench::set_vy_captured_float>(n, entity, 533.7f);
  } else if (kind == "zone_fn_args" || kind == "zone_fn_disabled") {
    call_loop<double, yams_bench::set_vy_zoned>(n, entity, 533.7);
  } else {
    std::fprintf(stderr, "unknown kind %s\n", kind.c_str());
    return 2;
  }
  CALLGRIND_STOP_INSTRUMENTATION;
  yams::detail::collector_pause(false);
  return 0;
}
