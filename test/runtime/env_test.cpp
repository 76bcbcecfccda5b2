// The YAMS_PROFILE switch (runtime/src/recorder.cpp): ctest runs this binary with YAMS_PROFILE set
// to several spellings and YAMS_TEST_EXPECT_ENABLED saying what it should mean.
#include <yams/yams.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

TEST(Env, YamsProfileSwitchesRecordingOnAtStart) {
  const char* expect = std::getenv("YAMS_TEST_EXPECT_ENABLED");
  ASSERT_NE(expect, nullptr) << "run through ctest";
  EXPECT_EQ(yams::enabled(), std::string(expect) == "1") << "YAMS_PROFILE=" << std::getenv("YAMS_PROFILE");
  if (yams::enabled()) {
    yams::begin_frame(1);
    { YAMS_ZONE("Env"); }
    auto f = yams::end_frame();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->calls.size(), 1u);
  } else {
    yams::begin_frame(1);
    EXPECT_FALSE(yams::end_frame());
  }
}
