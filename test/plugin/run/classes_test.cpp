// Members, constructors, destructors, templates and lambdas built with the plugin: each kind records
// its own label, module and args, and constructors open their zone after the member initialisers.
#include "run_support.hpp"

#include <yams/yams.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace game {

[[yams::profile("make_part {v}")]] int make_part(int v) { return v; }
[[yams::profile("drop_part")]] void drop_part() {}

struct Part {
  explicit Part(int v) : v(make_part(v)) {}
  ~Part() { drop_part(); }
  int v;
};

struct GameEngine {
  [[yams::profile("GameEngine()")]] explicit GameEngine(int n) : part(n) {}
  [[yams::profile("~GameEngine")]] virtual ~GameEngine() {}
  [[yams::profile("in class")]] int in_class(int v) { return v + part.v; }
  [[yams::profile("out of line")]] int out_of_line(int v);
  [[yams::profile("static")]] static int make(int v) { return v; }
  [[yams::profile("base tick")]] virtual int tick(int v) { return v; }
  Part part;
};
int GameEngine::out_of_line(int v) { return in_class(v) * 2; }

struct DuckEngine final : GameEngine {
  DuckEngine() : GameEngine(3) {}
  [[yams::profile("duck tick")]] int tick(int v) override { return v + 1; }
};

template <class T> [[yams::profile("twice", "args=v")]] T twice(T v) { return v + v; }
template <> [[yams::profile("twice string")]] std::string twice<std::string>(std::string v) { return v + v; }

template <class T> struct Pool {
  [[yams::profile("Pool::grow")]] int grow(int by) { return by * static_cast<int>(sizeof(T)); }
};

int run_lambdas(int v) {
  auto plain = [] [[yams::profile("plain lambda")]] (int x) { return x + 1; };
  auto generic = [] [[yams::profile("generic lambda", "args=x")]] (auto x) { return x + 1; };
  return plain(v) + generic(v) + static_cast<int>(generic(0.5));
}

// Lambdas written inside templates: each instantiation of the template instantiates the lambda.
template <class T> int run_jobs(T n) {
  auto job = [] [[yams::profile("job {i}")]] (int i) { return i; };
  return job(static_cast<int>(n));
}

template <class T> struct Scheduler {
  int run(int v) {
    auto task = [this] [[yams::profile("task {v}")]] (int v) { return v + offset; };
    auto nested = [] [[yams::profile("outer task")]] (int v) {
      auto inner = [] [[yams::profile("inner task")]] (int w) { return w * 2; };
      return inner(v);
    };
    auto generic = [] [[yams::profile("generic task", "args=x")]] (auto x) { return x; };
    return task(v) + nested(v) + generic(v) + callback(v);
  }
  int offset = 1;
  std::function<int(int)> callback = [] [[yams::profile("member callback")]] (int v) { return v; };
};

template <class T> [[yams::profile("batch")]] int batch(T n) {
  auto each = [] [[yams::profile("each")]] (int v) { return v; };
  return each(static_cast<int>(n)) + each(1);
}

// A pack of a generic lambda is dependent: its elements are not captured, whatever their types.
int emit_all() {
  auto emit = [] [[yams::profile("emit")]] (int first, auto... rest) { return first + sizeof...(rest); };
  return static_cast<int>(emit(1, 20, 30));
}

}  // namespace game

namespace {

using namespace yams::plugin_test;
class PluginClasses : public recording {};

TEST_F(PluginClasses, ConstructorZoneOpensAfterMemberInitialisers) {
  auto frame = record_frame([] { game::GameEngine e(5); });
  ASSERT_EQ(frame.calls.size(), 4u);
  EXPECT_EQ(frame.calls[0].label, "make_part 5");
  EXPECT_FALSE(frame.calls[0].parent_id.has_value()) << "member initialisers run before the zone";
  EXPECT_EQ(frame.calls[1].label, "GameEngine()");
  EXPECT_EQ(frame.calls[1].module, "game_engine");
  EXPECT_EQ(frame.calls[1].func, "GameEngine");
  EXPECT_EQ(arg(frame.calls[1], "n"), yams::arg_value(std::int64_t{5}));
  EXPECT_EQ(frame.calls[2].label, "~GameEngine");
  EXPECT_EQ(frame.calls[2].func, "~GameEngine");
  EXPECT_EQ(frame.calls[3].label, "drop_part");
  EXPECT_FALSE(frame.calls[3].parent_id.has_value()) << "members are destroyed after the zone";
}

TEST_F(PluginClasses, MemberFunctionsOfEveryKind) {
  game::DuckEngine duck;
  game::GameEngine& base = duck;
  auto frame = record_frame([&] {
    duck.out_of_line(1);
    game::GameEngine::make(2);
    base.tick(3);
  });
  const auto& outer = only_call(frame, "out of line");
  EXPECT_EQ(only_call(frame, "in class").parent_id, outer.id);
  EXPECT_EQ(outer.func, "out_of_line");
  EXPECT_EQ(only_call(frame, "static").module, "game_engine");
  const auto& tick = only_call(frame, "duck tick");
  EXPECT_EQ(tick.module, "duck_engine");
  EXPECT_EQ(calls_named(frame, "base tick").size(), 0u);
}

TEST_F(PluginClasses, EveryTemplateInstantiationRecords) {
  auto frame = record_frame([] {
    game::twice(2);
    game::twice(1.5);
    game::twice(std::string("ab"));
    game::Pool<char>{}.grow(1);
    game::Pool<double>{}.grow(1);
  });
  auto twices = calls_named(frame, "twice");
  ASSERT_EQ(twices.size(), 2u);
  EXPECT_EQ(arg(*twices[0], "v"), yams::arg_value(std::int64_t{2}));
  EXPECT_EQ(arg(*twices[1], "v"), yams::arg_value(1.5));
  EXPECT_EQ(arg(only_call(frame, "twice string"), "v"), yams::arg_value(std::string("ab")));
  auto grows = calls_named(frame, "Pool::grow");
  ASSERT_EQ(grows.size(), 2u);
  EXPECT_EQ(grows[0]->module, "pool");
}

TEST_F(PluginClasses, LambdasAndGenericLambdas) {
  auto frame = record_frame([] { game::run_lambdas(4); });
  const auto& plain = only_call(frame, "plain lambda");
  EXPECT_EQ(plain.func, "lambda");
  EXPECT_EQ(plain.module, "game");
  EXPECT_EQ(arg(plain, "x"), yams::arg_value(std::int64_t{4}));
  auto generic = calls_named(frame, "generic lambda");
  ASSERT_EQ(generic.size(), 2u);
  EXPECT_EQ(arg(*generic[0], "x"), yams::arg_value(std::int64_t{4}));
  EXPECT_EQ(arg(*generic[1], "x"), yams::arg_value(0.5));
}

}  // namespace

TEST_F(PluginClasses, LambdasInsideTemplatesRecord) {
  auto frame = record_frame([] {
    game::run_jobs(3);
    game::run_jobs(4.0);
    game::Scheduler<char>{}.run(5);
    game::batch(2);
  });
  EXPECT_EQ(calls_named(frame, "job 3").size(), 1u);
  EXPECT_EQ(calls_named(frame, "job 4").size(), 1u);
  EXPECT_EQ(arg(only_call(frame, "task 5"), "v"), yams::arg_value(std::int64_t{5}));
  const auto& outer = only_call(frame, "outer task");
  EXPECT_EQ(only_call(frame, "inner task").parent_id, outer.id);
  EXPECT_EQ(arg(only_call(frame, "generic task"), "x"), yams::arg_value(std::int64_t{5}));
  EXPECT_EQ(calls_named(frame, "member callback").size(), 1u);
  const auto& batch = only_call(frame, "batch");
  auto each = calls_named(frame, "each");
  ASSERT_EQ(each.size(), 2u);
  EXPECT_EQ(each[0]->parent_id, batch.id);
}

TEST_F(PluginClasses, AParameterPackIsNotCaptured) {
  auto frame = record_frame([] { EXPECT_EQ(game::emit_all(), 3); });
  EXPECT_EQ(arg_names(only_call(frame, "emit")), (std::vector<std::string>{"first"}));
}
