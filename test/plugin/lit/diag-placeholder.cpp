// A {placeholder} must name a parameter; the error points at the placeholder inside the string.
// RUN: rm -rf %t && split-file %s %t
// RUN: %clangxx %yams -fsyntax-only -Xclang -verify %t/bad.cpp
// RUN: not %clangxx %yams -fsyntax-only %t/bad.cpp 2>&1 | FileCheck %s
// RUN: %clangxx %yams -fsyntax-only -Xclang -verify %t/good.cpp

// CHECK: bad.cpp:2:29: error: placeholder '{who}' in the label names no parameter of 'hit'
// CHECK: bad.cpp:4:3: error: placeholder '{id}' in the label names no parameter of 'spawn'

//--- bad.cpp
#include <yams/yams.hpp>
[[yams::profile("hit {whom} {who}")]] void hit(int whom); // expected-error {{placeholder '{who}' in the label names no parameter of 'hit'}}
// A declaration that leaves a parameter unnamed is checked against its definition.
[[yams::profile("spawn({id})")]] void spawn(int); // expected-error {{placeholder '{id}' in the label names no parameter of 'spawn'}}
void spawn(int count) {}

//--- good.cpp
// expected-no-diagnostics
#include <yams/yams.hpp>
#include <string>
[[yams::profile("hit {whom}")]] void hit(int whom) {}
// Braces that do not hold an identifier are text.
[[yams::profile("set {} {1x} { who }")]] void literal(int who) {}
[[yams::profile("on_update({entity_id})", "args=")]] void update(const std::string &entity_id) {}
// A header's declaration without parameter names; the definition names them.
struct Ai {
  [[yams::profile("think {id}", "args=id", "entity_id=name")]] void think(int, const char *);
};
void Ai::think(int id, const char *name) {}
