// number= names a parameter or a member of the frame function's class (or of a base class), of an
// integer type or one that converts to an integer.
// RUN: %clangxx %yams -fsyntax-only -Xclang -verify %s
#include <yams/yams.hpp>

struct Engine {
  [[yams::frame("Frame", "number=frames_")]] void update(double dt) {} // expected-error {{number= names 'frames_', which is neither a parameter of 'update' nor a member of its class}}
  [[yams::frame("Frame", "number=count_")]] void tick() { ++count_; }
  int count_ = 0;
};
[[yams::frame("Frame", "number=n")]] void loop(unsigned n) {}
[[yams::frame("Frame", "number=n")]] void free_loop() {} // expected-error {{number= names 'n', which is neither a parameter of 'free_loop' nor a member of its class}}
#include <atomic>
#include <cstdint>
#include <string>
struct App {
  std::uint64_t frame_no = 0;
  std::string title;
};
struct Game : App {
  [[yams::frame("Frame", "number=frame_no")]] void update() {}
  [[yams::frame("Frame", "number=ticks_")]] void tick() {}
  [[yams::frame("Frame", "number=title")]] void draw() {} // expected-error {{number= names 'title' of type 'std::string' (aka 'basic_string<char>'): a frame number must be an integer}}
  [[yams::frame("Frame", "number=scale_")]] void scale() {} // expected-error {{number= names 'scale_' of type 'double': a frame number must be an integer}}
  std::atomic<std::uint64_t> ticks_{0};
  double scale_ = 1;
};
