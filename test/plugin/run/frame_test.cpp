// [[yams::frame]] begins a frame before the body and ends it after: the frame function is the
// frame's root call, numbered automatically or from the parameter or member number= names.
#include "run_support.hpp"

#include <yams/yams.hpp>

#include <gtest/gtest.h>

#include <cstdint>

namespace game {

struct GameEngine {
  [[yams::frame("Frame")]] void update(double dt) { do_frame_update(dt); }
  [[yams::frame("Frame", "number=frame_count_")]] void step(double dt) {
    do_frame_update(dt);
    ++frame_count_;
  }
  [[yams::profile("Frame Update")]] void do_frame_update(double dt) { t_ += dt; }
  std::uint64_t frame_count_ = 100;
  double t_ = 0;
};

[[yams::frame("Replay", "number=n", "args=")]] void replay(std::uint64_t n) {}

// number= finds a member of a base class, as the body would.
struct App {
  std::uint64_t frame_no = 500;
};
struct Game : App {
  [[yams::frame("Game Frame", "number=frame_no", "args=")]] void tick() { ++frame_no; }
};

}  // namespace game

namespace {

using namespace yams::plugin_test;
class PluginFrame : public recording {};

const yams::FrameProfile& last_frame() {
  static yams::FrameProfile none;
  auto h = yams::history();
  EXPECT_FALSE(h.empty());
  return h.empty() ? none : *h.back();
}

TEST_F(PluginFrame, FrameFunctionIsTheRootCall) {
  game::GameEngine engine;
  engine.update(0.0166);
  const auto& f = last_frame();
  ASSERT_EQ(f.calls.size(), 2u);
  const auto& root = f.calls[0];
  EXPECT_EQ(root.label, "Frame");
  EXPECT_EQ(root.module, "game_engine");
  EXPECT_EQ(root.func, "update");
  EXPECT_FALSE(root.parent_id.has_value());
  EXPECT_EQ(arg(root, "dt"), yams::arg_value(0.0166));
  EXPECT_EQ(f.calls[1].label, "Frame Update");
  EXPECT_EQ(f.calls[1].parent_id, root.id);
}

TEST_F(PluginFrame, AutomaticNumbersIncrease) {
  game::GameEngine engine;
  engine.update(0.01);
  const std::uint64_t first = last_frame().frame;
  engine.update(0.01);
  EXPECT_EQ(last_frame().frame, first + 1);
}

TEST_F(PluginFrame, NumberFromMemberOrParameter) {
  game::GameEngine engine;
  engine.step(0.01);
  EXPECT_EQ(last_frame().frame, 100u);
  engine.step(0.01);
  EXPECT_EQ(last_frame().frame, 101u);
  game::replay(4242);
  EXPECT_EQ(last_frame().frame, 4242u);
  EXPECT_TRUE(last_frame().calls.at(0).args.empty());
}

}  // namespace

TEST_F(PluginFrame, NumberMayNameAMemberOfABaseClass) {
  game::Game g;
  g.tick();
  EXPECT_EQ(last_frame().frame, 500u);
  EXPECT_EQ(last_frame().calls.at(0).label, "Game Frame");
}
