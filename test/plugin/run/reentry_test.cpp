// Functions with a reentry probe (see docs/attributes.md, "The two probes") are called a second time
// while recording. These tests check that the program cannot tell: the body runs once per call,
// arguments arrive as passed (references stay references, rvalues are moved once, values on the
// stack arrive whole), results come back (references included), exceptions pass through, and the
// recorded call carries exactly the captured parameters, in order.
#include "run_support.hpp"

#include <yams/yams.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace reentry {

int body_runs = 0;

struct World {
  int entities = 0;
};

struct Point {  // trivially copyable, passed by value
  double x;
  double y;
  int tag;
};

// Captures the 1st and 3rd parameters; the 2nd (a reference it can't capture) and the 4th are not.
[[yams::profile("move {entity}", "args=entity,dx")]]
int move(std::string_view entity, World& world, double dx, int not_captured) {
  ++body_runs;
  world.entities += not_captured;
  return static_cast<int>(dx) + static_cast<int>(entity.size());
}

[[yams::profile("take")]] std::string take(std::string&& s) {
  ++body_runs;
  return std::move(s);
}

[[yams::profile("many", "args=a,h,x8")]]
double many(int a, int b, int c, int d, int e, int f, int g, long h, double x1, double x2, double x3,
            double x4, double x5, double x6, double x7, double x8, double x9, Point p) {
  ++body_runs;
  return a + b + c + d + e + f + g + h + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + p.x + p.y + p.tag;
}

[[yams::profile("fails")]] int fails(int v) {
  ++body_runs;
  if (v > 0) throw std::invalid_argument("v > 0");
  return v;
}

[[yams::profile("overloaded int")]] int overloaded(int v) { return ++body_runs, v; }
[[yams::profile("overloaded double")]] double overloaded(double v) { return ++body_runs, v * 2; }

class Inventory {
 public:
  [[yams::profile("slot {i}")]] int& slot(int i) {
    ++body_runs;
    return slots_[i];
  }
  [[yams::profile("count")]] int count() const {
    ++body_runs;
    return hidden(2) + slots_[0];
  }
  [[yams::profile("make")]] static Inventory make(int first) {
    ++body_runs;
    Inventory inv;
    inv.slots_[0] = first;
    return inv;
  }

 private:
  [[yams::profile("hidden")]] int hidden(int v) const noexcept { return ++body_runs, v; }
  int slots_[4] = {};
};

std::atomic<long> worker_runs{0};
[[yams::profile("worker step {i}")]] long worker_step(long i) {
  worker_runs.fetch_add(1, std::memory_order_relaxed);
  return i * 2;
}

// By value and not trivially copyable: keeps a zone, and still records.
[[yams::profile("by value {s}")]] std::size_t by_value(std::string s) {
  ++body_runs;
  return s.size();
}

// Trivially copyable, but copying it from a non-const lvalue or an rvalue picks the constructor
// template (user code, counted): calling the function again would copy it observably. Keeps a zone.
int handle_conversions = 0;
struct Handle {
  int id;
  explicit Handle(int i) : id(i) {}
  Handle(const Handle&) = default;
  template <class T>
  Handle(T&& other) : id(other.id) {  // NOLINT: the point of the test
    ++handle_conversions;
  }
};
[[yams::profile("use handle {id}", "args=id")]] int use_handle(Handle h, int id) {
  ++body_runs;
  return h.id + id;
}

// Copyable but not movable: a second call could not pass it on. Keeps a zone.
struct Color {
  unsigned char r, g, b, a;
  Color(unsigned char r, unsigned char g, unsigned char b, unsigned char a) : r(r), g(g), b(b), a(a) {}
  Color(const Color&) = default;
  Color(Color&&) = delete;
};
[[yams::profile("tint")]] int tint(Color c) {
  ++body_runs;
  return c.r + c.a;
}

// args= names its parameters in the order their values go into args, against the parameter order.
[[yams::profile("set_vy", "args=vy,entity_id")]] void set_vy(int entity_id, double vy) { ++body_runs; }

}  // namespace reentry

namespace {

using namespace yams::plugin_test;
class Reentry : public recording {
 protected:
  void SetUp() override {
    recording::SetUp();
    reentry::body_runs = 0;
  }
};

TEST_F(Reentry, BodyRunsOnceAndOnlyTheCapturedParametersAreRecorded) {
  reentry::World world;
  int result = 0;
  auto frame = record_frame([&] { result = reentry::move("duck_7", world, 3.9, 5); });
  EXPECT_EQ(result, 3 + 6);
  EXPECT_EQ(world.entities, 5) << "the reference reached the body";
  EXPECT_EQ(reentry::body_runs, 1);
  const auto& c = only_call(frame, "move duck_7");
  EXPECT_EQ(arg_names(c), (std::vector<std::string>{"entity", "dx"}));
  EXPECT_EQ(arg(c, "entity"), yams::arg_value(std::string("duck_7")));
  EXPECT_EQ(arg(c, "dx"), yams::arg_value(3.9));
}

TEST_F(Reentry, NotRecordingRunsTheBodyOnceAndRecordsNothing) {
  reentry::World world;
  EXPECT_EQ(reentry::move("a", world, 1.0, 1), 2);  // enabled, but no frame open
  yams::disable();
  EXPECT_EQ(reentry::move("ab", world, 1.0, 1), 3);
  EXPECT_EQ(reentry::body_runs, 2);
  yams::enable();
  auto frame = record_frame([&] { reentry::overloaded(1); });
  EXPECT_EQ(frame.calls.size(), 1u) << "nothing recorded outside the frame";
}

TEST_F(Reentry, AnRvalueIsMovedOnce) {
  std::string in(100, 'x');  // longer than the small-string buffer: moving steals it
  const char* data = in.data();
  std::string out;
  auto frame = record_frame([&] { out = reentry::take(std::move(in)); });
  EXPECT_EQ(out, std::string(100, 'x'));
  EXPECT_EQ(out.data(), data) << "the buffer was moved, never copied";
  EXPECT_EQ(reentry::body_runs, 1);
  EXPECT_EQ(frame.calls.size(), 1u);
}

TEST_F(Reentry, ArgumentsPassedOnTheStackArriveWhole) {
  double r = 0;
  auto frame = record_frame([&] {
    r = reentry::many(1, 2, 3, 4, 5, 6, 7, 8, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, {10.25, 20.5, 30});
  });
  EXPECT_DOUBLE_EQ(r, 36 + 40.5 + 60.75);
  EXPECT_EQ(reentry::body_runs, 1);
  const auto& c = only_call(frame, "many");
  EXPECT_EQ(arg_names(c), (std::vector<std::string>{"a", "h", "x8"}));
  EXPECT_EQ(arg(c, "a"), yams::arg_value(std::int64_t{1}));
  EXPECT_EQ(arg(c, "h"), yams::arg_value(std::int64_t{8}));
  EXPECT_EQ(arg(c, "x8"), yams::arg_value(7.5));
}

TEST_F(Reentry, ExceptionsPassThroughAndCloseTheCall) {
  bool caught = false;
  auto frame = record_frame([&] {
    try {
      reentry::fails(1);
    } catch (const std::invalid_argument&) {
      caught = true;
    }
    reentry::fails(0);
  });
  EXPECT_TRUE(caught);
  EXPECT_EQ(reentry::body_runs, 2);
  auto calls = calls_named(frame, "fails");
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_FALSE(calls[1]->parent_id.has_value()) << "the first call was closed by the exception";
  EXPECT_LE(calls[0]->start + calls[0]->duration, calls[1]->start);
}

TEST_F(Reentry, OverloadsCallThemselves) {
  int i = 0;
  double d = 0;
  auto frame = record_frame([&] {
    i = reentry::overloaded(4);
    d = reentry::overloaded(4.0);
  });
  EXPECT_EQ(i, 4);
  EXPECT_EQ(d, 8.0);
  EXPECT_EQ(reentry::body_runs, 2);
  EXPECT_EQ(calls_named(frame, "overloaded int").size(), 1u);
  EXPECT_EQ(calls_named(frame, "overloaded double").size(), 1u);
}

TEST_F(Reentry, MembersReturnReferencesAndNest) {
  reentry::Inventory inv = reentry::Inventory::make(7);
  EXPECT_EQ(reentry::body_runs, 1) << "the static member, not recording (no frame)";
  int* first = nullptr;
  int n = 0;
  auto frame = record_frame([&] {
    first = &inv.slot(0);
    *first += 1;
    n = inv.count();
  });
  EXPECT_EQ(first, &inv.slot(0)) << "the reference is to the object's own slot";
  EXPECT_EQ(n, 2 + 8);
  EXPECT_EQ(reentry::body_runs, 1 + 4);
  const auto& count = only_call(frame, "count");
  EXPECT_EQ(only_call(frame, "hidden").parent_id, count.id);
  EXPECT_EQ(arg(only_call(frame, "slot 0"), "i"), yams::arg_value(std::int64_t{0}));
}

TEST_F(Reentry, StaticMembersRecord) {
  auto frame = record_frame([] { reentry::Inventory::make(3); });
  EXPECT_EQ(arg(only_call(frame, "make"), "first"), yams::arg_value(std::int64_t{3}));
  EXPECT_EQ(reentry::body_runs, 1);
}

// Another thread ends and begins frames at any moment, so recording may stop between
// reenter_function's mark and the function's entry test: the body must still run exactly once per
// call, and the function must record again afterwards.
TEST_F(Reentry, FramesEndingOnAnotherThreadNeverRepeatOrSkipTheBody) {
  constexpr long calls = 200'000;
  reentry::worker_runs = 0;
  std::atomic<bool> done{false};
  long sum = 0;
  std::thread worker([&] {
    for (long i = 0; i < calls; ++i) sum += reentry::worker_step(i);
    done = true;
  });
  std::uint64_t n = 1;
  while (!done) {
    yams::begin_frame(n++);
    yams::end_frame();
  }
  worker.join();
  EXPECT_EQ(reentry::worker_runs.load(), calls);
  EXPECT_EQ(sum, calls * (calls - 1));
  std::size_t recorded = 0;
  auto frame = record_frame(
      [&] {
        std::thread again([&] {
          for (long i = 0; i < 3; ++i) reentry::worker_step(i);
        });
        again.join();
      },
      n);
  for (long i = 0; i < 3; ++i) recorded += calls_named(frame, "worker step " + std::to_string(i)).size();
  EXPECT_EQ(recorded, 3u) << "no stale mark swallowed a zone";
}

TEST_F(Reentry, ANonTriviallyCopyableValueKeepsAZoneAndRecords) {
  std::size_t n = 0;
  auto frame = record_frame([&] { n = reentry::by_value(std::string("hello")); });
  EXPECT_EQ(n, 5u);
  EXPECT_EQ(reentry::body_runs, 1);
  EXPECT_EQ(frame.calls.size(), 1u);
  EXPECT_EQ(frame.calls[0].label, "by value hello");
}

}  // namespace

TEST_F(Reentry, ACopyThatRunsUserCodeIsNotMadeAgain) {
  reentry::Handle h(40);
  reentry::handle_conversions = 0;
  EXPECT_EQ(reentry::use_handle(h, 2), 42);  // not recording
  const int unrecorded = reentry::handle_conversions;
  reentry::handle_conversions = 0;
  auto frame = record_frame([&] { EXPECT_EQ(reentry::use_handle(h, 2), 42); });
  EXPECT_EQ(reentry::handle_conversions, unrecorded) << "recording copied the argument again";
  EXPECT_EQ(reentry::body_runs, 2);
  EXPECT_EQ(arg(only_call(frame, "use handle 2"), "id"), yams::arg_value(std::int64_t{2}));
}

TEST_F(Reentry, AnArgumentThatCannotBeMovedIsPassedOnce) {
  const reentry::Color c(1, 2, 3, 4);
  int result = 0;
  auto frame = record_frame([&] { result = reentry::tint(c); });
  EXPECT_EQ(result, 5);
  EXPECT_EQ(reentry::body_runs, 1);
  EXPECT_EQ(calls_named(frame, "tint").size(), 1u);
}

TEST_F(Reentry, ArgsAreRecordedInTheOrderArgsNamesThem) {
  auto frame = record_frame([] { reentry::set_vy(7, 533.5); });
  const auto& c = only_call(frame, "set_vy");
  EXPECT_EQ(arg_names(c), (std::vector<std::string>{"vy", "entity_id"}));
  EXPECT_EQ(arg(c, "vy"), yams::arg_value(533.5));
  EXPECT_EQ(arg(c, "entity_id"), yams::arg_value(std::int64_t{7}));
}
