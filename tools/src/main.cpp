// The `yams` command: record, report, convert and serve session files. Errors are reported here, once,
// on one line (control characters escaped): usage errors exit with status 2, everything else (bad
// files, I/O) with status 1. `yams COMMAND --help` prints the command's usage and options.
#include "cli.hpp"
#include "convert.hpp"
#include "printable.hpp"
#include "record.hpp"
#include "report.hpp"
#include "serve.hpp"

#include <yams/frame.hpp>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

using command = int (*)(const std::vector<std::string>&);

// Each subcommand's usage line (printed with every usage error) and help (printed after it by
// `--help`: what the subcommand does, then each argument with its range and default, as
// docs/tools.md states them).
struct subcommand {
  command run;
  const char* usage;
  const char* help;
};

const std::map<std::string, subcommand>& subcommands() {
  static const std::map<std::string, subcommand> table = {
      {"record",
       {yams::tool::run_record,
        "yams record ws://127.0.0.1:PORT -o FILE [--token T] [--enable] [--frames N] [--seconds S]",
        "Records a live game to a streaming session file, each frame written as it arrives, until Ctrl-C,\n"
        "SIGTERM, a limit below, or the server closing the connection.\n"
        "  ws://HOST:PORT[/PATH]  the live server (yams::serve, yams-duckhunt --serve, yams serve); the path\n"
        "                         is /ws unless given; PORT is a number from 1 to 65535\n"
        "  -o, --output FILE      the session file to write (in place: a symlink writes its target)\n"
        "  --token T              sends the token T (X-Yams-Token) to a server that requires one\n"
        "  --enable               asks the game to turn profiling on (a game with it off sends no frames)\n"
        "  --frames N             stops after N frames: a whole number from 1 to 1000000000 (default: no\n"
        "                         limit)\n"
        "  --seconds S            stops after S seconds, once the history sent on connecting is complete: a\n"
        "                         positive number, above 1e9 taken as 1e9 (default: no limit)\n"}},
      {"report",
       {yams::tool::run_report, "yams report FILE [--json] [--budget MS] [--top N] [--worst N]",
        "Summarises a session: frame times against a budget, the heaviest sites and entities, rollbacks\n"
        "and the worst frames with their heaviest paths.\n"
        "  FILE                   a session file (streaming or document form)\n"
        "  --json                 prints the same figures as one JSON object instead of text\n"
        "  --budget MS            the frame budget in milliseconds: a positive number (default 16.7)\n"
        "  --top N                sites and entities listed: a whole number from 1 to 1000000000 (default 10)\n"
        "  --worst N              longest frames listed: a whole number from 1 to 1000000000 (default 5)\n"}},
      {"convert",
       {yams::tool::run_convert, "yams convert FILE --to chrome|speedscope|document -o OUT",
        "Converts a session for other viewers.\n"
        "  FILE                   a session file (streaming or document form)\n"
        "  --to FORMAT            chrome: Chrome Trace Event JSON (Perfetto); speedscope: speedscope's file\n"
        "                         format; document: the session document (required)\n"
        "  -o, --output OUT       the file to write (required); a regular file is written to OUT.tmp and\n"
        "                         renamed over OUT, so it is complete or untouched\n"}},
      {"serve",
       {yams::tool::run_serve,
        "yams serve FILE [--port P] [--address A] [--panel DIR] [--source-root DIR]... [--token T]",
        "Serves a saved session to the web panel (the live server replaying it) until Ctrl-C or SIGTERM.\n"
        "  FILE                   a session file (streaming or document form), read once to index it and\n"
        "                         again a part at a time as clients ask (keep it unchanged meanwhile); a\n"
        "                         pipe is read into memory\n"
        "  --port P               the port to listen on: a whole number from 0 to 65535 (default 8765; 0\n"
        "                         picks a free port)\n"
        "  --address A            the address to listen on (default 127.0.0.1)\n"
        "  --panel DIR            the web panel's files (default $YAMS_PANEL_DIR, the build tree's, or the\n"
        "                         installed share/yams/panel)\n"
        "  --source-root DIR      serves the source files under DIR to the panel; repeatable (default:\n"
        "                         none)\n"
        "  --token T              requires the token T from clients (?token=T or X-Yams-Token)\n"}},
  };
  return table;
}

void print_usage(std::ostream& out) {
  out << "usage:\n";
  for (const auto& [name, sub] : subcommands()) out << "  " << sub.usage << '\n';
  out << "'yams COMMAND --help' describes a command's options.\n"
         "Session files: docs/session-files.md; the tools: docs/tools.md\n";
}

// `--help` or `-h` anywhere after the subcommand's name: whatever else is there is not looked at.
bool wants_help(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; });
}

// Help goes to stdout, with exit status 0, or 1 if it could not be written.
int print_help(const char* usage, const char* help) {
  std::cout << "usage: " << usage << '\n'
            << help << "  -h, --help             prints this help\n"
            << "The tools: docs/tools.md\n";
  std::cout.flush();
  if (std::cout) return 0;
  std::cerr << "yams: cannot write the help to stdout\n";
  return 1;
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
  if (wants_help(args)) return print_help(it->second.usage, it->second.help);
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
