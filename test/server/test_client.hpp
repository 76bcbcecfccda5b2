// Real clients for the server tests: a Beast WebSocket client and a Beast HTTP GET, both with timeouts
// so a misbehaving server fails a test instead of hanging it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace yams::test {

using namespace std::chrono_literals;
using headers = std::vector<std::pair<std::string, std::string>>;

/// A WebSocket client of the server on 127.0.0.1:`port`.
class ws_client {
 public:
  /// Connects and upgrades at `target`; `ok()` says whether the server accepted and `status()` what
  /// it answered.
  /// A non-zero `receive_buffer` shrinks the socket's receive buffer (a client that reads slowly
  /// then stalls the server's writes sooner).
  explicit ws_client(std::uint16_t port, const std::string& target = "/ws", const headers& extra = {},
                     int receive_buffer = 0);

  bool ok() const { return accepted_; }
  unsigned status() const { return status_; }
  /// The body of a refused upgrade's response (the server's reason).
  const std::string& body() const { return body_; }
  /// The next message's text; throws std::runtime_error on timeout or error.
  std::string read(std::chrono::milliseconds timeout = 5000ms);
  /// The next message as JSON.
  nlohmann::json read_json(std::chrono::milliseconds timeout = 5000ms);
  /// The next message whose "type" is `type`, skipping others (e.g. live frames).
  nlohmann::json read_type(const std::string& type, std::chrono::milliseconds timeout = 5000ms);
  /// Reads until the connection ends; returns the read error (websocket::error::closed after a close
  /// frame) and leaves the close reason in `close_reason()`.
  boost::beast::error_code read_until_closed(std::chrono::milliseconds timeout = 5000ms);
  boost::beast::websocket::close_reason close_reason() const { return ws_.reason(); }
  /// Sends a text (or binary) message.
  void write(const std::string& text, bool binary = false);
  /// Whether the last read saw a binary message.
  bool last_was_text() const { return ws_.got_text(); }

 private:
  template <class Start>
  boost::beast::error_code run_op(Start start, std::chrono::milliseconds timeout);

  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  bool accepted_ = false;
  unsigned status_ = 0;
  std::string body_;
};

/// A plain HTTP/1.1 request to 127.0.0.1:`port`; throws std::runtime_error on timeout.
boost::beast::http::response<boost::beast::http::string_body> http_get(
    std::uint16_t port, const std::string& target, const headers& extra = {},
    boost::beast::http::verb method = boost::beast::http::verb::get);

}  // namespace yams::test
