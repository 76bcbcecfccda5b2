// Finished frames to consumers (runtime/src/frame_bus.cpp): the broadcast callback of the design's
// WebSocket tests, frame listeners and the history snapshot with serialised messages.
#include "frame_bus.hpp"
#include "test_support.hpp"

#include <yams/yams.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <mutex>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

class Broadcast : public yams::test::profiling_on {
 protected:
  void capture() {
    yams::set_broadcast_callback([this](std::string_view m) {
      std::lock_guard lk(mu_);
      messages_.emplace_back(m);
    });
  }
  std::vector<std::string> messages() {
    (void)yams::history();  // every ended frame has been published
    std::lock_guard lk(mu_);
    return messages_;
  }
  std::mutex mu_;
  std::vector<std::string> messages_;
};

void test_call() { YAMS_ZONE_M("test", "Test Call"); }

TEST_F(Broadcast, CallbackReceivesFrame) {
  capture();
  yams::begin_frame(1);
  yams::end_frame();
  auto m = messages();
  ASSERT_EQ(m.size(), 1u);
  const json j = json::parse(m[0]);
  EXPECT_EQ(j["type"], "profile_frame");
  EXPECT_EQ(j["data"]["frame"], 1);
}

TEST_F(Broadcast, IncludesCalls) {
  capture();
  yams::begin_frame(1);
  test_call();
  yams::end_frame();
  auto m = messages();
  ASSERT_EQ(m.size(), 1u);
  const json data = json::parse(m[0])["data"];
  ASSERT_EQ(data["calls"].size(), 1u);
  EXPECT_EQ(data["calls"][0]["label"], "Test Call");
}

TEST_F(Broadcast, NoBroadcastWhenDisabled) {
  capture();
  yams::disable();
  yams::begin_frame(1);
  yams::end_frame();
  EXPECT_TRUE(messages().empty());
}

TEST_F(Broadcast, SerialisesToJsonThatReadsBack) {
  capture();
  yams::begin_frame(5);
  test_call();
  auto f = yams::end_frame();
  auto m = messages();
  ASSERT_EQ(m.size(), 1u);
  EXPECT_NE(m[0].find("profile_frame"), std::string::npos);
  const json j = json::parse(m[0]);
  EXPECT_EQ(yams::frame_from_json(j["data"].dump()), *f);
}

TEST_F(Broadcast, FramesArriveInOrderAndRemovalStopsThem) {
  capture();
  for (std::uint64_t i = 10; i < 20; ++i) {
    yams::begin_frame(i);
    yams::end_frame();
  }
  auto m = messages();
  ASSERT_EQ(m.size(), 10u);
  for (std::size_t i = 0; i < m.size(); ++i) EXPECT_EQ(json::parse(m[i])["data"]["frame"], 10 + i);
  yams::set_broadcast_callback({});
  yams::begin_frame(99);
  yams::end_frame();
  EXPECT_EQ(messages().size(), 10u);
}

TEST_F(Broadcast, ListenersShareOneMessageAndHistoryHasMessages) {
  std::mutex mu;
  std::vector<yams::detail::published_frame> got;
  auto id = yams::detail::add_frame_listener([&](const yams::detail::published_frame& pf) {
    std::lock_guard lk(mu);
    got.push_back(pf);
  });
  capture();
  yams::begin_frame(3);
  test_call();
  yams::end_frame();
  (void)messages();
  yams::detail::remove_frame_listener(id);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(got[0].message);
  EXPECT_EQ(*got[0].message, messages().at(0));
  EXPECT_EQ(*got[0].message, R"({"type":"profile_frame","data":)" + yams::to_json(*got[0].frame) + "}");
  auto snap = yams::detail::history_snapshot();
  ASSERT_FALSE(snap.empty());
  EXPECT_EQ(snap.back().message, got[0].message);  // the same shared text

  yams::set_broadcast_callback({});
  yams::begin_frame(4);
  yams::end_frame();
  (void)yams::history();
  snap = yams::detail::history_snapshot();  // serialised lazily when nobody listened
  ASSERT_TRUE(snap.back().message);
  EXPECT_EQ(json::parse(*snap.back().message)["data"]["frame"], 4);
}

// A listener gets the encodings it asks for and only those; history builds the others when asked.
TEST_F(Broadcast, ListenersGetTheEncodingsTheyNeed) {
  std::mutex mu;
  std::vector<yams::detail::published_frame> got;
  yams::detail::frame_needs needs{false, true};
  auto id = yams::detail::add_frame_listener(
      [&](const yams::detail::published_frame& pf) {
        std::lock_guard lk(mu);
        got.push_back(pf);
      },
      [&] {
        std::lock_guard lk(mu);
        return needs;
      });
  yams::begin_frame(5);
  test_call();
  yams::end_frame();
  (void)yams::history();
  {
    std::lock_guard lk(mu);
    needs = {false, false};
  }
  yams::begin_frame(6);
  yams::end_frame();
  (void)yams::history();
  yams::detail::remove_frame_listener(id);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_FALSE(got[0].message);
  ASSERT_TRUE(got[0].compact);
  EXPECT_EQ(*got[0].compact, yams::detail::compact_frame_message(*got[0].frame));
  const auto j = json::parse(*got[0].compact);
  EXPECT_EQ(j["encoding"], "compact");
  EXPECT_EQ(yams::frame_from_compact_json(j["data"].dump()), *got[0].frame);
  EXPECT_FALSE(got[1].message);
  EXPECT_FALSE(got[1].compact);
  const auto snap = yams::detail::history_snapshot({true, true});
  ASSERT_GE(snap.size(), 2u);
  EXPECT_EQ(snap[snap.size() - 2].compact, got[0].compact);  // the same shared text
  ASSERT_TRUE(snap.back().compact && snap.back().message);
  EXPECT_EQ(json::parse(*snap.back().compact)["data"]["frame"], 6);
}

}  // namespace
