// -fplugin-arg-yams-list prints its lines in source order, whatever order the functions are
// instrumented in: an inline member as soon as its class ends, the free functions of a namespace
// once the namespace ends, a function template once.
// RUN: %clangxx %yams -fplugin-arg-yams-list -fsyntax-only %s 2>&1 | FileCheck %s
#include <yams/yams.hpp>

namespace game {

[[yams::profile("first")]] int first(int v) { return v + 1; }

template <class T>
[[yams::profile("second")]] T second(T v) { return v + v; }

struct Physics {
  [[yams::profile("third")]] double third(double dt) { return dt * 2; }
};

[[yams::profile("fourth")]] int fourth() { return second(1) + static_cast<int>(second(2.0)); }

}  // namespace game

// CHECK:      yams: {{.*}}option-list-order.cpp:9: profile 'game::first' label "first"
// CHECK-NEXT: yams: {{.*}}option-list-order.cpp:12: profile 'game::second' label "second"
// CHECK-NEXT: yams: {{.*}}option-list-order.cpp:15: profile 'game::Physics::third' label "third"
// CHECK-NEXT: yams: {{.*}}option-list-order.cpp:18: profile 'game::fourth' label "fourth"
// CHECK-NOT:  yams:
