// The writer side: registering a thread's ring, the hot path's slow paths (wrap, full, lost exits),
// begin/end of frames, rollback records, the enable switch (YAMS_PROFILE) and the session identity.
#include "collector.hpp"
#include "ring.hpp"

#include <yams/yams.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <utility>

namespace yams::detail {

constinit thread_local thread_cursor tl_cursor{};
constinit std::atomic<std::uint32_t> g_recording{0};
constinit thread_local const site* tl_reentry = nullptr;
std::atomic<bool> g_enabled{false};
std::atomic<std::uint32_t> g_recorded_kinds{zone_kinds_all};
std::atomic<std::uint64_t> g_frames_closed{0};
std::atomic<std::size_t> g_max_calls{100'000};

namespace {

constinit thread_local thread_ring* tl_ring = nullptr;
constinit thread_local bool tl_retired = false;
constinit thread_local std::uint32_t tl_lost_exits = 0;
// Frames opened so far (begin_frame_noexcept), and the one in which this thread last lost a zone:
// from that loss to the next frame's begin the thread records no zone, even once the collector has
// made room (reserve_looking), since the zone it lost may still be open and would be missing as the
// parent of what came next.
std::atomic<std::uint64_t> g_frame_generation{1};  // never 0, the value of "no loss"
constinit thread_local std::uint64_t tl_lost_generation = 0;
// Failures between two looks at the reader's position while the ring is full (tl_cursor.skips: the
// reader's position is a cache line the collector writes; while the collector is behind, a full ring
// then costs a failing zone a few instructions and no shared line; reset when a frame begins).
constexpr std::uint32_t full_recheck_interval = 64;

// ---- clock calibration ------------------------------------------------------------------------

struct clock_origin {
  std::chrono::steady_clock::time_point steady = std::chrono::steady_clock::now();
  std::uint64_t tsc = timestamp();
};

// Taken at process start (see g_started below) or at first use, whichever comes first.
const clock_origin& origin() noexcept {
  static const clock_origin o;
  return o;
}

std::atomic<double> g_ms_per_tick{0.0};

// Timestamp ticks against steady_clock since origin(), waiting until `min_span` has passed.
double measure_ms_per_tick(std::chrono::nanoseconds min_span) noexcept {
  const clock_origin& o = origin();
  auto now = std::chrono::steady_clock::now();
  std::uint64_t tsc = timestamp();
  while (now - o.steady < min_span) {
    now = std::chrono::steady_clock::now();
    tsc = timestamp();
  }
  const double ms = std::chrono::duration<double, std::milli>(now - o.steady).count();
  const auto ticks = static_cast<double>(tsc - o.tsc);
  return ticks > 0 ? ms / ticks : 1e-6;
}

// ---- ring reservation ---------------------------------------------------------------------------

// The limit normal events may write up to when the writer is at `e` (after the reservation).
event* normal_limit(const thread_ring& r, event* e, event* rd) noexcept {
  if (e >= rd) return r.end - r.headroom;  // rings hold at least min_ring_slots
  const std::ptrdiff_t room = rd - e - 1 - static_cast<std::ptrdiff_t>(r.headroom);
  return room > 0 ? e + room : e;
}

// Finds `n` contiguous slots leaving `keep` free, wrapping (with a marker) when the end is reached.
// Sets tl_cursor.limit for the hot path. Returns nullptr when the ring is full.
event* ring_reserve(thread_ring& r, std::uint32_t n, std::size_t keep) noexcept {
  event* w = tl_cursor.cur.load(std::memory_order_relaxed);
  event* rd = r.read.load(std::memory_order_acquire);
  event* e = nullptr;
  if (w >= rd) {
    if (static_cast<std::size_t>(r.end - w) >= n + keep) {
      e = w;
    } else if (static_cast<std::size_t>(rd - r.begin) > n + keep) {
      if (w < r.end) {  // the marker becomes visible with the caller's publish
        w->a = 0;
        w->tag = control_tag(ctl_wrap);
      }
      e = r.begin;
    }
  } else if (static_cast<std::size_t>(rd - 1 - w) >= n + keep) {
    e = w;
  }
  if (e == nullptr) {
    tl_cursor.limit = w;
    return nullptr;
  }
  tl_cursor.limit = std::max(normal_limit(r, e, rd), e + n);
  return e;
}

struct ring_guard {
  ring_guard() = default;
  ring_guard(const ring_guard&) = delete;
  ring_guard& operator=(const ring_guard&) = delete;
  ~ring_guard() {
    thread_ring* r = tl_ring;
    if (r == nullptr) return;
    {
      std::lock_guard lk(registry().mu);
      r->final_cur = tl_cursor.cur.load(std::memory_order_relaxed);
      r->retired = true;
    }
    tl_ring = nullptr;
    tl_retired = true;
    tl_cursor.cur.store(nullptr, std::memory_order_relaxed);
    tl_cursor.limit = nullptr;
    tl_cursor.skips = 0;
    tl_cursor.lost = nullptr;
  }
};

thread_ring* acquire_ring(ring_registry& reg) {
  std::lock_guard lk(reg.mu);
  const std::size_t slots = reg.ring_slots.load(std::memory_order_relaxed);
  thread_ring* r = nullptr;
  while (!reg.pool.empty() && r == nullptr) {
    thread_ring* c = reg.pool.back();
    reg.pool.pop_back();
    if (c->slots == slots) {
      r = c;
    } else {
      delete c;
    }
  }
  if (r == nullptr) {
    auto fresh = std::make_unique<thread_ring>();
    // Not zeroed: the collector reads only slots the writer has written, and zeroing a large ring
    // (set_thread_ring_size) here, in the thread's first zone, stalled it (~80 ms for 512 MiB). The
    // collector faults the pages in ahead of the writer instead (prefault_some in collector.cpp).
    fresh->storage = std::make_unique_for_overwrite<event[]>(slots);
    fresh->slots = slots;
    fresh->headroom = control_headroom_for(slots);
    fresh->begin = fresh->storage.get();
    fresh->end = fresh->begin + slots;
    r = fresh.release();
  }
  r->retired = false;
  r->final_cur = nullptr;
  r->read.store(r->begin, std::memory_order_relaxed);
  r->lost.store(0, std::memory_order_relaxed);
  r->thread_id = reg.next_thread_id++;
  tl_cursor.cur.store(r->begin, std::memory_order_relaxed);
  tl_cursor.limit = r->begin;
  r->cursor = &tl_cursor.cur;
  reg.rings.push_back(r);
  return r;
}

[[gnu::noinline]] thread_ring* register_thread() noexcept {  // keeps this_ring() short
  try {
    static thread_local ring_guard guard;  // retires the ring when the thread exits
    (void)guard;
    tl_ring = acquire_ring(registry());
    return tl_ring;
  } catch (...) {
    tl_retired = true;
    return nullptr;
  }
}

thread_ring* this_ring() noexcept {
  if (tl_ring != nullptr) return tl_ring;
  if (tl_retired) return nullptr;
  return register_thread();
}

// Room for control events: may use the headroom normal events leave. Ends a run of skipped
// reservations, so that the frame's first zone looks at the ring again.
event* reserve_control(std::uint32_t n) noexcept {
  thread_ring* r = this_ring();
  if (r == nullptr) return nullptr;
  tl_cursor.skips = 0;
  return ring_reserve(*r, n, 0);
}

// Slots from `from` to `to` in `r` (the writer's positions, `to` not before `from`), wrapping included.
std::size_t slots_between(const thread_ring& r, const event* from, const event* to) noexcept {
  return to >= from ? static_cast<std::size_t>(to - from) : r.slots - static_cast<std::size_t>(from - to);
}

// Slots the writer at `w` could still fill before reaching the collector's position (as of now).
std::size_t free_slots(const thread_ring& r, const event* w) noexcept {
  return r.slots - 1 - slots_between(r, r.read.load(std::memory_order_acquire), w);
}

// Until the next frame begins (reserve_control), this thread's zones fail at once, counted lost, as
// when the ring was found full: the entry tests and the writers' limit check send them to skip_full().
void skip_zones(thread_ring& r) noexcept {
  tl_cursor.lost = &r.lost;
  tl_cursor.skips = std::numeric_limits<std::uint32_t>::max();
  tl_cursor.limit = tl_cursor.cur.load(std::memory_order_relaxed);
}

// A reservation that failed, counted in the ring's losses; the owner thread is the only writer, so a
// plain add, no locked instruction on this hot failure path.
void count_lost(thread_ring& r) noexcept {
  r.lost.store(r.lost.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

}  // namespace

ring_registry& registry() noexcept {
  static ring_registry* reg = new ring_registry;  // never destroyed: threads may exit after main
  return *reg;
}

double ms_per_tick() noexcept {
  double v = g_ms_per_tick.load(std::memory_order_relaxed);
  if (v == 0.0) {
    v = measure_ms_per_tick(std::chrono::milliseconds(2));
    g_ms_per_tick.store(v, std::memory_order_relaxed);
  }
  return v;
}

void refine_calibration() noexcept {
  g_ms_per_tick.store(measure_ms_per_tick(std::chrono::milliseconds(2)), std::memory_order_relaxed);
}

void override_ms_per_tick(double v) noexcept { g_ms_per_tick.store(v, std::memory_order_relaxed); }

namespace {

// Reserves `n` slots leaving `keep` free, plus one in front for the count of exits lost since the
// last reservation if there are any, and writes that count there (published with the caller's event).
// nullptr when there is no room; the exits stay counted for the next reservation.
event* reserve_with_lost_exits(thread_ring& r, std::uint32_t n, std::size_t keep) noexcept {
  const std::uint32_t extra = tl_lost_exits != 0 ? 1 : 0;
  event* e = ring_reserve(r, n + extra, keep);
  if (e == nullptr || extra == 0) return e;
  e->a = timestamp();
  e->tag = control_tag(ctl_lost_exits) | (static_cast<std::uint64_t>(tl_lost_exits) << 32);
  tl_lost_exits = 0;
  return e + 1;
}

// Whether this thread lost a zone in the frame now open: it then records no more zones in it.
bool lost_in_this_frame() noexcept {
  return tl_lost_generation == g_frame_generation.load(std::memory_order_relaxed);
}

// reserve_slow() when it looks at the ring: registers the thread, wraps, or finds the ring full. A
// thread that lost a zone in this frame fails without looking: the zone it lost may still be open, and
// the zones that follow would be recorded under its parent instead of under it. Its calls in this frame
// are what it recorded before the first loss, each with its end (reserve_exit_slow).
[[gnu::noinline]] event* reserve_looking(std::uint32_t n) noexcept {
  thread_ring* r = this_ring();
  if (r == nullptr) return nullptr;
  event* e = lost_in_this_frame() ? nullptr : reserve_with_lost_exits(*r, n, r->headroom);
  if (e == nullptr) {
    tl_lost_generation = g_frame_generation.load(std::memory_order_relaxed);
    count_lost(*r);
    tl_cursor.lost = &r->lost;
    tl_cursor.skips = full_recheck_interval - 1;
    tl_cursor.limit = tl_cursor.cur.load(std::memory_order_relaxed);  // every zone to the slow path
  }
  return e;
}

}  // namespace

event* reserve_slow(std::uint32_t n) noexcept {
  if (skip_full()) return nullptr;  // the ring was full a moment ago: fail without looking
  return reserve_looking(n);
}

event* reserve_exit_slow() noexcept {
  thread_ring* r = this_ring();
  if (r == nullptr) return nullptr;
  // The headroom kept for frame begins (1/16 of the ring) is far more than the exits of the zones
  // open at once can take; a run of failing zones (tl_cursor.skips) goes on after this exit.
  event* e = reserve_with_lost_exits(*r, 1, 0);
  // After a loss in this frame, the next zone must still take the slow path (reserve_looking).
  if (e != nullptr && lost_in_this_frame()) tl_cursor.limit = e + 1;
  return e;
}

void leave_lost() noexcept {
  if (tl_ring != nullptr) ++tl_lost_exits;
}

// ---- frames -----------------------------------------------------------------------------------

namespace {

struct frame_control {
  std::mutex mu;
  std::shared_ptr<pending_frame> current;
  // The last frame begun: its timestamp and start, for the next frame's timestamp.
  double last_timestamp = 0.0;
  std::uint64_t last_begin_tsc = 0;
  // Frames begun while enabled that found no room in the ring, not yet reported by a recorded frame.
  std::uint64_t frames_lost = 0;
  // Slots the zones of the last frame recorded whole took in its thread's ring, plus a quarter, and
  // that thread (0 before one): a frame on that thread records its zones only if its ring has this
  // much room when it begins (begin_frame_noexcept).
  std::size_t expected_slots = 0;
  std::uint64_t expected_thread = 0;
};

frame_control& frames() noexcept {
  static frame_control* f = new frame_control;  // never destroyed, see registry()
  return *f;
}

std::atomic<std::uint64_t> g_next_frame_number{1};

double wall_now() noexcept {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The wall-clock time of a frame beginning at `begin_tsc`: the system clock, but never earlier than
// the previous frame's start plus the ticks since then, so that on one timeline frames never overlap
// (the system clock and the calibrated tick rate differ slightly). The caller holds fc.mu.
double frame_timestamp(frame_control& fc, std::uint64_t begin_tsc) noexcept {
  double t = wall_now();
  if (fc.last_begin_tsc != 0) {
    const auto ticks = static_cast<double>(static_cast<std::int64_t>(begin_tsc - fc.last_begin_tsc));
    t = std::max(t, fc.last_timestamp + ticks * ms_per_tick() / 1000.0);
  }
  fc.last_timestamp = t;
  fc.last_begin_tsc = begin_tsc;
  return t;
}

// Ends the open frame at `tsc`; the caller holds fc.mu.
std::shared_ptr<pending_frame> close_current(frame_control& fc, std::uint64_t tsc) noexcept {
  std::shared_ptr<pending_frame> p = std::move(fc.current);
  fc.current.reset();
  g_recording.store(0, std::memory_order_relaxed);
  p->end_tsc = tsc;
  if (tl_ring != nullptr && tl_ring->thread_id == p->thread_id) {
    p->lost_at_end = tl_ring->lost.load(std::memory_order_relaxed);
    p->has_lost_at_end = true;
    if (!p->zones_skipped) {
      // A zone that found no room would have taken 2 slots at least.
      const event* cur = tl_cursor.cur.load(std::memory_order_relaxed);
      const std::size_t slots = slots_between(*tl_ring, p->zones_from, cur) +
                                2 * static_cast<std::size_t>(p->lost_at_end - p->lost_at_begin);
      fc.expected_slots = slots + slots / 4;
      fc.expected_thread = tl_ring->thread_id;
    }
  }
  p->ms_per_tick = ms_per_tick();
  p->duration_ms = static_cast<double>(static_cast<std::int64_t>(tsc - p->begin_tsc)) * p->ms_per_tick;
  p->ended.store(true, std::memory_order_release);
  g_frames_closed.fetch_add(1, std::memory_order_release);
  return p;
}

}  // namespace

bool begin_frame_noexcept(std::uint64_t frame_number) noexcept {
  frame_control& fc = frames();
  collector_ensure_started();
  std::lock_guard lk(fc.mu);
  if (fc.current) close_current(fc, timestamp());
  if (!g_enabled.load(std::memory_order_relaxed)) return false;
  std::shared_ptr<pending_frame> p;
  try {
    p = std::make_shared<pending_frame>();
  } catch (...) {
    ++fc.frames_lost;
    return false;
  }
  p->number = frame_number;
  event* e = reserve_control(2);
  if (e == nullptr) {  // the next recorded frame reports it in `frames_lost`
    ++fc.frames_lost;
    return false;
  }
  p->frames_lost = std::exchange(fc.frames_lost, 0);
  p->self_ref = p;
  thread_ring& r = *tl_ring;
  p->thread_id = r.thread_id;
  // A frame records its zones whole or not at all: only if the ring has room for a frame like the
  // last one (at most half the ring, so that a frame larger than the ring still records what fits
  // once the collector has caught up). Otherwise its zones are counted in `overflow` at a few
  // instructions each; a frame whose zones outgrow the room it found still loses the zones that do
  // not fit, as before.
  const std::size_t need =
      fc.expected_thread == r.thread_id ? std::min(fc.expected_slots, (r.slots - r.headroom) / 2) : 0;
  p->zones_skipped = free_slots(r, e + 2) < need + r.headroom;
  p->begin_tsc = timestamp();
  p->timestamp = frame_timestamp(fc, p->begin_tsc);
  e[0].a = p->begin_tsc;
  e[0].tag = control_tag(ctl_begin);
  e[1].a = reinterpret_cast<std::uint64_t>(p.get());
  e[1].tag = frame_number;
  publish(e + 2);
  p->zones_from = e + 2;
  p->lost_at_begin = r.lost.load(std::memory_order_relaxed);
  if (p->zones_skipped) skip_zones(r);
  fc.current = std::move(p);
  g_frame_generation.fetch_add(1, std::memory_order_relaxed);
  const std::uint32_t kinds = g_recorded_kinds.load(std::memory_order_relaxed);
  fc.current->skipped_kinds = zone_kinds_all & ~kinds;
  g_recording.store(kinds | recording_frame_root, std::memory_order_relaxed);
  return true;
}

void end_frame_noexcept() noexcept { (void)yams::end_frame(); }

std::uint64_t frames_lost_pending() noexcept {
  frame_control& fc = frames();
  std::lock_guard lk(fc.mu);
  return fc.frames_lost;
}

std::uint64_t next_frame_number() noexcept {
  return g_next_frame_number.fetch_add(1, std::memory_order_relaxed);
}

int profile_switch_from_env(const char* value) noexcept {
  if (value == nullptr) return 0;
  std::string_view v(value);
  const auto is = [v](std::string_view word) {
    return v.size() == word.size() && std::equal(v.begin(), v.end(), word.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  };
  if (is("1") || is("true") || is("yes") || is("on")) return 1;
  if (v.empty() || is("0") || is("false") || is("no") || is("off")) return 0;
  return -1;
}

std::int64_t skipped_kinds_from_env(std::string_view value, std::string& error) {
  std::uint32_t kinds = 0;
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  std::size_t item = 0;
  while (true) {
    const std::size_t comma = value.find(',');
    std::string_view name = value.substr(0, comma);
    while (!name.empty() && blank(name.front())) name.remove_prefix(1);
    while (!name.empty() && blank(name.back())) name.remove_suffix(1);
    ++item;
    const bool only = item == 1 && comma == std::string_view::npos;
    if (name.empty() && !only) {
      error = "name " + std::to_string(item) + " is empty";
      return -1;
    }
    if (!name.empty()) {
      const std::uint32_t bit = zone_kind_from_name(name);
      if (bit == 0) {
        error = "unknown zone kind \"" + std::string(name) + "\" (expected " + std::string(zone_kind_choices) + ")";
        return -1;
      }
      kinds |= bit;
    }
    if (comma == std::string_view::npos) return kinds;
    value.remove_prefix(comma + 1);
  }
}

}  // namespace yams::detail

namespace yams {

using namespace detail;

void enable() noexcept {
  g_enabled.store(true, std::memory_order_relaxed);
  collector_ensure_started();
}

void disable() noexcept {
  frame_control& fc = frames();
  std::lock_guard lk(fc.mu);
  g_enabled.store(false, std::memory_order_relaxed);
  g_recording.store(0, std::memory_order_relaxed);
  if (fc.current) {
    fc.current->discarded = true;
    fc.frames_lost += std::exchange(fc.current->frames_lost, 0);  // still to be reported
  }
}

bool enabled() noexcept { return g_enabled.load(std::memory_order_relaxed); }

void set_recorded_kinds(std::uint32_t kinds) noexcept {
  g_recorded_kinds.store(kinds & zone_kinds_all, std::memory_order_relaxed);
}

std::uint32_t recorded_kinds() noexcept { return g_recorded_kinds.load(std::memory_order_relaxed); }

void begin_frame(std::uint64_t frame_number) noexcept { (void)begin_frame_noexcept(frame_number); }

finished_frame end_frame() noexcept {
  const std::uint64_t tsc = timestamp();
  frame_control& fc = frames();
  std::shared_ptr<pending_frame> p;
  {
    std::lock_guard lk(fc.mu);
    if (!fc.current) return {};
    const bool discarded = fc.current->discarded;
    p = close_current(fc, tsc);
    if (discarded) return {};
  }
  return finished_frame(std::move(p));
}

void record_rollback(int frames_resimulated, double target_timestamp, double snapshot_age_ms) noexcept {
  // JSON has no NaN or infinity (written as null, which no reader takes as a time): record 0, and say so
  // once, rather than make the frame and the session file holding it unreadable.
  static std::atomic<bool> warned{false};
  for (auto [value, name] : {std::pair{&target_timestamp, "target_timestamp"}, std::pair{&snapshot_age_ms, "snapshot_age_ms"}}) {
    if (std::isfinite(*value)) continue;
    if (!warned.exchange(true))
      std::fprintf(stderr, "yams: record_rollback: %s is %f, not a finite number; recorded as 0 (reported once)\n",
                   name, *value);
    *value = 0.0;
  }
  frame_control& fc = frames();
  std::lock_guard lk(fc.mu);
  if (!fc.current || fc.current->discarded) return;
  fc.current->rollback = RollbackInfo{true, target_timestamp, frames_resimulated, snapshot_age_ms};
}

void set_max_calls_per_frame(std::size_t n) noexcept { g_max_calls.store(n, std::memory_order_relaxed); }

void set_thread_ring_size(std::size_t slots) noexcept {
  registry().ring_slots.store(std::max(slots, min_ring_slots), std::memory_order_relaxed);
}

namespace {

SessionInfo make_session() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  localtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d_%H-%M-%S", &tm);
  std::random_device rd;
  std::mt19937 gen(rd());
  char id[64];
  std::snprintf(id, sizeof id, "%s_%08x", stamp, static_cast<unsigned>(gen()));
  return SessionInfo{id, std::chrono::duration<double>(now.time_since_epoch()).count()};
}

// Reads YAMS_PROFILE and YAMS_PROFILE_SKIP_KINDS; a value it cannot read is named on stderr and
// changes nothing (profiling off, every kind recorded).
void apply_environment() {
  const char* on = std::getenv("YAMS_PROFILE");
  const int sw = profile_switch_from_env(on);
  if (sw == 1) g_enabled.store(true, std::memory_order_relaxed);
  if (sw < 0)
    std::fprintf(stderr,
                 "yams: YAMS_PROFILE=%s is not one of 1, true, yes, on, 0, false, no, off; profiling stays off\n", on);
  if (const char* skip = std::getenv("YAMS_PROFILE_SKIP_KINDS"); skip != nullptr) {
    std::string error;
    const std::int64_t kinds = skipped_kinds_from_env(skip, error);
    if (kinds < 0) {
      std::fprintf(stderr, "yams: YAMS_PROFILE_SKIP_KINDS=%s: %s; recording every kind\n", skip, error.c_str());
    } else {
      g_recorded_kinds.store(zone_kinds_all & ~static_cast<std::uint32_t>(kinds), std::memory_order_relaxed);
    }
  }
}

// Runs at process start in the TU every probe references (g_recording), so static linking keeps it.
const bool g_started = [] {
  (void)detail::origin();
  (void)session();
  apply_environment();
  return true;
}();

}  // namespace

const SessionInfo& session() noexcept {
  static const SessionInfo s = make_session();
  return s;
}

}  // namespace yams
