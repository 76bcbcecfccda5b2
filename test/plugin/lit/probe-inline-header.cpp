// An inline function in a header has one site program-wide: each TU emits it as a linkonce_odr
// COMDAT static local under the same name, so the linker keeps one object (and one instance of the
// reentry probe's reenter_function, whose name contains the site's).
// RUN: rm -rf %t && split-file %s %t
// RUN: %clangxx %yams -I%S/Inputs -S -emit-llvm -o - %t/first.cpp | FileCheck %s
// RUN: %clangxx %yams -I%S/Inputs -S -emit-llvm -o - %t/second.cpp | FileCheck %s
// RUN: %clangxx %yams -I%S/Inputs -c %t/first.cpp -o %t/first.o
// RUN: %clangxx %yams -I%S/Inputs -c %t/second.cpp -o %t/second.o
// RUN: ld -r %t/first.o %t/second.o -o %t/both.o
// RUN: llvm-nm %t/both.o | FileCheck %s --check-prefix=NM

// CHECK: $_ZZ13shared_helperiE11__yams_site = comdat any
// CHECK: @_ZZ13shared_helperiE11__yams_site = linkonce_odr {{.*}}constant %"struct.yams::site" {{.*}} comdat
// NM-DAG: W _ZN4yams6detail16reenter_functionIXadL_ZZ13shared_helperiE11__yams_site
// NM-DAG: V _ZZ13shared_helperiE11__yams_site{{$}}
// NM-NOT: {{ }}_ZZ13shared_helperiE11__yams_site{{$}}

//--- first.cpp
#include "inline-header.h"
int first_tu(int v) { return shared_helper(v); }

//--- second.cpp
#include "inline-header.h"
int second_tu(int v) { return shared_helper(v) * 2; }
