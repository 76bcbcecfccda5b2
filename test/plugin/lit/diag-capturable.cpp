// Values named in args=, entity_id= or a placeholder must be capturable (numbers, bool, enums,
// strings, a pointer to yams::script_source); the note points at the parameter. Left to the default "all", such parameters are
// simply not captured.
// RUN: rm -rf %t && split-file %s %t
// RUN: %clangxx %yams -fsyntax-only -Xclang -verify %t/bad.cpp
// RUN: %clangxx %yams -fsyntax-only -Xclang -verify %t/good.cpp

//--- bad.cpp
#include <yams/yams.hpp>
#include <string>
#include <vector>
struct Entity {};
[[yams::profile("x", "args=v")]] void vec(std::vector<int> v); // expected-error {{parameter 'v' of type 'std::vector<int>' cannot be captured by 'yams::profile'}} \
                                                               // expected-note {{parameter 'v' declared here}}
[[yams::profile("touch {e}")]] void touch(Entity &e); // expected-error {{parameter 'e' of type 'Entity &' cannot be captured}} \
                                                      // expected-note {{parameter 'e' declared here}}
[[yams::profile("x", "entity_id=p")]] void ptr(int *p); // expected-error {{parameter 'p' of type 'int *' cannot be captured}} \
                                                        // expected-note {{parameter 'p' declared here}}
namespace other { struct script_source {}; }
[[yams::profile("x", "args=s")]] void not_ours(const other::script_source *s); // expected-error {{parameter 's' of type 'const other::script_source *' cannot be captured}} \
                                                                              // expected-note {{parameter 's' declared here}}
[[yams::profile("x", "args=s")]] void by_value(yams::script_source s); // expected-error {{parameter 's' of type 'yams::script_source' cannot be captured}} \
                                                                      // expected-note {{parameter 's' declared here}}
[[yams::profile("x", "args=ghost")]] void ghost(int g); // expected-error {{args= names 'ghost', which is no parameter of 'ghost'}}
[[yams::profile("x", "entity_id=who")]] void nobody(int g); // expected-error {{entity_id= names 'who', which is no parameter of 'nobody'}}
// Types the runtime does not store: 128-bit and extended arithmetic types, volatile strings, strings
// with other character traits.
struct traits : std::char_traits<char> {};
[[yams::profile("x", "args=h")]] void wide(unsigned __int128 h); // expected-error {{parameter 'h' of type 'unsigned __int128' cannot be captured}} \
                                                                 // expected-note {{parameter 'h' declared here}}
[[yams::profile("x", "args=h")]] void half(_Float16 h); // expected-error {{parameter 'h' of type '_Float16' cannot be captured}} \
                                                        // expected-note {{parameter 'h' declared here}}
[[yams::profile("x", "args=s")]] void vol(volatile char *s); // expected-error {{parameter 's' of type 'volatile char *' cannot be captured}} \
                                                             // expected-note {{parameter 's' declared here}}
[[yams::profile("x", "args=s")]] void traited(const std::basic_string<char, traits> &s); // expected-error {{cannot be captured}} \
                                                                                        // expected-note {{parameter 's' declared here}}

//--- good.cpp
// expected-no-diagnostics
#include <yams/yams.hpp>
#include <string>
#include <memory_resource>
#include <string_view>
#include <vector>
enum Color { red };
[[yams::profile("x")]] void skipped(std::vector<int> v, int n) {}
// Left out by the default "all" (not an error): types the runtime does not store.
[[yams::profile("x")]] void skipped_wide(unsigned __int128 h, _Float16 f, volatile char *s) {}
// Any allocator.
[[yams::profile("x {s}", "args=s")]] void pmr(const std::pmr::string &s) {}
[[yams::profile("x", "args=a,b,c,d,e,f,g,h")]]
void every_kind(long a, float b, bool c, Color d, const std::string &e, std::string_view f,
                const char *g, const yams::script_source *h) {}
// Template parameters are checked when instantiated (by the static_assert in yams::zone).
template <class T> [[yams::profile("x", "args=t")]] void generic(T t) {}
