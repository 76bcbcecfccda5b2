// Integration: the real yams-duckhunt, built with the Clang plugin, records a session file; read back
// with yams::read_session, its frames must have the design's call tree (section 2 and 3).
#include <yams/frame.hpp>
#include <yams/session.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

std::string temp_file(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()) + ".jsonl")).string();
}

/// Runs a shell command, returning its output and exit status.
std::pair<std::string, int> run(const std::string& command) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return {"popen failed", -1};
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = ::pclose(p);
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

/// A frame's calls as a tree: children of each call id, in order.
struct tree {
  explicit tree(const yams::FrameProfile& f) : frame(f) {
    for (const auto& c : f.calls) {
      by_id[c.id] = &c;
      if (c.parent_id) children[*c.parent_id].push_back(&c);
      else roots.push_back(&c);
    }
  }
  std::vector<const yams::CallNode*> kids(const yams::CallNode& c, const std::string& label) const {
    std::vector<const yams::CallNode*> out;
    if (auto it = children.find(c.id); it != children.end())
      for (const auto* k : it->second)
        if (k->label == label) out.push_back(k);
    return out;
  }
  const yams::CallNode* kid(const yams::CallNode& c, const std::string& label) const {
    auto k = kids(c, label);
    return k.empty() ? nullptr : k.front();
  }
  const yams::FrameProfile& frame;
  std::map<std::uint64_t, const yams::CallNode*> by_id;
  std::map<std::uint64_t, std::vector<const yams::CallNode*>> children;
  std::vector<const yams::CallNode*> roots;
};

const yams::arg_value* arg(const yams::CallNode& c, const std::string& name) {
  for (const auto& [k, v] : c.args)
    if (k == name) return &v;
  return nullptr;
}

class DuckhuntTrace : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = temp_file("duckhunt_trace");
    // Paced (60 fps) so the collector keeps up on a busy machine; 150 frames with hits 6 frames late.
    auto [out, status] = run(std::string(DUCKHUNT_EXE) + " --frames 150 --latency-ms 100 --seed 1 --record " + path_);
    output_ = out;
    status_ = status;
    session_ = yams::read_session(path_);
  }
  static void TearDownTestSuite() { std::filesystem::remove(path_); }

  static inline std::string path_, output_;
  static inline int status_ = -1;
  static inline yams::Session session_;
};

TEST_F(DuckhuntTrace, RecordsEveryFrame) {
  ASSERT_EQ(status_, 0) << output_;
  EXPECT_NE(output_.find("recorded 150 frames to " + path_), std::string::npos) << output_;
  EXPECT_TRUE(session_.warnings.empty());
  ASSERT_EQ(session_.frames.size(), 150u);
  for (std::size_t i = 0; i < session_.frames.size(); ++i) EXPECT_EQ(session_.frames[i].frame, i + 1);
}

TEST_F(DuckhuntTrace, FrameHasTheDesignsTreeDownToAmsSetVy) {
  ASSERT_FALSE(session_.frames.empty());
  const tree t(session_.frames[10]);
  ASSERT_EQ(t.roots.size(), 1u);
  const yams::CallNode& frame = *t.roots[0];
  EXPECT_EQ(frame.label, "Frame");
  EXPECT_EQ(frame.module, "game_engine");
  EXPECT_EQ(frame.func, "update");
  ASSERT_NE(arg(frame, "dt"), nullptr);
  EXPECT_DOUBLE_EQ(std::get<double>(*arg(frame, "dt")), 1.0 / 60);
  const auto* update = t.kid(frame, "Frame Update");
  ASSERT_NE(update, nullptr);
  EXPECT_EQ(update->func, "do_frame_update");
  const auto* lua = t.kid(*update, "Lua Entity Updates");
  ASSERT_NE(lua, nullptr);
  EXPECT_EQ(lua->module, "lua_engine");
  const auto* on_update = t.kid(*lua, "Lua → on_update(duck_7)");
  ASSERT_NE(on_update, nullptr);
  EXPECT_EQ(on_update->module, "lifecycle");
  EXPECT_EQ(on_update->func, "on_entity_update");
  EXPECT_TRUE(on_update->lua_code);
  EXPECT_EQ(on_update->entity_id, "duck_7");
  const auto* set_vy = t.kid(*on_update, "ams.set_vy");
  ASSERT_NE(set_vy, nullptr);
  EXPECT_EQ(set_vy->module, "lua_api");
  EXPECT_EQ(set_vy->func, "set_vy");
  EXPECT_TRUE(set_vy->lua_callback);
  EXPECT_FALSE(set_vy->lua_code);
  ASSERT_NE(arg(*set_vy, "entity_id"), nullptr);
  EXPECT_EQ(std::get<std::string>(*arg(*set_vy, "entity_id")), "duck_7");
  ASSERT_NE(arg(*set_vy, "vy"), nullptr);
  EXPECT_TRUE(std::holds_alternative<double>(*arg(*set_vy, "vy")));
  EXPECT_GE(set_vy->start, on_update->start);
  EXPECT_LE(set_vy->start + set_vy->duration, on_update->start + on_update->duration + 1e-6);
}

// The line of `function <kind>.on_update` in the behaviour script at `path` (0 if none).
std::uint32_t on_update_line(const std::string& path, const std::string& kind) {
  std::ifstream in(path);
  std::string line;
  for (std::uint32_t n = 1; std::getline(in, line); ++n)
    if (line.rfind("function " + kind + ".on_update(", 0) == 0) return n;
  return 0;
}

// Each behaviour call carries its entity, and as its source the behaviour's on_update in its Lua
// script (the design's "click bar: the behaviour file opens at the line"), not the C++ hook.
TEST_F(DuckhuntTrace, BehaviourCallsCarryTheirEntityAndTheirScript) {
  std::size_t behaviours = 0;
  std::set<std::string> scripts;
  for (const auto& f : session_.frames) {
    for (const auto& c : f.calls) {
      const std::string prefix = "Lua → on_update(";
      if (c.label.rfind(prefix, 0) != 0) continue;
      ++behaviours;
      const std::string id = c.label.substr(prefix.size(), c.label.size() - prefix.size() - 1);
      EXPECT_EQ(c.entity_id, id);
      EXPECT_TRUE(c.lua_code);
      EXPECT_TRUE(c.args.empty()) << "the script is the call's source, not an arg";
      const std::filesystem::path file(c.file);
      ASSERT_TRUE(file.is_absolute()) << c.file;
      ASSERT_EQ(file.parent_path().filename(), "behaviours") << c.file;
      ASSERT_EQ(file.extension(), ".lua") << c.file;
      if (id.rfind("feather_", 0) == 0) EXPECT_EQ(file.stem(), "feather") << id << " runs " << c.file;
      if (id.rfind("duck_", 0) == 0) EXPECT_TRUE(file.stem() == "duck" || file.stem() == "falling") << c.file;
      if (scripts.insert(c.file).second) EXPECT_EQ(c.line, on_update_line(c.file, file.stem().string())) << c.file;
    }
  }
  EXPECT_GT(behaviours, 150u * 40);
  EXPECT_GE(scripts.size(), 2u) << "ducks and feathers at least";
}

TEST_F(DuckhuntTrace, RollbackFramesCountTheFramesTheyReRan) {
  std::size_t rollback_frames = 0, rollback_calls = 0;
  for (const auto& f : session_.frames) {
    const tree t(f);
    std::vector<const yams::CallNode*> rollbacks;
    for (const auto& c : f.calls)
      if (c.label == "Rollback") rollbacks.push_back(&c);
    rollback_calls += rollbacks.size();
    if (!f.rollback) {
      EXPECT_TRUE(rollbacks.empty()) << "frame " << f.frame;
      continue;
    }
    ++rollback_frames;
    EXPECT_TRUE(f.rollback->triggered);
    EXPECT_GT(f.rollback->snapshot_age_ms, 0);
    EXPECT_LT(f.rollback->target_timestamp, f.timestamp);
    ASSERT_EQ(rollbacks.size(), 1u) << "frame " << f.frame;
    const yams::CallNode& rb = *rollbacks[0];
    EXPECT_EQ(rb.module, "rollback");
    ASSERT_TRUE(rb.parent_id);
    EXPECT_EQ(t.by_id.at(*rb.parent_id)->label, "Delayed Hit");
    EXPECT_EQ(t.by_id.at(*t.by_id.at(*rb.parent_id)->parent_id)->label, "Frame");
    const auto* resim = t.kid(rb, "Re-simulation");
    ASSERT_NE(resim, nullptr);
    const auto reran = t.kids(*resim, "Frame Update");
    EXPECT_EQ(static_cast<int>(reran.size()), f.rollback->frames_resimulated);
    EXPECT_EQ(f.rollback->frames_resimulated, 6);  // --latency-ms 100 at 60 fps
    for (const auto* fu : reran) EXPECT_NE(t.kid(*fu, "Lua Entity Updates"), nullptr);
    // The late hit itself, applied at the restored state before re-simulating.
    EXPECT_NE(t.kid(rb, "Lua → collision(shot)"), nullptr);
  }
  EXPECT_GE(rollback_frames, 1u);
  // The game's own count of rollbacks (its summary line) matches the recorded ones.
  EXPECT_NE(output_.find("rollbacks " + std::to_string(rollback_calls) + " ("), std::string::npos) << output_;
}

TEST_F(DuckhuntTrace, InputActionsAndApiCallsAreLabelledPerTheDesign) {
  std::map<std::string, const yams::CallNode*> seen;
  for (const auto& f : session_.frames)
    for (const auto& c : f.calls) seen.emplace(c.label, &c);
  ASSERT_TRUE(seen.count("Lua → input(shoot)"));
  EXPECT_TRUE(seen["Lua → input(shoot)"]->lua_code);
  EXPECT_NE(arg(*seen["Lua → input(shoot)"], "x"), nullptr);
  for (const char* api : {"ams.set_vx", "ams.set_vy", "ams.spawn", "ams.play_sound", "ams.schedule"}) {
    ASSERT_TRUE(seen.count(api)) << api;
    EXPECT_TRUE(seen[api]->lua_callback) << api;
    EXPECT_EQ(seen[api]->module, "lua_api") << api;
  }
  EXPECT_TRUE(seen.count("Delayed Hit"));
  EXPECT_EQ(seen["Delayed Hit"]->module, "game_engine");
}

// Unpaced, the game outruns the collector and a full ring drops zones (counted in overflow); a ring as
// large as the run (--ring-slots) records every one. 60 frames of 500 ducks make ~1.2 M slots.
TEST(DuckhuntRing, ARingAsLargeAsTheRunLosesNoZoneUnpaced) {
  const std::string args = " --unpaced --ducks 500 --frames 60 --seed 1 --record ";
  auto count = [&](const std::string& extra, const std::string& path) {
    auto [out, status] = run(std::string(DUCKHUNT_EXE) + args + path + extra);
    EXPECT_EQ(status, 0) << out;
    const yams::Session s = yams::read_session(path);
    std::filesystem::remove(path);
    EXPECT_EQ(s.frames.size(), 60u);
    std::uint64_t calls = 0, overflow = 0;
    for (const auto& f : s.frames) {
      calls += f.calls.size();
      overflow += f.overflow;
    }
    return std::pair{calls, overflow};
  };
  const auto [calls, overflow] = count(" --ring-slots 4194304", temp_file("duckhunt_big_ring"));
  EXPECT_EQ(overflow, 0u);
  EXPECT_GT(calls, 60u * 2000u) << "every frame's ~2,000-4,000 zones";
  const auto [small_calls, small_overflow] = count(" --ring-slots 256", temp_file("duckhunt_small_ring"));
  EXPECT_GT(small_overflow, 0u) << "a 256-slot ring cannot hold a frame";
  EXPECT_EQ(small_calls + small_overflow, calls) << "recorded and dropped zones add up to the same game";
}

// --skip-zones lua_callback: the same game (same hash) records every call but the API callbacks, and
// the script calls that made them are still there.
TEST(DuckhuntSkipZones, LeavesOutTheApiCallbacksAndNothingElse) {
  const std::string args = " --unpaced --ducks 50 --frames 60 --seed 1 --hash --ring-slots 4194304 --record ";
  struct result {
    std::string hash_line;
    std::uint64_t calls = 0, callbacks = 0, script_calls = 0, overflow = 0;
    std::set<std::uint32_t> skipped;  // the frames' skipped_kinds
  };
  auto play = [&](const std::string& extra, const std::string& path, const std::string& env = "") {
    auto [out, status] = run(env + std::string(DUCKHUNT_EXE) + args + path + extra);
    EXPECT_EQ(status, 0) << out;
    result r;
    const std::size_t at = out.find("hash");
    r.hash_line = at == std::string::npos ? "(no hash in: " + out + ")" : out.substr(at, out.find('\n', at) - at);
    const yams::Session s = yams::read_session(path);
    std::filesystem::remove(path);
    EXPECT_EQ(s.frames.size(), 60u);
    for (const auto& f : s.frames) {
      r.calls += f.calls.size();
      r.overflow += f.overflow;
      r.skipped.insert(f.skipped_kinds);
      for (const auto& c : f.calls) {
        r.callbacks += c.lua_callback;
        r.script_calls += c.lua_code;
      }
    }
    return r;
  };
  const result all = play("", temp_file("duckhunt_all_kinds"));
  const result skipped = play(" --skip-zones lua_callback", temp_file("duckhunt_no_callbacks"));
  EXPECT_EQ(skipped.hash_line, all.hash_line);
  EXPECT_EQ(all.overflow, 0u);
  EXPECT_EQ(skipped.overflow, 0u);
  EXPECT_GT(all.callbacks, 60u * 40u) << "every frame's ams.set_vy calls, at least";
  EXPECT_EQ(skipped.callbacks, 0u);
  EXPECT_EQ(all.skipped, std::set<std::uint32_t>{0});
  EXPECT_EQ(skipped.skipped, std::set<std::uint32_t>{yams::zone_kind_lua_callback}) << "every frame says so";
  EXPECT_EQ(skipped.script_calls, all.script_calls);
  EXPECT_EQ(skipped.calls, all.calls - all.callbacks);

  // The same from the environment; --skip-zones, when given, wins over it.
  const result from_env = play("", temp_file("duckhunt_env_kinds"), "YAMS_PROFILE_SKIP_KINDS=lua_callback ");
  EXPECT_EQ(from_env.skipped, std::set<std::uint32_t>{yams::zone_kind_lua_callback});
  EXPECT_EQ(from_env.calls, skipped.calls);
  const result flag_wins =
      play(" --skip-zones lua_callback", temp_file("duckhunt_flag_kinds"), "YAMS_PROFILE_SKIP_KINDS=lua_code ");
  EXPECT_EQ(flag_wins.skipped, std::set<std::uint32_t>{yams::zone_kind_lua_callback});
  EXPECT_EQ(flag_wins.calls, skipped.calls);
}

// Runs the demo recording to `path` and sends it `sig` after 0.8 s; returns its wait status (-1 if
// it could not be started or waited for).
int record_until_signal(const std::string& path, int sig) {
  const std::string exe = DUCKHUNT_EXE;
  std::vector<std::string> args = {exe, "--record", path};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawn(&pid, exe.c_str(), nullptr, nullptr, argv.data(), environ) != 0) return -1;
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  if (::kill(pid, sig) != 0) return -1;
  int status = 0;
  return ::waitpid(pid, &status, 0) == pid ? status : -1;
}

// Ctrl-C while recording: the game stops at a frame boundary and the file is complete.
TEST(DuckhuntSignal, InterruptLeavesACompleteSession) {
  const std::string path = temp_file("duckhunt_sigint");
  const int status = record_until_signal(path, SIGINT);
  ASSERT_NE(status, -1);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  const yams::Session s = yams::read_session(path);
  EXPECT_TRUE(s.warnings.empty());
  ASSERT_GE(s.frames.size(), 10u);
  for (std::size_t i = 0; i < s.frames.size(); ++i) EXPECT_EQ(s.frames[i].frame, i + 1);
  EXPECT_EQ(s.frames.back().calls.front().label, "Frame");
  std::filesystem::remove(path);
}

// Killed while recording (no chance to close the file): every frame written is read, and the reader
// says the file is incomplete (no end line, or a truncated last line).
TEST(DuckhuntSignal, AKilledRecordingIsReadAsIncomplete) {
  const std::string path = temp_file("duckhunt_sigkill");
  const int status = record_until_signal(path, SIGKILL);
  ASSERT_TRUE(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  const yams::Session s = yams::read_session(path);
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_TRUE(s.warnings[0].find("no end line") != std::string::npos ||
              s.warnings[0].find("truncated last line") != std::string::npos)
      << s.warnings[0];
  ASSERT_GE(s.frames.size(), 10u);
  for (std::size_t i = 0; i < s.frames.size(); ++i) EXPECT_EQ(s.frames[i].frame, i + 1);
  std::filesystem::remove(path);
}

/// GET `target` from 127.0.0.1:`port`; the whole response, or "" when it cannot connect.
std::string http_get(int port, const std::string& target) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (::send(fd, req.data(), req.size(), 0) == static_cast<ssize_t>(req.size())) {
      char buf[4096];
      for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) response.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return response;
}

// --serve prints the panel's URL, and the live server answers there while the game runs.
TEST(DuckhuntServe, PrintsThePanelUrlAndServesWhileRunning) {
  FILE* p = ::popen((std::string(DUCKHUNT_EXE) + " --serve --port 0 --frames 90").c_str(), "r");
  ASSERT_NE(p, nullptr);
  char line[512] = {};
  ASSERT_NE(std::fgets(line, sizeof line, p), nullptr);
  const std::string first = line;
  const std::string prefix = "yams-duckhunt: profiler panel at http://127.0.0.1:";
  ASSERT_EQ(first.rfind(prefix, 0), 0u) << first;
  const int port = std::stoi(first.substr(prefix.size()));
  ASSERT_GT(port, 0);
  const std::string info = http_get(port, "/api/info");
  EXPECT_NE(info.find(" 200 "), std::string::npos) << info;
  EXPECT_NE(info.find("\"protocol_version\":1"), std::string::npos) << info;
  EXPECT_NE(info.find("\"enabled\":true"), std::string::npos) << info;
  std::string rest;
  while (std::fgets(line, sizeof line, p)) rest += line;
  const int status = ::pclose(p);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << rest;
  EXPECT_NE(rest.find("90 frames in"), std::string::npos) << rest;
}

}  // namespace
