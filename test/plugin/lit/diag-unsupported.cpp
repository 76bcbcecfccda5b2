// Functions that cannot carry a zone: defaulted, deleted, consteval, coroutines, and the
// profiler's own namespace; and one YAMS attribute per function.
// RUN: %clangxx %yams -fsyntax-only -Xclang -verify %s
#include <yams/yams.hpp>
#include <coroutine>

struct Task {
  struct promise_type {
    Task get_return_object() { return {}; }
    std::suspend_never initial_suspend() { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
};

struct Widget {
  [[yams::profile("x")]] Widget() = default; // expected-error {{'yams::profile' cannot instrument a defaulted function; it has no body of its own}}
  [[yams::profile("x")]] Widget(const Widget &) = delete; // expected-error {{'yams::profile' cannot instrument a deleted function}}
};
[[yams::profile("x")]] void removed() = delete; // expected-error {{'yams::profile' cannot instrument a deleted function}}
[[yams::profile("x")]] consteval int compile_time() { return 1; } // expected-error {{'yams::profile' cannot instrument a consteval function}}
[[yams::profile("x")]] Task coroutine() { co_return; } // expected-error {{'yams::profile' cannot instrument a coroutine}}
namespace yams::user {
[[yams::profile("x")]] void inside() {} // expected-error {{'yams::profile' cannot instrument functions in namespace 'yams'}}
}
[[yams::profile("a")]] [[yams::frame("b")]] void twice() {} // expected-error {{'twice' already has a YAMS attribute}}
// On a declaration and its definition: the same attribute twice is one; two different are an error.
struct Ai {
  [[yams::profile("plan")]] void plan(int id);
  [[yams::profile("decl label")]] void think(int id); // expected-note {{the other YAMS attribute is here}}
};
[[yams::profile("plan")]] void Ai::plan(int id) {}
[[yams::profile("def label")]] void Ai::think(int id) {} // expected-error {{'think' has a different YAMS attribute on another declaration; write it once, or the same on each}}
// Clang refuses to combine target_clones multiversioning with the plugin's marker.
[[gnu::target_clones("avx2", "default")]] [[yams::profile("blend")]] int blend(int v) { return v * 3; } // expected-error {{'yams::profile' cannot instrument a target_clones function}}

