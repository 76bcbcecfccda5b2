// The compact encoding on the real server with real Beast clients: negotiated per client, history and
// live frames decode to the same frames as the JSON sent to other clients, bad encodings get errors.
#include "server_fixture.hpp"
#include "test_client.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace yams::test {
namespace {

using nlohmann::json;

/// The text of the `"data"` (or `"frames"`) value: the last key of every frame message and history.
std::string_view value_of(std::string_view message, std::string_view key) {
  const auto at = message.find("\"" + std::string(key) + "\":");
  if (at == std::string_view::npos || !message.ends_with('}')) return {};
  const auto from = at + key.size() + 3;
  return message.substr(from, message.size() - from - 1);
}

/// Reads hello and the (JSON) history, then switches to `encoding` and reads the reply.
void greet_and_switch(ws_client& c, const std::string& encoding) {
  EXPECT_EQ(c.read_json()["type"], "hello");
  EXPECT_EQ(c.read_json()["type"], "history");
  c.write(R"({"command":"set_encoding","encoding":")" + encoding + "\"}");
  EXPECT_EQ(c.read_type("encoding"), (json{{"type", "encoding"}, {"encoding", encoding}}));
}

/// The frames of a history message, decoded with the reader of its encoding, by frame number.
std::map<std::uint64_t, FrameProfile> history_frames(const std::string& message) {
  const auto j = json::parse(message);
  EXPECT_EQ(j["type"], "history");
  const bool compact = j.value("encoding", "json") == "compact";
  std::map<std::uint64_t, FrameProfile> out;
  for (const auto& f : j["frames"]) {
    auto frame = compact ? frame_from_compact_json(f.dump()) : frame_from_json(f.dump());
    out.emplace(frame.frame, std::move(frame));
  }
  return out;
}

/// The next live frame, decoded as its message says.
FrameProfile read_frame(ws_client& c, bool expect_compact) {
  const auto text = c.read();
  EXPECT_EQ(text.starts_with(R"({"type":"profile_frame","encoding":"compact","data":)"), expect_compact) << text.substr(0, 80);
  const auto data = value_of(text, "data");
  return expect_compact ? frame_from_compact_json(data) : frame_from_json(data);
}

TEST_F(ServerTest, CompactHistoryAndLiveFramesDecodeToTheJsonFrames) {
  for (int i = 0; i < 3; ++i) record_frame(3);
  const auto port = start();
  ws_client plain(port), compact(port);
  ASSERT_TRUE(plain.ok() && compact.ok());
  EXPECT_EQ(plain.read_json()["type"], "hello");
  EXPECT_EQ(plain.read_json()["type"], "history");
  greet_and_switch(compact, "compact");

  plain.write(R"({"command":"get_history"})");
  compact.write(R"({"command":"get_history"})");
  const auto plain_history = history_frames(plain.read());
  const auto compact_history = history_frames(compact.read());
  ASSERT_GE(compact_history.size(), 3u);
  EXPECT_EQ(compact_history, plain_history);

  for (int i = 0; i < 3; ++i) {
    const auto sent = record_frame(5 + i);
    const auto as_json = read_frame(plain, false);
    const auto as_compact = read_frame(compact, true);
    EXPECT_EQ(as_compact, as_json);
    EXPECT_EQ(as_compact, sent);
  }
}

TEST_F(ServerTest, MixedClientsEachGetTheirEncodingAndCanSwitchBack) {
  const auto port = start();
  std::vector<std::unique_ptr<ws_client>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<ws_client>(port));
    ASSERT_TRUE(clients.back()->ok());
    greet_and_switch(*clients.back(), i % 2 == 0 ? "json" : "compact");
  }
  for (int n = 0; n < 3; ++n) {
    const auto sent = record_frame(2);
    for (std::size_t i = 0; i < clients.size(); ++i) EXPECT_EQ(read_frame(*clients[i], i % 2 == 1), sent) << i;
  }
  clients[1]->write(R"({"command":"set_encoding","encoding":"json"})");
  EXPECT_EQ(clients[1]->read_type("encoding")["encoding"], "json");
  const auto sent = record_frame(2);
  EXPECT_EQ(read_frame(*clients[1], false), sent);
  EXPECT_EQ(read_frame(*clients[3], true), sent);
}

// `/ws?encoding=compact` starts compact: the history on connect is compact too, and equals the JSON one.
TEST_F(ServerTest, EncodingChosenInTheUrlAppliesToTheFirstHistory) {
  for (int i = 0; i < 3; ++i) record_frame(3);
  const auto port = start();
  ws_client plain(port), compact(port, "/ws?encoding=compact");
  ASSERT_TRUE(plain.ok() && compact.ok());
  const auto plain_hello = plain.read_json();
  const auto compact_hello = compact.read_json();
  EXPECT_EQ(plain_hello["type"], "hello");
  EXPECT_EQ(compact_hello["type"], "hello");
  EXPECT_EQ(plain_hello["encoding"], "json") << "hello names the encoding the connection starts in";
  EXPECT_EQ(compact_hello["encoding"], "compact");
  const auto plain_history = plain.read();
  const auto compact_history = compact.read();
  EXPECT_TRUE(compact_history.starts_with(R"({"type":"history","encoding":"compact",)")) << compact_history.substr(0, 80);
  const auto frames = history_frames(compact_history);
  ASSERT_GE(frames.size(), 3u);
  EXPECT_EQ(frames, history_frames(plain_history));
  const auto sent = record_frame(4);
  EXPECT_EQ(read_frame(compact, true), sent);
  EXPECT_EQ(read_frame(plain, false), sent);

  ws_client bad(port, "/ws?encoding=msgpack");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status(), 400u);
  EXPECT_NE(bad.body().find(R"(unknown encoding "msgpack" in /ws?encoding= (expected json or compact))"),
            std::string::npos)
      << bad.body();
}

TEST_F(ServerTest, BadEncodingsGetErrorsAndFramesStayJson) {
  const auto port = start();
  ws_client c(port);
  EXPECT_EQ(c.read_json()["type"], "hello");
  EXPECT_EQ(c.read_json()["type"], "history");
  c.write(R"({"command":"set_encoding","encoding":"msgpack"})");
  EXPECT_EQ(c.read_json(), (json{{"type", "error"}, {"message", R"(unknown encoding "msgpack" (expected json or compact))"}}));
  c.write(R"({"command":"set_encoding"})");
  auto e = c.read_json();
  EXPECT_EQ(e["type"], "error");
  EXPECT_NE(e["message"].get<std::string>().find(R"(missing key "encoding")"), std::string::npos) << e;
  c.write(R"({"command":"set_encoding","encoding":["compact"]})");
  EXPECT_EQ(c.read_json()["message"], R"(key "encoding" must be a string, got array)");
  const auto sent = record_frame(2);
  EXPECT_EQ(read_frame(c, false), sent);
}

TEST_F(ServerTest, ReplayHistoryInCompact) {
  const auto saved = saved_session(1);
  serve_options o;
  o.replay = saved;
  const auto port = start(o);
  ws_client c(port);
  EXPECT_EQ(c.read_json()["encodings"], json::parse(R"(["json","compact"])"));
  EXPECT_EQ(c.read_json()["type"], "history");
  c.write(R"({"command":"set_encoding","encoding":"compact"})");
  EXPECT_EQ(c.read_json()["type"], "encoding");
  c.write(R"({"command":"get_history"})");
  const auto history = history_frames(c.read());
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history.at(7), saved->frames[0]);
  EXPECT_EQ(history.at(8), saved->frames[1]);
}

}  // namespace
}  // namespace yams::test
