// One WebSocket client: hello and history on connect, then every finished frame, through a bounded
// queue with one write in flight; when the queue is full the oldest frames are dropped and counted.
#pragma once

#include "frame_bus.hpp"
#include "server/shared_state.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_set>

namespace yams::detail {

class websocket_session : public std::enable_shared_from_this<websocket_session> {
 public:
  websocket_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<shared_state> state);
  ~websocket_session();

  /// Accepts the upgrade `req` (already checked by the HTTP session). Server threads.
  void run(boost::beast::http::request<boost::beast::http::string_body> req);
  /// Queues a live frame for this client, dropping its oldest queued frame when full. Any thread.
  void send_frame(const published_frame& frame);
  /// Queues a status message (profiling was switched on or off). Any thread.
  void notify_status();
  /// Sends a close frame (going away) and ends the session. Any thread.
  void close();

 private:
  /// `history`: a reply to get_history (replaced by a newer one while waiting).
  enum class entry_kind { frame, control, status, history };
  struct entry {
    entry_kind kind;
    std::shared_ptr<const std::string> text;  ///< filled at write time for `status`
  };

  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle_message();
  void queue_frame(const published_frame& frame);
  void queue_control(std::string text);
  void queue_control(std::shared_ptr<const std::string> text);
  void queue_status();
  void queue_history();
  void set_encoding(frame_encoding encoding);
  bool drop_oldest_frame();
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void do_close();
  void watch_for_stall();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  boost::asio::steady_timer stall_timer_;  ///< checks that a write in flight makes progress
  std::chrono::steady_clock::time_point write_started_;
  std::shared_ptr<shared_state> state_;
  frame_encoding encoding_ = frame_encoding::json;  ///< of the frames and history queued from now on
  std::deque<entry> queue_;  ///< the front is being written while writing_
  std::unordered_set<const FrameProfile*> in_history_;  ///< live frames the history already held
  std::size_t frames_queued_ = 0;
  std::size_t controls_queued_ = 0;
  std::uint64_t dropped_ = 0;
  bool writing_ = false;
  bool status_queued_ = false;
  bool accepted_ = false;
  bool joined_ = false;
  bool closing_ = false;
  bool read_paused_ = false;
};

}  // namespace yams::detail
