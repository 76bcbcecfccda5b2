// The Lua side of the `ams` API: argument checking and conversion around GameLuaAPI. Misuse raises a
// Lua error, which Lua prefixes with the calling script's file and line.
#include "lua_bindings.hpp"

#include "lua_api.hpp"
#include "lua_engine.hpp"

#include <lua.hpp>

#include <cmath>
#include <string>
#include <string_view>

namespace duckhunt {
namespace {

GameLuaAPI& api_of(lua_State* L) {
  return *static_cast<GameLuaAPI*>(lua_touserdata(L, lua_upvalueindex(1)));
}

std::string_view check_sv(lua_State* L, int i) {
  std::size_t n = 0;
  const char* s = luaL_checklstring(L, i, &n);
  return {s, n};
}

int no_entity(lua_State* L, const char* fn, std::string_view id) {
  return luaL_error(L, "ams.%s: no entity '%s'", fn, std::string(id).c_str());
}

Entity& check_entity(lua_State* L, const char* fn, int i) {
  std::string_view id = check_sv(L, i);
  Entity* e = api_of(L).world().find(id);
  if (e == nullptr) no_entity(L, fn, id);
  return *e;
}

template <bool (GameLuaAPI::*Set)(std::string_view, double)>
int l_set(lua_State* L, const char* fn) {
  std::string_view id = check_sv(L, 1);
  double v = luaL_checknumber(L, 2);
  if (!(api_of(L).*Set)(id, v)) return no_entity(L, fn, id);
  return 0;
}

int l_set_x(lua_State* L) { return l_set<&GameLuaAPI::set_x>(L, "set_x"); }
int l_set_y(lua_State* L) { return l_set<&GameLuaAPI::set_y>(L, "set_y"); }
int l_set_vx(lua_State* L) { return l_set<&GameLuaAPI::set_vx>(L, "set_vx"); }
int l_set_vy(lua_State* L) { return l_set<&GameLuaAPI::set_vy>(L, "set_vy"); }

int l_get_x(lua_State* L) { lua_pushnumber(L, check_entity(L, "get_x", 1).x); return 1; }
int l_get_y(lua_State* L) { lua_pushnumber(L, check_entity(L, "get_y", 1).y); return 1; }
int l_get_vx(lua_State* L) { lua_pushnumber(L, check_entity(L, "get_vx", 1).vx); return 1; }
int l_get_vy(lua_State* L) { lua_pushnumber(L, check_entity(L, "get_vy", 1).vy); return 1; }

int l_exists(lua_State* L) {
  lua_pushboolean(L, api_of(L).world().find(check_sv(L, 1)) != nullptr);
  return 1;
}

int l_kind(lua_State* L) {
  const Entity& e = check_entity(L, "kind", 1);
  lua_pushstring(L, api_of(L).lua().kinds()[e.kind].name.c_str());
  return 1;
}

int check_var(lua_State* L, const char* fn) {
  std::string_view name = check_sv(L, 2);
  int slot = api_of(L).lua().var_slot(name);
  if (slot < 0) {
    return luaL_error(L, "ams.%s: too many variable names (at most %d per game), '%s' is one too many", fn,
                      static_cast<int>(max_entity_vars), std::string(name).c_str());
  }
  return slot;
}

int l_get_var(lua_State* L) {
  Entity& e = check_entity(L, "get_var", 1);
  lua_pushnumber(L, e.vars[static_cast<std::size_t>(check_var(L, "get_var"))]);
  return 1;
}

int l_set_var(lua_State* L) {
  Entity& e = check_entity(L, "set_var", 1);
  const int slot = check_var(L, "set_var");
  e.vars[static_cast<std::size_t>(slot)] = luaL_checknumber(L, 3);
  return 0;
}

int l_spawn(lua_State* L) {
  std::string_view kind = check_sv(L, 1);
  const double x = luaL_checknumber(L, 2), y = luaL_checknumber(L, 3);
  const double vx = luaL_optnumber(L, 4, 0), vy = luaL_optnumber(L, 5, 0);
  std::string id = api_of(L).spawn(kind, x, y, vx, vy);
  if (id.empty()) {
    id.assign(kind);
    return luaL_error(L, "ams.spawn: unknown kind '%s' (no behaviours/%s.lua)", id.c_str(), id.c_str());
  }
  lua_pushlstring(L, id.data(), id.size());
  return 1;
}

int l_destroy(lua_State* L) {
  std::string_view id = check_sv(L, 1);
  if (!api_of(L).destroy(id)) return no_entity(L, "destroy", id);
  return 0;
}

int l_play_sound(lua_State* L) {
  api_of(L).play_sound(check_sv(L, 1));
  return 0;
}

int l_schedule(lua_State* L) {
  const double delay = luaL_checknumber(L, 1);
  std::string_view callback = check_sv(L, 2);
  std::string_view id = lua_isnoneornil(L, 3) ? std::string_view() : check_sv(L, 3);
  api_of(L).schedule(delay, callback, id);
  return 0;
}

// Like math.random, but drawn from the world's generator so that rollbacks replay it.
int l_random(lua_State* L) {
  const double r = api_of(L).world().random();
  const int n = lua_gettop(L);
  if (n == 0) {
    lua_pushnumber(L, r);
    return 1;
  }
  lua_Integer lo = 1, hi = 0;
  if (n == 1) {
    hi = luaL_checkinteger(L, 1);
  } else {
    lo = luaL_checkinteger(L, 1);
    hi = luaL_checkinteger(L, 2);
  }
  luaL_argcheck(L, lo <= hi, n, "interval is empty");
  const double span = static_cast<double>(hi - lo) + 1.0;
  lua_pushinteger(L, lo + static_cast<lua_Integer>(std::floor(r * span)));
  return 1;
}

int l_count(lua_State* L) {
  const int kind = api_of(L).lua().kind_index(check_sv(L, 1));
  lua_Integer n = 0;
  for (const Entity& e : api_of(L).world().state.entities) n += (e.alive && static_cast<int>(e.kind) == kind);
  lua_pushinteger(L, n);
  return 1;
}

int l_add_score(lua_State* L) {
  api_of(L).add_score(luaL_checkinteger(L, 1));
  return 0;
}

int l_time(lua_State* L) { lua_pushnumber(L, api_of(L).world().state.time); return 1; }
int l_frame(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(api_of(L).world().state.frame));
  return 1;
}
int l_round(lua_State* L) { lua_pushinteger(L, api_of(L).world().state.round); return 1; }
int l_width(lua_State* L) { lua_pushnumber(L, field_width); return 1; }
int l_height(lua_State* L) { lua_pushnumber(L, field_height); return 1; }

constexpr luaL_Reg ams_functions[] = {
    {"set_x", l_set_x},         {"set_y", l_set_y},
    {"set_vx", l_set_vx},       {"set_vy", l_set_vy},
    {"get_x", l_get_x},         {"get_y", l_get_y},
    {"get_vx", l_get_vx},       {"get_vy", l_get_vy},
    {"exists", l_exists},       {"kind", l_kind},
    {"get_var", l_get_var},     {"set_var", l_set_var},
    {"spawn", l_spawn},         {"destroy", l_destroy},
    {"play_sound", l_play_sound}, {"schedule", l_schedule},
    {"random", l_random},       {"count", l_count},
    {"add_score", l_add_score}, {"time", l_time},
    {"frame", l_frame},         {"round", l_round},
    {"width", l_width},         {"height", l_height},
    {nullptr, nullptr},
};

}  // namespace

void register_ams_api(lua_State* L, GameLuaAPI& api) {
  lua_newtable(L);
  lua_pushlightuserdata(L, &api);
  luaL_setfuncs(L, ams_functions, 1);
  lua_getfield(L, -1, "random");
  lua_setglobal(L, "__ams_random");
  lua_setglobal(L, "ams");
  // math.random would draw from a generator outside the snapshot; replace it by ams.random.
  lua_getglobal(L, "math");
  lua_getglobal(L, "__ams_random");
  lua_setfield(L, -2, "random");
  lua_pushnil(L);
  lua_setfield(L, -2, "randomseed");
  lua_pop(L, 1);
  lua_pushnil(L);
  lua_setglobal(L, "__ams_random");
}

}  // namespace duckhunt
