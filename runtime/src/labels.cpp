// Labels, args and entity ids of recorded calls, formatted on the collector thread.
#include "labels.hpp"

#include "json_write.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <limits>

namespace yams::detail {

namespace {

bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

double double_of(std::uint64_t bits) { return std::bit_cast<double>(bits); }

/// A kind_float value: the float whose bits are the low half of `bits`.
float float_of(std::uint64_t bits) { return std::bit_cast<float>(static_cast<std::uint32_t>(bits)); }

/// The double nearest the shortest decimal that reads back to `f` (0.1f gives 0.1, where widening
/// gives 0.10000000149011612): the JSON writer's shortest form of it is that decimal. NaN and
/// infinities as they are.
double float_as_decimal(float f) {
  if (!std::isfinite(f)) return f;
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, f);
  double d = f;
  std::from_chars(buf, r.ptr, d);
  return d;
}

/// Appends a floating-point number's shortest round-trip text in its own type, or nan, inf, -inf.
template <class F>
void append_floating_text(std::string& out, F v) {
  if (std::isfinite(v)) {
    append_chars(out, v);
  } else {
    out += std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
  }
}

}  // namespace

std::vector<site_info::piece> parse_label(std::string_view label, const std::vector<std::string>& names) {
  std::vector<site_info::piece> pieces;
  std::string literal;
  std::size_t i = 0;
  while (i < label.size()) {
    if (label[i] == '{') {
      std::size_t j = i + 1;
      while (j < label.size() && is_ident_char(label[j])) ++j;
      if (j < label.size() && label[j] == '}' && j > i + 1) {
        const std::string_view name = label.substr(i + 1, j - i - 1);
        int found = -1;
        for (std::size_t a = 0; a < names.size() && found < 0; ++a)
          if (names[a] == name) found = static_cast<int>(a);
        if (found >= 0) {
          if (!literal.empty()) pieces.push_back({std::move(literal), -1});
          literal.clear();
          pieces.push_back({std::string(), found});
          i = j + 1;
          continue;
        }
      }
    }
    literal.push_back(label[i]);
    ++i;
  }
  if (!literal.empty() || pieces.empty()) pieces.push_back({std::move(literal), -1});
  return pieces;
}

void append_value_text(std::string& out, const captured& v) {
  switch (v.kind) {
    case 0:
      out += v.text;
      if (v.truncated) out += "\xE2\x80\xA6";  // an ellipsis
      break;
    case kind_bool:
      out += v.bits != 0 ? "true" : "false";
      break;
    case kind_int:
    case kind_enum:
      append_chars(out, static_cast<std::int64_t>(v.bits));
      break;
    case kind_uint:
      append_chars(out, v.bits);
      break;
    case kind_double:
      append_floating_text(out, double_of(v.bits));
      break;
    case kind_float:
      append_floating_text(out, float_of(v.bits));
      break;
    case kind_source: {
      const auto* src = reinterpret_cast<const script_source*>(v.bits);
      if (src != nullptr && src->file != nullptr) {
        out += src->file;
        out += ':';
        append_chars(out, static_cast<std::uint64_t>(src->line));
      }
      break;
    }
    default:
      out += "?";
  }
}

arg_value to_arg_value(const captured& v) {
  switch (v.kind) {
    case 0:
      return v.text;
    case kind_bool:
      return v.bits != 0;
    case kind_int:
    case kind_enum:
      return static_cast<std::int64_t>(v.bits);
    case kind_uint:
      if (v.bits <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return static_cast<std::int64_t>(v.bits);
      return static_cast<double>(v.bits);
    case kind_double:
      return double_of(v.bits);
    case kind_float:
      return float_as_decimal(float_of(v.bits));
    default:
      return nullptr;
  }
}

const site_info& site_cache::get(const site* s) {
  auto it = map_.find(s);
  if (it != map_.end()) return it->second;
  site_info info;
  info.module = s->module ? s->module : "";
  info.func = s->function ? s->function : "";
  info.file = s->file ? s->file : "";
  info.line = s->line;
  info.lua_code = (s->flags & site_lua_code) != 0;
  info.lua_callback = (s->flags & site_lua_callback) != 0;
  for (std::uint32_t i = 0; i < s->arg_count; ++i) {
    info.arg_names.emplace_back(s->args[i].name ? s->args[i].name : "");
    info.arg_flags.push_back(s->args[i].flags);
  }
  info.label = parse_label(s->label ? s->label : "", info.arg_names);
  return map_.emplace(s, std::move(info)).first->second;
}

void site_cache::describe(CallNode& call, const site* s, std::span<const captured> values) {
  const site_info& info = get(s);
  if (info.label.size() == 1 && info.label[0].arg < 0) {
    call.label = info.label[0].text;
  } else {
    for (const auto& p : info.label) {
      if (p.arg < 0) {
        call.label += p.text;
      } else if (static_cast<std::size_t>(p.arg) < values.size()) {
        append_value_text(call.label, values[static_cast<std::size_t>(p.arg)]);
      }
    }
  }
  call.module = info.module;
  call.func = info.func;
  call.file = info.file;
  call.line = info.line;
  call.lua_code = info.lua_code;
  call.lua_callback = info.lua_callback;
  const std::size_t n = std::min(values.size(), info.arg_names.size());
  call.args.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (values[i].kind == kind_source) {  // the script the call runs: its file and line, not an arg
      const auto* src = reinterpret_cast<const script_source*>(values[i].bits);
      if (src != nullptr && src->file != nullptr) {
        call.file = src->file;
        call.line = src->line;
      }
      continue;
    }
    if (info.arg_flags[i] & arg_in_args) call.args.emplace_back(info.arg_names[i], to_arg_value(values[i]));
    if (info.arg_flags[i] & arg_entity_id) {
      std::string id;
      if (values[i].kind == 0) {
        id = values[i].text;
      } else {
        append_value_text(id, values[i]);
      }
      call.entity_id = std::move(id);
    }
  }
}

}  // namespace yams::detail
