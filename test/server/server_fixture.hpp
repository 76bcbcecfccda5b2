// Shared by the server tests: a fixture that stops the server after each test, frames recorded by the
// real runtime, and a temporary directory tree.
#pragma once

#include <yams/server.hpp>
#include <yams/session.hpp>
#include <yams/yams.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace yams::test {

/// Records one frame with `calls` sibling zones under a root zone and returns it as assembled.
FrameProfile record_frame(int calls = 4);

/// A saved session to replay: frames 7 and 8 of 16.5 ms, each a root call `Frame` (game, update) with
/// `children` calls of the same site under it; ids n * 10, n * 10 + 1, ...
std::shared_ptr<Session> saved_session(int children = 0);

/// A fresh directory under the system's temporary directory, removed on destruction.
class temp_tree {
 public:
  explicit temp_tree(const std::string& name);
  ~temp_tree();
  const std::filesystem::path& path() const { return path_; }
  /// Writes `text` to `relative` (creating directories) and returns the full path.
  std::filesystem::path write(const std::string& relative, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    yams::enable();
    yams::set_history_size(0);  // each test starts with an empty history of at most 10 frames
    yams::set_history_size(10);
  }
  void TearDown() override {
    yams::stop_serving();
    yams::set_recorded_kinds(zone_kinds_all);
  }
  /// Serves `options` on 127.0.0.1 and a free port; returns the port.
  static std::uint16_t start(serve_options options = {}) {
    options.port = 0;
    return yams::serve(options).port;
  }
};

}  // namespace yams::test
