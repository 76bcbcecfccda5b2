// start_recording / stop_recording with the real runtime: every finished frame lands in the file, as
// it happens, and nothing after stop_recording.
#include "session_test_util.hpp"

#include <yams/session.hpp>
#include <yams/yams.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace yams::test {
namespace {

constexpr site outer_site{"Outer", "recording_test", "outer", __FILE__, __LINE__, 0, nullptr, 0};
constexpr arg_desc inner_args[] = {{"entity_id", arg_entity_id | arg_in_args}};
constexpr site inner_site{"Inner {entity_id}", "recording_test", "inner", __FILE__, __LINE__, 0, inner_args, 1};

void run_frame(std::uint64_t n) {
  begin_frame(n);
  {
    zone outer(&outer_site);
    zone inner(&inner_site, "duck_7");
  }
  end_frame();
}

// The broadcast callback runs on the collector thread: starting or stopping a recording there would wait
// for that thread itself (it hung the collector). It is refused with an error saying why.
TEST(recording, the_broadcast_callback_cannot_start_or_stop_a_recording) {
  const std::string path = temp_path("from_callback.jsonl");
  std::mutex mu;
  std::vector<std::string> errors;
  set_broadcast_callback([&](std::string_view) {
    for (const bool start : {true, false}) {
      try {
        if (start) {
          start_recording(path);
        } else {
          (void)stop_recording();
        }
      } catch (const std::logic_error& e) {
        std::lock_guard lock(mu);
        errors.emplace_back(e.what());
      }
    }
  });
  enable();
  run_frame(1);
  run_frame(2);  // assembled only if the collector did not hang on the first
  (void)history();
  set_broadcast_callback({});
  disable();
  std::lock_guard lock(mu);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_NE(errors[0].find("yams::start_recording: not from the broadcast callback"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("yams::stop_recording: not from the broadcast callback"), std::string::npos) << errors[1];
}

TEST(recording, writes_every_finished_frame_and_stops) {
  const std::string path = temp_path("recording.jsonl");
  enable();
  start_recording(path);
  for (std::uint64_t n = 101; n <= 103; ++n) run_frame(n);
  (void)history();  // waits for the collector: the frames are in the file before stop_recording
  EXPECT_EQ(read_session(path).frames.size(), 3u);
  EXPECT_EQ(stop_recording(), 3u);
  run_frame(104);
  (void)history();
  disable();

  const Session s = read_session(path);
  EXPECT_EQ(s.info, session());
  ASSERT_EQ(s.frames.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const FrameProfile& f = s.frames[i];
    EXPECT_EQ(f.frame, 101 + i);
    ASSERT_EQ(f.calls.size(), 2u);
    EXPECT_EQ(f.calls[0].label, "Outer");
    EXPECT_FALSE(f.calls[0].parent_id.has_value());
    EXPECT_EQ(f.calls[1].label, "Inner duck_7");
    EXPECT_EQ(f.calls[1].parent_id, f.calls[0].id);
    EXPECT_EQ(f.calls[1].entity_id, "duck_7");
  }
  EXPECT_EQ(stop_recording(), 0u);
}

// A recording that closes without frames says why on stderr: profiling off (the usual mistake), or
// no frame ended. One with frames says nothing.
TEST(recording, a_recording_without_frames_says_why) {
  const std::string path = temp_path("empty.jsonl");
  disable();
  testing::internal::CaptureStderr();
  start_recording(path);
  run_frame(201);  // not recorded: profiling is off
  EXPECT_EQ(stop_recording(), 0u);
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "yams: the recording " + path + " holds no frames: profiling is off (call yams::enable() or run with "
            "YAMS_PROFILE=1)\n");

  enable();
  testing::internal::CaptureStderr();
  start_recording(path);
  EXPECT_EQ(stop_recording(), 0u);
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "yams: the recording " + path + " holds no frames: no frame ended while it was open "
            "(yams::begin_frame/end_frame or a [[yams::frame]] function)\n");

  testing::internal::CaptureStderr();
  start_recording(path);
  run_frame(202);
  EXPECT_EQ(stop_recording(), 1u);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  disable();
  EXPECT_EQ(read_session(path).frames.size(), 1u);
}

// A write error on the collector thread stops the recording; stop_recording() throws it. The file is a
// FIFO whose reader goes away after the header (SIGPIPE ignored: the write fails with EPIPE).
TEST(recording, a_write_error_stops_the_recording_and_stop_recording_throws_it) {
  const std::string path = temp_path("recording.fifo");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  const auto old_handler = std::signal(SIGPIPE, SIG_IGN);
  const int reader = ::open(path.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  enable();
  start_recording(path);
  ::close(reader);
  run_frame(201);
  (void)history();
  std::string error;
  try {
    stop_recording();
  } catch (const std::runtime_error& e) {
    error = e.what();
  }
  disable();
  std::signal(SIGPIPE, old_handler);
  EXPECT_EQ(error, "recording failed: " + path + ": cannot write: Broken pipe; the file holds 0 complete frames and "
                   "no end line");
  EXPECT_EQ(stop_recording(), 0u) << "the failed recording is over";
}

TEST(recording, an_unwritable_path_throws_naming_it) {
  try {
    start_recording("/nonexistent-dir/rec.jsonl");
    FAIL() << "recording started on a missing directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/rec.jsonl"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace yams::test
