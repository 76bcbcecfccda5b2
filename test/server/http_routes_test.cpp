// Target parsing, the path-safe file lookups (real files, directories and symlinks in a temporary
// tree), content types, and the Origin / Host / token checks.
#include "server/http_routes.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace yams::detail {
namespace {

namespace fs = std::filesystem;

/// root/{a.cpp, sub/b.lua, escape -> ../outside/secret.txt, escape_dir -> ../outside}, outside/secret.txt
class HttpRoutesFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("yams_routes_" + std::to_string(::getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_ / "root" / "sub");
    fs::create_directories(base_ / "outside");
    std::ofstream(base_ / "root" / "a.cpp") << "int main() {}\n";
    std::ofstream(base_ / "root" / "sub" / "b.lua") << "return 1\n";
    std::ofstream(base_ / "root" / "index.html") << "<html></html>\n";
    std::ofstream(base_ / "outside" / "secret.txt") << "secret\n";
    fs::create_symlink(base_ / "outside" / "secret.txt", base_ / "root" / "escape");
    fs::create_directory_symlink(base_ / "outside", base_ / "root" / "escape_dir");
    root_ = fs::canonical(base_ / "root");
  }
  void TearDown() override { fs::remove_all(base_); }

  fs::path base_;
  fs::path root_;
};

TEST(HttpRoutes, SplitsAndDecodesTargets) {
  const auto t = split_target("/api/source?path=a%20b.cpp&x=1");
  EXPECT_EQ(t.path, "/api/source");
  EXPECT_EQ(t.query, "path=a%20b.cpp&x=1");
  EXPECT_EQ(query_value(t.query, "path"), "a b.cpp");
  EXPECT_EQ(query_value(t.query, "x"), "1");
  EXPECT_EQ(query_value(t.query, "y"), std::nullopt);
  EXPECT_EQ(query_value("token=a+b", "token"), "a b");
  EXPECT_EQ(percent_decode("%2e%2E/x", false), "../x");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("%zz", false), std::nullopt);
  EXPECT_EQ(percent_decode("%2", false), std::nullopt);
  EXPECT_EQ(percent_decode("a%00b", false), std::nullopt);
  EXPECT_EQ(split_target("/").query, "");
}

TEST_F(HttpRoutesFiles, SourceServesFilesUnderTheRoots) {
  const std::vector<fs::path> roots{root_};
  auto r = resolve_source("a.cpp", roots);
  EXPECT_EQ(r.status, file_status::ok) << r.reason;
  EXPECT_EQ(r.file, root_ / "a.cpp");
  EXPECT_EQ(resolve_source("sub/b.lua", roots).status, file_status::ok);
  EXPECT_EQ(resolve_source((root_ / "sub" / "b.lua").string(), roots).status, file_status::ok);
  EXPECT_EQ(resolve_source("./sub//b.lua", roots).status, file_status::ok);
}

TEST_F(HttpRoutesFiles, SourceRefusesEveryWayOut) {
  const std::vector<fs::path> roots{root_};
  EXPECT_EQ(resolve_source("../outside/secret.txt", roots).status, file_status::forbidden);
  EXPECT_EQ(resolve_source("sub/../../outside/secret.txt", roots).status, file_status::forbidden);
  EXPECT_EQ(resolve_source("sub\\..\\a.cpp", roots).status, file_status::forbidden);
  EXPECT_EQ(resolve_source((base_ / "outside" / "secret.txt").string(), roots).status, file_status::forbidden);
  EXPECT_EQ(resolve_source("/etc/passwd", roots).status, file_status::forbidden);
  EXPECT_EQ(resolve_source("escape", roots).status, file_status::forbidden);
  EXPECT_EQ(resolve_source("escape_dir/secret.txt", roots).status, file_status::forbidden);
  EXPECT_EQ(resolve_source("a.cpp", {}).status, file_status::forbidden);
  // A root's name as a prefix of a sibling's is not "under" it.
  fs::create_directories(base_ / "root2");
  std::ofstream(base_ / "root2" / "c.cpp") << "x";
  EXPECT_EQ(resolve_source((base_ / "root2" / "c.cpp").string(), roots).status, file_status::forbidden);
}

TEST_F(HttpRoutesFiles, SourceMissingAndEmpty) {
  const std::vector<fs::path> roots{root_};
  EXPECT_EQ(resolve_source("nope.cpp", roots).status, file_status::not_found);
  EXPECT_EQ(resolve_source("sub", roots).status, file_status::not_found);
  EXPECT_EQ(resolve_source((root_ / "nope.cpp").string(), roots).status, file_status::not_found);
  EXPECT_EQ(resolve_source("", roots).status, file_status::bad_request);
}

TEST_F(HttpRoutesFiles, StaticFilesStayInThePanel) {
  auto r = resolve_static("/", root_);
  EXPECT_EQ(r.status, file_status::ok);
  EXPECT_EQ(r.file, root_ / "index.html");
  EXPECT_EQ(resolve_static("/a.cpp", root_).file, root_ / "a.cpp");
  EXPECT_EQ(resolve_static("/sub/b%2elua", root_).status, file_status::ok);
  EXPECT_EQ(resolve_static("/../outside/secret.txt", root_).status, file_status::forbidden);
  EXPECT_EQ(resolve_static("/%2e%2e/outside/secret.txt", root_).status, file_status::forbidden);
  EXPECT_EQ(resolve_static("/%2E%2E%2Foutside%2Fsecret.txt", root_).status, file_status::forbidden);
  EXPECT_EQ(resolve_static("/escape", root_).status, file_status::forbidden);
  EXPECT_EQ(resolve_static("/escape_dir/secret.txt", root_).status, file_status::forbidden);
  EXPECT_EQ(resolve_static("/missing.js", root_).status, file_status::not_found);
  EXPECT_EQ(resolve_static("/sub/", root_).status, file_status::not_found);  // no index.html there
  EXPECT_EQ(resolve_static("/%zz", root_).status, file_status::bad_request);
  EXPECT_EQ(resolve_static("relative", root_).status, file_status::bad_request);
}

TEST(HttpRoutes, ContentTypes) {
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("app.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("schema.json"), "application/json");
  EXPECT_EQ(content_type_for("app.js.map"), "application/json");
  EXPECT_EQ(content_type_for("logo.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("logo.png"), "image/png");
  EXPECT_EQ(content_type_for("m.wasm"), "application/wasm");
  EXPECT_EQ(content_type_for("f.ttf"), "font/ttf");
  EXPECT_EQ(content_type_for("f.woff2"), "font/woff2");
  EXPECT_EQ(content_type_for("Makefile"), "application/octet-stream");
}

TEST(HttpRoutes, Origins) {
  const std::vector<std::string> allowed{"http://localhost:5173/"};
  EXPECT_TRUE(origin_allowed(std::nullopt, "127.0.0.1", 8765, {}));
  EXPECT_TRUE(origin_allowed("http://127.0.0.1:8765", "127.0.0.1", 8765, {}));
  EXPECT_TRUE(origin_allowed("http://localhost:8765", "127.0.0.1", 8765, {}));
  EXPECT_TRUE(origin_allowed("http://localhost:5173", "127.0.0.1", 8765, allowed));
  EXPECT_FALSE(origin_allowed("http://localhost:5173", "127.0.0.1", 8765, {}));
  EXPECT_FALSE(origin_allowed("http://127.0.0.1:9999", "127.0.0.1", 8765, {}));
  EXPECT_FALSE(origin_allowed("https://evil.example", "127.0.0.1", 8765, allowed));
  EXPECT_FALSE(origin_allowed("null", "127.0.0.1", 8765, allowed));
  EXPECT_FALSE(origin_allowed("http://127.0.0.1:8765.evil.example", "127.0.0.1", 8765, {}));
  EXPECT_TRUE(origin_allowed("http://192.168.1.5:8765", "192.168.1.5", 8765, {}));
}

TEST(HttpRoutes, HostsAndTokens) {
  EXPECT_TRUE(host_allowed("127.0.0.1:8765", "127.0.0.1", 8765, {}));
  EXPECT_TRUE(host_allowed("localhost:8765", "127.0.0.1", 8765, {}));
  EXPECT_TRUE(host_allowed("[::1]:8765", "127.0.0.1", 8765, {}));
  EXPECT_TRUE(host_allowed("dev.box:80", "127.0.0.1", 8765, {"http://dev.box"}));
  EXPECT_FALSE(host_allowed("evil.example:8765", "127.0.0.1", 8765, {}));
  EXPECT_FALSE(host_allowed("", "127.0.0.1", 8765, {}));
  EXPECT_TRUE(token_matches("s3cret", "s3cret"));
  EXPECT_FALSE(token_matches("s3cre", "s3cret"));
  EXPECT_FALSE(token_matches("s3cretx", "s3cret"));
  EXPECT_FALSE(token_matches("", ""));
  EXPECT_TRUE(is_loopback_address("127.0.0.1"));
  EXPECT_TRUE(is_loopback_address("127.0.0.2"));
  EXPECT_TRUE(is_loopback_address("::1"));
  EXPECT_FALSE(is_loopback_address("0.0.0.0"));
}

// A DNS-rebinding page's name may start like a loopback address: only addresses written as
// addresses (and localhost) are the server's own.
TEST(HttpRoutes, NamesThatLookLikeLoopbackAddressesAreNot) {
  for (const char* name : {"127.attacker.example", "127.0.0.1.nip.io", "127.evil.com", "127.0.0.1evil",
                           "127.0.0.1.", "localhost.evil.com"}) {
    EXPECT_FALSE(is_loopback_address(name)) << name;
    EXPECT_FALSE(host_allowed(std::string(name) + ":8765", "127.0.0.1", 8765, {})) << name;
  }
}

}  // namespace
}  // namespace yams::detail
