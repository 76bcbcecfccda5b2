// session_index and session_reader's frame locations: either form indexed in one pass, every frame read
// again from the file equal to what read_session yields, in any order; a pipe refused; a frame changed or
// cut short after indexing an error naming the file and the frame, never another frame.
#include "session_test_util.hpp"

#include <yams/session.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <string>

namespace yams::test {
namespace {

const SessionInfo info{"s-index", 1000.5};

std::string write_streaming(const std::string& path, int n) {
  session_writer w(path, info);
  for (int i = 1; i <= n; ++i) w.write(sample_frame(i, i % 3 == 0));
  w.close();
  return read_text(path);
}

std::string error_of(const session_index& index, std::size_t i) {
  try {
    index.frame(i);
  } catch (const format_error& e) {
    return e.what();
  }
  return "";
}

TEST(session_reader, last_frame_offset_and_text_are_the_frames_bytes_in_the_file) {
  const auto path = temp_path("located.jsonl");
  const std::string text = write_streaming(path, 4);
  session_reader in(path);
  for (FrameProfile f; in.next(f);) {
    EXPECT_EQ(text.substr(in.last_frame_offset(), in.last_frame_text().size()), in.last_frame_text());
    EXPECT_EQ(frame_from_json(in.last_frame_text()), f);
  }
}

TEST(session_index, reads_every_frame_again_as_read_session_yields_it_in_either_form) {
  const auto streaming = temp_path("indexed.jsonl"), document = temp_path("indexed.json");
  write_streaming(streaming, 7);
  // A document with its frames before its keys, and blank lines and spaces between frames.
  const Session s = read_session(streaming);
  std::string doc = "{\"frames\": [\n";
  for (std::size_t i = 0; i < s.frames.size(); ++i) doc += (i ? " ,\n\n  " : "  ") + to_json(s.frames[i]);
  doc += "\n], \"session_id\": \"s-index\", \"start_time\": 1000.5}\n";
  write_text(document, doc);
  for (const auto& path : {streaming, document}) {
    const session_index index(path);
    EXPECT_EQ(index.info().session_id, "s-index");
    EXPECT_EQ(index.path(), path);
    ASSERT_EQ(index.size(), s.frames.size());
    for (std::size_t i = index.size(); i-- > 0;) {  // any order: last first
      EXPECT_EQ(index.frame(i), s.frames[i]) << path << " frame " << i;
      EXPECT_EQ(index.frame_number(i), s.frames[i].frame);
    }
    EXPECT_TRUE(index.warnings().empty());
  }
}

TEST(session_index, a_frame_changed_or_cut_short_after_indexing_is_an_error_naming_the_file_and_the_frame) {
  const auto path = temp_path("changed.jsonl");
  std::string text = write_streaming(path, 5);
  const session_index index(path);
  // Frame 3 with one digit of its duration changed, its length kept.
  const auto at = text.find("\"frame\":3,");
  const auto duration = text.find("\"duration_ms\":", at) + 14;
  text[duration] = text[duration] == '9' ? '8' : static_cast<char>(text[duration] + 1);
  write_text(path, text);
  EXPECT_EQ(index.frame(1), read_session(path).frames[1]);  // frames around it read as before
  const std::string changed = error_of(index, 2);
  EXPECT_TRUE(changed.starts_with(path + ": frame 3 (bytes " + std::to_string(at - 1) + " to ")) << changed;
  EXPECT_NE(changed.find("changed in the file after it was indexed"), std::string::npos) << changed;
  // Cut short in frame 4.
  ::truncate(path.c_str(), static_cast<off_t>(text.find("\"frame\":4,") + 10));
  const std::string cut = error_of(index, 3);
  EXPECT_TRUE(cut.starts_with(path + ": frame 4 (bytes ")) << cut;
  EXPECT_NE(cut.find("no longer in the file, which was cut short after it was indexed"), std::string::npos) << cut;
  EXPECT_NE(error_of(index, 4).find(": frame 5 (bytes "), std::string::npos);
}

TEST(session_index, a_pipe_cannot_be_read_again_and_is_refused_by_name) {
  const auto path = temp_path("indexed.fifo");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  try {
    session_index index(path);
    ADD_FAILURE() << "a FIFO was indexed";
  } catch (const format_error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": not a regular file (a pipe?): its frames cannot be read again");
  }
}

TEST(session_index, errors_of_the_file_are_read_sessions) {
  const auto path = temp_path("missing.jsonl");
  try {
    session_index index(path);
    ADD_FAILURE() << "a missing file was indexed";
  } catch (const format_error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": cannot open: No such file or directory");
  }
}

}  // namespace
}  // namespace yams::test
