// Script problems: errors at load time, and a round that cannot start, stop the game with the file and
// line; other errors while playing are reported once (per entity, or per action) with the file and
// line, and the game goes on.
#include "game_engine.hpp"
#include "script_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace duckhunt {
namespace {

using test::script_dir;

struct collected {
  std::vector<std::string> lines;
  report_sink sink() {
    return [this](std::string_view l) { lines.emplace_back(l); };
  }
};

Config config(const std::string& dir, int ducks = 20) {
  Config c;
  c.scripts_dir = dir;
  c.ducks = ducks;
  return c;
}

std::string load_error(const std::string& dir) {
  try {
    GameEngine g(config(dir), {});
  } catch (const script_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(DuckhuntScripts, FailingBehaviourIsReportedOnceWithFileAndLineAndTheGameGoesOn) {
  script_dir dir("behaviour_error");
  dir.edit("behaviours/duck.lua", "function duck.on_update(id, dt)\n",
           "function duck.on_update(id, dt)\n  if id == \"duck_3\" then error(\"boom\") end\n");
  const int line = dir.line_of("behaviours/duck.lua", "error(\"boom\")");
  collected out;
  GameEngine g(config(dir.path()), out.sink());
  World& w = g.world();
  const double x4 = w.find("duck_4")->x;
  for (int i = 0; i < 30; ++i) g.update(g.dt());
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_EQ(out.lines[0], "duckhunt: script error in on_update(duck_3) at frame 0: " +
                              dir.file("behaviours/duck.lua") + ":" + std::to_string(line) +
                              ": boom (reported once; the game goes on)");
  EXPECT_GE(g.lua().failures(), 30u);
  EXPECT_EQ(w.state.frame, 30u);
  EXPECT_NE(w.find("duck_4")->x, x4);
}

// error() with a table (or any value that is not a string): Lua adds no position, the message handler
// does.
TEST(DuckhuntScripts, NonStringErrorValueIsReportedWithFileAndLine) {
  script_dir dir("error_table");
  dir.edit("behaviours/duck.lua", "function duck.on_update(id, dt)\n",
           "function duck.on_update(id, dt)\n  if id == \"duck_3\" then error({code = 1}) end\n"
           "  if id == \"duck_4\" then error(42) end\n");
  const int line = dir.line_of("behaviours/duck.lua", "error({code = 1})");
  collected out;
  GameEngine g(config(dir.path()), out.sink());
  g.update(g.dt());
  ASSERT_EQ(out.lines.size(), 2u);
  EXPECT_EQ(out.lines[0], "duckhunt: script error in on_update(duck_3) at frame 0: " +
                              dir.file("behaviours/duck.lua") + ":" + std::to_string(line) +
                              ": error object is a table (reported once; the game goes on)");
  EXPECT_EQ(out.lines[1], "duckhunt: script error in on_update(duck_4) at frame 0: " +
                              dir.file("behaviours/duck.lua") + ":" + std::to_string(line + 1) +
                              ": error object is a number (42) (reported once; the game goes on)");
}

// A round that cannot start stops the game: at load time (round 1) and later (here round 2, when the
// first is lost after a tenth of a second), never an endless run of empty rounds counted as won.
TEST(DuckhuntScripts, FailingRoundStartStopsTheGame) {
  script_dir dir("round_start");
  dir.edit("game.lua", "function game.on_round_start(round, ducks)\n",
           "function game.on_round_start(round, ducks)\n  if round == 2 then error(\"start fails\") end\n");
  dir.edit("game.lua", "game.round_seconds = 30", "game.round_seconds = 0.1");
  const int line = dir.line_of("game.lua", "error(\"start fails\")");
  collected out;
  GameEngine g(config(dir.path()), out.sink());
  std::string error;
  int frames = 0;
  try {
    for (; frames < 100; ++frames) g.update(g.dt());
  } catch (const script_error& e) {
    error = e.what();
  }
  EXPECT_EQ(error, "script error in on_round_start(2): " + dir.file("game.lua") + ":" + std::to_string(line) +
                       ": start fails (the game cannot go on without its round)");
  EXPECT_GT(frames, 0);  // the frame that ends round 1 (after 0.1 s) fails to start round 2
  EXPECT_LT(frames, 10);
  EXPECT_EQ(g.world().state.rounds_won, 0u);
  EXPECT_EQ(g.world().state.rounds_lost, 1u);
  EXPECT_TRUE(out.lines.empty());

  dir.edit("game.lua", "if round == 2 then", "if round == 1 then");
  EXPECT_EQ(load_error(dir.path()), "script error in on_round_start(1): " + dir.file("game.lua") + ":" +
                                        std::to_string(line) + ": start fails (the game cannot go on without its round)");
}

TEST(DuckhuntScripts, ApiMisuseNamesTheCallingLine) {
  script_dir dir("api_misuse");
  dir.edit("behaviours/duck.lua", "ams.set_vy(id, vy)", "ams.set_vy(\"nobody\", vy)");
  const int line = dir.line_of("behaviours/duck.lua", "ams.set_vy(\"nobody\"");
  collected out;
  GameEngine g(config(dir.path(), 4), out.sink());
  g.update(g.dt());
  ASSERT_EQ(out.lines.size(), 4u);  // one per duck
  EXPECT_NE(out.lines[0].find(dir.file("behaviours/duck.lua") + ":" + std::to_string(line) +
                              ": ams.set_vy: no entity 'nobody'"),
            std::string::npos)
      << out.lines[0];
}

TEST(DuckhuntScripts, MissingCollisionActionIsReportedOnce) {
  script_dir dir("missing_action");
  dir.edit("game.lua", "function game.collision.bounce(a, b)", "function game.collision.renamed(a, b)");
  collected out;
  GameEngine g(config(dir.path(), 100), out.sink());
  for (int i = 0; i < 120; ++i) g.update(g.dt());
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_NE(out.lines[0].find("script error in collision(bounce): " + dir.file("game.lua") +
                              " defines no collision.bounce function"),
            std::string::npos)
      << out.lines[0];
}

TEST(DuckhuntScripts, MissingScriptsDirectory) {
  EXPECT_EQ(load_error("/nonexistent/scripts"),
            "scripts directory '/nonexistent/scripts' not found (use --scripts DIR)");
}

TEST(DuckhuntScripts, MissingGameScript) {
  script_dir dir("missing_game");
  std::filesystem::remove(dir.file("game.lua"));
  EXPECT_EQ(load_error(dir.path()), dir.file("game.lua") + ": missing script (cannot open it)");
}

TEST(DuckhuntScripts, SyntaxErrorNamesFileAndLine) {
  script_dir dir("syntax");
  dir.edit("game.lua", "game.round_seconds = 30", "game.round_seconds = = 30");
  const int line = dir.line_of("game.lua", "= = 30");
  const std::string msg = load_error(dir.path());
  EXPECT_EQ(msg.rfind(dir.file("game.lua") + ":" + std::to_string(line) + ": unexpected symbol near '='", 0), 0u)
      << msg;
}

TEST(DuckhuntScripts, RuntimeErrorWhileLoadingNamesFileAndLine) {
  script_dir dir("load_runtime");
  dir.edit("behaviours/feather.lua", "local feather = { radius = 3 }", "local feather = { radius = 3 } + 1");
  const std::string msg = load_error(dir.path());
  EXPECT_EQ(msg.rfind(dir.file("behaviours/feather.lua") + ":2: attempt to perform arithmetic", 0), 0u) << msg;
}

TEST(DuckhuntScripts, BehaviourWithoutOnUpdate) {
  script_dir dir("no_on_update");
  dir.edit("behaviours/feather.lua", "function feather.on_update", "function feather.update");
  EXPECT_EQ(load_error(dir.path()),
            dir.file("behaviours/feather.lua") + ": the returned table has no on_update function");
}

TEST(DuckhuntScripts, RuleNamingAnUnknownKind) {
  script_dir dir("unknown_kind");
  dir.edit("game.lua", "{ a = \"duck\", b = \"duck\"", "{ a = \"goose\", b = \"duck\"");
  EXPECT_EQ(load_error(dir.path()),
            dir.file("game.lua") + ": collisions[1].a: unknown kind 'goose' (no behaviours/goose.lua)");
}

TEST(DuckhuntScripts, ScriptsCannotReachTheClockOrFiles) {
  script_dir dir("sandbox");
  dir.edit("game.lua", "function game.on_round_start(round, ducks)\n",
           "function game.on_round_start(round, ducks)\n  local t = os.time()\n");
  const std::string msg = load_error(dir.path());
  EXPECT_NE(msg.find("attempt to index a nil value (global 'os')"), std::string::npos) << msg;
}

// Ducks of kind `duck` alive in `w` whose vy is `vy`, and all of them.
std::pair<int, int> ducks_with_vy(const World& w, int duck, double vy) {
  int with = 0, all = 0;
  for (const Entity& e : w.state.entities) {
    if (!e.alive || e.kind != static_cast<std::uint32_t>(duck)) continue;
    ++all;
    if (e.vy == vy) ++with;
  }
  return {with, all};
}

// Marks file `path` as changed now (an edit within the file system's time resolution of the load
// could otherwise keep its time).
void touch(const std::string& path, int seconds_ahead) {
  namespace fs = std::filesystem;
  fs::last_write_time(path, fs::file_time_type::clock::now() + std::chrono::seconds(seconds_ahead));
}

// --reload-scripts: an edited behaviour takes effect while the game runs, and its source (for the
// profiler) follows on_update to its new line; an edit that does not load is reported and the
// previous version goes on.
TEST(DuckhuntScripts, ChangedBehavioursAreReloadedAndABrokenEditKeepsThePreviousVersion) {
  script_dir dir("reload");
  Config c = config(dir.path(), 8);
  c.reload_scripts = true;
  collected out;
  GameEngine g(c, out.sink());
  const int duck = g.lua().kind_index("duck");
  ASSERT_GE(duck, 0);
  const yams::script_source* before = g.lua().kinds()[static_cast<std::size_t>(duck)].source;
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(static_cast<int>(before->line), dir.line_of("behaviours/duck.lua", "function duck.on_update("));
  for (int i = 0; i < 5; ++i) g.update(g.dt());
  EXPECT_EQ(ducks_with_vy(g.world(), duck, -77).first, 0);

  dir.edit("behaviours/duck.lua", "function duck.on_update(id, dt)\n",
           "\n\nfunction duck.on_update(id, dt)\n  ams.set_vy(id, -77)\n  do return end\n");
  touch(dir.file("behaviours/duck.lua"), 1);
  for (int i = 0; i < 31; ++i) g.update(g.dt());  // looked at every 30 frames
  ASSERT_EQ(out.lines, std::vector<std::string>{"duckhunt: reloaded " + dir.file("behaviours/duck.lua")});
  const auto [climbing, ducks] = ducks_with_vy(g.world(), duck, -77);
  EXPECT_GT(ducks, 0);
  EXPECT_EQ(climbing, ducks) << "every duck runs the new on_update";
  const yams::script_source* after = g.lua().kinds()[static_cast<std::size_t>(duck)].source;
  EXPECT_EQ(after->line, before->line + 2);
  EXPECT_STREQ(after->file, before->file);
  EXPECT_EQ(before->line + 0, static_cast<std::uint32_t>(dir.line_of("behaviours/duck.lua", "function duck.on_update(")) - 2)
      << "the old source is left as it was: frames being assembled may point at it";

  dir.edit("behaviours/duck.lua", "do return end", "do return end end end");
  touch(dir.file("behaviours/duck.lua"), 2);
  for (int i = 0; i < 30; ++i) g.update(g.dt());
  ASSERT_EQ(out.lines.size(), 2u);
  EXPECT_EQ(out.lines[1].rfind("duckhunt: script error reloading " + dir.file("behaviours/duck.lua") + ":", 0), 0u)
      << out.lines[1];
  EXPECT_TRUE(out.lines[1].ends_with("(kept the previous version)")) << out.lines[1];
  EXPECT_EQ(ducks_with_vy(g.world(), duck, -77).first, ducks_with_vy(g.world(), duck, -77).second);
  EXPECT_EQ(g.lua().kinds()[static_cast<std::size_t>(duck)].source, after);
  for (int i = 0; i < 30; ++i) g.update(g.dt());
  EXPECT_EQ(out.lines.size(), 2u) << "a failed version is not tried again until the file changes";
}

}  // namespace
}  // namespace duckhunt
