// The game thread's hot path: zone enter/exit written as 16-byte events into a per-thread ring that
// the runtime's collector thread drains. Inline so a zone costs a few instructions; the slow paths
// (first use on a thread, ring full or wrapping) live in the runtime library.
#pragma once

#include <atomic>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#include <x86intrin.h>
#define YAMS_DETAIL_HAS_RDTSC 1
#else
#include <chrono>
#define YAMS_DETAIL_HAS_RDTSC 0
#endif

namespace yams {
struct site;
struct script_source;
}

namespace yams::detail {

/// One ring slot. `tag` says what it is:
///   enter:  tag = address of the site (8-aligned, never 0..7), `a` = timestamp
///   exit:   tag = tag_exit, `a` = timestamp
///   number: tag = tag_value | kind << 8, `a` = the value's bits (follows an enter)
///   string: tag = tag_string | truncated << 8 | length << 32, `a` = first 8 bytes; then
///           ceil((length - 8) / 16) raw slots holding the rest (follows an enter)
///   control: tag = tag_control | code << 8 (+ payload slots), written by the runtime only
struct event {
  std::uint64_t a;
  std::uint64_t tag;
};
static_assert(sizeof(event) == 16, "events are 16-byte ring slots");

inline constexpr std::uint64_t tag_exit = 1;
inline constexpr std::uint64_t tag_value = 2;
inline constexpr std::uint64_t tag_string = 3;
inline constexpr std::uint64_t tag_control = 4;

enum value_kind : std::uint64_t {
  kind_bool = 1,
  kind_int = 2,
  kind_uint = 3,
  kind_double = 4,
  kind_enum = 5,
  kind_source = 6,  ///< a `const yams::script_source*`: the call's source (file and line), not an arg
  kind_float = 7,   ///< a `float`: its 32 bits in the low half of `a`, described as the float it is
};

/// Longest captured string; longer ones are cut and marked truncated.
inline constexpr std::size_t max_captured_string = 256;

/// Per-thread write position. `cur` is published with release stores so the collector can read up to
/// it; `limit` is where the writer must take the slow path (end of free space or of the ring).
struct thread_cursor {
  std::atomic<event*> cur;
  event* limit;
  /// Zones left to fail without looking at the ring, which was found full a moment ago (skip_full()).
  std::uint32_t skips;
  /// While `skips` is non-zero: the ring's count of lost zones (this thread is its only writer).
  std::atomic<std::uint64_t>* lost;
};

#if defined(__GNUC__)
#define YAMS_DETAIL_TLS_MODEL __attribute__((tls_model("initial-exec")))
#else
#define YAMS_DETAIL_TLS_MODEL
#endif

extern constinit thread_local thread_cursor tl_cursor YAMS_DETAIL_TLS_MODEL;
/// While profiling is enabled and a frame is open, the kinds of zones that record (yams::zone_kind
/// bits, as set_recorded_kinds() chose when the frame began) and `recording_frame_root`; 0 otherwise.
/// A probe tests its site's bit (recording_bit() in <yams/probe.hpp>): one load, test and branch.
extern constinit std::atomic<std::uint32_t> g_recording;
/// The bit of `g_recording` set while any frame is open: the frame root's zone tests it.
inline constexpr std::uint32_t recording_frame_root = 1u << 31;
/// The site whose function a reentry probe is about to call back into (see `reenter_function` in
/// <yams/probe.hpp>): that function's entry test consumes it and runs its body instead of reentering.
extern constinit thread_local const site* tl_reentry YAMS_DETAIL_TLS_MODEL;

/// Slow path: makes room for `n` contiguous slots on this thread (registering the thread on first use)
/// and returns where to write them, or nullptr when the ring is full (the loss is counted).
event* reserve_slow(std::uint32_t n) noexcept;
/// Slow path of leave(): room for the exit (and a pending lost-exits record), or nullptr when even the
/// room kept for frame begins is full. Exits take that room and do not wait out a run of failing
/// zones: an exit lost leaves its zone open until the frame's end.
event* reserve_exit_slow() noexcept;
/// leave() when reserve_exit_slow() found no room: the collector closes the zone at frame end.
void leave_lost() noexcept;

bool begin_frame_noexcept(std::uint64_t frame_number) noexcept;
void end_frame_noexcept() noexcept;
std::uint64_t next_frame_number() noexcept;

inline std::uint64_t timestamp() noexcept {
#if YAMS_DETAIL_HAS_RDTSC
  return __rdtsc();
#else
  return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

/// Writes timestamp() into `e->a`. On x86 as the two 32-bit halves `rdtsc` returns, which saves
/// combining them into one register (the slot reads back as the same little-endian 64-bit value).
inline void stamp(event* e) noexcept {
#if YAMS_DETAIL_HAS_RDTSC && defined(__GNUC__) && defined(__x86_64__)
  std::uint32_t lo;
  std::uint32_t hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  auto* a = reinterpret_cast<unsigned char*>(&e->a);
  std::memcpy(a, &lo, 4);
  std::memcpy(a + 4, &hi, 4);
#else
  e->a = timestamp();
#endif
}

inline void publish(event* end) noexcept { tl_cursor.cur.store(end, std::memory_order_release); }

/// Whether the zone about to be entered fails at once: the ring was found full a moment ago (the
/// reader's position is a line the collector writes, so the next 63 zones do not look at it again;
/// the 64th goes to the slow path, which fails it too until the next frame begins: a thread that
/// lost a zone records no more in that frame). Counts it as lost. The recording thread only.
[[gnu::always_inline]] inline bool skip_full() noexcept {
  thread_cursor& c = tl_cursor;
  if (c.skips == 0) [[likely]] return false;
  --c.skips;
  c.lost->store(c.lost->load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  return true;
}

/// Enters `s` if `g_recording` has `bit` (its recording_bit()). The recording thread only.
inline bool enter(const site* s, std::uint32_t bit) noexcept {
  if (!(g_recording.load(std::memory_order_relaxed) & bit)) return false;
  event* e = tl_cursor.cur.load(std::memory_order_relaxed);
  if (e == tl_cursor.limit) [[unlikely]] {
    e = reserve_slow(1);
    if (e == nullptr) return false;
  }
  stamp(e);
  e->tag = reinterpret_cast<std::uint64_t>(s);
  publish(e + 1);
  return true;
}

inline void leave() noexcept {
  event* e = tl_cursor.cur.load(std::memory_order_relaxed);
  if (e == tl_cursor.limit) [[unlikely]] {
    e = reserve_exit_slow();
    if (e == nullptr) {
      leave_lost();
      return;
    }
  }
  stamp(e);
  e->tag = tag_exit;
  publish(e + 1);
}

// ---- captured values -------------------------------------------------------------------------

template <class T, class = void>
struct capturable : std::false_type {};
template <class T>
struct capturable<T, std::enable_if_t<std::is_arithmetic_v<T> || std::is_enum_v<T>>> : std::true_type {};
template <class Alloc>  // std::string, std::pmr::string, any allocator
struct capturable<std::basic_string<char, std::char_traits<char>, Alloc>> : std::true_type {};
template <>
struct capturable<std::string_view> : std::true_type {};
template <>
struct capturable<const char*> : std::true_type {};
template <>
struct capturable<char*> : std::true_type {};
template <std::size_t N>
struct capturable<char[N]> : std::true_type {};
template <>
struct capturable<const script_source*> : std::true_type {};
template <>
struct capturable<script_source*> : std::true_type {};

/// Whether T is a pointer to a yams::script_source (captured as the call's source, by address).
template <class T>
inline constexpr bool is_source_v = std::is_same_v<std::remove_cv_t<T>, const script_source*> ||
                                    std::is_same_v<std::remove_cv_t<T>, script_source*>;

template <class T>
inline std::string_view as_string_view(const T& v) noexcept {
  if constexpr (std::is_pointer_v<T>) {
    return v ? std::string_view(v) : std::string_view();
  } else if constexpr (std::is_array_v<T>) {
    return std::string_view(v, ::strnlen(v, sizeof(T)));
  } else {
    return std::string_view(v);
  }
}

template <class T>
inline constexpr bool is_string_arg_v = !std::is_arithmetic_v<T> && !std::is_enum_v<T> && !is_source_v<T>;

/// Slots a value takes in the ring.
template <class T>
inline std::uint32_t slots_for(const T& v) noexcept {
  if constexpr (is_string_arg_v<std::remove_cvref_t<T>>) {
    std::size_t n = as_string_view(v).size();
    if (n > max_captured_string) n = max_captured_string;
    return n <= 8 ? 1u : 1u + static_cast<std::uint32_t>((n - 8 + 15) / 16);
  } else {
    return 1u;
  }
}

/// The first min(n, 8) bytes at `p` as the 8-byte head of a string event (the rest zero), without a
/// call to memcpy for short strings. Any thread.
inline std::uint64_t load_head(const char* p, std::size_t n) noexcept {
  std::uint64_t h = 0;
  if constexpr (std::endian::native == std::endian::little) {
    if (n >= 8) {
      std::memcpy(&h, p, 8);
    } else if (n >= 4) {  // two overlapping 4-byte loads
      std::uint32_t lo = 0;
      std::uint32_t hi = 0;
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + n - 4, 4);
      h = lo | (static_cast<std::uint64_t>(hi) << ((n - 4) * 8));
    } else {
      for (std::size_t i = 0; i < n; ++i) h |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    }
  } else {
    std::memcpy(&h, p, n < 8 ? n : 8);
  }
  return h;
}

/// The `k` (1 to 8) bytes ending at `end` as a word's first bytes, the rest zero, read as the 8
/// bytes ending at `end` (which must all lie in the string) and shifted down. Any thread.
inline std::uint64_t last_bytes(const char* end, std::size_t k) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    std::uint64_t w;
    std::memcpy(&w, end - 8, 8);
    return w >> (8 * (8 - k));
  } else {
    return load_head(end - k, k);
  }
}

/// Copies a string's `n` bytes after its 8-byte head (`p` points just after the head) into the raw
/// slots at `e`, the last 8-byte word padded with zeros, and returns the slot after them. A loop, not a
/// call to memcpy: the recording path then makes no call at all and saves no registers. The last
/// partial word is read as the 8 bytes ending at `p + n`, which lie in the string because its head does.
inline event* copy_tail(event* e, const char* p, std::size_t n) noexcept {
  auto* out = reinterpret_cast<unsigned char*>(e);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
#if defined(__GNUC__)
    asm("" : "+r"(w));  // keeps the loop a loop: the compiler would turn it back into a memcpy call
#endif
    std::memcpy(out + i, &w, 8);
  }
  if (i < n) {
    const std::uint64_t w = last_bytes(p + n, n - i);
    std::memcpy(out + i, &w, 8);
  }
  return e + (n + 15) / 16;
}

template <class T>
inline event* write_value(event* e, const T& v) noexcept {
  using U = std::remove_cvref_t<T>;
  if constexpr (std::is_same_v<U, bool>) {
    e->a = v ? 1 : 0;
    e->tag = tag_value | (kind_bool << 8);
    return e + 1;
  } else if constexpr (std::is_enum_v<U>) {
    e->a = static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
    e->tag = tag_value | (kind_enum << 8);
    return e + 1;
  } else if constexpr (std::is_same_v<U, float>) {
    // Its own bits, not widened to double: the collector then shows the shortest decimal that
    // reads back to the float (0.1f as `0.1`, not the double's `0.10000000149011612`).
    e->a = std::bit_cast<std::uint32_t>(v);
    e->tag = tag_value | (kind_float << 8);
    return e + 1;
  } else if constexpr (std::is_floating_point_v<U>) {
    e->a = std::bit_cast<std::uint64_t>(static_cast<double>(v));
    e->tag = tag_value | (kind_double << 8);
    return e + 1;
  } else if constexpr (std::is_integral_v<U> && std::is_signed_v<U>) {
    e->a = static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
    e->tag = tag_value | (kind_int << 8);
    return e + 1;
  } else if constexpr (std::is_integral_v<U>) {
    e->a = static_cast<std::uint64_t>(v);
    e->tag = tag_value | (kind_uint << 8);
    return e + 1;
  } else if constexpr (is_source_v<U>) {
    e->a = reinterpret_cast<std::uint64_t>(static_cast<const script_source*>(v));
    e->tag = tag_value | (kind_source << 8);
    return e + 1;
  } else {
    std::string_view s = as_string_view(v);
    std::uint64_t truncated = 0;
    if (s.size() > max_captured_string) {
      s = s.substr(0, max_captured_string);
      truncated = 1;
    }
    e->a = load_head(s.data(), s.size());
    e->tag = tag_string | (truncated << 8) | (static_cast<std::uint64_t>(s.size()) << 32);
    ++e;
    if (s.size() > 8) e = copy_tail(e, s.data() + 8, s.size() - 8);
    return e;
  }
}

/// How a captured value is passed to the recording path: numbers and enums by value, strings as a
/// string_view, so that the caller takes no address and spills nothing before its `g_recording` test.
template <class T>
using passed_t = std::conditional_t<is_string_arg_v<std::remove_cvref_t<T>>, std::string_view, std::remove_cvref_t<T>>;

template <class T>
inline passed_t<T> pass_value(const T& v) noexcept {
  if constexpr (is_string_arg_v<std::remove_cvref_t<T>>) {
    return as_string_view(v);
  } else {
    return v;
  }
}

/// A passed value's length if it is a string, else 0 (enter_args_recording's short-string test).
template <class T>
inline std::size_t short_size(const T& v) noexcept {
  if constexpr (is_string_arg_v<T>) {
    return v.size();
  } else {
    return 0;
  }
}

/// Longest string the short recording path takes: no truncation, at most one slot after the head.
inline constexpr std::size_t max_short_string = 15;

/// Most slots a passed value of type T takes on the short path (a string of 9 to 15 bytes: two).
template <class T>
inline constexpr std::uint32_t max_short_slots = is_string_arg_v<T> ? 2u : 1u;

/// write_value() for a passed value known to be a number or a string of at most max_short_string
/// bytes (its head, and for 9 to 15 bytes one more slot: no truncation test, no loop).
template <class T>
inline event* write_short_value(event* e, const T& v) noexcept {
  if constexpr (is_string_arg_v<T>) {
    const std::size_t n = v.size();
    e->a = load_head(v.data(), n);
    e->tag = tag_string | (static_cast<std::uint64_t>(n) << 32);
    if (n <= 8) return e + 1;
    // Bytes 8..n-1 into the next slot's first word; like copy_tail(), the slot's second word is
    // left unwritten (the reader takes `n` bytes).
    e[1].a = last_bytes(v.data() + n, n - 8);
    return e + 2;
  } else {
    return write_value(e, v);
  }
}

/// Writes the enter of `s` and `values` at `e` (room reserved) and publishes them; with `Short`, every
/// string among `values` is known to be at most max_short_string bytes.
template <bool Short = false, class... A>
[[gnu::always_inline]] inline void write_enter_args(event* e, const site* s, A... values) noexcept {
  stamp(e);
  e->tag = reinterpret_cast<std::uint64_t>(s);
  event* p = e + 1;
  if constexpr (Short) {
    ((p = write_short_value(p, values)), ...);
  } else {
    ((p = write_value(p, values)), ...);
  }
  publish(p);
}

/// enter_args_recording() when the ring needs the slow path (first use, wrap, full). Returns whether
/// the zone was recorded. The recording thread only.
template <class... A>
[[gnu::noinline]] bool enter_args_reserving(const site* s, A... values) noexcept {
  event* e = reserve_slow((1u + ... + slots_for(values)));
  if (e == nullptr) return false;
  write_enter_args(e, s, values...);
  return true;
}

/// Reserves `n` slots (the slow path is enter_args_reserving, a tail call) and writes the enter of
/// `s` with `values` (`Short`: see write_enter_args).
template <bool Short, class... A>
[[gnu::always_inline]] inline bool record_enter(const site* s, std::uint32_t n, A... values) noexcept {
  event* e = tl_cursor.cur.load(std::memory_order_relaxed);
  if (static_cast<std::size_t>(tl_cursor.limit - e) < n) [[unlikely]]
    return enter_args_reserving(s, values...);
  write_enter_args<Short>(e, s, values...);
  return true;
}

/// enter_args_recording() for strings longer than max_short_string bytes.
template <class... A>
[[gnu::noinline]] bool enter_args_any_length(const site* s, A... values) noexcept {
  return record_enter<false>(s, (1u + ... + slots_for(values)), values...);
}

/// The recording path of enter_args(): reserves the slots, writes the enter and the values, publishes
/// them. Out of line (one instantiation per argument pack) so that the instrumented function keeps only
/// the `g_recording` test inline: its fast path stays leaf-like. Itself a leaf that saves no registers:
/// the slow path is a tail call with the same arguments. Returns whether the zone was recorded.
/// The recording thread only.
template <class... A>
[[gnu::noinline]] bool enter_args_recording(const site* s, A... values) noexcept {
  if constexpr ((is_string_arg_v<A> || ...)) {
    // Entity ids, actions and names are mostly shorter than 16 bytes ("duck_1234"): one or two
    // slots each, no truncation, no loop, and one test for all of them (the lengths' bits above
    // max_short_string). Longer ones take enter_args_any_length (a tail call, so that this path
    // stays a leaf that saves no registers).
    static_assert(((max_short_string + 1) & max_short_string) == 0, "one test: a power of two minus one");
    if (((short_size(values)) | ...) > max_short_string) [[unlikely]]
      return enter_args_any_length(s, values...);
    // Room for the longest case: a constant to compare with (the cursor moves by what is written).
    return record_enter<true>(s, (1u + ... + max_short_slots<A>), values...);
  } else {
    return record_enter<false>(s, (1u + ... + slots_for(values)), values...);
  }
}

/// Enters `s` capturing `values` if `g_recording` has `bit` (the site's recording_bit()): one load,
/// test and branch while not recording. Returns whether the zone was recorded (its exit must then be
/// written by leave()). The recording thread only.
template <class... A>
inline bool enter_args(const site* s, std::uint32_t bit, const A&... values) noexcept {
  if (!(g_recording.load(std::memory_order_relaxed) & bit)) [[likely]] return false;
  if constexpr (sizeof...(A) == 0) {
    return enter(s, bit);
  } else {
    return enter_args_recording<passed_t<A>...>(s, pass_value(values)...);
  }
}

}  // namespace yams::detail
