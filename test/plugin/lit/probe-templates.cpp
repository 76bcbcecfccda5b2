// Function templates and members of class templates are instrumented in every instantiation, each
// with its own site; an explicit specialisation carries its own attribute and label.
// RUN: %clangxx %yams -fplugin-arg-yams-list -fsyntax-only %s 2>&1 | FileCheck %s --check-prefix=LIST
// RUN: %clangxx %yams -S -emit-llvm -o - %s | FileCheck %s --check-prefix=IR \
// RUN:   --implicit-check-not=plainIlEiT_E11__yams_site --implicit-check-not=plainIlEEiT_E11__yams_site \
// RUN:   --implicit-check-not=llvm.global.annotations
#include <yams/yams.hpp>

template <class T> [[yams::profile("twice", "args=v")]] T twice(T v) { return v + v; }

template <class T> struct Pool {
  [[yams::profile("Pool::grow")]] int grow(int by) { return by * static_cast<int>(sizeof(T)); }
};

template <class T> [[yams::profile("generic")]] int kind(T) { return 0; }
template <> [[yams::profile("special int")]] int kind<int>(int) { return 1; }

// A member of a class template defined out of line, after an instantiation was declared.
template <class T> struct Late {
  [[yams::profile("Late::run")]] int run(int v);
};
Late<int> early_object;
template <class T> int Late<T>::run(int v) { return v + static_cast<int>(sizeof(T)); }

// An explicit specialisation without an attribute of its own is not instrumented, whether or not
// the primary template was instrumented yet (inside a namespace it is not).
namespace inner {
template <class T> [[yams::profile("primary")]] int plain(T) { return 0; }
template <> int plain<long>(long) { return 2; }
} // namespace inner
template <class T> [[yams::profile("primary")]] int plain(T) { return 0; }
template <> int plain<long>(long) { return 2; }

int use() {
  early_object.run(1);
  int p = inner::plain(1L) + plain(1L) + inner::plain(1) + plain(1);
  Pool<char> a;
  Pool<double> b;
  return p + twice(1) + static_cast<int>(twice(2.5)) + a.grow(1) + b.grow(2) + kind(1) + kind('c');
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
// IR-DAG: @_ZZN4LateIiE3runEiE11__yams_site = linkonce_odr {{.*}}constant
