// The collector thread: drains every thread's ring about once a millisecond, nests each thread's
// zones by enter/exit, cuts them into frames at each frame's end timestamp, formats labels and
// publishes the frames. Nothing here runs on the game thread unless a caller waits for a frame.
#include "collector.hpp"

#include "labels.hpp"
#include "ring.hpp"
#if YAMS_HAS_SERVER
#include "server/autostart.hpp"
#endif

#include <yams/yams.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <pthread.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif
#include <span>
#include <sys/mman.h>
#include <thread>
#include <unistd.h>

namespace yams::detail {

namespace {

using namespace std::chrono_literals;

// Drops a trailing incomplete UTF-8 sequence (a captured string cut at max_captured_string).
void trim_partial_utf8(std::string& s) {
  std::size_t i = s.size();
  std::size_t back = 0;
  while (i > 0 && back < 4 && (static_cast<unsigned char>(s[i - 1]) & 0xC0) == 0x80) {
    --i;
    ++back;
  }
  if (i == 0) return;
  const auto lead = static_cast<unsigned char>(s[i - 1]);
  std::size_t need = 0;
  if ((lead & 0xE0) == 0xC0) need = 1;
  else if ((lead & 0xF0) == 0xE0) need = 2;
  else if ((lead & 0xF8) == 0xF0) need = 3;
  else return;
  if (back < need) s.resize(i - 1);
}

// Frames whose last owner let them go come back here, and the next frames reuse their calls: a
// reused CallNode's strings and args keep their buffers, so assembling a frame like the previous
// one allocates almost nothing (malloc, free and fresh pages were most of the collector's time).
class frame_pool {
 public:
  static constexpr std::size_t capacity = 4;

  // A frame with no calls of its own or a recycled one, every field but `calls` reset.
  std::unique_ptr<FrameProfile> take() {
    FrameProfile* f = nullptr;
    {
      std::lock_guard lk(mu_);
      if (count_ > 0) f = frames_[--count_];
    }
    if (f == nullptr) return std::make_unique<FrameProfile>();
    std::vector<CallNode> calls = std::move(f->calls);
    *f = FrameProfile{};
    f->calls = std::move(calls);
    return std::unique_ptr<FrameProfile>(f);
  }

  // The deleter of published frames. Any thread.
  void give(FrameProfile* f) noexcept {
    {
      std::lock_guard lk(mu_);
      if (count_ < capacity) {
        frames_[count_++] = f;
        return;
      }
    }
    delete f;
  }

 private:
  std::mutex mu_;
  std::array<FrameProfile*, capacity> frames_{};
  std::size_t count_ = 0;
};

frame_pool& the_frame_pool() noexcept {
  static frame_pool* p = new frame_pool;  // never destroyed: frames may be released during exit
  return *p;
}

struct recycle_frame {
  void operator()(FrameProfile* f) const noexcept { the_frame_pool().give(f); }
};

// The next call of a frame being assembled: a recycled node (its buffers kept) or a new one.
// `spare` holds nodes left over when a recycled frame was longer than the frame that reused it.
CallNode& next_call(FrameProfile& out, std::size_t& used, std::vector<CallNode>& spare) {
  if (used == out.calls.size()) {
    ++used;
    if (spare.empty()) return out.calls.emplace_back();
    out.calls.push_back(std::move(spare.back()));
    spare.pop_back();
  } else {
    ++used;
  }
  CallNode& c = out.calls[used - 1];
  c.parent_id.reset();
  c.label.clear();
  c.args.clear();
  c.entity_id.reset();
  return c;
}

// Faults in the next part of `r`'s storage, `prefault_chunk` bytes a pass, so that the recording
// thread does not take a page fault for every 4 KiB of a ring it has not yet written through: its
// storage is not touched when allocated (recorder.cpp), and unpaced the demo's game thread went
// through ~64 pages a frame. MADV_POPULATE_WRITE leaves the contents alone, so the writer may be
// writing there meanwhile. Before Linux 5.14 it fails, and the writer faults pages in itself.
void prefault_some(thread_ring& r) noexcept {
#if defined(MADV_POPULATE_WRITE)
  constexpr std::size_t prefault_chunk = std::size_t{8} << 20;
  const std::size_t total = r.slots * sizeof(event);
  if (r.prefaulted >= total) return;
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  char* const base = reinterpret_cast<char*>(r.begin);
  const std::uintptr_t from = reinterpret_cast<std::uintptr_t>(base + r.prefaulted) & ~(page - 1);
  const std::uintptr_t to = std::min(from + prefault_chunk, reinterpret_cast<std::uintptr_t>(base + total));
  if (::madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE) != 0) {
    r.prefaulted = total;  // not supported here: leave it to the writer
    return;
  }
  r.prefaulted = static_cast<std::size_t>(to - reinterpret_cast<std::uintptr_t>(base));
#else
  (void)r;
#endif
}

#if defined(__x86_64__) && defined(__GNUC__)
bool has_clflushopt() noexcept {
  unsigned a = 0, b = 0, c = 0, d = 0;
  return __get_cpuid_count(7, 0, &a, &b, &c, &d) != 0 && (b & (1u << 23)) != 0;
}
#endif

// Evicts the whole cache lines of [from, to), events the collector has parsed, from every cache.
// The writer comes back to them a ring later: without this it had to take each line back from this
// core's caches, and recording the demo's zones cost its game thread ~0.6 points more (+7.7% against
// +7.1%, seven alternating pairs of runs; docs/performance.md). The line holding `to` is left alone:
// the writer may still be filling it. A no-op off x86.
void evict([[maybe_unused]] const event* from, [[maybe_unused]] const event* to) noexcept {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool opt = has_clflushopt();
  constexpr std::uintptr_t line = 64;
  const auto end = reinterpret_cast<std::uintptr_t>(to) & ~(line - 1);
  for (auto p = reinterpret_cast<std::uintptr_t>(from) & ~(line - 1); p < end; p += line) {
    const auto* q = reinterpret_cast<const char*>(p);
    if (opt) {
      asm volatile("clflushopt %0" : : "m"(*q));
    } else {
      asm volatile("clflush %0" : : "m"(*q));
    }
  }
#endif
}

struct inflight {
  std::shared_ptr<pending_frame> p;
  std::uint64_t thread_id = 0;
};

class collector {
 public:
  void ensure_started() noexcept;
  void wake() noexcept;
  void wait_assembled();
  void pause(bool paused) noexcept;
  void shutdown() noexcept;

 private:
  void main_loop();
  bool run_pass();
  void run_passes_until(std::uint64_t closed);
  void drain(thread_ring& r, event* cur, std::vector<inflight>& begun);
  void parse(thread_ring& r, event* p, event* to, std::vector<inflight>& begun);
  event* on_enter(thread_ring& r, event* p, event* to);
  void on_exit(thread_ring& r, std::uint64_t tsc);
  void on_frame_begin(thread_ring& r, std::uint64_t begin_tsc);
  void count_from_latest_begin(thread_ring& r, std::uint64_t start);
  void cut(inflight& f);
  void take_prefix(thread_ring& r, const pending_frame& p, FrameProfile* out, std::size_t& used);

  std::mutex mu_;
  std::condition_variable cv_;       // wakes the collector
  std::condition_variable done_cv_;  // a pass finished
  bool wake_ = false;
  bool stop_ = false;
  bool paused_ = false;
  bool running_ = false;
  bool exiting_ = false;
  bool atexit_done_ = false;
  std::uint64_t processed_ = 0;
  std::thread thread_;
  std::atomic<bool> started_{false};

  // Pass state, guarded by pass_mu_ (in practice only the collector thread takes it).
  std::mutex pass_mu_;
  std::deque<inflight> frames_;
  struct ring_at {
    thread_ring* r;
    event* cur;  // written up to here when the pass began
    bool retired;
  };
  std::vector<ring_at> snapshot_;  // the rings of this pass
  std::vector<thread_ring*> rings_;  // the rings frames are cut from
  // Begin timestamps of the latest frames, ascending: where another thread's call cap restarts.
  std::vector<std::uint64_t> begins_;
  static constexpr std::size_t kept_begins = 8;
  std::uint64_t frame_thread_ = 0;  // the thread that began the latest frame
  site_cache sites_;
  std::uint64_t next_id_ = 1;
  std::vector<CallNode> spare_calls_;  // see next_call()
  // The spare nodes kept: at least min_spare_calls, and twice the largest recent frame. Frames come
  // back for reuse 60 frames later (the history), and unpaced most are begun without room and have
  // no calls, so the nodes a frame needs arrive unevenly: with a fixed 16,384 the demo's re-simulating
  // frames (~20,000 calls) freed nodes that the next large frames allocated again (uneven-frames
  // benchmark: 4.7 against 5.8 M calls/s; docs/performance.md).
  static constexpr std::size_t min_spare_calls = 16'384;
  std::size_t recent_largest_frame_ = 0;  // decays by 1/256 a frame

  // Cuts `calls` to its first `used` nodes, keeping the rest (and their buffers) for later frames.
  void keep_spare_calls(std::vector<CallNode>& calls, std::size_t used) {
    recent_largest_frame_ = std::max(used, recent_largest_frame_ - recent_largest_frame_ / 256);
    const std::size_t max_spare = std::max(min_spare_calls, 2 * recent_largest_frame_);
    while (calls.size() > used) {
      if (spare_calls_.size() < max_spare) {
        try {
          spare_calls_.push_back(std::move(calls.back()));
        } catch (...) {
          // No room to keep it: it is simply freed.
        }
      }
      calls.pop_back();
    }
    // What the decayed maximum no longer asks for is freed.
    if (spare_calls_.size() > max_spare)
      spare_calls_.erase(spare_calls_.begin() + static_cast<std::ptrdiff_t>(max_spare), spare_calls_.end());
  }
};

std::atomic<void (*)()> g_drain_hook{nullptr};

collector& the_collector() noexcept {
  static collector* c = new collector;  // never destroyed: threads may use it during exit
  return *c;
}

void collector::ensure_started() noexcept {
  if (started_.load(std::memory_order_acquire)) return;
  (void)ms_per_tick();
  std::lock_guard lk(mu_);
  if (running_ || exiting_) return;
  try {
    stop_ = false;
    thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "yams-collector");  // for profilers, debuggers and the benchmark
      main_loop();
    });
    running_ = true;
    started_.store(true, std::memory_order_release);
    if (!atexit_done_) {
      atexit_done_ = true;
      std::atexit([] {
        collector& c = the_collector();
        {
          std::lock_guard g(c.mu_);
          c.exiting_ = true;
        }
        c.shutdown();
      });
    }
  } catch (...) {
    // No thread: frames are assembled by whoever waits for them.
  }
}

void collector::wake() noexcept {
  ensure_started();
  std::lock_guard lk(mu_);
  wake_ = true;
  cv_.notify_one();
}

void collector::wait_assembled() {
  const std::uint64_t target = g_frames_closed.load(std::memory_order_acquire);
  ensure_started();
  std::unique_lock lk(mu_);
  if (!running_) {
    lk.unlock();
    run_passes_until(target);
    return;
  }
  wake_ = true;
  cv_.notify_one();
  done_cv_.wait(lk, [&] { return processed_ >= target || !running_ || paused_; });
}

void collector::pause(bool paused) noexcept {
  {
    std::lock_guard lk(mu_);
    paused_ = paused;
    wake_ = true;
    cv_.notify_one();
    done_cv_.notify_all();
  }
  std::lock_guard wait_for_pass(pass_mu_);  // a pass under way ends; later ones see paused_
}

void collector::shutdown() noexcept {
  std::thread t;
  {
    std::lock_guard lk(mu_);
    if (!running_ || thread_.get_id() == std::this_thread::get_id()) return;
    stop_ = true;
    cv_.notify_one();
    t = std::move(thread_);
  }
  t.join();
  std::lock_guard lk(mu_);
  running_ = false;
  started_.store(false, std::memory_order_release);
  done_cv_.notify_all();
}

namespace {
constinit thread_local bool tl_is_collector = false;
}  // namespace

void collector::main_loop() {
  tl_is_collector = true;
  auto last_calibration = std::chrono::steady_clock::now();
  bool again = false;
  for (;;) {
    bool stop = false;
    {
      std::unique_lock lk(mu_);
      if (!again) {
        const auto poll = g_enabled.load(std::memory_order_relaxed) ? 1ms : 20ms;
        cv_.wait_for(lk, poll, [&] { return wake_ || stop_; });
      }
      wake_ = false;
      stop = stop_;
      if (paused_ && !stop) {
        again = false;
        continue;
      }
    }
    try {
      again = run_pass();
      if (stop) {
        run_passes_until(g_frames_closed.load(std::memory_order_acquire));
        return;
      }
    } catch (...) {
      // Out of memory while assembling: try again at the next poll rather than terminate.
      again = false;
      if (stop) return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last_calibration > 1s) {
      refine_calibration();
      last_calibration = now;
    }
  }
}

// Passes until the first `closed` frames closed are cut: not until no ended frame is left, which
// never comes while another thread goes on ending frames (it hung std::exit).
void collector::run_passes_until(std::uint64_t closed) {
  for (;;) {
    {
      std::lock_guard lk(mu_);
      if (processed_ >= closed) return;
    }
    if (!run_pass()) return;
  }
}

// One pass: note which frames had ended, drain every ring, cut those frames. Returns whether a
// frame is ended but not yet cut (another pass is due at once).
bool collector::run_pass() {
  std::lock_guard pass(pass_mu_);
  {
    std::lock_guard lk(mu_);
    if (paused_ && !stop_) return false;
  }
  std::size_t ended = 0;
  while (ended < frames_.size() && frames_[ended].p->ended.load(std::memory_order_acquire)) ++ended;

  std::vector<inflight> begun;
  ring_registry& reg = registry();
  {
    // Under the registry lock only the rings and how far each was written; a thread registering its
    // first ring (its first zone) or retiring it (exiting) waits for this copy, not for the drain.
    std::lock_guard lk(reg.mu);
    snapshot_.clear();
    for (thread_ring* r : reg.rings)
      snapshot_.push_back({r, r->retired ? r->final_cur : r->cursor->load(std::memory_order_acquire), r->retired});
  }
  if (void (*hook)() = g_drain_hook.load(std::memory_order_acquire)) hook();
  // The frame thread's rings first, so that the frames they begin are known when other threads'
  // zones are counted against the call cap.
  // (Others keep their registration order, the order their calls appear in a frame.)
  auto frame_rings_end = snapshot_.begin();
  for (auto it = snapshot_.begin(); it != snapshot_.end(); ++it)
    if (it->r->thread_id == frame_thread_) std::rotate(frame_rings_end++, it, it + 1);
  // Rings leave reg.rings only below, on this thread, so they stay valid while drained unlocked.
  for (const ring_at& s : snapshot_) {
    if (!s.retired) prefault_some(*s.r);
    drain(*s.r, s.cur, begun);
  }
  // Every ring has been read up to this pass's snapshot: the next pass needs only the latest begins
  // (a few, as a thread's snapshot can precede the frame thread's by a moment).
  if (begins_.size() > kept_begins)
    begins_.erase(begins_.begin(), begins_.end() - static_cast<std::ptrdiff_t>(kept_begins));
  rings_.clear();
  std::vector<std::unique_ptr<thread_ring>> freed;  // deleted after the lock is released
  {
    std::lock_guard lk(reg.mu);
    for (const ring_at& s : snapshot_) {
      thread_ring& r = *s.r;
      const bool attributed = r.lost.load(std::memory_order_relaxed) == r.lost_seen;
      if (s.retired && r.nodes.empty() && r.dropped.empty() && attributed) {
        std::erase(reg.rings, &r);
        if (reg.pool.size() < max_pooled_rings && r.slots == reg.ring_slots.load(std::memory_order_relaxed)) {
          r.reset_collector_state();
          reg.pool.push_back(&r);
        } else {
          freed.emplace_back(&r);
        }
      } else {
        rings_.push_back(&r);
      }
    }
  }
  freed.clear();
  std::sort(begun.begin(), begun.end(),
            [](const inflight& a, const inflight& b) { return a.p->begin_tsc < b.p->begin_tsc; });
  for (auto& b : begun) frames_.push_back(std::move(b));

  std::uint64_t cut_count = 0;
  for (; ended > 0; --ended, ++cut_count) {
    cut(frames_.front());
    frames_.pop_front();
  }
  {
    std::lock_guard lk(mu_);
    processed_ += cut_count;
    done_cv_.notify_all();
  }
  return !frames_.empty() && frames_.front().p->ended.load(std::memory_order_acquire);
}

void collector::drain(thread_ring& r, event* cur, std::vector<inflight>& begun) {
  event* rd = r.read.load(std::memory_order_relaxed);
  if (cur == nullptr || cur == rd) return;
  if (cur > rd) {
    parse(r, rd, cur, begun);
    evict(rd, cur);
  } else {
    parse(r, rd, r.end, begun);
    parse(r, r.begin, cur, begun);
    evict(rd, r.end);
    evict(r.begin, cur);
  }
  r.read.store(cur, std::memory_order_release);
}

void collector::parse(thread_ring& r, event* p, event* to, std::vector<inflight>& begun) {
  while (p < to) {
    const std::uint64_t tag = p->tag;
    if ((tag & 7) == 0) {
      p = on_enter(r, p, to);
      continue;
    }
    const std::uint64_t low = tag & 0xff;
    if (low == tag_exit) {
      on_exit(r, p->a);
      ++p;
    } else if (low == tag_control) {
      const std::uint64_t code = (tag >> 8) & 0xff;
      if (code == ctl_wrap) return;
      if (code == ctl_begin && p + 1 < to) {
        auto* pf = reinterpret_cast<pending_frame*>(p[1].a);
        inflight f{std::move(pf->self_ref), r.thread_id};
        begun.push_back(std::move(f));
        on_frame_begin(r, p->a);
        p += 2;
      } else if (code == ctl_lost_exits) {
        for (std::uint64_t k = tag >> 32; k > 0; --k) on_exit(r, p->a);
        ++p;
      } else {
        ++p;
      }
    } else {
      ++p;  // a value slot without its enter: skip it
    }
  }
}

event* collector::on_enter(thread_ring& r, event* p, event* to) {
  const auto* s = reinterpret_cast<const site*>(p->tag);
  const std::uint64_t start = p->a;
  ++p;
  count_from_latest_begin(r, start);
  const std::int64_t next = r.base + static_cast<std::int64_t>(r.nodes.size());
  const auto counted = static_cast<std::size_t>(next - std::max(r.cap_from, r.base));
  const bool keep = counted < g_max_calls.load(std::memory_order_relaxed);
  node_rec* n = nullptr;
  if (keep) {
    node_rec& rec = r.nodes.emplace_back();
    rec.s = s;
    rec.start = start;
    rec.parent = r.stack.empty() ? -1 : r.stack.back();
    rec.first_value = r.values_base + r.values.size();
    r.stack.push_back(r.base + static_cast<std::int64_t>(r.nodes.size()) - 1);
    n = &rec;
  } else {
    if (!r.dropped.empty() && r.dropped.back().epoch == r.epoch) {
      ++r.dropped.back().count;
    } else {
      r.dropped.push_back({start, 1, r.epoch});
    }
    r.stack.push_back(-1);
  }
  for (std::uint32_t i = 0; i < s->arg_count && p < to; ++i) {
    const std::uint64_t tag = p->tag;
    const std::uint64_t low = tag & 0xff;
    if (low == tag_value) {
      if (n) {
        r.values.push_back(captured{(tag >> 8) & 0xff, p->a, false, {}});
        ++n->value_count;
      }
      ++p;
    } else if (low == tag_string) {
      const std::size_t len = tag >> 32;
      const std::size_t raw = len > 8 ? (len - 8 + 15) / 16 : 0;
      if (p + 1 + raw > to) return to;
      if (n) {
        captured c{0, 0, ((tag >> 8) & 1) != 0, std::string(len, '\0')};
        std::memcpy(c.text.data(), &p->a, std::min<std::size_t>(len, 8));
        if (len > 8) std::memcpy(c.text.data() + 8, static_cast<const void*>(p + 1), len - 8);
        if (c.truncated) trim_partial_utf8(c.text);
        r.values.push_back(std::move(c));
        ++n->value_count;
      }
      p += 1 + raw;
    } else {
      break;
    }
  }
  return p;
}

// The call cap counts a thread's calls from the begin of the frame they fall in: on the frame
// thread from its begin event, on other threads from the latest begin at or before each call.
void collector::on_frame_begin(thread_ring& r, std::uint64_t begin_tsc) {
  frame_thread_ = r.thread_id;
  auto at = std::upper_bound(begins_.begin(), begins_.end(), begin_tsc);
  if (at == begins_.begin() || at[-1] != begin_tsc) begins_.insert(at, begin_tsc);
  r.cap_from = r.base + static_cast<std::int64_t>(r.nodes.size());
  r.cap_since = begin_tsc;
  ++r.epoch;
}

void collector::count_from_latest_begin(thread_ring& r, std::uint64_t start) {
  if (begins_.empty() || begins_.back() <= r.cap_since || start <= r.cap_since) return;
  auto after = std::upper_bound(begins_.begin(), begins_.end(), start);
  if (after == begins_.begin() || after[-1] <= r.cap_since) return;
  r.cap_from = r.base + static_cast<std::int64_t>(r.nodes.size());
  r.cap_since = after[-1];
  ++r.epoch;  // drops over the cap from here on belong to that frame
}

void collector::on_exit(thread_ring& r, std::uint64_t tsc) {
  if (r.stack.empty()) return;
  const std::int64_t seq = r.stack.back();
  r.stack.pop_back();
  if (seq < r.base) return;  // over the cap, or already cut into an earlier frame
  node_rec& n = r.nodes[static_cast<std::size_t>(seq - r.base)];
  n.end = tsc;
  n.open = false;
}

void collector::cut(inflight& f) {
  pending_frame& p = *f.p;
  std::shared_ptr<FrameProfile> fp;
  if (!p.discarded) {
    try {
      fp = std::shared_ptr<FrameProfile>(the_frame_pool().take().release(), recycle_frame{});
      fp->frame = p.number;
      fp->timestamp = p.timestamp;
      fp->duration_ms = p.duration_ms;
      fp->rollback = p.rollback;
      fp->frames_lost = p.frames_lost;
      fp->skipped_kinds = p.skipped_kinds;
    } catch (...) {
      fp.reset();
    }
  }
  // The frame thread's calls first, then other threads' in registration order.
  std::size_t used = 0;
  for (thread_ring* r : rings_)
    if (r->thread_id == f.thread_id) take_prefix(*r, p, fp.get(), used);
  for (thread_ring* r : rings_)
    if (r->thread_id != f.thread_id) take_prefix(*r, p, fp.get(), used);
  if (fp) {
    keep_spare_calls(fp->calls, used);
    publish_frame(fp);
  }
  std::lock_guard lk(p.m);
  p.result = std::move(fp);
  p.ready = true;
  p.cv.notify_all();
}

void collector::take_prefix(thread_ring& r, const pending_frame& p, FrameProfile* out, std::size_t& used) {
  std::size_t k = 0;
  while (k < r.nodes.size() && static_cast<std::int64_t>(r.nodes[k].start - p.end_tsc) < 0) ++k;
  if (out != nullptr) {
    const double ns_per_tick = p.ms_per_tick * 1e6;
    const std::uint64_t first_id = next_id_;
    next_id_ += k;
    out->calls.reserve(used + k);
    for (std::size_t i = 0; i < k; ++i) {
      const node_rec& n = r.nodes[i];
      // A zone that began and ended between the previous frame's end and this one's begin (on another
      // thread, which saw g_recording just before the frame ended) belongs to no frame: it is left out
      // rather than shown as a zero-length call at this frame's start. Its children ended before it.
      if (!n.open && static_cast<std::int64_t>(n.end - p.begin_tsc) < 0) continue;
      CallNode& c = next_call(*out, used, spare_calls_);
      c.id = first_id + i;
      if (n.parent >= r.base) c.parent_id = first_id + static_cast<std::uint64_t>(n.parent - r.base);
      const std::uint64_t start = static_cast<std::int64_t>(n.start - p.begin_tsc) < 0 ? p.begin_tsc : n.start;
      std::uint64_t end = n.open || static_cast<std::int64_t>(n.end - p.end_tsc) > 0 ? p.end_tsc : n.end;
      if (static_cast<std::int64_t>(end - start) < 0) end = start;
      // Whole nanoseconds: finer than the clock means anything here, rounded alike for a call and
      // its children (so a child stays inside its parent), and written as short fixed-point text.
      const double start_ns = std::round(static_cast<double>(start - p.begin_tsc) * ns_per_tick);
      const double end_ns = std::round(static_cast<double>(end - p.begin_tsc) * ns_per_tick);
      c.start = start_ns / 1e6;
      c.duration = (end_ns - start_ns) / 1e6;
      c.thread = r.thread_id;
      sites_.describe(c, n.s, std::span(r.values).subspan(n.first_value - r.values_base, n.value_count));
    }
  }
  r.nodes.erase(r.nodes.begin(), r.nodes.begin() + static_cast<std::ptrdiff_t>(k));
  r.base += static_cast<std::int64_t>(k);
  const std::uint64_t kept_from = r.nodes.empty() ? r.values_base + r.values.size() : r.nodes.front().first_value;
  // Values of the calls just taken are dropped in batches: erasing them at every cut would move
  // every later frame's values again and again while the collector catches up on a full ring.
  const auto dead = static_cast<std::size_t>(kept_from - r.values_base);
  if (dead == r.values.size() || dead * 2 > r.values.size()) {
    r.values.erase(r.values.begin(), r.values.begin() + static_cast<std::ptrdiff_t>(dead));
    r.values_base = kept_from;
  }
  std::uint64_t overflow = 0;
  while (!r.dropped.empty() && static_cast<std::int64_t>(r.dropped.front().tsc - p.end_tsc) < 0) {
    overflow += r.dropped.front().count;
    r.dropped.pop_front();
  }
  // Zones the writer could not record: the frame thread's count as of end_frame, others' as of now.
  const std::uint64_t lost = r.thread_id == p.thread_id && p.has_lost_at_end
                                 ? p.lost_at_end
                                 : r.lost.load(std::memory_order_relaxed);
  if (lost > r.lost_seen) {
    overflow += lost - r.lost_seen;
    r.lost_seen = lost;
  }
  if (out != nullptr) out->overflow += overflow;
}

}  // namespace

void collector_ensure_started() noexcept {
  the_collector().ensure_started();
#if YAMS_HAS_SERVER
  start_server_from_environment();  // once: the live server when YAMS_PROFILE_PORT is set
#endif
}
void collector_wake() noexcept { the_collector().wake(); }
void collector_wait_assembled() { the_collector().wait_assembled(); }
bool on_collector_thread() noexcept { return tl_is_collector; }
void collector_pause(bool paused) noexcept { the_collector().pause(paused); }
void set_collector_drain_hook(void (*hook)()) noexcept { g_drain_hook.store(hook, std::memory_order_release); }

}  // namespace yams::detail

namespace yams {

const FrameProfile& finished_frame::operator*() const {
  static const FrameProfile empty;
  detail::pending_frame& p = *p_;
  {
    std::lock_guard lk(p.m);
    if (p.ready) return p.result ? *p.result : empty;
  }
  detail::collector_wake();
  std::unique_lock lk(p.m);
  while (!p.ready) {
    if (p.cv.wait_for(lk, std::chrono::milliseconds(50)) == std::cv_status::timeout) {
      lk.unlock();
      detail::collector_wait_assembled();  // assembles inline when no collector thread runs
      lk.lock();
    }
  }
  return p.result ? *p.result : empty;
}

std::uint64_t finished_frame::frame_number() const noexcept { return p_->number; }
double finished_frame::duration_ms() const noexcept { return p_->duration_ms; }

void shutdown() noexcept { detail::the_collector().shutdown(); }

}  // namespace yams
