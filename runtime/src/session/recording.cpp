// start_recording / stop_recording: a frame listener on the collector thread appending each finished
// frame's already serialised JSON to a streaming session file, one flushed line per frame.
#include <yams/session.hpp>
#include <yams/yams.hpp>

#include "collector.hpp"
#include "frame_bus.hpp"

#include <cstdio>
#include <memory>
#include <mutex>
#include <string_view>

namespace yams {
namespace {

struct recording {
  std::shared_ptr<session_writer> writer;
  std::uint64_t listener = 0;
};

std::mutex g_mutex;
recording g_recording_state;  // guarded by g_mutex

constexpr std::string_view message_prefix = "{\"type\":\"profile_frame\",\"data\":";

// The frame object inside a `{"type":"profile_frame","data":{...}}` message, or empty if the message
// does not have that exact shape.
std::string_view frame_object(std::string_view message) {
  if (message.size() < message_prefix.size() + 2 || !message.starts_with(message_prefix) ||
      message.back() != '}')
    return {};
  return message.substr(message_prefix.size(), message.size() - message_prefix.size() - 1);
}

void write_frame(session_writer& w, const detail::published_frame& f) {
  std::string_view obj = f.message ? frame_object(*f.message) : std::string_view();
  if (!obj.empty()) {
    w.write_json(obj);
  } else if (f.frame) {
    w.write(*f.frame);
  }
}

}  // namespace

void start_recording(const std::string& path) {
  stop_recording();
  auto writer = std::make_shared<session_writer>(path, session());
  auto failed = std::make_shared<bool>(false);
  const std::uint64_t id = detail::add_frame_listener([writer, failed](const detail::published_frame& f) {
    if (*failed) return;
    try {
      write_frame(*writer, f);
    } catch (const std::exception& e) {
      // The collector thread cannot throw: report once and stop writing this file.
      *failed = true;
      std::fprintf(stderr, "yams: recording stopped: %s\n", e.what());
    }
  });
  std::lock_guard lock(g_mutex);
  g_recording_state = recording{std::move(writer), id};
}

std::size_t stop_recording() {
  // Frames already ended belong in the file: wait until the collector has assembled and published them.
  (void)history();
  recording r;
  {
    std::lock_guard lock(g_mutex);
    r = std::exchange(g_recording_state, recording{});
  }
  if (!r.writer) return 0;
  detail::remove_frame_listener(r.listener);
  r.writer->set_frames_lost_at_end(detail::frames_lost_pending());
  r.writer->close();
  return r.writer->frames_written();
}

}  // namespace yams
