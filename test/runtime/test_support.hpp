// Helpers shared by the runtime tests: a fixture that turns profiling on with default limits.
#pragma once

#include <yams/yams.hpp>

#include <gtest/gtest.h>

namespace yams::test {

/// Enables profiling with the default history size and call cap; disables it afterwards.
class profiling_on : public ::testing::Test {
 protected:
  void SetUp() override {
    yams::enable();
    yams::set_history_size(60);
    yams::set_max_calls_per_frame(100'000);
  }
  void TearDown() override {
    yams::set_broadcast_callback({});
    yams::disable();
    yams::set_max_calls_per_frame(100'000);
    yams::set_history_size(60);
  }
};

/// Whether a sanitizer slows this build down (long loops are shortened then).
constexpr bool sanitized() {
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  return true;
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return true;
#else
  return false;
#endif
}

}  // namespace yams::test
