// What one [[yams::profile]] attribute asks for.
// The validated content of an attribute, carried from the attribute handler
// to the instrumenter inside a marker attribute, plus the rules both share
// (placeholders, capturable types, default module names).

#ifndef YAMS_CLANG_PLUGIN_PROBESPEC_H
#define YAMS_CLANG_PLUGIN_PROBESPEC_H

#include "clang/AST/Type.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace clang {
class Decl;
class FunctionDecl;
} // namespace clang

namespace yams_plugin {

/// Prefix of the AnnotateAttr the attribute handler leaves on a function. The
/// instrumenter removes it again, so it never reaches CodeGen.
inline constexpr llvm::StringLiteral MarkerPrefix = "yams\x1f";

struct ProbeSpec {
  bool IsFrame = false;
  std::string Label;
  std::string Module; // empty: derived from the class or namespace
  std::string Func;   // empty: the function's name
  bool LuaCode = false;
  bool LuaCallback = false;
  bool ArgsAll = true;           // every capturable parameter goes into args
  std::vector<std::string> Args; // when !ArgsAll: these, in this order
  std::string EntityId;          // empty: a parameter named entity_id, if any
  std::string FrameNumber; // [[yams::frame]]: parameter or member; empty: auto

  /// The marker annotation text for this spec.
  std::string encode() const;
  /// Parses a marker annotation; std::nullopt if it is not one of ours.
  static std::optional<ProbeSpec> decode(llvm::StringRef Annotation);

  const char *attrName() const { return IsFrame ? "frame" : "profile"; }
};

/// A `{name}` placeholder in a label, with the byte offset of its `{`.
struct Placeholder {
  std::string Name;
  unsigned Offset;
};

/// The placeholders of \p Label, in order.
void parsePlaceholders(llvm::StringRef Label,
                       llvm::SmallVectorImpl<Placeholder> &Out);

/// Whether a value of type \p T can be captured by a zone (numbers, bool, enums,
/// strings, pointers to yams::script_source); mirrors yams::capturable_v in
/// <yams/detail/recorder.hpp>. Dependent types are not.
bool isCapturable(clang::QualType T);

/// "GameLuaAPI" -> "game_lua_api".
std::string toSnakeCase(llvm::StringRef Name);

/// The module of \p FD when the attribute names none: its class (snake_case),
/// else its innermost named namespace, else "global".
std::string defaultModule(const clang::FunctionDecl *FD);

/// The function name recorded as `func`: "update", "~Engine", "lambda", ...
std::string functionName(const clang::FunctionDecl *FD);

/// Whether \p D is declared inside namespace ::yams.
bool isInYamsNamespace(const clang::Decl *D);

/// Records that some attribute was applied in this compile, and asks it: the
/// instrumenter does no work at all in a file without annotations.
void noteAttributeSeen();
bool attributeSeen();

} // namespace yams_plugin

#endif
