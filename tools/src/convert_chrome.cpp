// Chrome Trace Event output of `yams convert`: one complete ("X") event per call on its thread, the
// call's args, entity id and identity in `args`, rollbacks as global instant ("i") events, and thread
// names as metadata ("M") events. Times are microseconds on the frame_timeline (convert.hpp).
#include "convert.hpp"

#include <set>
#include <variant>

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

json call_event(const FrameProfile& f, const CallNode& c, double frame_us) {
  json args = json::object();
  for (const auto& [name, value] : c.args) args[name] = arg_json(value);
  if (c.entity_id) args["entity_id"] = *c.entity_id;
  args["frame"] = f.frame;
  args["call_id"] = c.id;
  args["parent_id"] = c.parent_id ? json(*c.parent_id) : json(nullptr);
  args["func"] = c.func;
  if (!c.file.empty()) args["source"] = c.file + ":" + std::to_string(c.line);
  if (c.lua_code) args["lua_code"] = true;
  if (c.lua_callback) args["lua_callback"] = true;
  return {{"ph", "X"}, {"name", c.label}, {"cat", c.module.empty() ? "yams" : c.module}, {"pid", trace_pid},
          {"tid", c.thread}, {"ts", frame_us + c.start * 1000.0}, {"dur", c.duration * 1000.0}, {"args", args}};
}

json rollback_event(const FrameProfile& f, double frame_us) {
  const RollbackInfo& r = *f.rollback;
  return {{"ph", "i"}, {"s", "g"}, {"name", "Rollback"}, {"cat", "rollback"}, {"pid", trace_pid},
          {"tid", f.calls.empty() ? 0 : f.calls.front().thread}, {"ts", frame_us},
          {"args", {{"frame", f.frame}, {"target_timestamp", r.target_timestamp},
                    {"frames_resimulated", r.frames_resimulated}, {"snapshot_age_ms", r.snapshot_age_ms}}}};
}

json metadata_event(const char* name, std::uint64_t tid, const std::string& value) {
  return {{"ph", "M"}, {"name", name}, {"pid", trace_pid}, {"tid", tid}, {"args", {{"name", value}}}};
}

}  // namespace

json to_chrome_trace(const Session& s) {
  frame_timeline timeline(s);
  json events = json::array();
  std::set<std::uint64_t> threads;
  for (const FrameProfile& f : s.frames) {
    const double frame_us = timeline.place(f) * 1000.0;
    if (f.rollback) events.push_back(rollback_event(f, frame_us));
    for (const CallNode& c : f.calls) {
      threads.insert(c.thread);
      events.push_back(call_event(f, c, frame_us));
    }
  }
  events.push_back(metadata_event("process_name", 0, "yams session " + s.info.session_id));
  for (std::uint64_t t : threads) events.push_back(metadata_event("thread_name", t, "thread " + std::to_string(t)));
  return {{"traceEvents", std::move(events)},
          {"displayTimeUnit", "ms"},
          {"otherData", {{"exporter", "yams"}, {"session_id", s.info.session_id}, {"start_time", timeline.origin()}}}};
}

}  // namespace yams::tool
