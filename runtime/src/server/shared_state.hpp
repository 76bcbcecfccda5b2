// What every connection of one running server shares: its options, the resolved panel directory and
// source roots, the set of WebSocket sessions that receive frames, and the history sent on connect.
#pragma once

#include "frame_bus.hpp"
#include "server/protocol.hpp"

#include <yams/server.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

namespace yams::detail {

class websocket_session;

/// The frames a new client receives first, and which live frames they already cover.
struct history_view {
  std::shared_ptr<const std::string> message;  ///< {"type":"history",("encoding":"compact",)"frames":[...]}
  std::size_t frame_count = 0;
  std::vector<const FrameProfile*> frames;    ///< identities, to skip live duplicates
};

class shared_state {
 public:
  /// `panel_dir` is empty when no built panel was found; `source_roots` are canonical.
  shared_state(serve_options options, std::filesystem::path panel_dir,
               std::vector<std::filesystem::path> source_roots);

  const serve_options& options() const noexcept { return options_; }
  const std::filesystem::path& panel_dir() const noexcept { return panel_dir_; }
  const std::vector<std::filesystem::path>& source_roots() const noexcept { return source_roots_; }
  /// The bound port (known once the listener is open). Any thread.
  std::uint16_t port() const noexcept { return port_; }
  void set_port(std::uint16_t port) noexcept { port_ = port; }
  /// Whether this server replays a saved session instead of live frames.
  bool replay() const noexcept { return options_.replay != nullptr; }
  /// The session announced in `hello`: the replayed one or this process's.
  const SessionInfo& session() const noexcept;
  /// Whether profiling is on (always false for a replay). Any thread.
  bool enabled() const noexcept;

  /// Registers a session for broadcasts / removes it (`encoding`: its encoding at that moment). Any thread.
  void join(websocket_session* session, frame_encoding encoding);
  void leave(websocket_session* session, frame_encoding encoding);
  /// A joined session switched encodings: frames are serialised for what the sessions use. Any thread.
  void switch_encoding(frame_encoding from, frame_encoding to);
  /// The encodings some joined session uses (asked by the frame bus before each frame). Any thread.
  frame_needs needs();
  /// Number of joined sessions. Any thread.
  std::size_t session_count() const;
  /// Hands `frame` to every joined session without waiting for any of them. Any thread.
  void broadcast(const published_frame& frame);
  /// Has every session but `origin` send a fresh status (profiling was switched). Any thread.
  void notify_status(const websocket_session* origin);
  /// Asks every session to close with a close frame. Any thread.
  void close_all();
  /// The history for a new client or a get_history command, built once per distinct ring content and
  /// encoding.
  history_view history(frame_encoding encoding = frame_encoding::json);

 private:
  std::vector<std::weak_ptr<websocket_session>> sessions_snapshot();

  serve_options options_;
  std::filesystem::path panel_dir_;
  std::vector<std::filesystem::path> source_roots_;
  std::uint16_t port_ = 0;

  mutable std::mutex sessions_mutex_;
  std::unordered_set<websocket_session*> sessions_;
  std::size_t sessions_by_encoding_[2] = {0, 0};  ///< indexed by frame_encoding

  struct history_cache {
    history_view view;
    std::shared_ptr<const FrameProfile> last;  ///< held, so its address is not reused
    std::size_t size = static_cast<std::size_t>(-1);
  };
  std::mutex history_mutex_;
  history_cache cached_history_[2];  ///< indexed by frame_encoding
};

}  // namespace yams::detail
