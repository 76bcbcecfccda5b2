// The live server: HTTP (the web panel's files, a read-only source endpoint) and WebSocket (/ws) on
// 127.0.0.1, streaming every finished frame to any number of browsers without ever blocking the game.
// docs/protocol.md describes the messages. Without code: run the game with YAMS_PROFILE_PORT=8765 and the
// runtime starts the server itself (YAMS_PROFILE_ADDRESS, YAMS_PROFILE_TOKEN, YAMS_SOURCE_ROOTS optional).
#pragma once

#include <yams/session.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace yams {

struct serve_options {
  std::string address = "127.0.0.1";       ///< anything else is logged as a warning
  std::uint16_t port = 8765;               ///< 0 picks a free port
  std::string panel_dir;                   ///< empty: $YAMS_PANEL_DIR, the build tree's, the installed one
  std::vector<std::string> source_roots;   ///< the source endpoint serves only files under these
  std::string token;                       ///< when set, required as ?token= or X-Yams-Token
  std::vector<std::string> allowed_origins;  ///< besides the server's own origin
  std::size_t client_queue_frames = 120;   ///< per-client send queue; oldest frames dropped beyond it
  std::size_t max_clients = 32;            ///< WebSocket clients at once; more are refused (503)
  /// A client that reads nothing of a message for this long is disconnected (it holds the memory of
  /// everything queued for it; a browser tab reads continuously, also in the background).
  std::uint32_t client_stall_seconds = 10;
  std::shared_ptr<const Session> replay;   ///< serve this saved session instead of live frames
  /// Or serve the session file this index reads, instead of live frames: each part of the history is read
  /// from the file again when a client asks for it (memory: the index and the parts being sent, not the
  /// session). A file changed since it was indexed ends that client's history with an error naming the
  /// file and the frame.
  std::shared_ptr<const session_index> replay_index;
  std::string replay_file;                 ///< the replayed session's file name, for the panel to show
};

struct server_info {
  std::string address;
  std::uint16_t port = 0;
  std::string url;  ///< the panel's URL, e.g. http://127.0.0.1:8765/
};

/// Starts the server on its own thread (stopping a running one first). Returns where it listens;
/// throws std::system_error when it cannot bind. Any thread but the collector's (not from inside the
/// broadcast callback: std::logic_error). Also before main (a game object's constructor). The game's
/// own call wins over YAMS_PROFILE_PORT: called before the variable's server started, it stops that
/// one from starting (and says so on stderr); called after, it replaces it.
server_info serve(const serve_options& options);
/// Closes every connection with a close frame and joins the server's threads. Called at exit. Any
/// thread but the collector's (from inside the broadcast callback it says so on stderr and does nothing).
void stop_serving() noexcept;
/// Whether a server is running.
bool serving() noexcept;

}  // namespace yams
