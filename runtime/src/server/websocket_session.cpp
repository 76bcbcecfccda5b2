// A WebSocket client's life: accept, hello + history, commands in, frames out through a bounded queue.
#include "server/websocket_session.hpp"

#include "server/fail.hpp"
#include "server/http_routes.hpp"
#include "collector.hpp"
#include "server/protocol.hpp"

#include <yams/yams.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <utility>

namespace yams::detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;

namespace {
/// Replies waiting to be written beyond which the session stops reading commands until they drain.
constexpr std::size_t max_pending_replies = 16;

/// `text` as a close frame's reason: at most 123 bytes, printable ASCII (a file name's other bytes as '?').
std::string close_reason_text(std::string_view text) {
  constexpr std::size_t max_reason = 123;
  std::string out;
  for (const char c : text.substr(0, max_reason)) out += c >= 0x20 && c < 0x7f ? c : '?';
  if (text.size() > max_reason) out.replace(max_reason - 3, 3, "...");
  return out;
}
}  // namespace

websocket_session::websocket_session(net::ip::tcp::socket&& socket, std::shared_ptr<shared_state> state)
    : ws_(std::move(socket)), stall_timer_(ws_.get_executor()), state_(std::move(state)) {}

websocket_session::~websocket_session() {
  if (joined_) state_->leave(this, encoding_);
}

void websocket_session::run(http::request<http::string_body> req) {
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "yams"); }));
  ws_.read_message_max(max_client_message);
  ws_.auto_fragment(false);
  ws_.text(true);
  // `/ws?encoding=compact` starts the connection in that encoding, history included; `history=parts`
  // has a long history sent as several messages (refuse_upgrade turned away unknown names).
  const auto query = split_target(req.target()).query;
  if (const auto e = query_value(query, "encoding")) {
    encoding_ = encoding_from_name(*e).value_or(frame_encoding::json);
  }
  if (const auto h = query_value(query, "history")) {
    history_mode_ = history_mode_from_name(*h).value_or(history_mode::whole);
  }
  ws_.async_accept(req, beast::bind_front_handler(&websocket_session::on_accept, shared_from_this()));
}

void websocket_session::send_frame(const published_frame& frame) {
  net::post(ws_.get_executor(), [self = shared_from_this(), frame] { self->queue_frame(frame); });
}

void websocket_session::notify_status() {
  net::post(ws_.get_executor(), [self = shared_from_this()] {
    if (self->accepted_ && !self->closing_) self->queue_status();
  });
}

void websocket_session::close() {
  net::post(ws_.get_executor(), [self = shared_from_this()] { self->do_close(); });
}

void websocket_session::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "websocket accept");
  accepted_ = true;
  if (closing_) return;
  // Join before taking the history: a frame finished meanwhile arrives both ways and is skipped live.
  state_->join(this, encoding_);
  joined_ = true;
  auto first = state_->history(encoding_);
  in_history_.insert(first.frames.begin(), first.frames.end());
  queue_control(std::make_shared<const std::string>(
      hello_message(state_->session(), state_->enabled(), first.total, state_->replay(), encoding_,
                    state_->options().replay_file, yams::recorded_kinds())));
  start_history(std::move(first));
  do_read();
  watch_for_stall();
}

void websocket_session::watch_for_stall() {
  if (closing_) return;
  stall_timer_.expires_after(std::chrono::seconds(1));
  stall_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closing_) return;
    const auto limit = std::chrono::seconds(std::max<std::uint32_t>(1, self->state_->options().client_stall_seconds));
    if (self->writing_ && std::chrono::steady_clock::now() - self->write_started_ >= limit) {
      // Everything queued for it is held until it reads: a client that stopped reading goes.
      std::fprintf(stderr, "yams server: a WebSocket client read nothing for %u s; disconnecting it\n",
                   static_cast<unsigned>(limit.count()));
      self->closing_ = true;
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().close(ignored);
      return;
    }
    self->watch_for_stall();
  });
}

void websocket_session::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&websocket_session::on_read, shared_from_this()));
}

void websocket_session::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    closing_ = true;  // the connection is over: queue nothing more
    if (ec != websocket::error::closed) fail(ec, "websocket read");
    return;
  }
  handle_message();
  buffer_.consume(buffer_.size());
  if (closing_) return;
  if (controls_queued_ >= max_pending_replies) {
    read_paused_ = true;  // resumed by on_write once the client reads its replies
    return;
  }
  do_read();
}

void websocket_session::handle_message() {
  if (!ws_.got_text()) {
    queue_control(error_message(
        R"(binary messages are not supported; send JSON text such as {"command":"get_status"})"));
    return;
  }
  const auto command = parse_command(beast::buffers_to_string(buffer_.data()));
  switch (command.kind) {
    case command_kind::invalid:
      queue_control(error_message(command.error));
      break;
    case command_kind::enable_profiling:
    case command_kind::disable_profiling:
      if (state_->replay()) {
        queue_control(error_message("this server replays a saved session; profiling cannot be enabled or "
                                    "disabled"));
        break;
      }
      if (command.kind == command_kind::enable_profiling) {
        yams::enable();
      } else {
        yams::disable();
      }
      queue_status();          // the reply, before any other session hears of it
      state_->notify_status(this);  // every other panel shows the new state too
      break;
    case command_kind::set_recorded_kinds:
      if (state_->replay()) {
        queue_control(error_message("this server replays a saved session; it records nothing"));
        break;
      }
      yams::set_recorded_kinds(command.kinds);  // from the next frame on
      queue_status();
      state_->notify_status(this);
      break;
    case command_kind::get_history:
      queue_history();
      break;
    case command_kind::set_encoding:
      set_encoding(command.encoding);
      break;
    case command_kind::get_status:
      queue_status();
      break;
  }
}

void websocket_session::set_encoding(frame_encoding encoding) {
  if (encoding != encoding_) state_->switch_encoding(encoding_, encoding);
  encoding_ = encoding;
  queue_control(encoding_message(encoding));  // every frame queued after this reply is in `encoding`
}

void websocket_session::queue_frame(const published_frame& frame) {
  if (!accepted_ || closing_ || !frame.frame) return;
  if (!in_history_.empty()) {
    if (in_history_.contains(frame.frame.get())) return;
    in_history_.clear();
  }
  auto message = encoding_ == frame_encoding::compact ? frame.compact : frame.message;
  if (!message) {
    // Published while no session used this encoding (this one switched meanwhile): write it here.
    message = std::make_shared<const std::string>(encoding_ == frame_encoding::compact
                                                      ? compact_frame_message(*frame.frame)
                                                      : profile_frame_message(*frame.frame));
  }
  const auto limit = std::max<std::size_t>(1, state_->options().client_queue_frames);
  if (frames_queued_ >= limit && !drop_oldest_frame()) {
    ++dropped_;  // nothing droppable but the frame in flight: this one goes instead
    queue_status();
    return;
  }
  queue_.push_back({entry_kind::frame, std::move(message)});
  ++frames_queued_;
  if (!writing_) do_write();
}

bool websocket_session::drop_oldest_frame() {
  auto it = queue_.begin();
  if (writing_ && it != queue_.end()) ++it;  // never the one being written
  it = std::find_if(it, queue_.end(), [](const entry& e) { return e.kind == entry_kind::frame; });
  if (it == queue_.end()) return false;
  queue_.erase(it);
  --frames_queued_;
  ++dropped_;
  queue_status();
  return true;
}

void websocket_session::queue_control(std::string text) {
  queue_control(std::make_shared<const std::string>(std::move(text)));
}

void websocket_session::queue_control(std::shared_ptr<const std::string> text) {
  if (closing_) return;
  queue_.push_back({entry_kind::control, std::move(text)});
  ++controls_queued_;
  if (!writing_) do_write();
}

void websocket_session::queue_history() {
  if (closing_) return;
  // A history still being sent is finished first (its parts are one message to the client); requests
  // meanwhile are answered by one history after it, so a client asking faster than it reads holds no
  // more than one part.
  if (history_sending_) {
    history_wanted_ = true;
    return;
  }
  start_history(state_->history(encoding_));
}

void websocket_session::start_history(history_part first) {
  history_sending_ = true;
  history_encoding_ = encoding_;
  history_next_ = 0;
  queue_history_part(std::move(first));
}

void websocket_session::queue_history_part(history_part part) {
  if (closing_) return;
  if (!part.error.empty()) return fail_history(part.error);
  entry e{entry_kind::history, std::move(part.message), history_next_ == 0, part.more};
  history_next_ = part.more ? history_next_ + 1 : 0;
  // A history written whole is one WebSocket message: nothing else may be written between its parts.
  if (history_mode_ == history_mode::whole && !e.first) {
    queue_.push_front(std::move(e));
  } else {
    queue_.push_back(std::move(e));
  }
  ++controls_queued_;
  if (!writing_) do_write();
}

// A replay's history that cannot be completed (its file changed since it was indexed): the client is told
// why in an `error` message, unless the history goes as one message already begun (nothing may come
// between its fragments), and in the close frame that ends the connection.
void websocket_session::fail_history(const std::string& error) {
  const bool mid_message = history_mode_ == history_mode::whole && history_next_ != 0;
  history_sending_ = false;
  history_wanted_ = false;
  history_next_ = 0;
  entry close{entry_kind::close, std::make_shared<const std::string>(close_reason_text(error))};
  if (mid_message) {
    queue_.push_front(std::move(close));
  } else {
    queue_control(error_message(error));
    queue_.push_back(std::move(close));
  }
  ++controls_queued_;
  if (!writing_) do_write();
}

void websocket_session::queue_status() {
  if (closing_ || status_queued_) return;  // one pending status reports the latest count when written
  status_queued_ = true;
  queue_.push_back({entry_kind::status, nullptr});
  ++controls_queued_;
  if (!writing_) do_write();
}

void websocket_session::do_write() {
  writing_ = true;
  write_started_ = std::chrono::steady_clock::now();
  auto& next = queue_.front();
  if (next.kind == entry_kind::status) {
    next.text =
        std::make_shared<const std::string>(status_message(state_->enabled(), dropped_, yams::recorded_kinds()));
    status_queued_ = false;
  }
  if (next.kind == entry_kind::close) {
    closing_ = true;
    stall_timer_.cancel();
    const websocket::close_reason reason(websocket::close_code::internal_error, *next.text);
    queue_.clear();
    ws_.async_close(reason, [self = shared_from_this()](beast::error_code ec) {
      if (ec) fail(ec, "websocket close");
    });
    return;
  }
  if (next.kind == entry_kind::history && history_mode_ == history_mode::whole && !(next.first && !next.more)) {
    return write_fragment(next);
  }
  ws_.async_write(net::buffer(*next.text),
                  beast::bind_front_handler(&websocket_session::on_write, shared_from_this()));
}

// One part of a history written whole: one WebSocket frame of the message all its parts make.
void websocket_session::write_fragment(const entry& part) {
  const auto pieces = history_fragment(*part.text, part.first, part.more);
  const std::array<net::const_buffer, 3> buffers{net::buffer(pieces[0].data(), pieces[0].size()),
                                                 net::buffer(pieces[1].data(), pieces[1].size()),
                                                 net::buffer(pieces[2].data(), pieces[2].size())};
  ws_.async_write_some(!part.more, buffers,
                       beast::bind_front_handler(&websocket_session::on_write, shared_from_this()));
}

void websocket_session::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) {
    closing_ = true;
    return fail(ec, "websocket write");
  }
  const auto written = std::move(queue_.front());
  if (written.kind == entry_kind::frame) {
    --frames_queued_;
  } else {
    --controls_queued_;
  }
  queue_.pop_front();
  if (closing_) return;
  if (written.kind == entry_kind::history) {
    if (written.more) {
      queue_history_part(state_->history(history_encoding_, history_next_));  // built now, if no one has it
    } else {
      history_sending_ = false;
      if (std::exchange(history_wanted_, false)) start_history(state_->history(encoding_));
    }
  }
  if (!writing_ && !queue_.empty()) do_write();
  if (read_paused_ && controls_queued_ < max_pending_replies) {
    read_paused_ = false;
    do_read();
  }
}

void websocket_session::do_close() {
  if (closing_) return;
  closing_ = true;
  stall_timer_.cancel();
  if (!accepted_) {
    beast::get_lowest_layer(ws_).close();  // the pending handshake fails and the session ends
    return;
  }
  // Keep only the message being written; async_close waits for it.
  if (writing_) {
    queue_.erase(queue_.begin() + 1, queue_.end());
  } else {
    queue_.clear();
  }
  ws_.async_close(websocket::close_code::going_away,
                  [self = shared_from_this()](beast::error_code ec) {
                    if (ec) fail(ec, "websocket close");
                  });
}

}  // namespace yams::detail
