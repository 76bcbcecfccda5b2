// The probe ABI: what the Clang plugin inserts into marked functions, and what YAMS_ZONE expands to.
// A call site owns one `static constexpr yams::site`; a zone object takes a pointer to it and, while it
// lives, the function is "in" that site. Enter and exit write 16-byte events into a thread-local ring;
// nothing on this path allocates, locks, formats or calls the operating system.
#pragma once

#include <yams/detail/recorder.hpp>
#include <yams/frame.hpp>  // zone_kind

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace yams {

/// Flags of a site, or-ed together in `site::flags`.
enum site_flag : std::uint32_t {
  site_lua_code = 1u << 0,      ///< the function runs script code (JSON `lua_code`)
  site_lua_callback = 1u << 1,  ///< the function is an API callback called from script (`lua_callback`)
  site_frame = 1u << 2,         ///< the function is a frame root (`[[yams::frame]]`)
};

/// Flags of a captured argument, or-ed together in `arg_desc::flags`.
enum arg_flag : std::uint32_t {
  arg_in_args = 1u << 0,    ///< the value goes into the call's `args` object
  arg_entity_id = 1u << 1,  ///< the value fills the call's `entity_id`
};

/// One captured argument of a site: its name (the parameter's), what it is used for and which of
/// the function's parameters it is (a reentry probe picks its values by that index).
/// Values named by a `{name}` placeholder in the label are captured even without `arg_in_args`.
struct arg_desc {
  const char* name;
  std::uint32_t flags;
  std::uint32_t param = 0;
};

/// The static descriptor of one call site. Always `static constexpr`; the runtime identifies sites by
/// address, so two sites are never merged even if their fields are equal.
struct alignas(8) site {
  const char* label;      ///< may contain `{name}` placeholders naming captured arguments
  const char* module;     ///< e.g. "game_engine"
  const char* function;   ///< e.g. "update"
  const char* file;       ///< source file the panel opens
  std::uint32_t line;     ///< line of the function (or of YAMS_ZONE)
  std::uint32_t flags;    ///< `site_flag`s
  const arg_desc* args;   ///< descriptors of the values a zone captures, in the order it passes them
  std::uint32_t arg_count;
  /// For a reentry probe (see `detail::reenter_function`): bit i set when parameter i is captured
  /// (`args[k].param` says which is the k-th value). 0 for zones, which pass their values.
  std::uint32_t params = 0;
};

/// Where the script code a call runs is defined, e.g. a Lua behaviour's `on_update` (`lua_getinfo`'s
/// source and `linedefined`). A profiled function that takes a `const yams::script_source*` and
/// captures it (by default, or in `args=`) records that file and line as its calls' `file` and
/// `line`, so the panel's source view opens the script instead of the C++ function that called it.
/// Captured by address: the collector reads it when it assembles the frame, possibly after the
/// function returned, so it must stay valid and unchanged until the process exits or yams::shutdown()
/// returns (simplest: never free it, like a site). A null pointer keeps the site's own file and line.
struct script_source {
  const char* file;  ///< the script's path (absolute, or relative to a source root of the server)
  std::uint32_t line;
};

namespace detail {
/// The bit of `g_recording` that lets the zones of `s` record: its kind's (see zone_kind), or for a
/// frame root the bit every open frame sets. A constant wherever `s` is a probe's site.
constexpr std::uint32_t recording_bit(const site* s) noexcept {
  if (s->flags & site_frame) return recording_frame_root;
  if (s->flags & site_lua_callback) return zone_kind_lua_callback;
  if (s->flags & site_lua_code) return zone_kind_lua_code;
  return zone_kind_engine;
}
}  // namespace detail

/// True for the argument types a zone can capture: arithmetic types, bool, enums, strings
/// (`std::string`, `std::string_view`, `const char*`, character arrays) and `const script_source*`.
template <class T>
inline constexpr bool capturable_v = detail::capturable<std::remove_cvref_t<T>>::value;

/// RAII zone: records entering its site on construction and leaving it on destruction, so every
/// return and every exception closes it. Usable in constexpr functions: nothing is recorded during
/// constant evaluation. Non-copyable and non-movable. May be used on any thread.
class zone {
 public:
  constexpr explicit zone(const site* s) noexcept {
    if (!std::is_constant_evaluated()) active_ = detail::enter(s, detail::recording_bit(s));
  }
  /// Captures `values` (one per `s->args` entry, in order) together with entering the site.
  template <class... A>
  constexpr zone(const site* s, const A&... values) noexcept {
    // In a template the plugin checks dependent parameters here, per instantiation.
    static_assert((capturable_v<A> && ...),
                  "yams: a captured parameter (in args=, entity_id= or a {placeholder} of the label) "
                  "must be a number, bool, enum, string or const yams::script_source*, and this "
                  "instantiation gives it another type (see 'in instantiation of' below)");
    if constexpr ((capturable_v<A> && ...)) {
      if (!std::is_constant_evaluated()) active_ = detail::enter_args(s, detail::recording_bit(s), values...);
    }
  }
  constexpr ~zone() {
    if (!std::is_constant_evaluated()) {
      if (active_) detail::leave();
    }
  }
  zone(const zone&) = delete;
  zone& operator=(const zone&) = delete;

 private:
  bool active_ = false;
};

/// Tag asking a `frame_zone` to number frames itself (1, 2, 3, ... per process).
struct auto_frame_number_t {};
inline constexpr auto_frame_number_t auto_frame_number{};

/// RAII frame root (`[[yams::frame]]`): begins a frame, then enters its site, so the frame function is
/// the frame's root call; on destruction leaves the site and ends the frame. Use on the game thread.
class frame_zone {
 public:
  template <class... A>
  constexpr frame_zone(const site* s, std::uint64_t frame_number, const A&... values) noexcept {
    if (!std::is_constant_evaluated()) {
      open_ = detail::begin_frame_noexcept(frame_number);
      if (open_) active_ = detail::enter_args(s, detail::recording_frame_root, values...);
    }
  }
  template <class... A>
  constexpr frame_zone(const site* s, auto_frame_number_t, const A&... values) noexcept {
    if (!std::is_constant_evaluated()) {
      open_ = detail::begin_frame_noexcept(detail::next_frame_number());
      if (open_) active_ = detail::enter_args(s, detail::recording_frame_root, values...);
    }
  }
  constexpr ~frame_zone() {
    if (!std::is_constant_evaluated()) {
      if (active_) detail::leave();
      if (open_) detail::end_frame_noexcept();
    }
  }
  frame_zone(const frame_zone&) = delete;
  frame_zone& operator=(const frame_zone&) = delete;

 private:
  bool open_ = false;
  bool active_ = false;
};

namespace detail {

#if defined(__clang__) && __clang_major__ >= 19  // only the plugin (clang 19) writes reentry probes
// ---- reentry probes ---------------------------------------------------------------------------
// The plugin's probe for most functions. A zone object held across the body makes every call pay for
// it while profiling is off: the `active_` flag and the callee-saved registers that keep the
// function's arguments alive around the recording call. A reentry probe instead starts the body with
//
//   if (yams::detail::reentry_wanted(&__yams_site))
//     return yams::detail::reenter_method<&__yams_site, &C::f, R, C, P...>(this, p...);
//
// While not recording that is one load, test and branch in front of the untouched body. While
// recording, reenter_method (out of line, one per function) enters the site, marks it in
// `tl_reentry` and calls the function again with the same arguments, which are still in the
// registers they arrived in; this time the entry test consumes the mark and runs the body, and
// returning (or unwinding) through reenter_method leaves the site. While the thread's ring is full
// (the collector behind), the entry test counts the zone as lost and runs the body at once. The
// plugin uses it where the function can be called again with the same arguments without changing
// what the program does: not for constructors, destructors, lambdas, virtual functions, templates,
// variadic functions, or parameters passed by value whose copies are not plain byte copies; those
// keep the zone.
// If recording stops between reenter_method's mark and the function's entry test (another thread
// ending the frame), the body runs, and the mark is cleared when reenter_method returns.

/// The entry test of a reentry probe: whether to go through reenter_function/reenter_method. Never
/// during constant evaluation.
constexpr bool reentry_wanted(const site* s) noexcept {
  if (std::is_constant_evaluated()) return false;
  if (!(g_recording.load(std::memory_order_relaxed) & recording_bit(s))) [[likely]] return false;
  if (tl_reentry == s) {  // called back by reenter_*: run the body
    tl_reentry = nullptr;
    return false;
  }
  return !skip_full();  // a full ring: the body alone, no call, the zone counted as lost
}

/// Records the exit of a recorded reentry: leave(), out of line and shared by all reenter_*
/// instances. Inlined into each, it cost the compiler 1% more instructions on a file with a quarter
/// of its functions instrumented (docs/performance.md), to save 3 instructions a recorded call.
[[gnu::noinline]] inline void reentry_leave() noexcept { leave(); }

/// Leaves the site (if it was recorded) when the reentered call returns or unwinds.
class reentry_scope {
 public:
  explicit reentry_scope(bool active) noexcept : active_(active) {}
  ~reentry_scope() {
    tl_reentry = nullptr;
    if (active_) reentry_leave();
  }
  reentry_scope(const reentry_scope&) = delete;
  reentry_scope& operator=(const reentry_scope&) = delete;

 private:
  bool active_;
};

/// Enters site `S` capturing the parameters its `args` name (`args[k].param`: the parameter of the
/// k-th value), in that order, through the same out-of-line recording path as a zone's enter_args()
/// (a leaf), without testing `g_recording` again: reentry_wanted() just did. `K` is 0 .. arg_count-1.
/// Selects them with pack indexing (a C++26 feature clang 19 offers as an extension) straight from
/// the site's `args[K].param`: a std::tuple per instrumented function cost the compiler 2% more
/// instructions on the same file, and a constexpr array of the indices and a lambda over them
/// 2.2 M instructions a function (docs/performance.md).
template <const site* S, std::size_t... K, class... P>
[[gnu::always_inline]] inline bool enter_selected(std::index_sequence<K...>, const P&... params) noexcept {
  constexpr std::uint32_t mask = (0u | ... | (1u << (S->args[K].param & 31u)));
  static_assert(((S->args[K].param < sizeof...(P) && S->args[K].param < 32) && ...) &&
                    std::popcount(mask) == sizeof...(K) && mask == S->params,
                "yams: a reentry site's args[k].param must name each parameter of its params mask once");
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wc++26-extensions"
  return enter_args_recording<passed_t<P...[S->args[K].param]>...>(S, pass_value(params...[S->args[K].param])...);
#pragma clang diagnostic pop
}

template <class F>
inline constexpr bool is_noexcept_fn = false;
template <class R, class... A>
inline constexpr bool is_noexcept_fn<R (*)(A...) noexcept> = true;
template <class R, class C, class... A>
inline constexpr bool is_noexcept_fn<R (C::*)(A...) noexcept> = true;
template <class R, class C, class... A>
inline constexpr bool is_noexcept_fn<R (C::*)(A...) const noexcept> = true;

/// The recording path of a free or static member function's reentry probe: site `S`, function
/// `Fn`, its result and parameter types, given explicitly. Parameters in the order (and registers)
/// the function received them, so the probe's branch is a tail call that moves nothing.
template <const site* S, auto Fn, class R, class... P>
[[gnu::noinline]] R reenter_function(P... params) noexcept(is_noexcept_fn<decltype(Fn)>) {
  reentry_scope scope(enter_selected<S>(std::make_index_sequence<S->arg_count>{}, params...));
  tl_reentry = S;
  return Fn(static_cast<P&&>(params)...);
}

/// The same for a non-static member function of `C` (`const C` for a const member function).
template <const site* S, auto Fn, class R, class C, class... P>
[[gnu::noinline]] R reenter_method(C* self, P... params) noexcept(is_noexcept_fn<decltype(Fn)>) {
  reentry_scope scope(enter_selected<S>(std::make_index_sequence<S->arg_count>{}, params...));
  tl_reentry = S;
  return (self->*Fn)(static_cast<P&&>(params)...);
}

#endif  // reentry probes

}  // namespace detail

}  // namespace yams

// Manual zones, for code the plugin cannot reach and for tests. They are compiled in when the macro
// YAMS_PROFILE_ON is 1 (yams_profile(<target>) defines it when the CMake option YAMS_PROFILE is ON) and
// expand to nothing otherwise, like the plugin's probes.
#define YAMS_DETAIL_CAT2(a, b) a##b
#define YAMS_DETAIL_CAT(a, b) YAMS_DETAIL_CAT2(a, b)

#if defined(YAMS_PROFILE_ON) && YAMS_PROFILE_ON
/// `YAMS_ZONE("label")`: a zone from here to the end of the enclosing scope, module "manual".
#define YAMS_ZONE(label) YAMS_ZONE_M("manual", label)
/// `YAMS_ZONE_M("module", "label")`: the same with a module name. Names are numbered by __COUNTER__, so
/// that two zones may share a line (one macro of the game's expanding to two).
#define YAMS_ZONE_M(module_name, label) YAMS_DETAIL_ZONE(module_name, label, __COUNTER__)
#define YAMS_DETAIL_ZONE(module_name, label, n)                                                 \
  static constexpr ::yams::site YAMS_DETAIL_CAT(yams_site_, n){                               \
      (label), (module_name), __builtin_FUNCTION(), __builtin_FILE(), __builtin_LINE(), 0u,   \
      nullptr, 0u};                                                                            \
  ::yams::zone YAMS_DETAIL_CAT(yams_zone_, n) { &YAMS_DETAIL_CAT(yams_site_, n) }
#else
#define YAMS_ZONE(label) static_assert(true, "")
#define YAMS_ZONE_M(module_name, label) static_assert(true, "")
#endif
