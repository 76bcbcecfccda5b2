// Every diagnostic the YAMS plugin emits.
// All diagnostic texts live in one table; their IDs are created once per
// DiagnosticsEngine.

#ifndef YAMS_CLANG_PLUGIN_DIAGNOSTICS_H
#define YAMS_CLANG_PLUGIN_DIAGNOSTICS_H

#include "clang/Basic/Diagnostic.h"

namespace yams_plugin {

enum class Diag {
  NotAFunction,
  UnscopedSpelling,
  MissingLabel,
  LabelNotString,
  LabelEmpty,
  OptionNotString,
  UnknownOption,
  OptionNeedsValue,
  OptionOnlyForFrame,
  PlaceholderUnknown,
  ArgUnknown,
  EntityIdUnknown,
  NotCapturable,
  NoteParameterHere,
  DuplicateAttribute,
  InNamespaceYams,
  Consteval,
  TargetClones,
  DefaultedOrDeleted,
  Coroutine,
  MissingHeader,
  FrameNumberUnknown,
  FrameNumberNotInteger,
  ConflictingAttribute,
  NotePreviousAttribute,
  UnknownPluginArg,
};

/// Returns the ID of \p D in \p Engine, creating it on first use.
unsigned diagID(clang::DiagnosticsEngine &Engine, Diag D);

/// Starts reporting \p D at \p Loc.
inline clang::DiagnosticBuilder report(clang::DiagnosticsEngine &Engine,
                                       clang::SourceLocation Loc, Diag D) {
  return Engine.Report(Loc, diagID(Engine, D));
}

} // namespace yams_plugin

#endif
