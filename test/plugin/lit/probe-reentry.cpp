// Which functions get a reentry probe and which keep a zone (docs/attributes.md, "The two probes"),
// as -fplugin-arg-yams-list reports it; and the reentry probe's code: while not recording, one test
// of yams::detail::g_recording in front of the body, nothing held across it.
// RUN: %clangxx %yams -fplugin-arg-yams-list -fsyntax-only %s 2>&1 | FileCheck %s --check-prefix=LIST
// RUN: %clangxx %yams -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefix=IR
#include <yams/yams.hpp>
#include <string>
#include <string_view>

struct Trivial { int a; double b; };

[[yams::profile("free")]] int free_fn(int v, Trivial t, const std::string &s, std::string &&r) { return v + t.a + int(s.size() + r.size()); }
[[yams::profile("by value")]] int by_value(std::string s) { return int(s.size()); }
[[yams::profile("variadic")]] int variadic(int n, ...) { return n; }
[[yams::profile("noreturn")]] [[noreturn]] void stop(int v) { throw v; }
template <class T> [[yams::profile("template")]] T twice(T v) { return v + v; }

struct Engine {
  [[yams::profile("method")]] bool set_vx(std::string_view id, double vx);
  [[yams::profile("const method")]] int get(int v) const { return v; }
  [[yams::profile("static")]] static int make(int v) { return v; }
  [[yams::profile("virtual")]] virtual int tick(int v) { return v; }
  [[yams::profile("ref-qualified")]] int moved(int v) && { return v; }
  [[yams::profile("ctor")]] explicit Engine(int) {}
  [[yams::profile("dtor")]] virtual ~Engine() {}
  double speed = 0;
};

bool Engine::set_vx(std::string_view id, double vx) { return vx > speed && !id.empty(); }

template <class T> struct Box {
  [[yams::profile("class template member")]] T get(T v) { return v; }
};

int use() {
  auto lambda = [] [[yams::profile("lambda")]] (int v) { return v; };
  Engine e(1);
  return free_fn(1, {2, 3.0}, "s", std::string("r")) + by_value("x") + variadic(1) + twice(2) +
         e.set_vx("a", 1.0) + e.get(1) + Engine::make(1) + e.tick(1) + Engine(2).moved(1) +
         Box<int>().get(1) + lambda(1);
}

// LIST-DAG: 'free_fn' label "free" {{.*}} captures [v:args, s:args, r:args] probe reentry
// LIST-DAG: 'Engine::set_vx' label "method" {{.*}} probe reentry
// LIST-DAG: 'Engine::get' label "const method" {{.*}} probe reentry
// LIST-DAG: 'Engine::make' label "static" {{.*}} probe reentry
// LIST-DAG: 'by_value' label "by value" {{.*}} probe zone
// LIST-DAG: 'variadic' label "variadic" {{.*}} probe zone
// LIST-DAG: 'stop' label "noreturn" {{.*}} probe zone
// LIST-DAG: 'twice' label "template" {{.*}} probe zone
// LIST-DAG: 'Engine::tick' label "virtual" {{.*}} probe zone
// LIST-DAG: 'Engine::moved' label "ref-qualified" {{.*}} probe zone
// LIST-DAG: 'Engine::Engine' label "ctor" {{.*}} probe zone
// LIST-DAG: 'Engine::~Engine' label "dtor" {{.*}} probe zone
// LIST-DAG: 'Box::get' label "class template member" {{.*}} probe zone
// LIST-DAG: label "lambda" {{.*}} probe zone

// The method's fast path: the g_recording load, the test of its site's kind bit (a constant: 1, an
// engine zone), and the untouched body; the recording path is a tail call with the arguments still
// in place, to a reenter_method of its own.
// IR-LABEL: define {{.*}} @_ZN6Engine6set_vxESt17basic_string_viewIcSt11char_traitsIcEEd(
// IR-NEXT:    [[REC:%[0-9]+]] = load atomic i32, ptr @_ZN4yams6detail11g_recordingE monotonic
// IR-NEXT:    [[BIT:%[0-9]+]] = and i32 [[REC]], 1
// IR-NEXT:    icmp eq i32 [[BIT]], 0
// IR-NEXT:    br i1 {{.*}}, label %{{.*}}, label %{{.*}}, !prof
// IR:         tail call {{.*}} @_ZN4yams6detail14reenter_methodIXadL_ZZN6Engine6set_vx{{.*}}(ptr {{.*}}%0, i64 {{.*}}%1, ptr {{.*}}%2, double {{.*}}%3)
