// The accept loop; each connection gets its own strand.
#include "server/listener.hpp"

#include "server/fail.hpp"
#include "server/http_session.hpp"

#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include <chrono>
#include <string>
#include <system_error>

namespace yams::detail {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

void throw_if(beast::error_code ec, const char* step, const tcp::endpoint& endpoint) {
  if (!ec) return;
  const auto where = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  throw std::system_error(std::error_code(ec.value(), std::system_category()),
                          std::string("yams::serve: cannot ") + step + " " + where);
}

}  // namespace

listener::listener(net::io_context& ioc, const tcp::endpoint& endpoint, std::shared_ptr<shared_state> state)
    : ioc_(ioc), acceptor_(net::make_strand(ioc)), retry_(acceptor_.get_executor()), state_(std::move(state)) {
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  throw_if(ec, "open a socket for", endpoint);
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  throw_if(ec, "set SO_REUSEADDR on", endpoint);
  acceptor_.bind(endpoint, ec);
  throw_if(ec, "bind", endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  throw_if(ec, "listen on", endpoint);
}

tcp::endpoint listener::local_endpoint() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void listener::run() { do_accept(); }

void listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
    self->retry_.cancel();
  });
}

void listener::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // Out of file descriptors, say: accepting again at once would fail again at once, in a loop that
    // burns a core and floods stderr. Wait, and report only the first failure of a run.
    if (!accept_failing_) fail(ec, "accept (retrying every 100 ms, quietly until a connection is accepted)");
    accept_failing_ = true;
    retry_.expires_after(std::chrono::milliseconds(100));
    retry_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  accept_failing_ = false;
  socket.set_option(tcp::no_delay(true), ec);  // frames go out at once, not after a delayed ACK
  std::make_shared<http_session>(std::move(socket), state_)->run();
  do_accept();
}

}  // namespace yams::detail
