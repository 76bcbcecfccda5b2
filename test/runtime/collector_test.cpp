// Frame assembly on the collector thread (runtime/src/collector.cpp): other threads' zones as
// separate roots, pre-order, session-unique ids, the history ring and waiting for frames.
#include "collector.hpp"
#include "json_write.hpp"
#include "ring.hpp"
#include "test_support.hpp"

#include <yams/yams.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

class Collector : public yams::test::profiling_on {};

void leaf() { YAMS_ZONE_M("worker", "Leaf"); }

void job() {
  YAMS_ZONE_M("worker", "Job");
  leaf();
  leaf();
}

void frame_body() {
  YAMS_ZONE_M("game_engine", "Update");
  leaf();
}

// Every parent precedes its children and is in the same frame and thread.
void expect_preorder(const yams::FrameProfile& f) {
  for (std::size_t i = 0; i < f.calls.size(); ++i) {
    const auto& c = f.calls[i];
    if (!c.parent_id) continue;
    bool found = false;
    for (std::size_t j = 0; j < i; ++j) {
      if (f.calls[j].id != *c.parent_id) continue;
      found = true;
      EXPECT_EQ(f.calls[j].thread, c.thread) << "call " << i;
      EXPECT_GE(c.start + 1e-9, f.calls[j].start) << "call " << i;
    }
    EXPECT_TRUE(found) << "call " << i << " has no earlier parent";
  }
}

TEST_F(Collector, OtherThreadsAreSeparateRootsWithThreadIds) {
  yams::begin_frame(1);
  frame_body();
  std::thread a(job);
  std::thread b(job);
  a.join();
  b.join();
  frame_body();
  auto f = yams::end_frame();
  ASSERT_EQ(f->calls.size(), 4u + 6u);
  // The frame thread's tree comes first.
  const std::uint64_t main_thread = f->calls[0].thread;
  EXPECT_EQ(f->calls[0].label, "Update");
  EXPECT_EQ(f->calls[2].label, "Update");
  EXPECT_EQ(f->calls[3].thread, main_thread);
  std::set<std::uint64_t> worker_threads;
  int roots = 0;
  for (std::size_t i = 4; i < f->calls.size(); ++i) {
    const auto& c = f->calls[i];
    EXPECT_NE(c.thread, main_thread);
    worker_threads.insert(c.thread);
    if (c.label == "Job") {
      EXPECT_FALSE(c.parent_id);
      ++roots;
    } else {
      EXPECT_EQ(c.label, "Leaf");
      ASSERT_TRUE(c.parent_id);
    }
  }
  EXPECT_EQ(roots, 2);
  EXPECT_EQ(worker_threads.size(), 2u);
  expect_preorder(*f);
}

constexpr yams::site between_site{"Between", "worker", "between", __FILE__, __LINE__, 0, nullptr, 0};
constexpr yams::site spanning_site{"Spanning", "worker", "spanning", __FILE__, __LINE__, 0, nullptr, 0};

// Another thread can record a zone just after a frame ended (it read g_recording before the end).
// Written here by the recording path itself, which does not test g_recording again: a zone that also
// ended before the next frame began belongs to no frame and is not in the next one; a zone still
// open when the next frame begins is in it, from that frame's start.
TEST_F(Collector, AZoneBetweenTwoFramesIsInNeitherUnlessStillOpen) {
  yams::begin_frame(1);
  frame_body();
  ASSERT_TRUE(yams::end_frame());
  std::mutex mu;
  std::condition_variable cv;
  int step = 0;
  auto wait_for = [&](int s) {
    std::unique_lock lk(mu);
    cv.wait(lk, [&] { return step >= s; });
  };
  auto advance = [&] {
    std::lock_guard lk(mu);
    ++step;
    cv.notify_all();
  };
  std::thread worker([&] {
    ASSERT_TRUE(yams::detail::enter_args_recording(&between_site, 1));  // between frames 1 and 2
    yams::detail::leave();
    ASSERT_TRUE(yams::detail::enter_args_recording(&spanning_site, 2));
    advance();   // step 1: frame 2 may begin
    wait_for(2);  // frame 2 has begun
    yams::detail::leave();
    advance();  // step 3
  });
  wait_for(1);
  yams::begin_frame(2);
  advance();  // step 2
  wait_for(3);
  worker.join();
  frame_body();
  auto f = yams::end_frame();
  ASSERT_TRUE(f);
  std::vector<std::string> labels;
  for (const auto& c : f->calls) labels.push_back(c.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"Update", "Leaf", "Spanning"}));
  ASSERT_EQ(f->calls.size(), 3u);
  EXPECT_EQ(f->calls[2].start, 0.0) << "clamped to the frame's start";
  EXPECT_FALSE(f->calls[2].parent_id);
  EXPECT_EQ(f->overflow, 0u);
}

// The call cap counts each thread's calls per frame. Another thread's calls are counted from the
// begin of the frame they fall in even when the collector reads several frames at once.
TEST_F(Collector, TheCallCapRestartsEveryFrameOnOtherThreadsWhenTheCollectorLags) {
  yams::set_max_calls_per_frame(10);
  std::mutex m;
  std::condition_variable cv;
  int asked = 0;
  int done = 0;
  bool quit = false;
  std::thread worker([&] {
    std::unique_lock lk(m);
    for (int seen = 0;; ++seen) {
      cv.wait(lk, [&] { return asked > seen || quit; });
      if (quit) return;
      for (int i = 0; i < 12; ++i) leaf();
      ++done;
      cv.notify_all();
    }
  });
  yams::detail::collector_pause(true);  // the 20 frames are read in one pass
  std::vector<yams::finished_frame> frames;
  for (std::uint64_t n = 1; n <= 20; ++n) {
    yams::begin_frame(n);
    std::unique_lock lk(m);
    ++asked;
    cv.notify_all();
    cv.wait(lk, [&] { return done == asked; });
    lk.unlock();
    frames.push_back(yams::end_frame());
  }
  {
    std::lock_guard lk(m);
    quit = true;
  }
  cv.notify_all();
  worker.join();
  yams::detail::collector_pause(false);
  for (auto& f : frames) {
    EXPECT_EQ(f->calls.size(), 10u) << "frame " << f->frame;
    EXPECT_EQ(f->overflow, 2u) << "frame " << f->frame;
  }
}

TEST_F(Collector, IdsAreUniqueAcrossFrames) {
  std::set<std::uint64_t> ids;
  std::size_t total = 0;
  for (std::uint64_t i = 0; i < 5; ++i) {
    yams::begin_frame(i);
    frame_body();
    std::thread(job).join();
    auto f = yams::end_frame();
    for (const auto& c : f->calls) ids.insert(c.id);
    total += f->calls.size();
    expect_preorder(*f);
  }
  EXPECT_EQ(total, 25u);
  EXPECT_EQ(ids.size(), total);
}

// Records empty frames first, first + 1, ... first + count - 1.
void empty_frames(std::uint64_t first, std::uint64_t count) {
  for (std::uint64_t i = first; i < first + count; ++i) {
    yams::begin_frame(i);
    yams::end_frame();
  }
}

TEST_F(Collector, FrameBufferLimits) {
  empty_frames(0, 100);
  auto h = yams::history();
  ASSERT_EQ(h.size(), 60u);
  EXPECT_EQ(h.front()->frame, 40u);
  EXPECT_EQ(h.back()->frame, 99u);
  for (std::size_t i = 1; i < h.size(); ++i) EXPECT_EQ(h[i]->frame, h[i - 1]->frame + 1);
}

TEST_F(Collector, HistorySizeIsConfigurable) {
  EXPECT_EQ(yams::history_size(), 60u);
  yams::set_history_size(10);
  EXPECT_EQ(yams::history_size(), 10u);
  empty_frames(0, 30);
  auto h = yams::history();
  ASSERT_EQ(h.size(), 10u);
  EXPECT_EQ(h.back()->frame, 29u);
  yams::set_history_size(3);
  h = yams::history();
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h.front()->frame, 27u);
}

TEST_F(Collector, EndFrameResultCanBeReadFromAnotherThread) {
  yams::begin_frame(9);
  frame_body();
  auto f = yams::end_frame();
  std::size_t n = 0;
  std::thread([&] { n = f->calls.size(); }).join();
  EXPECT_EQ(n, 2u);
}

TEST_F(Collector, ZonesOfAThreadThatExitedAreKept) {
  yams::begin_frame(1);
  for (int i = 0; i < 8; ++i) std::thread(job).join();  // rings are retired and reused
  auto f = yams::end_frame();
  EXPECT_EQ(f->calls.size(), 24u);
  expect_preorder(*f);
}

// Back-to-back frames follow each other on one timeline (timestamp + duration), never overlapping,
// although the wall clock and the calibrated tick rate differ (here by 2%, on purpose).
TEST_F(Collector, FramesDoNotOverlapInTime) {
  yams::detail::override_ms_per_tick(yams::detail::ms_per_tick() * 1.02);
  std::vector<yams::finished_frame> frames;
  for (std::uint64_t i = 0; i < 20; ++i) {
    yams::begin_frame(i);
    std::this_thread::sleep_for(std::chrono::microseconds(500 + 200 * (i % 5)));
    frames.push_back(yams::end_frame());
  }
  yams::detail::refine_calibration();
  for (std::size_t i = 1; i < frames.size(); ++i) {
    const double prev_end = frames[i - 1]->timestamp + frames[i - 1]->duration_ms / 1000.0;
    EXPECT_GE(frames[i]->timestamp, prev_end - 1e-6) << "frame " << i;
    EXPECT_LT(frames[i]->timestamp, prev_end + 0.05) << "frame " << i;
  }
}

// Calls' times are whole nanoseconds (written as short fixed-point text), rounded alike for a call
// and its children, so that a child never starts before or ends after its parent.
TEST_F(Collector, CallTimesAreWholeNanosecondsNestedInTheirParents) {
  yams::begin_frame(1);
  for (int i = 0; i < 200; ++i) frame_body();
  const yams::finished_frame f = yams::end_frame();
  ASSERT_EQ(f->calls.size(), 400u);
  std::size_t fractional = 0;
  for (const auto& c : f->calls) {
    for (const double ms : {c.start, c.duration}) {
      const double ns = std::round(ms * 1e6);
      if (ns / 1e6 != ms) ++fractional;
    }
    if (!c.parent_id) continue;
    const auto& parent = f->calls[static_cast<std::size_t>(*c.parent_id - f->calls.front().id)];
    ASSERT_EQ(parent.id, *c.parent_id);
    const auto ns = [](double ms) { return std::llround(ms * 1e6); };
    EXPECT_GE(ns(c.start), ns(parent.start)) << c.id;
    EXPECT_LE(ns(c.start) + ns(c.duration), ns(parent.start) + ns(parent.duration)) << c.id;
  }
  EXPECT_EQ(fractional, 0u) << "times with a fraction of a nanosecond";
  // and they are written as such: no exponent, at most 6 digits after the point
  for (const auto& c : f->calls) {
    for (const double ms : {c.start, c.duration}) {
      std::string text;
      yams::detail::write_json_double(text, ms);
      EXPECT_EQ(text.find('e'), std::string::npos) << text;
      EXPECT_LE(text.size() - text.find('.') - 1, 6u) << text;
    }
  }
}

// Threads register their ring (at their first zone) and retire it (at exit) under the registry's
// lock; the collector holds that lock only to note the rings, not while it drains them. Here the
// collector is stopped inside a pass, after noting the rings: a new thread still records its first
// zone, and the zone shows up once the collector goes on.
std::mutex g_hold_mu;
std::condition_variable g_hold_cv;
bool g_in_pass = false;
bool g_released = false;

void hold_collector_in_pass() {
  std::unique_lock lk(g_hold_mu);
  g_in_pass = true;
  g_hold_cv.notify_all();
  g_hold_cv.wait(lk, [] { return g_released; });
}

TEST_F(Collector, AThreadRegistersWhileTheCollectorDrains) {
  yams::begin_frame(1);
  frame_body();
  {
    std::lock_guard lk(g_hold_mu);
    g_in_pass = false;
    g_released = false;
  }
  yams::detail::set_collector_drain_hook(hold_collector_in_pass);
  yams::detail::collector_wake();
  bool held = false;
  {
    std::unique_lock lk(g_hold_mu);
    held = g_hold_cv.wait_for(lk, std::chrono::seconds(10), [] { return g_in_pass; });
  }
  if (!held) yams::detail::set_collector_drain_hook(nullptr);
  ASSERT_TRUE(held) << "the collector did not run a pass";
  std::atomic<bool> recorded{false};
  std::thread worker([&] {
    job();
    recorded.store(true);
  });
  bool in_time = false;
  for (int i = 0; i < 500 && !in_time; ++i) {  // up to 5 s
    in_time = recorded.load();
    if (!in_time) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  yams::detail::set_collector_drain_hook(nullptr);
  {
    std::lock_guard lk(g_hold_mu);
    g_released = true;
  }
  g_hold_cv.notify_all();
  worker.join();
  EXPECT_TRUE(in_time) << "the new thread's first zone waited for the collector's pass";
  const yams::finished_frame f = yams::end_frame();
  std::size_t jobs = 0;
  for (const auto& c : f->calls) jobs += c.label == "Job" ? 1 : 0;
  EXPECT_EQ(jobs, 1u);
}

constexpr yams::arg_desc hit_args[] = {{"entity_id", yams::arg_in_args | yams::arg_entity_id},
                                       {"damage", yams::arg_in_args}};
constexpr yams::site hit_site{"Hit {entity_id} for {damage} points", "combat", "apply_hit", __FILE__, __LINE__,
                              yams::site_lua_callback, hit_args, 2};

// Frames released by every owner are reused for later frames (their calls keep their buffers):
// nothing of an earlier frame's calls may show in a later one.
TEST_F(Collector, ReusedFramesCarryNothingOver) {
  yams::set_history_size(0);  // the caller holds the only reference to each frame
  for (int round = 0; round < 3; ++round) {
    std::size_t rich_calls = 0;
    {
      yams::begin_frame(10 + round);
      for (int i = 0; i < 40; ++i) {
        yams::zone hit(&hit_site, "a_rather_long_entity_name_" + std::to_string(i), 2.5 * i);
        leaf();
      }
      auto f = yams::end_frame();
      ASSERT_EQ(f->calls.size(), 80u);
      for (int i = 0; i < 40; ++i) {
        const auto& c = f->calls[2 * i];
        const std::string name = "a_rather_long_entity_name_" + std::to_string(i);
        std::ostringstream label;
        label << "Hit " << name << " for " << 2.5 * i << " points";
        EXPECT_EQ(c.label, label.str()) << "call " << 2 * i;
        ASSERT_TRUE(c.entity_id);
        EXPECT_EQ(*c.entity_id, name);
        ASSERT_EQ(c.args.size(), 2u);
        EXPECT_EQ(c.args[0].first, "entity_id");
        EXPECT_EQ(std::get<std::string>(c.args[0].second), name);
        EXPECT_EQ(std::get<double>(c.args[1].second), 2.5 * i);
        EXPECT_TRUE(c.lua_callback);
        EXPECT_FALSE(c.parent_id);
        const auto& inner = f->calls[2 * i + 1];
        EXPECT_EQ(inner.label, "Leaf");
        ASSERT_TRUE(inner.parent_id);
        EXPECT_EQ(*inner.parent_id, c.id);
        EXPECT_TRUE(inner.args.empty());
        EXPECT_FALSE(inner.entity_id);
        EXPECT_FALSE(inner.lua_callback);
      }
      rich_calls = f->calls.size();
    }
    yams::begin_frame(20 + round);
    leaf();
    frame_body();  // its root reuses a node that was a child
    auto f = yams::end_frame();
    ASSERT_EQ(f->calls.size(), 3u);
    EXPECT_EQ(f->calls[0].label, "Leaf");
    EXPECT_FALSE(f->calls[0].parent_id);
    EXPECT_GE(f->calls.capacity(), rich_calls) << "the released frame was not reused";
    EXPECT_EQ(f->frame, static_cast<std::uint64_t>(20 + round));
    EXPECT_FALSE(f->rollback);
    EXPECT_EQ(f->overflow, 0u);
    const auto& update = f->calls[1];
    const auto& inner = f->calls[2];
    EXPECT_EQ(update.label, "Update");
    EXPECT_EQ(update.module, "game_engine");
    EXPECT_FALSE(update.parent_id);
    EXPECT_TRUE(update.args.empty());
    EXPECT_FALSE(update.entity_id);
    EXPECT_FALSE(update.lua_callback);
    EXPECT_EQ(inner.label, "Leaf");
    EXPECT_EQ(inner.func, "leaf");
    ASSERT_TRUE(inner.parent_id);
    EXPECT_EQ(*inner.parent_id, update.id);
    EXPECT_TRUE(inner.args.empty());
    EXPECT_FALSE(inner.entity_id);
  }
}

TEST_F(Collector, SessionIsFixed) {
  const auto& s = yams::session();
  ASSERT_EQ(s.session_id.size(), 28u) << s.session_id;
  for (std::size_t i : {4u, 7u}) EXPECT_EQ(s.session_id[i], '-');
  EXPECT_EQ(s.session_id[10], '_');
  EXPECT_EQ(s.session_id[19], '_');
  for (std::size_t i = 20; i < 28; ++i) EXPECT_TRUE(std::isxdigit(static_cast<unsigned char>(s.session_id[i])));
  EXPECT_GT(s.start_time, 1.6e9);
  EXPECT_EQ(&yams::session(), &s);
  EXPECT_EQ(yams::session().session_id, s.session_id);
}

}  // namespace
