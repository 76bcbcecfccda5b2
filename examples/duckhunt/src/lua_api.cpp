// The instrumented `ams.*` API members (module lua_api): each is a callback from script code.
#include "lua_api.hpp"

#include "lua_engine.hpp"

#include <yams/yams.hpp>

namespace duckhunt {

bool GameLuaAPI::set_field(std::string_view entity_id, double Entity::*field, double value) {
  Entity* e = world_.find(entity_id);
  if (e == nullptr) return false;
  e->*field = value;
  return true;
}

[[yams::profile("ams.set_x", "module=lua_api", "lua_callback")]]
bool GameLuaAPI::set_x(std::string_view entity_id, double x) {
  return set_field(entity_id, &Entity::x, x);
}

[[yams::profile("ams.set_y", "module=lua_api", "lua_callback")]]
bool GameLuaAPI::set_y(std::string_view entity_id, double y) {
  return set_field(entity_id, &Entity::y, y);
}

[[yams::profile("ams.set_vx", "module=lua_api", "lua_callback")]]
bool GameLuaAPI::set_vx(std::string_view entity_id, double vx) {
  return set_field(entity_id, &Entity::vx, vx);
}

[[yams::profile("ams.set_vy", "module=lua_api", "lua_callback")]]
bool GameLuaAPI::set_vy(std::string_view entity_id, double vy) {
  return set_field(entity_id, &Entity::vy, vy);
}

[[yams::profile("ams.spawn", "module=lua_api", "lua_callback")]]
std::string GameLuaAPI::spawn(std::string_view kind, double x, double y, double vx, double vy) {
  const int k = lua_.kind_index(kind);
  if (k < 0) return {};
  const auto& info = lua_.kinds()[static_cast<std::size_t>(k)];
  const std::size_t i = world_.spawn(static_cast<std::uint32_t>(k), info.name, x, y, vx, vy, info.radius);
  return world_.state.entities[i].id;
}

[[yams::profile("ams.destroy", "module=lua_api", "lua_callback")]]
bool GameLuaAPI::destroy(std::string_view entity_id) {
  Entity* e = world_.find(entity_id);
  if (e == nullptr) return false;
  e->alive = false;
  return true;
}

[[yams::profile("ams.play_sound", "module=lua_api", "lua_callback")]]
void GameLuaAPI::play_sound(std::string_view name) {
  ++world_.state.sounds;
  world_.state.sound_digest += fnv1a(name);
}

[[yams::profile("ams.schedule", "module=lua_api", "lua_callback")]]
void GameLuaAPI::schedule(double delay, std::string_view callback, std::string_view entity_id) {
  ScheduledCall c;
  c.at = world_.state.time + (delay > 0 ? delay : 0);
  c.seq = world_.state.next_seq++;
  c.callback.assign(callback);
  c.entity_id.assign(entity_id);
  world_.state.scheduled.push_back(std::move(c));
}

}  // namespace duckhunt
