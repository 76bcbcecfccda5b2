// The recorded data model: one FrameProfile per frame, holding its calls as a flat list with parent
// ids. Mirrors the design's JSON (section 4) key for key; docs/frame-format.md describes it and
// web-panel/src/model/format.ts is its TypeScript mirror.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace yams {

/// Version of the frame format written by to_json (JSON key `format_version` in session headers).
inline constexpr int frame_format_version = 1;

/// Kinds of zones, for yams::set_recorded_kinds() and FrameProfile::skipped_kinds: each site is of
/// one kind, by its flags (`site_flag` in <yams/probe.hpp>). Frame roots (`[[yams::frame]]`) always
/// record.
enum zone_kind : std::uint32_t {
  zone_kind_engine = 1u << 0,        ///< a site neither `lua_code` nor `lua_callback`
  zone_kind_lua_code = 1u << 1,      ///< a `lua_code` site (and not `lua_callback`)
  zone_kind_lua_callback = 1u << 2,  ///< a `lua_callback` site: an API function scripts call
  zone_kinds_all = zone_kind_engine | zone_kind_lua_code | zone_kind_lua_callback,
};

/// Each kind's name in JSON (`skipped_kinds`), in bit order.
inline constexpr std::pair<zone_kind, std::string_view> zone_kind_names[] = {
    {zone_kind_engine, "engine"}, {zone_kind_lua_code, "lua_code"}, {zone_kind_lua_callback, "lua_callback"}};

/// The kinds' names as error messages list them.
inline constexpr std::string_view zone_kind_choices = "engine, lua_code or lua_callback";

/// The kind called `name` (`engine`, `lua_code`, `lua_callback`), or 0 for none.
constexpr std::uint32_t zone_kind_from_name(std::string_view name) noexcept {
  for (const auto& [bit, n] : zone_kind_names)
    if (n == name) return bit;
  return 0;
}

/// A captured argument value: JSON null, bool, integer, number or string.
using arg_value = std::variant<std::nullptr_t, bool, std::int64_t, double, std::string>;

/// One recorded call (JSON: an element of a frame's `calls`).
struct CallNode {
  std::uint64_t id = 0;                      ///< unique within the session
  std::optional<std::uint64_t> parent_id;    ///< null for a root
  std::string label;                         ///< placeholders already formatted
  std::string module;
  std::string func;
  double start = 0.0;                        ///< ms from the frame's start
  double duration = 0.0;                     ///< ms
  std::vector<std::pair<std::string, arg_value>> args;  ///< JSON object `args`, in capture order
  std::optional<std::string> entity_id;
  bool lua_code = false;
  bool lua_callback = false;
  // Extra keys beyond the design's:
  std::string file;                          ///< JSON `file`: the site's source file
  std::uint32_t line = 0;                    ///< JSON `line`
  std::uint64_t thread = 0;                  ///< JSON `thread`: small id of the recording thread

  bool operator==(const CallNode&) const = default;
};

/// The rollback record of a frame (JSON `rollback`, or null).
struct RollbackInfo {
  bool triggered = true;
  double target_timestamp = 0.0;   ///< epoch seconds
  int frames_resimulated = 0;
  double snapshot_age_ms = 0.0;

  bool operator==(const RollbackInfo&) const = default;
};

/// One finished frame (JSON: an element of `frames`).
struct FrameProfile {
  std::uint64_t frame = 0;
  double timestamp = 0.0;          ///< epoch seconds at begin_frame
  double duration_ms = 0.0;
  std::vector<CallNode> calls;     ///< pre-order: a parent precedes its children
  std::optional<RollbackInfo> rollback;
  // Extra keys beyond the design's:
  std::uint64_t overflow = 0;      ///< JSON `overflow`: calls not recorded (cap or full ring)
  /// JSON `frames_lost`: frames begun since the previous recorded frame whose recording could not
  /// start (the collector was too far behind); their numbers lie between the two frames' numbers.
  std::uint64_t frames_lost = 0;
  /// JSON `skipped_kinds` (written only when not 0, as the kinds' names): the `zone_kind`s this frame
  /// did not record (yams::set_recorded_kinds), so that their absence is not read as calls not made.
  std::uint32_t skipped_kinds = 0;

  bool operator==(const FrameProfile&) const = default;
};

/// A profiling session (JSON: the top level of a session document).
struct SessionInfo {
  std::string session_id;          ///< e.g. "2025-04-05_14-32-11_c4813854"
  double start_time = 0.0;         ///< epoch seconds

  bool operator==(const SessionInfo&) const = default;
};

/// Thrown by the readers on malformed input; what() names what was wrong and where.
class format_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The frame as a JSON object text (design section 4). Any thread.
std::string to_json(const FrameProfile& frame);
/// Appends the frame's JSON object text to `out` (no allocation beyond growing `out`). Any thread.
void append_json(std::string& out, const FrameProfile& frame);
/// Parses one frame object. Throws format_error naming the key or offset that was wrong. Any thread.
FrameProfile frame_from_json(std::string_view json_text);

/// The frame in the compact encoding (docs/frame-format.md, "Compact encoding"): still a JSON object,
/// but each distinct call site is written once in `sites` and every call is an array referring to it.
/// Self-contained: decoding needs no other frame. Any thread.
std::string to_compact_json(const FrameProfile& frame);
/// Appends the frame's compact JSON object text to `out`. Any thread.
void append_compact_json(std::string& out, const FrameProfile& frame);
/// Parses one compact frame object; `frame_from_compact_json(to_compact_json(f)) == to the JSON round
/// trip of f`. Throws format_error naming the path that was wrong (`calls[3][2]: site 9 out of range`).
/// Any thread.
FrameProfile frame_from_compact_json(std::string_view json_text);

}  // namespace yams
