// speedscope output of `yams convert`: one evented profile per thread, in milliseconds on the
// frame_timeline (convert.hpp). Opens and closes are kept properly nested and in time order (a child
// never outlasts its parent), as speedscope requires; a rollback becomes a zero-length frame at its
// frame's start. The events are kept as 16-byte records per thread until the end, when the file is
// written with its keys in the order nlohmann::json would sort them.
#include "convert.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <ostream>
#include <tuple>

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

struct thread_profile {
  std::vector<event> events;
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
  explicit speedscope_builder(const Session& s) : session_(s), timeline_(s) {}

  void write(std::ostream& out) {
    for (const FrameProfile& f : session_.frames) add_frame(f);
    out << R"({"$schema":"https://www.speedscope.app/file-format-schema.json","activeProfileIndex":0,)"
        << R"("exporter":"yams","name":)" << json("yams session " + session_.info.session_id).dump()
        << R"(,"profiles":[)";
    bool first_profile = true;
    for (auto& [tid, p] : threads_) {
      while (!p.stack.empty()) p.pop();
      out << (first_profile ? "" : ",") << R"({"endValue":)";
      put_number(out, p.last);
      out << R"(,"events":[)";
      for (std::size_t i = 0; i < p.events.size(); ++i) {
        const event& e = p.events[i];
        out << (i == 0 ? "" : ",") << R"({"at":)";
        put_number(out, e.at);
        out << R"(,"frame":)" << e.frame_index << R"(,"type":")" << e.type << R"("})";
      }
      p.events = {};
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

  void add_rollback(const FrameProfile& f, double base) {
    thread_profile& p = threads_[timeline_.frame_thread(f)];
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
      thread_profile& p = threads_[c.thread];
      while (!p.stack.empty() && (!c.parent_id || p.stack.back().id != *c.parent_id)) p.pop();
      const double start = std::max(static_cast<double>(frame_timeline::start_ns(base, c)) / 1e6, p.last);
      double end = static_cast<double>(frame_timeline::end_ns(base, c)) / 1e6;
      if (!p.stack.empty()) end = std::min(end, p.stack.back().end);
      const std::uint32_t i = frame_index(c.label, c.file, c.line);
      p.emit('O', i, start);
      p.stack.push_back({c.id, std::max(end, start), i});
    }
  }

  const Session& session_;
  frame_timeline timeline_;
  json frames_ = json::array();
  std::map<std::tuple<std::string, std::string, std::uint32_t>, std::uint32_t> frame_ids_;
  std::map<std::uint64_t, thread_profile> threads_;
};

}  // namespace

void write_speedscope(const Session& s, std::ostream& out) { speedscope_builder(s).write(out); }

}  // namespace yams::tool
