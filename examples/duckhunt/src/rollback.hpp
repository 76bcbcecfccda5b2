// RollbackStateManager: a snapshot of the game state per frame in a bounded ring, and the rollback
// that applies a late hit at the past state and re-simulates up to the present.
#pragma once

#include "world.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace duckhunt {

class GameEngine;

struct Snapshot {
  bool valid = false;
  std::uint64_t frame = 0;   ///< the state is the start of this frame
  double wall_epoch = 0;     ///< wall-clock time (epoch s) when it was first captured; not simulated
  GameState state;
};

class RollbackStateManager {
 public:
  /// Keeps the last `capacity` frames (at least 1); `dt` converts timestamps into frames.
  RollbackStateManager(std::size_t capacity, double dt);

  /// Stores `state` as the snapshot of frame state.frame, replacing an older capture of the same frame
  /// (whose wall time is kept). Game thread.
  void capture(const GameState& state, double wall_epoch);
  /// The snapshot of the frame that began at simulated time `target_time`, or nullptr when that frame
  /// is not (or no longer) in the history. Game thread.
  const Snapshot* find_snapshot(double target_time) const noexcept;
  /// Replaces the world's state by the snapshot's. Game thread.
  static void restore(World& world, const Snapshot& snapshot);
  /// Restores the snapshot at `target_time`, runs `hit_applicator` there, and re-simulates up to the
  /// frame the engine was at. Returns the frames re-simulated, or -1 when no snapshot is that old.
  /// Records the rollback in the open profiling frame. Game thread.
  int rollback_and_resimulate(GameEngine& engine, double target_time, const std::function<void()>& hit_applicator);
  /// Re-runs frames [from_frame, to_frame): the inputs logged for them, a fresh capture, and
  /// do_frame_update. Returns the number of frames run. Game thread.
  int resimulate(GameEngine& engine, std::uint64_t from_frame, std::uint64_t to_frame);

  std::size_t capacity() const noexcept { return ring_.size(); }

 private:
  std::vector<Snapshot> ring_;
  double dt_;
};

}  // namespace duckhunt
