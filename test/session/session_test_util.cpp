// Helpers of the session tests (see session_test_util.hpp).
#include "session_test_util.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace yams::test {

FrameProfile sample_frame(std::uint64_t number, bool with_rollback) {
  FrameProfile f;
  f.frame = number;
  f.timestamp = 1743953561.882 + 0.016 * static_cast<double>(number);
  f.duration_ms = 16.2 + static_cast<double>(number % 3);
  CallNode root;
  root.id = number * 10 + 1;
  root.label = "Frame";
  root.module = "game_engine";
  root.func = "update";
  root.duration = f.duration_ms;
  root.args = {{"dt", 0.0166}, {"paused", false}, {"tick", std::int64_t{-42}}, {"none", nullptr}};  // capture order
  root.file = "/src/engine.cpp";
  root.line = 1427;
  root.thread = 1;
  CallNode child;
  child.id = number * 10 + 2;
  child.parent_id = root.id;
  child.label = "Lua \xe2\x86\x92 on_update(duck \"42\"\\\t)";
  child.module = "lifecycle";
  child.func = "on_entity_update";
  child.start = 0.5;
  child.duration = 2.25;
  child.args = {{"entity_id", std::string("duck_42")}, {"vy", 533.7}};
  child.entity_id = "duck_42";
  child.lua_code = true;
  child.lua_callback = true;
  child.file = "/src/lua engine.cpp";
  child.line = 674;
  child.thread = 1;
  f.calls = {root, child};
  if (with_rollback) f.rollback = RollbackInfo{true, 1743953561.750, 8, 12.3};
  f.overflow = number % 2;
  return f;
}

namespace {
// The paths temp_path() handed out, removed when the test process exits (each test runs in a process
// of its own under ctest), so that runs leave nothing behind.
struct temp_paths {
  std::mutex mu;
  std::vector<std::string> paths;
  ~temp_paths() {
    for (const auto& p : paths) {
      std::error_code ec;
      std::filesystem::remove_all(p, ec);
    }
  }
};
temp_paths g_temp_paths;
}  // namespace

std::string temp_path(const std::string& name) {
  static std::atomic<int> counter{0};
  std::string path = ::testing::TempDir() + "yams_session_" + std::to_string(::getpid()) + "_" +
                     std::to_string(counter++) + "_" + name;
  // Fresh even when an earlier run, killed before its clean-up, left one of the same name (pids recur).
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  std::lock_guard lk(g_temp_paths.mu);
  g_temp_paths.paths.push_back(path);
  return path;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

}  // namespace yams::test
