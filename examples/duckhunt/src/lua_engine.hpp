// The scripting side of the game: an embedded Lua 5.4 state running the scripts directory's game.lua
// (round set-up, collision, input and scheduled actions, rules) and behaviours/<kind>.lua (one per
// entity kind, each with on_update(id, dt)). Script errors are reported with their file and line.
#pragma once

#include "lifecycle.hpp"
#include "world.hpp"

#include <yams/probe.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct lua_State;

namespace duckhunt {

class GameLuaAPI;

/// A script that cannot be loaded (missing file, syntax error, missing function); what() names the
/// file and, for Lua errors, the line.
class script_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Receives one line per reported problem (script errors at run time); stderr in the game.
using report_sink = std::function<void(std::string_view)>;

/// An entity kind: its behaviour script and the Lua function called every frame.
struct KindInfo {
  std::string name;
  std::string script;   ///< path of behaviours/<name>.lua
  double radius = 16;
  int on_update = 0;    ///< registry reference of the behaviour's on_update
  /// Where on_update is defined: the profiler's source for its calls. Never freed (the profiler's
  /// collector may read it after the engine is gone); a reload that moves on_update makes a new one.
  const yams::script_source* source = nullptr;
  std::filesystem::file_time_type modified{};  ///< the script's time when it was last (re)loaded
};

struct CollisionRule {
  std::uint32_t a = 0, b = 0;
  std::string action;
};

struct TransformRule {
  std::uint32_t from = 0, into = 0;
  std::size_t var = 0;
  double below = 0;
};

/// Which kinds a delayed hit can strike, how far from the aim point, and the collision action it runs.
struct HitRule {
  std::vector<std::uint32_t> kinds;
  double slop = 0;
  std::string action = "shot";
};

class LuaEngine {
 public:
  /// Creates the Lua state for the scripts in `scripts_dir`; load() reads them.
  LuaEngine(World& world, std::string scripts_dir, report_sink report);
  ~LuaEngine();
  LuaEngine(const LuaEngine&) = delete;
  LuaEngine& operator=(const LuaEngine&) = delete;

  /// Registers the `ams` table bound to `api` and replaces math.random by the world's generator.
  /// Call once, before load(). Game thread.
  void bind(GameLuaAPI& api);
  /// Loads behaviours/*.lua, then game.lua and its rules. Throws script_error naming the file (and the
  /// line, for Lua errors) on failure. Game thread.
  void load();

  /// Runs due scheduled callbacks, then every live entity's behaviour (per-entity on_update). Game thread.
  void update(double dt);
  /// Runs game.lua's collision[action](entity_a, entity_b). Returns false if the script failed (reported). Game thread.
  bool execute_collision_action(const std::string& action, const std::string& entity_a,
                                const std::string& entity_b);
  /// Runs game.lua's input[action](x, y). Returns false if the script failed (reported). Game thread.
  bool execute_input_action(const std::string& action, double x, double y);
  /// Runs game.lua's on_round_start(round, ducks), which spawns the round's entities. Throws
  /// script_error ("script error in on_round_start(N): FILE:LINE: ...") if it fails: the game cannot
  /// go on without its round. Game thread.
  void start_round(std::uint32_t round, int ducks);

  /// Reloads every behaviour script whose file changed since it was loaded: its new on_update runs from
  /// the next call on, its radius and source follow. A script that no longer loads is reported
  /// ("script error reloading ...") and the previous version goes on. Returns how many were reloaded.
  /// Game thread.
  int reload_changed_behaviours();

  /// The kind called `name`, or -1. Any thread after construction.
  int kind_index(std::string_view name) const noexcept;
  /// The kinds (in name order) and game.lua's rules, fixed once load() returned (a kind's on_update,
  /// radius and source change on the game thread when its script is reloaded). Any thread after that.
  const std::vector<KindInfo>& kinds() const noexcept { return kinds_; }
  const std::vector<CollisionRule>& collision_rules() const noexcept { return collisions_; }
  const std::vector<TransformRule>& transform_rules() const noexcept { return transforms_; }
  const HitRule& hit_rule() const noexcept { return hit_; }
  /// game.lua's `round_seconds`: a round not won by then is lost (default 30).
  double round_seconds() const noexcept { return round_seconds_; }
  /// The slot of per-entity variable `name`, assigning the next free one; -1 when all are taken.
  int var_slot(std::string_view name);

  /// Calls the function below the `nargs` arguments on the stack, protected. A failure is reported as
  /// "script error in <what>(<subject>)" with the script's file and line, once per what and subject.
  /// Returns whether it succeeded. Game thread.
  bool protected_call(int nargs, std::string_view what, std::string_view subject);
  /// Number of script failures so far (reported or not). Game thread.
  std::uint64_t failures() const noexcept { return failures_; }
  /// The Lua state, for the lifecycle hook. Game thread.
  lua_State* state() const noexcept { return L_; }

 private:
  void load_game_script();
  void load_behaviours();
  /// Reads the behaviour table run_file() left on the stack into `kind` (popping it): radius,
  /// on_update (a new registry reference) and its source. Throws script_error, leaving `kind` as it was.
  void read_behaviour(KindInfo& kind);
  /// Runs the file `rel` (relative to the scripts directory), leaving its one result on the stack.
  void run_file(const std::string& rel);
  /// Calls `read` with each element of game.lua's array `table` on top of the stack.
  void for_each_rule(const char* table, const std::function<void(const std::string& where)>& read);
  void read_collision_rules();
  void read_transform_rules();
  void read_hit_rule();
  std::uint32_t rule_kind(const char* where, const char* field);
  void run_scheduled();
  /// Pushes game.lua's table `section`[`name`] (a function), or nothing and returns false.
  bool push_game_function(const char* section, std::string_view name);
  std::string locate(std::string message) const;
  /// lua_pcall of the function below the `nargs` arguments on the stack, with a message handler that
  /// gives every error (a table too) the script's file and line. Returns lua_pcall's status.
  int call(int nargs, int nresults);
  static constexpr int message_handler = 1;  // its stack index, for the state's whole life
  /// Pops the error message a failed call() left on the stack.
  std::string pop_error();

  World& world_;
  std::string dir_;
  report_sink report_;
  lua_State* L_ = nullptr;
  int game_ = 0;  ///< registry reference of the table game.lua returned
  std::vector<KindInfo> kinds_;
  std::vector<CollisionRule> collisions_;
  std::vector<TransformRule> transforms_;
  HitRule hit_;
  double round_seconds_ = 30;
  std::vector<std::string> var_names_;
  std::vector<std::string> chunks_;  ///< the loaded files, relative to dir_
  LifecycleProvider lifecycle_;
  std::set<std::string, std::less<>> reported_;
  std::uint64_t failures_ = 0;
  std::string id_buf_;
};

}  // namespace duckhunt
