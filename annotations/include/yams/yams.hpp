// YAMS: a real-time frame profiler for C++ game engines. This is the one header engine code includes.
//
// Quickstart
// ----------
//   #include <yams/yams.hpp>
//
//   [[yams::frame("Frame")]] void Engine::update(double dt) { do_frame_update(dt); }
//   [[yams::profile("Frame Update")]] void Engine::do_frame_update(double dt) { ... }
//   [[yams::profile("ams.set_vy", "module=lua_api", "lua_callback", "args=entity_id,vy")]]
//   void Api::set_vy(const std::string& entity_id, double vy) { ... }
//
//   Options after the label: "module=NAME", "func=NAME", "lua_code", "lua_callback", "args=a,b"
//   ("args=" none, "args=*" all capturable, the default), "entity_id=NAME", and for frames
//   "number=NAME"; "{param}" in a label is formatted from that parameter. Full reference, supported
//   kinds of functions and diagnostics: docs/attributes.md.
//
//   CMake:   add_subdirectory(yams) (or find_package(yams CONFIG)); yams_profile(my_game)
//   Run:     YAMS_PROFILE=1 ./my_game            (or call yams::enable())
//   Watch:   yams::serve({}) in the game, then open the URL it prints and press F9.
//
// Layers
// ------
//   [[yams::profile]] --clang plugin--> yams::zone (probe.hpp) --16-byte events--> per-thread ring
//     --> collector thread (runtime): frames, labels, JSON --> ring of the last N frames
//         --> end_frame() result, broadcast callback, live server (server.hpp), session files
//
// Without the plugin the attributes are ignored and the program contains no probe at all.
#pragma once

#include <yams/frame.hpp>
#include <yams/probe.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace yams {

/// Turns recording on. Any thread. Profiling starts enabled when the environment variable
/// YAMS_PROFILE is 1, true, yes or on (any case; a value that is neither those nor 0, false, no or
/// off is named on stderr).
void enable() noexcept;
/// Turns recording off; an open frame is discarded. Any thread.
/// After fork() only the calling thread exists in the child, the collector not among them: a child that
/// does more than exec() must not record, call history() or dereference a finished_frame (they would
/// wait for it forever). Not async-signal-safe, like the rest of this API: not from signal handlers.
void disable() noexcept;
/// Whether recording is on. Any thread.
bool enabled() noexcept;

/// Records, from the next frame begun on, only the zones of these kinds (`zone_kind` bits or-ed
/// together; frame roots always record). The default is `zone_kinds_all`, or at start what the
/// environment variable YAMS_PROFILE_SKIP_KINDS leaves out (names separated by commas, e.g.
/// `lua_callback`; a name it does not know is named on stderr and every kind is recorded). A kind
/// left out costs its probes what profiling off costs them, so dense kinds can be dropped to make
/// recording cheaper: `zone_kinds_all & ~zone_kind_lua_callback` keeps the scripts' calls but not
/// the API callbacks they make (docs/attributes.md, "What a zone costs"). Bits beyond
/// `zone_kinds_all` are ignored. A frame keeps the kinds it began with, so each frame's tree is
/// consistent, and lists those it left out (FrameProfile::skipped_kinds). Any thread.
void set_recorded_kinds(std::uint32_t kinds) noexcept;
/// The kinds set_recorded_kinds() chose (`zone_kinds_all` by default). Any thread.
std::uint32_t recorded_kinds() noexcept;

/// Begins frame `frame_number` on the calling thread, which becomes the frame thread until
/// end_frame(). Does nothing when disabled. A frame still open is ended first.
void begin_frame(std::uint64_t frame_number) noexcept;

namespace detail {
struct pending_frame;
}

/// The result of end_frame(): cheap to obtain; the calls are assembled by the collector thread and
/// only waited for when dereferenced. Empty when profiling was disabled or no frame was begun.
class finished_frame {
 public:
  finished_frame() = default;
  explicit finished_frame(std::shared_ptr<detail::pending_frame> p) : p_(std::move(p)) {}
  /// Whether a frame was recorded.
  explicit operator bool() const noexcept { return p_ != nullptr; }
  /// The assembled frame; blocks until the collector has built it (waking it). Any thread but the
  /// collector's (not from inside the broadcast callback).
  const FrameProfile& operator*() const;
  const FrameProfile* operator->() const { return &**this; }
  /// The frame number, available at once (no wait). Any thread; the result must not be empty.
  std::uint64_t frame_number() const noexcept;
  /// The frame's duration in ms, available at once (no wait). Any thread; must not be empty.
  double duration_ms() const noexcept;

 private:
  std::shared_ptr<detail::pending_frame> p_;
};

/// Ends the frame begun on this thread and hands it to the collector. Returns the finished frame,
/// or an empty result when disabled or when no frame was begun. Call on the frame thread.
finished_frame end_frame() noexcept;

/// Sets the open frame's rollback record (`triggered` true). Any thread; ignored outside a frame. A
/// non-finite time (NaN, infinity) is recorded as 0, with a warning on stderr (once).
void record_rollback(int frames_resimulated, double target_timestamp, double snapshot_age_ms) noexcept;

/// Receives `{"type":"profile_frame","data":{...}}` as JSON text for every finished frame.
using broadcast_callback = std::function<void(std::string_view message)>;
/// Installs `cb` (an empty function removes it). `cb` runs on the collector thread, never on the game
/// thread, one frame at a time in frame order; after this returns the old callback is not called
/// again. Any thread; do not call from inside the callback.
void set_broadcast_callback(broadcast_callback cb);

/// The last finished frames, oldest first (at most history_size()). Any thread but the collector's
/// (not from inside the broadcast callback); waits for frames already ended to be assembled.
std::vector<std::shared_ptr<const FrameProfile>> history();
/// Number of frames kept (60 by default). Any thread.
std::size_t history_size() noexcept;
/// Keeps the last `n` frames from now on, dropping the oldest beyond it at once. Any thread.
void set_history_size(std::size_t n);

/// Cap on calls recorded per frame and thread (default 100,000); calls beyond it are counted in
/// FrameProfile::overflow. Any thread; applies to every frame the collector has not assembled yet.
void set_max_calls_per_frame(std::size_t n) noexcept;

/// Size, in 16-byte slots, of the event ring of each thread that starts recording after this call
/// (default 262,144 = 4 MiB; at least 256). A full ring drops zones and counts them in `overflow`.
/// When a thread exits, its ring is kept for the next thread to start, up to 8 such rings; the
/// others are freed once the collector has read them. Any thread.
void set_thread_ring_size(std::size_t slots) noexcept;

/// The session: its id (`YYYY-MM-DD_HH-MM-SS_xxxxxxxx`) and start time, fixed at process start.
const SessionInfo& session() noexcept;

/// Stops the collector thread after assembling every ended frame. Called automatically at exit.
void shutdown() noexcept;

}  // namespace yams
