// The `yams` command: record, report, convert and serve session files. Errors are reported here, once,
// on one line (control characters escaped): usage errors exit with status 2, everything else (bad
// files, I/O) with status 1.
#include "cli.hpp"
#include "convert.hpp"
#include "printable.hpp"
#include "record.hpp"
#include "report.hpp"
#include "serve.hpp"

#include <yams/frame.hpp>

#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

using command = int (*)(const std::vector<std::string>&);

struct subcommand {
  command run;
  const char* usage;
};

const std::map<std::string, subcommand>& subcommands() {
  static const std::map<std::string, subcommand> table = {
      {"record", {yams::tool::run_record,
                  "yams record ws://127.0.0.1:PORT -o FILE [--token T] [--enable] [--frames N] [--seconds S]"}},
      {"report", {yams::tool::run_report, "yams report FILE [--json] [--budget MS] [--top N] [--worst N]"}},
      {"convert", {yams::tool::run_convert, "yams convert FILE --to chrome|speedscope|document -o OUT"}},
      {"serve", {yams::tool::run_serve,
                 "yams serve FILE [--port P] [--address A] [--panel DIR] [--source-root DIR]... [--token T]"}},
  };
  return table;
}

void print_usage(std::ostream& out) {
  out << "usage:\n";
  for (const auto& [name, sub] : subcommands()) out << "  " << sub.usage << '\n';
  out << "Session files: docs/session-files.md; the tools: docs/tools.md\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    print_usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  const auto it = subcommands().find(argv[1]);
  if (it == subcommands().end()) {
    std::cerr << "yams: unknown command '" << argv[1] << "'\n";
    print_usage(std::cerr);
    return 2;
  }
  const std::vector<std::string> args(argv + 2, argv + argc);
  try {
    return it->second.run(args);
  } catch (const yams::tool::usage_error& e) {
    std::cerr << "yams " << it->first << ": " << yams::tool::printable(e.what()) << "\nusage: " << it->second.usage
              << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "yams: " << yams::tool::printable(e.what()) << '\n';  // may quote the file or the server
    return 1;
  }
}
