// Command-line parsing shared by the `yams` subcommands: positional arguments, `--name value`
// options and flags, with usage errors as exceptions that main reports on one line.
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace yams::tool {

/// A command-line mistake; main prints it with the subcommand's usage and exits with status 2.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct parsed_args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  ///< "--port" -> "8765"; flags map to "1"
  std::multimap<std::string, std::string> repeated;  ///< every value of a repeatable option

  /// Whether the option or flag was given.
  bool has(const std::string& name) const { return options.count(name) != 0; }
  /// The option's value, or `fallback`.
  std::string get(const std::string& name, const std::string& fallback = {}) const;
  /// The option's value as a whole number from `lo` to `hi`, or `fallback` when it is absent; anything
  /// else (a value out of the range, a sign, a fraction, text, a number too large for any integer)
  /// throws usage_error naming the option, the range and the value. No option takes 0 for "no limit".
  unsigned long get_count(const std::string& name, unsigned long fallback, unsigned long lo,
                          unsigned long hi) const;
  /// The option's value as a finite number, or `fallback`; throws usage_error naming the option and
  /// the value if it is not one.
  double get_number(const std::string& name, double fallback) const;
  /// The option's value as a finite number greater than 0 (`unit` names what it counts, for the
  /// message), or `fallback`; throws usage_error naming the option and the value otherwise.
  double get_positive(const std::string& name, double fallback, const std::string& unit) const;
};

/// Parses `args` (without the program and subcommand names). `with_value` lists the options that take a
/// value, `flags` those that do not; anything else starting with `-` is a usage_error. Main thread.
parsed_args parse_args(const std::vector<std::string>& args, const std::set<std::string>& with_value,
                       const std::set<std::string>& flags);

}  // namespace yams::tool
