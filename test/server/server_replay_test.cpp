// Replay (`serve_options::replay`) of a session longer than one history part, on the real server with
// real Beast clients: with `/ws?history=parts` its history comes as several `history` messages within
// max_history_message, oldest first, the last one unmarked; without, as one message; in both encodings,
// on connect and for get_history; clients that leave mid-history or stop reading hurt no one; the parts
// are shared between clients. A session file replayed through a session_index (`replay_index`) gives
// the same parts, read from the file again; a file changed after it was indexed ends a client's history
// with an error naming the file and the frame, and the server serves on.
#include "server_fixture.hpp"
#include "test_client.hpp"

#include "server/protocol.hpp"
#include "server/shared_state.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace yams::test {
namespace {

using nlohmann::json;

constexpr std::size_t long_frames = 120;

/// A saved session of `frames` frames of 100 calls, each call carrying a 1 KB string argument: about
/// 13 MB in either encoding, so more than three history parts.
std::shared_ptr<Session> long_session(std::size_t frames = long_frames) {
  auto saved = std::make_shared<Session>();
  saved->info = {"2025-04-05_14-32-11_long", 1743953561.0};
  const std::string text(1000, 'x');
  for (std::uint64_t n = 1; n <= frames; ++n) {
    FrameProfile f;
    f.frame = n;
    f.timestamp = 1743953561.0 + static_cast<double>(n) / 60;
    f.duration_ms = 16.5;
    f.calls.push_back({.id = n * 1000, .label = "Frame", .module = "game", .func = "update", .duration = 16.5});
    for (std::uint64_t i = 1; i < 100; ++i) {
      f.calls.push_back({.id = n * 1000 + i, .parent_id = n * 1000, .label = "Call", .module = "game",
                         .func = "call", .start = 0.1 * static_cast<double>(i), .duration = 0.05,
                         .args = {{"text", text}}});
    }
    saved->frames.push_back(std::move(f));
  }
  return saved;
}

/// What one complete history came as.
struct history_read {
  std::vector<FrameProfile> frames;
  std::size_t messages = 0;
};

/// Reads `history` messages up to and including the one not marked `"more":true`, then checks the bound
/// (in parts only) and the marks and decodes the frames as each message's encoding says (reading first:
/// a client that stops to decode under a sanitizer could look stalled).
history_read read_history(ws_client& c, const std::string& encoding, bool parts = true) {
  std::vector<std::string> texts;
  do {
    texts.push_back(c.read(30s));
  } while (texts.back().ends_with(R"(,"more":true})"));
  history_read out;
  for (const auto& text : texts) {
    if (parts) EXPECT_LE(text.size(), detail::max_history_message);
    const auto j = json::parse(text);
    EXPECT_EQ(j["type"], "history") << text.substr(0, 80);
    EXPECT_EQ(j.value("encoding", "json"), encoding);
    for (const auto& f : j["frames"]) {
      out.frames.push_back(encoding == "compact" ? frame_from_compact_json(f.dump()) : frame_from_json(f.dump()));
    }
    ++out.messages;
    const bool last = &text == &texts.back();
    EXPECT_EQ(j.contains("more"), !last);  // present only on the parts that have a successor
    if (!last) EXPECT_EQ(j["more"], true);
    EXPECT_FALSE(j["frames"].empty());
  }
  return out;
}

class ReplayInParts : public ServerTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(ReplayInParts, ALongSessionArrivesWholeInBoundedPartsOnConnectAndOnRequest) {
  const std::string encoding = GetParam();
  const auto saved = long_session();
  serve_options o;
  o.replay = saved;
  const auto port = start(o);
  ws_client c(port, "/ws?history=parts&encoding=" + encoding);
  ASSERT_TRUE(c.ok());
  c.write(R"({"command":"get_history"})");  // asked while the first history is being sent: answered after it
  const auto hello = c.read_json();
  EXPECT_EQ(hello["type"], "hello");
  EXPECT_EQ(hello["history_size"], long_frames);  // the whole session, not the first part
  EXPECT_EQ(hello["replay"], true);
  for (const char* when : {"on connect", "for get_history"}) {
    const auto history = read_history(c, encoding);
    EXPECT_GE(history.messages, 3u) << when;
    EXPECT_EQ(history.frames, saved->frames) << when;  // every frame once, oldest first
  }
  c.write(R"({"command":"get_status"})");
  EXPECT_EQ(c.read_json()["type"], "status");  // no third history: one answer per request
}

// Without `history=parts` (clients from before it, like `yams record`) the same parts make one message,
// and nothing comes between them.
TEST_P(ReplayInParts, WithoutAskingTheSessionIsOneMessage) {
  const std::string encoding = GetParam();
  const auto saved = long_session();
  serve_options o;
  o.replay = saved;
  const auto port = start(o);
  ws_client c(port, "/ws?encoding=" + encoding);
  ASSERT_TRUE(c.ok());
  c.write(R"({"command":"get_status"})");
  c.write(R"({"command":"get_history"})");
  EXPECT_EQ(c.read_json()["history_size"], long_frames);
  auto history = read_history(c, encoding, false);
  EXPECT_EQ(history.messages, 1u);
  EXPECT_EQ(history.frames, saved->frames);
  EXPECT_EQ(c.read_json()["type"], "status");
  history = read_history(c, encoding, false);
  EXPECT_EQ(history.messages, 1u);
  EXPECT_EQ(history.frames, saved->frames);
}

INSTANTIATE_TEST_SUITE_P(Encodings, ReplayInParts, ::testing::Values("json", "compact"));

TEST_F(ServerTest, ReplayClientsThatLeaveOrStopReadingMidHistoryHurtNoOne) {
  const auto saved = long_session();
  serve_options o;
  o.replay = saved;
  o.client_stall_seconds = 1;
  const auto port = start(o);
  ::testing::internal::CaptureStderr();
  const auto stalled_since = std::chrono::steady_clock::now();
  ws_client stalled(port, "/ws", headers{}, 4096);  // reads nothing: disconnected after a second
  {
    ws_client leaving(port, "/ws?history=parts");  // reads its first part and goes
    ASSERT_TRUE(leaving.ok());
    EXPECT_EQ(leaving.read_json()["type"], "hello");
    EXPECT_EQ(json::parse(leaving.read(30s))["more"], true);
  }
  {
    ws_client gone(port);  // goes while its history, one message, is being written
    EXPECT_EQ(gone.read_json()["type"], "hello");
  }
  // Three clients at once, each on its own thread, read everything meanwhile.
  std::vector<std::future<std::vector<FrameProfile>>> readers;
  for (const char* encoding : {"json", "compact", "json"}) {
    readers.push_back(std::async(std::launch::async, [port, encoding] {
      ws_client c(port, std::string("/ws?history=parts&encoding=") + encoding);
      EXPECT_EQ(c.read_json()["type"], "hello");
      return read_history(c, encoding).frames;
    }));
  }
  for (auto& r : readers) EXPECT_EQ(r.get(), saved->frames);
  std::this_thread::sleep_until(stalled_since + 2500ms);
  const auto err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("a WebSocket client read nothing for 1 s; disconnecting it"), std::string::npos) << err;
  EXPECT_NE(stalled.read_until_closed(10s), boost::beast::error::timeout);
  ws_client later(port);  // the server serves the whole session again, as one message this time
  EXPECT_EQ(later.read_json()["history_size"], long_frames);
  EXPECT_EQ(read_history(later, "json", false).frames, saved->frames);
  EXPECT_EQ(http_get(port, "/api/info").result_int(), 200u);
}

// Stopping the server while a history goes out, in parts or as one message, closes both connections.
TEST_F(ServerTest, StoppingMidHistoryClosesTheConnections) {
  serve_options o;
  o.replay = long_session();
  const auto port = start(o);
  ws_client parts(port, "/ws?history=parts", headers{}, 4096), whole(port, "/ws", headers{}, 4096);
  ASSERT_TRUE(parts.ok() && whole.ok());
  EXPECT_EQ(parts.read_json()["type"], "hello");
  EXPECT_EQ(whole.read_json()["type"], "hello");
  std::this_thread::sleep_for(200ms);  // the servers' writes fill the small buffers and wait
  yams::stop_serving();
  EXPECT_NE(parts.read_until_closed(10s), boost::beast::error::timeout);
  EXPECT_NE(whole.read_until_closed(10s), boost::beast::error::timeout);
  EXPECT_FALSE(yams::serving());
}

TEST_F(ServerTest, AnUnknownHistoryModeIsRefused) {
  const auto port = start();
  ws_client bad(port, "/ws?history=chunks");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status(), 400u);
  EXPECT_NE(bad.body().find(R"(unknown history mode "chunks" in /ws?history= (expected whole or parts))"),
            std::string::npos) << bad.body();
  ws_client whole(port, "/ws?history=whole");
  EXPECT_TRUE(whole.ok());
}

// The parts straight from the shared state: delimited once, shared while held, built again alike.
TEST(ReplayParts, PartsAreSharedWhileHeldAndRebuiltAlike) {
  serve_options o;
  o.replay = long_session();
  detail::shared_state state(o, {}, {});
  std::vector<detail::history_part> parts;
  std::size_t frames = 0;
  for (std::size_t k = 0; parts.empty() || parts.back().more; ++k) {
    parts.push_back(state.history(detail::frame_encoding::json, k));
    EXPECT_EQ(parts.back().total, long_frames);
    EXPECT_LE(parts.back().message->size(), detail::max_history_message);
    frames += parts.back().frame_count;
  }
  EXPECT_EQ(frames, long_frames);
  ASSERT_GE(parts.size(), 3u);
  EXPECT_EQ(state.history(detail::frame_encoding::json, 0).message, parts[0].message);  // the same text
  const std::string first = *parts[0].message;
  parts.clear();  // no one holds part 0 now (the newest few parts are kept, not the first)
  const auto again = state.history(detail::frame_encoding::json, 0);
  EXPECT_EQ(*again.message, first);
  EXPECT_TRUE(again.more);
}

TEST(ReplayParts, AnEmptySessionIsOneEmptyHistory) {
  serve_options o;
  o.replay = std::make_shared<Session>();
  detail::shared_state state(o, {}, {});
  const auto only = state.history(detail::frame_encoding::compact, 0);
  EXPECT_EQ(*only.message, R"({"type":"history","encoding":"compact","frames":[]})");
  EXPECT_FALSE(only.more);
  EXPECT_EQ(only.total, 0u);
}

/// `saved` written to `dir` as a streaming file, and the index of that file.
std::shared_ptr<const session_index> indexed(const Session& saved, const temp_tree& dir) {
  const auto path = (dir.path() / "long.jsonl").string();
  session_writer out(path, saved.info);
  for (const auto& f : saved.frames) out.write(f);
  out.close();
  return std::make_shared<const session_index>(path);
}

/// Overwrites the `n`-th line (0-based: the header is line 0) of the file at `path` with `text`, padded to
/// its length with spaces.
void overwrite_line(const std::string& path, std::size_t n, std::string text) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  std::string line;
  std::streamoff at = 0;
  for (std::size_t i = 0; i < n && std::getline(f, line); ++i) at = f.tellg();
  std::getline(f, line);
  ASSERT_LE(text.size(), line.size());
  text.resize(line.size(), ' ');
  f.clear();
  f.seekp(at);
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
}

TEST(ReplayParts, AnIndexedFileGivesTheSamePartsAsTheSessionInMemory) {
  const temp_tree dir("replay_index_parts");
  serve_options in_memory, from_file;
  in_memory.replay = long_session();
  from_file.replay_index = indexed(*in_memory.replay, dir);
  detail::shared_state memory_state(in_memory, {}, {}), file_state(from_file, {}, {});
  EXPECT_EQ(file_state.session().session_id, in_memory.replay->info.session_id);
  EXPECT_TRUE(file_state.replay());
  for (const auto encoding : {detail::frame_encoding::json, detail::frame_encoding::compact}) {
    std::size_t parts = 0;
    for (bool more = true; more; ++parts) {
      const auto want = memory_state.history(encoding, parts), got = file_state.history(encoding, parts);
      ASSERT_TRUE(got.error.empty()) << got.error;
      EXPECT_EQ(*got.message, *want.message) << "part " << parts;  // byte for byte
      EXPECT_EQ(got.frame_count, want.frame_count);
      EXPECT_EQ(got.total, want.total);
      EXPECT_EQ(got.more, want.more);
      more = want.more;
    }
    EXPECT_GE(parts, 3u);
  }
}

TEST_F(ServerTest, AReplayedFileChangedAfterIndexingEndsTheHistoryWithAnErrorAndTheServerServesOn) {
  const temp_tree dir("replay_index_changed");
  const auto saved = long_session(160);  // 5 parts: the first is not among the newest three kept
  serve_options o;
  o.replay_index = indexed(*saved, dir);
  const std::string path = o.replay_index->path();
  const auto port = start(o);
  ::testing::internal::CaptureStderr();
  // Frame 60, in the second part, changed in place (the reader's view: a frame with other values).
  FrameProfile changed = saved->frames[59];
  changed.duration_ms = 17.5;
  overwrite_line(path, 60, to_json(changed));
  const std::string named = path + ": frame 60 (bytes ";
  {
    ws_client parts(port, "/ws?history=parts");
    EXPECT_EQ(parts.read_json()["history_size"], saved->frames.size());
    EXPECT_EQ(parts.read_json()["more"], true);  // the first part, as indexed
    const auto error = parts.read_json(30s);
    EXPECT_EQ(error["type"], "error");
    const auto message = error.value("message", "");
    EXPECT_TRUE(message.starts_with(named)) << message;
    EXPECT_NE(message.find("changed in the file after it was indexed"), std::string::npos) << message;
    EXPECT_EQ(parts.read_until_closed(30s), boost::beast::websocket::error::closed);
    EXPECT_EQ(parts.close_reason().code, boost::beast::websocket::close_code::internal_error);
  }
  {
    ws_client whole(port, "/ws");  // its one message already begun: the close frame alone says why
    EXPECT_EQ(whole.read_json()["type"], "hello");
    EXPECT_EQ(whole.read_until_closed(30s), boost::beast::websocket::error::closed);
    EXPECT_EQ(whole.close_reason().code, boost::beast::websocket::close_code::internal_error);
    const std::string reason(whole.close_reason().reason.data(), whole.close_reason().reason.size());
    EXPECT_NE(reason.find("frame 60 (bytes "), std::string::npos) << reason;
  }
  EXPECT_EQ(http_get(port, "/api/info").result_int(), 200u);
  overwrite_line(path, 60, to_json(saved->frames[59]));  // put back: the whole session again
  ws_client again(port, "/ws?history=parts");
  EXPECT_EQ(again.read_json()["type"], "hello");
  EXPECT_EQ(read_history(again, "json").frames, saved->frames);
  // Cut short in the first part: a client asking for the history again gets the error.
  std::filesystem::resize_file(path, 1'000'000);
  again.write(R"({"command":"get_history"})");
  const auto error = again.read_json(30s);
  EXPECT_EQ(error["type"], "error");
  const auto message = error.value("message", "");
  EXPECT_TRUE(message.starts_with(path + ": frame ")) << message;
  EXPECT_NE(message.find("no longer in the file, which was cut short after it was indexed"), std::string::npos)
      << message;
  EXPECT_EQ(again.read_until_closed(30s), boost::beast::websocket::error::closed);
  const auto err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("yams server: cannot send the replayed session: " + named), std::string::npos) << err;
  EXPECT_NE(err.find("cut short after it was indexed"), std::string::npos) << err;
  EXPECT_EQ(http_get(port, "/api/info").result_int(), 200u);
}

}  // namespace
}  // namespace yams::test
