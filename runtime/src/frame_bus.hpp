// Internal hand-over of finished frames from the collector thread to in-process consumers (the
// broadcast callback, the live server). Each frame is serialised once; every consumer shares the text.
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
  /// `{"type":"profile_frame","data":<frame JSON>}`, serialised once for all consumers.
  std::shared_ptr<const std::string> message;
};

using frame_listener = std::function<void(const published_frame&)>;

/// Registers `fn`, called on the collector thread for each finished frame, in frame order. Returns an
/// id for remove_frame_listener. Any thread.
std::uint64_t add_frame_listener(frame_listener fn);
/// Unregisters; once this returns the listener is never called again. Any thread but the collector's.
void remove_frame_listener(std::uint64_t id);
/// The ring of the last frames, oldest first, with their serialised messages. Any thread.
std::vector<published_frame> history_snapshot();

}  // namespace yams::detail
