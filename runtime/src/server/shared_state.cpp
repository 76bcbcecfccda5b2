// The set of sessions, broadcast (chat-multi's pattern: copy the set under the lock, send outside it),
// and the history messages, shared so that many clients connecting at once build each once.
#include "server/shared_state.hpp"

#include "server/protocol.hpp"
#include "server/websocket_session.hpp"

#include <yams/yams.hpp>

#include <cstdio>

namespace yams::detail {

namespace {

// The frame object in `encoding`, for a history message.
std::string frame_text(const FrameProfile& frame, frame_encoding encoding) {
  return encoding == frame_encoding::compact ? to_compact_json(frame) : to_json(frame);
}

/// Parts of a replay kept built after their last client let go: one client a few parts behind another
/// (both connected at about the same time) shares them instead of building them again.
constexpr std::size_t recent_replay_parts = 3;
constexpr auto npos = static_cast<std::size_t>(-1);

}  // namespace

shared_state::shared_state(serve_options options, std::filesystem::path panel_dir,
                           std::vector<std::filesystem::path> source_roots)
    : options_(std::move(options)), panel_dir_(std::move(panel_dir)), source_roots_(std::move(source_roots)) {}

const SessionInfo& shared_state::session() const noexcept {
  if (options_.replay) return options_.replay->info;
  return options_.replay_index ? options_.replay_index->info() : yams::session();
}

bool shared_state::enabled() const noexcept { return !replay() && yams::enabled(); }

void shared_state::join(websocket_session* session, frame_encoding encoding) {
  std::lock_guard lock(sessions_mutex_);
  if (sessions_.insert(session).second) ++sessions_by_encoding_[static_cast<int>(encoding)];
}

void shared_state::leave(websocket_session* session, frame_encoding encoding) {
  std::lock_guard lock(sessions_mutex_);
  if (sessions_.erase(session) != 0) --sessions_by_encoding_[static_cast<int>(encoding)];
}

void shared_state::switch_encoding(frame_encoding from, frame_encoding to) {
  std::lock_guard lock(sessions_mutex_);
  --sessions_by_encoding_[static_cast<int>(from)];
  ++sessions_by_encoding_[static_cast<int>(to)];
}

frame_needs shared_state::needs() {
  std::lock_guard lock(sessions_mutex_);
  return {sessions_by_encoding_[static_cast<int>(frame_encoding::json)] != 0,
          sessions_by_encoding_[static_cast<int>(frame_encoding::compact)] != 0};
}

std::size_t shared_state::session_count() const {
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

history_part shared_state::history(frame_encoding encoding, std::size_t part) {
  std::lock_guard lock(history_mutex_);
  return replay() ? replay_history(encoding, part) : live_history(encoding);
}

std::size_t shared_state::replay_size() const noexcept {
  return options_.replay ? options_.replay->frames.size() : options_.replay_index->size();
}

std::string shared_state::replay_frame_text(std::size_t i, frame_encoding encoding) const {
  if (options_.replay) return frame_text(options_.replay->frames[i], encoding);
  return frame_text(options_.replay_index->frame(i), encoding);  // read from the file again
}

history_part shared_state::replay_history(frame_encoding encoding, std::size_t part) {
  auto& parts = replay_parts_[static_cast<int>(encoding)];
  // Parts are asked for in order, so the start of `part` is known; each part's end is found by building
  // it (its frames' texts up to the size bound, at least one frame) and then kept.
  while (parts.starts.size() <= part) {
    auto earlier = replay_history(encoding, parts.starts.size() - 1);
    if (!earlier.error.empty()) return earlier;  // not delimited: nor is any part after it
  }
  history_part out;
  out.total = replay_size();
  try {
    build_replay_part(encoding, part, out);
  } catch (const std::exception& e) {
    // The file changed since it was indexed: this part is not built, and a next try starts it afresh.
    parts.spare_frame = npos;
    parts.spare_text = std::string();
    out = history_part{};
    out.total = replay_size();
    out.error = e.what();
    if (out.error != replay_error_) {
      replay_error_ = out.error;
      std::fprintf(stderr, "yams server: cannot send the replayed session: %s\n", out.error.c_str());
    }
  }
  return out;
}

void shared_state::build_replay_part(frame_encoding encoding, std::size_t part, history_part& out) {
  auto& parts = replay_parts_[static_cast<int>(encoding)];
  const std::size_t size = replay_size();
  const std::size_t begin = parts.starts[part];
  const bool delimited = part + 1 < parts.starts.size();
  std::size_t end = delimited ? parts.starts[part + 1] : size;
  if (part < parts.texts.size()) out.message = parts.texts[part].lock();
  if (!out.message) {
    history_builder builder(encoding);
    for (std::size_t i = begin; i < end; ++i) {
      std::string text;
      if (i == parts.spare_frame) {
        text = std::move(parts.spare_text);
        parts.spare_frame = npos;
      } else {
        text = replay_frame_text(i, encoding);
      }
      if (!delimited && builder.frames() != 0 && builder.size_with(text) > max_history_message) {
        end = i;
        parts.spare_frame = i;  // the next part's first frame: not written twice
        parts.spare_text = std::move(text);
        break;
      }
      builder.add(text);
    }
    if (!delimited) parts.starts.push_back(end);
    auto text = builder.finish(end < size);
    text.shrink_to_fit();  // held while clients read it: not the builder's spare capacity too
    out.message = std::make_shared<const std::string>(std::move(text));
    if (parts.texts.size() <= part) parts.texts.resize(part + 1);
    parts.texts[part] = out.message;
    parts.recent.push_back(out.message);
    if (parts.recent.size() > recent_replay_parts) parts.recent.pop_front();
  }
  out.frame_count = end - begin;
  out.more = end < size;
}

history_part shared_state::live_history(frame_encoding encoding) {
  auto& cache = cached_history_[static_cast<int>(encoding)];
  const frame_needs needs{encoding == frame_encoding::json, encoding == frame_encoding::compact};
  auto ring = history_snapshot(needs);
  auto last = ring.empty() ? nullptr : ring.back().frame;
  if (cache.view.message && last == cache.last && ring.size() == cache.size) return cache.view;
  history_builder builder(encoding);
  history_part view;
  view.frames.reserve(ring.size());
  for (const auto& published : ring) {
    const auto& message = encoding == frame_encoding::compact ? published.compact : published.message;
    const auto text = message ? frame_json_of(*message, encoding) : std::string_view{};
    if (!text.empty()) {
      builder.add(text);
    } else {
      builder.add(frame_text(*published.frame, encoding));
    }
    view.frames.push_back(published.frame.get());
  }
  view.frame_count = ring.size();
  view.total = ring.size();
  view.message = std::make_shared<const std::string>(builder.finish());
  cache = {view, last, ring.size()};
  return view;
}

}  // namespace yams::detail
