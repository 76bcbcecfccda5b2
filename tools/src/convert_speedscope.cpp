// speedscope output of `yams convert`: one evented profile per thread, in milliseconds on the
// frame_timeline (convert.hpp). Opens and closes are kept properly nested and in time order (a child
// never outlasts its parent), as speedscope requires; a rollback becomes a zero-length frame at its
// frame's start. A profile's `endValue` precedes its events, so the events wait as 16-byte records in a
// temporary file (the last 4096 of each thread in memory) until every frame is read; then the file is
// written with its keys in the order nlohmann::json would sort them.
#include "convert.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <ostream>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace yams::tool {
namespace {

using nlohmann::json;

struct open_call {
  std::uint64_t id;
  double end;
  std::uint32_t frame_index;
};

// One open ('O') or close ('C') event of an evented profile.
struct event {
  double at;
  std::uint32_t frame_index;
  char type;
};
static_assert(sizeof(event) == 16, "an event is written for every open and close: keep it small");

// Events kept on disk until the file is written: an unnamed temporary file, removed when closed.
class spool_file {
 public:
  static constexpr std::size_t block_events = 4096;  // 64 KB
  using block = std::vector<event>;

  spool_file() : file_(std::tmpfile()) {
    if (file_ == nullptr) throw error("cannot create a temporary file for the events");
  }
  ~spool_file() { std::fclose(file_); }
  spool_file(const spool_file&) = delete;
  spool_file& operator=(const spool_file&) = delete;

  /// Appends a full block; returns where it went.
  std::uint64_t write(const block& b) {
    if (std::fseek(file_, 0, SEEK_END) != 0 || std::fwrite(b.data(), sizeof(event), b.size(), file_) != b.size())
      throw error("cannot write the events' temporary file");
    const std::uint64_t at = size_;
    size_ += b.size() * sizeof(event);
    return at;
  }
  /// Reads the full block written at `at` into `b`.
  void read(std::uint64_t at, block& b) {
    b.resize(block_events);
    if (std::fseek(file_, static_cast<long>(at), SEEK_SET) != 0 ||
        std::fread(b.data(), sizeof(event), b.size(), file_) != b.size())
      throw error("cannot read the events' temporary file");
  }

 private:
  static std::runtime_error error(const char* what) {
    return std::runtime_error(std::string("speedscope: ") + what + ": " + std::strerror(errno));
  }
  std::FILE* file_;
  std::uint64_t size_ = 0;
};

// One thread's events in file order: the last block in memory, the full ones in the spool file.
class event_list {
 public:
  explicit event_list(spool_file& spool) : spool_(spool) { last_.reserve(spool_file::block_events); }
  void push_back(const event& e) {
    last_.push_back(e);
    if (last_.size() < spool_file::block_events) return;
    spilled_.push_back(spool_.write(last_));
    last_.clear();
  }
  /// Calls f(event, is_first) for each event in order, then forgets them.
  template <class F>
  void drain(const F& f) {
    bool first = true;
    spool_file::block b;
    for (std::uint64_t at : spilled_) {
      spool_.read(at, b);
      for (const event& e : b) f(e, std::exchange(first, false));
    }
    for (const event& e : last_) f(e, std::exchange(first, false));
    spilled_ = {};
    last_ = {};
  }

 private:
  spool_file& spool_;
  std::vector<std::uint64_t> spilled_;  // where its full blocks are in the spool file
  spool_file::block last_;
};

struct thread_profile {
  explicit thread_profile(spool_file& spool) : events(spool) {}
  event_list events;
  std::vector<open_call> stack;
  double first = -1, last = 0;

  void emit(char type, std::uint32_t frame_index, double at) {
    at = std::max(at, last);
    if (first < 0) first = at;
    last = at;
    events.push_back({at, frame_index, type});
  }
  void pop() {
    emit('C', stack.back().frame_index, stack.back().end);
    stack.pop_back();
  }
};

// A number as nlohmann::json writes it (shortest round-trip form).
void put_number(std::ostream& out, double v) { out << json(v).dump(); }

class speedscope_builder {
 public:
  speedscope_builder(session_frames& frames, frame_timeline timeline)
      : frames_in_(frames), timeline_(std::move(timeline)) {}

  void write(std::ostream& out) {
    frames_in_.for_each([&](const FrameProfile& f) {
      add_frame(f);
      return true;
    });
    out << R"({"$schema":"https://www.speedscope.app/file-format-schema.json","activeProfileIndex":0,)"
        << R"("exporter":"yams","name":)" << json("yams session " + frames_in_.info().session_id).dump()
        << R"(,"profiles":[)";
    bool first_profile = true;
    for (auto& [tid, p] : threads_) {
      while (!p.stack.empty()) p.pop();
      out << (first_profile ? "" : ",") << R"({"endValue":)";
      put_number(out, p.last);
      out << R"(,"events":[)";
      p.events.drain([&](const event& e, bool first) {
        out << (first ? "" : ",") << R"({"at":)";
        put_number(out, e.at);
        out << R"(,"frame":)" << e.frame_index << R"(,"type":")" << e.type << R"("})";
      });
      out << R"(],"name":"thread )" << tid << R"(","startValue":)";
      put_number(out, std::max(p.first, 0.0));
      out << R"(,"type":"evented","unit":"milliseconds"})";
      first_profile = false;
    }
    out << R"(],"shared":{"frames":)" << frames_.dump() << "}}";
  }

 private:
  std::uint32_t frame_index(const std::string& name, const std::string& file, std::uint32_t line) {
    auto [it, added] =
        frame_ids_.try_emplace(std::make_tuple(name, file, line), static_cast<std::uint32_t>(frames_.size()));
    if (added) {
      json fr = {{"name", name}};
      if (!file.empty()) fr["file"] = file, fr["line"] = line;
      frames_.push_back(std::move(fr));
    }
    return it->second;
  }

  thread_profile& thread(std::uint64_t tid) { return threads_.try_emplace(tid, spool_).first->second; }

  void add_rollback(const FrameProfile& f, double base) {
    thread_profile& p = thread(timeline_.frame_thread(f));
    while (!p.stack.empty()) p.pop();
    char name[160];
    std::snprintf(name, sizeof name, "Rollback (%d frames resimulated, snapshot age %.2f ms)",
                  f.rollback->frames_resimulated, f.rollback->snapshot_age_ms);
    const std::uint32_t i = frame_index(name, "", 0);
    p.emit('O', i, base);
    p.emit('C', i, base);
  }

  void add_frame(const FrameProfile& f) {
    const std::int64_t base = timeline_.place(f);
    if (f.rollback) add_rollback(f, static_cast<double>(base) / 1e6);
    for (const CallNode& c : f.calls) {
      thread_profile& p = thread(c.thread);
      while (!p.stack.empty() && (!c.parent_id || p.stack.back().id != *c.parent_id)) p.pop();
      const double start = std::max(static_cast<double>(frame_timeline::start_ns(base, c)) / 1e6, p.last);
      double end = static_cast<double>(frame_timeline::end_ns(base, c)) / 1e6;
      if (!p.stack.empty()) end = std::min(end, p.stack.back().end);
      const std::uint32_t i = frame_index(c.label, c.file, c.line);
      p.emit('O', i, start);
      p.stack.push_back({c.id, std::max(end, start), i});
    }
  }

  session_frames& frames_in_;
  frame_timeline timeline_;
  spool_file spool_;
  json frames_ = json::array();
  std::map<std::tuple<std::string, std::string, std::uint32_t>, std::uint32_t> frame_ids_;
  std::map<std::uint64_t, thread_profile> threads_;
};

}  // namespace

void write_speedscope(session_frames& frames, frame_timeline timeline, std::ostream& out) {
  speedscope_builder(frames, std::move(timeline)).write(out);
}

}  // namespace yams::tool
