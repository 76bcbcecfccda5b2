// yams-duckhunt's command line: accepted forms and the message for each kind of mistake.
#include "options.hpp"

#include <yams/frame.hpp>

#include <gtest/gtest.h>

namespace duckhunt {
namespace {

std::string error_of(std::vector<std::string> args) {
  try {
    parse_options(args);
  } catch (const usage_error& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(DuckhuntOptions, Defaults) {
  const Options o = parse_options({});
  EXPECT_EQ(o.frames, 0u);
  EXPECT_EQ(o.ducks, 50);
  EXPECT_EQ(o.seed, 1u);
  EXPECT_EQ(o.latency_ms, 100);
  EXPECT_FALSE(o.unpaced);
  EXPECT_FALSE(o.serve);
  EXPECT_FALSE(o.reload_scripts);
  EXPECT_EQ(o.port, 8765);
}

TEST(DuckhuntOptions, EveryOption) {
  const Options o = parse_options({"--frames", "2000", "--ducks", "500", "--seed", "7", "--latency-ms", "250",
                                   "--unpaced", "--serve", "--port", "0", "--record", "s.jsonl", "--hash",
                                   "--scripts", "dir", "--profile", "--ring-slots", "1048576", "--reload-scripts"});
  EXPECT_EQ(o.frames, 2000u);
  EXPECT_EQ(o.ducks, 500);
  EXPECT_EQ(o.seed, 7u);
  EXPECT_EQ(o.latency_ms, 250);
  EXPECT_TRUE(o.unpaced && o.serve && o.hash && o.profile && o.reload_scripts);
  EXPECT_EQ(o.port, 0);
  EXPECT_EQ(o.record, "s.jsonl");
  EXPECT_EQ(o.scripts, "dir");
  EXPECT_EQ(o.ring_slots, 1048576u);
  EXPECT_EQ(o.skip_zones, 0u);
}

TEST(DuckhuntOptions, SkipZones) {
  EXPECT_EQ(parse_options({"--skip-zones", "lua_callback"}).skip_zones, std::uint32_t{yams::zone_kind_lua_callback});
  const Options o = parse_options({"--skip-zones", "engine,lua_code,lua_callback"});
  EXPECT_EQ(o.skip_zones, std::uint32_t{yams::zone_kinds_all});
  EXPECT_EQ(zone_kinds_text(o.skip_zones), "engine,lua_code,lua_callback");
  EXPECT_EQ(zone_kinds_text(yams::zone_kind_lua_code), "lua_code");
  EXPECT_EQ(zone_kinds_text(0), "");
  EXPECT_EQ(error_of({"--skip-zones", "lua_code,callbacks"}),
            "--skip-zones: expected zone kinds engine, lua_code or lua_callback separated by commas, got "
            "'callbacks' in 'lua_code,callbacks'");
  EXPECT_EQ(error_of({"--skip-zones", "lua_code,"}),
            "--skip-zones: expected zone kinds engine, lua_code or lua_callback separated by commas, got "
            "'' in 'lua_code,'");
  EXPECT_EQ(error_of({"--skip-zones"}), "--skip-zones: missing value");
}

TEST(DuckhuntOptions, Mistakes) {
  EXPECT_EQ(error_of({"--ducks", "many"}), "--ducks: expected a whole number from 1 to 100000, got 'many'");
  EXPECT_EQ(error_of({"--ducks", "0"}), "--ducks: expected a whole number from 1 to 100000, got '0'");
  EXPECT_EQ(error_of({"--frames", "-5"}), "--frames: expected a whole number from 1 to 1000000000, got '-5'");
  EXPECT_EQ(error_of({"--latency-ms", "5000"}), "--latency-ms: expected a whole number from 0 to 1900, got '5000'");
  EXPECT_EQ(error_of({"--port", "70000", "--serve"}), "--port: expected a whole number from 0 to 65535, got '70000'");
  EXPECT_EQ(error_of({"--ring-slots", "100"}), "--ring-slots: expected a whole number from 256 to 268435456, got '100'");
  EXPECT_EQ(error_of({"--frames"}), "--frames: missing value");
  EXPECT_EQ(error_of({"--fps", "30"}), "unknown option '--fps'");
  EXPECT_EQ(error_of({"--port", "9000"}), "--port: only meaningful with --serve");
}

TEST(DuckhuntOptions, LatencyInFrames) {
  EXPECT_EQ(latency_frames(0, 1.0 / 60), 0);
  EXPECT_EQ(latency_frames(100, 1.0 / 60), 6);
  EXPECT_EQ(latency_frames(1900, 1.0 / 60), 114);
}

}  // namespace
}  // namespace duckhunt
