// One WebSocket client: hello and history (a part at a time) on connect, then every finished frame,
// through a bounded queue with one write in flight; when the queue is full the oldest frames are dropped
// and counted.
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
  /// `history`: one part of a history (on connect or for get_history); the next is queued once it is
  /// written (at the front when the history is one message), so a client holds one part at a time.
  /// `close`: ends the connection with 1011 and `text` as the reason (a replay's history failed).
  enum class entry_kind { frame, control, status, history, close };
  struct entry {
    entry_kind kind;
    std::shared_ptr<const std::string> text;  ///< filled at write time for `status`
    bool first = false;                       ///< `history`: the history's first part
    bool more = false;                        ///< `history`: another part follows
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
  void start_history(history_part first);
  void queue_history_part(history_part part);
  void fail_history(const std::string& error);
  void set_encoding(frame_encoding encoding);
  bool drop_oldest_frame();
  void do_write();
  void write_fragment(const entry& part);
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
  history_mode history_mode_ = history_mode::whole;  ///< how histories of several parts are sent
  frame_encoding history_encoding_ = frame_encoding::json;  ///< of the history being sent
  std::size_t history_next_ = 0;                            ///< its next part
  bool history_sending_ = false;  ///< a history's parts are being queued and written
  bool history_wanted_ = false;   ///< a get_history waits for the history being sent to end
  bool writing_ = false;
  bool status_queued_ = false;
  bool accepted_ = false;
  bool joined_ = false;
  bool closing_ = false;
  bool read_paused_ = false;
};

}  // namespace yams::detail
