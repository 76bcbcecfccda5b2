// Recording on the game thread: frames, zones, nesting, exceptions, enable/disable, rollback.
#include <yams/yams.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

namespace {

class Recorder : public ::testing::Test {
 protected:
  void SetUp() override {
    yams::enable();
    yams::set_history_size(60);
    yams::set_max_calls_per_frame(100'000);
  }
  void TearDown() override { yams::disable(); }
};

int work(int n) {
  YAMS_ZONE_M("test_module", "Work");
  int s = 0;
  for (int i = 0; i < n; ++i) s += i;
  return s;
}

TEST_F(Recorder, BeginEndFrameReturnsProfile) {
  yams::begin_frame(42);
  auto f = yams::end_frame();
  ASSERT_TRUE(f);
  EXPECT_EQ(f.frame_number(), 42u);
  EXPECT_EQ(f->frame, 42u);
  EXPECT_GT(f->duration_ms, 0.0);
  EXPECT_GT(f->timestamp, 1.6e9);
  EXPECT_TRUE(f->calls.empty());
  EXPECT_FALSE(f->rollback);
}

TEST_F(Recorder, ZoneIsRecorded) {
  yams::begin_frame(1);
  EXPECT_EQ(work(100), 4950);
  auto f = yams::end_frame();
  ASSERT_EQ(f->calls.size(), 1u);
  EXPECT_EQ(f->calls[0].label, "Work");
  EXPECT_EQ(f->calls[0].module, "test_module");
  EXPECT_FALSE(f->calls[0].parent_id);
  EXPECT_GE(f->calls[0].duration, 0.0);
}

}  // namespace
