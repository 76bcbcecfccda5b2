// `yams serve FILE`: reads the session, starts yams::serve with it as `replay`, prints the panel's URL
// and waits for SIGINT or SIGTERM (blocked before the server's threads start, so only this thread
// receives them).
#include "serve.hpp"

#include "cli.hpp"
#include "printable.hpp"

#include <yams/session.hpp>
#if YAMS_TOOL_HAS_SERVER
#include <yams/server.hpp>
#endif

#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>

namespace yams::tool {

int run_serve(const std::vector<std::string>& args) {
  const parsed_args a =
      parse_args(args, {"--port", "--address", "--panel", "--source-root", "--token"}, {});
  if (a.positional.size() != 1) throw usage_error("expected exactly one session FILE");
  const unsigned long port = a.get_count("--port", 8765, 0, 65535);  // 0: any free port
#if YAMS_TOOL_HAS_SERVER
  auto session = std::make_shared<Session>(read_session(a.positional[0]));
  for (const auto& w : session->warnings) std::cerr << "yams: warning: " << printable(w) << '\n';
  serve_options o;
  o.address = a.get("--address", o.address);
  o.port = static_cast<std::uint16_t>(port);
  o.panel_dir = a.get("--panel");
  o.token = a.get("--token");
  for (auto [it, end] = a.repeated.equal_range("--source-root"); it != end; ++it) o.source_roots.push_back(it->second);
  o.replay = session;
  o.replay_file = std::filesystem::path(a.positional[0]).filename().string();

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  const server_info info = serve(o);
  // stdout: scripts read the URL from here.
  std::cout << "serving " << printable(a.positional[0]) << " (" << session->frames.size() << " frames, session "
            << printable(session->info.session_id) << ") at " << info.url << std::endl;
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
