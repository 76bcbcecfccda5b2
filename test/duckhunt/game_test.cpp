// The duck hunt's game behaviour, on the plain (uninstrumented) engine: determinism, hits, rollback
// correctness, rounds, and how script errors are reported.
#include "game_engine.hpp"
#include "script_dir.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace duckhunt {
namespace {

Config config(int latency_frames = 6, std::uint64_t seed = 1, int ducks = 20) {
  Config c;
  c.scripts_dir = DUCKHUNT_SCRIPTS_DIR;
  c.ducks = ducks;
  c.seed = seed;
  c.latency_frames = latency_frames;
  return c;
}

struct collected {
  std::vector<std::string> lines;
  report_sink sink() {
    return [this](std::string_view l) { lines.emplace_back(l); };
  }
};

void run(GameEngine& g, int frames) {
  for (int i = 0; i < frames; ++i) g.update(g.dt());
}

int count_kind(const GameEngine& g, const std::string& kind) {
  const int k = g.lua().kind_index(kind);
  int n = 0;
  for (const Entity& e : g.world().state.entities) n += e.alive && static_cast<int>(e.kind) == k;
  return n;
}

TEST(DuckhuntGame, RoundStartsWithTheRequestedDucksNamedBySerial) {
  collected out;
  GameEngine g(config(6, 1, 12), out.sink());
  EXPECT_EQ(g.world().state.round, 1u);
  EXPECT_EQ(count_kind(g, "duck"), 12);
  World& w = g.world();
  ASSERT_NE(w.find("duck_7"), nullptr);
  EXPECT_EQ(w.find("duck_13"), nullptr);
  EXPECT_TRUE(out.lines.empty());
}

TEST(DuckhuntGame, SameSeedSameGameOtherSeedOtherGame) {
  collected out;
  GameEngine a(config(), out.sink()), b(config(), out.sink()), c(config(6, 2), out.sink());
  run(a, 400);
  run(b, 400);
  run(c, 400);
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_NE(a.hash(), c.hash());
  EXPECT_GT(a.world().state.shots, 0u);
  EXPECT_GT(a.stats().rollbacks, 0u);
}

TEST(DuckhuntGame, BehavioursMoveDucksAndDucksStayInTheSky) {
  collected out;
  GameEngine g(config(), out.sink());
  g.set_shooter([](const World&, std::vector<Shot>&) {});
  World& w = g.world();
  const double x0 = w.find("duck_3")->x;
  run(g, 120);
  ASSERT_NE(w.find("duck_3"), nullptr);
  EXPECT_NE(w.find("duck_3")->x, x0);
  for (const Entity& e : w.state.entities) {
    if (static_cast<int>(e.kind) != g.lua().kind_index("duck")) continue;
    EXPECT_GT(e.y, -50) << e.id;
    EXPECT_LT(e.y, field_height) << e.id;
  }
}

TEST(DuckhuntGame, ImmediateHitTurnsTheDuckIntoAFallingOne) {
  collected out;
  GameEngine g(config(0), out.sink());
  g.set_shooter([](const World&, std::vector<Shot>&) {});
  World& w = g.world();
  const Entity& d = *w.find("duck_5");
  g.process_delayed_hit(d.x, d.y, static_cast<double>(w.state.frame) * g.dt());
  EXPECT_EQ(w.state.hits, 1u);
  EXPECT_EQ(g.stats().immediate_hits, 1u);
  EXPECT_EQ(g.stats().rollbacks, 0u);
  EXPECT_EQ(count_kind(g, "feather"), 3);
  run(g, 1);
  EXPECT_EQ(static_cast<int>(w.find("duck_5")->kind), g.lua().kind_index("falling"));
}

TEST(DuckhuntGame, LateHitRollsBackAndResimulatesTheMissedFrames) {
  collected out;
  GameEngine g(config(), out.sink());
  g.set_shooter([](const World&, std::vector<Shot>&) {});
  World& w = g.world();
  run(g, 10);
  const std::uint64_t shot_frame = w.state.frame;
  const double x = w.find("duck_7")->x, y = w.find("duck_7")->y;
  run(g, 5);
  const double moved_x = w.find("duck_7")->x;
  g.process_delayed_hit(x, y, static_cast<double>(shot_frame) * g.dt());
  EXPECT_EQ(g.stats().rollbacks, 1u);
  EXPECT_EQ(g.stats().frames_resimulated, 5u);
  EXPECT_EQ(w.state.frame, shot_frame + 5);
  EXPECT_EQ(w.state.hits, 1u);
  // Re-simulated: the hit duck fell for 5 frames instead of flying on.
  EXPECT_EQ(static_cast<int>(w.find("duck_7")->kind), g.lua().kind_index("falling"));
  EXPECT_NE(w.find("duck_7")->x, moved_x);
}

TEST(DuckhuntGame, HitOlderThanTheHistoryIsDroppedAndReportedOnce) {
  collected out;
  GameEngine g(config(), out.sink());
  g.set_shooter([](const World&, std::vector<Shot>&) {});
  run(g, 130);
  const std::uint64_t before = g.hash();
  g.process_delayed_hit(100, 100, 2 * g.dt());
  g.process_delayed_hit(100, 100, 3 * g.dt());
  EXPECT_EQ(g.hash(), before);
  EXPECT_EQ(g.stats().dropped_hits, 2u);
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_NE(out.lines[0].find("arrived after its snapshot left the 120-frame history"), std::string::npos);
}

// The rollback is exact: the same shots' hits arriving 6 frames late end in the same state as when
// they are applied at once.
TEST(DuckhuntGame, RollbackEndsInTheStateOfImmediateHits) {
  collected out;
  GameEngine source(config(0), out.sink());
  run(source, 880);
  std::map<std::uint64_t, std::vector<Shot>> script;
  for (const Shot& s : source.shots()) script[s.frame].push_back(s);
  ASSERT_GT(source.shots().size(), 20u);
  auto replay = [&script](const World& w, std::vector<Shot>& shots) {
    if (auto it = script.find(w.state.frame); it != script.end()) shots = it->second;
  };
  GameEngine at_once(config(0), out.sink()), late(config(6), out.sink());
  at_once.set_shooter(replay);
  late.set_shooter(replay);
  run(at_once, 900);
  run(late, 900);
  EXPECT_EQ(at_once.stats().rollbacks, 0u);
  EXPECT_EQ(late.stats().rollbacks, source.shots().size());
  EXPECT_EQ(late.stats().frames_resimulated, 6 * late.stats().rollbacks);
  EXPECT_GT(late.world().state.hits, 10u);
  EXPECT_EQ(late.world().state.hits, at_once.world().state.hits);
  EXPECT_EQ(late.hash(), at_once.hash());
  EXPECT_TRUE(out.lines.empty());
}

TEST(DuckhuntGame, RoundsAreWonWhenEveryDuckIsDown) {
  collected out;
  GameEngine g(config(0, 1, 3), out.sink());
  World& w = g.world();
  g.set_shooter([](const World& world, std::vector<Shot>& shots) {
    for (const Entity& e : world.state.entities)
      if (e.alive && e.id.rfind("duck_", 0) == 0) shots.push_back({0, e.x, e.y});
  });
  for (int i = 0; i < 600 && w.state.rounds_won == 0; ++i) g.update(g.dt());
  EXPECT_EQ(w.state.rounds_won, 1u);
  EXPECT_EQ(w.state.round, 2u);
  EXPECT_EQ(count_kind(g, "duck"), 3);
}

TEST(DuckhuntGame, RoundsAreLostWhenTimeRunsOut) {
  collected out;
  GameEngine g(config(6, 1, 5), out.sink());
  g.set_shooter([](const World&, std::vector<Shot>&) {});
  run(g, 30 * 60 + 1);
  EXPECT_EQ(g.world().state.rounds_lost, 1u);
  EXPECT_EQ(g.world().state.round, 2u);
}

}  // namespace
}  // namespace duckhunt
