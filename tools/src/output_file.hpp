// Writing a tool's output file without destroying what OUT names: a regular file (or a symlink to one)
// is replaced whole through a temporary file; a FIFO, a terminal or /dev/stdout is written directly.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace yams::tool {

/// Writes `path` with `write`. When `path` is absent or a regular file, through `path.tmp` renamed over
/// it, so it is complete or untouched; a symlink to a regular file has its target replaced that way (the
/// link stays); anything else (a FIFO, a character device, /dev/stdout, a dangling link) is opened and
/// written directly. Throws std::runtime_error naming `path` if an open, a write or the close fails.
/// Any thread.
void write_output(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace yams::tool
