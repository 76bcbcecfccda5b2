// -fplugin-arg-yams-off checks every attribute but inserts nothing and leaves no marker.
// RUN: rm -rf %t && split-file %s %t
// RUN: %clangxx %yams -fplugin-arg-yams-off -fsyntax-only -Xclang -ast-dump %t/good.cpp \
// RUN:   | FileCheck %s --implicit-check-not=__yams --implicit-check-not=AnnotateAttr
// RUN: %clangxx %yams -fplugin-arg-yams-off -fsyntax-only -Xclang -verify %t/bad.cpp

// CHECK: FunctionDecl {{.*}} frame_update 'void (double)'

//--- good.cpp
#include <yams/yams.hpp>
[[yams::profile("Frame Update")]] void frame_update(double dt) {}

//--- bad.cpp
#include <yams/yams.hpp>
[[yams::profile("on_update({entity})")]] void on_update(int entity_id) {} // expected-error {{placeholder '{entity}' in the label names no parameter}}
[[yams::profile("x")]] void removed() = delete; // expected-error {{cannot instrument a deleted function}}
