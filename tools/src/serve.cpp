// `yams serve FILE`: indexes the session (a pipe: reads it whole), starts yams::serve replaying it,
// prints the panel's URL and waits for SIGINT or SIGTERM (blocked before the server's threads start, so
// only this thread receives them).
#include "serve.hpp"

#include "cli.hpp"
#include "printable.hpp"

#include <yams/session.hpp>
#if YAMS_TOOL_HAS_SERVER
#include <yams/server.hpp>
#endif

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace yams::tool {

int run_serve(const std::vector<std::string>& args) {
  const parsed_args a =
      parse_args(args, {"--port", "--address", "--panel", "--source-root", "--token"}, {});
  if (a.positional.size() != 1) throw usage_error("expected exactly one session FILE");
  const unsigned long port = a.get_count("--port", 8765, 0, 65535);  // 0: any free port
#if YAMS_TOOL_HAS_SERVER
  const std::string& file = a.positional[0];
#if defined(__GLIBC__)
  // The server thread builds and frees a part of up to 4 MiB after another. In an arena of its own glibc
  // kept some 50 MB of that freed memory (the demo's 566 MiB recording), and raising its mmap threshold
  // to a freed part's size it took the next parts from a heap that grew with each: one arena, and large
  // blocks always mapped and given back.
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
  serve_options o;
  // A regular file is read once to index its frames, and again a part at a time as clients ask; a pipe
  // (or another file that cannot be read twice) is kept in memory.
  std::error_code ec;
  const bool indexed = !std::filesystem::exists(file, ec) || std::filesystem::is_regular_file(file, ec);
  if (indexed) {
    o.replay_index = std::make_shared<session_index>(file);
  } else {
    o.replay = std::make_shared<Session>(read_session(file));
  }
  const auto& warnings = indexed ? o.replay_index->warnings() : o.replay->warnings;
  for (const auto& w : warnings) std::cerr << "yams: warning: " << printable(w) << '\n';
  const std::size_t frames = indexed ? o.replay_index->size() : o.replay->frames.size();
  const SessionInfo& info_of_session = indexed ? o.replay_index->info() : o.replay->info;
  o.address = a.get("--address", o.address);
  o.port = static_cast<std::uint16_t>(port);
  o.panel_dir = a.get("--panel");
  o.token = a.get("--token");
  for (auto [it, end] = a.repeated.equal_range("--source-root"); it != end; ++it) o.source_roots.push_back(it->second);
  o.replay_file = std::filesystem::path(file).filename().string();

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  const server_info info = serve(o);
  // stdout: scripts read the URL from here.
  std::cout << "serving " << printable(file) << " (" << frames << " frames, session "
            << printable(info_of_session.session_id) << ") at " << info.url << std::endl;
  int sig = 0;
  sigwait(&stop_signals, &sig);
  stop_serving();
  std::cerr << "yams: stopped serving\n";
  return 0;
#else
  throw std::runtime_error("serve: this yams was built without the live server (YAMS_BUILD_SERVER=OFF)");
#endif
}

}  // namespace yams::tool
