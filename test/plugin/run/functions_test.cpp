// Programs built with the plugin record what the attributes say: free functions with their site and
// args, nesting through parent ids, early returns, recursion, exceptions, noexcept and constexpr
// functions, function-try-blocks and the lua flags.
#include "run_support.hpp"

#include <yams/yams.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <memory_resource>
#include <string>

namespace physics {
constexpr std::uint32_t step_line = __LINE__ + 1;
[[yams::profile("Physics step")]] int step(int n, double dt) { return static_cast<int>(n * dt); }

[[yams::profile("inner")]] int inner(int v) { return v + 1; }
[[yams::profile("outer")]] int outer(int v) { return inner(v) + inner(v + 1); }

[[yams::profile("early")]] int early(int v) {
  if (v > 10) return 10;
  return v;
}

[[yams::profile("fib {n}")]] int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

[[yams::profile("thrower")]] void thrower(int v) {
  if (v > 0) throw std::runtime_error("boom");
}
[[yams::profile("catcher")]] int catcher() {
  try {
    thrower(1);
  } catch (const std::exception&) {
    return inner(0);
  }
  return 0;
}

[[yams::profile("guarded")]] int guarded(int v) try {
  thrower(v);
  return v;
} catch (const std::exception&) {
  return inner(-1);
}

[[yams::profile("quiet")]] int quiet(int v) noexcept { return v * 3; }
[[yams::profile("square")]] constexpr int square(int v) { return v * v; }
static_assert(square(7) == 49, "constant evaluation runs no probe");
}  // namespace physics

namespace lua_api {
[[yams::profile("ams.set_vy", "lua_callback", "args=entity_id,vy")]]
void set_vy(const std::string& entity_id, double vy, int ignored) {}
}  // namespace lua_api

[[yams::profile("Lua → on_update({entity_id})", "module=lifecycle", "lua_code", "args=")]]
void on_entity_update(const std::string& entity_id) { lua_api::set_vy(entity_id, 533.7, 0); }

// A behaviour's script location, captured by default: the call's file and line become the script's.
const yams::script_source duck_script{"/game/scripts/behaviours/duck.lua", 12};
[[yams::profile("Lua → behaviour({entity_id})", "module=lifecycle", "lua_code")]]
int run_behaviour(const std::string& entity_id, const yams::script_source* script, int ticks) { return ticks + 1; }

// Strings of any allocator are captured (std::pmr::string here).
[[yams::profile("spawn {name}")]] std::size_t spawn_named(const std::pmr::string& name) { return name.size(); }

// A float is recorded as the shortest decimal of the float (0.1f: `0.1`), not its widening to double.
[[yams::profile("aim {x}", "args=x,dt")]] float aim(float x, double dt) { return x * static_cast<float>(dt); }

// A header-style declaration without parameter names; the definition names them.
struct Ai {
  [[yams::profile("think {id}", "args=id")]] int think(int, double);
};
int Ai::think(int id, double weight) { return id + static_cast<int>(weight); }

namespace {

using namespace yams::plugin_test;
class PluginRun : public recording {};

TEST_F(PluginRun, FreeFunctionRecordsItsSiteAndArgs) {
  auto frame = record_frame([] { physics::step(4, 0.5); });
  ASSERT_EQ(frame.calls.size(), 1u);
  const auto& c = frame.calls[0];
  EXPECT_EQ(c.label, "Physics step");
  EXPECT_EQ(c.module, "physics");
  EXPECT_EQ(c.func, "step");
  EXPECT_NE(c.file.find("functions_test.cpp"), std::string::npos) << c.file;
  EXPECT_EQ(c.line, physics::step_line);
  EXPECT_FALSE(c.parent_id.has_value());
  EXPECT_EQ(arg_names(c), (std::vector<std::string>{"n", "dt"}));
  EXPECT_EQ(arg(c, "n"), yams::arg_value(std::int64_t{4}));
  EXPECT_EQ(arg(c, "dt"), yams::arg_value(0.5));
  EXPECT_FALSE(c.entity_id.has_value());
  EXPECT_FALSE(c.lua_code);
  EXPECT_FALSE(c.lua_callback);
}

TEST_F(PluginRun, AScriptSourceParameterIsTheCallsFileAndLine) {
  auto frame = record_frame([] {
    EXPECT_EQ(run_behaviour("duck_7", &duck_script, 2), 3);
    EXPECT_EQ(run_behaviour("duck_8", nullptr, 4), 5);
  });
  ASSERT_EQ(frame.calls.size(), 2u);
  const auto& c = frame.calls[0];
  EXPECT_EQ(c.label, "Lua → behaviour(duck_7)");
  EXPECT_EQ(c.func, "run_behaviour");
  EXPECT_EQ(c.file, "/game/scripts/behaviours/duck.lua");
  EXPECT_EQ(c.line, 12u);
  EXPECT_EQ(arg_names(c), (std::vector<std::string>{"entity_id", "ticks"})) << "the script is no arg";
  EXPECT_NE(frame.calls[1].file.find("functions_test.cpp"), std::string::npos) << "null: the site's own file";
}

TEST_F(PluginRun, NestedCallsPointAtTheirParent) {
  auto frame = record_frame([] { physics::outer(1); });
  ASSERT_EQ(frame.calls.size(), 3u);
  const auto& o = frame.calls[0];
  EXPECT_EQ(o.label, "outer");
  for (const auto* i : calls_named(frame, "inner")) EXPECT_EQ(i->parent_id, o.id);
  EXPECT_EQ(calls_named(frame, "inner").size(), 2u);
}

TEST_F(PluginRun, EarlyReturnClosesTheZone) {
  auto frame = record_frame([] {
    physics::early(20);
    physics::inner(1);
  });
  ASSERT_EQ(frame.calls.size(), 2u);
  EXPECT_EQ(frame.calls[0].label, "early");
  EXPECT_EQ(frame.calls[1].label, "inner");
  EXPECT_FALSE(frame.calls[1].parent_id.has_value()) << "inner ran after early returned";
}

TEST_F(PluginRun, RecursionNestsAndFormatsPlaceholders) {
  auto frame = record_frame([] { physics::fib(3); });
  // fib(3) -> fib(2) -> {fib(1), fib(0)}, fib(1)
  ASSERT_EQ(frame.calls.size(), 5u);
  EXPECT_EQ(frame.calls[0].label, "fib 3");
  EXPECT_EQ(frame.calls[1].label, "fib 2");
  EXPECT_EQ(frame.calls[1].parent_id, frame.calls[0].id);
  EXPECT_EQ(frame.calls[2].label, "fib 1");
  EXPECT_EQ(frame.calls[2].parent_id, frame.calls[1].id);
  EXPECT_EQ(frame.calls[3].label, "fib 0");
  EXPECT_EQ(frame.calls[4].label, "fib 1");
  EXPECT_EQ(frame.calls[4].parent_id, frame.calls[0].id);
}

TEST_F(PluginRun, ExceptionsCloseTheZone) {
  auto frame = record_frame([] { physics::catcher(); });
  ASSERT_EQ(frame.calls.size(), 3u);
  const auto& c = only_call(frame, "catcher");
  const auto& t = only_call(frame, "thrower");
  const auto& i = only_call(frame, "inner");
  EXPECT_EQ(t.parent_id, c.id);
  EXPECT_EQ(i.parent_id, c.id) << "the handler runs after thrower's zone closed";
}

TEST_F(PluginRun, FunctionTryBlockHandlerIsInsideTheZone) {
  auto frame = record_frame([] { EXPECT_EQ(physics::guarded(1), 0); });
  const auto& g = only_call(frame, "guarded");
  EXPECT_EQ(only_call(frame, "thrower").parent_id, g.id);
  EXPECT_EQ(only_call(frame, "inner").parent_id, g.id);
}

TEST_F(PluginRun, NoexceptAndConstexprFunctionsRecordAtRunTime) {
  volatile int seven = 7;
  auto frame = record_frame([&] {
    EXPECT_EQ(physics::quiet(seven), 21);
    EXPECT_EQ(physics::square(seven), 49);
  });
  EXPECT_EQ(arg(only_call(frame, "quiet"), "v"), yams::arg_value(std::int64_t{7}));
  EXPECT_EQ(only_call(frame, "square").func, "square");
}

TEST_F(PluginRun, LuaFlagsEntityIdAndNamedArgs) {
  auto frame = record_frame([] { on_entity_update("duck_42"); });
  ASSERT_EQ(frame.calls.size(), 2u);
  const auto& hook = frame.calls[0];
  EXPECT_EQ(hook.label, "Lua → on_update(duck_42)");
  EXPECT_EQ(hook.module, "lifecycle");
  EXPECT_TRUE(hook.lua_code);
  EXPECT_FALSE(hook.lua_callback);
  EXPECT_EQ(hook.entity_id, "duck_42");
  EXPECT_TRUE(hook.args.empty());
  const auto& api = frame.calls[1];
  EXPECT_EQ(api.label, "ams.set_vy");
  EXPECT_EQ(api.module, "lua_api");
  EXPECT_EQ(api.func, "set_vy");
  EXPECT_EQ(api.parent_id, hook.id);
  EXPECT_TRUE(api.lua_callback);
  EXPECT_EQ(api.entity_id, "duck_42");
  EXPECT_EQ(arg_names(api), (std::vector<std::string>{"entity_id", "vy"}));
  EXPECT_EQ(arg(api, "vy"), yams::arg_value(533.7));
}

TEST_F(PluginRun, NothingIsRecordedWhileDisabled) {
  yams::disable();
  yams::begin_frame(5);
  physics::outer(1);
  EXPECT_FALSE(static_cast<bool>(yams::end_frame()));
}

}  // namespace

TEST_F(PluginRun, StringsWithAnotherAllocatorAreCaptured) {
  auto frame = record_frame([] { spawn_named(std::pmr::string("duck_12")); });
  EXPECT_EQ(arg(only_call(frame, "spawn duck_12"), "name"), yams::arg_value(std::string("duck_12")));
}

TEST_F(PluginRun, AFloatParameterIsItsShortestDecimal) {
  volatile float x = 0.1f;  // values the compiler cannot see through
  volatile float denormal = -3e-45f;
  auto frame = record_frame([&] {
    aim(x, 0.5);
    aim(denormal, 0.5);
  });
  ASSERT_EQ(frame.calls.size(), 2u);
  const auto& c = only_call(frame, "aim 0.1");
  EXPECT_EQ(arg(c, "x"), yams::arg_value(0.1));
  EXPECT_EQ(arg(c, "dt"), yams::arg_value(0.5));
  const std::string json = yams::to_json(frame);
  EXPECT_NE(json.find(R"("args":{"x":0.1,"dt":0.5})"), std::string::npos) << json;
  EXPECT_EQ(arg(only_call(frame, "aim -3e-45"), "x"), yams::arg_value(-3e-45));
}

TEST_F(PluginRun, ADeclarationWithoutParameterNamesTakesTheDefinitions) {
  auto frame = record_frame([] { Ai{}.think(7, 2.0); });
  EXPECT_EQ(arg_names(only_call(frame, "think 7")), (std::vector<std::string>{"id"}));
}
