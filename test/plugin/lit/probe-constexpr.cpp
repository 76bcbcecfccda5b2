// A constexpr function keeps working in constant evaluation (no probe runs there) and records
// when called at run time.
// RUN: %clangxx %yams -S -emit-llvm -o - %s | FileCheck %s
#include <yams/yams.hpp>

[[yams::profile("square")]] constexpr int square(int v) { return v * v; }

template <class T> [[yams::profile("cube")]] constexpr T cube(T v) { return v * v * v; }

struct Vec {
  [[yams::profile("Vec::len2")]] constexpr int len2() const { return x * x + y * y; }
  int x, y;
};

static_assert(square(4) == 16);
static_assert(cube(3) == 27);
static_assert(Vec{3, 4}.len2() == 25);
constexpr int table[] = {square(1), square(2), cube(2)};

int at_run_time(int v) { return square(v) + cube(v) + Vec{v, v}.len2() + table[2]; }

// CHECK-LABEL: define {{.*}} @_Z11at_run_timei(
// CHECK-LABEL: define {{.*}} @_Z6squarei(
// CHECK:         @_ZZ6squareiE11__yams_site
// CHECK-LABEL: define {{.*}} @_Z4cubeIiET_S0_(
// CHECK:         @_ZZ4cubeIiET_S0_E11__yams_site
// CHECK-LABEL: define {{.*}} @_ZNK3Vec4len2Ev(
// CHECK:         @_ZZNK3Vec4len2EvE11__yams_site
