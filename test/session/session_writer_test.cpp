// session_writer (streaming form) and write_session_document, read back with the real reader.
#include "session_test_util.hpp"

#include <yams/session.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

namespace yams::test {
namespace {

const SessionInfo info{"2025-04-05_14-32-11_c4813854", 1743953531.123};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(session_writer, writes_a_header_line_then_one_flushed_line_per_frame) {
  const std::string path = temp_path("stream.jsonl");
  session_writer w(path, info);
  w.write(sample_frame(1, false));
  w.write(sample_frame(2, true));
  // Flushed per line: readable before the writer closes.
  const auto lines = lines_of(read_text(path));
  ASSERT_EQ(lines.size(), 3u);
  const auto header = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(header["yams_session"], 1);
  EXPECT_EQ(header["session_id"], info.session_id);
  EXPECT_DOUBLE_EQ(header["start_time"].get<double>(), info.start_time);
  EXPECT_EQ(nlohmann::json::parse(lines[2])["frame"], 2);
  EXPECT_EQ(w.frames_written(), 2u);
  // Closing adds the end line that marks the file complete.
  w.close();
  const auto closed = lines_of(read_text(path));
  ASSERT_EQ(closed.size(), 4u);
  EXPECT_EQ(closed[3], R"({"yams_session_end":1,"frames":2})");
}

TEST(session_writer, round_trips_every_field_through_read_session) {
  const std::string path = temp_path("roundtrip.jsonl");
  std::vector<FrameProfile> frames;
  {
    session_writer w(path, info);
    for (std::uint64_t n = 1; n <= 5; ++n) {
      frames.push_back(sample_frame(n, n % 2 == 0));
      w.write(frames.back());
    }
  }
  const Session s = read_session(path);
  EXPECT_EQ(s.info, info);
  EXPECT_EQ(s.frames, frames);
  EXPECT_TRUE(s.warnings.empty());
}

TEST(session_writer, write_json_appends_the_text_as_a_frame_line) {
  const std::string path = temp_path("raw.jsonl");
  const FrameProfile f = sample_frame(7, true);
  {
    session_writer w(path, info);
    w.write_json(to_json(f));
    EXPECT_EQ(w.frames_written(), 1u);
  }
  const Session s = read_session(path);
  ASSERT_EQ(s.frames.size(), 1u);
  EXPECT_EQ(s.frames[0], f);
}

TEST(session_writer, refuses_an_unwritable_path_and_writes_after_close) {
  try {
    session_writer w("/nonexistent-dir/x.jsonl", info);
    FAIL() << "opened a file in a missing directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x.jsonl"), std::string::npos) << e.what();
  }
  session_writer w(temp_path("closed.jsonl"), info);
  w.close();
  EXPECT_THROW(w.write(sample_frame(1, false)), std::runtime_error);
}

TEST(write_session_document, writes_the_design_document_form) {
  const std::string path = temp_path("doc.json");
  Session in{info, {sample_frame(1, false), sample_frame(2, true)}, {}};
  write_session_document(path, in);
  const auto doc = nlohmann::json::parse(read_text(path));
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["session_id"], info.session_id);
  ASSERT_EQ(doc["frames"].size(), 2u);
  EXPECT_TRUE(doc["frames"][0]["rollback"].is_null());
  EXPECT_EQ(doc["frames"][1]["rollback"]["frames_resimulated"], 8);
  const Session out = read_session(path);
  EXPECT_EQ(out.info, in.info);
  EXPECT_EQ(out.frames, in.frames);
}

TEST(write_session_document, an_empty_session_round_trips) {
  const std::string path = temp_path("empty.json");
  write_session_document(path, Session{info, {}, {}});
  const Session out = read_session(path);
  EXPECT_EQ(out.info, info);
  EXPECT_TRUE(out.frames.empty());
}

}  // namespace
}  // namespace yams::test
