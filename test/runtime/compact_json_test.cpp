// The compact frame encoding (runtime/src/compact_json.cpp, frame_from_compact_json): it decodes to the
// same FrameProfile as the JSON, writes each site once, and names what is wrong in bad input.
#include <yams/yams.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <limits>
#include <string>

namespace {

using nlohmann::json;

yams::CallNode call(std::uint64_t id, std::optional<std::uint64_t> parent, std::string label, std::string func) {
  yams::CallNode c;
  c.id = id;
  c.parent_id = parent;
  c.label = std::move(label);
  c.module = "game_engine";
  c.func = std::move(func);
  c.file = "src/engine.cpp";
  c.line = 40;
  c.thread = 1;
  c.start = 0.1 * static_cast<double>(id);
  c.duration = 1.0 / 3.0;
  return c;
}

yams::FrameProfile sample_frame() {
  yams::FrameProfile f;
  f.frame = 1842;
  f.timestamp = 1743953561.882;
  f.duration_ms = 16.2;
  f.calls.push_back(call(84291, std::nullopt, "Frame", "update"));
  f.calls[0].args = {{"dt", 0.0166}};
  for (std::uint64_t i = 0; i < 3; ++i) {
    auto c = call(84292 + i, 84291, "Spawn duck_" + std::to_string(i), "spawn");
    c.args = {{"id", static_cast<std::int64_t>(i)}, {"big", 1e21}, {"n", nullptr}, {"b", true}};
    c.entity_id = "duck_" + std::to_string(i);
    c.lua_callback = true;
    f.calls.push_back(c);
  }
  f.calls.push_back(call(84295, 84294, "Lua \xE2\x86\x92 \"q\"\n\t\\ \x01", "spawn"));  // same func, other site
  f.calls.back().lua_code = true;
  f.calls.push_back(call(12, std::nullopt, "Worker", "work"));  // id going backwards
  f.calls.back().thread = std::numeric_limits<std::uint32_t>::max();
  f.calls.push_back(call(std::numeric_limits<std::uint64_t>::max(), 12, "Worker", "work"));  // parent id below
  f.calls.push_back(call(0, std::numeric_limits<std::uint64_t>::max(), "Worker", "work"));   // parent id above
  f.calls.back().entity_id = "";  // present but empty: still written
  f.rollback = yams::RollbackInfo{true, 1743953561.75, 8, 12.3};
  f.overflow = 3;
  f.frames_lost = 2;
  return f;
}

TEST(CompactJson, DecodesToTheSameFrameAsTheJson) {
  const auto f = sample_frame();
  const auto compact = yams::to_compact_json(f);
  EXPECT_EQ(yams::frame_from_compact_json(compact), f);
  EXPECT_EQ(yams::frame_from_compact_json(compact), yams::frame_from_json(yams::to_json(f)));
  std::string appended = "prefix";
  yams::append_compact_json(appended, f);
  EXPECT_EQ(appended, "prefix" + compact);
  EXPECT_LT(compact.size(), yams::to_json(f).size());
}

TEST(CompactJson, SkippedKindsSurviveTheCompactEncoding) {
  yams::FrameProfile f = sample_frame();
  f.skipped_kinds = yams::zone_kind_lua_code;
  const auto compact = yams::to_compact_json(f);
  EXPECT_EQ(json::parse(compact)["skipped_kinds"], json::parse(R"(["lua_code"])")) << compact;
  EXPECT_EQ(yams::frame_from_compact_json(compact), f);
}

TEST(CompactJson, EachSiteIsWrittenOnce) {
  const json j = json::parse(yams::to_compact_json(sample_frame()));
  // Frame/update, spawn (lua_callback), spawn (lua_code), Worker on two threads.
  ASSERT_EQ(j["sites"].size(), 5u);
  EXPECT_EQ(j["sites"][0], json::parse(R"(["Frame","game_engine","update","src/engine.cpp",40,false,false,1])"));
  ASSERT_EQ(j["calls"][0].size(), 7u);  // [id, parent, site, start, duration, label, args]
  EXPECT_EQ(j["calls"][0][0], 84291);
  EXPECT_TRUE(j["calls"][0][1].is_null());
  EXPECT_EQ(j["calls"][0][2], 0);
  EXPECT_TRUE(j["calls"][0][5].is_null());
  EXPECT_EQ(j["calls"][0][6], json::parse(R"({"dt":0.0166})"));
  // The site's label is its first call's; later calls of the site carry their own only when it differs.
  EXPECT_EQ(j["sites"][1][0], "Spawn duck_0");
  EXPECT_EQ(j["calls"][1].size(), 8u);
  EXPECT_TRUE(j["calls"][1][5].is_null());
  EXPECT_EQ(j["calls"][2][5], "Spawn duck_1");
  EXPECT_EQ(j["calls"][2][0], 1);  // id delta
  EXPECT_EQ(j["calls"][2][1], 84293 - 84291);  // parent delta
  EXPECT_EQ(j["calls"][6].size(), 5u);  // same label, no args, no entity: nothing optional
  EXPECT_EQ(j["calls"][7].size(), 8u);  // an empty entity id is still an entity id
}

TEST(CompactJson, EmptyAndRecordedFramesRoundTrip) {
  yams::FrameProfile empty;
  EXPECT_EQ(yams::frame_from_compact_json(yams::to_compact_json(empty)), empty);
  yams::enable();
  yams::begin_frame(3);
  for (int i = 0; i < 3; ++i) {
    YAMS_ZONE_M("json", "Recorded");
  }
  yams::record_rollback(2, 3.5, 4.25);
  const yams::FrameProfile f = *yams::end_frame();
  yams::disable();
  EXPECT_EQ(yams::frame_from_compact_json(yams::to_compact_json(f)), f);
}

// docs/frame-format.md's example; web-panel/src/model/compact.test.ts reads the same compact text.
TEST(CompactJson, DocsExampleAsThePanelTestReadsIt) {
  const auto f = yams::frame_from_json(
      R"({"frame":1842,"timestamp":1743953561.882,"duration_ms":16.2,"calls":[)"
      R"({"id":84291,"parent_id":null,"label":"Frame","module":"game_engine","func":"update","start":0.0,"duration":16.2,)"
      R"("args":{"dt":0.0166},"entity_id":null,"lua_code":false,"lua_callback":false,)"
      R"("file":"examples/duckhunt/src/engine.cpp","line":41,"thread":1},)"
      R"({"id":84292,"parent_id":84291,"label":"ams.set_vy","module":"lua_api","func":"set_vy","start":0.6,"duration":0.1,)"
      R"("args":{"entity_id":"duck_42","vy":533.7},"entity_id":"duck_42","lua_code":false,"lua_callback":true,)"
      R"("file":"examples/duckhunt/src/lua_api.cpp","line":88,"thread":1}],)"
      R"("rollback":{"triggered":true,"target_timestamp":1743953561.75,"frames_resimulated":8,"snapshot_age_ms":12.3},)"
      R"("overflow":0,"frames_lost":0})");
  EXPECT_EQ(yams::to_compact_json(f),
            R"({"frame":1842,"timestamp":1743953561.882,"duration_ms":16.2,"sites":[)"
            R"(["Frame","game_engine","update","examples/duckhunt/src/engine.cpp",41,false,false,1],)"
            R"(["ams.set_vy","lua_api","set_vy","examples/duckhunt/src/lua_api.cpp",88,false,true,1]],)"
            R"("calls":[[84291,null,0,0.0,16.2,null,{"dt":0.0166}],[1,1,1,0.6,0.1,null,{"entity_id":"duck_42","vy":533.7},"duck_42"]],)"
            R"("rollback":{"triggered":true,"target_timestamp":1743953561.75,"frames_resimulated":8,"snapshot_age_ms":12.3},)"
            R"("overflow":0,"frames_lost":0})");
}

void expect_error(const std::string& text, const std::string& message) {
  try {
    (void)yams::frame_from_compact_json(text);
    ADD_FAILURE() << "no error for " << text;
  } catch (const yams::format_error& e) {
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
  }
}

TEST(CompactJson, ErrorsNameWhatAndWhere) {
  const std::string site = R"(["a","m","f","x.cpp",1,false,false,1])";
  expect_error(R"({"frame":1,"sites":[)", "compact frame JSON: [json.exception.parse_error");
  expect_error(R"([1])", "compact frame JSON: expected an object");
  expect_error(R"({"frame":1,"calls":[]})", "sites: missing (not a compact frame)");
  expect_error(R"({"frame":1,"sites":[["a"]],"calls":[]})", "sites[0]: expected an array of 8 values");
  expect_error(R"({"frame":1,"sites":[)" + site + R"(],"calls":[[1,null,1,0.0,1.0]]})",
               "calls[0][2]: site 1 out of range (1 sites)");
  expect_error(R"({"frame":1,"sites":[)" + site + R"(],"calls":[[1,null,0,"x",1.0]]})",
               "calls[0][3]: expected a number");
  expect_error(R"({"frame":1,"sites":[)" + site + R"(],"calls":[[1,null,0,0.0]]})", "calls[0]: expected an array");
  expect_error(R"({"frame":1,"sites":[)" + site + R"(],"calls":[[1,null,0,0.0,1.0,null,[1]]]})",
               "calls[0][6]: expected an object or null");
}

}  // namespace
