// start_recording / stop_recording: a frame listener on the collector thread appending each finished
// frame's already serialised JSON to a streaming session file, one flushed line per frame. A write
// error stops the recording; stop_recording() then throws it.
#include <yams/session.hpp>
#include <yams/yams.hpp>

#include "collector.hpp"
#include "frame_bus.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace yams {
namespace {

// Set by the listener on the collector thread when a write fails (the recording then stops); read by
// stop_recording once the listener is removed.
struct recording_failure {
  bool failed = false;
  std::string what;
};

struct recording {
  std::string path;  // as start_recording() was given it, for messages
  std::shared_ptr<session_writer> writer;
  std::shared_ptr<recording_failure> failure;
  std::uint64_t listener = 0;
};

// Never destroyed: a recording started before main (a game object's constructor) is closed at exit,
// after this file's globals would have been destroyed.
struct recording_slot {
  std::mutex mutex;
  recording state;  // guarded by mutex
};
recording_slot& slot() {
  static auto* s = new recording_slot;
  return *s;
}

// From the collector thread (a broadcast callback, a frame listener) stop() would wait for that thread.
void refuse_on_collector_thread(const char* what) {
  if (detail::on_collector_thread())
    throw std::logic_error(std::string("yams::") + what +
                           ": not from the broadcast callback (it runs on the collector thread, which this "
                           "would wait for)");
}

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

// Says why a recording closed without frames, which a game that forgot to enable profiling would
// otherwise find out only from the empty file.
void say_why_empty(const std::string& path) {
  const char* why = enabled()
                        ? "no frame ended while it was open (yams::begin_frame/end_frame or a [[yams::frame]] function)"
                        : "profiling is off (call yams::enable() or run with YAMS_PROFILE=1)";
  std::fprintf(stderr, "yams: the recording %s holds no frames: %s\n", path.c_str(), why);
}

// Stops the current recording, if any: waits for the frames already ended, closes the file. Returns
// the frames written and, when a write error had stopped the recording, what failed.
std::size_t stop(std::string& failed) {
  // Frames already ended belong in the file: wait until the collector has assembled and published them.
  (void)history();
  recording r;
  {
    std::lock_guard lock(slot().mutex);
    r = std::exchange(slot().state, recording{});
  }
  if (!r.writer) return 0;
  detail::remove_frame_listener(r.listener);  // the listener is never called again: `failure` is ours
  r.writer->set_frames_lost_at_end(detail::frames_lost_pending());
  if (!r.failure->failed) {
    r.writer->close();
    if (r.writer->frames_written() == 0) say_why_empty(r.path);
    return r.writer->frames_written();
  }
  failed = r.failure->what;
  try {
    r.writer->close();  // no end line after a failed write
  } catch (const std::exception&) {
    // The failure that stopped the recording is the one to report.
  }
  return r.writer->frames_written();
}

}  // namespace

void start_recording(const std::string& path) {
  refuse_on_collector_thread("start_recording");
  std::string ignored;  // the previous recording's failure was reported when it happened
  stop(ignored);
  // A recording the game does not stop is closed at exit, with its last frames and its end line.
  static std::once_flag at_exit;
  std::call_once(at_exit, [] {
    std::atexit([] {
      std::string failed;  // reported on stderr when it happened
      try {
        (void)stop(failed);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "yams: closing the recording at exit: %s\n", e.what());
      }
    });
  });
  auto writer = std::make_shared<session_writer>(path, session());
  auto failure = std::make_shared<recording_failure>();
  const std::uint64_t id = detail::add_frame_listener([writer, failure](const detail::published_frame& f) {
    if (failure->failed) return;
    try {
      write_frame(*writer, f);
    } catch (const std::exception& e) {
      // The collector thread cannot throw: report once and stop writing this file; stop_recording()
      // throws it to the recording's owner.
      failure->failed = true;
      failure->what = e.what();
      std::fprintf(stderr, "yams: recording stopped: %s\n", e.what());
    }
  });
  std::lock_guard lock(slot().mutex);
  slot().state = recording{path, std::move(writer), std::move(failure), id};
}

std::size_t stop_recording() {
  refuse_on_collector_thread("stop_recording");
  std::string failed;
  const std::size_t n = stop(failed);
  if (!failed.empty())
    throw std::runtime_error("recording failed: " + failed + "; the file holds " + std::to_string(n) +
                             " complete frames and no end line");
  return n;
}

}  // namespace yams
