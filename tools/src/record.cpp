// `yams record`: one Beast WebSocket client on one thread. It handles hello (opens the file with the
// server's session id), history, a part at a time, and profile_frame (writes each frame not among the
// last ones written, one flushed line each), status (the server's dropped count) and error messages;
// SIGINT, SIGTERM or --frames ask the server for a last status and close, --seconds does so once the
// history (the one after hello, or one in parts) is complete; a server close, a lost connection or a
// second hello ends it too.
#include "record.hpp"

#include "cli.hpp"
#include "json_spans.hpp"
#include "printable.hpp"

#include <yams/session.hpp>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <deque>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace yams::tool {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using nlohmann::json;

struct ws_url {
  std::string host, port, target;
  std::string dropped_encoding;  ///< the value of an `encoding` query parameter taken out of the target
  std::string dropped_history;   ///< the value of a `history` query parameter taken out of the target
};

// `target` without its `name` query parameters; `dropped` gets the value of the last one taken out.
std::string without_param(const std::string& target, const std::string& name, std::string& dropped) {
  const auto q = target.find('?');
  if (q == std::string::npos) return target;
  std::string kept;
  std::size_t begin = q + 1;
  while (begin <= target.size()) {
    const std::size_t end = std::min(target.find('&', begin), target.size());
    const std::string param = target.substr(begin, end - begin);
    const std::string param_name = param.substr(0, param.find('='));
    if (param_name == name) {
      dropped = param.size() > name.size() ? param.substr(name.size() + 1) : std::string();
    } else if (!param.empty()) {
      kept += (kept.empty() ? "" : "&") + param;
    }
    begin = end + 1;
  }
  return target.substr(0, q) + (kept.empty() ? "" : "?" + kept);
}

// The recorder writes the frame JSON, so it never asks for another encoding, and it takes a long history
// (a replay's) a part at a time, as several messages: `encoding` and `history` query parameters are
// replaced by `history=parts`; the rest of the query (a token) stays (see docs/protocol.md).
void set_query(ws_url& u) {
  u.target = without_param(u.target, "encoding", u.dropped_encoding);
  u.target = without_param(u.target, "history", u.dropped_history);
  u.target += (u.target.find('?') == std::string::npos ? "?" : "&") + std::string("history=parts");
}

ws_url parse_ws_url(const std::string& url) {
  const std::string scheme = "ws://";
  if (!url.starts_with(scheme)) throw usage_error("expected a ws://HOST:PORT[/ws] URL, got '" + url + "'");
  std::string rest = url.substr(scheme.size());
  ws_url u;
  const auto slash = rest.find_first_of("/?");
  u.target = slash == std::string::npos ? "/ws" : rest.substr(slash);
  if (u.target == "/") u.target = "/ws";
  if (u.target.starts_with('?')) u.target = "/ws" + u.target;
  set_query(u);
  rest = rest.substr(0, slash);
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon + 1 == rest.size() || colon == 0)
    throw usage_error("expected HOST:PORT in '" + url + "'");
  u.host = rest.substr(0, colon);
  u.port = rest.substr(colon + 1);
  // A service name or an out-of-range number would be taken by the resolver (99999 as 34463).
  unsigned long port = 0;
  const auto r = std::from_chars(u.port.data(), u.port.data() + u.port.size(), port);
  if (r.ec != std::errc() || r.ptr != u.port.data() + u.port.size() || port < 1 || port > 65535)
    throw usage_error("expected a port from 1 to 65535 in '" + url + "', got '" + u.port + "'");
  return u;
}

/// The server answered the WebSocket upgrade with an HTTP error; what() gives its status and reason.
class refused_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "401 Unauthorized: <the body's first 300 bytes>" of a response refusing the upgrade.
std::string refusal(const websocket::response_type& res) {
  std::string body = res.body().substr(0, 300);
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.pop_back();
  std::string what = std::to_string(res.result_int()) + " " + std::string(res.reason());
  return body.empty() ? what : what + ": " + body;
}

struct record_options {
  ws_url url;
  std::string out, token;
  bool enable = false;
  std::optional<std::size_t> max_frames;  // absent: until interrupted or closed
  std::optional<double> seconds;          // absent: no time limit
};

// The most --frames: a billion (six months at 60 frames a second), as yams-duckhunt's --frames.
constexpr unsigned long max_frame_limit = 1'000'000'000;
// Once --seconds is up, how long the recorder waits for each message of a history still to come.
constexpr std::chrono::seconds history_stall_limit{10};
// A read buffer larger than this, left by a history sent as one message, is given back after it.
constexpr std::size_t max_kept_buffer = std::size_t{16} << 20;
// The longest --seconds: a billion seconds (31 years); a longer limit is taken as this one, which keeps
// the timer's nanoseconds far from overflowing.
constexpr double max_seconds = 1e9;

// The frames written last, so that one arriving twice is written once, in bounded memory (hours of
// recording). A `history` and the live frames around it may overlap (docs/protocol.md), but a
// repeated frame is always among the history's length of frames written last: both are a server's
// latest frames, sent in the order they were finished. Twice the longest history is kept, for margin.
// A frame is known by its number and timestamp: a game's own numbers (yams::begin_frame) may repeat.
class recent_frames {
 public:
  /// Keeps at least the last `n` frames from now on.
  void keep_at_least(std::size_t n) { capacity_ = std::max(capacity_, n); }

  /// Whether the frame is not among those kept; if not, it is kept and the oldest beyond the capacity
  /// are forgotten.
  bool add(std::uint64_t frame, double timestamp) {
    const key k{frame, timestamp};
    if (!keys_.insert(k).second) return false;
    order_.push_back(k);
    while (order_.size() > capacity_) {
      keys_.erase(order_.front());
      order_.pop_front();
    }
    return true;
  }

 private:
  using key = std::pair<std::uint64_t, double>;
  std::set<key> keys_;
  std::deque<key> order_;  // keys_ in the order written
  std::size_t capacity_ = 128;  // twice the runtime's default history of 60 frames, and then some
};

class recorder {
 public:
  explicit recorder(record_options o)
      : opt_(std::move(o)), resolver_(io_), ws_(io_), signals_(io_, SIGINT, SIGTERM), timer_(io_) {}

  int run() {
    signals_.async_wait([this](beast::error_code ec, int) {
      if (!ec) stop("interrupted");
    });
    const auto results = resolver_.resolve(opt_.url.host, opt_.url.port);
    beast::get_lowest_layer(ws_).connect(results);
    ws_.set_option(websocket::stream_base::decorator([this](websocket::request_type& req) {
      req.set(beast::http::field::user_agent, "yams-record");
      if (!opt_.token.empty()) req.set("X-Yams-Token", opt_.token);
    }));
    websocket::response_type res;
    beast::error_code ec;
    ws_.handshake(res, opt_.url.host + ":" + opt_.url.port, opt_.url.target, ec);
    if (ec == websocket::error::upgrade_declined)
      throw refused_error("the server refused the connection: " + refusal(res));
    if (ec) throw boost::system::system_error(ec);
    // After the upgrade: a close handshake the server never answers gives up after 5 s.
    websocket::stream_base::timeout limits{};
    limits.handshake_timeout = std::chrono::seconds(5);
    limits.idle_timeout = websocket::stream_base::none();
    limits.keep_alive_pings = false;
    ws_.set_option(limits);
    // A replay's history comes in parts of at most 4 MiB (or one larger frame); a server from before
    // `history=parts` sends it as one message, larger than Beast's 16 MB default allows.
    ws_.read_message_max(std::uint64_t{1} << 30);
    if (opt_.seconds) {
      timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(*opt_.seconds)));
      timer_.async_wait([this](beast::error_code ec) {
        if (!ec) on_time_limit();
      });
    }
    do_read();
    io_.run();
    return finish();
  }

 private:
  void do_read() {
    ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) { on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      if (ec != websocket::error::closed && !closing_) end_reason_ = "connection lost: " + ec.message();
      else if (end_reason_.empty()) end_reason_ = "server closed the connection";
      signals_.cancel();
      timer_.cancel();
      return;
    }
    try {
      handle(static_cast<const char*>(buffer_.data().data()), buffer_.size());  // parsed in place, not copied
    } catch (const nlohmann::json::exception& e) {
      std::cerr << "yams: record: ignoring a malformed message: " << printable(e.what()) << '\n';
    }
    buffer_.consume(buffer_.size());
    if (buffer_.capacity() > max_kept_buffer) buffer_.shrink_to_fit();  // after a history sent whole
    if (time_up_ && !stopping_) wait_for_history();
    do_read();
  }

  // The message is checked as JSON first (nothing of a malformed one is written), then read without
  // building it whole: a history's frames or a profile_frame's data are found as texts and each frame is
  // parsed once, from its text; the message's other keys are parsed as before.
  void handle(const char* text, std::size_t size) {
    const std::string_view message(text, size);
    const std::size_t first = message.find_first_not_of(" \t\n\r");
    if (first == std::string_view::npos || message[first] != '{' || !json::accept(message.begin(), message.end())) {
      std::cerr << "yams: record: ignoring a message that is not a JSON object\n";
      return;
    }
    const auto members = json_object_members(message);
    std::string_view type_text;  // the last "type" wins, as in a parsed object
    for (const auto& [key, value] : members)
      if (key == "type") type_text = value;
    const json type_value = type_text.empty() ? json() : json::parse(type_text.begin(), type_text.end());
    const std::string frames_key = type_value == "history" ? "frames" : type_value == "profile_frame" ? "data" : "";
    json m = json::object();
    std::optional<std::string_view> frames_text;
    for (const auto& [key, value] : members) {
      if (key == frames_key) frames_text = value;
      else m[key] = json::parse(value.begin(), value.end());
    }
    const std::string type = m.value("type", "");
    if (type == "hello") on_hello(m);
    else if (type == "history") on_history(m, frames_text);
    else if (type == "profile_frame") on_frame(frames_text.value_or(std::string_view()));
    else if (type == "status") on_status(m);
    else if (type == "error") std::cerr << "yams: record: server error: " << printable(m.value("message", "")) << '\n';
  }

  void on_hello(const json& m) {
    SessionInfo info;
    info.session_id = m.value("session_id", "");
    info.start_time = m.value("start_time", 0.0);
    if (writer_) {
      // The protocol has one hello a connection: another is a new start whose frames are not this file's.
      if (!stopping_) stop("the server sent a second hello (session " + printable(info.session_id) +
                           "); frames after it are not recorded");
      return;
    }
    writer_.emplace(opt_.out, info);
    history_size_ = m.value("history_size", std::uint64_t{0});
    history_pending_ = history_size_ > 0;  // the history follows hello
    const bool replay = m.value("replay", false);
    std::cerr << "yams: recording session " << printable(info.session_id) << " to " << opt_.out
              << (replay ? " (a replayed session)" : "") << '\n';
    if (replay) return;  // every frame arrives as history; profiling commands are refused
    if (opt_.enable) send(R"({"command":"enable_profiling"})");
    else if (!m.value("enabled", true)) std::cerr << "yams: profiling is off in the game; pass --enable to turn it on\n";
  }

  // One history message: a whole history, or a part of one when `more` is true (docs/protocol.md). A
  // history in parts is a replay's, which sends no live frames; a live server's history is one message.
  // Live frames overlapping a history are its newest, all in its last part, so twice the longest
  // message's frames are remembered, not a whole replay's.
  void on_history(const json& m, std::optional<std::string_view> frames_text) {
    if (!frames_text || !frames_text->starts_with('[')) return;
    const std::vector<std::string_view> frames = json_array_elements(*frames_text);  // texts, not copies
    if (!history_pending_) history_received_ = 0;  // another history starts
    history_received_ += frames.size();
    recent_.keep_at_least(2 * frames.size());
    for (const std::string_view f : frames) {
      if (stopping_) break;
      on_frame(f);
    }
    const auto more = m.find("more");
    history_pending_ = more != m.end() && more->is_boolean() && more->get<bool>();
    if (!history_pending_ && time_up_) stop("time limit reached");
  }

  // One frame object's text (anything else is passed over), parsed once and written.
  void on_frame(std::string_view data) {
    if (!writer_ || !data.starts_with('{') || stopping_) return;
    FrameProfile f;
    try {
      f = frame_from_json(data);
    } catch (const format_error& e) {
      std::cerr << "yams: record: skipping a malformed frame: " << printable(e.what()) << '\n';
      return;
    }
    if (!recent_.add(f.frame, f.timestamp)) return;  // history and live frames may overlap
    writer_->write(f);
    if (opt_.max_frames && writer_->frames_written() >= *opt_.max_frames) stop("frame limit reached");
  }

  void on_status(const json& m) {
    dropped_ = m.value("dropped", dropped_);
    if (stopping_) close();
  }

  // --seconds ends the recording between histories: with the history on connect or part of one still to
  // come, after its last part. A server that then sends nothing for a while is not waited for.
  void on_time_limit() {
    if (!history_pending_) return stop("time limit reached");
    time_up_ = true;
    if (writer_)
      std::cerr << "yams: record: time limit reached; finishing the history (" << history_received_ << " of "
                << history_size_ << " frames received)\n";
    else
      std::cerr << "yams: record: time limit reached; waiting for the server's hello and history\n";
    wait_for_history();
  }

  // (Re)starts the wait for the server's next message once the time is up.
  void wait_for_history() {
    timer_.expires_after(history_stall_limit);
    timer_.async_wait([this](beast::error_code ec) {
      if (!ec)
        stop("time limit reached, and the server sent nothing for " + std::to_string(history_stall_limit.count()) +
             " s while its history was due");
    });
  }

  // Asks for a last status (the dropped count), then closes; closes anyway after a second.
  void stop(const std::string& why) {
    if (stopping_) return;
    stopping_ = true;
    end_reason_ = why;
    send(R"({"command":"get_status"})");
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([this](beast::error_code ec) {
      if (!ec) close();
    });
  }

  void close() {
    if (closing_) return;
    closing_ = true;
    timer_.cancel();
    ws_.async_close(websocket::close_code::normal, [](beast::error_code) {});
  }

  // One write in flight at a time: commands are tiny and rare, so later ones wait in `outbox_`.
  void send(std::string text) {
    outbox_.push_back(std::move(text));
    if (outbox_.size() == 1) do_write();
  }
  void do_write() {
    ws_.async_write(asio::buffer(outbox_.front()), [this](beast::error_code ec, std::size_t) {
      outbox_.pop_front();
      if (!ec && !outbox_.empty()) do_write();
    });
  }

  int finish() {
    if (!writer_) {
      std::cerr << "yams: record: no hello from the server (" << end_reason_ << "); nothing written\n";
      return 1;
    }
    writer_->close();
    std::cerr << "yams: " << end_reason_ << "; " << writer_->frames_written() << " frames written to " << opt_.out
              << ", " << dropped_ << " dropped by the server\n";
    if (history_pending_)  // Ctrl-C, --frames or the connection ended it before the history's last part
      std::cerr << "yams: record: the recording ended before the end of the server's history of " << history_size_
                << " frames\n";
    return 0;
  }

  record_options opt_;
  asio::io_context io_;
  tcp::resolver resolver_;
  websocket::stream<beast::tcp_stream> ws_;
  asio::signal_set signals_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;  // a deque: queued texts stay put while one is written
  std::optional<session_writer> writer_;
  recent_frames recent_;
  std::uint64_t dropped_ = 0;
  std::uint64_t history_size_ = 0;      // hello's: the frames of the history on connect
  std::uint64_t history_received_ = 0;  // frames in the messages of the latest history so far
  bool history_pending_ = true;         // hello and its history, or the rest of one in parts, are to come
  bool time_up_ = false;                // --seconds passed while history_pending_
  bool stopping_ = false, closing_ = false;
  std::string end_reason_;
};

}  // namespace

int run_record(const std::vector<std::string>& args) {
  const parsed_args a = parse_args(args, {"-o", "--output", "--token", "--frames", "--seconds"}, {"--enable"});
  if (a.positional.size() != 1) throw usage_error("expected exactly one ws://HOST:PORT URL");
  record_options o;
  o.url = parse_ws_url(a.positional[0]);
  o.out = a.get("-o", a.get("--output"));
  if (o.out.empty()) throw usage_error("missing -o FILE");
  o.token = a.get("--token");
  o.enable = a.has("--enable");
  if (a.has("--frames")) o.max_frames = a.get_count("--frames", 0, 1, max_frame_limit);
  if (a.has("--seconds")) o.seconds = std::min(a.get_positive("--seconds", 0, "seconds"), max_seconds);
  if (!o.url.dropped_encoding.empty() && o.url.dropped_encoding != "json")
    std::cerr << "yams: record: ignoring encoding=" << printable(o.url.dropped_encoding)
              << " in the URL: the recorder always receives and writes the frame JSON\n";
  if (!o.url.dropped_history.empty() && o.url.dropped_history != "parts")
    std::cerr << "yams: record: ignoring history=" << printable(o.url.dropped_history)
              << " in the URL: the recorder takes a long history in parts\n";
  try {
    return recorder(std::move(o)).run();
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("record: cannot connect to " + a.positional[0] + ": " + e.code().message());
  } catch (const refused_error& e) {
    throw std::runtime_error("record: cannot connect to " + a.positional[0] + ": " + e.what());
  }
}

}  // namespace yams::tool
