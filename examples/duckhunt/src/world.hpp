// The simulated world of the duck hunt: entities, the round, the random generator, scheduled script
// calls. Everything here is plain data so the rollback manager can copy it as a snapshot, and
// everything that decides the game's outcome lives here so hash() fingerprints the whole state.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace duckhunt {

/// Number of named per-entity variables a script may use (ams.get_var / ams.set_var).
inline constexpr std::size_t max_entity_vars = 4;

struct Entity {
  std::string id;             ///< e.g. "duck_7": kind name and a per-round serial number
  std::uint32_t kind = 0;     ///< index of the entity's behaviour (LuaEngine::kind_name)
  double x = 0, y = 0, vx = 0, vy = 0;
  double radius = 16;
  std::array<double, max_entity_vars> vars{};
  double skin_time = 0;       ///< animation clock, advanced by the skin update
  std::uint32_t skin_frame = 0;
  bool alive = true;          ///< false once destroyed; removed at the end of the frame
};

/// A script function to call later (ams.schedule): `callback` names a function of game.lua's
/// `scheduled` table, called with `entity_id`.
struct ScheduledCall {
  double at = 0;
  std::uint64_t seq = 0;
  std::string callback;
  std::string entity_id;
};

/// The complete simulation state: what a snapshot copies and restores.
struct GameState {
  std::uint64_t frame = 0;    ///< frames completed
  double time = 0;            ///< simulated seconds (frame * dt)
  std::uint32_t round = 0;
  double round_time = 0;
  std::int64_t score = 0;
  std::uint32_t rounds_won = 0, rounds_lost = 0;
  std::uint32_t shots = 0, hits = 0;
  std::uint64_t rng = 0;      ///< splitmix64 state behind ams.random and math.random
  std::uint64_t next_seq = 0;
  std::uint64_t sounds = 0;        ///< sound events played
  std::uint64_t sound_digest = 0;  ///< order-independent digest of their names
  std::vector<std::uint32_t> serials;  ///< per kind: last serial number handed out this round
  std::vector<Entity> entities;
  std::vector<ScheduledCall> scheduled;
};

/// The state plus an index from entity id to position, kept in step with the entity list.
class World {
 public:
  GameState state;

  /// The live entity called `id`, or nullptr. Game thread.
  Entity* find(std::string_view id) noexcept;
  /// Appends a new entity of `kind` named `<kind_name>_<serial>`; returns its index. Game thread.
  std::size_t spawn(std::uint32_t kind, std::string_view kind_name, double x, double y, double vx,
                    double vy, double radius);
  /// Removes destroyed entities, keeping the others' order. Game thread.
  void compact();
  /// Clears every entity and scheduled call and restarts serial numbers (a new round). Game thread.
  void clear_round();
  /// Rebuilds the id index after the state was replaced wholesale (a rollback restore). Game thread.
  void rebuild_index();
  /// Next value in [0, 1) from the state's generator. Game thread.
  double random() noexcept;
  /// A 64-bit FNV-1a fingerprint of the whole state. Any thread holding the world.
  std::uint64_t hash() const noexcept;

 private:
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::size_t, string_hash, std::equal_to<>> index_;
};

/// A 64-bit FNV-1a hash of `text`, used for sound digests.
std::uint64_t fnv1a(std::string_view text) noexcept;

}  // namespace duckhunt
