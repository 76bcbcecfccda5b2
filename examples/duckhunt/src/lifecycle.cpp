// The per-entity behaviour hook (module lifecycle): one call of a behaviour's on_update.
#include "lifecycle.hpp"

#include "lua_engine.hpp"

#include <yams/yams.hpp>

#include <lua.hpp>

namespace duckhunt {

// `script` is captured as the call's source: the panel opens the behaviour's on_update, not this file.
// (Only the probe uses it: unused in a build without the plugin.)
[[yams::profile("Lua → on_update({entity_id})", "module=lifecycle", "lua_code", "args=script")]]
bool LifecycleProvider::on_entity_update(const std::string& entity_id,
                                         [[maybe_unused]] const yams::script_source* script,
                                         std::uint32_t kind, double dt) {
  lua_State* L = lua_.state();
  lua_rawgeti(L, LUA_REGISTRYINDEX, lua_.kinds()[kind].on_update);
  lua_pushlstring(L, entity_id.data(), entity_id.size());
  lua_pushnumber(L, dt);
  return lua_.protected_call(2, "on_update", entity_id);
}

}  // namespace duckhunt
