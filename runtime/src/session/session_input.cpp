// The bytes of a session file, a cursor over them and a stream buffer of them (see session_input.hpp).
#include "session_input.hpp"

#include "json_scan.hpp"

#include <yams/frame.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace yams::detail {
namespace {

constexpr std::size_t block_size = 1 << 16;
// A pipe's bytes that are no longer needed are dropped once there are this many of them.
constexpr std::size_t pipe_dead_bytes = 1 << 20;

}  // namespace

file_bytes::file_bytes(const std::string& path) : path_(path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw format_error(path + ": is a directory, expected a session file");
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw format_error(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  regular_ = ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode);
}

file_bytes::~file_bytes() { ::close(fd_); }

std::string_view file_bytes::at(std::uint64_t offset) {
  if (regular_) {
    if (offset < block_start_ || offset >= block_start_ + block_.size()) {
      block_.resize(block_size);
      ssize_t n;
      do n = ::pread(fd_, block_.data(), block_.size(), static_cast<off_t>(offset));
      while (n < 0 && errno == EINTR);
      if (n < 0) {
        block_.clear();
        throw format_error(path_ + ": cannot read: " + std::strerror(errno));
      }
      block_.resize(static_cast<std::size_t>(n));
      block_start_ = offset;
      ++generation_;
    }
  } else {
    while (offset >= block_start_ + block_.size() && !at_end_) {
      const std::size_t old = block_.size();
      ++generation_;
      block_.resize(old + block_size);
      ssize_t n;
      do n = ::read(fd_, block_.data() + old, block_size);
      while (n < 0 && errno == EINTR);
      block_.resize(old + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
      if (n < 0) throw format_error(path_ + ": cannot read: " + std::strerror(errno));
      at_end_ = n == 0;
    }
  }
  if (offset < block_start_ || offset >= block_start_ + block_.size()) return {};
  return std::string_view(block_).substr(static_cast<std::size_t>(offset - block_start_));
}

void file_bytes::forget_before(std::uint64_t offset) {
  if (regular_ || offset <= block_start_) return;
  const std::size_t dead = static_cast<std::size_t>(std::min<std::uint64_t>(offset - block_start_, block_.size()));
  if (dead < pipe_dead_bytes) return;
  block_.erase(0, dead);
  block_start_ += dead;
  ++generation_;
}

bool byte_cursor::load() {
  if (view_generation_ == bytes_.generation() && offset_ >= view_start_ && offset_ < view_start_ + view_.size())
    return true;
  view_ = bytes_.at(offset_);
  view_start_ = offset_;
  view_generation_ = bytes_.generation();
  return !view_.empty();
}

void byte_cursor::skip_space() {
  for (int c = peek(); c == ' ' || c == '\t' || c == '\n' || c == '\r'; c = peek()) advance();
}

void byte_cursor::skip_value(std::string* text) {
  skip_space();
  json_value_end_finder finder;
  while (!finder.done() && load()) {
    const std::string_view v = view_.substr(static_cast<std::size_t>(offset_ - view_start_));
    const std::size_t n = finder.scan(v);
    if (text != nullptr) text->append(v.substr(0, n));
    offset_ += n;
  }
}

bool byte_cursor::read_line(std::string& line, bool& terminated) {
  line.clear();
  if (!load()) return false;
  while (load()) {
    const std::string_view v = view_.substr(static_cast<std::size_t>(offset_ - view_start_));
    const std::size_t nl = v.find('\n');
    line.append(v.substr(0, std::min(nl, v.size())));
    if (nl != std::string_view::npos) {
      offset_ += nl + 1;
      terminated = true;
      return true;
    }
    offset_ += v.size();
  }
  terminated = false;
  return true;
}

file_position position_in(file_bytes& bytes, std::uint64_t offset) {
  file_position p;
  std::uint64_t at = 0;
  while (at < offset) {
    std::string_view v = bytes.at(at);
    if (v.empty()) break;
    v = v.substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(v.size(), offset - at)));
    const std::size_t last_nl = v.rfind('\n');
    if (last_nl == std::string_view::npos) {
      p.column += v.size();
    } else {
      p.line += static_cast<std::uint64_t>(std::count(v.begin(), v.end(), '\n'));
      p.column = v.size() - last_nl;
    }
    at += v.size();
  }
  return p;
}

bytes_streambuf::int_type bytes_streambuf::underflow() {
  if (done_) return traits_type::eof();
  std::string_view v = bytes_.at(next_);
  if (to_line_end_) {
    if (const std::size_t nl = v.find('\n'); nl != std::string_view::npos) {
      v = v.substr(0, nl);
      done_ = true;
    }
  }
  if (v.empty()) return traits_type::eof();
  next_ += v.size();
  char* p = const_cast<char*>(v.data());  // read only: a get area is char*
  setg(p, p, p + v.size());
  return traits_type::to_int_type(*p);
}

}  // namespace yams::detail
