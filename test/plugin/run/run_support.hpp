// Helpers of the plugin run tests: record one frame around a callable and find calls in it.
#pragma once

#include <yams/yams.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace yams::plugin_test {

/// Enables profiling for one test and disables it afterwards.
class recording : public ::testing::Test {
 protected:
  void SetUp() override { yams::enable(); }
  void TearDown() override { yams::disable(); }
};

/// Runs `body` inside frame `number` and returns the assembled frame.
template <class F>
FrameProfile record_frame(F&& body, std::uint64_t number = 1) {
  yams::begin_frame(number);
  body();
  finished_frame f = yams::end_frame();
  EXPECT_TRUE(static_cast<bool>(f)) << "no frame was recorded";
  return f ? *f : FrameProfile{};
}

/// The calls of `frame` whose label is `label`, in pre-order.
inline std::vector<const CallNode*> calls_named(const FrameProfile& frame, std::string_view label) {
  std::vector<const CallNode*> out;
  for (const CallNode& c : frame.calls)
    if (c.label == label) out.push_back(&c);
  return out;
}

/// The one call labelled `label`; fails the test when there is not exactly one.
inline const CallNode& only_call(const FrameProfile& frame, std::string_view label) {
  static const CallNode none{};
  auto found = calls_named(frame, label);
  EXPECT_EQ(found.size(), 1u) << "calls labelled '" << label << "'";
  return found.size() == 1 ? *found[0] : none;
}

/// The value of argument `name` of `call`, or a null value when absent.
inline arg_value arg(const CallNode& call, std::string_view name) {
  for (const auto& [k, v] : call.args)
    if (k == name) return v;
  return nullptr;
}

/// The names of `call`'s args, in order.
inline std::vector<std::string> arg_names(const CallNode& call) {
  std::vector<std::string> names;
  for (const auto& kv : call.args) names.push_back(kv.first);
  return names;
}

}  // namespace yams::plugin_test
