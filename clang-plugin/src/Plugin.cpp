// The "yams" plugin action and its arguments.
// Loaded with -fplugin=yams-clang-plugin.so, the action runs before the main
// action of every compile. Arguments: -fplugin-arg-yams-off, -list, -help.

#include "Diagnostics.h"
#include "Instrumenter.h"

#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;

namespace yams_plugin {
namespace {

constexpr const char *HelpText =
    "YAMS Clang plugin: instruments [[yams::profile]] and [[yams::frame]].\n"
    "  -fplugin-arg-yams-off   check the attributes, insert no probe\n"
    "  -fplugin-arg-yams-list  print each instrumented function and its site\n"
    "  -fplugin-arg-yams-help  print this help\n"
    "Attribute grammar: docs/attributes.md\n";

class YamsAction : public PluginASTAction {
protected:
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    return createInstrumenter(CI, Options);
  }

  bool ParseArgs(const CompilerInstance &CI,
                 const std::vector<std::string> &Args) override {
    for (const std::string &Arg : Args) {
      if (Arg == "off") {
        Options.Off = true;
      } else if (Arg == "list") {
        Options.List = true;
      } else if (Arg == "help") {
        llvm::errs() << HelpText;
      } else {
        report(CI.getDiagnostics(), SourceLocation(), Diag::UnknownPluginArg)
            << Arg;
        return false;
      }
    }
    return true;
  }

  ActionType getActionType() override { return AddBeforeMainAction; }

private:
  PluginOptions Options;
};

} // namespace
} // namespace yams_plugin

static FrontendPluginRegistry::Add<yams_plugin::YamsAction>
    YamsPlugin("yams", "insert YAMS profiling probes");
