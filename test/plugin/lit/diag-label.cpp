// The first argument is the label: a non-empty ordinary string literal.
// RUN: %clangxx %yams -fsyntax-only -Xclang -verify %s
#include <yams/yams.hpp>

[[yams::profile]] void missing(); // expected-error {{'yams::profile' attribute needs a label: [[yams::profile("Label")]]}}
[[yams::profile()]] void empty_parens(); // expected-error {{'yams::profile' attribute needs a label}}
[[yams::frame(42)]] void number(); // expected-error {{the label of 'yams::frame' must be a string literal}}
constexpr const char *name = "x";
[[yams::profile(name)]] void variable(); // expected-error {{the label of 'yams::profile' must be a string literal}}
[[yams::profile(L"wide")]] void wide(); // expected-error {{the label of 'yams::profile' must be a string literal}}
[[yams::profile("")]] void blank(); // expected-error {{the label of 'yams::profile' must not be empty}}
[[yams::profile("   ")]] void spaces(); // expected-error {{the label of 'yams::profile' must not be empty}}
