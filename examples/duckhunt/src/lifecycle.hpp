// The per-entity lifecycle hook: calls an entity's behaviour script, the design's
// `_lifecycle_provider.on_entity_update()`.
#pragma once

#include <yams/probe.hpp>

#include <cstdint>
#include <string>

namespace duckhunt {

class LuaEngine;

class LifecycleProvider {
 public:
  explicit LifecycleProvider(LuaEngine& lua) : lua_(lua) {}
  /// Runs the on_update(entity_id, dt) of the entity's behaviour (of kind `kind`, defined at
  /// `script`, which the profiler records as the call's source). Returns false if it failed (the
  /// failure is reported once per entity). Game thread.
  bool on_entity_update(const std::string& entity_id, const yams::script_source* script, std::uint32_t kind,
                        double dt);

 private:
  LuaEngine& lua_;
};

}  // namespace duckhunt
