// LuaEngine: loading the scripts and rules, the per-frame entity updates, and the collision, input,
// scheduled and round-start actions.
#include "lua_engine.hpp"

#include "lua_bindings.hpp"

#include <yams/yams.hpp>

#include <lua.hpp>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

namespace duckhunt {

namespace fs = std::filesystem;

namespace {

// The message handler of every protected call: a string error (Lua has put "file:line: " before it) is
// kept; any other error value (error({code = 1}), error(42)) becomes "file:line: error object is a
// table" (or its __tostring), located at the innermost script line on the stack, so the report can say
// where it came from.
int error_handler(lua_State* L) {
  if (lua_type(L, 1) == LUA_TSTRING) return 1;
  std::string what;
  if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
    what = lua_tostring(L, -1);
  } else {
    what = std::string("error object is a ") + luaL_typename(L, 1);
    if (lua_type(L, 1) == LUA_TNUMBER || lua_type(L, 1) == LUA_TBOOLEAN)
      what = what + " (" + luaL_tolstring(L, 1, nullptr) + ")";
  }
  lua_Debug ar{};
  for (int level = 1; lua_getstack(L, level, &ar) != 0; ++level) {
    if (lua_getinfo(L, "Sl", &ar) != 0 && ar.currentline > 0) {
      what = std::string(ar.short_src) + ":" + std::to_string(ar.currentline) + ": " + what;
      break;
    }
  }
  lua_pushlstring(L, what.data(), what.size());
  return 1;
}

}  // namespace

LuaEngine::LuaEngine(World& world, std::string scripts_dir, report_sink report)
    : world_(world), dir_(std::move(scripts_dir)), report_(std::move(report)), lifecycle_(*this) {
  L_ = luaL_newstate();
  if (L_ == nullptr) throw script_error("cannot create a Lua state (out of memory)");
  // Only deterministic libraries: no io, os or package, so scripts can't read clocks or files.
  const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},
                           {LUA_MATHLIBNAME, luaopen_math},
                           {LUA_STRLIBNAME, luaopen_string},
                           {LUA_TABLIBNAME, luaopen_table}};
  for (const luaL_Reg& lib : libs) {
    luaL_requiref(L_, lib.name, lib.func, 1);
    lua_pop(L_, 1);
  }
  // The message handler of every call(), pushed once: it stays at the bottom of the stack, which
  // the engine only ever uses above it.
  lua_pushcfunction(L_, error_handler);
}

LuaEngine::~LuaEngine() { lua_close(L_); }

void LuaEngine::bind(GameLuaAPI& api) { register_ams_api(L_, api); }

void LuaEngine::load() {
  if (!fs::is_directory(dir_)) {
    throw script_error("scripts directory '" + dir_ + "' not found (use --scripts DIR)");
  }
  load_behaviours();
  load_game_script();
  read_collision_rules();
  read_transform_rules();
  read_hit_rule();
}

void LuaEngine::run_file(const std::string& rel) {
  const std::string path = dir_ + "/" + rel;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw script_error(path + ": missing script (cannot open it)");
  std::ostringstream text;
  text << in.rdbuf();
  const std::string code = text.str();
  if (std::find(chunks_.begin(), chunks_.end(), rel) == chunks_.end()) chunks_.push_back(rel);
  const std::string chunk = "@" + rel;
  int rc = luaL_loadbufferx(L_, code.data(), code.size(), chunk.c_str(), "t");
  if (rc == LUA_OK) rc = call(0, 1);
  if (rc != LUA_OK) throw script_error(locate(pop_error()));
}

void LuaEngine::load_behaviours() {
  const fs::path dir = fs::path(dir_) / "behaviours";
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".lua") names.push_back(entry.path().stem().string());
  }
  if (names.empty()) throw script_error(dir.string() + ": missing behaviour scripts (no *.lua files)");
  std::sort(names.begin(), names.end());  // kind numbers must not depend on directory order
  for (const std::string& name : names) {
    const std::string rel = "behaviours/" + name + ".lua";
    KindInfo kind;
    kind.name = name;
    kind.script = dir_ + "/" + rel;
    std::error_code time_ec;
    kind.modified = fs::last_write_time(kind.script, time_ec);
    run_file(rel);
    read_behaviour(kind);
    kinds_.push_back(std::move(kind));
  }
}

namespace {

// A script_source for `file` (an absolute path) at `line`, kept until the process exits: the
// profiler's collector reads it when it assembles a frame, which may be after the engine is gone.
// Any thread (engines on different threads load scripts at the same time in tests).
const yams::script_source* lasting_source(const std::string& file, std::uint32_t line) {
  static std::mutex mu;
  static auto* files = new std::deque<std::string>;            // stable addresses, never freed
  static auto* sources = new std::deque<yams::script_source>;
  std::lock_guard lock(mu);
  auto known = std::find(files->begin(), files->end(), file);
  const char* path = known != files->end() ? known->c_str() : files->emplace_back(file).c_str();
  for (const yams::script_source& s : *sources)
    if (s.file == path && s.line == line) return &s;
  return &sources->emplace_back(yams::script_source{path, line});
}

}  // namespace

void LuaEngine::read_behaviour(KindInfo& kind) {
  if (!lua_istable(L_, -1)) {
    lua_pop(L_, 1);
    throw script_error(kind.script + ": a behaviour must return a table");
  }
  lua_getfield(L_, -1, "on_update");
  if (!lua_isfunction(L_, -1)) {
    lua_pop(L_, 2);
    throw script_error(kind.script + ": the returned table has no on_update function");
  }
  lua_Debug where{};
  lua_pushvalue(L_, -1);
  const std::uint32_t line =
      lua_getinfo(L_, ">S", &where) != 0 && where.linedefined > 0 ? static_cast<std::uint32_t>(where.linedefined) : 0;
  if (kind.on_update != 0) luaL_unref(L_, LUA_REGISTRYINDEX, kind.on_update);
  kind.on_update = luaL_ref(L_, LUA_REGISTRYINDEX);
  lua_getfield(L_, -1, "radius");
  if (lua_isnumber(L_, -1)) kind.radius = lua_tonumber(L_, -1);
  lua_pop(L_, 2);
  kind.source = lasting_source(fs::absolute(kind.script).lexically_normal().string(), line);
}

int LuaEngine::reload_changed_behaviours() {
  int reloaded = 0;
  for (KindInfo& kind : kinds_) {
    std::error_code ec;
    const fs::file_time_type t = fs::last_write_time(kind.script, ec);
    if (ec || t == kind.modified) continue;
    kind.modified = t;  // a version that fails is not tried again until the file changes again
    const int top = lua_gettop(L_);
    try {
      run_file("behaviours/" + kind.name + ".lua");
      read_behaviour(kind);
      ++reloaded;
      // The new version's failures are reported again.
      std::erase_if(reported_, [](const std::string& key) { return key.starts_with("on_update("); });
      if (report_) report_("duckhunt: reloaded " + kind.script);
    } catch (const script_error& e) {
      lua_settop(L_, top);
      if (report_) report_(std::string("duckhunt: script error reloading ") + e.what() + " (kept the previous version)");
    }
  }
  return reloaded;
}

void LuaEngine::load_game_script() {
  run_file("game.lua");
  if (!lua_istable(L_, -1)) throw script_error(dir_ + "/game.lua: must return a table");
  lua_getfield(L_, -1, "on_round_start");
  const bool ok = lua_isfunction(L_, -1);
  lua_pop(L_, 1);
  if (!ok) throw script_error(dir_ + "/game.lua: the returned table has no on_round_start function");
  lua_getfield(L_, -1, "round_seconds");
  if (lua_isnumber(L_, -1)) round_seconds_ = lua_tonumber(L_, -1);
  lua_pop(L_, 1);
  game_ = luaL_ref(L_, LUA_REGISTRYINDEX);
}

std::uint32_t LuaEngine::rule_kind(const char* where, const char* field) {
  lua_getfield(L_, -1, field);
  const char* name = lua_tostring(L_, -1);
  const int k = name ? kind_index(name) : -1;
  std::string shown = name ? name : "(missing)";
  lua_pop(L_, 1);
  if (k < 0) {
    throw script_error(dir_ + "/game.lua: " + where + "." + field + ": unknown kind '" + shown +
                       "' (no behaviours/" + shown + ".lua)");
  }
  return static_cast<std::uint32_t>(k);
}

void LuaEngine::for_each_rule(const char* table, const std::function<void(const std::string& where)>& read) {
  lua_rawgeti(L_, LUA_REGISTRYINDEX, game_);
  lua_getfield(L_, -1, table);
  const lua_Integer n = lua_istable(L_, -1) ? luaL_len(L_, -1) : 0;
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_rawgeti(L_, -1, i);
    read(std::string(table) + "[" + std::to_string(i) + "]");
    lua_pop(L_, 1);
  }
  lua_pop(L_, 2);
}

void LuaEngine::read_collision_rules() {
  for_each_rule("collisions", [&](const std::string& where) {
    CollisionRule rule;
    rule.a = rule_kind(where.c_str(), "a");
    rule.b = rule_kind(where.c_str(), "b");
    lua_getfield(L_, -1, "action");
    if (const char* action = lua_tostring(L_, -1)) rule.action = action;
    lua_pop(L_, 1);
    if (rule.action.empty()) throw script_error(dir_ + "/game.lua: " + where + ".action: missing");
    collisions_.push_back(std::move(rule));
  });
}

void LuaEngine::read_transform_rules() {
  for_each_rule("transforms", [&](const std::string& where) {
    TransformRule rule;
    rule.from = rule_kind(where.c_str(), "from");
    rule.into = rule_kind(where.c_str(), "into");
    lua_getfield(L_, -1, "var");
    const char* var = lua_tostring(L_, -1);
    const int slot = var ? var_slot(var) : -1;
    lua_getfield(L_, -2, "below");
    rule.below = lua_tonumber(L_, -1);
    lua_pop(L_, 2);
    if (slot < 0) throw script_error(dir_ + "/game.lua: " + where + ".var: missing or too many variables");
    rule.var = static_cast<std::size_t>(slot);
    transforms_.push_back(rule);
  });
}

void LuaEngine::read_hit_rule() {
  lua_rawgeti(L_, LUA_REGISTRYINDEX, game_);
  lua_getfield(L_, -1, "hit");
  if (lua_istable(L_, -1)) {
    lua_getfield(L_, -1, "slop");
    hit_.slop = lua_tonumber(L_, -1);
    lua_getfield(L_, -2, "action");
    if (const char* action = lua_tostring(L_, -1)) hit_.action = action;
    lua_pop(L_, 2);
    lua_getfield(L_, -1, "kinds");
    const lua_Integer n = lua_istable(L_, -1) ? luaL_len(L_, -1) : 0;
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_createtable(L_, 0, 1);  // rule_kind reads a field of the table on top: wrap the name in one
      lua_rawgeti(L_, -2, i);
      lua_setfield(L_, -2, "kind");
      hit_.kinds.push_back(rule_kind("hit.kinds", "kind"));
      lua_pop(L_, 1);
    }
    lua_pop(L_, 1);
  }
  lua_pop(L_, 2);
}

int LuaEngine::kind_index(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < kinds_.size(); ++i) {
    if (kinds_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int LuaEngine::var_slot(std::string_view name) {
  for (std::size_t i = 0; i < var_names_.size(); ++i) {
    if (var_names_[i] == name) return static_cast<int>(i);
  }
  if (var_names_.size() == max_entity_vars) return -1;
  var_names_.emplace_back(name);
  return static_cast<int>(var_names_.size() - 1);
}

std::string LuaEngine::locate(std::string message) const {
  for (const std::string& rel : chunks_) {
    if (message.size() > rel.size() && message.compare(0, rel.size(), rel) == 0 && message[rel.size()] == ':') {
      return dir_ + "/" + message;
    }
  }
  return message;
}

int LuaEngine::call(int nargs, int nresults) { return lua_pcall(L_, nargs, nresults, message_handler); }

std::string LuaEngine::pop_error() {
  std::string msg = lua_type(L_, -1) == LUA_TSTRING ? lua_tostring(L_, -1) : "(error object is not a string)";
  lua_pop(L_, 1);
  return msg;
}

bool LuaEngine::protected_call(int nargs, std::string_view what, std::string_view subject) {
  if (call(nargs, 0) == LUA_OK) return true;
  ++failures_;
  std::string msg = pop_error();
  std::string key;
  key.append(what).append(1, '(').append(subject).append(1, ')');
  if (reported_.insert(key).second && report_) {
    report_("duckhunt: script error in " + key + " at frame " + std::to_string(world_.state.frame) + ": " +
            locate(std::move(msg)) + " (reported once; the game goes on)");
  }
  return false;
}

bool LuaEngine::push_game_function(const char* section, std::string_view name) {
  lua_rawgeti(L_, LUA_REGISTRYINDEX, game_);
  if (lua_getfield(L_, -1, section) == LUA_TTABLE) {
    lua_pushlstring(L_, name.data(), name.size());
    if (lua_gettable(L_, -2) == LUA_TFUNCTION) {
      lua_replace(L_, -3);  // function where the game table was
      lua_pop(L_, 1);
      return true;
    }
    lua_pop(L_, 1);
  }
  lua_pop(L_, 2);
  std::string key = std::string(section) + "(" + std::string(name) + ")";
  ++failures_;
  if (reported_.insert(key).second && report_) {
    report_("duckhunt: script error in " + key + ": " + dir_ + "/game.lua defines no " + section + "." +
            std::string(name) + " function (reported once; the game goes on)");
  }
  return false;
}

[[yams::profile("Lua Entity Updates", "module=lua_engine", "args=")]]
void LuaEngine::update(double dt) {
  run_scheduled();
  const std::size_t n = world_.state.entities.size();  // entities spawned now start next frame
  for (std::size_t i = 0; i < n; ++i) {
    const Entity& e = world_.state.entities[i];
    if (!e.alive) continue;
    id_buf_ = e.id;  // the vector may grow while the behaviour runs
    lifecycle_.on_entity_update(id_buf_, kinds_[e.kind].source, e.kind, dt);
  }
}

void LuaEngine::run_scheduled() {
  auto& pending = world_.state.scheduled;
  const double now = world_.state.time + 1e-9;
  if (std::none_of(pending.begin(), pending.end(), [&](const ScheduledCall& c) { return c.at <= now; })) return;
  std::vector<ScheduledCall> due, later;
  for (ScheduledCall& c : pending) (c.at <= now ? due : later).push_back(std::move(c));
  pending = std::move(later);
  std::sort(due.begin(), due.end(), [](const ScheduledCall& a, const ScheduledCall& b) {
    return a.at != b.at ? a.at < b.at : a.seq < b.seq;
  });
  for (const ScheduledCall& c : due) {
    if (!push_game_function("scheduled", c.callback)) continue;
    lua_pushlstring(L_, c.entity_id.data(), c.entity_id.size());
    protected_call(1, "scheduled", c.callback);
  }
}

[[yams::profile("Lua → collision({action})", "module=lua_engine", "lua_code", "args=entity_a,entity_b")]]
bool LuaEngine::execute_collision_action(const std::string& action, const std::string& entity_a,
                                         const std::string& entity_b) {
  if (!push_game_function("collision", action)) return false;
  lua_pushlstring(L_, entity_a.data(), entity_a.size());
  lua_pushlstring(L_, entity_b.data(), entity_b.size());
  return protected_call(2, "collision", action);
}

[[yams::profile("Lua → input({action})", "module=lua_engine", "lua_code", "args=x,y")]]
bool LuaEngine::execute_input_action(const std::string& action, double x, double y) {
  if (!push_game_function("input", action)) return false;
  lua_pushnumber(L_, x);
  lua_pushnumber(L_, y);
  return protected_call(2, "input", action);
}

void LuaEngine::start_round(std::uint32_t round, int ducks) {
  lua_rawgeti(L_, LUA_REGISTRYINDEX, game_);
  lua_getfield(L_, -1, "on_round_start");
  lua_remove(L_, -2);
  lua_pushinteger(L_, round);
  lua_pushinteger(L_, ducks);
  if (call(2, 0) == LUA_OK) return;
  ++failures_;
  throw script_error("script error in on_round_start(" + std::to_string(round) + "): " + locate(pop_error()) +
                     " (the game cannot go on without its round)");
}

}  // namespace duckhunt
