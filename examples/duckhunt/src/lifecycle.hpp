// The per-entity lifecycle hook: calls an entity's behaviour script, the design's
// `_lifecycle_provider.on_entity_update()`.
#pragma once

#include <cstdint>
#include <string>

namespace duckhunt {

class LuaEngine;

class LifecycleProvider {
 public:
  explicit LifecycleProvider(LuaEngine& lua) : lua_(lua) {}
  /// Runs the on_update(entity_id, dt) of the entity's behaviour. Returns false if it failed (the
  /// failure is reported once per entity). Game thread.
  bool on_entity_update(const std::string& entity_id,
                                                                         std::uint32_t kind, double dt);

 private:
  LuaEngine& lua_;
};

}  // namespace duckhunt
