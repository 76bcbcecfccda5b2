// The world's bookkeeping: the id index, spawning and removal, the random generator and the hash.
#include "world.hpp"

#include <algorithm>
#include <bit>
#include <charconv>

namespace duckhunt {

std::uint64_t fnv1a(std::string_view text) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

Entity* World::find(std::string_view id) noexcept {
  auto it = index_.find(id);
  if (it == index_.end()) return nullptr;
  Entity& e = state.entities[it->second];
  return e.alive ? &e : nullptr;
}

std::size_t World::spawn(std::uint32_t kind, std::string_view kind_name, double x, double y, double vx,
                         double vy, double radius) {
  if (state.serials.size() <= kind) state.serials.resize(kind + 1, 0);
  const std::uint32_t serial = ++state.serials[kind];
  char digits[16];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, serial);
  (void)ec;
  Entity e;
  e.id.reserve(kind_name.size() + 1 + static_cast<std::size_t>(end - digits));
  e.id.append(kind_name).append(1, '_').append(digits, end);
  e.kind = kind;
  e.x = x;
  e.y = y;
  e.vx = vx;
  e.vy = vy;
  e.radius = radius;
  state.entities.push_back(std::move(e));
  const std::size_t i = state.entities.size() - 1;
  index_[state.entities[i].id] = i;
  return i;
}

void World::compact() {
  auto& v = state.entities;
  if (std::none_of(v.begin(), v.end(), [](const Entity& e) { return !e.alive; })) return;
  v.erase(std::remove_if(v.begin(), v.end(), [](const Entity& e) { return !e.alive; }), v.end());
  rebuild_index();
}

void World::clear_round() {
  state.entities.clear();
  state.scheduled.clear();
  std::fill(state.serials.begin(), state.serials.end(), 0u);
  index_.clear();
}

void World::rebuild_index() {
  index_.clear();
  for (std::size_t i = 0; i < state.entities.size(); ++i) index_[state.entities[i].id] = i;
}

double World::random() noexcept {
  // splitmix64: tiny, fast, and fully determined by the one word of state we snapshot.
  std::uint64_t z = (state.rng += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

namespace {

struct hasher {
  std::uint64_t h = 0xcbf29ce484222325ull;
  void bytes(const void* p, std::size_t n) noexcept {
    auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) {
      h ^= b[i];
      h *= 0x100000001b3ull;
    }
  }
  void u64(std::uint64_t v) noexcept { bytes(&v, sizeof v); }
  void f64(double v) noexcept { u64(std::bit_cast<std::uint64_t>(v)); }
  void str(std::string_view s) noexcept {
    u64(s.size());
    bytes(s.data(), s.size());
  }
};

}  // namespace

std::uint64_t World::hash() const noexcept {
  hasher h;
  const GameState& s = state;
  h.u64(s.frame);
  h.f64(s.time);
  h.u64(s.round);
  h.f64(s.round_time);
  h.u64(static_cast<std::uint64_t>(s.score));
  h.u64(s.rounds_won);
  h.u64(s.rounds_lost);
  h.u64(s.shots);
  h.u64(s.hits);
  h.u64(s.rng);
  h.u64(s.next_seq);
  h.u64(s.sounds);
  h.u64(s.sound_digest);
  for (std::uint32_t serial : s.serials) h.u64(serial);
  h.u64(s.entities.size());
  for (const Entity& e : s.entities) {
    h.str(e.id);
    h.u64(e.kind);
    for (double v : {e.x, e.y, e.vx, e.vy, e.radius, e.skin_time}) h.f64(v);
    for (double v : e.vars) h.f64(v);
    h.u64(e.skin_frame);
    h.u64(e.alive ? 1 : 0);
  }
  h.u64(s.scheduled.size());
  for (const ScheduledCall& c : s.scheduled) {
    h.f64(c.at);
    h.u64(c.seq);
    h.str(c.callback);
    h.str(c.entity_id);
  }
  return h.h;
}

}  // namespace duckhunt
