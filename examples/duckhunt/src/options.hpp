// Command-line options of yams-duckhunt; docs/duckhunt.md lists them with their messages.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace duckhunt {

/// A bad command line; what() names the option and the value at fault.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Options {
  std::uint64_t frames = 0;  ///< 0: run until Ctrl-C
  int ducks = 50;
  std::uint64_t seed = 1;
  int latency_ms = 100;
  bool unpaced = false;
  bool serve = false;
  int port = 8765;
  bool port_given = false;
  std::string record;        ///< session file (streaming form), empty for none
  bool profile = false;      ///< enable profiling without --serve or --record
  bool hash = false;
  bool reload_scripts = false;  ///< reload behaviour scripts when their files change
  std::string scripts;       ///< empty: next to the executable, else the source tree's
  std::uint64_t ring_slots = 0;  ///< each thread's profiling ring, in slots; 0: the runtime's default
  /// Kinds of zones not to record (--skip-zones), as yams::zone_kind bits; 0: record every kind.
  std::uint32_t skip_zones = 0;
  bool help = false;
};

/// The kinds named by yams::zone_kind `bits`, as --skip-zones takes them ("lua_code,lua_callback"; ""
/// for none).
std::string zone_kinds_text(std::uint32_t bits);

/// Largest --latency-ms: a late hit must still find its frame in the 120-frame snapshot history.
inline constexpr int max_latency_ms = 1900;

/// Parses the arguments after the program name. Throws usage_error on a bad command line.
Options parse_options(const std::vector<std::string>& args);
/// Frames of simulated delay for a hit `latency_ms` late at `dt` seconds a frame.
int latency_frames(int latency_ms, double dt) noexcept;
/// The --help text.
const char* usage_text() noexcept;

}  // namespace duckhunt
