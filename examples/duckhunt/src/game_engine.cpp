// GameEngine (module game_engine): the frame, the simulation step, late hits, the simulated shooter
// and the round rules.
#include "game_engine.hpp"

#include <yams/yams.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace duckhunt {

double wall_clock_epoch() noexcept {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

namespace {

// Frames between two looks at the behaviour scripts' modification times (--reload-scripts).
constexpr std::uint64_t reload_interval_frames = 30;

std::uint64_t splitmix(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/// The default shooter: now and then aims at a random target, a few units off.
shooter_fn random_shooter(std::uint64_t seed, const LuaEngine& lua) {
  auto rng = std::make_shared<std::uint64_t>(seed ^ 0x5eed5eed5eed5eedull);
  return [rng, &lua](const World& world, std::vector<Shot>& out) {
    if (splitmix(*rng) % 20 != 0) return;  // about three shots a second
    const auto& kinds = lua.hit_rule().kinds;
    std::size_t targets = 0;
    for (const Entity& e : world.state.entities) {
      targets += e.alive && std::find(kinds.begin(), kinds.end(), e.kind) != kinds.end();
    }
    if (targets == 0) return;
    std::size_t pick = splitmix(*rng) % targets;
    for (const Entity& e : world.state.entities) {
      if (!e.alive || std::find(kinds.begin(), kinds.end(), e.kind) == kinds.end()) continue;
      if (pick-- == 0) {
        const double jx = static_cast<double>(splitmix(*rng) % 17) - 8;
        const double jy = static_cast<double>(splitmix(*rng) % 17) - 8;
        out.push_back({0, e.x + jx, e.y + jy});
        return;
      }
    }
  };
}

}  // namespace

GameEngine::GameEngine(Config config, report_sink report)
    : config_(std::move(config)),
      report_(std::move(report)),
      lua_(world_, config_.scripts_dir, report_),
      api_(world_, lua_),
      rollback_(config_.history_frames, config_.dt) {
  world_.state.rng = config_.seed;
  lua_.bind(api_);
  lua_.load();
  shooter_ = random_shooter(config_.seed, lua_);
  start_round();
}

[[yams::frame("Frame", "module=game_engine", "number=frame_number_")]]
void GameEngine::update(double dt) {
  // The design's "adjust the behaviour, see the flame graph change": edited scripts take effect here.
  if (config_.reload_scripts && frame_number_ % reload_interval_frames == 0) lua_.reload_changed_behaviours();
  deliver_hits();  // hits of earlier frames arriving now: rollbacks
  fire_inputs();
  deliver_hits();  // with no latency, this frame's hits apply at once
  rollback_.capture(world_.state, wall_clock_epoch());
  do_frame_update(dt);
  ++frame_number_;
}

[[yams::profile("Frame Update", "module=game_engine", "args=")]]
void GameEngine::do_frame_update(double dt) {
  lua_.update(dt);
  move_entities(dt);
  check_on_update_transforms();
  check_collisions();
  update_skins(dt);
  world_.compact();
  GameState& s = world_.state;
  ++s.frame;
  s.time = static_cast<double>(s.frame) * config_.dt;
  s.round_time += dt;
  if (check_win_conditions() || check_lose_conditions()) start_round();
}

[[yams::profile("Delayed Hit", "module=game_engine")]]
void GameEngine::process_delayed_hit(double x, double y, double timestamp) {
  const auto frame = static_cast<std::uint64_t>(std::llround(timestamp / config_.dt));
  if (frame == world_.state.frame) {
    apply_hit(x, y);
    ++stats_.immediate_hits;
    return;
  }
  const int frames = rollback_.rollback_and_resimulate(*this, timestamp, [&] { apply_hit(x, y); });
  if (frames < 0) {
    ++stats_.dropped_hits;
    if (!reported_dropped_ && report_) {
      report_("duckhunt: a hit from frame " + std::to_string(frame) + " arrived after its snapshot left the " +
              std::to_string(rollback_.capacity()) + "-frame history; dropped (reported once)");
    }
    reported_dropped_ = true;
    return;
  }
  ++stats_.rollbacks;
  stats_.frames_resimulated += static_cast<std::uint64_t>(frames);
}

void GameEngine::deliver_hits() {
  while (!pending_.empty() && pending_.front().deliver_frame <= world_.state.frame) {
    const Shot shot = pending_.front().shot;
    pending_.pop_front();
    process_delayed_hit(shot.x, shot.y, static_cast<double>(shot.frame) * config_.dt);
  }
}

void GameEngine::fire_inputs() {
  const std::uint64_t frame = world_.state.frame;
  while (!input_log_.empty() && input_log_.front().frame + rollback_.capacity() < frame) input_log_.pop_front();
  shot_buf_.clear();
  shooter_(world_, shot_buf_);
  for (Shot shot : shot_buf_) {
    shot.frame = frame;
    input_log_.push_back(shot);
    fired_.push_back(shot);
    pending_.push_back({frame + static_cast<std::uint64_t>(config_.latency_frames), shot});
    run_input(shot);
  }
}

void GameEngine::replay_inputs(std::uint64_t frame) {
  for (const Shot& shot : input_log_) {
    if (shot.frame == frame) run_input(shot);
  }
}

void GameEngine::run_input(const Shot& shot) {
  ++world_.state.shots;
  lua_.execute_input_action("shoot", shot.x, shot.y);
}

void GameEngine::apply_hit(double x, double y) {
  const HitRule& rule = lua_.hit_rule();
  const Entity* best = nullptr;
  double best_d2 = 0;
  for (const Entity& e : world_.state.entities) {
    if (!e.alive || std::find(rule.kinds.begin(), rule.kinds.end(), e.kind) == rule.kinds.end()) continue;
    const double dx = e.x - x, dy = e.y - y, reach = e.radius + rule.slop;
    const double d2 = dx * dx + dy * dy;
    if (d2 <= reach * reach && (best == nullptr || d2 < best_d2)) {
      best = &e;
      best_d2 = d2;
    }
  }
  if (best == nullptr) return;
  ++world_.state.hits;
  const std::string id = best->id;
  lua_.execute_collision_action(rule.action, id, std::string());
}

void GameEngine::move_entities(double dt) {
  for (Entity& e : world_.state.entities) {
    e.x += e.vx * dt;
    e.y += e.vy * dt;
  }
}

void GameEngine::check_on_update_transforms() {
  for (Entity& e : world_.state.entities) {
    if (!e.alive) continue;
    for (const TransformRule& rule : lua_.transform_rules()) {
      if (e.kind == rule.from && e.vars[rule.var] < rule.below) {
        e.kind = rule.into;
        e.radius = lua_.kinds()[rule.into].radius;
        break;
      }
    }
  }
}

void GameEngine::check_collisions() {
  struct pair_ids {
    std::string a, b;
    const std::string* action;
  };
  std::vector<pair_ids> hits;
  auto& ents = world_.state.entities;
  for (const CollisionRule& rule : lua_.collision_rules()) {
    // Sweep and prune along x: sort candidates by their left edge, compare while they overlap.
    sweep_.clear();
    for (std::size_t i = 0; i < ents.size(); ++i) {
      if (ents[i].alive && (ents[i].kind == rule.a || ents[i].kind == rule.b)) sweep_.push_back(i);
    }
    std::sort(sweep_.begin(), sweep_.end(), [&](std::size_t l, std::size_t r) {
      const double lx = ents[l].x - ents[l].radius, rx = ents[r].x - ents[r].radius;
      return lx != rx ? lx < rx : l < r;
    });
    for (std::size_t i = 0; i < sweep_.size(); ++i) {
      const Entity& p = ents[sweep_[i]];
      for (std::size_t j = i + 1; j < sweep_.size(); ++j) {
        const Entity& q = ents[sweep_[j]];
        if (q.x - q.radius > p.x + p.radius) break;
        const bool kinds_match = (p.kind == rule.a && q.kind == rule.b) || (p.kind == rule.b && q.kind == rule.a);
        const double dx = q.x - p.x, dy = q.y - p.y, r = p.radius + q.radius;
        if (kinds_match && dx * dx + dy * dy < r * r) {
          const bool p_first = p.kind == rule.a;
          hits.push_back({p_first ? p.id : q.id, p_first ? q.id : p.id, &rule.action});
        }
      }
    }
  }
  for (const pair_ids& h : hits) lua_.execute_collision_action(*h.action, h.a, h.b);
}

void GameEngine::update_skins(double dt) {
  for (Entity& e : world_.state.entities) {
    e.skin_time += dt;
    e.skin_frame = static_cast<std::uint32_t>(e.skin_time * 8) % 4;
  }
}

bool GameEngine::check_win_conditions() {
  // Won when nothing shootable is left flying and nothing shot is still falling.
  const auto& rule = lua_.hit_rule();
  for (const Entity& e : world_.state.entities) {
    if (!e.alive) continue;
    if (std::find(rule.kinds.begin(), rule.kinds.end(), e.kind) != rule.kinds.end()) return false;
    for (const TransformRule& t : lua_.transform_rules()) {
      if (e.kind == t.into) return false;
    }
  }
  ++world_.state.rounds_won;
  api_.play_sound("round_won");
  return true;
}

bool GameEngine::check_lose_conditions() {
  if (world_.state.round_time < lua_.round_seconds()) return false;
  ++world_.state.rounds_lost;
  api_.play_sound("round_lost");
  return true;
}

void GameEngine::start_round() {
  world_.clear_round();
  ++world_.state.round;
  world_.state.round_time = 0;
  lua_.start_round(world_.state.round, config_.ducks);
}

}  // namespace duckhunt
