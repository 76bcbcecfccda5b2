// Lambdas take the attribute before their parameter list; generic lambdas are instrumented in every
// instantiation. Their func is "lambda", their module that of the enclosing function.
// RUN: %clangxx %yams -fplugin-arg-yams-list -fsyntax-only %s 2>&1 | FileCheck %s --check-prefix=LIST
// RUN: %clangxx %yams -S -emit-llvm -o - %s | FileCheck %s --check-prefix=IR
#include <yams/yams.hpp>

namespace physics {
int run() {
  auto plain = [] [[yams::profile("plain lambda")]] (int v) { return v + 1; };
  auto generic = [] [[yams::profile("generic lambda", "args=v")]] (auto v) { return v + 1; };
  return plain(1) + generic(2) + static_cast<int>(generic(2.5));
}
} // namespace physics

// LIST-DAG: profile 'physics::run()::(anonymous class)::operator()' label "plain lambda" module "physics" func "lambda" captures [v:args]
// LIST-DAG: profile 'physics::run()::(anonymous class)::operator()' label "generic lambda" module "physics" func "lambda" captures [v:args]

// IR-DAG: @"_ZZZN7physics3runEvENK3$_{{[0-9]}}clEiE11__yams_site" = internal constant
// IR-DAG: @"_ZZZN7physics3runEvENK3$_{{[0-9]}}clIiEEDaT_E11__yams_site" = internal constant
// IR-DAG: @"_ZZZN7physics3runEvENK3$_{{[0-9]}}clIdEEDaT_E11__yams_site" = internal constant
