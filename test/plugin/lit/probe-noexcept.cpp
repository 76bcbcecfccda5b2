// Zones never throw: a noexcept function gets no new std::terminate path, and a function that
// calls nothing that throws stays free of landing pads.
// RUN: %clangxx %yams -O1 -S -emit-llvm -o - %s | FileCheck %s
#include <yams/yams.hpp>

[[yams::profile("quiet")]] int quiet(int v) noexcept { return v * 3; }
[[yams::profile("plain")]] int plain(int v) { return v * 5; }

// CHECK-LABEL: define {{.*}} @_Z5quieti(
// CHECK-NOT:     invoke
// CHECK-NOT:     __clang_call_terminate
// CHECK:         ret i32
// CHECK-LABEL: define {{.*}} @_Z5plaini(
// CHECK-NOT:     invoke
// CHECK-NOT:     landingpad
// CHECK:         ret i32
