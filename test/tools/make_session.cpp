// Records a session with the real runtime, for the tools' tests: frames with nested zones, captured
// arguments and entity ids, Lua flags, a worker thread's zone and rollbacks, with varying frame times.
//   make_session OUT --frames N            record N frames to OUT (streaming form) and exit
//   make_session --serve --frames N        serve live on a free port (prints "url <URL>"), then keep
//                                          making frames every few ms until N are made (0: until killed)
#include <yams/session.hpp>
#include <yams/yams.hpp>
#if YAMS_TEST_HAS_SERVER
#include <yams/server.hpp>
#endif

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {

// Sites as the Clang plugin would emit them (static descriptors, captured args).
constexpr yams::site frame_site{"Frame", "game_engine", "update", __FILE__, 30, yams::site_frame, nullptr, 0};
constexpr yams::site update_site{"Frame Update", "game_engine", "do_frame_update", __FILE__, 31, 0, nullptr, 0};
constexpr yams::site lua_site{"Lua Entity Updates", "lua_engine", "update", __FILE__, 32, yams::site_lua_code,
                              nullptr, 0};
constexpr yams::arg_desc entity_args[] = {{"entity_id", yams::arg_entity_id}};
constexpr yams::site entity_site{"Lua → on_update({entity_id})", "lifecycle", "on_entity_update", __FILE__, 34,
                                 yams::site_lua_code, entity_args, 1};
constexpr yams::arg_desc set_vy_args[] = {{"entity_id", yams::arg_in_args | yams::arg_entity_id},
                                          {"vy", yams::arg_in_args}};
constexpr yams::site set_vy_site{"ams.set_vy", "lua_api", "set_vy", __FILE__, 37, yams::site_lua_callback,
                                 set_vy_args, 2};
constexpr yams::site collide_site{"Collisions", "game_engine", "check_collisions", __FILE__, 39, 0, nullptr, 0};
constexpr yams::site worker_site{"Audio Mix", "audio", "mix", __FILE__, 40, 0, nullptr, 0};

void spin_us(int us) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
  while (std::chrono::steady_clock::now() < until) {
  }
}

// A long-lived worker thread that records one zone inside each frame when asked (threads have rings
// of their own, so one worker rather than one thread per frame).
class worker {
 public:
  worker() : thread_([this] { run(); }) {}
  ~worker() {
    {
      std::lock_guard lk(m_);
      request_ = stop_;
    }
    cv_.notify_all();
    thread_.join();
  }
  void mix(std::uint64_t n) {
    std::unique_lock lk(m_);
    request_ = n;
    cv_.notify_all();
    cv_.wait(lk, [&] { return done_ == n; });
  }

 private:
  static constexpr std::uint64_t stop_ = ~std::uint64_t{0};
  void run() {
    std::unique_lock lk(m_);
    for (;;) {
      cv_.wait(lk, [&] { return request_ != done_; });
      if (request_ == stop_) return;
      {
        yams::zone z(&worker_site);
        spin_us(30);
      }
      done_ = request_;
      cv_.notify_all();
    }
  }
  std::mutex m_;
  std::condition_variable cv_;
  std::uint64_t request_ = 0, done_ = 0;  // guarded by m_
  std::thread thread_;
};

void make_frame(std::uint64_t n, worker& audio) {
  yams::frame_zone frame(&frame_site, n);
  yams::zone update(&update_site);
  {
    yams::zone lua(&lua_site);
    const int entities = 2 + static_cast<int>(n % 4);
    for (int e = 0; e < entities; ++e) {
      const std::string id = "duck_" + std::to_string(e);
      yams::zone on_update(&entity_site, id);
      spin_us(20 + 15 * e);
      yams::zone set_vy(&set_vy_site, id, 100.5 * e);
      spin_us(5);
    }
  }
  audio.mix(n);
  {
    yams::zone collide(&collide_site);
    spin_us(n % 10 == 7 ? 400 : 40);  // a spike now and then for the worst-frame list
  }
  if (n % 10 == 3) yams::record_rollback(static_cast<int>(n % 7) + 1, 1.0e9 + n, 2.5 * static_cast<double>(n % 5));
}

}  // namespace

int main(int argc, char** argv) {
  std::string out;
  bool serve = false;
  unsigned long frames = 60;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--serve") == 0) serve = true;
    else if (std::strcmp(argv[i], "--frames") == 0 && i + 1 < argc) frames = std::strtoul(argv[++i], nullptr, 10);
    else out = argv[i];
  }
  if (out.empty() == !serve) {
    std::fprintf(stderr, "usage: make_session OUT [--frames N] | make_session --serve [--frames N]\n");
    return 2;
  }
  yams::enable();
  worker audio;
  if (serve) {
#if YAMS_TEST_HAS_SERVER
    yams::serve_options o;
    o.port = 0;
    const auto info = yams::serve(o);
    std::printf("url ws://127.0.0.1:%u/ws\n", static_cast<unsigned>(info.port));
    std::fflush(stdout);
    for (std::uint64_t n = 1; frames == 0 || n <= frames; ++n) {
      make_frame(n, audio);
      std::this_thread::sleep_for(std::chrono::milliseconds(4));
    }
    yams::stop_serving();
#else
    std::fprintf(stderr, "make_session: built without the server\n");
    return 2;
#endif
  } else {
    yams::start_recording(out);
    for (std::uint64_t n = 1; n <= frames; ++n) make_frame(n, audio);
    yams::history();  // waits until every ended frame is assembled and published
    const std::size_t written = yams::stop_recording();
    std::printf("%zu frames written to %s\n", written, out.c_str());
    if (written != frames) return 1;
  }
  return 0;
}
