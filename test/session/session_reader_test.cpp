// read_session and session_reader: both forms detected by content, read a frame at a time (frames and a
// header larger than the reader's blocks, a document's keys in any order, a pipe), and clear errors naming file, line and
// column for unreadable, empty, corrupt and truncated files; a truncated streaming file keeps its complete
// frames.
#include "session_test_util.hpp"

#include <yams/session.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <thread>
#include <vector>

namespace yams::test {
namespace {

const SessionInfo info{"s-1", 1000.5};

// A streaming file of `n` sample frames, closed; returns its text (ending with the end line).
std::string streaming_file(const std::string& path, int n) {
  session_writer w(path, info);
  for (int i = 1; i <= n; ++i) w.write(sample_frame(i, i == 2));
  w.close();
  return read_text(path);
}

// The same without the end line: as a writer that did not close it leaves the file.
std::string unclosed_streaming_file(const std::string& path, int n) {
  std::string text = streaming_file(path, n);
  text.erase(text.rfind('{'));
  return text;
}

// The format_error message read_session throws for `path`, or "" if it reads fine.
std::string error_of(const std::string& path) {
  try {
    read_session(path);
  } catch (const format_error& e) {
    return e.what();
  }
  return "";
}

TEST(read_session, detects_a_document_written_on_one_line) {
  const std::string path = temp_path("oneline.json");
  write_text(path, R"({"frames":[)" + to_json(sample_frame(3, true)) + R"(],"start_time":12.5,"session_id":"abc"})");
  const Session s = read_session(path);
  EXPECT_EQ(s.info, (SessionInfo{"abc", 12.5}));
  ASSERT_EQ(s.frames.size(), 1u);
  EXPECT_EQ(s.frames[0], sample_frame(3, true));
}

TEST(read_session, a_truncated_last_line_yields_the_complete_frames_and_a_warning) {
  const std::string path = temp_path("truncated.jsonl");
  std::string text = unclosed_streaming_file(path, 3);
  const std::string cut = to_json(sample_frame(4, false));
  write_text(path, text + cut.substr(0, cut.size() / 2));
  const Session s = read_session(path);
  ASSERT_EQ(s.frames.size(), 3u);
  EXPECT_EQ(s.frames[2], sample_frame(3, false));
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0], path + ":5: truncated last line ignored");
}

TEST(read_session, a_closed_file_ends_with_its_end_line_and_reads_without_warnings) {
  const std::string path = temp_path("closed.jsonl");
  const std::string text = streaming_file(path, 3);
  EXPECT_TRUE(text.ends_with("\n{\"yams_session_end\":1,\"frames\":3}\n")) << text;
  const Session s = read_session(path);
  EXPECT_EQ(s.frames.size(), 3u);
  EXPECT_TRUE(s.warnings.empty());
}

TEST(read_session, a_file_without_its_end_line_is_read_with_a_warning) {
  const std::string path = temp_path("unclosed.jsonl");
  write_text(path, unclosed_streaming_file(path, 2));
  const Session s = read_session(path);
  EXPECT_EQ(s.frames.size(), 2u);
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0], path + ": no end line: the recording was not closed (the process stopped?); 2 complete "
                                  "frames read");
}

TEST(read_session, an_end_line_that_disagrees_with_the_frames_is_an_error) {
  const std::string path = temp_path("end_count.jsonl");
  const std::string text = streaming_file(path, 3);
  // Frame 2 (line 3) removed: the end line (now line 4) still says 3.
  const auto line3 = text.find('\n', text.find('\n') + 1) + 1;
  write_text(path, text.substr(0, line3) + text.substr(text.find('\n', line3) + 1));
  const std::string e = error_of(path);
  EXPECT_EQ(e, path + ":4:1: expected \"frames\": 2 in the end line (the frames before it), found 3");
}

TEST(read_session, the_end_line_may_count_frames_lost_after_the_last_one) {
  const std::string path = temp_path("lost_at_end.jsonl");
  {
    session_writer w(path, info);
    w.write(sample_frame(1, false));
    w.set_frames_lost_at_end(7);
  }
  EXPECT_TRUE(read_text(path).ends_with("\n{\"yams_session_end\":1,\"frames\":1,\"frames_lost\":7}\n"));
  const Session s = read_session(path);
  EXPECT_EQ(s.frames_lost_at_end, 7u);
  EXPECT_TRUE(s.warnings.empty());
  const std::string text = read_text(path);
  write_text(path, text.substr(0, text.rfind("7}")) + "-7}\n");
  EXPECT_EQ(error_of(path),
            path + ":3:1: expected a non-negative integer for \"frames_lost\" in the end line, found -7");
}

TEST(read_session, anything_after_the_end_line_is_an_error) {
  const std::string path = temp_path("after_end.jsonl");
  write_text(path, streaming_file(path, 1) + to_json(sample_frame(2, false)) + "\n");
  EXPECT_EQ(error_of(path), path + ":4:1: expected nothing after the end line");
}

TEST(read_session, a_corrupt_middle_line_is_an_error_with_its_position) {
  const std::string path = temp_path("corrupt.jsonl");
  std::string text = streaming_file(path, 3);
  // Line 3 (frame 2): break the value of "frame" at column 10.
  const auto line3 = text.find('\n', text.find('\n') + 1) + 1;
  ASSERT_EQ(text.substr(line3, 9), R"({"frame":)");
  text[line3 + 9] = 'x';
  write_text(path, text);
  const std::string e = error_of(path);
  EXPECT_EQ(e.rfind(path + ":3:10: expected", 0), 0u) << e;
}

TEST(read_session, a_frame_of_the_wrong_shape_is_an_error_on_its_line) {
  const std::string path = temp_path("shape.jsonl");
  std::string text = unclosed_streaming_file(path, 1);
  write_text(path, text + R"({"frame":"two","timestamp":1.0})" + "\n");
  const std::string e = error_of(path);
  EXPECT_EQ(e.rfind(path + ":3:1: ", 0), 0u) << e;
  EXPECT_NE(e.find("expected"), std::string::npos) << e;
}

TEST(read_session, a_document_syntax_error_names_line_and_column) {
  const std::string path = temp_path("syntax.json");
  write_text(path, "{\"session_id\":\"x\",\n \"start_time\":1,\n \"frames\":[}\n");
  const std::string e = error_of(path);
  EXPECT_EQ(e.rfind(path + ":3:12: expected", 0), 0u) << e;
}

TEST(read_session, a_truncated_document_is_an_error_at_its_end) {
  const std::string path = temp_path("cut.json");
  std::string doc = R"({"session_id":"x","start_time":1,"frames":[)" + to_json(sample_frame(1, false));
  write_text(path, doc.substr(0, doc.size() - 5));
  const std::string e = error_of(path);
  EXPECT_EQ(e.rfind(path + ":1:", 0), 0u) << e;
  EXPECT_NE(e.find("expected"), std::string::npos) << e;
}

TEST(read_session, a_bad_frame_in_a_document_points_at_the_frame) {
  const std::string path = temp_path("badframe.json");
  write_text(path, "{\"session_id\":\"x\",\"start_time\":1,\"frames\":[\n" + to_json(sample_frame(1, false)) +
                       ",\n  {\"frame\":\"two\"}\n]}\n");
  const std::string e = error_of(path);
  EXPECT_EQ(e.rfind(path + ":3:3: ", 0), 0u) << e;
}

TEST(read_session, missing_document_keys_are_named) {
  const std::string path = temp_path("nokeys.json");
  write_text(path, R"({"session_id":"x","start_time":1})");
  EXPECT_NE(error_of(path).find("expected key \"frames\""), std::string::npos) << error_of(path);
  write_text(path, R"({"session_id":7,"start_time":1,"frames":[]})");
  EXPECT_EQ(error_of(path), path + ":1:15: expected a string for \"session_id\"");
}

TEST(read_session, a_newer_streaming_version_is_refused) {
  const std::string path = temp_path("v2.jsonl");
  write_text(path, "{\"yams_session\":2,\"session_id\":\"x\",\"start_time\":1}\n");
  EXPECT_NE(error_of(path).find("expected \"yams_session\": 1"), std::string::npos) << error_of(path);
}

TEST(read_session, empty_missing_and_non_json_files_are_errors) {
  const std::string empty = temp_path("empty.jsonl");
  write_text(empty, "  \n");
  EXPECT_EQ(error_of(empty), empty + ":2:1: expected a session object, found an empty file");
  const std::string missing = temp_path("missing.jsonl");
  EXPECT_EQ(error_of(missing).rfind(missing + ": cannot open", 0), 0u) << error_of(missing);
  const std::string text = temp_path("text.jsonl");
  write_text(text, "\n\nhello");
  EXPECT_EQ(error_of(text), text + ":3:1: expected '{' starting a session object");
}

TEST(read_session, a_directory_is_named_as_one) {
  const std::string dir = temp_path("sessions");
  std::filesystem::create_directory(dir);
  EXPECT_EQ(error_of(dir), dir + ": is a directory, expected a session file");
}

// Every frame of `path` through a session_reader, checking that info() is known before the first.
std::vector<FrameProfile> frames_of(const std::string& path, const SessionInfo& expected_info) {
  session_reader in(path);
  EXPECT_EQ(in.info(), expected_info);
  std::vector<FrameProfile> frames;
  FrameProfile f;
  while (in.next(f)) frames.push_back(f);
  EXPECT_FALSE(in.next(f));
  EXPECT_EQ(in.frames_read(), frames.size());
  return frames;
}

// A frame larger than the reader's 64 KB blocks, whose label holds escapes across their edges.
FrameProfile big_frame(std::uint64_t number) {
  FrameProfile f = sample_frame(number, false);
  for (int i = 0; i < 40000; ++i) f.calls[0].label += i % 3 == 0 ? "\\\"" : "ab";
  return f;
}

TEST(session_reader, yields_the_frames_of_either_form_one_at_a_time) {
  const std::string stream = temp_path("each.jsonl");
  {
    session_writer w(stream, info);
    for (int i = 1; i <= 3; ++i) w.write(i == 2 ? big_frame(i) : sample_frame(i, i == 3));
  }
  const std::vector<FrameProfile> frames = frames_of(stream, info);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[1], big_frame(2));
  EXPECT_EQ(frames[2], sample_frame(3, true));
  const std::string doc = temp_path("each.json");
  write_session_document(doc, read_session(stream));
  EXPECT_EQ(frames_of(doc, info), frames);
}

TEST(session_reader, reads_a_documents_id_and_start_time_before_frames_that_come_first) {
  const std::string path = temp_path("frames_first.json");
  write_text(path, "{\"frames\":[" + to_json(big_frame(1)) + ",\n" + to_json(sample_frame(2, true)) +
                       "],\"other\":{\"x\":[1,\"]\"]},\"start_time\":1000.5,\n\"session_id\":\"s-1\"}");
  const std::vector<FrameProfile> frames = frames_of(path, info);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], big_frame(1));
  EXPECT_EQ(frames[1], sample_frame(2, true));
}

TEST(session_reader, reads_a_header_longer_than_its_blocks) {
  const std::string path = temp_path("long_header.jsonl");
  const SessionInfo long_info{std::string(100000, 'x'), 5.0};
  {
    session_writer w(path, long_info);
    w.write(sample_frame(1, false));
  }
  EXPECT_EQ(frames_of(path, long_info), std::vector<FrameProfile>{sample_frame(1, false)});
}

TEST(session_reader, warnings_are_complete_once_the_last_frame_is_read) {
  const std::string path = temp_path("each_unclosed.jsonl");
  write_text(path, unclosed_streaming_file(path, 2));
  session_reader in(path);
  FrameProfile f;
  ASSERT_TRUE(in.next(f));
  ASSERT_TRUE(in.next(f));
  EXPECT_TRUE(in.warnings().empty());
  EXPECT_FALSE(in.next(f));
  ASSERT_EQ(in.warnings().size(), 1u);
  EXPECT_NE(in.warnings()[0].find("no end line"), std::string::npos) << in.warnings()[0];
}

TEST(session_reader, reads_either_form_from_a_pipe) {
  const std::string stream = temp_path("piped.jsonl");
  streaming_file(stream, 3);
  const std::string doc = temp_path("piped.json");
  write_session_document(doc, read_session(stream));
  for (const std::string& file : {stream, doc}) {
    const std::string fifo = temp_path("session.fifo");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    std::thread writer([&] { write_text(fifo, read_text(file)); });
    const Session s = read_session(fifo);
    writer.join();
    EXPECT_EQ(s.frames, read_session(file).frames) << file;
    std::filesystem::remove(fifo);
  }
}

TEST(session_document_writer, destroyed_without_close_it_leaves_the_target_as_it_was) {
  const std::string path = temp_path("kept.json");
  write_text(path, "old");
  {
    session_document_writer w(path, info);
    w.write(sample_frame(1, false));
  }
  EXPECT_EQ(read_text(path), "old");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

}  // namespace
}  // namespace yams::test
