// The session index: one pass with a session_reader keeps where each frame lies and a checksum of its
// text; a frame is then read again from the file with pread and checked against both.
#include <yams/session.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <limits>

namespace yams {
namespace {

std::uint32_t checksum_of(std::string_view text) noexcept {
  const std::uint64_t h = std::hash<std::string_view>{}(text);
  return static_cast<std::uint32_t>(h ^ (h >> 32));
}

}  // namespace

session_index::session_index(const std::string& path) : path_(path) {
  // Opened before it is read, so a file renamed over `path` meanwhile is at worst reported as changed;
  // without blocking, so that a FIFO is refused rather than waited on (a regular file ignores the flag).
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd_ < 0) throw format_error(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    if (S_ISDIR(st.st_mode)) throw format_error(path + ": is a directory, expected a session file");
    throw format_error(path + ": not a regular file (a pipe?): its frames cannot be read again");
  }
  try {
    session_reader in(path);
    for (FrameProfile f; in.next(f);) {
      const std::string_view text = in.last_frame_text();
      if (text.size() > std::numeric_limits<std::uint32_t>::max())
        throw format_error(path + ": frame " + std::to_string(f.frame) + " is larger than 4 GiB");
      entries_.push_back({in.last_frame_offset(), f.frame, static_cast<std::uint32_t>(text.size()), checksum_of(text)});
    }
    entries_.shrink_to_fit();
    info_ = in.info();
    warnings_ = in.warnings();
    frames_lost_at_end_ = in.frames_lost_at_end();
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

session_index::~session_index() { ::close(fd_); }

FrameProfile session_index::frame(std::size_t i) const {
  const entry& e = entries_.at(i);
  const auto where = [&] {
    return path_ + ": frame " + std::to_string(e.frame) + " (bytes " + std::to_string(e.offset) + " to " +
           std::to_string(e.offset + e.size) + ")";
  };
  std::string text(e.size, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::pread(fd_, text.data() + got, text.size() - got, static_cast<off_t>(e.offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw format_error(where() + ": cannot read: " + std::strerror(errno));
    if (n == 0)
      throw format_error(where() + ": no longer in the file, which was cut short after it was indexed");
    got += static_cast<std::size_t>(n);
  }
  const auto changed = [&] { return format_error(where() + ": changed in the file after it was indexed"); };
  if (checksum_of(text) != e.checksum) throw changed();
  FrameProfile f;
  try {
    f = frame_from_json(text);
  } catch (const format_error&) {
    throw changed();
  }
  if (f.frame != e.frame) throw changed();
  return f;
}

}  // namespace yams
