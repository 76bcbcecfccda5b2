// One HTTP connection: reads requests (keep-alive), answers them, or hands an accepted upgrade to /ws
// over to a websocket_session.
#pragma once

#include "server/shared_state.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <memory>
#include <optional>

namespace yams::detail {

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<shared_state> state);
  /// Starts reading requests. Server threads.
  void run();

 private:
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  /// Answers a request that could not be parsed (400, or 413 when too large) and closes.
  void refuse_malformed(boost::beast::error_code ec);
  void send(boost::beast::http::message_generator&& message);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void do_close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<shared_state> state_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
};

}  // namespace yams::detail
