// Frames from the real runtime (manual zones on the test's thread) and temporary trees.
#include "server_fixture.hpp"

#include <atomic>
#include <unistd.h>

namespace yams::test {

namespace {
constexpr site frame_site{"Test Frame", "server_test", "record_frame", __FILE__, __LINE__, site_frame, nullptr, 0};
constexpr site call_site{"Test Call", "server_test", "record_frame", __FILE__, __LINE__, 0, nullptr, 0};
std::atomic<std::uint64_t> next_frame{1};
}  // namespace

std::shared_ptr<Session> saved_session(int children) {
  auto saved = std::make_shared<Session>();
  saved->info = {"2025-04-05_14-32-11_c4813854", 1743953561.0};
  for (std::uint64_t n : {7, 8}) {
    FrameProfile f;
    f.frame = n;
    f.duration_ms = 16.5;
    f.calls.push_back({.id = n * 10, .label = "Frame", .module = "game", .func = "update", .duration = 16.5});
    for (int i = 1; i <= children; ++i) {
      f.calls.push_back({.id = n * 10 + static_cast<std::uint64_t>(i), .parent_id = n * 10, .label = "Frame",
                         .module = "game", .func = "update"});
    }
    saved->frames.push_back(f);
  }
  return saved;
}

FrameProfile record_frame(int calls) {
  yams::begin_frame(next_frame++);
  {
    zone root(&frame_site);
    for (int i = 0; i < calls; ++i) {
      zone call(&call_site);
    }
  }
  auto finished = yams::end_frame();
  if (!finished) throw std::runtime_error("record_frame: profiling is disabled");
  return *finished;
}

temp_tree::temp_tree(const std::string& name)
    : path_(std::filesystem::temp_directory_path() / ("yams_" + name + "_" + std::to_string(::getpid()))) {
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
  path_ = std::filesystem::canonical(path_);
}

temp_tree::~temp_tree() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path temp_tree::write(const std::string& relative, const std::string& text) const {
  const auto p = path_ / relative;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

}  // namespace yams::test
