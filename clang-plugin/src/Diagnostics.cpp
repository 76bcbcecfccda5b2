// Every diagnostic the YAMS plugin emits.

#include "Diagnostics.h"

#include <array>

using namespace clang;

namespace yams_plugin {
namespace {

struct DiagText {
  DiagnosticsEngine::Level Level;
  const char *Text;
};

// Indexed by Diag; keep in the same order.
constexpr DiagText Texts[] = {
    {DiagnosticsEngine::Error,
     "'yams::%0' attribute only applies to functions and lambdas"},
    {DiagnosticsEngine::Error,
     "unscoped attribute '%0' is reserved by the YAMS plugin; write "
     "[[yams::%0(...)]]"},
    {DiagnosticsEngine::Error,
     "'yams::%0' attribute needs a label: [[yams::%0(\"Label\")]]"},
    {DiagnosticsEngine::Error,
     "the label of 'yams::%0' must be a string literal"},
    {DiagnosticsEngine::Error, "the label of 'yams::%0' must not be empty"},
    {DiagnosticsEngine::Error,
     "options of 'yams::%0' must be string literals such as \"module=name\""},
    {DiagnosticsEngine::Error,
     "unknown 'yams::%0' option '%1'; expected module=, func=, args=, "
     "entity_id=, lua_code, lua_callback%select{|, number=}2"},
    {DiagnosticsEngine::Error, "option '%0' needs a value after '='"},
    {DiagnosticsEngine::Error, "option '%0' is only valid on [[yams::frame]]"},
    {DiagnosticsEngine::Error,
     "placeholder '{%0}' in the label names no parameter of %1"},
    {DiagnosticsEngine::Error, "args= names '%0', which is no parameter of %1"},
    {DiagnosticsEngine::Error,
     "entity_id= names '%0', which is no parameter of %1"},
    {DiagnosticsEngine::Error,
     "parameter '%0' of type %1 cannot be captured by 'yams::%2': only "
     "numbers, bool, enums, strings and 'const yams::script_source *' can; "
     "leave it out of args="},
    {DiagnosticsEngine::Note, "parameter '%0' declared here"},
    {DiagnosticsEngine::Error,
     "%0 already has a YAMS attribute; one [[yams::profile]] or "
     "[[yams::frame]] per function"},
    {DiagnosticsEngine::Error,
     "'yams::%0' cannot instrument functions in namespace 'yams' (the "
     "profiler itself)"},
    {DiagnosticsEngine::Error,
     "'yams::%0' cannot instrument a consteval function: it never runs at "
     "run time"},
    {DiagnosticsEngine::Error,
     "'yams::%0' cannot instrument a target_clones function (Clang does not "
     "combine multiversioning with the plugin's marker); instrument its caller, "
     "or use target(\"...\") versions"},
    {DiagnosticsEngine::Error,
     "'yams::%0' cannot instrument a %select{defaulted|deleted}1 function; "
     "it has no body of its own"},
    {DiagnosticsEngine::Error,
     "'yams::%0' cannot instrument a coroutine: the zone would close at its "
     "first suspension"},
    {DiagnosticsEngine::Error,
     "'yams::%0' needs the probe declarations: #include <yams/yams.hpp> "
     "before this function (missing '%1')"},
    {DiagnosticsEngine::Error,
     "number= names '%0', which is neither a parameter of %1 nor a member of "
     "its class"},
    {DiagnosticsEngine::Error,
     "number= names '%0' of type %1: a frame number must be an integer"},
    {DiagnosticsEngine::Error,
     "%0 has a different YAMS attribute on another declaration; write it "
     "once, or the same on each"},
    {DiagnosticsEngine::Note, "the other YAMS attribute is here"},
    {DiagnosticsEngine::Error,
     "unknown YAMS plugin argument '%0'; valid: off, list, help"},
};

static_assert(std::size(Texts) ==
                  static_cast<size_t>(Diag::UnknownPluginArg) + 1,
              "one text per Diag");

} // namespace

unsigned diagID(DiagnosticsEngine &Engine, Diag D) {
  static DiagnosticsEngine *Owner = nullptr;
  static std::array<unsigned, std::size(Texts)> IDs{};
  if (Owner != &Engine) {
    Owner = &Engine;
    IDs.fill(0);
  }
  unsigned &ID = IDs[static_cast<size_t>(D)];
  if (ID == 0) {
    const DiagText &T = Texts[static_cast<size_t>(D)];
    ID = Engine.getDiagnosticIDs()->getCustomDiagID(
        static_cast<DiagnosticIDs::Level>(T.Level), T.Text);
  }
  return ID;
}

} // namespace yams_plugin
