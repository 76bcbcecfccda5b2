// What every connection of one running server shares: its options, the resolved panel directory and
// source roots, the set of WebSocket sessions that receive frames, and the history sent on connect (a
// replay's in parts of bounded size).
#pragma once

#include "frame_bus.hpp"
#include "server/protocol.hpp"

#include <yams/server.hpp>

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

namespace yams::detail {

class websocket_session;

/// One part of the history a new client receives first (or a get_history answer), and which live frames
/// it already covers.
struct history_part {
  /// `{"type":"history",("encoding":"compact",)"frames":[...](,"more":true)}`: a message of its own, or
  /// (history_fragment) a piece of the history written whole
  std::shared_ptr<const std::string> message;
  std::size_t frame_count = 0;                 ///< frames in this part
  std::size_t total = 0;                       ///< frames in the whole history (hello's history_size)
  bool more = false;                           ///< whether the next part follows
  std::vector<const FrameProfile*> frames;     ///< live: identities, to skip live duplicates
  /// A replay's part that could not be built (its file changed since it was indexed): what to tell the
  /// client, naming the file and the frame. `message` is then null.
  std::string error;
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
  bool replay() const noexcept { return options_.replay != nullptr || options_.replay_index != nullptr; }
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
  /// Part `part` of the history for a new client or a get_history command. A live server's is one
  /// message, built once per distinct ring content and encoding (`part` must be 0); a replay's is the
  /// saved session in parts of at most max_history_message bytes, asked for in order, each built when
  /// first asked for and shared while any client holds it; a replay_index's part is read from the file
  /// then, and is an `error` when the file changed. Any thread.
  history_part history(frame_encoding encoding = frame_encoding::json, std::size_t part = 0);

 private:
  std::vector<std::weak_ptr<websocket_session>> sessions_snapshot();
  history_part live_history(frame_encoding encoding);  // history_mutex_ held
  history_part replay_history(frame_encoding encoding, std::size_t part);  // history_mutex_ held
  void build_replay_part(frame_encoding encoding, std::size_t part, history_part& out);  // history_mutex_ held
  std::size_t replay_size() const noexcept;
  /// The replay's `i`-th frame's object text; throws format_error when its file changed.
  std::string replay_frame_text(std::size_t i, frame_encoding encoding) const;

  serve_options options_;
  std::filesystem::path panel_dir_;
  std::vector<std::filesystem::path> source_roots_;
  std::uint16_t port_ = 0;

  mutable std::mutex sessions_mutex_;
  std::unordered_set<websocket_session*> sessions_;
  std::size_t sessions_by_encoding_[2] = {0, 0};  ///< indexed by frame_encoding

  struct history_cache {
    history_part view;
    std::shared_ptr<const FrameProfile> last;  ///< held, so its address is not reused
    std::size_t size = static_cast<std::size_t>(-1);
  };
  /// A replay's parts in one encoding. Memory: what clients hold, plus the newest few parts.
  struct replay_parts {
    std::vector<std::size_t> starts{0};                   ///< first frame of each part delimited so far
    std::vector<std::weak_ptr<const std::string>> texts;  ///< each part's message, while anyone holds it
    std::deque<std::shared_ptr<const std::string>> recent;  ///< the newest built, for clients a little behind
    std::size_t spare_frame = static_cast<std::size_t>(-1);  ///< the frame that ended the newest part ...
    std::string spare_text;                                 ///< ... and its text, which starts the next
  };
  std::mutex history_mutex_;
  history_cache cached_history_[2];  ///< indexed by frame_encoding
  replay_parts replay_parts_[2];     ///< indexed by frame_encoding
  std::string replay_error_;         ///< the last error reported on stderr, to report each once
};

}  // namespace yams::detail
