// Writing a tool's output file (see output_file.hpp): replace a regular file whole, write anything else
// (a FIFO, a device, /dev/stdout) in place, and report every failed write and close.
#include "output_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>

namespace yams::tool {
namespace {

namespace fs = std::filesystem;

std::runtime_error output_error(const std::string& path, const char* what, int err) {
  return std::runtime_error(path + ": " + what + ": " + std::strerror(err));
}

// Whether the name `p` lives in /proc, like /proc/self/fd/1: a process's open file, to be written
// through, never replaced.
bool names_an_open_file(const std::string& p) {
  fs::path dir = fs::path(p).parent_path();
  if (dir.empty()) dir = ".";
  std::unique_ptr<char, decltype(&std::free)> real(::realpath(dir.c_str(), nullptr), &std::free);
  return real && (std::strcmp(real.get(), "/proc") == 0 || std::strncmp(real.get(), "/proc/", 6) == 0);
}

// The regular file that writing `path` should replace: `path` itself when it is absent or a regular
// file, the target of a symlink (chain) to a regular file; nothing when `path` must be written in place.
std::optional<std::string> file_to_replace(const std::string& path) {
  std::string p = path;
  for (int hops = 0; hops < 40; ++hops) {  // the kernel's own limit on a chain of links
    if (names_an_open_file(p)) return std::nullopt;
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) {
      // Absent: created through the temporary file. A dangling link is written in place (which creates
      // its target); other errors (no such directory, no permission) are reported by the open.
      return errno == ENOENT && p == path ? std::optional(p) : std::nullopt;
    }
    if (S_ISREG(st.st_mode)) return p;
    if (!S_ISLNK(st.st_mode)) return std::nullopt;
    std::string target(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 4096) + 1, '\0');
    const ssize_t n = ::readlink(p.c_str(), target.data(), target.size());
    if (n < 0 || static_cast<std::size_t>(n) >= target.size()) return std::nullopt;
    target.resize(static_cast<std::size_t>(n));
    p = target.starts_with('/') ? target : (fs::path(p).parent_path() / target).string();
  }
  return std::nullopt;
}

// Runs `write` into `f`, then closes it; throws naming `shown` on the first failure.
void write_and_close(std::ofstream& f, const std::string& shown,
                     const std::function<void(std::ostream&)>& write) {
  write(f);
  f.flush();
  if (!f) throw output_error(shown, "cannot write", errno);
  f.close();
  if (!f) throw output_error(shown, "cannot write", errno);
}

void replace_file(const std::string& shown, const std::string& file,
                  const std::function<void(std::ostream&)>& write) {
  const std::string tmp = file + ".tmp";
  std::remove(tmp.c_str());  // a stale one, or a link there: never written through
  std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
  if (!f) throw output_error(shown, "cannot open for writing", errno);
  try {
    write_and_close(f, shown, write);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  if (std::rename(tmp.c_str(), file.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    throw output_error(shown, "cannot replace", err);
  }
}

}  // namespace

void write_output(const std::string& path, const std::function<void(std::ostream&)>& write) {
  if (const auto file = file_to_replace(path)) {
    replace_file(path, *file, write);
    return;
  }
  // In place, appending: a FIFO or a device has nothing to truncate, and `-o /dev/stdout >> log` must
  // not wipe the log.
  std::ofstream f(path, std::ios::binary | std::ios::app);
  if (!f) throw output_error(path, "cannot open for writing", errno);
  write_and_close(f, path, write);
}

}  // namespace yams::tool
