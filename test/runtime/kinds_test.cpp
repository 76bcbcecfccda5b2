// Recording only some kinds of zones (yams::set_recorded_kinds): the zones of a kind left out do not
// record, through every probe shape (a zone, a zone capturing values, a reentry probe written out as
// the plugin writes it), while the other kinds and the frame root still do; a frame keeps the kinds
// it began with.
#include "collector.hpp"  // the environment's parsers
#include "test_support.hpp"

#include <yams/yams.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace recorded_kinds {

int g_callback_runs = 0;

constexpr yams::arg_desc entity_args[] = {{"entity_id", yams::arg_entity_id | yams::arg_in_args, 0}};

// An API callback (lua_callback) with a reentry probe, capturing its entity id.
int set_speed(std::string_view entity_id, int speed) {
  static constexpr yams::site site{"ams.set_speed",       "api",          "set_speed", __FILE__, __LINE__,
                                   yams::site_lua_callback, entity_args, 1,           1};
  if (yams::detail::reentry_wanted(&site)) [[unlikely]]
    return yams::detail::reenter_function<&site, &set_speed, int, std::string_view, int>(entity_id, speed);
  ++g_callback_runs;
  return speed * 2;
}

// Script code (lua_code) with a zone capturing the entity id; calls the callback twice.
int on_update(const std::string& entity_id) {
  static constexpr yams::site site{"on_update({entity_id})", "lua", "on_update", __FILE__, __LINE__,
                                   yams::site_lua_code,       entity_args, 1};
  yams::zone z(&site, entity_id);
  return set_speed(entity_id, 1) + set_speed(entity_id, 2);
}

// Engine code (neither flag) with a plain zone.
int update_all() {
  static constexpr yams::site site{"Entity Updates", "engine", "update_all", __FILE__, __LINE__, 0, nullptr, 0};
  yams::zone z(&site);
  return on_update("duck_1") + on_update("duck_2");
}

constexpr yams::site frame_site{"Frame", "engine", "frame", __FILE__, __LINE__, yams::site_frame, nullptr, 0};

// Plays one frame through a frame root and returns the labels of this thread's calls in order (other
// threads' are not this test's: a thread of an earlier test may still be ending); the game's result
// must not depend on what is recorded.
std::vector<std::string> frame_labels(std::uint64_t number) {
  {
    yams::frame_zone fz(&frame_site, number);
    EXPECT_EQ(update_all(), 2 * (2 + 4));
  }
  auto h = yams::history();
  EXPECT_FALSE(h.empty());
  if (h.empty() || h.back()->frame != number) return {"(frame not recorded)"};
  std::vector<std::string> labels;
  for (const yams::CallNode& c : h.back()->calls)
    if (c.thread == h.back()->calls.front().thread) labels.push_back(c.label);
  return labels;
}

class Kinds : public yams::test::profiling_on {
 protected:
  void TearDown() override {
    yams::set_recorded_kinds(yams::zone_kinds_all);
    profiling_on::TearDown();
  }
};

using labels = std::vector<std::string>;

TEST_F(Kinds, EveryKindRecordsByDefault) {
  EXPECT_EQ(yams::recorded_kinds(), std::uint32_t{yams::zone_kinds_all});
  EXPECT_EQ(frame_labels(1), (labels{"Frame", "Entity Updates", "on_update(duck_1)", "ams.set_speed",
                                     "ams.set_speed", "on_update(duck_2)", "ams.set_speed", "ams.set_speed"}));
}

TEST_F(Kinds, EachKindLeftOutIsNotRecordedAndTheOthersAre) {
  g_callback_runs = 0;
  yams::set_recorded_kinds(yams::zone_kinds_all & ~yams::zone_kind_lua_callback);
  EXPECT_EQ(frame_labels(1), (labels{"Frame", "Entity Updates", "on_update(duck_1)", "on_update(duck_2)"}));
  EXPECT_EQ(g_callback_runs, 4);  // the callbacks ran, once each: no reentry for a kind left out

  yams::set_recorded_kinds(yams::zone_kinds_all & ~yams::zone_kind_lua_code);
  EXPECT_EQ(frame_labels(2),
            (labels{"Frame", "Entity Updates", "ams.set_speed", "ams.set_speed", "ams.set_speed", "ams.set_speed"}));

  yams::set_recorded_kinds(yams::zone_kind_lua_code);
  EXPECT_EQ(frame_labels(3), (labels{"Frame", "on_update(duck_1)", "on_update(duck_2)"}));

  yams::set_recorded_kinds(0);  // the frame root still records
  EXPECT_EQ(frame_labels(4), (labels{"Frame"}));
  EXPECT_EQ(g_callback_runs, 16);
}

TEST_F(Kinds, CallsUnderAKindLeftOutHangFromTheNearestRecordedCaller) {
  yams::set_recorded_kinds(yams::zone_kinds_all & ~yams::zone_kind_lua_code);
  {
    yams::frame_zone fz(&frame_site, std::uint64_t{9});
    update_all();
  }
  auto h = yams::history();
  ASSERT_FALSE(h.empty());
  const yams::FrameProfile& f = *h.back();
  ASSERT_GE(f.calls.size(), 6u);  // this thread's first (see frame_labels)
  EXPECT_EQ(f.overflow, 0u);  // left out is not lost, but said
  EXPECT_EQ(f.skipped_kinds, std::uint32_t{yams::zone_kind_lua_code});
  for (std::size_t i = 2; i < 6; ++i) {
    EXPECT_EQ(f.calls[i].parent_id, f.calls[1].id) << i;
    EXPECT_TRUE(f.calls[i].lua_callback);
    EXPECT_EQ(f.calls[i].entity_id, i < 4 ? "duck_1" : "duck_2");
  }
  for (std::size_t i = 6; i < f.calls.size(); ++i) EXPECT_NE(f.calls[i].thread, f.calls[0].thread) << i;
}

TEST_F(Kinds, AFrameKeepsTheKindsItBeganWith) {
  yams::set_recorded_kinds(yams::zone_kind_engine);
  {
    yams::frame_zone fz(&frame_site, std::uint64_t{5});
    yams::set_recorded_kinds(yams::zone_kinds_all);  // from the next frame on
    update_all();
  }
  auto h = yams::history();
  ASSERT_FALSE(h.empty());
  ASSERT_EQ(h.back()->frame, 5u);
  ASSERT_GE(h.back()->calls.size(), 2u);  // this thread's first (see frame_labels)
  EXPECT_EQ(h.back()->calls[1].label, "Entity Updates");
  EXPECT_EQ(h.back()->skipped_kinds, std::uint32_t{yams::zone_kind_lua_code | yams::zone_kind_lua_callback});
  if (h.back()->calls.size() > 2) EXPECT_NE(h.back()->calls[2].thread, h.back()->calls[0].thread);
  EXPECT_EQ(frame_labels(6).size(), 8u);
}

TEST_F(Kinds, BitsBeyondTheKindsAreIgnored) {
  yams::set_recorded_kinds(0xffffffffu);
  EXPECT_EQ(yams::recorded_kinds(), std::uint32_t{yams::zone_kinds_all});
  yams::set_recorded_kinds(yams::detail::recording_frame_root | yams::zone_kind_lua_code);
  EXPECT_EQ(yams::recorded_kinds(), std::uint32_t{yams::zone_kind_lua_code});
}

// The environment's switches (read once at start; test/runtime/env_test.cpp runs the whole process).
TEST(KindsFromEnvironment, NamesSeparatedByCommasAreLeftOut) {
  std::string error;
  EXPECT_EQ(yams::detail::skipped_kinds_from_env("lua_callback", error), yams::zone_kind_lua_callback);
  EXPECT_EQ(yams::detail::skipped_kinds_from_env(" lua_code , engine ", error),
            yams::zone_kind_lua_code | yams::zone_kind_engine);
  EXPECT_EQ(yams::detail::skipped_kinds_from_env("engine,engine", error), yams::zone_kind_engine);
  EXPECT_EQ(yams::detail::skipped_kinds_from_env("", error), 0);
  EXPECT_EQ(yams::detail::skipped_kinds_from_env("  ", error), 0);
  EXPECT_EQ(error, "");
}

TEST(KindsFromEnvironment, AnUnknownOrEmptyNameIsNamed) {
  std::string error;
  EXPECT_EQ(yams::detail::skipped_kinds_from_env("lua_callback,scripts", error), -1);
  EXPECT_EQ(error, "unknown zone kind \"scripts\" (expected engine, lua_code or lua_callback)");
  EXPECT_EQ(yams::detail::skipped_kinds_from_env("LUA_CODE", error), -1);
  EXPECT_EQ(error, "unknown zone kind \"LUA_CODE\" (expected engine, lua_code or lua_callback)");
  EXPECT_EQ(yams::detail::skipped_kinds_from_env("engine,,lua_code", error), -1);
  EXPECT_EQ(error, "name 2 is empty");
  EXPECT_EQ(yams::detail::skipped_kinds_from_env("engine,", error), -1);
  EXPECT_EQ(error, "name 2 is empty");
}

TEST(KindsFromEnvironment, TheProfileSwitchTakesEightSpellingsAndNamesTheRest) {
  for (const char* on : {"1", "true", "TRUE", "Yes", "on", "ON"})
    EXPECT_EQ(yams::detail::profile_switch_from_env(on), 1) << on;
  for (const char* off : {static_cast<const char*>(nullptr), "", "0", "false", "No", "OFF"})
    EXPECT_EQ(yams::detail::profile_switch_from_env(off), 0) << (off ? off : "(unset)");
  for (const char* bad : {"2", "enabled", "on ", "tru"})
    EXPECT_EQ(yams::detail::profile_switch_from_env(bad), -1) << bad;
}

// The kind test sits where the recording test was: a site's bit is a constant, so the probe's fast
// path stays one load, test and branch (test/bench/count_instructions.sh counts it).
static_assert(yams::detail::recording_bit(&frame_site) == yams::detail::recording_frame_root);
constexpr yams::site plain_site{"p", "m", "f", "file", 1, 0, nullptr, 0};
constexpr yams::site both_site{"b", "m", "f", "file", 1, yams::site_lua_code | yams::site_lua_callback, nullptr, 0};
static_assert(yams::detail::recording_bit(&plain_site) == yams::zone_kind_engine);
static_assert(yams::detail::recording_bit(&both_site) == yams::zone_kind_lua_callback);

}  // namespace recorded_kinds
