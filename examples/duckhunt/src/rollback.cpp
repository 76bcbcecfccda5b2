// Snapshots, restore, and the rollback/re-simulation loop (module rollback).
#include "rollback.hpp"

#include "game_engine.hpp"

#include <yams/yams.hpp>

#include <cmath>

namespace duckhunt {

RollbackStateManager::RollbackStateManager(std::size_t capacity, double dt)
    : ring_(capacity == 0 ? 1 : capacity), dt_(dt) {}

void RollbackStateManager::capture(const GameState& state, double wall_epoch) {
  Snapshot& slot = ring_[state.frame % ring_.size()];
  if (!(slot.valid && slot.frame == state.frame)) slot.wall_epoch = wall_epoch;
  slot.valid = true;
  slot.frame = state.frame;
  slot.state = state;  // copy-assignment reuses the slot's buffers
}

const Snapshot* RollbackStateManager::find_snapshot(double target_time) const noexcept {
  if (!(target_time >= 0)) return nullptr;
  const auto frame = static_cast<std::uint64_t>(std::llround(target_time / dt_));
  const Snapshot& slot = ring_[frame % ring_.size()];
  return slot.valid && slot.frame == frame ? &slot : nullptr;
}

void RollbackStateManager::restore(World& world, const Snapshot& snapshot) {
  world.state = snapshot.state;
  world.rebuild_index();
}

[[yams::profile("Rollback", "module=rollback", "args=target_time")]]
int RollbackStateManager::rollback_and_resimulate(GameEngine& engine, double target_time,
                                                  const std::function<void()>& hit_applicator) {
  const Snapshot* snapshot = find_snapshot(target_time);
  const std::uint64_t present = engine.world().state.frame;
  if (snapshot == nullptr || snapshot->frame > present) return -1;
  const std::uint64_t from = snapshot->frame;
  const double snapshot_epoch = snapshot->wall_epoch;
  const double age_ms = (wall_clock_epoch() - snapshot_epoch) * 1000.0;
  restore(engine.world(), *snapshot);
  hit_applicator();
  capture(engine.world().state, snapshot_epoch);  // later rollbacks to this frame must see the hit
  const int frames = resimulate(engine, from, present);
#if DUCKHUNT_WITH_YAMS
  yams::record_rollback(frames, snapshot_epoch, age_ms);
#else
  (void)age_ms;
#endif
  return frames;
}

[[yams::profile("Re-simulation", "module=rollback")]]
int RollbackStateManager::resimulate(GameEngine& engine, std::uint64_t from_frame, std::uint64_t to_frame) {
  int frames = 0;
  for (std::uint64_t f = from_frame; f < to_frame; ++f) {
    if (f != from_frame) {
      engine.replay_inputs(f);
      capture(engine.world().state, 0);
    }
    engine.do_frame_update(engine.dt());
    ++frames;
  }
  return frames;
}

}  // namespace duckhunt
