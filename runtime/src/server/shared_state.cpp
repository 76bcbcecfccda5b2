// The set of sessions, broadcast (chat-multi's pattern: copy the set under the lock, send outside it),
// and the history message, cached so that many clients connecting at once build it once.
#include "server/shared_state.hpp"

#include "server/protocol.hpp"
#include "server/websocket_session.hpp"

#include <yams/yams.hpp>

namespace yams::detail {

shared_state::shared_state(serve_options options, std::filesystem::path panel_dir,
                           std::vector<std::filesystem::path> source_roots)
    : options_(std::move(options)), panel_dir_(std::move(panel_dir)), source_roots_(std::move(source_roots)) {
  if (options_.replay) {
    history_builder builder;
    for (const auto& frame : options_.replay->frames) builder.add(to_json(frame));
    cached_history_.message = std::make_shared<const std::string>(builder.finish());
    cached_history_.frame_count = options_.replay->frames.size();
  }
}

const SessionInfo& shared_state::session() const noexcept {
  return options_.replay ? options_.replay->info : yams::session();
}

bool shared_state::enabled() const noexcept { return !replay() && yams::enabled(); }

void shared_state::join(websocket_session* session) {
  std::lock_guard lock(sessions_mutex_);
  sessions_.insert(session);
}

void shared_state::leave(websocket_session* session) {
  std::lock_guard lock(sessions_mutex_);
  sessions_.erase(session);
}

std::size_t shared_state::session_count() {
  std::lock_guard lock(sessions_mutex_);
  return sessions_.size();
}

std::vector<std::weak_ptr<websocket_session>> shared_state::sessions_snapshot() {
  std::vector<std::weak_ptr<websocket_session>> out;
  std::lock_guard lock(sessions_mutex_);
  out.reserve(sessions_.size());
  for (auto* s : sessions_) out.push_back(s->weak_from_this());
  return out;
}

void shared_state::broadcast(const published_frame& frame) {
  for (const auto& weak : sessions_snapshot()) {
    if (auto session = weak.lock()) session->send_frame(frame);
  }
}

void shared_state::notify_status(const websocket_session* origin) {
  for (const auto& weak : sessions_snapshot()) {
    auto session = weak.lock();
    if (session && session.get() != origin) session->notify_status();
  }
}

void shared_state::close_all() {
  for (const auto& weak : sessions_snapshot()) {
    if (auto session = weak.lock()) session->close();
  }
}

history_view shared_state::history() {
  std::lock_guard lock(history_mutex_);
  if (replay()) return cached_history_;
  auto ring = history_snapshot();
  auto last = ring.empty() ? nullptr : ring.back().frame;
  if (cached_history_.message && last == cached_last_ && ring.size() == cached_size_) return cached_history_;
  history_builder builder;
  history_view view;
  view.frames.reserve(ring.size());
  for (const auto& published : ring) {
    const auto json = published.message ? frame_json_of(*published.message) : std::string_view{};
    if (!json.empty()) {
      builder.add(json);
    } else {
      builder.add(to_json(*published.frame));
    }
    view.frames.push_back(published.frame.get());
  }
  view.frame_count = ring.size();
  view.message = std::make_shared<const std::string>(builder.finish());
  cached_history_ = view;
  cached_last_ = last;
  cached_size_ = ring.size();
  return view;
}

}  // namespace yams::detail
