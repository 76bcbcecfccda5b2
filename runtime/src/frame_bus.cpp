// Finished frames to their consumers: the ring of the last N frames, the frame listeners (each
// frame serialised once for all of them) and the broadcast callback built on them.
#include "frame_bus.hpp"

#include "collector.hpp"

#include <yams/yams.hpp>

#include <atomic>
#include <deque>
#include <mutex>
#include <string_view>
#include <utility>

namespace yams::detail {

namespace {

struct frame_bus {
  std::mutex mu;  // listeners, history
  struct listener {
    std::uint64_t id;
    std::shared_ptr<const frame_listener> fn;
    std::shared_ptr<const frame_needs_fn> needs;
  };
  std::vector<listener> listeners;
  std::uint64_t next_listener = 1;
  std::deque<published_frame> history;
  std::size_t history_size = 60;

  std::mutex call_mu;  // held while listeners run, so removal can wait for a call in progress

  std::mutex broadcast_mu;
  std::uint64_t broadcast_id = 0;
};

frame_bus& bus() noexcept {
  static frame_bus* b = new frame_bus;  // never destroyed: listeners may be removed during exit
  return *b;
}

}  // namespace

namespace {

// `prefix`, the frame as `write` appends it, and `}`. Sized from the previous message's bytes per
// call, so a large frame's text is written into one buffer instead of being copied a dozen times while
// it grows.
std::string frame_message(const FrameProfile& frame, std::string_view prefix,
                          void (*write)(std::string&, const FrameProfile&),
                          std::atomic<std::size_t>& bytes_per_call) {
  std::string out;
  out.reserve(512 + frame.calls.size() * (bytes_per_call.load(std::memory_order_relaxed) + 8));
  out += prefix;
  write(out, frame);
  out += '}';
  if (frame.calls.size() >= 16) bytes_per_call.store(out.size() / frame.calls.size(), std::memory_order_relaxed);
  return out;
}

}  // namespace

std::string profile_frame_message(const FrameProfile& frame) {
  static std::atomic<std::size_t> bytes_per_call{300};
  return frame_message(frame, R"({"type":"profile_frame","data":)", append_json, bytes_per_call);
}

std::string compact_frame_message(const FrameProfile& frame) {
  static std::atomic<std::size_t> bytes_per_call{60};
  return frame_message(frame, R"({"type":"profile_frame","encoding":"compact","data":)", append_compact_json,
                       bytes_per_call);
}

namespace {

// Serialises `pf.frame` in each encoding `needs` asks for that `pf` does not have yet.
void add_messages(published_frame& pf, frame_needs needs) {
  if (needs.json && !pf.message) pf.message = std::make_shared<const std::string>(profile_frame_message(*pf.frame));
  if (needs.compact && !pf.compact)
    pf.compact = std::make_shared<const std::string>(compact_frame_message(*pf.frame));
}

}  // namespace

void publish_frame(std::shared_ptr<const FrameProfile> frame) {
  frame_bus& b = bus();
  std::lock_guard calling(b.call_mu);
  published_frame pf{std::move(frame), nullptr, nullptr};
  std::vector<frame_bus::listener> targets;
  {
    std::lock_guard lk(b.mu);
    targets = b.listeners;
  }
  frame_needs needs{false, false};
  for (const auto& l : targets) {
    const frame_needs n = *l.needs ? (*l.needs)() : frame_needs{};
    needs.json = needs.json || n.json;
    needs.compact = needs.compact || n.compact;
  }
  add_messages(pf, needs);
  {
    std::lock_guard lk(b.mu);
    if (b.history_size > 0) {
      b.history.push_back(pf);
      while (b.history.size() > b.history_size) b.history.pop_front();
    }
  }
  for (const auto& l : targets) {
    try {
      (*l.fn)(pf);
    } catch (...) {
      // A consumer's failure must not stop the collector.
    }
  }
}

std::uint64_t add_frame_listener(frame_listener fn, frame_needs_fn needs) {
  collector_ensure_started();
  frame_bus& b = bus();
  std::lock_guard lk(b.mu);
  const std::uint64_t id = b.next_listener++;
  b.listeners.push_back({id, std::make_shared<const frame_listener>(std::move(fn)),
                         std::make_shared<const frame_needs_fn>(std::move(needs))});
  return id;
}

void remove_frame_listener(std::uint64_t id) {
  frame_bus& b = bus();
  {
    std::lock_guard lk(b.mu);
    std::erase_if(b.listeners, [id](const auto& l) { return l.id == id; });
  }
  std::lock_guard wait_for_call(b.call_mu);
}

std::vector<published_frame> history_snapshot(frame_needs needs) {
  frame_bus& b = bus();
  std::lock_guard lk(b.mu);
  for (auto& pf : b.history) add_messages(pf, needs);
  return {b.history.begin(), b.history.end()};
}

}  // namespace yams::detail

namespace yams {

void set_broadcast_callback(broadcast_callback cb) {
  detail::frame_bus& b = detail::bus();
  std::lock_guard lk(b.broadcast_mu);
  if (b.broadcast_id != 0) detail::remove_frame_listener(b.broadcast_id);
  b.broadcast_id = 0;
  if (cb) {
    b.broadcast_id = detail::add_frame_listener(
        [cb = std::move(cb)](const detail::published_frame& pf) { cb(*pf.message); });
  }
}

std::vector<std::shared_ptr<const FrameProfile>> history() {
  detail::collector_wait_assembled();
  detail::frame_bus& b = detail::bus();
  std::lock_guard lk(b.mu);
  std::vector<std::shared_ptr<const FrameProfile>> out;
  out.reserve(b.history.size());
  for (const auto& pf : b.history) out.push_back(pf.frame);
  return out;
}

std::size_t history_size() noexcept {
  detail::frame_bus& b = detail::bus();
  std::lock_guard lk(b.mu);
  return b.history_size;
}

void set_history_size(std::size_t n) {
  detail::frame_bus& b = detail::bus();
  std::lock_guard lk(b.mu);
  b.history_size = n;
  while (b.history.size() > n) b.history.pop_front();
}

}  // namespace yams
