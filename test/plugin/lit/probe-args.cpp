// What a zone captures: by default every parameter of a capturable type goes into args; args=
// names them (empty: none); entity_id (or the parameter entity_id= names) fills entity_id; a
// {placeholder} captures its parameter for the label even outside args. lua_code and lua_callback
// set the site's flags.
// RUN: %clangxx %yams -fplugin-arg-yams-list -fsyntax-only %s 2>&1 | FileCheck %s
#include <yams/yams.hpp>
#include <string>
#include <string_view>
#include <vector>

enum class Team { red, blue };
struct Entity {};

[[yams::profile("all")]] void all(int i, double d, bool b, Team t, const std::string &s,
                                  std::string_view sv, const char *c, std::vector<int> skipped,
                                  Entity &e) {}
[[yams::profile("ams.set_vy", "module=lua_api", "lua_callback", "args=entity_id,vy")]]
void set_vy(const std::string &entity_id, double vy, int ignored) {}
[[yams::profile("Lua → on_update({entity_id})", "lua_code", "args=")]]
void on_entity_update(const std::string &entity_id, double dt) {}
[[yams::profile("collision({action})", "args=", "entity_id=who")]]
void collision(const std::string &action, std::string_view who) {}
[[yams::profile("behaviour")]]
void behaviour(const std::string &entity_id, const yams::script_source *script, double dt) {}
[[yams::profile("behaviour", "args=script")]]
void behaviour_named(yams::script_source *script, const std::string &entity_id) {}

// CHECK-DAG: profile 'all' {{.*}} captures [i:args, d:args, b:args, t:args, s:args, sv:args, c:args]
// CHECK-DAG: profile 'set_vy' label "ams.set_vy" module "lua_api" func "set_vy" lua_callback captures [entity_id:args:entity_id, vy:args]
// CHECK-DAG: profile 'on_entity_update' label "Lua → on_update({entity_id})" {{.*}} lua_code captures [entity_id:entity_id]
// CHECK-DAG: profile 'collision' {{.*}} captures [action:label, who:entity_id]
// CHECK-DAG: profile 'behaviour' {{.*}} captures [entity_id:args:entity_id, script:args, dt:args]
// CHECK-DAG: profile 'behaviour_named' {{.*}} captures [script:args, entity_id:entity_id]
