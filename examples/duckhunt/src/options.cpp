// Parsing yams-duckhunt's command line.
#include "options.hpp"

#include <yams/frame.hpp>  // zone_kind, whose values are constants: nothing of it in the binary

#include <charconv>
#include <cmath>
#include <iterator>
#include <string_view>
#include <utility>

namespace duckhunt {
namespace {

std::uint64_t parse_number(const std::string& option, const std::string& text, std::uint64_t lo, std::uint64_t hi) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) {
    throw usage_error(option + ": expected a whole number from " + std::to_string(lo) + " to " +
                      std::to_string(hi) + ", got '" + text + "'");
  }
  return v;
}

// The zone kinds' names. A copy of yams::zone_kind_names, checked below at compile time: the plain build
// must hold no yams symbol, and the table used at run time would be one.
constexpr std::pair<std::uint32_t, std::string_view> kind_names[] = {{yams::zone_kind_engine, "engine"},
                                                                     {yams::zone_kind_lua_code, "lua_code"},
                                                                     {yams::zone_kind_lua_callback, "lua_callback"}};
static_assert([] {
  for (std::size_t i = 0; i < std::size(kind_names); ++i)
    if (kind_names[i].first != yams::zone_kind_names[i].first ||
        kind_names[i].second != yams::zone_kind_names[i].second)
      return false;
  return std::size(kind_names) == std::size(yams::zone_kind_names);
}());

// A comma-separated list of zone kinds, as yams::zone_kind bits.
std::uint32_t parse_kinds(const std::string& option, const std::string& text) {
  std::uint32_t bits = 0;
  std::size_t from = 0;
  while (true) {
    const std::size_t comma = text.find(',', from);
    const std::string name = text.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
    std::uint32_t bit = 0;
    for (const auto& [b, n] : kind_names)
      if (n == name) bit = b;
    if (bit == 0) {
      throw usage_error(option + ": expected zone kinds engine, lua_code or lua_callback separated by commas, got '" +
                        name + "' in '" + text + "'");
    }
    bits |= bit;
    if (comma == std::string::npos) return bits;
    from = comma + 1;
  }
}

}  // namespace

const char* usage_text() noexcept {
  return "usage: yams-duckhunt [options]\n"
         "  --frames N        stop after N frames (default: run until Ctrl-C)\n"
         "  --ducks N         ducks per round (default 50)\n"
         "  --seed S          random seed of the game and the simulated shooter (default 1)\n"
         "  --latency-ms MS   how late hits arrive, causing rollbacks (default 100, 0 to 1900)\n"
         "  --unpaced         run flat out instead of 60 frames a second\n"
         "  --serve           start the profiler server and print the panel's URL\n"
         "  --port P          the server's port (default 8765, 0 for any free one)\n"
         "  --record FILE     record the profiling session to FILE (streaming JSON lines)\n"
         "  --profile         enable profiling (implied by --serve and --record)\n"
         "  --hash            print the final game state's hash\n"
         "  --reload-scripts  reload a behaviour script when its file changes (checked every 30 frames)\n"
         "  --scripts DIR     the Lua scripts (default: installed next to the program, else the sources)\n"
         "  --ring-slots N    16-byte slots of each thread's profiling ring (256 to 268435456; default\n"
         "                    262144); a larger ring lets an unpaced run record every zone\n"
         "  --skip-zones KINDS  do not record these kinds of zones, comma-separated: lua_callback\n"
         "                    (the ams.* API callbacks), lua_code (script calls), engine (the rest;\n"
         "                    frames always record); skipped zones cost what profiling off costs\n"
         "  --help            this text\n";
}

Options parse_options(const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw usage_error(a + ": missing value");
      return args[++i];
    };
    if (a == "--frames") {
      o.frames = parse_number(a, value(), 1, 1'000'000'000);
    } else if (a == "--ducks") {
      o.ducks = static_cast<int>(parse_number(a, value(), 1, 100'000));
    } else if (a == "--seed") {
      o.seed = parse_number(a, value(), 0, UINT64_MAX);
    } else if (a == "--latency-ms") {
      o.latency_ms = static_cast<int>(parse_number(a, value(), 0, max_latency_ms));
    } else if (a == "--unpaced") {
      o.unpaced = true;
    } else if (a == "--serve") {
      o.serve = true;
    } else if (a == "--port") {
      o.port = static_cast<int>(parse_number(a, value(), 0, 65535));
      o.port_given = true;
    } else if (a == "--record") {
      o.record = value();
      if (o.record.empty()) throw usage_error("--record: missing file name");
    } else if (a == "--profile") {
      o.profile = true;
    } else if (a == "--hash") {
      o.hash = true;
    } else if (a == "--reload-scripts") {
      o.reload_scripts = true;
    } else if (a == "--ring-slots") {
      o.ring_slots = parse_number(a, value(), 256, std::uint64_t{1} << 28);
    } else if (a == "--skip-zones") {
      o.skip_zones = parse_kinds(a, value());
    } else if (a == "--scripts") {
      o.scripts = value();
    } else if (a == "--help" || a == "-h") {
      o.help = true;
    } else {
      throw usage_error("unknown option '" + a + "'");
    }
  }
  if (o.port_given && !o.serve) throw usage_error("--port: only meaningful with --serve");
  return o;
}

std::string zone_kinds_text(std::uint32_t bits) {
  std::string out;
  for (const auto& [bit, name] : kind_names) {
    if ((bits & bit) == 0) continue;
    if (!out.empty()) out += ',';
    out += name;
  }
  return out;
}

int latency_frames(int latency_ms, double dt) noexcept {
  return static_cast<int>(std::lround(latency_ms / (dt * 1000.0)));
}

}  // namespace duckhunt
