// A frame thread producing far faster than the collector (paused with its test hook): zones that do
// not fit are counted in `overflow`, frame begins use the ring's reserved headroom, and a frame that
// cannot be recorded at all is counted in the next recorded frame's `frames_lost`. No frame number
// goes unaccounted for.
#include "collector.hpp"
#include "ring.hpp"
#include "test_support.hpp"

#include <yams/session.hpp>
#include <yams/yams.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>
#include <unistd.h>
#include <vector>

namespace overload_reentry {

long body_runs = 0;  // the recording thread's only

constexpr yams::arg_desc v_args[] = {{"v", yams::arg_in_args}};

// A reentry probe as the plugin writes it (test/runtime/reentry_test.cpp), capturing `v`.
long bump(long v) {
  static constexpr yams::site site{"bump {v}", "test", "bump", __FILE__, __LINE__, 0, v_args, 1, 1};
  if (yams::detail::reentry_wanted(&site)) [[unlikely]]
    return yams::detail::reenter_function<&site, &bump, long, long>(v);
  ++body_runs;
  return v + 1;
}

}  // namespace overload_reentry

namespace {

class Overload : public yams::test::profiling_on {
 protected:
  void TearDown() override {
    yams::detail::collector_pause(false);
    yams::detail::collector_wait_assembled();  // the ring is drained: room again
    yams::set_thread_ring_size(yams::detail::default_ring_slots);
    profiling_on::TearDown();
  }
};

void busy_frame_body(int zones) {
  for (int i = 0; i < zones; ++i) {
    YAMS_ZONE_M("overload", "Zone");
  }
}

struct run_result {
  std::vector<yams::finished_frame> handles;  // one per frame number 1..frames (empty: not recorded)
};

// Records `frames` frames of `zones` zones each on a fresh thread with a ring of `slots` slots while
// the collector is paused, then one more frame after resuming it.
run_result run_paused(std::size_t slots, std::uint64_t frames, int zones) {
  yams::set_thread_ring_size(slots);
  yams::detail::collector_pause(true);
  run_result out;
  std::thread t([&] {
    for (std::uint64_t n = 1; n <= frames; ++n) {
      yams::begin_frame(n);
      busy_frame_body(zones);
      out.handles.push_back(yams::end_frame());
    }
    yams::detail::collector_pause(false);
    yams::detail::collector_wait_assembled();  // the ring is drained: room again
    yams::begin_frame(frames + 1);
    busy_frame_body(zones);
    out.handles.push_back(yams::end_frame());
  });
  t.join();
  return out;
}

// Every frame number is either delivered or counted in the `frames_lost` of the next delivered one.
void expect_all_accounted(const run_result& r, std::uint64_t frames, int zones) {
  std::uint64_t delivered = 0;
  std::uint64_t lost = 0;
  std::uint64_t previous = 0;
  for (const auto& h : r.handles) {
    if (!h) continue;
    const yams::FrameProfile& f = *h;
    EXPECT_EQ(f.frames_lost, f.frame - previous - 1) << "frame " << f.frame;
    EXPECT_EQ(f.calls.size() + f.overflow, static_cast<std::size_t>(zones)) << "frame " << f.frame;
    previous = f.frame;
    ++delivered;
    lost += f.frames_lost;
  }
  EXPECT_EQ(previous, frames + 1) << "the frame after the overload is delivered";
  EXPECT_EQ(delivered + lost, frames + 1);
}

// The smallest ring (256 slots, 64 of them headroom) cannot even hold the begins of 200 frames: the
// first 32 or so are recorded (with their zones counted in `overflow`), the rest are reported lost.
TEST_F(Overload, FramesThatCannotBeRecordedAreCountedLost) {
  const std::uint64_t frames = 200;
  const run_result r = run_paused(256, frames, 50);
  expect_all_accounted(r, frames, 50);
  ASSERT_TRUE(r.handles.back());
  EXPECT_GT(r.handles.back()->frames_lost, 100u);
  std::uint64_t overflow = 0;
  for (const auto& h : r.handles)
    if (h) overflow += h->overflow;
  EXPECT_GT(overflow, 0u);
}

// A 16,384-slot ring keeps 1,024 slots for frame begins: 400 frames of 100 zones (far more than the
// ring holds) all arrive, the late ones with every zone in `overflow`, none lost.
TEST_F(Overload, HeadroomKeepsFramesWhoseZonesOverflow) {
  const std::uint64_t frames = 400;
  const run_result r = run_paused(std::size_t{1} << 14, frames, 100);
  expect_all_accounted(r, frames, 100);
  for (const auto& h : r.handles) {
    ASSERT_TRUE(h);
    EXPECT_EQ(h->frames_lost, 0u);
  }
  EXPECT_EQ(r.handles[frames - 1]->overflow, 100u) << "the last paused frame's zones found no room";
  EXPECT_EQ(r.handles[0]->overflow, 0u);
  EXPECT_EQ(r.handles[frames]->overflow, 0u) << "after resuming, zones fit again";
}

// While the collector is behind, a frame records its zones whole or not at all: it begins recording
// only if its ring has room for a frame like the last one. The others are delivered with their
// timing, no calls and every zone in `overflow`, their bodies run once each. Once the collector
// has caught up, frames are recorded whole again.
TEST_F(Overload, FramesAreRecordedWholeOrWithoutCallsWhileTheCollectorIsBehind) {
  yams::set_thread_ring_size(4096);  // 3,840 slots for zones: three frames of 1,250
  yams::detail::collector_pause(true);
  overload_reentry::body_runs = 0;
  long sum = 0;
  auto frame_body = [&] {  // 500 zones: 250 of 2 slots, 250 capturing a value (3 slots)
    busy_frame_body(250);
    for (long v = 0; v < 250; ++v) sum += overload_reentry::bump(v);
  };
  std::vector<yams::finished_frame> paused;
  yams::finished_frame after;
  std::thread t([&] {
    for (std::uint64_t n = 1; n <= 8; ++n) {
      yams::begin_frame(n);
      frame_body();
      paused.push_back(yams::end_frame());
    }
    yams::detail::collector_pause(false);
    yams::detail::collector_wait_assembled();  // the ring is drained: room again
    yams::begin_frame(9);
    frame_body();
    after = yams::end_frame();
  });
  t.join();
  EXPECT_EQ(overload_reentry::body_runs, 9 * 250);
  EXPECT_EQ(sum, 9 * (249L * 250L / 2 + 250L));
  std::size_t whole = 0;
  std::size_t without_calls = 0;
  for (const auto& h : paused) {
    ASSERT_TRUE(h) << "every frame's begin fits in the room kept for it";
    if (h->calls.size() == 500u && h->overflow == 0u) ++whole;
    if (h->calls.empty() && h->overflow == 500u) ++without_calls;
    EXPECT_EQ(h->calls.size() + h->overflow, 500u) << "frame " << h->frame;
    EXPECT_GT(h->duration_ms, 0.0) << "frame " << h->frame;
  }
  EXPECT_EQ(whole + without_calls, paused.size()) << "no frame is recorded in part";
  EXPECT_GE(whole, 2u);
  EXPECT_GE(without_calls, 5u);
  EXPECT_EQ(paused[0]->calls.size(), 500u) << "the first frame finds an empty ring";
  ASSERT_TRUE(after);
  EXPECT_EQ(after->calls.size(), 500u) << "after the catch-up the frame is whole again";
  EXPECT_EQ(after->overflow, 0u);
}

// Resident memory in bytes (/proc/self/statm), or 0 where it cannot be read.
std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages_total = 0;
  std::size_t pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return 0;
  return pages_resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

// A thread's first zone allocates its ring; a large ring (512 MiB here) is not written then, only as
// the writer reaches it: a frame of a few zones leaves most of it untouched. (The collector, paused
// here, would fault the rest in meanwhile: see the next test.)
TEST_F(Overload, ALargeRingIsNotTouchedWhenAllocated) {
  const std::size_t slots = std::size_t{1} << 25;
  const std::size_t ring_bytes = slots * sizeof(yams::detail::event);
  yams::set_thread_ring_size(slots);
  yams::detail::collector_pause(true);
  const std::size_t before = resident_bytes();
  ASSERT_GT(before, 0u) << "/proc/self/statm is readable";
  std::size_t after = 0;
  yams::finished_frame handle;
  std::thread t([&] {
    yams::begin_frame(1);
    busy_frame_body(10);
    handle = yams::end_frame();
    after = resident_bytes();
  });
  t.join();
  yams::detail::collector_pause(false);
  ASSERT_TRUE(handle);
  EXPECT_EQ(handle->calls.size(), 10u);
  EXPECT_LT(after - std::min(after, before), ring_bytes / 8)
      << "resident memory grew by " << (after - std::min(after, before)) << " bytes for a " << ring_bytes
      << "-byte ring holding 10 zones";
}

// The collector faults in the rest of that ring in the background (MADV_POPULATE_WRITE), so that its
// thread does not take a page fault for every 4 KiB it writes through: a 16 MiB ring becomes resident
// while its thread, after one frame of 10 zones, writes nothing more.
TEST_F(Overload, TheCollectorFaultsInARingItsThreadHasNotReached) {
  const std::size_t slots = std::size_t{1} << 20;
  const std::size_t ring_bytes = slots * sizeof(yams::detail::event);
  yams::set_thread_ring_size(slots);
  const std::size_t before = resident_bytes();
  ASSERT_GT(before, 0u) << "/proc/self/statm is readable";
  std::size_t grown = 0;
  std::thread t([&] {
    yams::begin_frame(1);
    busy_frame_body(10);
    ASSERT_TRUE(yams::end_frame());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      const std::size_t now = resident_bytes();
      grown = now - std::min(now, before);
      if (grown >= ring_bytes * 3 / 4) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  t.join();
  EXPECT_GE(grown, ring_bytes * 3 / 4) << "resident memory grew by " << grown << " bytes for a " << ring_bytes
                                       << "-byte ring";
}

// Frames reported lost survive a disable: the next recorded frame after re-enabling reports them.
TEST_F(Overload, LostCountSurvivesDisable) {
  yams::set_thread_ring_size(256);
  yams::detail::collector_pause(true);
  std::uint64_t reported = 0;
  std::uint64_t not_recorded = 0;
  std::thread t([&] {
    std::uint64_t n = 1;
    for (; n <= 100; ++n) {
      yams::begin_frame(n);
      busy_frame_body(50);
      if (!yams::end_frame()) ++not_recorded;
    }
    yams::detail::collector_pause(false);
    yams::detail::collector_wait_assembled();  // the ring is drained: room again
    yams::begin_frame(n++);
    yams::disable();  // this frame is discarded; the count moves on
    (void)yams::end_frame();
    yams::enable();
    yams::begin_frame(n);
    auto f = yams::end_frame();
    ASSERT_TRUE(f);
    reported = f->frames_lost;
  });
  t.join();
  EXPECT_GT(not_recorded, 10u) << "the ring (64 slots kept for frame begins) cannot hold 100 begins";
  EXPECT_EQ(reported, not_recorded);
}

// Frames lost after the last recorded one are reported by no frame: stop_recording writes their
// count in the session's end line, and read_session returns it, so that every frame number is
// accounted for in the file.
TEST_F(Overload, FramesLostAfterTheLastRecordedFrameAreInTheSessionsEndLine) {
  const std::string path = ::testing::TempDir() + "yams_lost_at_end_" + std::to_string(::getpid()) + ".jsonl";
  yams::set_thread_ring_size(256);
  yams::start_recording(path);
  yams::detail::collector_pause(true);
  std::uint64_t not_recorded = 0;
  std::thread t([&] {
    for (std::uint64_t n = 1; n <= 100; ++n) {
      yams::begin_frame(n);
      busy_frame_body(50);
      if (!yams::end_frame()) ++not_recorded;
    }
  });
  t.join();
  yams::detail::collector_pause(false);
  const std::size_t written = yams::stop_recording();
  const yams::Session s = yams::read_session(path);
  std::remove(path.c_str());
  EXPECT_GT(not_recorded, 10u) << "the ring (64 slots kept for frame begins) cannot hold 100 begins";
  EXPECT_EQ(s.frames.size(), written);
  EXPECT_TRUE(s.warnings.empty());
  std::uint64_t reported = s.frames_lost_at_end;
  for (const auto& f : s.frames) reported += f.frames_lost;
  EXPECT_EQ(reported, not_recorded);
  EXPECT_GT(s.frames_lost_at_end, 0u);
  EXPECT_EQ(s.frames.size() + reported, 100u);
  // The count is still pending in the runtime: the next recorded frame reports it (and clears it
  // for the tests after this one).
  std::thread next([&] {
    yams::detail::collector_wait_assembled();
    yams::begin_frame(101);
    auto f = yams::end_frame();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->frames_lost, s.frames_lost_at_end);
  });
  next.join();
}

// Waits until the collector has read everything this thread wrote to its ring.
void wait_drained() {
  yams::detail::thread_ring* ring = nullptr;
  {
    yams::detail::ring_registry& reg = yams::detail::registry();
    std::lock_guard lk(reg.mu);
    for (yams::detail::thread_ring* r : reg.rings)
      if (r->cursor == &yams::detail::tl_cursor.cur) ring = r;
  }
  ASSERT_NE(ring, nullptr);
  const yams::detail::event* cur = yams::detail::tl_cursor.cur.load(std::memory_order_relaxed);
  while (ring->read.load(std::memory_order_acquire) != cur) {
    yams::detail::collector_wake();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// Once a zone finds the ring full, the thread records no more zones in that frame, even after the
// collector has caught up: the calls it keeps are what it recorded before the first loss, whole. Every
// zone is either a call or counted in `overflow`. The next frame records every zone again.
TEST_F(Overload, AThreadThatLostAZoneRecordsNoMoreInThatFrame) {
  yams::set_thread_ring_size(1024);  // 960 slots for zones: 480 of them
  yams::detail::collector_pause(true);
  yams::finished_frame f;
  yams::finished_frame next;
  std::thread t([&] {
    yams::begin_frame(1);
    busy_frame_body(1000);  // more than half are lost
    yams::detail::collector_pause(false);
    wait_drained();
    busy_frame_body(1000);  // room again, but not in this frame
    f = yams::end_frame();
    yams::detail::collector_wait_assembled();
    yams::begin_frame(2);
    busy_frame_body(400);
    next = yams::end_frame();
  });
  t.join();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->calls.size() + f->overflow, 2000u);
  EXPECT_LE(f->calls.size(), 480u) << "the zones that fitted before the first loss, and none after";
  EXPECT_GE(f->calls.size(), 470u);
  for (const auto& c : f->calls) EXPECT_LE(c.start + c.duration, f->duration_ms + 1e-6);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->calls.size(), 400u) << "the next frame records again";
  EXPECT_EQ(next->overflow, 0u);
}

// Why: the zone that found the ring full may still be open when the collector makes room. Here
// `Parent` is lost and its 200 `Child` zones run after the collector has emptied the ring. Recording
// them would show them as roots of the frame (their recorded ancestor), not as children of `Parent`.
TEST_F(Overload, ZonesInsideALostZoneAreNotRecordedUnderAnotherParent) {
  yams::set_thread_ring_size(1024);
  yams::detail::collector_pause(true);
  yams::finished_frame f;
  std::thread t([&] {
    yams::begin_frame(1);
    busy_frame_body(600);  // fills the ring
    {
      YAMS_ZONE_M("overload", "Parent");
      yams::detail::collector_pause(false);
      wait_drained();
      for (int i = 0; i < 200; ++i) {
        YAMS_ZONE_M("overload", "Child");
      }
    }
    f = yams::end_frame();
  });
  t.join();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->calls.size() + f->overflow, 801u);
  std::vector<std::uint64_t> parents;
  for (const auto& c : f->calls)
    if (c.label == "Parent") parents.push_back(c.id);
  for (const auto& c : f->calls) {
    if (c.label != "Child") continue;
    ASSERT_TRUE(c.parent_id.has_value()) << "a Child recorded as a root of the frame";
    EXPECT_NE(std::find(parents.begin(), parents.end(), *c.parent_id), parents.end())
        << "a Child recorded under another call than Parent";
  }
}

// The exit of a zone recorded before the loss, written once the collector has made room, does not
// let the thread record again in that frame either. (A first frame moves the collector's position to
// the middle of the ring, so that the second one wraps and the exit finds free room ahead of it.)
TEST_F(Overload, AnExitWrittenAfterTheLossDoesNotResumeRecording) {
  yams::set_thread_ring_size(1024);
  yams::finished_frame f;
  std::thread t([&] {
    yams::begin_frame(1);
    busy_frame_body(250);
    (void)yams::end_frame();
    wait_drained();
    yams::detail::collector_pause(true);
    yams::begin_frame(2);
    {
      YAMS_ZONE_M("overload", "Outer");
      busy_frame_body(600);  // fills the ring
      yams::detail::collector_pause(false);
      wait_drained();
    }
    for (int i = 0; i < 100; ++i) {
      YAMS_ZONE_M("overload", "After");
    }
    f = yams::end_frame();
  });
  t.join();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->calls.size() + f->overflow, 701u);
  std::size_t outers = 0;
  for (const auto& c : f->calls) {
    EXPECT_NE(c.label, "After") << "recorded after the frame's first loss";
    if (c.label == "Outer") ++outers;
  }
  EXPECT_EQ(outers, 1u);
}

// A zone recorded before the ring filled up still records its exit: exits may use the room kept for
// frame begins and do not wait out a run of failing zones. (A lost exit leaves the zone open until the
// frame's end, so an outer zone would show the rest of the frame as its own time.) Here each of three
// outer zones records 400 inner zones (800 slots; the collector is paused): the first outer zone's
// fit, the second's fill the ring, and the third outer zone is entered when it is full. The frame
// goes on for 30 ms after the last outer zone ended.
TEST_F(Overload, ZonesRecordedBeforeTheRingFilledKeepTheirExits) {
  yams::set_thread_ring_size(1024);  // 960 slots for zones
  yams::detail::collector_pause(true);
  yams::finished_frame f;
  std::thread t([&] {
    yams::begin_frame(1);
    for (int i = 0; i < 3; ++i) {
      YAMS_ZONE_M("overload", "Outer");
      busy_frame_body(400);  // 800 slots a time: the ring is full from the middle of the second on
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    f = yams::end_frame();
  });
  t.join();
  yams::detail::collector_pause(false);
  ASSERT_TRUE(f);
  std::size_t outers = 0;
  for (const auto& c : f->calls) {
    if (c.label != "Outer") continue;
    ++outers;
    EXPECT_LT(c.start + c.duration, f->duration_ms - 20.0)
        << "an Outer zone lasts until the frame's end: its exit was lost";
  }
  EXPECT_EQ(outers, 2u);
  EXPECT_EQ(f->calls.size() + f->overflow, 3u + 1200u);
}

// An exit that finds no room even in the part of the ring kept for frame begins (here every slot is
// taken by frame begins made inside the zones, the collector paused) is lost: its zone lasts until
// its frame's end, the count of lost exits goes into the ring with the thread's next zone, and the
// frames after the overload are recorded whole, nested as they ran.
TEST_F(Overload, AZoneWhoseExitFindsNoRoomEndsWithItsFrame) {
  yams::set_thread_ring_size(256);  // 64 slots kept for frame begins
  yams::detail::collector_pause(true);
  yams::finished_frame first;
  yams::finished_frame after;
  std::uint64_t begun = 0;
  std::thread t([&] {
    yams::begin_frame(1);
    {
      YAMS_ZONE_M("overload", "Outer");
      YAMS_ZONE_M("overload", "Inner");
      busy_frame_body(200);  // fills the ring up to the kept part
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      first = yams::end_frame();
      for (std::uint64_t n = 2; n < 200; ++n) {  // frame begins (2 slots each) fill the kept part too
        yams::begin_frame(n);
        (void)yams::end_frame();
        begun = n;
      }
    }  // Inner's exit may take a last odd slot; Outer's finds no room at all
    yams::detail::collector_pause(false);
    wait_drained();
    yams::begin_frame(200);
    {
      YAMS_ZONE_M("overload", "Parent");
      YAMS_ZONE_M("overload", "Child");
    }
    after = yams::end_frame();
  });
  t.join();
  ASSERT_EQ(begun, 199u);
  ASSERT_TRUE(first);
  const auto outer = std::find_if(first->calls.begin(), first->calls.end(), [](const auto& c) { return c.label == "Outer"; });
  ASSERT_NE(outer, first->calls.end());
  EXPECT_NEAR(outer->start + outer->duration, first->duration_ms, 1e-3) << "Outer lasts until frame 1 ends";
  EXPECT_GT(outer->duration, 19.0);
  ASSERT_TRUE(after);
  EXPECT_GT(after->frames_lost, 0u) << "the kept part ran out: some begins were lost";
  ASSERT_EQ(after->calls.size(), 2u);
  EXPECT_EQ(after->calls[0].label, "Parent");
  EXPECT_FALSE(after->calls[0].parent_id.has_value());
  EXPECT_EQ(after->calls[1].label, "Child");
  EXPECT_EQ(after->calls[1].parent_id, after->calls[0].id);
}

// The same with reentry probes, whose entry test itself fails a zone while the ring is full (the
// body runs at once, with no call to the recording path; the ring holds about 300 zones capturing a
// value, 3 slots each): every call runs its body exactly once and returns its result, every zone is
// a call or counted in `overflow`, and in the next frame zones are recorded again, with their
// captured value.
TEST_F(Overload, ReentryProbesOnAFullRingRunTheBodyOnceAndCountTheZone) {
  yams::set_thread_ring_size(1024);
  yams::detail::collector_pause(true);
  overload_reentry::body_runs = 0;
  long sum = 0;
  yams::finished_frame f;
  yams::finished_frame next;
  std::thread t([&] {
    yams::begin_frame(1);
    for (long v = 0; v < 1000; ++v) sum += overload_reentry::bump(v);  // more than half are lost
    yams::detail::collector_pause(false);
    wait_drained();
    for (long v = 1000; v < 2000; ++v) sum += overload_reentry::bump(v);  // room, but not in this frame
    f = yams::end_frame();
    yams::detail::collector_wait_assembled();
    yams::begin_frame(2);
    for (long v = 2000; v < 2250; ++v) sum += overload_reentry::bump(v);  // 750 slots: all fit
    next = yams::end_frame();
  });
  t.join();
  EXPECT_EQ(overload_reentry::body_runs, 2250);
  EXPECT_EQ(sum, 2250L * 2251L / 2);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->calls.size() + f->overflow, 2000u);
  EXPECT_GT(f->overflow, 1500u);
  EXPECT_GT(f->calls.size(), 250u) << "the zones before the first loss are recorded";
  ASSERT_TRUE(next);
  EXPECT_EQ(next->calls.size(), 250u) << "the next frame records every zone";
  long previous = -1;
  for (const yams::finished_frame* h : {&f, &next}) {
    for (const auto& c : (*h)->calls) {
      ASSERT_EQ(c.args.size(), 1u);
      const auto* v = std::get_if<std::int64_t>(&c.args[0].second);
      ASSERT_NE(v, nullptr);
      EXPECT_GT(*v, previous) << "calls in order, each with its own value";
      EXPECT_TRUE(*v < 1000 || *v >= 2000) << "no zone recorded after frame 1's first loss";
      previous = *v;
    }
  }
  EXPECT_EQ(previous, 2249);
}

}  // namespace
