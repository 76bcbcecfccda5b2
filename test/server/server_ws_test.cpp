// The real server's WebSocket side with real Beast clients on 127.0.0.1: hello, history and live
// frames in order, commands, bad messages, origins and tokens, back-pressure, many clients, restart.
#include "server/fail.hpp"
#include "server_fixture.hpp"
#include "test_client.hpp"

#include <yams/session.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <future>
#include <thread>
#include <memory>
#include <string_view>

namespace yams::test {
namespace {

namespace websocket = boost::beast::websocket;
using nlohmann::json;

/// Reads hello and history; returns the history's frame numbers.
std::vector<std::uint64_t> read_greeting(ws_client& c, json* hello = nullptr) {
  auto h = c.read_json();
  EXPECT_EQ(h["type"], "hello");
  if (hello) *hello = h;
  auto history = c.read_json();
  EXPECT_EQ(history["type"], "history");
  EXPECT_EQ(history["frames"].size(), h["history_size"].get<std::size_t>());
  EXPECT_FALSE(history.contains("more"));  // a live history, or a short replay: one message
  std::vector<std::uint64_t> numbers;
  for (const auto& f : history["frames"]) numbers.push_back(f["frame"].get<std::uint64_t>());
  return numbers;
}

TEST_F(ServerTest, HelloHistoryThenLiveFramesInOrder) {
  std::vector<FrameProfile> before;  // recorded before the server listens: no message was serialised
  for (int i = 0; i < 3; ++i) before.push_back(record_frame(3));
  const auto port = start();
  ws_client c(port);
  ASSERT_TRUE(c.ok()) << c.status();
  json hello;
  const auto history = read_greeting(c, &hello);
  EXPECT_EQ(hello["protocol_version"], 1);
  EXPECT_EQ(hello["session_id"], yams::session().session_id);
  EXPECT_EQ(hello["enabled"], true);
  EXPECT_EQ(hello["replay"], false);
  ASSERT_GE(history.size(), 3u);
  EXPECT_EQ(std::vector<std::uint64_t>(history.end() - 3, history.end()),
            (std::vector<std::uint64_t>{before[0].frame, before[1].frame, before[2].frame}));

  for (int i = 0; i < 3; ++i) {
    const auto sent = record_frame(5);
    const auto msg = c.read_json();
    ASSERT_EQ(msg["type"], "profile_frame");
    const auto got = frame_from_json(msg["data"].dump());
    EXPECT_EQ(got.frame, sent.frame);
    ASSERT_EQ(got.calls.size(), sent.calls.size());
    EXPECT_EQ(got.calls.size(), 6u);
    EXPECT_EQ(got.calls[1].label, "Test Call");
    EXPECT_EQ(got.calls[1].parent_id, got.calls[0].id);
  }
}

TEST_F(ServerTest, CommandsToggleProfilingAndOtherPanelsHear) {
  const auto port = start();
  ws_client a(port), b(port);
  read_greeting(a);
  read_greeting(b);
  const json every_kind = {"engine", "lua_code", "lua_callback"};
  a.write(R"({"command":"disable_profiling"})");
  EXPECT_EQ(a.read_json(),
            (json{{"type", "status"}, {"enabled", false}, {"dropped", 0}, {"recorded_kinds", every_kind}}));
  EXPECT_FALSE(yams::enabled());
  EXPECT_EQ(b.read_type("status")["enabled"], false);
  a.write(R"({"command":"enable_profiling"})");
  EXPECT_EQ(a.read_json()["enabled"], true);
  EXPECT_TRUE(yams::enabled());
  a.write(R"({"command":"get_status"})");
  EXPECT_EQ(a.read_json(),
            (json{{"type", "status"}, {"enabled", true}, {"dropped", 0}, {"recorded_kinds", every_kind}}));
  const auto f = record_frame();
  EXPECT_EQ(a.read_json()["data"]["frame"], f.frame);
  a.write(R"({"command":"get_history"})");
  const auto h = a.read_json();
  ASSERT_EQ(h["type"], "history");
  EXPECT_EQ(h["frames"].back()["frame"], f.frame);
}

// The panel chooses the kinds of zones the game records: the reply and every other panel's status
// name them, the next frame leaves the others out and says so, and a bad list changes nothing.
TEST_F(ServerTest, APanelChoosesTheKindsOfZonesRecorded) {
  const auto port = start();
  ws_client a(port), b(port);
  json hello;
  read_greeting(a, &hello);
  EXPECT_EQ(hello["recorded_kinds"], json::parse(R"(["engine","lua_code","lua_callback"])"));
  read_greeting(b);
  a.write(R"({"command":"set_recorded_kinds","kinds":["lua_code"]})");
  EXPECT_EQ(a.read_json(),
            (json{{"type", "status"}, {"enabled", true}, {"dropped", 0}, {"recorded_kinds", {"lua_code"}}}));
  EXPECT_EQ(yams::recorded_kinds(), std::uint32_t{yams::zone_kind_lua_code});
  EXPECT_EQ(b.read_type("status")["recorded_kinds"], json::parse(R"(["lua_code"])"));
  a.write(R"({"command":"set_recorded_kinds","kinds":["lua_code","callbacks"]})");
  EXPECT_NE(a.read_type("error")["message"].get<std::string>().find(R"(kinds[1]: unknown zone kind "callbacks")"),
            std::string::npos);
  EXPECT_EQ(yams::recorded_kinds(), std::uint32_t{yams::zone_kind_lua_code});
  const auto f = record_frame();  // its zones are engine zones
  const auto frame = a.read_type("profile_frame")["data"];
  EXPECT_EQ(frame["frame"], f.frame);
  EXPECT_EQ(frame["skipped_kinds"], json::parse(R"(["engine","lua_callback"])"));
  EXPECT_EQ(frame["calls"].size(), 1u) << "the frame root only";
  a.write(R"({"command":"set_recorded_kinds","kinds":["engine","lua_code","lua_callback"]})");
  EXPECT_EQ(a.read_type("status")["recorded_kinds"].size(), 3u);
  EXPECT_EQ(yams::recorded_kinds(), std::uint32_t{yams::zone_kinds_all});
}

TEST_F(ServerTest, BadMessagesGetErrorsAndTheConnectionStays) {
  const auto port = start();
  ws_client c(port);
  read_greeting(c);
  c.write("{\"command\": ");
  auto e = c.read_json();
  EXPECT_EQ(e["type"], "error");
  EXPECT_NE(e["message"].get<std::string>().find("malformed JSON"), std::string::npos) << e;
  c.write(R"({"command":"self_destruct"})");
  e = c.read_json();
  EXPECT_NE(e["message"].get<std::string>().find("unknown command \"self_destruct\""), std::string::npos) << e;
  c.write(std::string("\x01\x02\x03", 3), true);
  e = c.read_json();
  EXPECT_NE(e["message"].get<std::string>().find("binary messages are not supported"), std::string::npos) << e;
  c.write(R"({"command":"get_status"})");
  EXPECT_EQ(c.read_json()["type"], "status");
}

TEST_F(ServerTest, OversizedMessageClosesWithCode1009) {
  const auto port = start();
  ws_client c(port);
  read_greeting(c);
  c.write(std::string(70 * 1024, 'x'));
  c.read_until_closed();  // the server may reset the connection right after its close frame
  EXPECT_EQ(c.close_reason().code, websocket::close_code::too_big);
  ws_client other(port);  // the server itself carries on
  EXPECT_TRUE(other.ok());
}

TEST_F(ServerTest, ForeignOriginIsRefusedBeforeTheUpgrade) {
  serve_options o;
  o.allowed_origins = {"http://localhost:5173"};
  const auto port = start(o);
  const auto p = std::to_string(port);
  ws_client evil(port, "/ws", {{"Origin", "https://evil.example"}});
  EXPECT_FALSE(evil.ok());
  EXPECT_EQ(evil.status(), 403u);
  ws_client other_port(port, "/ws", {{"Origin", "http://127.0.0.1:1"}});
  EXPECT_EQ(other_port.status(), 403u);
  for (const std::string origin : {"http://127.0.0.1:" + p, "http://localhost:" + p, std::string("http://localhost:5173")}) {
    ws_client ok(port, "/ws", {{"Origin", origin}});
    EXPECT_TRUE(ok.ok()) << origin;
    EXPECT_EQ(ok.read_json()["type"], "hello");
  }
  ws_client wrong_path(port, "/socket");
  EXPECT_EQ(wrong_path.status(), 404u);
}

TEST_F(ServerTest, TokenIsRequiredWhenSet) {
  serve_options o;
  o.token = "s3cret";
  const auto port = start(o);
  EXPECT_EQ(ws_client(port).status(), 401u);
  EXPECT_EQ(ws_client(port, "/ws?token=nope").status(), 401u);
  EXPECT_TRUE(ws_client(port, "/ws?token=s3cret").ok());
  EXPECT_TRUE(ws_client(port, "/ws", {{"X-Yams-Token", "s3cret"}}).ok());
}

/// The frame number of a profile_frame message without parsing its megabyte of calls, or 0.
std::uint64_t frame_number_of(const std::string& message) {
  constexpr std::string_view prefix = R"({"type":"profile_frame","data":{"frame":)";
  return message.starts_with(prefix) ? std::strtoull(message.c_str() + prefix.size(), nullptr, 10) : 0;
}

TEST_F(ServerTest, StalledClientDoesNotDelayAFastOneAndItsDropsAreCounted) {
  serve_options o;
  o.client_queue_frames = 4;
  const auto port = start(o);
  ws_client stalled(port, "/ws", {}, 4096);  // never reads until the end
  ws_client fast(port);
  read_greeting(fast);
  constexpr int frames = 40;
  std::vector<std::uint64_t> sent;
  for (int i = 0; i < frames; ++i) {
    sent.push_back(record_frame(1000).frame);
    ASSERT_EQ(frame_number_of(fast.read()), sent.back());  // arrives while the other client is stalled
  }
  fast.write(R"({"command":"get_status"})");
  EXPECT_EQ(fast.read_type("status")["dropped"], 0);

  read_greeting(stalled);
  stalled.write(R"({"command":"get_status"})");
  std::vector<std::uint64_t> received;
  std::uint64_t dropped = 0;
  while (received.size() + dropped < frames) {
    const auto text = stalled.read();
    if (const auto n = frame_number_of(text)) {
      received.push_back(n);
    } else if (const auto msg = json::parse(text); msg["type"] == "status") {
      dropped = msg["dropped"].get<std::uint64_t>();
    }
  }
  EXPECT_GT(dropped, 0u);
  EXPECT_EQ(received.size() + dropped, static_cast<std::size_t>(frames));
  EXPECT_TRUE(std::is_sorted(received.begin(), received.end()));
  ASSERT_FALSE(received.empty());
  EXPECT_EQ(received.back(), sent.back());  // the newest frames survive, the oldest were dropped
}

// A client that stopped reading holds everything queued for it: after client_stall_seconds without
// progress on a write it is disconnected, and the others go on.
TEST_F(ServerTest, AClientThatReadsNothingIsDisconnected) {
  serve_options o;
  o.client_stall_seconds = 1;
  const auto port = start(o);
  ws_client stalled(port, "/ws", {}, 4096);
  ASSERT_TRUE(stalled.ok());
  ws_client fast(port);
  read_greeting(fast);
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 60; ++i) {  // far more than the socket buffers hold: a write stays in flight
    const auto n = record_frame(2000).frame;
    ASSERT_EQ(frame_number_of(fast.read()), n);
  }
  std::this_thread::sleep_for(2500ms);
  const auto err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("a WebSocket client read nothing for 1 s; disconnecting it"), std::string::npos) << err;
  const auto end = stalled.read_until_closed(5000ms);
  EXPECT_NE(end, boost::beast::error::timeout) << "the stalled connection was not closed";
  const auto n = record_frame(10).frame;
  EXPECT_EQ(frame_number_of(fast.read()), n);  // the reading client carries on
}

// Asking for the history faster than it reads gets one answer after the history being sent, not one
// per request.
TEST_F(ServerTest, RepeatedHistoryRequestsWaitAsOne) {
  const auto port = start();
  for (int i = 0; i < 5; ++i) record_frame(10);
  ws_client slow(port, "/ws", {}, 4096);
  ASSERT_TRUE(slow.ok());
  for (int i = 0; i < 30; ++i) record_frame(2000);  // fills the socket: the next writes wait
  for (int i = 0; i < 10; ++i) slow.write(R"({"command":"get_history"})");
  std::this_thread::sleep_for(300ms);  // all ten handled while the writes wait
  slow.write(R"({"command":"get_status"})");  // its reply marks the end of what to read
  int histories = 0;
  for (;;) {
    const auto msg = json::parse(slow.read());
    if (msg["type"] == "history") ++histories;
    if (msg["type"] == "status") break;
  }
  EXPECT_GE(histories, 2);  // the greeting's and at least one reply
  EXPECT_LE(histories, 3);  // the greeting's, one being written, one waiting: not eleven
}

// The broadcast callback runs on the collector thread, which stopping (or restarting) the server waits
// for: it hung the collector. From there both are refused, saying why, and the server runs on.
TEST_F(ServerTest, TheBroadcastCallbackCannotStopOrRestartTheServer) {
  const auto port = start();
  std::atomic<int> refused{0};
  ::testing::internal::CaptureStderr();
  yams::set_broadcast_callback([&](std::string_view) {
    yams::stop_serving();
    try {
      (void)yams::serve({});
    } catch (const std::logic_error&) {
      ++refused;
    }
  });
  record_frame(1);
  record_frame(1);  // assembled only if the collector did not hang on the first
  (void)yams::history();
  yams::set_broadcast_callback({});
  const auto err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("yams::stop_serving: not from the broadcast callback"), std::string::npos) << err;
  EXPECT_EQ(refused.load(), 2);
  EXPECT_TRUE(yams::serving());
  ws_client c(port);
  EXPECT_TRUE(c.ok());
}

TEST_F(ServerTest, ClientsBeyondTheMostAreRefused) {
  serve_options o;
  o.max_clients = 2;
  const auto port = start(o);
  ws_client a(port);
  ws_client b(port);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  read_greeting(a);
  read_greeting(b);
  ws_client c(port);
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(c.status(), 503u);
  EXPECT_NE(c.body().find("2 WebSocket clients are connected"), std::string::npos) << c.body();
}

TEST_F(ServerTest, TwentyClientsEachGetEveryFrame) {
  const auto port = start();
  std::vector<std::unique_ptr<ws_client>> clients;
  for (int i = 0; i < 20; ++i) {
    clients.push_back(std::make_unique<ws_client>(port));
    ASSERT_TRUE(clients.back()->ok());
    read_greeting(*clients.back());
  }
  std::vector<std::uint64_t> sent;
  for (int i = 0; i < 5; ++i) sent.push_back(record_frame(50).frame);
  for (auto& c : clients) {
    for (const auto n : sent) {
      const auto msg = c->read_json();
      ASSERT_EQ(msg["type"], "profile_frame");
      EXPECT_EQ(msg["data"]["frame"], n);
    }
  }
}

TEST_F(ServerTest, StopSendsCloseFramesAndRestartWorks) {
  const auto first = start();
  EXPECT_TRUE(yams::serving());
  ws_client c(first);
  read_greeting(c);
  // The client answers the close handshake while stop_serving() waits for it, as a browser would.
  auto stopping = std::async(std::launch::async, [] { yams::stop_serving(); });
  EXPECT_EQ(c.read_until_closed(), websocket::error::closed);
  EXPECT_EQ(c.close_reason().code, websocket::close_code::going_away);
  stopping.get();
  EXPECT_FALSE(yams::serving());

  serve_options o;
  o.port = first;  // the same port again, at once
  EXPECT_EQ(yams::serve(o).port, first);
  ws_client again(first);
  EXPECT_TRUE(again.ok());
  read_greeting(again);
  const auto f = record_frame();
  EXPECT_EQ(again.read_json()["data"]["frame"], f.frame);
  auto replacing = std::async(std::launch::async, [] { return start(); });  // replaces the running server
  EXPECT_EQ(again.read_until_closed(), websocket::error::closed);
  EXPECT_EQ(again.close_reason().code, websocket::close_code::going_away);
  const auto replacement = replacing.get();
  ws_client on_new(replacement);
  EXPECT_TRUE(on_new.ok());
}

TEST_F(ServerTest, ReplayServesASavedSession) {
  const auto saved = saved_session();
  serve_options o;
  o.replay = saved;
  o.replay_file = "saved.jsonl";
  const auto port = start(o);
  ws_client c(port);
  json hello;
  EXPECT_EQ(read_greeting(c, &hello), (std::vector<std::uint64_t>{7, 8}));
  EXPECT_EQ(hello["replay"], true);
  EXPECT_EQ(hello["replay_file"], "saved.jsonl");
  EXPECT_EQ(hello["enabled"], false);
  EXPECT_EQ(hello["session_id"], "2025-04-05_14-32-11_c4813854");
  c.write(R"({"command":"enable_profiling"})");
  const auto e = c.read_json();
  EXPECT_EQ(e["type"], "error");
  EXPECT_NE(e["message"].get<std::string>().find("replays a saved session"), std::string::npos);
  record_frame();  // live frames are not part of a replay
  c.write(R"({"command":"set_recorded_kinds","kinds":["engine"]})");
  EXPECT_NE(c.read_type("error")["message"].get<std::string>().find("replays a saved session"), std::string::npos);
  EXPECT_EQ(yams::recorded_kinds(), std::uint32_t{yams::zone_kinds_all});
  c.write(R"({"command":"get_status"})");
  EXPECT_EQ(c.read_json(), (json{{"type", "status"}, {"enabled", false}, {"dropped", 0},
                                 {"recorded_kinds", {"engine", "lua_code", "lua_callback"}}}));
}

// The server's error reporter is silent on the ordinary ends of a connection (a panel closing its
// tab surfaces as "not connected" on the pending read) and reports anything else once, on stderr.
TEST(ServerFail, OrdinaryEndsOfAConnectionAreSilent) {
  namespace net = boost::asio;
  ::testing::internal::CaptureStderr();
  for (const boost::system::error_code ec :
       {make_error_code(net::error::not_connected), make_error_code(net::error::connection_reset),
        make_error_code(net::error::eof), make_error_code(websocket::error::closed),
        make_error_code(net::error::operation_aborted)})
    detail::fail(ec, "websocket read");
  detail::fail(make_error_code(net::error::access_denied), "accept");
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "yams server: accept: " + make_error_code(net::error::access_denied).message() + "\n");
}

}  // namespace
}  // namespace yams::test
