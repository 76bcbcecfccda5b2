// Accepts TCP connections on the server's address and starts an http_session for each.
#pragma once

#include "server/shared_state.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include <memory>

namespace yams::detail {

class listener : public std::enable_shared_from_this<listener> {
 public:
  /// Opens, binds and listens; throws std::system_error naming the endpoint when it cannot.
  listener(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint,
           std::shared_ptr<shared_state> state);
  /// The bound endpoint (with the chosen port when 0 was asked for).
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  /// Starts accepting. Call once, from the thread that created the listener.
  void run();
  /// Stops accepting. Any thread.
  void stop();

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  /// Waits before accepting again after a failed accept (on the acceptor's strand, like it).
  boost::asio::steady_timer retry_;
  bool accept_failing_ = false;
  std::shared_ptr<shared_state> state_;
};

}  // namespace yams::detail
