// Chrome Trace Event output of `yams convert`: a begin ("B") and an end ("E") event per call on its
// thread, the call's args, entity id and identity in the begin's `args`, rollbacks as global instant
// ("i") events, and thread names as metadata ("M") events. Times are microseconds on the
// frame_timeline (convert.hpp), written from whole nanoseconds.
//
// Begin/end pairs rather than complete ("X") events: a viewer nests X events by adding `ts` and `dur`
// in floating point, and a call whose end touches the next call's start could come out overlapping it
// by a rounding error, which breaks the nesting (speedscope's importer did, on thousands of the
// demo's calls). B/E events nest by their order in the file, which viewers keep for equal timestamps:
// a parent's begin precedes its children's, a child's end precedes its parent's. An end repeats its
// begin's name and args: speedscope matches an end to the open begin by both. A call of zero length
// without children is one X event of zero duration instead, since a viewer may put an end before a
// begin with the same timestamp.
#include "convert.hpp"

#include <algorithm>
#include <map>
#include <ostream>
#include <optional>
#include <set>
#include <variant>
#include <vector>

namespace yams::tool {
namespace {

using nlohmann::json;

constexpr int trace_pid = 1;

json arg_json(const arg_value& v) {
  return std::visit([](const auto& x) -> json {
    if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::nullptr_t>)
      return nullptr;
    else
      return x;
  }, v);
}

double us(std::int64_t ns) { return static_cast<double>(ns) / 1000.0; }

// The call's captured args and its identity. A captured value named like an identity key (`frame`,
// `entity_id`, ...) goes in as `arg.<name>`, unless it is the same value (an entity id captured as
// an argument).
json call_args(const FrameProfile& f, const CallNode& c) {
  json args = json::object();
  if (c.entity_id) args["entity_id"] = *c.entity_id;
  args["frame"] = f.frame;
  args["call_id"] = c.id;
  args["parent_id"] = c.parent_id ? json(*c.parent_id) : json(nullptr);
  args["func"] = c.func;
  if (!c.file.empty()) args["source"] = c.file + ":" + std::to_string(c.line);
  if (c.lua_code) args["lua_code"] = true;
  if (c.lua_callback) args["lua_callback"] = true;
  for (const auto& [name, value] : c.args) {
    json v = arg_json(value);
    auto it = args.find(name);
    if (it == args.end()) {
      args[name] = std::move(v);
    } else if (*it != v) {
      args["arg." + name] = std::move(v);
    }
  }
  return args;
}

// A call begun and not yet ended: its end event, written when the next call is not its descendant.
struct open_call {
  std::uint64_t id;
  std::int64_t end_ns;
  json end;
};

json slice_event(const char* ph, const CallNode& c, std::int64_t at_ns, const json& args) {
  return {{"ph", ph}, {"name", c.label}, {"cat", c.module.empty() ? "yams" : c.module}, {"pid", trace_pid},
          {"tid", c.thread}, {"ts", us(at_ns)}, {"args", args}};
}

json rollback_event(const FrameProfile& f, std::int64_t frame_ns, std::uint64_t tid) {
  const RollbackInfo& r = *f.rollback;
  return {{"ph", "i"}, {"s", "g"}, {"name", "Rollback (" + std::to_string(r.frames_resimulated) + " frames resimulated)"},
          {"cat", "rollback"}, {"pid", trace_pid}, {"tid", tid}, {"ts", us(frame_ns)},
          {"args", {{"frame", f.frame}, {"triggered", r.triggered}, {"target_timestamp", r.target_timestamp},
                    {"frames_resimulated", r.frames_resimulated}, {"snapshot_age_ms", r.snapshot_age_ms}}}};
}

json metadata_event(const char* name, std::uint64_t tid, const std::string& value) {
  return {{"ph", "M"}, {"name", name}, {"pid", trace_pid}, {"tid", tid}, {"args", {{"name", value}}}};
}

// Writes the events of the trace's array one at a time, comma-separated, one per line.
class event_writer {
 public:
  explicit event_writer(std::ostream& out) : out_(out) {}
  void push_back(const json& event) {
    out_ << (first_ ? "\n" : ",\n") << event.dump();
    first_ = false;
  }

 private:
  std::ostream& out_;
  bool first_ = true;
};

// Writes one frame's events: per thread, a call's end when the next call is not its descendant
// (parents precede children in `calls`) and every open call's at the frame's end.
void add_frame(event_writer& events, const FrameProfile& f, std::int64_t base) {
  std::map<std::uint64_t, std::vector<open_call>> open;  // per thread, the calls begun and not ended
  auto close_until = [&](std::vector<open_call>& stack, const std::optional<std::uint64_t>& parent) {
    while (!stack.empty() && (!parent || stack.back().id != *parent)) {
      events.push_back(stack.back().end);
      stack.pop_back();
    }
  };
  for (std::size_t i = 0; i < f.calls.size(); ++i) {
    const CallNode& c = f.calls[i];
    std::vector<open_call>& stack = open[c.thread];
    close_until(stack, c.parent_id);
    // Clamped into the parent, should a file hold a child outside it.
    std::int64_t start = frame_timeline::start_ns(base, c);
    std::int64_t end = std::max(start, frame_timeline::end_ns(base, c));
    if (!stack.empty()) end = std::min(end, stack.back().end_ns);
    start = std::min(start, end);
    const json args = call_args(f, c);
    const bool has_child = i + 1 < f.calls.size() && f.calls[i + 1].parent_id == c.id;
    if (end == start && !has_child) {
      json x = slice_event("X", c, start, args);
      x["dur"] = 0;
      events.push_back(x);
      continue;
    }
    events.push_back(slice_event("B", c, start, args));
    stack.push_back({c.id, end, slice_event("E", c, end, args)});
  }
  for (auto& [tid, stack] : open) close_until(stack, std::nullopt);
}

}  // namespace

void write_chrome_trace(session_frames& frames, frame_timeline timeline, std::ostream& out) {
  out << "{\"traceEvents\":[";
  event_writer events(out);
  std::set<std::uint64_t> threads;
  std::uint64_t calls_not_recorded = 0, frames_lost = 0, frames_without_calls = 0;
  frames.for_each([&](const FrameProfile& f) {
    const std::int64_t base = timeline.place(f);
    if (f.rollback)
      events.push_back(rollback_event(f, base, timeline.frame_thread(f)));
    for (const CallNode& c : f.calls) threads.insert(c.thread);
    add_frame(events, f, base);
    calls_not_recorded += f.overflow;
    frames_lost += f.frames_lost;
    if (f.calls.empty()) ++frames_without_calls;
    return static_cast<bool>(out);
  });
  if (!out) return;  // the caller reports the failed write, with its errno
  frames_lost += frames.frames_lost_at_end();
  const std::string& id = frames.info().session_id;
  events.push_back(metadata_event("process_name", 0, "yams session " + id));
  for (std::uint64_t t : threads) events.push_back(metadata_event("thread_name", t, "thread " + std::to_string(t)));
  const json other = {{"exporter", "yams"}, {"session_id", id}, {"start_time", timeline.origin()},
                      {"frames", frames.size()}, {"frames_without_calls", frames_without_calls},
                      {"calls_not_recorded", calls_not_recorded}, {"frames_lost", frames_lost}};
  out << "\n],\"displayTimeUnit\":\"ms\",\"otherData\":" << other.dump() << "}\n";
}

}  // namespace yams::tool
