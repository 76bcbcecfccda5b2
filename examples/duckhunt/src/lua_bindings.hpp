// Registers the `ams` table in a Lua state, each function calling GameLuaAPI.
#pragma once

struct lua_State;

namespace duckhunt {

class GameLuaAPI;

/// Creates the global `ams` table bound to `api` and points math.random at ams.random. Game thread.
void register_ams_api(lua_State* L, GameLuaAPI& api);

}  // namespace duckhunt
