// The frame JSON reader: nlohmann parses, this checks every key's type and reports the first
// problem as "calls[3].duration: expected a number". Keys the design's example omits (args,
// entity_id, lua_code, ...) default as in FrameProfile; unknown keys are ignored.
#include <yams/frame.hpp>

#include <nlohmann/json.hpp>

#include <limits>
#include <string>

namespace yams {

namespace {

using json = nlohmann::ordered_json;  // keeps `args` in their written order

[[noreturn]] void fail(const std::string& where, const char* what) {
  throw format_error(where + ": expected " + what);
}

const json* find(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::uint64_t get_uint(const json& v, const std::string& where) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v.get<std::int64_t>());
  fail(where, "a non-negative integer");
}

double get_number(const json& v, const std::string& where) {
  if (!v.is_number()) fail(where, "a number");
  return v.get<double>();
}

std::string get_string(const json& v, const std::string& where) {
  if (!v.is_string()) fail(where, "a string");
  return v.get<std::string>();
}

bool get_bool(const json& v, const std::string& where) {
  if (!v.is_boolean()) fail(where, "true or false");
  return v.get<bool>();
}

arg_value get_arg(const json& v, const std::string& where) {
  if (v.is_null()) return nullptr;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return static_cast<std::int64_t>(u);
    return static_cast<double>(u);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number_float()) return v.get<double>();
  if (v.is_string()) return v.get<std::string>();
  fail(where, "a number, string, bool or null");
}

CallNode read_call(const json& c, const std::string& where) {
  if (!c.is_object()) fail(where, "an object");
  CallNode n;
  const json* v = find(c, "id");
  if (v == nullptr) throw format_error(where + ".id: missing");
  n.id = get_uint(*v, where + ".id");
  if ((v = find(c, "parent_id")) && !v->is_null()) n.parent_id = get_uint(*v, where + ".parent_id");
  for (const char* key : {"label", "module", "func"}) {
    v = find(c, key);
    if (v == nullptr) throw format_error(where + "." + key + ": missing");
    std::string s = get_string(*v, where + "." + key);
    if (key[0] == 'l') n.label = std::move(s);
    else if (key[0] == 'm') n.module = std::move(s);
    else n.func = std::move(s);
  }
  if ((v = find(c, "start"))) n.start = get_number(*v, where + ".start");
  if ((v = find(c, "duration"))) n.duration = get_number(*v, where + ".duration");
  if ((v = find(c, "args"))) {
    if (!v->is_object()) fail(where + ".args", "an object");
    for (auto it = v->begin(); it != v->end(); ++it)
      n.args.emplace_back(it.key(), get_arg(it.value(), where + ".args." + it.key()));
  }
  if ((v = find(c, "entity_id")) && !v->is_null()) n.entity_id = get_string(*v, where + ".entity_id");
  if ((v = find(c, "lua_code"))) n.lua_code = get_bool(*v, where + ".lua_code");
  if ((v = find(c, "lua_callback"))) n.lua_callback = get_bool(*v, where + ".lua_callback");
  if ((v = find(c, "file"))) n.file = get_string(*v, where + ".file");
  if ((v = find(c, "line"))) {
    const std::uint64_t line = get_uint(*v, where + ".line");
    if (line > std::numeric_limits<std::uint32_t>::max()) fail(where + ".line", "a line number");
    n.line = static_cast<std::uint32_t>(line);
  }
  if ((v = find(c, "thread"))) n.thread = get_uint(*v, where + ".thread");
  return n;
}

std::optional<RollbackInfo> read_rollback(const json& r) {
  if (r.is_null()) return std::nullopt;
  if (!r.is_object()) fail("rollback", "null or an object");
  RollbackInfo info;
  const json* v;
  if ((v = find(r, "triggered"))) info.triggered = get_bool(*v, "rollback.triggered");
  if ((v = find(r, "target_timestamp"))) info.target_timestamp = get_number(*v, "rollback.target_timestamp");
  if ((v = find(r, "frames_resimulated"))) {
    if (!v->is_number_integer() || v->get<std::int64_t>() < std::numeric_limits<int>::min() ||
        v->get<std::int64_t>() > std::numeric_limits<int>::max())
      fail("rollback.frames_resimulated", "an integer");
    info.frames_resimulated = v->get<int>();
  }
  if ((v = find(r, "snapshot_age_ms"))) info.snapshot_age_ms = get_number(*v, "rollback.snapshot_age_ms");
  return info;
}

/// `skipped_kinds`: an array of distinct kind names, as zone_kind bits.
std::uint32_t read_kinds(const json& v) {
  if (!v.is_array()) fail("skipped_kinds", "an array of zone kinds");
  std::uint32_t bits = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string where = "skipped_kinds[" + std::to_string(i) + "]";
    const std::uint32_t bit = zone_kind_from_name(get_string(v[i], where));
    if (bit == 0) fail(where, std::string(zone_kind_choices).c_str());
    if (bits & bit) fail(where, "a kind not already listed");
    bits |= bit;
  }
  return bits;
}

json parse_document(std::string_view json_text, const char* what) {
  json doc;
  try {
    doc = json::parse(json_text.begin(), json_text.end());
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number too large
    throw format_error(std::string(what) + ": " + e.what());
  }
  if (!doc.is_object()) fail(what, "an object");
  return doc;
}

/// The header keys both encodings share.
void read_header(const json& doc, FrameProfile& f) {
  const json* v = find(doc, "frame");
  if (v == nullptr) throw format_error("frame: missing");
  f.frame = get_uint(*v, "frame");
  if ((v = find(doc, "timestamp"))) f.timestamp = get_number(*v, "timestamp");
  if ((v = find(doc, "duration_ms"))) f.duration_ms = get_number(*v, "duration_ms");
  if ((v = find(doc, "rollback"))) f.rollback = read_rollback(*v);
  if ((v = find(doc, "overflow"))) f.overflow = get_uint(*v, "overflow");
  if ((v = find(doc, "frames_lost"))) f.frames_lost = get_uint(*v, "frames_lost");
  if ((v = find(doc, "skipped_kinds"))) f.skipped_kinds = read_kinds(*v);
}

std::int64_t get_int(const json& v, const std::string& where) {
  if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<std::int64_t>();
  if (v.is_number_unsigned() && v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return static_cast<std::int64_t>(v.get<std::uint64_t>());
  fail(where, "an integer");
}

/// A compact site `[label, module, func, file, line, lua_code, lua_callback, thread]` as a call template.
CallNode read_site(const json& s, const std::string& where) {
  if (!s.is_array() || s.size() != 8) fail(where, "an array of 8 values [label, module, func, file, line, lua_code, lua_callback, thread]");
  CallNode n;
  n.label = get_string(s[0], where + "[0]");
  n.module = get_string(s[1], where + "[1]");
  n.func = get_string(s[2], where + "[2]");
  n.file = get_string(s[3], where + "[3]");
  const std::uint64_t line = get_uint(s[4], where + "[4]");
  if (line > std::numeric_limits<std::uint32_t>::max()) fail(where + "[4]", "a line number");
  n.line = static_cast<std::uint32_t>(line);
  n.lua_code = get_bool(s[5], where + "[5]");
  n.lua_callback = get_bool(s[6], where + "[6]");
  n.thread = get_uint(s[7], where + "[7]");
  return n;
}

/// A compact call `[id_delta, parent_delta|null, site, start, duration, label?, args?, entity_id?]`.
CallNode read_compact_call(const json& c, const std::vector<CallNode>& sites, std::uint64_t previous_id,
                           const std::string& where) {
  if (!c.is_array() || c.size() < 5 || c.size() > 8)
    fail(where, "an array [id_delta, parent_delta, site, start, duration, label?, args?, entity_id?]");
  const std::uint64_t site = get_uint(c[2], where + "[2]");
  if (site >= sites.size())
    throw format_error(where + "[2]: site " + std::to_string(site) + " out of range (" +
                       std::to_string(sites.size()) + " sites)");
  CallNode n = sites[site];
  n.id = previous_id + static_cast<std::uint64_t>(get_int(c[0], where + "[0]"));
  if (!c[1].is_null()) n.parent_id = n.id - static_cast<std::uint64_t>(get_int(c[1], where + "[1]"));
  n.start = get_number(c[3], where + "[3]");
  n.duration = get_number(c[4], where + "[4]");
  if (c.size() > 5 && !c[5].is_null()) n.label = get_string(c[5], where + "[5]");
  if (c.size() > 6 && !c[6].is_null()) {
    if (!c[6].is_object()) fail(where + "[6]", "an object or null");
    for (auto it = c[6].begin(); it != c[6].end(); ++it)
      n.args.emplace_back(it.key(), get_arg(it.value(), where + "[6]." + it.key()));
  }
  if (c.size() > 7 && !c[7].is_null()) n.entity_id = get_string(c[7], where + "[7]");
  return n;
}

}  // namespace

FrameProfile frame_from_compact_json(std::string_view json_text) {
  const json doc = parse_document(json_text, "compact frame JSON");
  FrameProfile f;
  read_header(doc, f);
  const json* v = find(doc, "sites");
  if (v == nullptr) throw format_error("sites: missing (not a compact frame)");
  if (!v->is_array()) fail("sites", "an array");
  std::vector<CallNode> sites;
  sites.reserve(v->size());
  for (std::size_t i = 0; i < v->size(); ++i) sites.push_back(read_site((*v)[i], "sites[" + std::to_string(i) + "]"));
  v = find(doc, "calls");
  if (v == nullptr) throw format_error("calls: missing");
  if (!v->is_array()) fail("calls", "an array");
  f.calls.reserve(v->size());
  std::uint64_t previous_id = 0;
  for (std::size_t i = 0; i < v->size(); ++i) {
    f.calls.push_back(read_compact_call((*v)[i], sites, previous_id, "calls[" + std::to_string(i) + "]"));
    previous_id = f.calls.back().id;
  }
  return f;
}

FrameProfile frame_from_json(std::string_view json_text) {
  const json doc = parse_document(json_text, "frame JSON");
  FrameProfile f;
  read_header(doc, f);
  if (const json* v = find(doc, "calls")) {
    if (!v->is_array()) fail("calls", "an array");
    f.calls.reserve(v->size());
    for (std::size_t i = 0; i < v->size(); ++i) f.calls.push_back(read_call((*v)[i], "calls[" + std::to_string(i) + "]"));
  }
  return f;
}

}  // namespace yams
