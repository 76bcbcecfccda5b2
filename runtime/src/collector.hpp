// The collector thread: drains every thread's ring, assembles frames, publishes them. Internal.
#pragma once

#include <yams/frame.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace yams::detail {

/// Starts the collector thread if it is not running (calibrating the clock first). Any thread.
void collector_ensure_started() noexcept;
/// Asks the collector to drain now instead of at its next poll. Any thread but the game loop's
/// hot path (it may lock).
void collector_wake() noexcept;
/// Returns once every frame closed before the call has been assembled (or dropped). Any thread but
/// the collector's.
void collector_wait_assembled();
/// Whether the calling thread is the collector's (where broadcast callbacks and frame listeners run:
/// functions that wait for the collector would wait for themselves there). Any thread.
bool on_collector_thread() noexcept;
/// Test hook: while paused the collector drains nothing, so rings fill up. Any thread.
void collector_pause(bool paused) noexcept;
/// Test hook: called by the collector in each pass, after it noted how far each ring was written and
/// before it drains them (outside the registry lock); nullptr to remove. Any thread.
void set_collector_drain_hook(void (*hook)()) noexcept;

/// Frames begun since the last recorded frame that could not be recorded: the count the next recorded
/// frame will report in `frames_lost` (stop_recording writes it in the session's end line). Any thread.
std::uint64_t frames_lost_pending() noexcept;

/// What the environment variable `YAMS_PROFILE` says: 1 for on (`1`, `true`, `yes`, `on`, any case),
/// 0 for off (unset, empty, `0`, `false`, `no`, `off`), -1 for anything else.
int profile_switch_from_env(const char* value) noexcept;
/// The zone kinds a `YAMS_PROFILE_SKIP_KINDS` value leaves out: kind names separated by commas
/// (spaces around them ignored), e.g. `lua_callback,engine`; empty for none. On an unknown or empty
/// name, returns -1 and sets `error` to a message naming it. Any thread.
std::int64_t skipped_kinds_from_env(std::string_view value, std::string& error);

/// Hands a finished frame to the history ring and the frame listeners. Collector thread.
void publish_frame(std::shared_ptr<const FrameProfile> frame);
/// `{"type":"profile_frame","data":<frame>}`. Any thread.
std::string profile_frame_message(const FrameProfile& frame);

}  // namespace yams::detail
