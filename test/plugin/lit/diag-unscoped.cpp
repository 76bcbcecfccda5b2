// Only the scoped spellings exist; [[profile]] and [[frame]] are rejected, not silently ignored.
// RUN: %clangxx %yams -fsyntax-only -Xclang -verify %s
#include <yams/yams.hpp>

[[profile("x")]] void a(); // expected-error {{unscoped attribute 'profile' is reserved by the YAMS plugin; write [[yams::profile(...)]]}}
[[frame("x")]] void b(); // expected-error {{unscoped attribute 'frame' is reserved by the YAMS plugin; write [[yams::frame(...)]]}}
