// Command-line parsing shared by the `yams` subcommands (see cli.hpp).
#include "cli.hpp"

#include <charconv>
#include <cmath>

namespace yams::tool {

std::string parsed_args::get(const std::string& name, const std::string& fallback) const {
  auto it = options.find(name);
  return it == options.end() ? fallback : it->second;
}

unsigned long parsed_args::get_count(const std::string& name, unsigned long fallback, unsigned long lo,
                                     unsigned long hi) const {
  if (!has(name)) return fallback;
  const std::string v = get(name);
  unsigned long n = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), n);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size() || n < lo || n > hi)
    throw usage_error(name + " expects a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                      ", got '" + v + "'");
  return n;
}

double parsed_args::get_number(const std::string& name, double fallback) const {
  if (!has(name)) return fallback;
  const std::string v = get(name);
  double d = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), d);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size() || !std::isfinite(d))
    throw usage_error(name + " expects a number, got '" + v + "'");
  return d;
}

double parsed_args::get_positive(const std::string& name, double fallback, const std::string& unit) const {
  const double d = get_number(name, fallback);
  if (has(name) && !(d > 0))
    throw usage_error(name + " expects a positive number of " + unit + ", got '" + get(name) + "'");
  return d;
}

parsed_args parse_args(const std::vector<std::string>& args, const std::set<std::string>& with_value,
                       const std::set<std::string>& flags) {
  parsed_args out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 2 || a[0] != '-') {
      out.positional.push_back(a);
      continue;
    }
    std::string name = a, value;
    bool inline_value = false;
    if (auto eq = a.find('='); eq != std::string::npos && a.starts_with("--")) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      inline_value = true;
    }
    if (with_value.count(name)) {
      if (!inline_value) {
        if (i + 1 >= args.size()) throw usage_error(name + " expects a value");
        value = args[++i];
      }
      out.options[name] = value;
      out.repeated.emplace(name, value);
    } else if (flags.count(name) && !inline_value) {
      out.options[name] = "1";
    } else {
      throw usage_error("unknown option '" + a + "'");
    }
  }
  return out;
}

}  // namespace yams::tool
