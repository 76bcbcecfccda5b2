// Turning a recorded zone into a CallNode's fields: per-site cached strings, `{name}` placeholders
// in labels formatted from captured values, `args` and `entity_id`. Collector thread only.
#pragma once

#include "ring.hpp"

#include <yams/frame.hpp>
#include <yams/probe.hpp>

#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace yams::detail {

/// What the collector keeps per site: its strings, and its label split into literal text and
/// placeholders (`arg` >= 0 names the captured value that replaces it).
struct site_info {
  struct piece {
    std::string text;
    int arg = -1;
  };
  std::vector<piece> label;  // one literal piece when the label has no placeholder
  std::string module;
  std::string func;
  std::string file;
  std::uint32_t line = 0;
  bool lua_code = false;
  bool lua_callback = false;
  std::vector<std::string> arg_names;
  std::vector<std::uint32_t> arg_flags;
};

/// Splits `label` into literal pieces and placeholders naming one of `names`. Any thread.
std::vector<site_info::piece> parse_label(std::string_view label, const std::vector<std::string>& names);

/// Appends the text form of a captured value (as a label shows it; a float as the shortest decimal
/// that reads back to it). Any thread.
void append_value_text(std::string& out, const captured& v);

/// The JSON `args` value of a captured value (a float as the double nearest its shortest decimal, so
/// that 0.1f is written `0.1`). Any thread.
arg_value to_arg_value(const captured& v);

/// Caches site_info by site address. Collector thread.
class site_cache {
 public:
  /// The cached description of `s`, built on first use.
  const site_info& get(const site* s);
  /// Fills label, module, func, file, line, flags, args and entity_id of `call` from `s` and `values`.
  void describe(CallNode& call, const site* s, std::span<const captured> values);

 private:
  std::unordered_map<const site*, site_info> map_;
};

}  // namespace yams::detail
