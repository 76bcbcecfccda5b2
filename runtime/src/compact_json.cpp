// The compact frame writer (docs/frame-format.md, "Compact encoding"): each distinct call site once in
// `sites`, each call as `[id_delta, parent_delta, site, start, duration, label?, args?, entity_id?]`.
// Self-contained per frame, so a client that missed frames decodes the next one all the same.
#include "json_write.hpp"

#include <yams/frame.hpp>

#include <charconv>
#include <cstddef>
#include <cstring>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace yams {

namespace {


/// What calls of one site share; the views point into the frame being written.
struct site_key {
  std::string_view module, func, file;
  std::uint32_t line;
  std::uint64_t thread;
  bool lua_code, lua_callback;

  bool operator==(const site_key&) const = default;
};

site_key key_of(const CallNode& c) {
  return {c.module, c.func, c.file, c.line, c.thread, c.lua_code, c.lua_callback};
}

struct site_hash {
  std::size_t operator()(const site_key& k) const noexcept {
    std::size_t h = std::hash<std::string_view>{}(k.func);
    h = h * 31 + std::hash<std::string_view>{}(k.file);
    h = h * 31 + std::hash<std::string_view>{}(k.module);
    h = h * 31 + k.line;
    h = h * 31 + static_cast<std::size_t>(k.thread);
    return h * 4 + (k.lua_code ? 2 : 0) + (k.lua_callback ? 1 : 0);
  }
};

/// The frame's sites in order of first use, and each call's site index.
struct site_table {
  std::vector<std::size_t> first_call;  ///< per site: the call that introduced it (its label is the site's)
  std::vector<std::uint32_t> of_call;   ///< per call: its site index
};

site_table build_sites(const FrameProfile& f) {
  site_table t;
  t.of_call.resize(f.calls.size());
  std::unordered_map<site_key, std::uint32_t, site_hash> index;
  std::uint32_t previous = 0;
  for (std::size_t i = 0; i < f.calls.size(); ++i) {
    const auto key = key_of(f.calls[i]);
    // Runs of calls from one site are the common case: compare with the previous call's site first.
    if (i != 0 && key_of(f.calls[t.first_call[previous]]) == key) {
      t.of_call[i] = previous;
      continue;
    }
    const auto [it, added] = index.try_emplace(key, static_cast<std::uint32_t>(t.first_call.size()));
    if (added) t.first_call.push_back(i);
    previous = t.of_call[i] = it->second;
  }
  return t;
}

void append_site(std::string& out, const CallNode& c) {
  out += '[';
  detail::write_json_string(out, c.label);
  out += ',';
  detail::write_json_string(out, c.module);
  out += ',';
  detail::write_json_string(out, c.func);
  out += ',';
  detail::write_json_string(out, c.file);
  out += ',';
  detail::write_json_int(out, c.line);
  out += c.lua_code ? ",true" : ",false";
  out += c.lua_callback ? ",true," : ",false,";
  detail::write_json_int(out, c.thread);
  out += ']';
}

// One call, written through a pointer into room made for it at once (as the JSON writer does).
void append_call(std::string& out, const CallNode& c, std::uint64_t previous_id, std::uint32_t site,
                 const std::string& site_label) {
  const bool own_label = c.label != site_label;
  const bool args = !c.args.empty();
  const std::size_t room = 32 + 3 * detail::json_int_room + 2 * detail::json_double_room +
                           (own_label ? detail::json_string_room(c.label.size()) : 0) +
                           (args ? detail::json_args_room(c.args) : 0) +
                           (c.entity_id ? detail::json_string_room(c.entity_id->size()) : 0);
  const std::size_t at = out.size();
  out.resize(at + room);
  char* p = out.data() + at;
  *p++ = '[';
  // wraps: decoders add it back modulo 2^64
  p = detail::put_json_int(p, static_cast<std::int64_t>(c.id - previous_id));
  *p++ = ',';
  p = c.parent_id ? detail::put_json_int(p, static_cast<std::int64_t>(c.id - *c.parent_id))
                  : detail::put_json_literal(p, "null");
  *p++ = ',';
  p = detail::put_json_int(p, site);
  *p++ = ',';
  p = detail::put_json_double(p, c.start);
  *p++ = ',';
  p = detail::put_json_double(p, c.duration);
  if (own_label || args || c.entity_id) {
    *p++ = ',';
    p = own_label ? detail::put_json_string(p, c.label) : detail::put_json_literal(p, "null");
  }
  if (args || c.entity_id) {
    *p++ = ',';
    p = args ? detail::put_json_args(p, c.args) : detail::put_json_literal(p, "null");
  }
  if (c.entity_id) {
    *p++ = ',';
    p = detail::put_json_string(p, *c.entity_id);
  }
  *p++ = ']';
  detail::finish_put(out, at, room, p);
}

}  // namespace

void append_compact_json(std::string& out, const FrameProfile& f) {
  const site_table sites = build_sites(f);
  detail::write_json_frame_start(out, f);
  out += ",\"sites\":[";
  for (std::size_t s = 0; s < sites.first_call.size(); ++s) {
    if (s != 0) out += ',';
    append_site(out, f.calls[sites.first_call[s]]);
  }
  out += "],\"calls\":[";
  std::uint64_t previous_id = 0;
  for (std::size_t i = 0; i < f.calls.size(); ++i) {
    if (i != 0) out += ',';
    const auto site = sites.of_call[i];
    append_call(out, f.calls[i], previous_id, site, f.calls[sites.first_call[site]].label);
    previous_id = f.calls[i].id;
  }
  detail::write_json_frame_end(out, f);
}

std::string to_compact_json(const FrameProfile& frame) {
  std::string out;
  out.reserve(256 + frame.calls.size() * 48);
  append_compact_json(out, frame);
  return out;
}

}  // namespace yams
