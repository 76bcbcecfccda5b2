// libFuzzer target: any request target through the HTTP target parsing and both file lookups, against
// a real temporary tree with a secret beside the roots and symlinks leading to it. A lookup that
// succeeds must name a regular file under its root, never the secret.
#include "server/http_routes.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace yams::detail;

struct tree {
  fs::path base, root, panel, secret;
  tree() {
    base = fs::temp_directory_path() / ("yams_fuzz_http_" + std::to_string(::getpid()));
    fs::create_directories(base / "root" / "src");
    fs::create_directories(base / "panel" / "assets");
    std::ofstream(base / "root" / "src" / "a.cpp") << "a";
    std::ofstream(base / "panel" / "index.html") << "i";
    std::ofstream(base / "panel" / "assets" / "app.js") << "j";
    std::ofstream(base / "secret.txt") << "s";
    std::error_code ec;
    fs::create_symlink(base / "secret.txt", base / "root" / "link", ec);
    fs::create_directory_symlink(base, base / "panel" / "up", ec);
    root = fs::canonical(base / "root");
    panel = fs::canonical(base / "panel");
    secret = fs::canonical(base / "secret.txt");
  }
  ~tree() {
    std::error_code ec;
    fs::remove_all(base, ec);
  }
};

const tree& the_tree() {
  static tree t;
  return t;
}

void check(const file_lookup& found, const fs::path& root) {
  if (found.status != file_status::ok) return;
  if (!is_within(found.file, root) || found.file == the_tree().secret) __builtin_trap();
  if (!fs::is_regular_file(found.file)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  const auto& t = the_tree();
  const auto parts = split_target(target);
  check(resolve_static(parts.path, t.panel), t.panel);
  if (auto path = query_value(parts.query, "path")) check(resolve_source(*path, {t.root}), t.root);
  (void)percent_decode(target, true);
  (void)content_type_for(parts.path);
  (void)origin_allowed(target, "127.0.0.1", 8765, {"http://localhost:5173"});
  (void)host_allowed(target, "127.0.0.1", 8765, {"http://localhost:5173"});
  (void)token_matches(target, "s3cret");
  return 0;
}
