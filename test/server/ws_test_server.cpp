// A small live server for the Node client test: serves on 127.0.0.1 and a free port, prints
// {"port":N} on stdout, and records a frame every 10 ms until its stdin closes; then stops serving.
// With --from-environment it does not call serve(): the runtime starts the server from
// YAMS_PROFILE_PORT, which prints the panel's URL on stderr.
#include <yams/server.hpp>
#include <yams/yams.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string_view>
#include <thread>
#include <unistd.h>

namespace {
constexpr yams::site frame_site{"Node Frame", "ws_test_server", "main", __FILE__, __LINE__, yams::site_frame,
                                nullptr, 0};
constexpr yams::site call_site{"Node Call", "ws_test_server", "main", __FILE__, __LINE__, 0, nullptr, 0};
}  // namespace

int main(int argc, char** argv) {
  const bool from_environment = argc > 1 && std::string_view(argv[1]) == "--from-environment";
  yams::enable();
  if (!from_environment) {
    yams::serve_options options;
    options.port = 0;
    const auto info = yams::serve(options);
    std::printf("{\"port\":%u}\n", unsigned(info.port));
    std::fflush(stdout);
  } else if (!yams::serving()) {
    std::fprintf(stderr, "ws_test_server: YAMS_PROFILE_PORT did not start the server\n");
    return 1;
  }

  std::atomic<bool> done{false};
  std::thread watcher([&] {
    char buf[256];
    while (::read(0, buf, sizeof buf) > 0) {
    }
    done = true;
  });
  for (std::uint64_t n = 1; !done; ++n) {
    yams::begin_frame(n);
    {
      yams::zone root(&frame_site);
      for (int i = 0; i < 3; ++i) yams::zone call(&call_site);
    }
    (void)yams::end_frame();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  watcher.join();
  yams::stop_serving();
  return 0;
}
