// GameEngine: the frame (update), the simulation step (do_frame_update) and late hits
// (process_delayed_hit), wired to the Lua scripts, the rollback manager and a simulated shooter.
//
//   update(dt)                               Frame
//   ├── deliver late hits: process_delayed_hit    Delayed Hit
//   │     └── rollback_and_resimulate              Rollback
//   │           └── resimulate: do_frame_update…    Re-simulation > Frame Update
//   ├── the shooter's input actions               Lua → input(shoot)
//   ├── RollbackStateManager::capture
//   └── do_frame_update(dt)                      Frame Update
//         ├── LuaEngine::update                    Lua Entity Updates > Lua → on_update(duck_7) > ams.*
//         ├── movement, on-update transforms, collisions (Lua → collision(bounce)), skins
//         └── win and lose conditions (a new round starts at once)
#pragma once

#include "lua_api.hpp"
#include "lua_engine.hpp"
#include "rollback.hpp"
#include "world.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace duckhunt {

struct Config {
  std::string scripts_dir;
  int ducks = 50;
  std::uint64_t seed = 1;
  int latency_frames = 6;            ///< frames between a shot and its hit report
  double dt = 1.0 / 60.0;            ///< fixed simulation step
  std::size_t history_frames = 120;  ///< snapshots kept for rollbacks
  bool reload_scripts = false;       ///< reload changed behaviour scripts (looked at every 30 frames)
};

/// A shot of the (simulated) shooter: fired in `frame`, aimed at (x, y).
struct Shot {
  std::uint64_t frame = 0;
  double x = 0, y = 0;
};

/// Decides this frame's shots from the current world (appending to `out`). The default aims at a
/// random target with a little jitter, from its own generator seeded from the game's seed.
using shooter_fn = std::function<void(const World& world, std::vector<Shot>& out)>;

struct Stats {
  std::uint64_t rollbacks = 0;
  std::uint64_t frames_resimulated = 0;
  std::uint64_t immediate_hits = 0;
  std::uint64_t dropped_hits = 0;  ///< older than the snapshot history
};

/// Wall-clock time in epoch seconds (reporting only; the simulation never reads it).
double wall_clock_epoch() noexcept;

class GameEngine {
 public:
  /// Loads the scripts and starts round 1. Throws script_error on a script that cannot load or a round
  /// start (game.lua's on_round_start) that fails.
  GameEngine(Config config, report_sink report);

  /// One frame: late hits (with rollback), input actions, the snapshot, the simulation step. Throws
  /// script_error when a new round cannot start (the game cannot go on). Game thread.
  void update(double dt);
  /// One simulation step; also what re-simulation re-runs. Throws like update(). Game thread.
  void do_frame_update(double dt);
  /// A hit aimed at (x, y) by a shot fired at simulated time `timestamp`: applied at once when it
  /// belongs to the current frame, else through a rollback. Game thread.
  void process_delayed_hit(double x, double y, double timestamp);

  /// Replaces the shooter (tests replay recorded shots with it). Game thread.
  void set_shooter(shooter_fn shooter) { shooter_ = std::move(shooter); }
  /// Runs the input actions logged for `frame` again (re-simulation). Game thread.
  void replay_inputs(std::uint64_t frame);

  /// The simulated world, the scripts, the fixed step and the rollback counters. Game thread.
  World& world() noexcept { return world_; }
  const World& world() const noexcept { return world_; }
  const LuaEngine& lua() const noexcept { return lua_; }
  double dt() const noexcept { return config_.dt; }
  const Stats& stats() const noexcept { return stats_; }
  /// Every shot fired so far, in order. Game thread.
  const std::vector<Shot>& shots() const noexcept { return fired_; }
  /// The number the next update() gives its profiling frame: 1, 2, 3, ... (rollbacks don't count).
  std::uint64_t frame_number() const noexcept { return frame_number_; }
  /// Fingerprint of the simulation state (see World::hash).
  std::uint64_t hash() const noexcept { return world_.hash(); }

 private:
  struct PendingHit {
    std::uint64_t deliver_frame;
    Shot shot;
  };

  void deliver_hits();
  void fire_inputs();
  void run_input(const Shot& shot);
  void apply_hit(double x, double y);
  void move_entities(double dt);
  void check_on_update_transforms();
  void check_collisions();
  void update_skins(double dt);
  bool check_win_conditions();
  bool check_lose_conditions();
  void start_round();

  Config config_;
  report_sink report_;
  World world_;
  LuaEngine lua_;
  GameLuaAPI api_;
  RollbackStateManager rollback_;
  shooter_fn shooter_;
  std::deque<PendingHit> pending_;
  std::deque<Shot> input_log_;  ///< shots of the frames still in the snapshot history
  std::vector<Shot> fired_;
  std::vector<Shot> shot_buf_;
  std::vector<std::size_t> sweep_;
  Stats stats_;
  std::uint64_t frame_number_ = 1;
  bool reported_dropped_ = false;
};

}  // namespace duckhunt
