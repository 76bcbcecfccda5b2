// Internal hand-over of finished frames from the collector thread to in-process consumers (the
// broadcast callback, the live server). Each frame is serialised once per encoding some consumer asked
// for (JSON, compact); every consumer shares the text.
#pragma once

#include <yams/frame.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace yams::detail {

/// A finished frame as consumers receive it.
struct published_frame {
  std::shared_ptr<const FrameProfile> frame;
  /// `{"type":"profile_frame","data":<frame JSON>}`, serialised once for all consumers; null when no
  /// listener needed it (consumers then serialise `frame` themselves).
  std::shared_ptr<const std::string> message;
  /// `{"type":"profile_frame","encoding":"compact","data":<compact frame>}`, or null likewise.
  std::shared_ptr<const std::string> compact;
};

/// The serialisations a listener wants with the next frame.
struct frame_needs {
  bool json = true;
  bool compact = false;
};

using frame_listener = std::function<void(const published_frame&)>;
/// Asked on the collector thread before each frame is serialised; must not block.
using frame_needs_fn = std::function<frame_needs()>;

/// Registers `fn`, called on the collector thread for each finished frame, in frame order, with the
/// encodings `needs` asks for (JSON only when `needs` is empty). Returns an id for
/// remove_frame_listener. Any thread.
std::uint64_t add_frame_listener(frame_listener fn, frame_needs_fn needs = {});
/// Unregisters; once this returns the listener is never called again. Any thread but the collector's.
void remove_frame_listener(std::uint64_t id);
/// The ring of the last frames, oldest first, with the serialised messages `needs` asks for (built now
/// where missing). Any thread.
std::vector<published_frame> history_snapshot(frame_needs needs = {});
/// `{"type":"profile_frame","encoding":"compact","data":<compact frame>}`. Any thread.
std::string compact_frame_message(const FrameProfile& frame);

}  // namespace yams::detail
