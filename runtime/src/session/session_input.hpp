// The bytes of a session file as its reader sees them: read in blocks from any offset of a regular file,
// or kept in memory from a pipe (which cannot be read twice); a cursor over them that reads lines and
// skips JSON values; and a std::streambuf over them for nlohmann's syntax check.
#pragma once

#include <cstdint>
#include <streambuf>
#include <string>
#include <string_view>

namespace yams::detail {

/// The bytes of one file. Use from one thread.
class file_bytes {
 public:
  /// Opens `path`; throws format_error naming it when it is a directory or cannot be opened.
  explicit file_bytes(const std::string& path);
  ~file_bytes();
  file_bytes(const file_bytes&) = delete;
  file_bytes& operator=(const file_bytes&) = delete;

  /// The bytes from `offset` on: at least one, unless the file ends there (then none). Valid until the
  /// next call. Throws format_error naming the file when it cannot be read.
  std::string_view at(std::uint64_t offset);
  /// Says that no byte before `offset` will be asked for again: a pipe's are dropped from memory.
  void forget_before(std::uint64_t offset);
  /// The file's name, for messages.
  const std::string& path() const noexcept { return path_; }
  /// Changes whenever views given by at() before may have become invalid.
  std::uint64_t generation() const noexcept { return generation_; }

 private:
  std::string path_;
  int fd_ = -1;
  bool regular_ = false;     // read again with pread; otherwise every byte since block_start_ is kept
  std::string block_;        // the bytes at [block_start_, block_start_ + block_.size())
  std::uint64_t block_start_ = 0;
  bool at_end_ = false;      // a pipe: read() returned 0
  std::uint64_t generation_ = 0;
};

/// A position in a file_bytes that moves forward over lines and JSON values. Use from one thread.
class byte_cursor {
 public:
  explicit byte_cursor(file_bytes& bytes, std::uint64_t offset = 0) : bytes_(bytes), offset_(offset) {}

  std::uint64_t offset() const noexcept { return offset_; }
  void seek(std::uint64_t offset) noexcept { offset_ = offset, view_ = {}; }
  /// The byte at the cursor, or -1 at the end of the file.
  int peek() { return load() ? static_cast<unsigned char>(view_[offset_ - view_start_]) : -1; }
  void advance() noexcept { ++offset_; }
  /// Moves past spaces, tabs and line ends.
  void skip_space();
  /// Moves past the JSON value at the cursor (after any space), appending its text to `text` when not
  /// null. The text must be valid JSON there (the reader checks a document's syntax first).
  void skip_value(std::string* text);
  /// Reads up to the next '\n' into `line` (without it) and moves past it; false at the end of the file.
  /// `terminated`: whether the line ended with '\n' (only the last one may not).
  bool read_line(std::string& line, bool& terminated);

 private:
  // Makes view_ hold the byte at offset_; false at the end of the file.
  bool load();

  file_bytes& bytes_;
  std::uint64_t offset_;
  std::string_view view_;
  std::uint64_t view_start_ = 0;
  std::uint64_t view_generation_ = 0;  // of bytes_ when view_ was taken
};

/// The 1-based line and column (in bytes) of byte `offset` of the file (clamped to its end).
struct file_position {
  std::uint64_t line = 1;
  std::uint64_t column = 1;
};
file_position position_in(file_bytes& bytes, std::uint64_t offset);

/// The bytes of a file_bytes from an offset, as a stream buffer (for nlohmann's SAX parser); with
/// `to_line_end`, only up to the next '\n'.
class bytes_streambuf : public std::streambuf {
 public:
  bytes_streambuf(file_bytes& bytes, std::uint64_t offset, bool to_line_end)
      : bytes_(bytes), next_(offset), to_line_end_(to_line_end) {}

 protected:
  int_type underflow() override;

 private:
  file_bytes& bytes_;
  std::uint64_t next_;
  bool to_line_end_;
  bool done_ = false;
};

}  // namespace yams::detail
