// Probes need <yams/yams.hpp>; without it the plugin says so instead of failing obscurely. With
// -fplugin-arg-yams-off nothing is inserted, so nothing is needed.
// RUN: %clangxx %yams -fsyntax-only -Xclang -verify %s
// RUN: %clangxx %yams -fplugin-arg-yams-off -fsyntax-only -Xclang -verify=off %s
// off-no-diagnostics

[[yams::profile("x")]] void lonely() {} // expected-error {{'yams::profile' needs the probe declarations: #include <yams/yams.hpp> before this function (missing 'yams::site')}}
