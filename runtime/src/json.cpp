// The frame JSON writer (design section 4, docs/frame-format.md): hand-written for speed, shortest
// round-trip doubles, strict string escaping with UTF-8 passed through and invalid bytes replaced.
#include "json_write.hpp"

#include <yams/frame.hpp>

#include <charconv>
#include <cmath>
#include <cstring>
#include <type_traits>

namespace yams {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n;
  std::uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return n;
}

}  // namespace

namespace {

// Whether any of the 8 bytes of `w` needs more than copying: a control character, `"`, `\` or a
// byte >= 0x80 (UTF-8 to validate). `(x - ones * n) & ~x & highs` is non-zero exactly when a byte
// of x is below n (n <= 0x80); a byte equal to c is a zero byte of `x ^ ones * c`.
constexpr bool needs_care(std::uint64_t w) {
  constexpr std::uint64_t ones = 0x0101010101010101ull;
  constexpr std::uint64_t highs = 0x8080808080808080ull;
  const std::uint64_t quote = w ^ (ones * '"');
  const std::uint64_t backslash = w ^ (ones * '\\');
  const std::uint64_t below_space = (w - ones * 0x20) & ~w;
  const std::uint64_t is_quote = (quote - ones) & ~quote;
  const std::uint64_t is_backslash = (backslash - ones) & ~backslash;
  return ((below_space | is_quote | is_backslash | w) & highs) != 0;
}

// Length of the prefix of `s` that is copied as it is: printable ASCII other than `"` and `\`.
std::size_t plain_prefix(std::string_view s) {
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (needs_care(w)) break;
  }
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
  }
  return i;
}

}  // namespace

char* detail::put_json_string(char* p, std::string_view s) {
  *p++ = '"';
  std::size_t i = plain_prefix(s);
  std::memcpy(p, s.data(), i);
  p += i;
  while (i < s.size()) {  // from the first byte that needs escaping or checking
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      *p++ = s[i++];
      continue;
    }
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence(s, i);
      if (n != 0) {
        std::memcpy(p, s.data() + i, n);
        p += n;
        i += n;
        continue;
      }
    }
    *p++ = '\\';
    switch (c) {
      case '"': *p++ = '"'; break;
      case '\\': *p++ = '\\'; break;
      case '\n': *p++ = 'n'; break;
      case '\r': *p++ = 'r'; break;
      case '\t': *p++ = 't'; break;
      case '\b': *p++ = 'b'; break;
      case '\f': *p++ = 'f'; break;
      default:
        if (c < 0x20) {
          const char esc[] = {'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 15]};
          std::memcpy(p, esc, sizeof esc);
          p += sizeof esc;
        } else {
          --p;  // no backslash: U+FFFD for a byte that is not valid UTF-8
          std::memcpy(p, "\xEF\xBF\xBD", 3);
          p += 3;
        }
    }
    ++i;
  }
  *p++ = '"';
  return p;
}

namespace {

// Writes `v` as its digits with at most 6 after the point if it is a whole number of nanoseconds
// in milliseconds below 10^9, i.e. the double nearest to n / 10^6 for an integer n: what the collector
// makes of every call's start and duration. That text reads back to `v` (the nearest double to
// n / 10^6 is `v`), and with doubles this far apart (< 10^-6) no text with fewer digits does; only
// tiny values would be a character or two shorter in exponent form (`2.1e-05`). Several times faster
// than the general form. Returns nullptr, writing nothing, for any other value.
char* put_whole_nanoseconds(char* p, double v) {
  if (!(v >= 0.0 && v < 1e9) || std::signbit(v)) return nullptr;
  const auto n = static_cast<std::uint64_t>(v * 1e6 + 0.5);
  if (static_cast<double>(n) / 1e6 != v) return nullptr;
  p = std::to_chars(p, p + 20, n / 1'000'000).ptr;
  std::uint64_t frac = n % 1'000'000;
  char d[7] = {'.', '0', '0', '0', '0', '0', '0'};
  std::size_t len = 2;  // ".0" for a whole number
  for (std::size_t k = 6; frac != 0; --k, frac /= 10) {
    d[k] = static_cast<char>('0' + frac % 10);
    if (len == 2 && d[k] != '0') len = k + 1;  // the last non-zero digit ends the text
  }
  std::memcpy(p, d, len);
  return p + len;
}

}  // namespace

char* detail::put_json_double(char* p, double v) {
  if (!std::isfinite(v)) {
    std::memcpy(p, "null", 4);
    return p + 4;
  }
  if (char* e = put_whole_nanoseconds(p, v)) return e;
  char* e = std::to_chars(p, p + 32, v).ptr;
  if (std::memchr(p, '.', static_cast<std::size_t>(e - p)) == nullptr &&
      std::memchr(p, 'e', static_cast<std::size_t>(e - p)) == nullptr) {
    std::memcpy(e, ".0", 2);
    e += 2;
  }
  return e;
}

void detail::write_json_string(std::string& out, std::string_view s) {
  const std::size_t at = out.size();
  const std::size_t room = json_string_room(s.size());
  out.resize(at + room);
  finish_put(out, at, room, put_json_string(out.data() + at, s));
}

void detail::write_json_double(std::string& out, double v) {
  const std::size_t at = out.size();
  out.resize(at + json_double_room);
  finish_put(out, at, json_double_room, put_json_double(out.data() + at, v));
}

namespace {

void append_double(std::string& out, double v) { detail::write_json_double(out, v); }

// Room put_arg() may need for `v`.
std::size_t arg_room(const arg_value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return detail::json_string_room(s->size());
  return detail::json_double_room;  // also covers integers, `false` and `null`
}

char* put_arg(char* p, const arg_value& v) {
  return std::visit(
      [p](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) {
          return detail::put_json_literal(p, "null");
        } else if constexpr (std::is_same_v<T, bool>) {
          return x ? detail::put_json_literal(p, "true") : detail::put_json_literal(p, "false");
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return detail::put_json_int(p, x);
        } else if constexpr (std::is_same_v<T, double>) {
          return detail::put_json_double(p, x);
        } else {
          return detail::put_json_string(p, x);
        }
      },
      v);
}

}  // namespace

std::size_t detail::json_args_room(const std::vector<std::pair<std::string, arg_value>>& args) {
  std::size_t room = 2;
  for (const auto& [name, value] : args) room += detail::json_string_room(name.size()) + 2 + arg_room(value);
  return room;
}

char* detail::put_json_args(char* p, const std::vector<std::pair<std::string, arg_value>>& args) {
  *p++ = '{';
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i != 0) *p++ = ',';
    p = detail::put_json_string(p, args[i].first);
    *p++ = ':';
    p = put_arg(p, args[i].second);
  }
  *p++ = '}';
  return p;
}

namespace {

// Room for everything of a call but its strings and args: the keys and punctuation (~190 bytes),
// four integers and two doubles.
constexpr std::size_t call_fixed_room = 256 + 4 * detail::json_int_room + 2 * detail::json_double_room;

// One call, written through a pointer into room made for it at once: appending its ~30 pieces to the
// string one by one cost more than writing them.
void append_call(std::string& out, const CallNode& c) {
  const std::size_t room = call_fixed_room + detail::json_string_room(c.label.size()) +
                           detail::json_string_room(c.module.size()) + detail::json_string_room(c.func.size()) +
                           detail::json_string_room(c.file.size()) +
                           detail::json_string_room(c.entity_id ? c.entity_id->size() : 0) +
                           detail::json_args_room(c.args);
  const std::size_t at = out.size();
  out.resize(at + room);
  char* p = out.data() + at;
  p = detail::put_json_literal(p, "{\"id\":");
  p = detail::put_json_int(p, c.id);
  p = detail::put_json_literal(p, ",\"parent_id\":");
  p = c.parent_id ? detail::put_json_int(p, *c.parent_id) : detail::put_json_literal(p, "null");
  p = detail::put_json_literal(p, ",\"label\":");
  p = detail::put_json_string(p, c.label);
  p = detail::put_json_literal(p, ",\"module\":");
  p = detail::put_json_string(p, c.module);
  p = detail::put_json_literal(p, ",\"func\":");
  p = detail::put_json_string(p, c.func);
  p = detail::put_json_literal(p, ",\"start\":");
  p = detail::put_json_double(p, c.start);
  p = detail::put_json_literal(p, ",\"duration\":");
  p = detail::put_json_double(p, c.duration);
  p = detail::put_json_literal(p, ",\"args\":");
  p = detail::put_json_args(p, c.args);
  p = detail::put_json_literal(p, ",\"entity_id\":");
  p = c.entity_id ? detail::put_json_string(p, *c.entity_id) : detail::put_json_literal(p, "null");
  p = c.lua_code ? detail::put_json_literal(p, ",\"lua_code\":true")
                 : detail::put_json_literal(p, ",\"lua_code\":false");
  p = c.lua_callback ? detail::put_json_literal(p, ",\"lua_callback\":true")
                     : detail::put_json_literal(p, ",\"lua_callback\":false");
  p = detail::put_json_literal(p, ",\"file\":");
  p = detail::put_json_string(p, c.file);
  p = detail::put_json_literal(p, ",\"line\":");
  p = detail::put_json_int(p, c.line);
  p = detail::put_json_literal(p, ",\"thread\":");
  p = detail::put_json_int(p, c.thread);
  *p++ = '}';
  detail::finish_put(out, at, room, p);
}

}  // namespace

void detail::write_json_args(std::string& out, const std::vector<std::pair<std::string, arg_value>>& args) {
  const std::size_t at = out.size();
  const std::size_t room = json_args_room(args);
  out.resize(at + room);
  finish_put(out, at, room, put_json_args(out.data() + at, args));
}

namespace {

void write_rollback(std::string& out, const std::optional<RollbackInfo>& rollback) {
  if (!rollback) {
    out += "null";
    return;
  }
  out += "{\"triggered\":";
  out += rollback->triggered ? "true" : "false";
  out += ",\"target_timestamp\":";
  append_double(out, rollback->target_timestamp);
  out += ",\"frames_resimulated\":";
  detail::write_json_int(out, rollback->frames_resimulated);
  out += ",\"snapshot_age_ms\":";
  append_double(out, rollback->snapshot_age_ms);
  out += '}';
}

}  // namespace

void detail::write_json_frame_start(std::string& out, const FrameProfile& f) {
  out += "{\"frame\":";
  detail::write_json_int(out, f.frame);
  out += ",\"timestamp\":";
  append_double(out, f.timestamp);
  out += ",\"duration_ms\":";
  append_double(out, f.duration_ms);
}

void detail::write_json_frame_end(std::string& out, const FrameProfile& f) {
  out += "],\"rollback\":";
  write_rollback(out, f.rollback);
  out += ",\"overflow\":";
  detail::write_json_int(out, f.overflow);
  out += ",\"frames_lost\":";
  detail::write_json_int(out, f.frames_lost);
  if (f.skipped_kinds != 0) {
    out += ",\"skipped_kinds\":[";
    bool first = true;
    for (const auto& [bit, name] : zone_kind_names) {
      if ((f.skipped_kinds & bit) == 0) continue;
      if (!first) out += ',';
      first = false;
      out += '"';
      out += name;
      out += '"';
    }
    out += ']';
  }
  out += '}';
}

void append_json(std::string& out, const FrameProfile& f) {
  detail::write_json_frame_start(out, f);
  out += ",\"calls\":[";
  for (std::size_t i = 0; i < f.calls.size(); ++i) {
    if (i != 0) out += ',';
    append_call(out, f.calls[i]);
  }
  detail::write_json_frame_end(out, f);
}

std::string to_json(const FrameProfile& frame) {
  std::string out;
  out.reserve(256 + frame.calls.size() * 220);
  append_json(out, frame);
  return out;
}

}  // namespace yams
