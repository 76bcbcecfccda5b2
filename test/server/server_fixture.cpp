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
