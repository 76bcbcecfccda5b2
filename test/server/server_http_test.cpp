// The real server's HTTP side on 127.0.0.1: the panel's files and content types, the 503 without a
// panel, /api/info, the source endpoint against traversal, and the Host guard.
#include "server_fixture.hpp"
#include "test_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <functional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace yams::test {
namespace {

namespace http = boost::beast::http;
namespace fs = std::filesystem;

TEST_F(ServerTest, InfoDescribesTheSession) {
  const auto port = start();
  const auto res = http_get(port, "/api/info");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type], "application/json");
  const auto j = nlohmann::json::parse(res.body());
  EXPECT_EQ(j["protocol_version"], 1);
  EXPECT_EQ(j["session_id"], yams::session().session_id);
  EXPECT_EQ(j["enabled"], true);
  EXPECT_EQ(j["replay"], false);
}

TEST_F(ServerTest, ServesPanelFilesWithContentTypes) {
  temp_tree panel("panel");
  panel.write("index.html", "<!doctype html><title>YAMS</title>");
  const std::vector<std::pair<std::string, std::string>> files{
      {"assets/app.js", "text/javascript; charset=utf-8"}, {"assets/app.css", "text/css; charset=utf-8"},
      {"schema.json", "application/json"},                {"assets/app.js.map", "application/json"},
      {"logo.svg", "image/svg+xml"},                      {"logo.png", "image/png"},
      {"assets/x.wasm", "application/wasm"},              {"assets/f.ttf", "font/ttf"},
      {"assets/f.woff2", "font/woff2"}};
  for (const auto& [name, type] : files) panel.write(name, "content of " + name);
  serve_options o;
  o.panel_dir = panel.path().string();
  const auto port = start(o);

  auto index = http_get(port, "/");
  EXPECT_EQ(index.result(), http::status::ok);
  EXPECT_EQ(index[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(index.body(), "<!doctype html><title>YAMS</title>");
  for (const auto& [name, type] : files) {
    const auto res = http_get(port, "/" + name);
    EXPECT_EQ(res.result(), http::status::ok) << name;
    EXPECT_EQ(res[http::field::content_type], type) << name;
    EXPECT_EQ(res.body(), "content of " + name);
  }
  const auto head = http_get(port, "/index.html", {}, http::verb::head);
  EXPECT_EQ(head.result(), http::status::ok);
  EXPECT_EQ(head[http::field::content_length], "34");
  EXPECT_EQ(http_get(port, "/missing.js").result(), http::status::not_found);
  EXPECT_EQ(http_get(port, "/", {}, http::verb::post).result(), http::status::method_not_allowed);
}

TEST_F(ServerTest, StaticFilesCannotLeaveThePanel) {
  temp_tree tree("panel_escape");
  tree.write("panel/index.html", "ok");
  tree.write("secret.txt", "secret");
  fs::create_symlink(tree.path() / "secret.txt", tree.path() / "panel" / "link.txt");
  serve_options o;
  o.panel_dir = (tree.path() / "panel").string();
  const auto port = start(o);
  for (const char* target : {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/link.txt",
                             "/assets/../../secret.txt"}) {
    const auto res = http_get(port, target);
    EXPECT_EQ(res.result(), http::status::forbidden) << target;
    EXPECT_EQ(res.body().find("secret"), std::string::npos) << target;
  }
}

TEST_F(ServerTest, WithoutAPanelTheRootSaysHowToBuildIt) {
  temp_tree empty("no_panel");
  serve_options o;
  o.panel_dir = empty.path().string();
  const auto port = start(o);
  const auto res = http_get(port, "/");
  EXPECT_EQ(res.result(), http::status::service_unavailable);
  EXPECT_NE(res.body().find("yams_panel"), std::string::npos) << res.body();
  EXPECT_EQ(http_get(port, "/api/info").result(), http::status::ok);  // the API works regardless
}

TEST_F(ServerTest, SourceEndpointServesOnlyUnderTheRoots) {
  temp_tree tree("sources");
  const auto game = tree.write("game/src/engine.cpp", "void update() {}\n");
  tree.write("game/scripts/duck.lua", "return {}\n");
  const auto secret = tree.write("private/key.txt", "secret");
  fs::create_symlink(secret, tree.path() / "game" / "key_link");
  fs::create_directory_symlink(tree.path() / "private", tree.path() / "game" / "private_link");
  serve_options o;
  o.source_roots = {(tree.path() / "game").string()};
  const auto port = start(o);

  auto res = http_get(port, "/api/source?path=src/engine.cpp");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type], "text/plain; charset=utf-8");
  EXPECT_EQ(res.body(), "void update() {}\n");
  EXPECT_EQ(http_get(port, "/api/source?path=" + game.string()).result(), http::status::ok);
  EXPECT_EQ(http_get(port, "/api/source?path=scripts%2Fduck.lua").result(), http::status::ok);

  for (const std::string attempt :
       {std::string("../private/key.txt"), std::string("src/../../private/key.txt"),
        std::string("%2e%2e/private/key.txt"), std::string("%2e%2e%2fprivate%2fkey.txt"), secret.string(),
        std::string("/etc/passwd"), std::string("key_link"), std::string("private_link/key.txt")}) {
    res = http_get(port, "/api/source?path=" + attempt);
    EXPECT_EQ(res.result(), http::status::forbidden) << attempt;
    EXPECT_EQ(res.body().find("secret"), std::string::npos) << attempt;
  }
  EXPECT_EQ(http_get(port, "/api/source?path=src/missing.cpp").result(), http::status::not_found);
  EXPECT_EQ(http_get(port, "/api/source").result(), http::status::bad_request);
  EXPECT_EQ(http_get(port, "/api/source?path=%zz").result(), http::status::bad_request);
  for (const char* bad : {"50%.lua", "a%00b.lua", "%zz"}) {
    res = http_get(port, std::string("/api/source?path=") + bad);
    EXPECT_EQ(res.result(), http::status::bad_request) << bad;
    EXPECT_NE(res.body().find("malformed %-escape"), std::string::npos) << bad << ": " << res.body();
  }
}

TEST_F(ServerTest, ForeignHostNamesAreRefused) {
  const auto port = start();
  EXPECT_EQ(http_get(port, "/api/info", {{"Host", "evil.example:" + std::to_string(port)}}).result(),
            http::status::forbidden);
  EXPECT_EQ(http_get(port, "/api/info", {{"Host", "localhost:" + std::to_string(port)}}).result(),
            http::status::ok);
  // A rebinding page's name that starts like a loopback address.
  EXPECT_EQ(http_get(port, "/api/info", {{"Host", "127.attacker.example:" + std::to_string(port)}}).result(),
            http::status::forbidden);
}

TEST_F(ServerTest, BindFailuresNameTheAddress) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor taken(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  serve_options o;
  o.port = taken.local_endpoint().port();
  try {
    yams::serve(o);
    FAIL() << "serve() bound a port that is in use";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot bind 127.0.0.1:" + std::to_string(o.port)), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(yams::serving());
  o.address = "not-an-address";
  EXPECT_THROW(yams::serve(o), std::system_error);
}

/// Sends `bytes` on a raw connection and returns everything the server answers before closing.
std::string raw_exchange(std::uint16_t port, const std::string& bytes) {
  boost::asio::io_context ioc;
  boost::beast::tcp_stream stream(ioc);
  stream.expires_after(5s);
  std::string answer;
  std::array<char, 4096> buf;
  std::function<void(boost::beast::error_code, std::size_t)> on_read = [&](boost::beast::error_code ec,
                                                                            std::size_t n) {
    answer.append(buf.data(), n);
    if (!ec) stream.async_read_some(boost::asio::buffer(buf), on_read);
  };
  stream.async_connect({boost::asio::ip::make_address("127.0.0.1"), port}, [&](boost::beast::error_code ec) {
    if (ec) return;
    boost::asio::async_write(stream, boost::asio::buffer(bytes), [&](boost::beast::error_code ec, std::size_t) {
      if (!ec) stream.async_read_some(boost::asio::buffer(buf), on_read);
    });
  });
  ioc.run();
  return answer;
}

TEST_F(ServerTest, MalformedRequestsGet400AndTheServerCarriesOn) {
  const auto port = start();
  const auto garbage = raw_exchange(port, "GARBAGE\r\n\r\n");
  EXPECT_TRUE(garbage.starts_with("HTTP/1.1 400")) << garbage;
  EXPECT_NE(garbage.find("malformed HTTP request"), std::string::npos) << garbage;
  EXPECT_TRUE(raw_exchange(port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999\r\n\r\n")
                  .starts_with("HTTP/1.1 413"));
  EXPECT_EQ(http_get(port, "/api/info").result(), http::status::ok);
}

TEST_F(ServerTest, ARequestWithTwoHostHeadersGets400) {
  const auto port = start();
  const auto answer = raw_exchange(port, "GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 400")) << answer;
  EXPECT_NE(answer.find("expected exactly one Host header"), std::string::npos) << answer;
  const auto upgrade = raw_exchange(port,
                                    "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n"
                                    "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
  EXPECT_TRUE(upgrade.starts_with("HTTP/1.1 400")) << upgrade;
}

// Out of file descriptors, the accept loop waits and says so once, instead of failing again at once
// in a loop (a core busy, stderr flooded: 108 MB in 10 s was seen); it accepts again when
// descriptors are free.
TEST_F(ServerTest, AcceptFailuresAreReportedOnceAndRetried) {
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
  // The asan preset also runs UBSan, whose vptr check opens a pipe on a type-cache miss: with the
  // descriptor table full it reports a false error and aborts. This test runs in the other builds.
  GTEST_SKIP() << "needs free file descriptors under UBSan's vptr check";
#endif
#endif
  const auto port = start();
  ::testing::internal::CaptureStderr();  // opens a file: before the table is full
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &old), 0);
  rlimit low = old;
  low.rlim_cur = std::min<rlim_t>(old.rlim_cur, 1024);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  const int null_fd = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(null_fd, 0);
  std::vector<int> fillers;
  for (int fd; (fd = ::dup(null_fd)) >= 0;) fillers.push_back(fd);
  // Room for the clients' sockets only: none is left for the server to accept them with.
  constexpr int clients = 3;
  for (int i = 0; i < clients && !fillers.empty(); ++i) {
    ::close(fillers.back());
    fillers.pop_back();
  }
  std::vector<int> sockets;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < clients; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) continue;
    sockets.push_back(fd);
    EXPECT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to), 0);  // into the backlog
  }
  std::this_thread::sleep_for(1s);  // ~10 retries
  for (int fd : fillers) ::close(fd);
  ::close(null_fd);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &old), 0);
  const auto err = ::testing::internal::GetCapturedStderr();
  std::size_t reports = 0;
  for (auto at = err.find("yams server: accept"); at != std::string::npos; at = err.find("yams server: accept", at + 1))
    ++reports;
  EXPECT_EQ(reports, 1u) << err;
  EXPECT_NE(err.find("retrying every 100 ms"), std::string::npos) << err;
  EXPECT_EQ(http_get(port, "/api/info").result(), http::status::ok);  // accepting again
  for (int fd : sockets) ::close(fd);
}

TEST_F(ServerTest, BindingBeyondLoopbackWarns) {
  serve_options o;
  o.address = "0.0.0.0";
  ::testing::internal::CaptureStderr();
  const auto info = start(o);
  const auto err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("warning: the live server listens on 0.0.0.0:" + std::to_string(info)), std::string::npos)
      << err;
  EXPECT_EQ(http_get(info, "/api/info").result(), http::status::ok);  // reachable on loopback too
}

TEST_F(ServerTest, TokenGuardsTheApi) {
  serve_options o;
  o.token = "s3cret";
  const auto port = start(o);
  EXPECT_EQ(http_get(port, "/api/info").result(), http::status::unauthorized);
  EXPECT_EQ(http_get(port, "/api/info?token=wrong").result(), http::status::unauthorized);
  EXPECT_EQ(http_get(port, "/api/info?token=s3cret").result(), http::status::ok);
  EXPECT_EQ(http_get(port, "/api/info", {{"X-Yams-Token", "s3cret"}}).result(), http::status::ok);
}

}  // namespace
}  // namespace yams::test
