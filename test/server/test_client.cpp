// The test clients: every operation is asynchronous under io_context::run_for, so none can hang.
#include "test_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <stdexcept>

namespace yams::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

template <class Start>
beast::error_code ws_client::run_op(Start start, std::chrono::milliseconds timeout) {
  std::optional<beast::error_code> result;
  start([&](beast::error_code ec, auto&&...) { result = ec; });
  ioc_.restart();
  ioc_.run_for(timeout);
  if (!result) {
    beast::get_lowest_layer(ws_).cancel();
    ioc_.restart();
    ioc_.run();
    throw std::runtime_error("test client: timed out after " + std::to_string(timeout.count()) + " ms");
  }
  return *result;
}

ws_client::ws_client(std::uint16_t port, const std::string& target, const headers& extra, int receive_buffer)
    : ws_(ioc_) {
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  if (receive_buffer > 0) {
    auto& socket = beast::get_lowest_layer(ws_).socket();
    socket.open(tcp::v4());
    socket.set_option(net::socket_base::receive_buffer_size(receive_buffer));
  }
  auto ec = run_op([&](auto h) { beast::get_lowest_layer(ws_).async_connect(endpoint, h); }, 5000ms);
  if (ec) throw std::runtime_error("test client: connect: " + ec.message());
  ws_.set_option(websocket::stream_base::decorator([extra](websocket::request_type& req) {
    for (const auto& [name, value] : extra) req.set(name, value);
  }));
  ws_.read_message_max(0);
  websocket::response_type res;
  ec = run_op([&](auto h) { ws_.async_handshake(res, "127.0.0.1:" + std::to_string(port), target, h); },
              5000ms);
  status_ = res.result_int();
  body_ = res.body();
  accepted_ = !ec;
}

std::string ws_client::read(std::chrono::milliseconds timeout) {
  buffer_.clear();
  const auto ec = run_op([&](auto h) { ws_.async_read(buffer_, h); }, timeout);
  if (ec) throw std::runtime_error("test client: read: " + ec.message());
  return beast::buffers_to_string(buffer_.data());
}

nlohmann::json ws_client::read_json(std::chrono::milliseconds timeout) {
  return nlohmann::json::parse(read(timeout));
}

nlohmann::json ws_client::read_type(const std::string& type, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto j = read_json(std::max(left, std::chrono::milliseconds(1)));
    if (j.value("type", "") == type) return j;
  }
}

beast::error_code ws_client::read_until_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    buffer_.clear();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const auto ec = run_op([&](auto h) { ws_.async_read(buffer_, h); }, std::max(left, std::chrono::milliseconds(1)));
    if (ec) return ec;
  }
}

void ws_client::write(const std::string& text, bool binary) {
  ws_.binary(binary);
  const auto ec = run_op([&](auto h) { ws_.async_write(net::buffer(text), h); }, 5000ms);
  if (ec) throw std::runtime_error("test client: write: " + ec.message());
}

http::response<http::string_body> http_get(std::uint16_t port, const std::string& target, const headers& extra,
                                           http::verb method) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(5s);
  http::request<http::empty_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [name, value] : extra) req.set(name, value);
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (method == http::verb::head) parser.skip(true);
  beast::flat_buffer buffer;
  beast::error_code result = net::error::would_block;
  stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
    if (ec) {
      result = ec;
      return;
    }
    http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
      if (ec) {
        result = ec;
        return;
      }
      http::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) { result = ec; });
    });
  });
  ioc.run();
  if (result) throw std::runtime_error("http_get " + target + ": " + result.message());
  return parser.release();
}

}  // namespace yams::test
