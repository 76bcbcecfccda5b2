// Internal state shared by the recorder (writer side) and the collector (reader side): the per-thread
// rings, the registry that lists them, and the frames handed from end_frame() to the collector.
#pragma once

#include <yams/detail/recorder.hpp>
#include <yams/frame.hpp>
#include <yams/probe.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace yams::detail {

/// Control event codes (`tag = tag_control | code << 8`).
enum control_code : std::uint64_t {
  ctl_wrap = 1,        ///< the writer continued at the ring's start
  ctl_begin = 2,       ///< a = tsc; next slot: a = pending_frame*, tag = frame number
  ctl_lost_exits = 3,  ///< a = tsc; tag >> 32 = exits that could not be written
};

constexpr std::uint64_t control_tag(control_code c) noexcept { return tag_control | (c << 8); }

inline constexpr std::size_t min_ring_slots = 256;
/// 4 MiB per recording thread: ~16 frames of the demo's 3,200 calls, or two of its rollback frames
/// back to back (~20,000 calls each) while the collector assembles the first; the 1 MiB ring before
/// lost part of the second even at 60 fps (docs/performance.md). Pages cost memory only once the
/// writer reaches them.
inline constexpr std::size_t default_ring_slots = std::size_t{1} << 18;
/// Rings of exited threads kept for the next threads to start (more are freed: a burst of threads
/// would otherwise hold its rings, 4 MiB each by default, until the process ends).
inline constexpr std::size_t max_pooled_rings = 8;

/// Slots normal events must leave free in a ring of `slots` so that begin_frame's control events
/// (2 slots a frame) still fit while the collector is behind: 1/16 of the ring, at least 64 slots.
/// The default ring keeps room for 2,048 frame begins after its zones stopped fitting.
constexpr std::size_t control_headroom_for(std::size_t slots) noexcept {
  return slots / 16 > 64 ? slots / 16 : 64;
}

/// A frame between begin_frame() and the collector's assembly of it.
struct pending_frame {
  std::uint64_t number = 0;
  double timestamp = 0.0;
  std::uint64_t begin_tsc = 0;
  std::uint64_t end_tsc = 0;   // written before `ended` is set
  double duration_ms = 0.0;    // written before `ended` is set
  double ms_per_tick = 0.0;    // written before `ended` is set
  std::uint64_t thread_id = 0;  // of the ring holding the begin event
  std::uint64_t lost_at_end = 0;  // that ring's loss count at the end (when ended on that thread)
  bool has_lost_at_end = false;
  // Frame thread only: where its zones start in its ring and the ring's loss count then, for the
  // size of the frame (see frame_control::expected_slots); whether the ring lacked room for the frame
  // at its begin, so that its zones were counted lost instead of recorded.
  event* zones_from = nullptr;
  std::uint64_t lost_at_begin = 0;
  bool zones_skipped = false;
  std::uint64_t frames_lost = 0;  // frames begun since the previous recorded one that found no room
  std::uint32_t skipped_kinds = 0;  // zone kinds set_recorded_kinds() left out when the frame began
  std::optional<RollbackInfo> rollback;  // frame mutex until ended
  bool discarded = false;                // frame mutex until ended
  std::atomic<bool> ended{false};
  std::shared_ptr<pending_frame> self_ref;  // keeps it alive until the collector reads the begin

  std::mutex m;
  std::condition_variable cv;
  bool ready = false;  // m
  std::shared_ptr<const FrameProfile> result;  // m
};

/// A captured value as the collector decoded it.
struct captured {
  std::uint64_t kind = 0;  // value_kind, or 0 for a string
  std::uint64_t bits = 0;
  bool truncated = false;
  std::string text;
};

/// A zone as the collector saw it, before it is cut into a frame.
struct node_rec {
  const site* s = nullptr;
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  bool open = true;
  std::int64_t parent = -1;  // sequence number of the parent zone, -1 for none
  std::uint64_t first_value = 0;  // sequence number of its first value in thread_ring::values
  std::uint32_t value_count = 0;
};

/// One thread's ring. Writer fields live in the owner's `tl_cursor`; `read` goes back to the writer.
struct thread_ring {
  std::unique_ptr<event[]> storage;
  std::size_t prefaulted = 0;  // collector: bytes of storage it has faulted in (kept when pooled)
  event* begin = nullptr;
  event* end = nullptr;
  std::size_t slots = 0;
  std::size_t headroom = 0;                   // control_headroom_for(slots)
  std::atomic<event*> read{nullptr};          // collector: consumed up to here (release)
  std::atomic<event*>* cursor = nullptr;      // &owner's tl_cursor.cur while the owner lives
  // Events the writer could not record. On a cache line of its own: the writer bumps it for every
  // zone lost while the collector writes its own fields below.
  alignas(64) std::atomic<std::uint64_t> lost{0};
  alignas(64) std::uint64_t thread_id = 0;
  // Registry mutex:
  bool retired = false;
  event* final_cur = nullptr;
  // Collector only:
  std::deque<node_rec> nodes;
  std::int64_t base = 0;             // sequence number of nodes.front()
  std::vector<captured> values;      // the nodes' captured values, in order (no allocation per node)
  std::uint64_t values_base = 0;     // sequence number of values.front() (taken calls' values may linger)
  std::vector<std::int64_t> stack;   // open zones: sequence numbers, -1 for a zone over the cap
  std::int64_t cap_from = 0;         // the call cap counts nodes from this sequence number on
  std::uint64_t cap_since = 0;       // begin timestamp of the frame cap_from belongs to (0: none yet)
  std::uint64_t epoch = 0;           // begin events seen in this ring
  struct dropped_run {
    std::uint64_t tsc;    // start of the first zone dropped
    std::uint64_t count;  // zones dropped over the cap
    std::uint64_t epoch;
  };
  std::deque<dropped_run> dropped;
  std::uint64_t lost_seen = 0;

  void reset_collector_state() {
    nodes.clear();
    base = 0;
    values.clear();
    values_base = 0;
    stack.clear();
    cap_from = 0;
    cap_since = 0;
    epoch = 0;
    dropped.clear();
    lost_seen = 0;
  }
};

/// Every ring ever handed out: live ones, retired ones not yet drained, and a pool for reuse.
struct ring_registry {
  std::mutex mu;
  std::vector<thread_ring*> rings;  // registration order
  std::vector<thread_ring*> pool;
  std::atomic<std::size_t> ring_slots{default_ring_slots};
  std::uint64_t next_thread_id = 1;
};

/// The process-wide registry (never destroyed, so threads exiting late can still use it).
ring_registry& registry() noexcept;

/// Milliseconds per timestamp tick, calibrated against steady_clock.
double ms_per_tick() noexcept;
/// Re-measures ms_per_tick over the time since process start. Any thread (the collector's, ~1/s).
void refine_calibration() noexcept;
/// Test hook: replaces the calibration until the next refine_calibration(). Any thread.
void override_ms_per_tick(double v) noexcept;

/// Whether profiling is enabled (the flag behind yams::enabled()).
extern std::atomic<bool> g_enabled;
/// Frames closed (ended or replaced) whose begin reached a ring; the collector counts them processed.
extern std::atomic<std::uint64_t> g_frames_closed;
/// Cap on calls per frame and thread.
extern std::atomic<std::size_t> g_max_calls;

}  // namespace yams::detail
