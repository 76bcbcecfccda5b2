// Live server benchmark (a program, not a test): frames of 5,000 calls recorded by the real runtime at
// 60 fps and streamed by the real server to real WebSocket clients on 127.0.0.1. Prints, for 2 clients
// reading JSON and then 2 reading the compact encoding: bytes per frame, the server and collector threads'
// CPU per frame, end_frame -> client receipt latency p50/p99, drops; and the game thread's end_frame()
// cost with 0 and 20 clients connected. Usage: yams_server_bench [seconds]
#include "frame_bus.hpp"

#include <yams/server.hpp>
#include <yams/yams.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using clock_type = std::chrono::steady_clock;

constexpr yams::site frame_site{"Frame", "bench", "update", __FILE__, __LINE__, yams::site_frame, nullptr, 0};
constexpr yams::site system_site{"System Update", "game_engine", "update_system", "src/game/systems.cpp", 120,
                                 0, nullptr, 0};
constexpr yams::site entity_site{"Entity Behaviour", "lifecycle", "on_entity_update", "src/game/lifecycle.cpp",
                                 88, yams::site_lua_code, nullptr, 0};

/// One frame of 1 + 50 + 50 * 99 = 5,000 calls, three levels deep.
void record_calls() {
  yams::zone root(&frame_site);
  for (int s = 0; s < 50; ++s) {
    yams::zone system(&system_site);
    for (int e = 0; e < 99; ++e) yams::zone entity(&entity_site);
  }
}

/// A client reading as fast as it can on its own thread; remembers when each frame arrived.
class client {
 public:
  explicit client(std::uint16_t port, bool compact = false) : ws_(ioc_) {
    beast::get_lowest_layer(ws_).connect({net::ip::make_address("127.0.0.1"), port});
    ws_.read_message_max(0);
    ws_.handshake("127.0.0.1:" + std::to_string(port), "/ws");
    if (compact) ws_.write(net::buffer(std::string_view(R"({"command":"set_encoding","encoding":"compact"})")));
    thread_ = std::thread([this] {
      read();
      ioc_.run();
    });
  }
  /// Asks for a status, so frames dropped but not yet reported are counted.
  void request_status() {
    net::post(ioc_, [this] {
      ws_.async_write(net::buffer(status_request_), [](beast::error_code, std::size_t) {});
    });
  }
  ~client() {
    net::post(ioc_, [this] { beast::get_lowest_layer(ws_).close(); });
    thread_.join();
  }
  std::unordered_map<std::uint64_t, clock_type::time_point> arrivals() {
    std::lock_guard lock(mu_);
    return arrivals_;
  }
  std::uint64_t dropped() const { return dropped_; }
  std::uint64_t bytes() const { return bytes_; }

 private:
  void read() {
    ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t n) {
      if (ec) return;
      const auto now = clock_type::now();
      const auto text = std::string_view(static_cast<const char*>(buffer_.data().data()), n);
      constexpr std::string_view prefix = R"({"type":"profile_frame","data":{"frame":)";
      constexpr std::string_view compact = R"({"type":"profile_frame","encoding":"compact","data":{"frame":)";
      const std::size_t at = text.starts_with(prefix) ? prefix.size() : text.starts_with(compact) ? compact.size() : 0;
      if (at != 0) {
        const auto number = std::strtoull(text.data() + at, nullptr, 10);
        bytes_ += n + 10;  // payload plus the WebSocket header of a large frame
        std::lock_guard lock(mu_);
        arrivals_[number] = now;
      } else if (const auto d = text.find("\"dropped\":"); d != std::string_view::npos) {
        dropped_ = std::strtoull(text.data() + d + 10, nullptr, 10);
      }
      buffer_.consume(n);
      read();
    });
  }

  net::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  const std::string status_request_ = R"({"command":"get_status"})";
  std::thread thread_;
  std::mutex mu_;
  std::unordered_map<std::uint64_t, clock_type::time_point> arrivals_;
  std::atomic<std::uint64_t> dropped_{0}, bytes_{0};
};

/// CPU time (ns) of the thread named `name` in this process, from /proc/self/task/*/schedstat.
std::uint64_t thread_cpu_ns(const std::string& name) {
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::string comm;
    std::getline(std::ifstream(task.path() / "comm"), comm);
    if (comm != name) continue;
    std::uint64_t ns = 0;
    std::ifstream(task.path() / "schedstat") >> ns;
    return ns;
  }
  return 0;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * (v.size() - 1) + 0.5))];
}

/// When the runtime handed each frame to its consumers (the server's listener runs at the same point).
struct publish_log {
  std::mutex mu;
  std::unordered_map<std::uint64_t, clock_type::time_point> at;
};
publish_log g_published;

struct run_result {
  std::vector<double> end_frame_us;
  std::unordered_map<std::uint64_t, clock_type::time_point> ended;
  std::uint64_t first = 0, last = 0;
};

/// Records frames at 60 fps for `seconds`; times each end_frame() call.
run_result run_frames(double seconds, std::uint64_t& next_number) {
  run_result r;
  const auto period = std::chrono::microseconds(16667);
  auto tick = clock_type::now();
  const auto stop = tick + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(seconds));
  r.first = next_number;
  while (clock_type::now() < stop) {
    const auto n = next_number++;
    yams::begin_frame(n);
    record_calls();
    const auto t0 = clock_type::now();
    auto finished = yams::end_frame();
    const auto t1 = clock_type::now();
    r.end_frame_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    r.ended[n] = t0;
    tick += period;
    std::this_thread::sleep_until(tick);
  }
  r.last = next_number - 1;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the last frames arrive
  return r;
}

/// Milliseconds from each frame's end_frame() (or its publication) to `arrivals`.
std::vector<double> latencies_ms(const run_result& r,
                                 const std::unordered_map<std::uint64_t, clock_type::time_point>& arrivals,
                                 bool from_publication) {
  std::vector<double> out;
  std::lock_guard lock(g_published.mu);
  for (const auto& [n, ended] : r.ended) {
    const auto it = arrivals.find(n);
    if (it == arrivals.end()) continue;
    const auto from = from_publication ? g_published.at[n] : ended;
    out.push_back(std::chrono::duration<double, std::milli>(it->second - from).count());
  }
  return out;
}

/// The main figures: 2 clients reading `compact` frames or JSON, bytes, server and collector CPU, latency
/// split at the runtime's publication.
void stream_to_two_clients(std::uint16_t port, double seconds, std::uint64_t& number, bool compact) {
  std::vector<std::unique_ptr<client>> clients;
  for (int i = 0; i < 2; ++i) clients.push_back(std::make_unique<client>(port, compact));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto cpu0 = thread_cpu_ns("yams-server");
  const auto collector0 = thread_cpu_ns("yams-collector");
  const auto wall0 = clock_type::now();
  const auto r = run_frames(seconds, number);
  const auto cpu = thread_cpu_ns("yams-server") - cpu0;
  const auto collector_cpu = thread_cpu_ns("yams-collector") - collector0;
  const double wall = std::chrono::duration<double>(clock_type::now() - wall0).count();
  const auto frames = r.last - r.first + 1;
  std::printf("  2 clients, %s encoding: %llu frames sent\n", compact ? "compact" : "JSON",
              static_cast<unsigned long long>(frames));
  std::printf("  server thread CPU: %.3f ms per frame, %.1f%% of one core\n", cpu / 1e6 / frames,
              100.0 * cpu / 1e9 / wall);
  std::printf("  collector thread CPU (assembly + serialisation): %.3f ms per frame, %.1f%% of one core\n",
              collector_cpu / 1e6 / frames, 100.0 * collector_cpu / 1e9 / wall);
  std::unordered_map<std::uint64_t, clock_type::time_point> published;
  {
    std::lock_guard lock(g_published.mu);
    published = g_published.at;
  }
  const auto publish_ms = latencies_ms(r, published, false);
  std::printf("  end_frame->published by the runtime (assembly + serialisation): p50 %.2f ms p99 %.2f ms\n",
              percentile(publish_ms, 0.5), percentile(publish_ms, 0.99));
  for (std::size_t c = 0; c < clients.size(); ++c) {
    const auto arrivals = clients[c]->arrivals();
    const auto latency_ms = latencies_ms(r, arrivals, false);
    const auto server_ms = latencies_ms(r, arrivals, true);
    std::printf("  client %zu: received %zu/%llu, dropped %llu, %.0f bytes/frame on the wire, "
                "end_frame->receipt p50 %.2f ms p99 %.2f ms max %.2f ms\n",
                c, latency_ms.size(), static_cast<unsigned long long>(frames),
                static_cast<unsigned long long>(clients[c]->dropped()),
                latency_ms.empty() ? 0.0 : double(clients[c]->bytes()) / latency_ms.size(),
                percentile(latency_ms, 0.5), percentile(latency_ms, 0.99), percentile(latency_ms, 1.0));
    std::printf("            published->receipt (server + loopback) p50 %.2f ms p99 %.2f ms\n",
                percentile(server_ms, 0.5), percentile(server_ms, 0.99));
  }
  std::printf("  end_frame() with 2 clients: p50 %.2f us p99 %.2f us\n", percentile(r.end_frame_us, 0.5),
              percentile(r.end_frame_us, 0.99));
}

/// The game thread's end_frame() while 20 clients read every frame.
void end_frame_with_twenty_clients(std::uint16_t port, double seconds, std::uint64_t& number) {
  std::vector<std::unique_ptr<client>> clients;
  for (int i = 0; i < 20; ++i) clients.push_back(std::make_unique<client>(port));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto r = run_frames(seconds, number);
  for (auto& c : clients) c->request_status();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  std::uint64_t dropped = 0, received = 0;
  for (auto& c : clients) {
    dropped += c->dropped();
    received += c->arrivals().size();
  }
  std::printf("  end_frame() with 20 clients: p50 %.2f us p99 %.2f us (%llu frames: received %llu, dropped "
              "%llu in all)\n",
              percentile(r.end_frame_us, 0.5), percentile(r.end_frame_us, 0.99),
              static_cast<unsigned long long>(r.last - r.first + 1), static_cast<unsigned long long>(received),
              static_cast<unsigned long long>(dropped));
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 5.0;
  yams::enable();
  yams::set_history_size(1);
  yams::serve_options options;
  options.port = 0;
  const auto port = yams::serve(options).port;
  const auto log_id = yams::detail::add_frame_listener(
      [](const yams::detail::published_frame& f) {
        std::lock_guard lock(g_published.mu);
        g_published.at[f.frame->frame] = clock_type::now();
      },
      [] { return yams::detail::frame_needs{false, false}; });  // a timestamp only: no serialisation
  std::uint64_t number = 1;
  run_frames(0.5, number);  // warm up: threads, rings, allocations

  std::printf("live server benchmark: frames of 5000 calls at 60 fps for %.1f s on 127.0.0.1\n", seconds);
  stream_to_two_clients(port, seconds, number, false);
  stream_to_two_clients(port, seconds, number, true);
  const auto alone = run_frames(std::min(seconds, 3.0), number);
  std::printf("  end_frame() with 0 clients: p50 %.2f us p99 %.2f us\n", percentile(alone.end_frame_us, 0.5),
              percentile(alone.end_frame_us, 0.99));
  end_frame_with_twenty_clients(port, std::min(seconds, 3.0), number);
  yams::detail::remove_frame_listener(log_id);
  yams::stop_serving();
  return 0;
}
