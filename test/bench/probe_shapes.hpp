// The shapes of an instrumented function the benchmarks compare (runtime_bench.cpp,
// zone_instructions.cpp): the same small function, as the Lua API callbacks of the demo are, plain,
// with the plugin's reentry probe (spelled out by hand; test/plugin/lit/probe-reentry.cpp checks
// the plugin writes this), and with a zone, the probe the plugin writes where reentry does not apply.
#pragma once

#include <yams/yams.hpp>

#include <string_view>

namespace yams_bench {

inline constexpr yams::arg_desc set_vy_args[] = {{"entity_id", yams::arg_in_args, 0}, {"vy", yams::arg_in_args, 1}};

inline double g_sink = 0;

// The body of the functions below calls this, as most instrumented functions call something: their
// arguments then live across a call.
[[gnu::noinline]] inline double lookup(std::string_view entity) {
  asm volatile("" ::: "memory");
  return static_cast<double>(entity.size());
}

// The same function without a probe, with the plugin's reentry probe, and with one capturing both
// parameters (bits 0 and 1 of `params`).
[[gnu::noinline]] inline bool set_vy_plain(std::string_view entity, double vy) {
  g_sink += vy + lookup(entity);
  return true;
}

[[gnu::noinline]] inline bool set_vy_probed(std::string_view entity, double vy) {
  static constexpr yams::site yams_site{"set_vy", "lua_api", "set_vy", __FILE__, __LINE__, 0, nullptr, 0, 0};
  if (yams::detail::reentry_wanted(&yams_site)) [[unlikely]]
    return yams::detail::reenter_function<&yams_site, &set_vy_probed, bool, std::string_view, double>(entity, vy);
  g_sink += vy + lookup(entity);
  return true;
}

[[gnu::noinline]] inline bool set_vy_captured(std::string_view entity, double vy) {
  static constexpr yams::site yams_site{"set_vy", "lua_api", "set_vy", __FILE__, __LINE__, 0, set_vy_args, 2, 3};
  if (yams::detail::reentry_wanted(&yams_site)) [[unlikely]]
    return yams::detail::reenter_function<&yams_site, &set_vy_captured, bool, std::string_view, double>(entity, vy);
  g_sink += vy + lookup(entity);
  return true;
}

// The same two, with a `float` where the others take a double: a captured float is recorded as its
// own 32 bits (kind_float), not widened to a double.
[[gnu::noinline]] inline bool set_vy_plain_float(std::string_view entity, float vy) {
  g_sink += vy + lookup(entity);
  return true;
}

[[gnu::noinline]] inline bool set_vy_captured_float(std::string_view entity, float vy) {
  static constexpr yams::site yams_site{"set_vy", "lua_api", "set_vy", __FILE__, __LINE__, 0, set_vy_args, 2, 3};
  if (yams::detail::reentry_wanted(&yams_site)) [[unlikely]]
    return yams::detail::reenter_function<&yams_site, &set_vy_captured_float, bool, std::string_view, float>(entity,
                                                                                                            vy);
  g_sink += vy + lookup(entity);
  return true;
}

// What the plugin wrote before reentry probes, and still writes where they do not apply: a zone.
[[gnu::noinline]] inline bool set_vy_zoned(std::string_view entity, double vy) {
  static constexpr yams::site yams_site{"set_vy", "lua_api", "set_vy", __FILE__, __LINE__, 0, set_vy_args, 2};
  yams::zone yams_zone(&yams_site, entity, vy);
  g_sink += vy + lookup(entity);
  return true;
}

}  // namespace yams_bench
