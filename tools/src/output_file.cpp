// Writing a tool's output file (see output_file.hpp): replace a regular file whole, write anything else
// (a FIFO, a device, /dev/stdout) in place, and report every failed write and close.
#include "output_file.hpp"

#include <yams/session.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace yams::tool {
namespace {

std::runtime_error output_error(const std::string& path, const char* what, int err) {
  return std::runtime_error(path + ": " + what + ": " + std::strerror(err));
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
  if (const auto file = yams::detail::file_to_replace(path)) {
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
