// yams::serve and friends: one running server at a time, its io_context on its own thread, frames from
// the runtime's frame bus; plus the start from YAMS_PROFILE_PORT and the server's one error reporter.
#include "server/autostart.hpp"
#include "collector.hpp"
#include "server/fail.hpp"
#include "server/listener.hpp"
#include "server/shared_state.hpp"

#include <yams/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>
#ifdef __linux__
#include <pthread.h>
#endif

namespace yams {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace fs = std::filesystem;

/// How long stop_serving() waits for clients to answer the close handshake before cutting them off.
constexpr auto close_grace = std::chrono::seconds(1);

struct running_server {
  net::io_context ioc{1};
  std::shared_ptr<detail::shared_state> state;
  std::shared_ptr<detail::listener> acceptor;
  std::thread thread;
  std::uint64_t frame_listener = 0;
  bool listens_to_frames = false;
};

// Never destroyed: serve() may run before this file's globals are constructed (a game object's
// constructor, before main) and stop_serving() at exit after they would be destroyed; a destroyed
// running_server with its thread still running aborted the process at exit.
struct server_slot {
  std::mutex mutex;
  std::unique_ptr<running_server> server;
};
server_slot& slot() {
  static auto* s = new server_slot;
  return *s;
}
std::atomic<bool> g_serving{false};

/// The first candidate holding an index.html: the configured directory alone if one is configured,
/// else $YAMS_PANEL_DIR, the build tree's panel, the installed one. Empty when none is built.
fs::path find_panel_dir(const std::string& configured) {
  std::vector<std::string> candidates;
  if (!configured.empty()) {
    candidates.push_back(configured);
  } else {
    if (const char* env = std::getenv("YAMS_PANEL_DIR"); env && *env) candidates.emplace_back(env);
#ifdef YAMS_SERVER_BUILD_PANEL_DIR
    candidates.emplace_back(YAMS_SERVER_BUILD_PANEL_DIR);
#endif
#ifdef YAMS_SERVER_INSTALLED_PANEL_DIR
    candidates.emplace_back(YAMS_SERVER_INSTALLED_PANEL_DIR);
#endif
  }
  for (const auto& c : candidates) {
    std::error_code ec;
    auto dir = fs::canonical(c, ec);
    if (!ec && fs::is_regular_file(dir / "index.html", ec)) return dir;
  }
  return {};
}

std::vector<fs::path> canonical_roots(const std::vector<std::string>& roots) {
  std::vector<fs::path> out;
  for (const auto& r : roots) {
    std::error_code ec;
    auto dir = fs::canonical(r, ec);
    if (ec || !fs::is_directory(dir, ec)) {
      std::fprintf(stderr, "yams: source root %s is not a directory; ignored\n", r.c_str());
      continue;
    }
    out.push_back(std::move(dir));
  }
  return out;
}

net::ip::address parse_address(const std::string& address) {
  if (address == "localhost") return net::ip::make_address_v4("127.0.0.1");
  beast::error_code ec;
  auto a = net::ip::make_address(address, ec);
  if (ec) {
    throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                            "yams::serve: address \"" + address + "\" is not an IP address");
  }
  return a;
}

void stop_locked(std::unique_ptr<running_server>& server) noexcept {
  if (!server) return;
  if (server->listens_to_frames) detail::remove_frame_listener(server->frame_listener);
  server->acceptor->stop();
  server->state->close_all();
  const auto deadline = std::chrono::steady_clock::now() + close_grace;
  while (server->state->session_count() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  server->ioc.stop();  // idle keep-alive HTTP connections and unresponsive clients end here
  server->thread.join();
  server.reset();
  g_serving = false;
}

std::string url_host(const net::ip::address& a) {
  return a.is_v6() ? "[" + a.to_string() + "]" : a.to_string();
}

// Whether the server from YAMS_PROFILE_PORT was started or given up (start_server_from_environment):
// set once, by it or by the game's own first serve(), which wins.
std::atomic<bool> g_environment_start_settled{false};

// Starts the server: serve(), and start_server_from_environment() without settling it again.
server_info serve_now(const serve_options& options) {
  if (detail::on_collector_thread())
    throw std::logic_error("yams::serve: not from the broadcast callback (it runs on the collector thread, which "
                           "this would wait for)");
  std::lock_guard lock(slot().mutex);
  stop_locked(slot().server);
  static std::once_flag at_exit;
  std::call_once(at_exit, [] { std::atexit([] { stop_serving(); }); });

  const auto address = parse_address(options.address);
  auto server = std::make_unique<running_server>();
  auto panel = find_panel_dir(options.panel_dir);
  if (panel.empty() && !options.panel_dir.empty()) {
    std::fprintf(stderr, "yams: panel directory %s has no index.html; / will say the panel is not built\n",
                 options.panel_dir.c_str());
  }
  server->state =
      std::make_shared<detail::shared_state>(options, std::move(panel), canonical_roots(options.source_roots));
  server->acceptor = std::make_shared<detail::listener>(server->ioc, net::ip::tcp::endpoint(address, options.port),
                                                        server->state);
  const auto bound = server->acceptor->local_endpoint();
  server->state->set_port(bound.port());
  if (!address.is_loopback()) {
    std::fprintf(stderr,
                 "yams: warning: the live server listens on %s:%u, reachable from other machines; %s\n",
                 address.to_string().c_str(), unsigned(bound.port()),
                 options.token.empty() ? "anyone who can reach it can read profiles and sources (set a token)"
                                       : "clients need the token");
  }
  server->acceptor->run();
  if (!options.replay && !options.replay_index) {
    server->frame_listener = detail::add_frame_listener(
        [state = server->state](const detail::published_frame& frame) { state->broadcast(frame); },
        [state = server->state] { return state->needs(); });
    server->listens_to_frames = true;
  }
  server->thread = std::thread([s = server.get()] {
#ifdef __linux__
    pthread_setname_np(pthread_self(), "yams-server");  // for profilers, debuggers and the benchmark
#endif
    try {
      s->ioc.run();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "yams server: stopped by an exception: %s\n", e.what());
    }
  });
  server_info info;
  info.address = address.to_string();
  info.port = bound.port();
  info.url = "http://" + url_host(address) + ":" + std::to_string(bound.port()) + "/";
  slot().server = std::move(server);
  g_serving = true;
  return info;
}

}  // namespace

server_info serve(const serve_options& options) {
  // The game chose its server: YAMS_PROFILE_PORT no longer starts one. Settled here, before the lock
  // below, because registering the frame listener starts the collector, which would otherwise start
  // the environment's server from inside this call and wait for the lock this call holds.
  if (!g_environment_start_settled.exchange(true)) {
    if (const char* port = std::getenv("YAMS_PROFILE_PORT"); port && *port)
      std::fprintf(stderr, "yams: YAMS_PROFILE_PORT=%s ignored: the game calls yams::serve() itself\n", port);
  }
  return serve_now(options);
}


void stop_serving() noexcept {
  if (detail::on_collector_thread()) {  // it would wait for the collector to remove its frame listener
    std::fprintf(stderr, "yams::stop_serving: not from the broadcast callback (the collector thread); ignored\n");
    return;
  }
  std::lock_guard lock(slot().mutex);
  stop_locked(slot().server);
}

bool serving() noexcept { return g_serving; }

namespace detail {

void fail(beast::error_code ec, const char* what) {
  namespace websocket = beast::websocket;
  if (ec == net::error::operation_aborted || ec == websocket::error::closed || ec == net::error::eof ||
      ec == net::error::connection_reset || ec == net::error::broken_pipe || ec == net::error::not_connected ||
      ec == beast::error::timeout ||
      ec == websocket::error::message_too_big || ec == beast::http::error::end_of_stream) {
    return;  // ordinary ends of a connection, or already answered with a close code
  }
  std::fprintf(stderr, "yams server: %s: %s\n", what, ec.message().c_str());
}

void start_server_from_environment() noexcept {
  // Not std::call_once: serving registers a frame listener, which calls back in here.
  if (g_environment_start_settled.load(std::memory_order_relaxed) || g_environment_start_settled.exchange(true))
    return;
  [] {
    const char* port = std::getenv("YAMS_PROFILE_PORT");
    if (!port || !*port) return;
    char* end = nullptr;
    const long value = std::strtol(port, &end, 10);
    if (*end != '\0' || value < 0 || value > 65535) {
      std::fprintf(stderr, "yams: YAMS_PROFILE_PORT=%s is not a port number (0-65535); no live server\n", port);
      return;
    }
    serve_options options;
    options.port = static_cast<std::uint16_t>(value);
    if (const char* a = std::getenv("YAMS_PROFILE_ADDRESS"); a && *a) options.address = a;
    if (const char* t = std::getenv("YAMS_PROFILE_TOKEN"); t && *t) options.token = t;
    std::string roots = ".";
    if (const char* r = std::getenv("YAMS_SOURCE_ROOTS"); r && *r) roots = r;
    for (std::size_t begin = 0; begin <= roots.size();) {
      const auto colon = std::min(roots.find(':', begin), roots.size());
      if (colon > begin) options.source_roots.push_back(roots.substr(begin, colon - begin));
      begin = colon + 1;
    }
    try {
      const auto info = serve_now(options);
      std::fprintf(stderr, "yams: live panel at %s\n", info.url.c_str());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "yams: no live server (YAMS_PROFILE_PORT=%s): %s\n", port, e.what());
    }
  }();
}

}  // namespace detail
}  // namespace yams
