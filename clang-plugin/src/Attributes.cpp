// [[yams::profile]] and [[yams::frame]].
// Registers both attributes, checks everything that can be checked where the
// attribute is written, and leaves a marker (an AnnotateAttr holding the
// validated ProbeSpec) for the instrumenter.

#include "Diagnostics.h"
#include "ProbeSpec.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/ParsedAttrInfo.h"
#include "clang/Sema/ParsedAttr.h"
#include "clang/Sema/Sema.h"

using namespace clang;
using namespace llvm;

namespace yams_plugin {
namespace {

const ParmVarDecl *findParam(const FunctionDecl *FD, StringRef Name) {
  for (const ParmVarDecl *P : FD->parameters())
    if (P->getIdentifier() && P->getName() == Name)
      return P;
  return nullptr;
}

/// Where the options that name parameters were written.
struct OptionLocs {
  SourceLocation Args;
  SourceLocation EntityId;
};

/// Argument \p I of \p A as an ordinary string literal, or null.
const clang::StringLiteral *stringArg(const ParsedAttr &A, unsigned I) {
  if (!A.isArgExpr(I))
    return nullptr;
  const auto *Lit =
      dyn_cast<clang::StringLiteral>(A.getArgAsExpr(I)->IgnoreParenImpCasts());
  return Lit && Lit->isOrdinary() ? Lit : nullptr;
}

/// Where argument \p I of \p A was written.
SourceLocation argLoc(const ParsedAttr &A, unsigned I) {
  if (A.isArgExpr(I))
    return A.getArgAsExpr(I)->getBeginLoc();
  if (A.isArgIdent(I))
    return A.getArgAsIdent(I)->Loc;
  return A.getLoc();
}

class YamsAttrInfo : public ParsedAttrInfo {
public:
  explicit YamsAttrInfo(bool IsFrame) : IsFrame(IsFrame) { OptArgs = 15; }

  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &A,
                            const Decl *D) const override {
    if (!checkScope(S, A))
      return false;
    if (isa<FunctionDecl, FunctionTemplateDecl>(D))
      return true;
    report(S.getDiagnostics(), A.getLoc(), Diag::NotAFunction) << name();
    return false;
  }

  bool diagAppertainsToStmt(Sema &S, const ParsedAttr &A,
                            const Stmt *) const override {
    if (checkScope(S, A))
      report(S.getDiagnostics(), A.getLoc(), Diag::NotAFunction) << name();
    return false;
  }

  AttrHandling handleDeclAttribute(Sema &S, Decl *D,
                                   const ParsedAttr &A) const override;

private:
  const char *name() const { return IsFrame ? "frame" : "profile"; }
  bool checkScope(Sema &S, const ParsedAttr &A) const;
  bool parseArgs(Sema &S, const ParsedAttr &A, ProbeSpec &Spec,
                 const clang::StringLiteral *&Label, OptionLocs &Locs) const;
  bool parseOption(Sema &S, const clang::StringLiteral *Lit, ProbeSpec &Spec,
                   OptionLocs &Locs) const;
  bool checkParams(Sema &S, const FunctionDecl *FD, const ProbeSpec &Spec,
                   const clang::StringLiteral *Label,
                   const OptionLocs &Locs) const;
  bool checkCapturable(Sema &S, const ParmVarDecl *P, SourceLocation Use) const;

  bool IsFrame;
};

bool YamsAttrInfo::checkScope(Sema &S, const ParsedAttr &A) const {
  const IdentifierInfo *Scope = A.getScopeName();
  if (!Scope) {
    report(S.getDiagnostics(), A.getLoc(), Diag::UnscopedSpelling) << name();
    return false;
  }
  return Scope->getName() == "yams";
}

bool YamsAttrInfo::parseOption(Sema &S, const clang::StringLiteral *Lit,
                               ProbeSpec &Spec, OptionLocs &Locs) const {
  DiagnosticsEngine &DE = S.getDiagnostics();
  StringRef Text = Lit->getString().trim();
  StringRef Key = Text.split('=').first.trim();
  StringRef Value = Text.split('=').second.trim();
  bool HasValue = Text.contains('=');
  auto NeedValue = [&]() {
    if (!Value.empty() || Key == "args")
      return true;
    report(DE, Lit->getBeginLoc(), Diag::OptionNeedsValue) << Key;
    return false;
  };
  if (!HasValue && (Key == "lua_code" || Key == "lua_callback")) {
    (Key == "lua_code" ? Spec.LuaCode : Spec.LuaCallback) = true;
    return true;
  }
  if (HasValue && Key == "module")
    return NeedValue() && (Spec.Module = Value.str(), true);
  if (HasValue && Key == "func")
    return NeedValue() && (Spec.Func = Value.str(), true);
  if (HasValue && Key == "entity_id") {
    Locs.EntityId = Lit->getBeginLoc();
    return NeedValue() && (Spec.EntityId = Value.str(), true);
  }
  if (HasValue && Key == "number") {
    if (!IsFrame) {
      report(DE, Lit->getBeginLoc(), Diag::OptionOnlyForFrame) << Key;
      return false;
    }
    return NeedValue() && (Spec.FrameNumber = Value.str(), true);
  }
  if (HasValue && Key == "args") {
    Locs.Args = Lit->getBeginLoc();
    Spec.ArgsAll = Value == "*";
    Spec.Args.clear();
    if (!Spec.ArgsAll) {
      SmallVector<StringRef, 8> Names;
      Value.split(Names, ',', -1, /*KeepEmpty=*/false);
      for (StringRef N : Names)
        Spec.Args.push_back(N.trim().str());
    }
    return true;
  }
  report(DE, Lit->getBeginLoc(), Diag::UnknownOption)
      << name() << Text << IsFrame;
  return false;
}

bool YamsAttrInfo::parseArgs(Sema &S, const ParsedAttr &A, ProbeSpec &Spec,
                             const clang::StringLiteral *&Label,
                             OptionLocs &Locs) const {
  DiagnosticsEngine &DE = S.getDiagnostics();
  if (A.getNumArgs() == 0) {
    report(DE, A.getLoc(), Diag::MissingLabel) << name();
    return false;
  }
  Label = stringArg(A, 0);
  if (!Label) {
    report(DE, argLoc(A, 0), Diag::LabelNotString) << name();
    return false;
  }
  if (Label->getString().trim().empty()) {
    report(DE, Label->getBeginLoc(), Diag::LabelEmpty) << name();
    return false;
  }
  Spec.IsFrame = IsFrame;
  Spec.Label = Label->getString().str();
  bool OK = true;
  for (unsigned I = 1; I < A.getNumArgs(); ++I) {
    const clang::StringLiteral *Lit = stringArg(A, I);
    if (!Lit) {
      report(DE, argLoc(A, I), Diag::OptionNotString) << name();
      OK = false;
      continue;
    }
    OK &= parseOption(S, Lit, Spec, Locs);
  }
  return OK;
}

bool YamsAttrInfo::checkCapturable(Sema &S, const ParmVarDecl *P,
                                   SourceLocation Use) const {
  QualType T = P->getType();
  if (!P->isParameterPack() && (T->isDependentType() || isCapturable(T)))
    return true;
  DiagnosticsEngine &DE = S.getDiagnostics();
  report(DE, Use, Diag::NotCapturable) << P->getName() << T << name();
  report(DE, P->getLocation(), Diag::NoteParameterHere) << P->getName();
  return false;
}

bool YamsAttrInfo::checkParams(Sema &S, const FunctionDecl *FD,
                               const ProbeSpec &Spec,
                               const clang::StringLiteral *Label,
                               const OptionLocs &Locs) const {
  DiagnosticsEngine &DE = S.getDiagnostics();
  const SourceManager &SM = S.getSourceManager();
  auto ByteLoc = [&](unsigned Offset) {
    return Label->getLocationOfByte(Offset, SM, S.getLangOpts(),
                                    S.getASTContext().getTargetInfo());
  };
  bool OK = true;
  // A declaration may leave parameters unnamed (`void think(int);`): a name it
  // lacks is checked against the definition, by the instrumenter.
  bool AllNamed = llvm::all_of(FD->parameters(), [](const ParmVarDecl *P) {
    return P->getIdentifier() != nullptr;
  });
  SmallVector<Placeholder, 4> Holes;
  parsePlaceholders(Spec.Label, Holes);
  for (const Placeholder &H : Holes) {
    const ParmVarDecl *P = findParam(FD, H.Name);
    if (!P && !AllNamed)
      continue;
    if (!P) {
      report(DE, ByteLoc(H.Offset), Diag::PlaceholderUnknown) << H.Name << FD;
      OK = false;
    } else {
      OK &= checkCapturable(S, P, ByteLoc(H.Offset));
    }
  }
  for (const std::string &Name : Spec.Args) {
    const ParmVarDecl *P = findParam(FD, Name);
    if (!P && !AllNamed)
      continue;
    if (!P) {
      report(DE, Locs.Args, Diag::ArgUnknown) << Name << FD;
      OK = false;
    } else {
      OK &= checkCapturable(S, P, Locs.Args);
    }
  }
  if (!Spec.EntityId.empty()) {
    const ParmVarDecl *P = findParam(FD, Spec.EntityId);
    if (!P && !AllNamed)
      return OK;
    if (!P) {
      report(DE, Locs.EntityId, Diag::EntityIdUnknown) << Spec.EntityId << FD;
      OK = false;
    } else {
      OK &= checkCapturable(S, P, Locs.EntityId);
    }
  }
  return OK;
}

ParsedAttrInfo::AttrHandling
YamsAttrInfo::handleDeclAttribute(Sema &S, Decl *D, const ParsedAttr &A) const {
  DiagnosticsEngine &DE = S.getDiagnostics();
  FunctionDecl *FD = D->getAsFunction();
  if (!FD)
    return AttributeNotApplied;
  ProbeSpec Spec;
  const clang::StringLiteral *Label = nullptr;
  OptionLocs Locs;
  if (!parseArgs(S, A, Spec, Label, Locs))
    return AttributeNotApplied;
  if (isInYamsNamespace(FD)) {
    report(DE, A.getLoc(), Diag::InNamespaceYams) << name();
    return AttributeNotApplied;
  }
  if (FD->isConsteval()) {
    report(DE, A.getLoc(), Diag::Consteval) << name();
    return AttributeNotApplied;
  }
  if (FD->hasAttr<TargetClonesAttr>()) {
    report(DE, A.getLoc(), Diag::TargetClones) << name();
    return AttributeNotApplied;
  }
  for (const auto *Existing : FD->specific_attrs<AnnotateAttr>())
    if (Existing->getAnnotation().starts_with(MarkerPrefix) &&
        !Existing->isInherited()) {
      report(DE, A.getLoc(), Diag::DuplicateAttribute) << FD;
      return AttributeNotApplied;
    }
  if (!checkParams(S, FD, Spec, Label, Locs))
    return AttributeNotApplied;
  FD->addAttr(AnnotateAttr::CreateImplicit(S.getASTContext(), Spec.encode(),
                                           nullptr, 0, A.getRange()));
  noteAttributeSeen();
  return AttributeApplied;
}

struct ProfileAttrInfo : YamsAttrInfo {
  ProfileAttrInfo() : YamsAttrInfo(/*IsFrame=*/false) {
    // The unscoped spelling is registered only to reject it: Clang matches
    // plugin spellings by their unscoped name.
    static constexpr Spelling S[] = {{ParsedAttr::AS_CXX11, "yams::profile"},
                                     {ParsedAttr::AS_CXX11, "profile"}};
    Spellings = S;
  }
};

struct FrameAttrInfo : YamsAttrInfo {
  FrameAttrInfo() : YamsAttrInfo(/*IsFrame=*/true) {
    static constexpr Spelling S[] = {{ParsedAttr::AS_CXX11, "yams::frame"},
                                     {ParsedAttr::AS_CXX11, "frame"}};
    Spellings = S;
  }
};

} // namespace

static bool SawAttribute = false;
void noteAttributeSeen() { SawAttribute = true; }
bool attributeSeen() { return SawAttribute; }

} // namespace yams_plugin

static ParsedAttrInfoRegistry::Add<yams_plugin::ProfileAttrInfo>
    ProfileAttr("yams-profile", "[[yams::profile(\"Label\", options...)]]");
static ParsedAttrInfoRegistry::Add<yams_plugin::FrameAttrInfo>
    FrameAttr("yams-frame", "[[yams::frame(\"Label\", options...)]]");
