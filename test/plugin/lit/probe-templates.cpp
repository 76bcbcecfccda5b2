// Function templates and members of class templates are instrumented in every instantiation, each
// with its own site; an explicit specialisation carries its own attribute and label.
// RUN: %clangxx %yams -fplugin-arg-yams-list -fsyntax-only %s 2>&1 | FileCheck %s --check-prefix=LIST
// RUN: %clangxx %yams -S -emit-llvm -o - %s | FileCheck %s --check-prefix=IR
#include <yams/yams.hpp>

template <class T> [[yams::profile("twice", "args=v")]] T twice(T v) { return v + v; }

template <class T> struct Pool {
  [[yams::profile("Pool::grow")]] int grow(int by) { return by * static_cast<int>(sizeof(T)); }
};

template <class T> [[yams::profile("generic")]] int kind(T) { return 0; }
template <> [[yams::profile("special int")]] int kind<int>(int) { return 1; }

int use() {
  Pool<char> a;
  Pool<double> b;
  return twice(1) + static_cast<int>(twice(2.5)) + a.grow(1) + b.grow(2) + kind(1) + kind('c');
}

// The pattern is rewritten once, before any instantiation.
// LIST-DAG: profile 'twice' label "twice" module "global" func "twice" captures [v:args]
// LIST-DAG: profile 'Pool::grow' label "Pool::grow" module "pool" func "grow" captures [by:args]
// LIST-DAG: profile 'kind' label "generic"
// LIST-DAG: profile 'kind<int>' label "special int"

// The explicit specialisation is an ordinary function, emitted first.
// IR: @_ZZ4kindIiEiT_E11__yams_site = internal constant %"struct.yams::site" { ptr @[[SPECIAL:[^,]+]],
// IR: @[[SPECIAL]] = private unnamed_addr constant [12 x i8] c"special int\00"
// IR-DAG: @_ZZ5twiceIiET_S0_E11__yams_site = linkonce_odr {{.*}}constant
// IR-DAG: @_ZZ5twiceIdET_S0_E11__yams_site = linkonce_odr {{.*}}constant
// IR-DAG: @_ZZN4PoolIcE4growEiE11__yams_site = linkonce_odr {{.*}}constant
// IR-DAG: @_ZZN4PoolIdE4growEiE11__yams_site = linkonce_odr {{.*}}constant
// IR-DAG: @_ZZ4kindIcEiT_E11__yams_site = linkonce_odr {{.*}}constant
