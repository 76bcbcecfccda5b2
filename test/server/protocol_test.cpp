// Protocol v1 texts: command parsing with its error messages, and the server's messages as JSON.
#include "server/protocol.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace yams::detail {
namespace {

TEST(Protocol, ParsesEveryCommand) {
  EXPECT_EQ(parse_command(R"({"command":"enable_profiling"})").kind, command_kind::enable_profiling);
  EXPECT_EQ(parse_command(R"({"command":"disable_profiling"})").kind, command_kind::disable_profiling);
  EXPECT_EQ(parse_command(R"({"command":"get_history"})").kind, command_kind::get_history);
  EXPECT_EQ(parse_command(R"( {"extra": 1, "command" : "get_status"} )").kind, command_kind::get_status);
}

TEST(Protocol, MalformedJsonNamesTheByte) {
  const auto c = parse_command(R"({"command": )");
  EXPECT_EQ(c.kind, command_kind::invalid);
  EXPECT_NE(c.error.find("malformed JSON at byte"), std::string::npos) << c.error;
}

TEST(Protocol, RejectsWrongShapes) {
  EXPECT_NE(parse_command("[1,2]").error.find("expected a JSON object"), std::string::npos);
  EXPECT_NE(parse_command("{}").error.find("missing key \"command\""), std::string::npos);
  EXPECT_NE(parse_command(R"({"command":3})").error.find("must be a string, got number"), std::string::npos);
  const auto unknown = parse_command(R"({"command":"format_disk"})");
  EXPECT_EQ(unknown.kind, command_kind::invalid);
  EXPECT_NE(unknown.error.find("unknown command \"format_disk\""), std::string::npos) << unknown.error;
  EXPECT_EQ(parse_command("").kind, command_kind::invalid);
  EXPECT_EQ(parse_command(std::string("\xff\xfe", 2)).kind, command_kind::invalid);
}

TEST(Protocol, HelloCarriesTheSession) {
  const auto j = nlohmann::json::parse(
      hello_message({"2025-04-05_14-32-11_c4813854", 1743953561.5}, true, 7, false, frame_encoding::json));
  EXPECT_EQ(j["type"], "hello");
  EXPECT_EQ(j["protocol_version"], 1);
  EXPECT_EQ(j["session_id"], "2025-04-05_14-32-11_c4813854");
  EXPECT_DOUBLE_EQ(j["start_time"].get<double>(), 1743953561.5);
  EXPECT_EQ(j["enabled"], true);
  EXPECT_EQ(j["history_size"], 7);
  EXPECT_EQ(j["replay"], false);
  EXPECT_EQ(j["encodings"], nlohmann::json::parse(R"(["json","compact"])"));
  EXPECT_EQ(j["encoding"], "json");
  const auto compact = nlohmann::json::parse(
      hello_message({"2025-04-05_14-32-11_c4813854", 1743953561.5}, true, 7, false, frame_encoding::compact));
  EXPECT_EQ(compact["encoding"], "compact");
  EXPECT_FALSE(j.contains("replay_file"));  // a live server's names no file
}

TEST(Protocol, AReplaysHelloAndInfoNameItsFile) {
  const SessionInfo session{"2025-04-05_14-32-11_c4813854", 1743953561.5};
  const auto hello = nlohmann::json::parse(hello_message(session, false, 300, true, frame_encoding::json, "run.jsonl"));
  EXPECT_EQ(hello["replay"], true);
  EXPECT_EQ(hello["replay_file"], "run.jsonl");
  EXPECT_EQ(nlohmann::json::parse(info_document(session, false, true, "run.jsonl"))["replay_file"], "run.jsonl");
  // A replay of a session given without a name (yams::serve with only `replay` set) names none.
  const auto unnamed = nlohmann::json::parse(hello_message(session, false, 300, true, frame_encoding::json));
  EXPECT_FALSE(unnamed.contains("replay_file"));
  EXPECT_FALSE(nlohmann::json::parse(info_document(session, false, false, "run.jsonl")).contains("replay_file"));
}

TEST(Protocol, SetEncodingNamesTheEncoding) {
  auto c = parse_command(R"({"command":"set_encoding","encoding":"compact"})");
  EXPECT_EQ(c.kind, command_kind::set_encoding);
  EXPECT_EQ(c.encoding, frame_encoding::compact);
  c = parse_command(R"({"command":"set_encoding","encoding":"json"})");
  EXPECT_EQ(c.kind, command_kind::set_encoding);
  EXPECT_EQ(c.encoding, frame_encoding::json);
  c = parse_command(R"({"command":"set_encoding","encoding":"msgpack"})");
  EXPECT_EQ(c.kind, command_kind::invalid);
  EXPECT_EQ(c.error, R"(unknown encoding "msgpack" (expected json or compact))");
  EXPECT_NE(parse_command(R"({"command":"set_encoding"})").error.find(R"(missing key "encoding")"), std::string::npos);
  EXPECT_EQ(parse_command(R"({"command":"set_encoding","encoding":1})").error,
            R"(key "encoding" must be a string, got number)");
  EXPECT_EQ(encoding_message(frame_encoding::compact), R"({"type":"encoding","encoding":"compact"})");
}

TEST(Protocol, SetRecordedKindsNamesTheKinds) {
  auto c = parse_command(R"({"command":"set_recorded_kinds","kinds":["lua_callback","engine"]})");
  EXPECT_EQ(c.kind, command_kind::set_recorded_kinds);
  EXPECT_EQ(c.kinds, std::uint32_t{zone_kind_engine | zone_kind_lua_callback});
  c = parse_command(R"({"command":"set_recorded_kinds","kinds":[]})");
  EXPECT_EQ(c.kind, command_kind::set_recorded_kinds);
  EXPECT_EQ(c.kinds, 0u);
  const std::pair<const char*, const char*> bad[] = {
      {R"({"command":"set_recorded_kinds"})",
       R"(missing key "kinds" (expected {"command":"set_recorded_kinds","kinds":["engine","lua_code"]}))"},
      {R"({"command":"set_recorded_kinds","kinds":"engine"})", R"(key "kinds" must be an array of zone kinds, got string)"},
      {R"({"command":"set_recorded_kinds","kinds":["engine","scripts"]})",
       R"(kinds[1]: unknown zone kind "scripts" (expected engine, lua_code or lua_callback))"},
      {R"({"command":"set_recorded_kinds","kinds":[2]})",
       R"(kinds[0]: unknown zone kind 2 (expected engine, lua_code or lua_callback))"},
      {R"({"command":"set_recorded_kinds","kinds":["lua_code","lua_code"]})", "kinds[1]: lua_code listed twice"},
  };
  for (const auto& [text, error] : bad) {
    c = parse_command(text);
    EXPECT_EQ(c.kind, command_kind::invalid) << text;
    EXPECT_EQ(c.error, error) << text;
  }
  const auto hello = nlohmann::json::parse(hello_message({"s", 1.0}, true, 7, false, frame_encoding::json, {},
                                                         zone_kind_engine | zone_kind_lua_code));
  EXPECT_EQ(hello["recorded_kinds"], nlohmann::json::parse(R"(["engine","lua_code"])"));
}

TEST(Protocol, StatusErrorAndInfo) {
  const auto s = nlohmann::json::parse(status_message(false, 42));
  EXPECT_EQ(s, (nlohmann::json{{"type", "status"}, {"enabled", false}, {"dropped", 42},
                               {"recorded_kinds", {"engine", "lua_code", "lua_callback"}}}));
  EXPECT_EQ(nlohmann::json::parse(status_message(true, 0, zone_kind_lua_code))["recorded_kinds"],
            nlohmann::json::parse(R"(["lua_code"])"));
  EXPECT_EQ(nlohmann::json::parse(status_message(true, 0, 0))["recorded_kinds"], nlohmann::json::array());
  const auto e = nlohmann::json::parse(error_message("bad \"quote\"\n"));
  EXPECT_EQ(e["type"], "error");
  EXPECT_EQ(e["message"], "bad \"quote\"\n");
  const auto i = nlohmann::json::parse(info_document({"s", 2.0}, true, true));
  EXPECT_EQ(i, (nlohmann::json{{"protocol_version", 1}, {"session_id", "s"}, {"start_time", 2.0},
                               {"enabled", true}, {"replay", true}}));
}

TEST(Protocol, HistoryAndFrameExtraction) {
  history_builder b;
  EXPECT_EQ(nlohmann::json::parse(b.finish()), (nlohmann::json{{"type", "history"}, {"frames", nlohmann::json::array()}}));
  b.add(R"({"frame":1})");
  b.add(R"({"frame":2})");
  const auto h = nlohmann::json::parse(b.finish());
  ASSERT_EQ(h["frames"].size(), 2u);
  EXPECT_EQ(h["frames"][1]["frame"], 2);
  EXPECT_EQ(frame_json_of(R"({"type":"profile_frame","data":{"frame":3}})"), R"({"frame":3})");
  EXPECT_EQ(frame_json_of(R"({"type":"status","data":{"frame":3}})"), "");
  EXPECT_EQ(frame_json_of(R"({"type":"profile_frame","data":)"), "");
  history_builder compact(frame_encoding::compact);
  compact.add(R"({"frame":1,"sites":[],"calls":[]})");
  EXPECT_EQ(compact.finish(), R"({"type":"history","encoding":"compact","frames":[{"frame":1,"sites":[],"calls":[]}]})");
  EXPECT_EQ(frame_json_of(R"({"type":"profile_frame","encoding":"compact","data":{"frame":3}})",
                          frame_encoding::compact),
            R"({"frame":3})");
  EXPECT_EQ(frame_json_of(R"({"type":"profile_frame","data":{"frame":3}})", frame_encoding::compact), "");
}

TEST(Protocol, AHistoryPartFollowedByMoreSaysSo) {
  history_builder b;
  b.add(R"({"frame":1})");
  EXPECT_EQ(b.frames(), 1u);
  const std::string next = R"({"frame":2})";
  const auto predicted = b.size_with(next);
  b.add(next);
  const auto part = b.finish(true);
  EXPECT_EQ(part, R"({"type":"history","frames":[{"frame":1},{"frame":2}],"more":true})");
  EXPECT_EQ(part.size(), predicted);  // the size bound is checked before adding
  EXPECT_EQ(b.frames(), 0u);
  b.add(R"({"frame":3})");
  EXPECT_EQ(b.finish(false), R"({"type":"history","frames":[{"frame":3}]})");  // the last: no key
}

TEST(Protocol, TheFragmentsOfAHistoryWrittenWholeMakeOneMessage) {
  for (const auto encoding : {frame_encoding::json, frame_encoding::compact}) {
    history_builder parts(encoding), whole(encoding);
    std::string joined;
    const std::vector<std::vector<std::string>> frames{{R"({"frame":1})", R"({"frame":2})"}, {R"({"frame":3})"},
                                                       {R"({"frame":4,"calls":[]})"}};
    for (std::size_t k = 0; k < frames.size(); ++k) {
      for (const auto& f : frames[k]) {
        parts.add(f);
        whole.add(f);
      }
      const auto part = parts.finish(k + 1 < frames.size());
      for (const auto piece : history_fragment(part, k == 0, k + 1 < frames.size())) joined += piece;
    }
    EXPECT_EQ(joined, whole.finish());
  }
}

}  // namespace
}  // namespace yams::detail
