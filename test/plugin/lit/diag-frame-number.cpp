// number= names a parameter or a member of the frame function's class.
// RUN: %clangxx %yams -fsyntax-only -Xclang -verify %s
#include <yams/yams.hpp>

struct Engine {
  [[yams::frame("Frame", "number=frames_")]] void update(double dt) {} // expected-error {{number= names 'frames_', which is neither a parameter of 'update' nor a member of its class}}
  [[yams::frame("Frame", "number=count_")]] void tick() { ++count_; }
  int count_ = 0;
};
[[yams::frame("Frame", "number=n")]] void loop(unsigned n) {}
[[yams::frame("Frame", "number=n")]] void free_loop() {} // expected-error {{number= names 'n', which is neither a parameter of 'free_loop' nor a member of its class}}
