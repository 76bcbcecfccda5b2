// Test helper: a private copy of the demo's scripts in a temporary directory, to break on purpose.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace duckhunt::test {

class script_dir {
 public:
  explicit script_dir(const std::string& tag) {
    namespace fs = std::filesystem;
    path_ = fs::temp_directory_path() / ("duckhunt_" + tag + "_" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::copy(DUCKHUNT_SCRIPTS_DIR, path_, fs::copy_options::recursive);
  }
  ~script_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  script_dir(const script_dir&) = delete;
  script_dir& operator=(const script_dir&) = delete;

  std::string path() const { return path_.string(); }
  std::string file(const std::string& rel) const { return (path_ / rel).string(); }

  /// Replaces the first occurrence of `from` in file `rel` by `to`; throws if it is not there.
  void edit(const std::string& rel, const std::string& from, const std::string& to) const {
    std::string text = read(rel);
    const auto at = text.find(from);
    if (at == std::string::npos) throw std::runtime_error(rel + ": no '" + from + "' to replace");
    text.replace(at, from.size(), to);
    std::ofstream(file(rel), std::ios::binary | std::ios::trunc) << text;
  }
  /// The 1-based line of file `rel` holding `needle`, or 0.
  int line_of(const std::string& rel, const std::string& needle) const {
    std::istringstream in(read(rel));
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      if (line.find(needle) != std::string::npos) return n;
    }
    return 0;
  }

 private:
  std::string read(const std::string& rel) const {
    std::ifstream in(file(rel), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::filesystem::path path_;
};

}  // namespace duckhunt::test
