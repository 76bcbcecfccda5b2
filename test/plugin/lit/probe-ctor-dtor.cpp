// Constructors are instrumented after their member initialisers, destructors before members are
// destroyed, both with a zone (they cannot be called again); in a function-try-block the zone opens
// inside the try block of a constructor (so the handler still covers the initialisers). A function
// with a function-try-block takes the reentry test before the try statement: the reentered call,
// handlers included, is the zone.
// RUN: %clangxx %yams -S -emit-llvm -o - %s | FileCheck %s
#include <yams/yams.hpp>

int make_part(int v);

struct Part {
  explicit Part(int v) : v(make_part(v)) {}
  ~Part();
  int v;
};

struct Engine {
  [[yams::profile("Engine()")]] explicit Engine(int n) : part(n) { ++count; }
  [[yams::profile("~Engine")]] ~Engine() { --count; }
  Part part;
  static inline int count = 0;
};

struct Loader {
  [[yams::profile("Loader()")]] Loader() try : part(1) {
    ++loaded;
  } catch (...) {
  }
  Part part;
  int loaded = 0;
};

[[yams::profile("guarded")]] int guarded(int v) try {
  return make_part(v);
} catch (...) {
  return -1;
}

void use() {
  Engine e(1);
  Loader l;
}

// CHECK-LABEL: define {{.*}} @_Z7guardedi(
// CHECK:         call {{.*}} @_ZN4yams6detail14reentry_wantedEPKNS_4siteE(ptr {{.*}}@_ZZ7guardediE11__yams_site)
// CHECK:         call {{.*}} @_ZN4yams6detail16reenter_functionIXadL_ZZ7guardediE11__yams_siteEETnDaXadL_Z7guardediEE{{.*}}(i32 {{.*}})
// CHECK:         invoke {{.*}} @_Z9make_parti(
// CHECK:         __cxa_begin_catch
// CHECK-NOT:     @_ZN4yams4zone
// CHECK-LABEL: define {{.*}} @_ZN6EngineC2Ei(
// CHECK:         call void @_ZN4PartC{{[12]}}Ei(
// CHECK:         call void @_ZN4yams4zoneC2IJiEEEPKNS_4siteEDpRKT_({{.*}} @_ZZN6EngineC1EiE11__yams_site
// CHECK:         call void @_ZN4yams4zoneD2Ev(
// CHECK-LABEL: define {{.*}} @_ZN6LoaderC2Ev(
// CHECK:         invoke void @_ZN4PartC{{[12]}}Ei(
// CHECK:         call void @_ZN4yams4zoneC2EPKNS_4siteE({{.*}} @_ZZN6LoaderC1EvE11__yams_site
// CHECK:         call void @_ZN4yams4zoneD2Ev(
// CHECK:         __cxa_begin_catch
// CHECK:         __cxa_rethrow
// CHECK-LABEL: define {{.*}} @_ZN6EngineD2Ev(
// CHECK:         call void @_ZN4yams4zoneC2EPKNS_4siteE({{.*}} @_ZZN6EngineD1EvE11__yams_site
// CHECK:         call void @_ZN4yams4zoneD2Ev(
// CHECK:         call void @_ZN4PartD1Ev(
