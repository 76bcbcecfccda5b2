// The frame JSON (runtime/src/json.cpp, json_reader.cpp): the design's key set, exact round trips,
// escaping, and clear errors for bad input.
#include "json_write.hpp"
#include "test_support.hpp"

#include <yams/yams.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <set>
#include <string>

namespace {

using nlohmann::json;

std::set<std::string> keys(const json& o) {
  std::set<std::string> k;
  for (auto it = o.begin(); it != o.end(); ++it) k.insert(it.key());
  return k;
}

yams::FrameProfile sample_frame() {
  yams::FrameProfile f;
  f.frame = 1842;
  f.timestamp = 1743953561.882;
  f.duration_ms = 16.2;
  yams::CallNode root;
  root.id = 84291;
  root.label = "Frame";
  root.module = "game_engine";
  root.func = "update";
  root.duration = 16.0;  // integral double stays a double
  root.args = {{"dt", 0.0166}};
  root.file = "src/engine.cpp";
  root.line = 12;
  root.thread = 1;
  yams::CallNode child;
  child.id = 84292;
  child.parent_id = 84291;
  child.label = "Lua \xE2\x86\x92 on_update(\"duck_42\")\n\t\\ \x01";
  child.module = "lifecycle";
  child.func = "on_entity_update";
  child.start = 0.1;
  child.duration = 1e-300;
  child.args = {{"i", std::int64_t{std::numeric_limits<std::int64_t>::min()}},
                {"b", false},
                {"n", nullptr},
                {"s", std::string("\xF0\x9F\xA6\x86 duck")},
                {"big", 1e21},
                {"neg", -2.5}};
  child.entity_id = "duck_42";
  child.lua_code = true;
  child.lua_callback = true;
  child.thread = std::numeric_limits<std::uint32_t>::max();
  f.calls = {root, child};
  f.rollback = yams::RollbackInfo{true, 1743953561.75, 8, 12.3};
  f.overflow = 3;
  f.frames_lost = 2;
  return f;
}

// The data model's defaults (design section 12, TestCallNode and TestFrameProfile).
TEST(FrameTypes, CallNodeDefaults) {
  yams::CallNode node;
  node.id = 1;
  node.label = "Test";
  EXPECT_EQ(node.id, 1u);
  EXPECT_FALSE(node.parent_id);
  EXPECT_EQ(node.duration, 0.0);
  EXPECT_FALSE(node.lua_code);
  EXPECT_FALSE(node.lua_callback);
  EXPECT_FALSE(node.entity_id);
  EXPECT_TRUE(node.args.empty());
}

TEST(FrameTypes, CallNodeWithArgs) {
  yams::CallNode node;
  node.id = 2;
  node.parent_id = 1;
  node.args = {{"entity_id", std::string("duck_1")}, {"x", 100.0}};
  node.lua_callback = true;
  const auto j = json::parse(yams::to_json(yams::FrameProfile{1, 0.0, 0.0, {node}, std::nullopt, 0}));
  EXPECT_EQ(j["calls"][0]["args"], (json{{"entity_id", "duck_1"}, {"x", 100.0}}));
  EXPECT_EQ(j["calls"][0]["parent_id"], 1);
  EXPECT_EQ(j["calls"][0]["lua_callback"], true);
}

TEST(FrameTypes, FrameProfileDefaultsAndRollback) {
  yams::FrameProfile frame;
  frame.frame = 1;
  frame.timestamp = 1000.0;
  EXPECT_TRUE(frame.calls.empty());
  EXPECT_FALSE(frame.rollback);
  EXPECT_EQ(frame.duration_ms, 0.0);
  frame.rollback = yams::RollbackInfo{true, 999.9, 5, 10.0};
  const auto j = json::parse(yams::to_json(frame));
  EXPECT_EQ(j["rollback"]["triggered"], true);
  EXPECT_EQ(j["rollback"]["frames_resimulated"], 5);
  EXPECT_EQ(j["rollback"]["target_timestamp"], 999.9);
}

TEST(Json, RoundTripIsExact) {
  const auto f = sample_frame();
  const std::string text = yams::to_json(f);
  EXPECT_EQ(yams::frame_from_json(text), f);
  std::string appended = "prefix";
  yams::append_json(appended, f);
  EXPECT_EQ(appended, "prefix" + text);
}

// Files written before `frames_lost` existed read back with none lost; a bad count is named.
TEST(Json, FramesLostIsOptionalAndChecked) {
  EXPECT_EQ(yams::frame_from_json(R"({"frame":4,"calls":[]})").frames_lost, 0u);
  EXPECT_EQ(yams::frame_from_json(R"({"frame":4,"calls":[],"frames_lost":7})").frames_lost, 7u);
  try {
    (void)yams::frame_from_json(R"({"frame":4,"calls":[],"frames_lost":"x"})");
    FAIL() << "no error";
  } catch (const yams::format_error& e) {
    EXPECT_NE(std::string(e.what()).find("frames_lost"), std::string::npos) << e.what();
  }
}

// The kinds a frame did not record: written by name only when there are some, read back as bits;
// files without the key read back as every kind recorded; a bad list is named.
TEST(Json, SkippedKindsAreWrittenByNameWhenThereAreSome) {
  yams::FrameProfile f = sample_frame();
  f.skipped_kinds = yams::zone_kind_lua_callback | yams::zone_kind_engine;
  const std::string text = yams::to_json(f);
  EXPECT_EQ(json::parse(text)["skipped_kinds"], json::parse(R"(["engine","lua_callback"])")) << text;
  EXPECT_EQ(yams::frame_from_json(text), f);
  EXPECT_EQ(yams::frame_from_json(R"({"frame":4,"calls":[],"skipped_kinds":[]})").skipped_kinds, 0u);
  EXPECT_EQ(yams::frame_from_json(R"({"frame":4,"calls":[],"skipped_kinds":["lua_code"]})").skipped_kinds,
            std::uint32_t{yams::zone_kind_lua_code});
  EXPECT_EQ(yams::frame_from_json(R"({"frame":4,"calls":[]})").skipped_kinds, 0u);
  EXPECT_EQ(json::parse(yams::to_json(sample_frame())).count("skipped_kinds"), 0u);
  const std::pair<const char*, const char*> bad[] = {
      {R"("lua_code")", "skipped_kinds: expected an array of zone kinds"},
      {R"(["lua_code",3])", "skipped_kinds[1]: expected a string"},
      {R"(["lua_code","scripts"])", "skipped_kinds[1]: expected engine, lua_code or lua_callback"},
      {R"(["engine","engine"])", "skipped_kinds[1]: expected a kind not already listed"},
  };
  for (const auto& [list, message] : bad) {
    try {
      (void)yams::frame_from_json(std::string(R"({"frame":4,"calls":[],"skipped_kinds":)") + list + "}");
      ADD_FAILURE() << list << ": no error";
    } catch (const yams::format_error& e) {
      EXPECT_EQ(std::string(e.what()), message) << list;
    }
  }
}

TEST(Json, KeySetIsTheDesigns) {
  const json j = json::parse(yams::to_json(sample_frame()));
  EXPECT_EQ(keys(j), (std::set<std::string>{"frame", "timestamp", "duration_ms", "calls", "rollback", "overflow",
                                            "frames_lost"}));
  for (const auto& c : j["calls"])
    EXPECT_EQ(keys(c), (std::set<std::string>{"id", "parent_id", "label", "module", "func", "start", "duration",
                                              "args", "entity_id", "lua_code", "lua_callback", "file", "line",
                                              "thread"}));
  EXPECT_EQ(keys(j["rollback"]),
            (std::set<std::string>{"triggered", "target_timestamp", "frames_resimulated", "snapshot_age_ms"}));
  EXPECT_TRUE(j["calls"][0]["parent_id"].is_null());
  EXPECT_TRUE(j["calls"][0]["entity_id"].is_null());
  EXPECT_TRUE(j["calls"][0]["duration"].is_number_float());
  EXPECT_EQ(j["calls"][1]["label"], "Lua \xE2\x86\x92 on_update(\"duck_42\")\n\t\\ \x01");
}

TEST(Json, NoRollbackIsNull) {
  yams::FrameProfile f;
  const json j = json::parse(yams::to_json(f));
  EXPECT_TRUE(j["rollback"].is_null());
  EXPECT_TRUE(j["calls"].is_array());
}

TEST(Json, InvalidUtf8IsReplaced) {
  yams::FrameProfile f;
  yams::CallNode c;
  c.label = std::string("a\xFF" "b\xC3", 4);
  f.calls = {c};
  const json j = json::parse(yams::to_json(f));  // parses: the output is valid UTF-8
  EXPECT_EQ(j["calls"][0]["label"], "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
}

// Times in whole nanoseconds (what the collector writes) take a fixed-point form with at most 6
// digits after the point; every other double its shortest round-trip form. Both read back exactly.
TEST(Json, DoublesAreWrittenShortAndReadBackExactly) {
  const auto text_of = [](double v) {
    std::string out;
    yams::detail::write_json_double(out, v);
    return out;
  };
  EXPECT_EQ(text_of(21 / 1e6), "0.000021");  // std::to_chars alone writes 2.1e-05
  EXPECT_EQ(text_of(0.0), "0.0");
  EXPECT_EQ(text_of(-0.0), "-0.0");
  EXPECT_EQ(text_of(16.0), "16.0");
  EXPECT_EQ(text_of(16.2), "16.2");
  EXPECT_EQ(text_of(1234567 / 1e6), "1.234567");
  EXPECT_EQ(text_of(100010 / 1e6), "0.10001");
  EXPECT_EQ(text_of(999999999999999 / 1e6), "999999999.999999");
  EXPECT_EQ(text_of(999999999.0), "999999999.0");
  EXPECT_EQ(text_of(1e9), "1e+09");  // beyond the fixed-point range: the general form
  EXPECT_EQ(text_of(0.0166), "0.0166");
  EXPECT_EQ(text_of(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(text_of(-2.5), "-2.5");
  EXPECT_EQ(text_of(1e-300), "1e-300");
  EXPECT_EQ(text_of(std::numeric_limits<double>::quiet_NaN()), "null");

  std::mt19937_64 rng(7);
  std::size_t checked = 0;
  for (int i = 0; i < 20000; ++i) {
    const double whole = static_cast<double>(rng() % 1'000'000'000'000'000ull) / 1e6;
    const std::string t = text_of(whole);
    ASSERT_EQ(t.find('e'), std::string::npos) << t;
    ASSERT_LE(t.size() - t.find('.') - 1, 6u) << t;
    double any;
    const std::uint64_t bits = rng();
    std::memcpy(&any, &bits, sizeof any);
    for (const double v : {whole, -whole, any, std::nextafter(whole, 2e9), std::ldexp(whole, -20)}) {
      if (!std::isfinite(v)) continue;
      const json j = json::parse(text_of(v));
      ASSERT_TRUE(j.is_number_float()) << text_of(v);
      ASSERT_EQ(std::bit_cast<std::uint64_t>(j.get<double>()), std::bit_cast<std::uint64_t>(v)) << text_of(v);
      ++checked;
    }
  }
  EXPECT_GT(checked, 90000u);
}

// Strings are copied as they are up to the first byte that needs escaping or checking, wherever it
// falls in the 8-byte words the writer scans: each such byte at each offset is escaped as the
// byte-by-byte rules say.
TEST(Json, EscapingDoesNotDependOnWhereTheByteFalls) {
  const auto reference = [](std::string_view s) {
    std::string out = "\"";
    for (const char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"') out += "\\\"";
      else if (c == '\\') out += "\\\\";
      else if (c == '\n') out += "\\n";
      else if (c == 0x01) out += "\\u0001";
      else if (c == 0x1F) out += "\\u001f";
      else if (c == 0xFF) out += "\xEF\xBF\xBD";
      else out += ch;
    }
    return out + "\"";
  };
  const std::string fillers[] = {"abcdefghijklmnopqrstuvwxyz", " !#$%&'()*+,-./0123456789:;<=>?@[]^_`{|}~"};
  for (const std::string& filler : fillers) {
    for (const char special : {'"', '\\', '\n', '\x01', '\x1F', '\xFF', '\x7F'}) {
      for (std::size_t len = 1; len <= 24; ++len) {
        for (std::size_t at = 0; at < len; ++at) {
          std::string s = filler.substr(0, len);
          s[at] = special;
          std::string out = "x";
          yams::detail::write_json_string(out, s);
          ASSERT_EQ(out, "x" + reference(s))
              << "length " << len << ", byte " << int(static_cast<unsigned char>(special)) << " at " << at;
        }
      }
    }
    std::string out;
    yams::detail::write_json_string(out, filler);
    EXPECT_EQ(out, "\"" + filler + "\"");
  }
  std::string out;
  yams::detail::write_json_string(out, "caf\xC3\xA9 \xE2\x86\x92 duck_42");  // valid UTF-8 passes through
  EXPECT_EQ(out, "\"caf\xC3\xA9 \xE2\x86\x92 duck_42\"");
}

// Calls are written through a pointer into room computed for each one; the room must hold the
// longest text any field can take: every byte escaped as \u00XX, invalid bytes replaced by U+FFFD,
// 24-character doubles, 20-digit integers. (Too little room stops the program: this test then fails.)
TEST(Json, CallsWithTheLongestFieldsAreWrittenWhole) {
  yams::FrameProfile f;
  yams::CallNode c;
  c.id = std::numeric_limits<std::uint64_t>::max();
  c.parent_id = std::numeric_limits<std::uint64_t>::max() - 1;
  c.label = std::string(300, '\x01');
  c.module = std::string(50, '"');
  c.func = std::string(40, '\\');
  c.file = std::string(200, '\x1f');
  c.start = -2.2250738585072014e-308;
  c.duration = -1.7976931348623157e+308;
  c.args = {{std::string(30, '\x02'), std::string(100, '\x03')},
            {"d", -2.2250738585072014e-308},
            {"i", std::numeric_limits<std::int64_t>::min()},
            {"b", false},
            {"n", nullptr}};
  c.entity_id = std::string(64, '\x1e');
  c.line = std::numeric_limits<std::uint32_t>::max();
  c.thread = std::numeric_limits<std::uint64_t>::max();
  f.calls = {c, c};
  f.calls[1].label = "own";  // a label of its own in the compact encoding
  const std::string text = yams::to_json(f);
  EXPECT_EQ(yams::frame_from_json(text), f);
  EXPECT_EQ(yams::frame_from_compact_json(yams::to_compact_json(f)), f);

  yams::CallNode invalid;
  invalid.label = std::string(100, '\xFF');
  f.calls = {invalid};
  const json j = json::parse(yams::to_json(f));
  std::string replaced;
  for (int i = 0; i < 100; ++i) replaced += "\xEF\xBF\xBD";
  EXPECT_EQ(j["calls"][0]["label"], replaced);
}

TEST(Json, RecordedFrameRoundTrips) {
  yams::enable();
  yams::begin_frame(3);
  { YAMS_ZONE_M("json", "Recorded"); }
  yams::record_rollback(2, 3.5, 4.25);
  const yams::FrameProfile f = *yams::end_frame();
  yams::disable();
  EXPECT_EQ(yams::frame_from_json(yams::to_json(f)), f);
}

TEST(Json, DesignExampleIsReadWithDefaults) {
  const auto f = yams::frame_from_json(R"({"frame": 1842, "timestamp": 1743953561.882, "duration_ms": 16.2,
    "calls": [{"id": 84291, "parent_id": null, "label": "Frame", "module": "game_engine", "func": "update",
               "start": 0.0, "duration": 16.2, "args": {"dt": 0.0166}},
              {"id": 84293, "parent_id": 84291, "label": "x", "module": "lifecycle", "func": "f",
               "start": 0.5, "duration": 2.3, "entity_id": "duck_42", "lua_code": true}],
    "rollback": null})");
  ASSERT_EQ(f.calls.size(), 2u);
  EXPECT_EQ(f.calls[0].args.at(0).second, yams::arg_value(0.0166));
  EXPECT_EQ(f.calls[1].parent_id, 84291u);
  EXPECT_TRUE(f.calls[1].lua_code);
  EXPECT_FALSE(f.calls[1].lua_callback);
  EXPECT_EQ(f.calls[1].entity_id, "duck_42");
}

void expect_error(const std::string& text, const std::string& message) {
  try {
    (void)yams::frame_from_json(text);
    ADD_FAILURE() << "no error for " << text;
  } catch (const yams::format_error& e) {
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
  }
}

TEST(Json, ErrorsNameWhatAndWhere) {
  const std::string call = R"({"id":1,"label":"a","module":"m","func":"f","start":0,"duration":1})";
  expect_error(R"({"frame":1,"calls":[)" + call + "," + call + "," +
                   R"({"id":3,"label":"a","module":"m","func":"f","start":0,"duration":"x"}]})",
               "calls[2].duration: expected a number");
  expect_error(R"({"frame":-1})", "frame: expected a non-negative integer");
  expect_error(R"({"calls":[]})", "frame: missing");
  expect_error(R"({"frame":1,"calls":{}})", "calls: expected an array");
  expect_error(R"({"frame":1,"calls":[{"id":1,"module":"m","func":"f"}]})", "calls[0].label: missing");
  expect_error(R"({"frame":1,"calls":[{"id":1,"label":"a","module":"m","func":"f","args":{"x":[1]}}]})",
               "calls[0].args.x: expected a number, string, bool or null");
  expect_error(R"({"frame":1,"rollback":{"frames_resimulated":1.5}})", "rollback.frames_resimulated");
  expect_error(R"({"frame":1,"rollback":3})", "rollback: expected null or an object");
  expect_error(R"({"frame":1,)", "frame JSON");
  expect_error("[1]", "frame JSON: expected an object");
  expect_error(R"({"frame":1,"timestamp":1e999})", "frame JSON");  // found by the fuzzer
}

}  // namespace
