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

void detail::write_json_string(std::string& out, std::string_view s) {
  std::size_t i = plain_prefix(s);
  if (i == s.size()) {  // the usual case: labels, names, paths, ids
    const std::size_t at = out.size();
    out.resize(at + s.size() + 2);
    char* d = out.data() + at;
    d[0] = '"';
    std::memcpy(d + 1, s.data(), s.size());
    d[s.size() + 1] = '"';
    return;
  }
  out += '"';
  std::size_t run = 0;  // start of the pending run of bytes copied as they are
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence(s, i);
      if (n != 0) {
        i += n;
        continue;
      }
    }
    out.append(s.data() + run, i - run);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          const char esc[] = {'\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 15]};
          out.append(esc, sizeof esc);
        } else {
          out += "\xEF\xBF\xBD";  // U+FFFD for a byte that is not valid UTF-8
        }
    }
    ++i;
    run = i;
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

namespace {

// Writes `v` as its digits with at most 6 after the point if it is a whole number of nanoseconds
// in milliseconds below 10^9, i.e. the double nearest to n / 10^6 for an integer n: what the collector
// makes of every call's start and duration. That text reads back to `v` (the nearest double to
// n / 10^6 is `v`), and with doubles this far apart (< 10^-6) no shorter text does, so it is the
// shortest round-trip form as well, several times faster than the general one. Returns false, writing
// nothing, for any other value.
bool write_whole_nanoseconds(std::string& out, double v) {
  if (!(v >= 0.0 && v < 1e9) || std::signbit(v)) return false;
  const auto n = static_cast<std::uint64_t>(v * 1e6 + 0.5);
  if (static_cast<double>(n) / 1e6 != v) return false;
  detail::append_chars(out, n / 1'000'000);
  std::uint64_t frac = n % 1'000'000;
  char d[7] = {'.', '0', '0', '0', '0', '0', '0'};
  std::size_t len = 2;  // ".0" for a whole number
  for (std::size_t k = 6; frac != 0; --k, frac /= 10) {
    d[k] = static_cast<char>('0' + frac % 10);
    if (len == 2 && d[k] != '0') len = k + 1;  // the last non-zero digit ends the text
  }
  out.append(d, len);
  return true;
}

}  // namespace

void detail::write_json_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  if (write_whole_nanoseconds(out, v)) return;
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
  if (std::memchr(buf, '.', static_cast<std::size_t>(r.ptr - buf)) == nullptr &&
      std::memchr(buf, 'e', static_cast<std::size_t>(r.ptr - buf)) == nullptr)
    out += ".0";
}

namespace {

void append_string(std::string& out, std::string_view s) { detail::write_json_string(out, s); }
void append_double(std::string& out, double v) { detail::write_json_double(out, v); }


void append_arg(std::string& out, const arg_value& v) {
  std::visit(
      [&out](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) {
          out += "null";
        } else if constexpr (std::is_same_v<T, bool>) {
          out += x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          detail::write_json_int(out, x);
        } else if constexpr (std::is_same_v<T, double>) {
          append_double(out, x);
        } else {
          append_string(out, x);
        }
      },
      v);
}

void append_call(std::string& out, const CallNode& c) {
  out += "{\"id\":";
  detail::write_json_int(out, c.id);
  out += ",\"parent_id\":";
  if (c.parent_id) {
    detail::write_json_int(out, *c.parent_id);
  } else {
    out += "null";
  }
  out += ",\"label\":";
  append_string(out, c.label);
  out += ",\"module\":";
  append_string(out, c.module);
  out += ",\"func\":";
  append_string(out, c.func);
  out += ",\"start\":";
  append_double(out, c.start);
  out += ",\"duration\":";
  append_double(out, c.duration);
  out += ",\"args\":";
  detail::write_json_args(out, c.args);
  out += ",\"entity_id\":";
  if (c.entity_id) {
    append_string(out, *c.entity_id);
  } else {
    out += "null";
  }
  out += c.lua_code ? ",\"lua_code\":true" : ",\"lua_code\":false";
  out += c.lua_callback ? ",\"lua_callback\":true" : ",\"lua_callback\":false";
  out += ",\"file\":";
  append_string(out, c.file);
  out += ",\"line\":";
  detail::write_json_int(out, c.line);
  out += ",\"thread\":";
  detail::write_json_int(out, c.thread);
  out += '}';
}

}  // namespace

void detail::write_json_args(std::string& out, const std::vector<std::pair<std::string, arg_value>>& args) {
  out += '{';
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i != 0) out += ',';
    append_string(out, args[i].first);
    out += ':';
    append_arg(out, args[i].second);
  }
  out += '}';
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
