// The module defaults to the enclosing class in snake_case, else the innermost named namespace,
// else "global"; module= and func= override the recorded module and function name.
// RUN: %clangxx %yams -fplugin-arg-yams-list -fsyntax-only %s 2>&1 | FileCheck %s
#include <yams/yams.hpp>

namespace ams::lua {
struct GameLuaAPI {
  [[yams::profile("ams.set_vy")]] void set_vy(double vy) {}
};
struct HTTPServer {
  [[yams::profile("serve")]] void serve() {}
};
[[yams::profile("free")]] void free_function() {}
namespace {
[[yams::profile("anonymous")]] void hidden() {}
} // namespace
} // namespace ams::lua

[[yams::profile("top")]] void top_level() {}
[[yams::profile("renamed", "module=physics", "func=integrate")]] void step() {}

// CHECK-DAG: profile 'ams::lua::GameLuaAPI::set_vy' label "ams.set_vy" module "game_lua_api" func "set_vy"
// CHECK-DAG: profile 'ams::lua::HTTPServer::serve' label "serve" module "http_server" func "serve"
// CHECK-DAG: profile 'ams::lua::free_function' label "free" module "lua" func "free_function"
// CHECK-DAG: profile 'ams::lua::(anonymous namespace)::hidden' label "anonymous" module "lua" func "hidden"
// CHECK-DAG: profile 'top_level' label "top" module "global" func "top_level"
// CHECK-DAG: profile 'step' label "renamed" module "physics" func "integrate"
