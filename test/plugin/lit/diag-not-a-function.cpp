// The attributes apply to functions and lambdas only.
// RUN: rm -rf %t && split-file %s %t
// RUN: %clangxx %yams -fsyntax-only -Xclang -verify %t/bad.cpp
// RUN: %clangxx %yams -fsyntax-only -Xclang -verify %t/good.cpp

//--- bad.cpp
#include <yams/yams.hpp>
[[yams::profile("x")]] int counter; // expected-error {{'yams::profile' attribute only applies to functions and lambdas}}
struct [[yams::frame("x")]] Widget {}; // expected-error {{'yams::frame' attribute only applies to functions and lambdas}}
void body() {
  [[yams::profile("x")]] return; // expected-error {{'yams::profile' attribute only applies to functions and lambdas}}
}

//--- good.cpp
// expected-no-diagnostics
#include <yams/yams.hpp>
[[yams::profile("x")]] void function() {}
auto lambda = [] [[yams::profile("y")]] () {};
template <class T> [[yams::profile("z")]] void templated(T) {}
