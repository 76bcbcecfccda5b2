// Reading HTTP requests on a strand, answering them, and upgrading /ws after its checks.
#include "server/http_session.hpp"

#include "server/fail.hpp"
#include "server/http_responses.hpp"
#include "server/websocket_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <chrono>

namespace yams::detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {
constexpr std::uint64_t max_request_body = 8 * 1024;
constexpr auto request_timeout = std::chrono::seconds(30);
}  // namespace

http_session::http_session(net::ip::tcp::socket&& socket, std::shared_ptr<shared_state> state)
    : stream_(std::move(socket)), state_(std::move(state)) {}

void http_session::run() {
  net::dispatch(stream_.get_executor(), beast::bind_front_handler(&http_session::do_read, shared_from_this()));
}

void http_session::do_read() {
  parser_.emplace();
  parser_->body_limit(max_request_body);
  stream_.expires_after(request_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return do_close();
  if (ec.category() == beast::http::make_error_code(http::error::bad_target).category()) {
    return refuse_malformed(ec);
  }
  if (ec) return fail(ec, "http read");
  auto req = parser_->release();
  if (beast::websocket::is_upgrade(req)) {
    if (auto refusal = refuse_upgrade(*state_, req)) {
      refusal->keep_alive(false);
      return send(std::move(*refusal));
    }
    stream_.expires_never();
    std::make_shared<websocket_session>(stream_.release_socket(), state_)->run(std::move(req));
    return;
  }
  send(respond(*state_, std::move(req)));
}

void http_session::refuse_malformed(beast::error_code ec) {
  const bool too_large = ec == http::error::body_limit || ec == http::error::header_limit;
  http::response<http::string_body> res{
      too_large ? http::status::payload_too_large : http::status::bad_request, 11};
  res.set(http::field::server, "yams");
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body() = "malformed HTTP request: " + ec.message() + "\n";
  res.keep_alive(false);
  res.prepare_payload();
  send(std::move(res));
}

void http_session::send(http::message_generator&& message) {
  const bool keep_alive = message.keep_alive();
  beast::async_write(stream_, std::move(message),
                     beast::bind_front_handler(&http_session::on_write, shared_from_this(), keep_alive));
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "http write");
  if (!keep_alive) return do_close();
  do_read();
}

void http_session::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace yams::detail
