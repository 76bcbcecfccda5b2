// Options after the label are string literals from a fixed set; number= only on [[yams::frame]].
// RUN: %clangxx %yams -fsyntax-only -Xclang -verify %s
#include <yams/yams.hpp>

[[yams::profile("x", "bogus")]] void a(); // expected-error {{unknown 'yams::profile' option 'bogus'; expected module=, func=, args=, entity_id=, lua_code, lua_callback}}
[[yams::frame("x", "lua")]] void b(); // expected-error {{unknown 'yams::frame' option 'lua'; expected module=, func=, args=, entity_id=, lua_code, lua_callback, number=}}
[[yams::profile("x", 3)]] void c(); // expected-error {{options of 'yams::profile' must be string literals such as "module=name"}}
[[yams::profile("x", "module=")]] void d(); // expected-error {{option 'module' needs a value after '='}}
[[yams::profile("x", "number=n")]] void e(int n); // expected-error {{option 'number' is only valid on [[yams::frame]]}}
[[yams::profile("x", "lua_code=1")]] void f(); // expected-error {{unknown 'yams::profile' option 'lua_code=1'}}
