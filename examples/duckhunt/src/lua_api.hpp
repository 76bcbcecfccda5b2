// GameLuaAPI: what the `ams` table offers scripts. The instrumented members are the design's
// `ams.*` rows; lua_bindings.cpp turns Lua calls into calls of these members and reports misuse
// (unknown entity, bad argument) as a Lua error at the script's line.
#pragma once

#include "world.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace duckhunt {

class LuaEngine;

/// Playfield size in world units; y grows downwards, the ground is at y = field_height.
inline constexpr double field_width = 800;
inline constexpr double field_height = 600;

class GameLuaAPI {
 public:
  GameLuaAPI(World& world, LuaEngine& lua) : world_(world), lua_(lua) {}

  // Each returns false when `entity_id` names no live entity. Game thread.
  bool set_x(std::string_view entity_id, double x);
  bool set_y(std::string_view entity_id, double y);
  bool set_vx(std::string_view entity_id, double vx);
  bool set_vy(std::string_view entity_id, double vy);
  /// Spawns an entity of `kind` and returns its id, or an empty string for an unknown kind.
  std::string spawn(std::string_view kind, double x, double y, double vx, double vy);
  /// Marks the entity destroyed (removed at the end of the frame); false if unknown.
  bool destroy(std::string_view entity_id);
  /// Records a sound event (there is no audio device). Always succeeds.
  void play_sound(std::string_view name);
  /// Queues game.lua's scheduled[callback](entity_id) `delay` simulated seconds from now.
  void schedule(double delay, std::string_view callback, std::string_view entity_id);
  /// Adds to the score. Game thread.
  void add_score(std::int64_t points) { world_.state.score += points; }

  /// The world and the scripts the API acts on. Game thread.
  World& world() noexcept { return world_; }
  LuaEngine& lua() noexcept { return lua_; }

 private:
  bool set_field(std::string_view entity_id, double Entity::*field, double value);

  World& world_;
  LuaEngine& lua_;
};

}  // namespace duckhunt
