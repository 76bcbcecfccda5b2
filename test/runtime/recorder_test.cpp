// Recording on the game thread (runtime/src/recorder.cpp): the frame lifecycle, manual zones,
// nesting, exceptions, enable/disable, rollback records, ring size, the call cap and bounded memory.
#include "collector.hpp"
#include "ring.hpp"
#include "test_support.hpp"

#include <yams/yams.hpp>

#include <gtest/gtest.h>

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#include <sanitizer/allocator_interface.h>
#define YAMS_TEST_SANITIZER_HEAP 1
#endif
#endif

namespace {

using yams::test::profiling_on;

class Recorder : public profiling_on {};

int g_runs = 0;

// Bytes the program holds on the heap now (the sanitizers' allocator, or glibc's).
long long live_heap_bytes() {
#ifdef YAMS_TEST_SANITIZER_HEAP
  return static_cast<long long>(__sanitizer_get_current_allocated_bytes());
#else
  const struct mallinfo2 mi = mallinfo2();
  return static_cast<long long>(mi.uordblks + mi.hblkhd);
#endif
}

int work(int n) {
  YAMS_ZONE_M("test_module", "Work");
  ++g_runs;
  int s = 0;
  for (int i = 0; i < n; ++i) s += i;
  return s;
}

void inner() { YAMS_ZONE_M("inner", "Inner"); }

void outer() {
  YAMS_ZONE_M("outer", "Outer");
  inner();
  inner();
}

void failing() {
  YAMS_ZONE_M("test", "Failing");
  throw std::runtime_error("test error");
}

void catches() {
  YAMS_ZONE_M("test", "Catches");
  try {
    failing();
  } catch (const std::runtime_error&) {
  }
  inner();
}

TEST_F(Recorder, BeginEndFrameReturnsProfile) {
  yams::begin_frame(42);
  auto f = yams::end_frame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f.frame_number(), 42u);
  EXPECT_GT(f.duration_ms(), 0.0);
  EXPECT_EQ(f->frame, 42u);
  EXPECT_EQ(f->duration_ms, f.duration_ms());
  EXPECT_GT(f->timestamp, yams::session().start_time - 1.0);
  EXPECT_TRUE(f->calls.empty());
  EXPECT_FALSE(f->rollback);
  EXPECT_EQ(f->overflow, 0u);
}

TEST_F(Recorder, DecoratorRecordsCall) {
  yams::begin_frame(1);
  EXPECT_EQ(work(100), 4950);
  auto f = yams::end_frame();
  ASSERT_EQ(f->calls.size(), 1u);
  const auto& c = f->calls[0];
  EXPECT_EQ(c.label, "Work");
  EXPECT_EQ(c.module, "test_module");
  EXPECT_EQ(c.func, "work");
  EXPECT_NE(c.file.find("recorder_test.cpp"), std::string::npos);
  EXPECT_GT(c.line, 0u);
  EXPECT_FALSE(c.parent_id);
  EXPECT_GE(c.start, 0.0);
  EXPECT_GE(c.duration, 0.0);
  EXPECT_LE(c.start + c.duration, f->duration_ms * 1.0001);
  EXPECT_TRUE(c.args.empty());
  EXPECT_FALSE(c.entity_id);
  EXPECT_FALSE(c.lua_code);
  EXPECT_FALSE(c.lua_callback);
}

TEST_F(Recorder, NestedCallsHaveParentIds) {
  yams::begin_frame(1);
  outer();
  auto f = yams::end_frame();
  ASSERT_EQ(f->calls.size(), 3u);
  const auto& o = f->calls[0];
  EXPECT_EQ(o.label, "Outer");
  EXPECT_FALSE(o.parent_id);
  for (int i = 1; i < 3; ++i) {
    EXPECT_EQ(f->calls[i].label, "Inner");
    EXPECT_EQ(f->calls[i].parent_id, o.id);
    EXPECT_GE(f->calls[i].start, o.start);
    EXPECT_LE(f->calls[i].start + f->calls[i].duration, o.start + o.duration + 1e-9);
  }
  EXPECT_NE(f->calls[1].id, f->calls[2].id);
  EXPECT_LE(f->calls[1].start + f->calls[1].duration, f->calls[2].start + 1e-9);
}

TEST_F(Recorder, ExceptionsCloseZones) {
  yams::begin_frame(1);
  EXPECT_THROW(failing(), std::runtime_error);
  catches();
  auto f = yams::end_frame();
  ASSERT_EQ(f->calls.size(), 4u);
  EXPECT_EQ(f->calls[0].label, "Failing");
  EXPECT_FALSE(f->calls[0].parent_id);
  EXPECT_EQ(f->calls[1].label, "Catches");
  EXPECT_EQ(f->calls[2].label, "Failing");
  EXPECT_EQ(f->calls[2].parent_id, f->calls[1].id);
  // The zone after the exception is a sibling, not a child of the failed zone.
  EXPECT_EQ(f->calls[3].label, "Inner");
  EXPECT_EQ(f->calls[3].parent_id, f->calls[1].id);
}

TEST_F(Recorder, NoRecordingOutsideFrameButFunctionRuns) {
  const int before = g_runs;
  EXPECT_EQ(work(3), 3);
  EXPECT_EQ(g_runs, before + 1);
  yams::begin_frame(1);
  auto f = yams::end_frame();
  EXPECT_TRUE(f->calls.empty());
}

TEST_F(Recorder, DisabledEndFrameIsEmptyAndFunctionRuns) {
  yams::disable();
  EXPECT_FALSE(yams::enabled());
  const int before = g_runs;
  yams::begin_frame(1);
  work(1);
  EXPECT_EQ(g_runs, before + 1);
  EXPECT_FALSE(yams::end_frame());
}

TEST_F(Recorder, EndFrameWithoutBeginIsEmpty) { EXPECT_FALSE(yams::end_frame()); }

TEST_F(Recorder, EnableDisableSetsFlag) {
  yams::disable();
  EXPECT_FALSE(yams::enabled());
  yams::enable();
  EXPECT_TRUE(yams::enabled());
  yams::disable();
  EXPECT_FALSE(yams::enabled());
}

TEST_F(Recorder, DisableDiscardsOpenFrame) {
  yams::begin_frame(7);
  work(1);
  yams::disable();
  EXPECT_FALSE(yams::end_frame());
  yams::enable();
  yams::begin_frame(8);
  work(1);
  auto f = yams::end_frame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->frame, 8u);
  EXPECT_EQ(f->calls.size(), 1u);
}

TEST_F(Recorder, BeginFrameEndsOpenFrame) {
  yams::begin_frame(1);
  work(1);
  yams::begin_frame(2);
  work(1);
  work(1);
  auto f2 = yams::end_frame();
  ASSERT_TRUE(f2);
  EXPECT_EQ(f2->frame, 2u);
  EXPECT_EQ(f2->calls.size(), 2u);
  auto h = yams::history();
  ASSERT_GE(h.size(), 2u);
  EXPECT_EQ(h[h.size() - 2]->frame, 1u);
  EXPECT_EQ(h[h.size() - 2]->calls.size(), 1u);
}

TEST_F(Recorder, RollbackRecording) {
  yams::begin_frame(1);
  yams::record_rollback(10, 1000.0, 50.0);
  auto f = yams::end_frame();
  ASSERT_TRUE(f->rollback);
  EXPECT_TRUE(f->rollback->triggered);
  EXPECT_EQ(f->rollback->frames_resimulated, 10);
  EXPECT_EQ(f->rollback->target_timestamp, 1000.0);
  EXPECT_EQ(f->rollback->snapshot_age_ms, 50.0);
}

// NaN or infinity would be written as null, which no reader takes as a time: the frame, and a session
// file holding it, would not read back.
TEST_F(Recorder, NonFiniteRollbackTimesAreRecordedAsZeroAndTheFrameReadsBack) {
  ::testing::internal::CaptureStderr();
  yams::begin_frame(1);
  yams::record_rollback(3, std::nan(""), std::numeric_limits<double>::infinity());
  auto f = yams::end_frame();
  const auto err = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(f->rollback);
  EXPECT_EQ(f->rollback->frames_resimulated, 3);
  EXPECT_EQ(f->rollback->target_timestamp, 0.0);
  EXPECT_EQ(f->rollback->snapshot_age_ms, 0.0);
  EXPECT_NE(err.find("record_rollback: target_timestamp is nan, not a finite number; recorded as 0"), std::string::npos)
      << err;
  const auto back = yams::frame_from_json(yams::to_json(*f));
  ASSERT_TRUE(back.rollback);
  EXPECT_EQ(back.rollback->target_timestamp, 0.0);
}

// Manual zones are numbered by __COUNTER__: two on one line (a game macro expanding to two) compile.
TEST_F(Recorder, TwoManualZonesMayShareALine) {
  yams::begin_frame(1);
  { YAMS_ZONE("first"); YAMS_ZONE_M("physics", "second"); }
  auto f = yams::end_frame();
  ASSERT_EQ(f->calls.size(), 2u);
  EXPECT_EQ(f->calls[0].label, "first");
  EXPECT_EQ(f->calls[1].label, "second");
  EXPECT_EQ(f->calls[1].module, "physics");
  EXPECT_EQ(f->calls[1].parent_id, f->calls[0].id);
}

TEST_F(Recorder, RollbackFromAnotherThreadAndOutsideFrame) {
  yams::record_rollback(3, 1.0, 2.0);  // no frame: ignored
  yams::begin_frame(1);
  std::thread([] { yams::record_rollback(4, 5.0, 6.0); }).join();
  auto f = yams::end_frame();
  ASSERT_TRUE(f->rollback);
  EXPECT_EQ(f->rollback->frames_resimulated, 4);
  yams::begin_frame(2);
  EXPECT_FALSE(yams::end_frame()->rollback);
}

TEST_F(Recorder, ZoneOpenAtFrameEndIsClosedThere) {
  yams::begin_frame(1);
  yams::finished_frame f;
  {
    YAMS_ZONE("Spans the end");
    work(1);
    f = yams::end_frame();
  }
  ASSERT_EQ(f->calls.size(), 2u);
  EXPECT_EQ(f->calls[0].label, "Spans the end");
  EXPECT_NEAR(f->calls[0].start + f->calls[0].duration, f->duration_ms, 1e-6);
  EXPECT_EQ(f->calls[1].parent_id, f->calls[0].id);
  yams::begin_frame(2);
  work(1);
  auto g = yams::end_frame();
  ASSERT_EQ(g->calls.size(), 1u);
  EXPECT_FALSE(g->calls[0].parent_id);
}

constexpr yams::site frame_site{"Frame", "game_engine", "update", __FILE__, __LINE__, yams::site_frame,
                                nullptr, 0};
constexpr yams::site square_site{"Square", "math", "square", __FILE__, __LINE__, 0, nullptr, 0};

constexpr int square(int x) {
  yams::zone z(&square_site);
  return x * x;
}
static_assert(square(3) == 9, "zones must not break constant evaluation");

TEST_F(Recorder, FrameZoneIsTheRootCall) {
  {
    yams::frame_zone fz(&frame_site, std::uint64_t{77});
    volatile int n = 4;
    EXPECT_EQ(square(n), 16);
  }
  auto h = yams::history();
  ASSERT_FALSE(h.empty());
  const auto& f = *h.back();
  EXPECT_EQ(f.frame, 77u);
  ASSERT_EQ(f.calls.size(), 2u);
  EXPECT_EQ(f.calls[0].label, "Frame");
  EXPECT_EQ(f.calls[1].label, "Square");
  EXPECT_EQ(f.calls[1].parent_id, f.calls[0].id);
}

TEST_F(Recorder, CallCapCountsOverflow) {
  yams::set_max_calls_per_frame(10);
  yams::begin_frame(1);
  for (int i = 0; i < 25; ++i) outer();  // 75 calls
  auto f = yams::end_frame();
  EXPECT_EQ(f->calls.size(), 10u);
  EXPECT_EQ(f->overflow, 65u);
  for (std::size_t i = 0; i < f->calls.size(); ++i) {
    if (!f->calls[i].parent_id) continue;
    bool found = false;
    for (std::size_t j = 0; j < i; ++j) found = found || f->calls[j].id == *f->calls[i].parent_id;
    EXPECT_TRUE(found) << "call " << i << " refers to a parent not in the frame";
  }
  yams::set_max_calls_per_frame(100'000);
  yams::begin_frame(2);
  outer();
  EXPECT_EQ(yams::end_frame()->overflow, 0u);
}

// A frame recorded on a thread whose ring holds 256 slots while the collector is paused: zones that
// do not fit are counted in `overflow`, the rest are recorded and closed.
TEST_F(Recorder, RingSizeIsConfigurableAndFullRingCountsLosses) {
  yams::set_thread_ring_size(256);
  yams::detail::collector_pause(true);
  yams::finished_frame f;
  std::thread t([&] {
    yams::begin_frame(5);
    for (int i = 0; i < 100; ++i) outer();  // 300 zones, 600 events
    f = yams::end_frame();
  });
  t.join();
  yams::detail::collector_pause(false);
  yams::set_thread_ring_size(yams::detail::default_ring_slots);
  ASSERT_TRUE(f);
  EXPECT_GT(f->calls.size(), 30u);
  EXPECT_LT(f->calls.size(), 128u);  // at most 256 slots / 2 events per zone
  EXPECT_EQ(f->calls.size() + f->overflow, 300u);
  EXPECT_EQ(f->calls[0].label, "Outer");
  for (const auto& c : f->calls) EXPECT_LE(c.start + c.duration, f->duration_ms + 1e-6);
}

// Many frames on a small ring: the writer wraps around it again and again without losing events.
TEST_F(Recorder, SmallRingWrapsWithoutLoss) {
  yams::set_thread_ring_size(256);
  std::thread t([] {
    for (std::uint64_t i = 0; i < 60; ++i) {
      yams::begin_frame(i);
      for (int k = 0; k < 7; ++k) outer();  // 21 zones, 42 slots
      auto f = yams::end_frame();
      ASSERT_EQ(f->calls.size(), 21u) << "frame " << i;
      EXPECT_EQ(f->overflow, 0u);
      EXPECT_EQ(f->calls[20].parent_id, f->calls[18].id);
    }
  });
  t.join();
  yams::set_thread_ring_size(yams::detail::default_ring_slots);
}

// Events of varying size (strings of 0 to 120 bytes take 1 to 9 slots) meet the end of a small ring
// at every offset: each reservation is contiguous, and every value reads back intact.
TEST_F(Recorder, VariableSizeEventsWrapIntact) {
  static constexpr yams::arg_desc args[] = {{"s", yams::arg_in_args}, {"i", yams::arg_in_args}};
  static constexpr yams::site s{"{s}", "test", "wrap", __FILE__, __LINE__, 0, args, 2};
  yams::set_thread_ring_size(256);
  std::thread t([] {
    int n = 0;
    for (std::uint64_t frame = 0; frame < 80; ++frame) {
      yams::begin_frame(frame);
      std::vector<std::string> sent;
      for (int k = 0; k < 5; ++k, ++n) {
        sent.emplace_back(static_cast<std::size_t>((n * 37) % 121), static_cast<char>('a' + n % 26));
        yams::zone z(&s, sent.back(), n);
      }
      auto f = yams::end_frame();
      ASSERT_EQ(f->calls.size(), sent.size()) << "frame " << frame;
      EXPECT_EQ(f->overflow, 0u);
      for (std::size_t i = 0; i < sent.size(); ++i) {
        EXPECT_EQ(f->calls[i].label, sent[i]);
        EXPECT_EQ(f->calls[i].args.at(1).second, yams::arg_value(std::int64_t{n - 5 + static_cast<int>(i)}));
      }
    }
  });
  t.join();
  yams::set_thread_ring_size(yams::detail::default_ring_slots);
}

// The hot path never allocates: with the collector paused (it allocates), recording zones with and
// without captured values leaves the heap exactly as it was.
TEST_F(Recorder, ZonesDoNotAllocate) {
  static constexpr yams::arg_desc args[] = {{"s", yams::arg_in_args}, {"d", yams::arg_in_args}};
  static constexpr yams::site s{"{s}", "test", "alloc", __FILE__, __LINE__, 0, args, 2};
  const std::string text(100, 'x');
  yams::begin_frame(1);
  inner();  // this thread's ring exists already; the frame is open
  yams::detail::collector_pause(true);
  const long long before = live_heap_bytes();
  for (int i = 0; i < 5000; ++i) {
    inner();
    yams::zone z(&s, text, 0.5 * i);
  }
  const long long after = live_heap_bytes();
  yams::detail::collector_pause(false);
  auto f = yams::end_frame();
  EXPECT_EQ(after, before);
  EXPECT_EQ(f->calls.size() + f->overflow, 10'001u);
}

// A burst of threads that each record a zone and exit leaves at most max_pooled_rings rings for
// later threads; the others' rings are freed once the collector has read them.
TEST_F(Recorder, RingsOfABurstOfThreadsAreFreedBeyondThePool) {
  constexpr std::size_t slots = std::size_t{1} << 16;  // 1 MiB a ring
  constexpr int threads = 40;
  yams::set_thread_ring_size(slots);
  auto& reg = yams::detail::registry();
  const auto settled = [&] {  // every exited thread's ring read and pooled or freed
    std::lock_guard lk(reg.mu);
    return std::none_of(reg.rings.begin(), reg.rings.end(), [](auto* r) { return r->retired; });
  };
  const long long before = live_heap_bytes();
  yams::begin_frame(1);
  {
    std::vector<std::thread> burst;
    std::atomic<int> started{0};
    for (int i = 0; i < threads; ++i)
      burst.emplace_back([&] {
        YAMS_ZONE_M("test_module", "Burst");
        started.fetch_add(1);
        while (started.load() < threads) std::this_thread::yield();  // all alive at once
      });
    for (auto& t : burst) t.join();
  }
  EXPECT_EQ(yams::end_frame()->calls.size(), static_cast<std::size_t>(threads));
  for (int i = 0; i < 500 && !settled(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(settled());
  const auto ring_bytes = static_cast<long long>(slots * sizeof(yams::detail::event));
  // The pool's rings and some slack for frames and pools that grew meanwhile; not the burst's 40.
  const auto bound = static_cast<long long>(yams::detail::max_pooled_rings + 4) * ring_bytes;
  // The collector deletes the rings it took out of the registry after releasing the registry's lock,
  // so a ring can be gone from the registry and still on the heap for a moment (seen under load).
  long long held = live_heap_bytes() - before;
  for (int i = 0; i < 500 && held > bound; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    held = live_heap_bytes() - before;
  }
  yams::set_thread_ring_size(yams::detail::default_ring_slots);
  {
    std::lock_guard lk(reg.mu);
    EXPECT_LE(reg.pool.size(), yams::detail::max_pooled_rings);
  }
  EXPECT_LE(held, bound) << "the burst's " << threads << " rings of " << ring_bytes << " bytes are still held";
}

// 10 million zones (1 million under sanitizers) with nobody watching: the ring, the call cap and
// the history bound every allocation, so the live heap does not grow. Each frame is awaited so
// that every frame holds exactly the capped calls and the counts compare exactly.
TEST_F(Recorder, MemoryStaysFlatOverManyZones) {
  const int frames = 100;
  const int zones_per_frame = yams::test::sanitized() ? 10'000 : 100'000;
  yams::set_max_calls_per_frame(1000);
  auto run = [&](int first, int count) {
    for (int i = first; i < first + count; ++i) {
      yams::begin_frame(static_cast<std::uint64_t>(i));
      for (int k = 0; k < zones_per_frame; ++k) inner();
      auto f = yams::end_frame();
      ASSERT_EQ(f->calls.size(), 1000u);
    }
  };
  run(0, 70);  // fills the history (60 frames) and every pool
  const long long warm = live_heap_bytes();
  run(70, frames - 70);  // 3 (0.3) million more zones
  const long long after = live_heap_bytes();
  // One frame of 1,000 calls holds about 250 KB: a leak of a frame, or of a byte per zone, fails.
  EXPECT_LT(after - warm, 64 * 1024) << "live heap grew from " << warm << " to " << after << " bytes";
  auto h = yams::history();
  ASSERT_EQ(h.size(), 60u);
  EXPECT_EQ(h.back()->frame, static_cast<std::uint64_t>(frames - 1));
  EXPECT_LE(h.back()->calls.size(), 1000u);
  EXPECT_EQ(h.back()->calls.size() + h.back()->overflow, static_cast<std::uint64_t>(zones_per_frame));
}

}  // namespace

// Zones whose strings are all at most 15 bytes take a shorter recording path than zones with a longer
// one; every mix of the two reads back the same, numbers included.
TEST_F(Recorder, ShortAndLongStringsMixedReadBack) {
  static constexpr yams::arg_desc args[] = {{"a", yams::arg_in_args}, {"x", yams::arg_in_args},
                                            {"b", yams::arg_in_args}};
  static constexpr yams::site s{"{a}|{b}", "test", "mixed", __FILE__, __LINE__, 0, args, 3};
  // Up to 8 bytes, 9 to 15 (the short path's second slot), 16 and more (the general path).
  const std::string texts[] = {"", "duck_7", "12345678", "duck_1234", "feather_123456", "123456789012345",
                               "1234567890123456", std::string(300, 'z')};
  yams::begin_frame(1);
  for (const auto& a : texts)
    for (const auto& b : texts) yams::zone z(&s, a, 2.5, std::string_view(b));
  auto f = yams::end_frame();
  ASSERT_EQ(f->calls.size(), 64u);
  std::size_t i = 0;
  for (const auto& a : texts)
    for (const auto& b : texts) {
      const auto& c = f->calls[i++];
      ASSERT_EQ(c.args.size(), 3u);
      EXPECT_EQ(c.args[0].second, yams::arg_value(a.substr(0, 256))) << a.size() << "/" << b.size();
      EXPECT_EQ(c.args[1].second, yams::arg_value(2.5));
      EXPECT_EQ(c.args[2].second, yams::arg_value(b.substr(0, 256))) << a.size() << "/" << b.size();
    }
}

// Captured strings of every length around the 8-byte head (read without memcpy when short) and over the
// next words (copied by a loop, the last partial word read overlapping) read back exactly, including
// bytes with the high bit set.
TEST_F(Recorder, ShortStringsOfEveryLengthReadBack) {
  static constexpr yams::arg_desc args[] = {{"s", yams::arg_in_args}};
  static constexpr yams::site s{"{s}", "test", "short", __FILE__, __LINE__, 0, args, 1};
  const std::string alphabet = "ab\xC3\xA9" "cdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
  yams::begin_frame(1);
  for (std::size_t n = 0; n <= 44; ++n) yams::zone z(&s, std::string_view(alphabet).substr(0, n));
  auto f = yams::end_frame();
  ASSERT_EQ(f->calls.size(), 45u);
  for (std::size_t n = 0; n <= 44; ++n)
    EXPECT_EQ(f->calls[n].args.at(0).second, yams::arg_value(alphabet.substr(0, n))) << "length " << n;
}
