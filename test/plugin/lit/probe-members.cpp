// Member functions of every kind are instrumented: defined in the class and out of line, declared
// with the attribute and defined later, static, virtual and overriding.
// RUN: %clangxx %yams -fplugin-arg-yams-list -fsyntax-only %s 2>&1 | FileCheck %s --check-prefix=LIST
// RUN: %clangxx %yams -S -emit-llvm -o - %s | FileCheck %s --check-prefix=IR
#include <yams/yams.hpp>

struct GameEngine {
  [[yams::profile("in class")]] int in_class(int v) { return v + 1; }
  [[yams::profile("out of line")]] int out_of_line(int v);
  [[yams::profile("static")]] static int make(int v) { return v; }
  [[yams::profile("virtual")]] virtual int tick(int v) { return v; }
  virtual ~GameEngine() = default;
};
int GameEngine::out_of_line(int v) { return v * 2; }

struct Derived : GameEngine {
  [[yams::profile("override")]] int tick(int v) override { return v + 2; }
};

[[yams::profile("declared first")]] int declared_first(int);
int declared_first(int v) { return v - 1; }

int use() {
  GameEngine e;
  Derived d;
  return e.in_class(1) + e.out_of_line(2) + GameEngine::make(3) + e.tick(4) + d.tick(5) +
         declared_first(6);
}

// LIST-DAG: yams: {{.*}}probe-members.cpp:8: profile 'GameEngine::in_class' label "in class" module "game_engine" func "in_class" captures [v:args]
// LIST-DAG: yams: {{.*}}probe-members.cpp:14: profile 'GameEngine::out_of_line' label "out of line" module "game_engine" func "out_of_line" captures [v:args]
// LIST-DAG: yams: {{.*}}probe-members.cpp:10: profile 'GameEngine::make' label "static"
// LIST-DAG: yams: {{.*}}probe-members.cpp:11: profile 'GameEngine::tick' label "virtual"
// LIST-DAG: yams: {{.*}}probe-members.cpp:17: profile 'Derived::tick' label "override" module "derived"
// LIST-DAG: yams: {{.*}}probe-members.cpp:21: profile 'declared_first' label "declared first" module "global"

// IR-DAG: @_ZZN10GameEngine8in_classEiE11__yams_site = linkonce_odr {{.*}}constant %"struct.yams::site"
// IR-DAG: @_ZZN10GameEngine11out_of_lineEiE11__yams_site = internal constant %"struct.yams::site"
// IR-DAG: @_ZZN10GameEngine4makeEiE11__yams_site = linkonce_odr {{.*}}constant
// IR-DAG: @_ZZN10GameEngine4tickEiE11__yams_site = linkonce_odr {{.*}}constant
// IR-DAG: @_ZZN7Derived4tickEiE11__yams_site = linkonce_odr {{.*}}constant
// IR-DAG: @_ZZ14declared_firstiE11__yams_site = internal constant
// IR-NOT: llvm.global.annotations
