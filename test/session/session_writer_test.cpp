// session_writer (streaming form) and write_session_document, read back with the real reader.
#include "session_test_util.hpp"

#include <yams/session.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <filesystem>
#include <future>
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

// A symlink keeps pointing at its target, which gets the document; a FIFO gets it written in place.
TEST(write_session_document, replaces_a_symlinks_target_and_writes_a_fifo_in_place) {
  const Session in{info, {sample_frame(1, false)}, {}};
  const std::string target = temp_path("target.json"), link = temp_path("link.json");
  write_text(target, "old");
  std::filesystem::create_symlink(std::filesystem::path(target).filename(), link);
  write_session_document(link, in);
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_EQ(read_session(target).frames, in.frames);

  const std::string fifo = temp_path("doc.fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::future<std::string> got = std::async(std::launch::async, [&] { return read_text(fifo); });
  write_session_document(fifo, in);
  EXPECT_EQ(nlohmann::json::parse(got.get())["frames"].size(), 1u);
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
}

// A write that fails (the file-size limit, SIGXFSZ ignored) leaves the old file as it was.
TEST(write_session_document, a_failed_write_keeps_the_old_file) {
  const std::string path = temp_path("limited.json");
  write_text(path, "old");
  Session big{info, {}, {}};
  for (std::uint64_t n = 1; n <= 200; ++n) big.frames.push_back(sample_frame(n, n % 2 == 0));
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit old_limit{};
  ::getrlimit(RLIMIT_FSIZE, &old_limit);
  rlimit limit = old_limit;
  limit.rlim_cur = 16 * 1024;
  ::setrlimit(RLIMIT_FSIZE, &limit);
  std::string error;
  try {
    write_session_document(path, big);
  } catch (const std::runtime_error& e) {
    error = e.what();
  }
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_EQ(error, path + ": cannot write: File too large");
  EXPECT_EQ(read_text(path), "old");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
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
