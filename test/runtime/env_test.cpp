// The YAMS_PROFILE switch and YAMS_PROFILE_SKIP_KINDS (runtime/src/recorder.cpp): ctest runs this
// binary with them set to several values, and YAMS_TEST_EXPECT_ENABLED (and YAMS_TEST_EXPECT_KINDS,
// the recorded kinds' bits) saying what they should mean.
#include <yams/yams.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <string>

TEST(Env, YamsProfileSwitchesRecordingOnAtStart) {
  const char* expect = std::getenv("YAMS_TEST_EXPECT_ENABLED");
  ASSERT_NE(expect, nullptr) << "run through ctest";
  EXPECT_EQ(yams::enabled(), std::string(expect) == "1") << "YAMS_PROFILE=" << std::getenv("YAMS_PROFILE");
  const char* kinds = std::getenv("YAMS_TEST_EXPECT_KINDS");
  const std::uint32_t expect_kinds = kinds ? static_cast<std::uint32_t>(std::stoul(kinds)) : yams::zone_kinds_all;
  EXPECT_EQ(yams::recorded_kinds(), expect_kinds);
  if (yams::enabled()) {
    yams::begin_frame(1);
    { YAMS_ZONE("Env"); }  // an engine zone
    auto f = yams::end_frame();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->calls.size(), (expect_kinds & yams::zone_kind_engine) ? 1u : 0u);
    EXPECT_EQ(f->skipped_kinds, yams::zone_kinds_all & ~expect_kinds);
  } else {
    yams::begin_frame(1);
    EXPECT_FALSE(yams::end_frame());
  }
}
