// Helpers of the session tests: sample frames, temporary paths, whole-file reads and writes.
#pragma once

#include <yams/frame.hpp>

#include <string>

namespace yams::test {

/// A frame exercising every field: nested calls, every argument type, an entity id, Lua flags,
/// non-ASCII and escaped text, and (when `with_rollback`) a rollback record.
FrameProfile sample_frame(std::uint64_t number, bool with_rollback);
/// A fresh path in the test's temporary directory ending in `name` (nothing there; whatever the test
/// leaves there is removed when the process exits).
std::string temp_path(const std::string& name);
/// The whole file as text (empty if it cannot be read).
std::string read_text(const std::string& path);
/// Replaces the file's content with `text`.
void write_text(const std::string& path, const std::string& text);

}  // namespace yams::test
