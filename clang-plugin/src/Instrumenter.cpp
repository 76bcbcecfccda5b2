// Inserts probes into marked function bodies.

#include "Instrumenter.h"
#include "Diagnostics.h"
#include "ProbeSpec.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/FileManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Serialization/ASTReader.h"
#include "clang/Sema/EnterExpressionEvaluationContext.h"
#include "clang/Sema/Initialization.h"
#include "clang/Sema/Lookup.h"
#include "clang/Sema/Overload.h"
#include "clang/Sema/Sema.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

using namespace clang;
using namespace llvm;

namespace yams_plugin {
namespace {

constexpr unsigned ArgInArgs = 1u << 0;   // yams::arg_in_args
constexpr unsigned ArgEntityId = 1u << 1; // yams::arg_entity_id
constexpr unsigned SiteLuaCode = 1u << 0;
constexpr unsigned SiteLuaCallback = 1u << 1;
constexpr unsigned SiteFrame = 1u << 2;

// The function's own marker wins over one it inherited. An explicit
// specialisation may inherit the primary template's marker (depending on
// whether the primary was already instrumented); it is instrumented only by an
// attribute of its own.
const AnnotateAttr *findMarker(const FunctionDecl *FD) {
  if (!FD->hasAttrs())
    return nullptr;
  bool OwnOnly =
      FD->getTemplateSpecializationKind() == TSK_ExplicitSpecialization;
  const AnnotateAttr *Found = nullptr;
  for (const auto *A : FD->specific_attrs<AnnotateAttr>()) {
    if (!A->getAnnotation().starts_with(MarkerPrefix) ||
        (OwnOnly && A->isInherited()))
      continue;
    if (!Found || Found->isInherited())
      Found = A;
  }
  return Found;
}

bool hasAnyMarker(const FunctionDecl *FD) {
  return FD->hasAttrs() &&
         llvm::any_of(FD->specific_attrs<AnnotateAttr>(), [](const auto *A) {
           return A->getAnnotation().starts_with(MarkerPrefix);
         });
}

void stripMarkers(FunctionDecl *FD) {
  for (FunctionDecl *R : FD->redecls()) {
    if (!R->hasAttrs())
      continue;
    AttrVec &Attrs = R->getAttrs();
    llvm::erase_if(Attrs, [](const Attr *A) {
      const auto *AA = dyn_cast<AnnotateAttr>(A);
      return AA && AA->getAnnotation().starts_with(MarkerPrefix);
    });
    if (Attrs.empty())
      R->dropAttrs();
  }
}

bool isLambdaOperator(const FunctionDecl *FD) {
  const auto *MD = dyn_cast<CXXMethodDecl>(FD);
  return MD && MD->getParent()->isLambda();
}

bool startsWithProbe(const Stmt *S) {
  const auto *CS = dyn_cast_or_null<CompoundStmt>(S);
  if (!CS || CS->body_empty())
    return false;
  const auto *DS = dyn_cast<DeclStmt>(CS->body_front());
  if (!DS || !DS->isSingleDecl())
    return false;
  const auto *VD = dyn_cast<VarDecl>(DS->getSingleDecl());
  return VD && VD->getIdentifier() && VD->getName().starts_with("__yams_");
}

bool isProbed(const Stmt *Body) {
  if (const auto *Try = dyn_cast<CXXTryStmt>(Body))
    return startsWithProbe(Try->getTryBlock());
  return startsWithProbe(Body);
}

/// Collects the marked functions under a declaration, including lambdas and
/// template instantiations that already exist.
class MarkedFinder : public RecursiveASTVisitor<MarkedFinder> {
public:
  bool shouldVisitTemplateInstantiations() const { return true; }

  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (hasAnyMarker(FD))
      Found.push_back(FD);
    return true;
  }

  bool VisitLambdaExpr(LambdaExpr *LE) {
    CXXMethodDecl *Op = LE->getCallOperator();
    if (hasAnyMarker(Op))
      Lambdas[Op] = LE;
    VisitFunctionDecl(Op);
    if (FunctionTemplateDecl *T = Op->getDescribedFunctionTemplate())
      for (FunctionDecl *Spec : T->specializations())
        VisitFunctionDecl(Spec);
    return true;
  }

  SmallVector<FunctionDecl *, 8> Found;
  /// The expressions of the marked lambdas among them, by call operator.
  llvm::DenseMap<const FunctionDecl *, LambdaExpr *> Lambdas;
};

struct Capture {
  ParmVarDecl *Param;
  unsigned Flags;
};

/// A reentry probe's `site::params`: bit i for each captured parameter i.
uint64_t paramMask(ArrayRef<Capture> Captures) {
  uint64_t Mask = 0;
  for (const Capture &C : Captures)
    Mask |= uint64_t(1) << C.Param->getFunctionScopeIndex();
  return Mask;
}

/// The declarations of <yams/probe.hpp> a probe is built from.
struct ProbeDecls {
  CXXRecordDecl *Site = nullptr;
  CXXRecordDecl *ArgDesc = nullptr;
  CXXRecordDecl *Zone = nullptr;
  CXXRecordDecl *FrameZone = nullptr;
  VarDecl *AutoFrameNumber = nullptr;
  NamespaceDecl *Detail = nullptr;            // yams::detail
  FunctionDecl *ReentryWanted = nullptr;      // detail::reentry_wanted
};

/// Whether passing a \p T once more by value only copies its bytes, as a
/// reentry probe does twice: from the parameter (an lvalue) into the
/// `reenter_*` instance's parameter, and from there (an xvalue) into the
/// function's. True for trivially copyable scalars, and for classes whose two
/// copies both select a trivial, public constructor: a trivially copyable class
/// can still prefer a constructor template (user code) or have a deleted move.
bool copiesTrivially(Sema &S, QualType T, SourceLocation Loc) {
  ASTContext &Ctx = S.getASTContext();
  if (!T.isTriviallyCopyableType(Ctx))
    return false;
  if (!T->isRecordType())
    return true;
  QualType Plain = T.getUnqualifiedType();
  for (ExprValueKind VK : {VK_LValue, VK_XValue}) {
    Sema::SFINAETrap Trap(S, /*AccessCheckingSFINAE=*/true);
    Expr *From = new (Ctx) OpaqueValueExpr(Loc, Plain, VK);
    InitializedEntity Entity = InitializedEntity::InitializeTemporary(Plain);
    InitializationKind Kind = InitializationKind::CreateCopy(Loc, Loc);
    InitializationSequence Seq(S, Entity, Kind, From);
    if (Seq.Failed())
      return false;
    ExprResult Init = Seq.Perform(S, Entity, Kind, From);
    if (Init.isInvalid() || Trap.hasErrorOccurred())
      return false;
    const auto *Construct =
        dyn_cast<CXXConstructExpr>(Init.get()->IgnoreImplicit());
    if (!Construct || !Construct->getConstructor()->isTrivial() ||
        Construct->getConstructor()->getAccess() != AS_public)
      return false;
  }
  return true;
}

/// Whether a call of FD can be repeated with the same arguments, which a
/// reentry probe does (see yams::detail::reenter_function): a function the
/// probe can name and call again without changing what the program does.
/// Everything else keeps the zone held across the body.
bool canReenter(Sema &S, const FunctionDecl *FD, const ProbeSpec &Spec,
                ArrayRef<Capture> Captures, SourceLocation Loc) {
  if (Spec.IsFrame || FD->isMain() || FD->isVariadic() || FD->isConsteval() ||
      FD->isNoReturn() || FD->isTemplated() ||
      FD->getTemplatedKind() != FunctionDecl::TK_NonTemplate ||
      FD->getReturnType()->isUndeducedType())
    return false;
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD)) {
    // Constructors and destructors cannot be called again; a lambda's
    // closure object has no name in its body; a virtual function named
    // through a member pointer would dispatch again, to the overrider.
    if (isa<CXXConstructorDecl, CXXDestructorDecl>(MD) || MD->isVirtual() ||
        MD->getParent()->isLambda() || MD->isExplicitObjectMemberFunction() ||
        MD->getRefQualifier() != RQ_None ||
        MD->getMethodQualifiers().hasVolatile())
      return false;
  }
  const auto *FPT = FD->getType()->getAs<FunctionProtoType>();
  if (!FPT)
    return false;
  // Each argument is passed once more: only copies nobody can observe.
  for (QualType T : FPT->getParamTypes())
    if (!T->isReferenceType() && !copiesTrivially(S, T, Loc))
      return false;
  for (const Capture &C : Captures)
    if (C.Param->getFunctionScopeIndex() >= 32)
      return false; // the site's parameter mask has 32 bits
  return true;
}

class Instrumenter : public SemaConsumer {
public:
  Instrumenter(CompilerInstance &CI, PluginOptions Options)
      : CI(CI), Options(Options) {}

  void InitializeSema(Sema &S) override { SemaRef = &S; }
  void ForgetSema() override { SemaRef = nullptr; }

  bool HandleTopLevelDecl(DeclGroupRef DG) override {
    if (!mayHaveMarkers() || !SemaRef)
      return true;
    MarkedFinder Finder;
    for (Decl *D : DG)
      Finder.TraverseDecl(D);
    // (Building a probe can instantiate templates, which re-enters this.)
    for (FunctionDecl *FD : Finder.Found)
      processFunction(FD, Finder.Lambdas.lookup(FD));
    return true;
  }

  // A lambda's call operator waits for its expression (HandleTopLevelDecl),
  // whose own pointer to the body must follow the probe.
  void HandleInlineFunctionDefinition(FunctionDecl *FD) override {
    if (mayHaveMarkers() && SemaRef && hasAnyMarker(FD) && !isLambdaOperator(FD))
      processFunction(FD);
  }

  // -fplugin-arg-yams-list prints its lines here, in source order (functions
  // are instrumented in another: inline members after their class, template
  // instantiations when they are needed).
  void HandleTranslationUnit(ASTContext &) override {
    std::stable_sort(Listed.begin(), Listed.end(),
                     [](const ListedSite &A, const ListedSite &B) {
                       return std::tie(A.File, A.Line) <
                              std::tie(B.File, B.Line);
                     });
    for (const ListedSite &L : Listed)
      llvm::errs() << L.Text;
    Listed.clear();
  }

private:
  /// Whether a marker can be on some declaration: an attribute was parsed in
  /// this compile, or declarations were read from a precompiled header or a
  /// module (whose attributes were parsed when it was built). (Not
  /// LangOpts.Modules, nor merely an ASTReader: C++20 has both in every file.)
  bool mayHaveMarkers() const {
    if (attributeSeen())
      return true;
    IntrusiveRefCntPtr<ASTReader> Reader = CI.getASTReader();
    return Reader && Reader->getModuleManager().size() != 0;
  }
  void processFunction(FunctionDecl *FD, LambdaExpr *Lambda = nullptr);
  bool collectCaptures(FunctionDecl *FD, const ProbeSpec &Spec,
                       SourceLocation AttrLoc, SmallVectorImpl<Capture> &Out);
  ValueDecl *resolveFrameNumber(FunctionDecl *FD, const ProbeSpec &Spec,
                                SourceLocation AttrLoc);
  Expr *frameNumberExpr(FunctionDecl *FD, ValueDecl *Number,
                        SourceLocation Loc);
  bool lookupProbeDecls(SourceLocation AttrLoc, const ProbeSpec &Spec);
  void insertProbe(FunctionDecl *FD, const ProbeSpec &Spec,
                   ArrayRef<Capture> Captures, ValueDecl *FrameNumber,
                   LambdaExpr *Lambda);
  VarDecl *buildArgs(FunctionDecl *FD, ArrayRef<Capture> Captures,
                     SourceLocation Loc);
  VarDecl *buildSite(FunctionDecl *FD, const ProbeSpec &Spec, VarDecl *Args,
                     ArrayRef<Capture> Captures, bool Reentry,
                     const PresumedLoc &Where, SourceLocation Loc);
  Stmt *buildReentry(FunctionDecl *FD, VarDecl *Site, SourceLocation Loc);
  VarDecl *buildZone(FunctionDecl *FD, const ProbeSpec &Spec, VarDecl *Site,
                     ArrayRef<Capture> Captures, ValueDecl *FrameNumber,
                     SourceLocation Loc);
  VarDecl *makeVar(FunctionDecl *FD, StringRef Name, QualType T,
                   StorageClass SC, SourceLocation Loc);
  Expr *stringLit(StringRef S, SourceLocation Loc);
  std::string siteFile(const PresumedLoc &Where) const;
  Expr *uintLit(uint64_t V, SourceLocation Loc);
  Expr *declRef(ValueDecl *D, SourceLocation Loc);
  Stmt *wrapBody(FunctionDecl *FD, Stmt *Body, ArrayRef<Stmt *> Prefix);
  void printSite(const FunctionDecl *FD, const ProbeSpec &Spec,
                 const PresumedLoc &Where, ArrayRef<Capture> Captures,
                 bool Reentry);

  /// A line of -fplugin-arg-yams-list, printed at the end of the file.
  struct ListedSite {
    std::string File;
    unsigned Line;
    std::string Text;
  };

  CompilerInstance &CI;
  PluginOptions Options;
  std::vector<ListedSite> Listed;
  Sema *SemaRef = nullptr;
  ProbeDecls Decls;
  bool DeclsFound = false;
};

/// \p Lambda: the expression whose call operator \p FD is, if it is one.
void Instrumenter::processFunction(FunctionDecl *FD, LambdaExpr *Lambda) {
  const AnnotateAttr *Marker = findMarker(FD);
  if (!Marker) {
    // Only an inherited marker that does not apply: it must not reach CodeGen.
    if (FD->doesThisDeclarationHaveABody())
      stripMarkers(FD);
    return;
  }
  std::optional<ProbeSpec> Spec = ProbeSpec::decode(Marker->getAnnotation());
  SourceLocation AttrLoc = Marker->getLocation();
  DiagnosticsEngine &DE = CI.getDiagnostics();
  // One attribute per function, whichever declaration it is written on; the
  // same one repeated (a header's, copied to the definition) is fine. (An
  // explicit specialisation has its own, whatever the primary template has.)
  bool Specialisation =
      FD->getTemplateSpecializationKind() == TSK_ExplicitSpecialization;
  for (const auto *Other : FD->specific_attrs<AnnotateAttr>())
    if (!Specialisation && Other != Marker &&
        Other->getAnnotation().starts_with(MarkerPrefix) &&
        Other->getAnnotation() != Marker->getAnnotation()) {
      report(DE, AttrLoc, Diag::ConflictingAttribute) << FD;
      report(DE, Other->getLocation(), Diag::NotePreviousAttribute);
      stripMarkers(FD);
      return;
    }
  if (FD->isDeleted() || FD->isExplicitlyDefaulted()) {
    report(DE, AttrLoc, Diag::DefaultedOrDeleted)
        << Spec->attrName() << FD->isDeleted();
    stripMarkers(FD);
    return;
  }
  // A declaration: the definition inherits the marker and is handled later.
  if (!FD->doesThisDeclarationHaveABody() || !FD->getBody())
    return;
  stripMarkers(FD);
  Stmt *Body = FD->getBody();
  if (isa<CoroutineBodyStmt>(Body)) {
    if (!FD->isTemplateInstantiation()) // else its pattern said so
      report(DE, AttrLoc, Diag::Coroutine) << Spec->attrName();
    return;
  }
  if (isProbed(Body))
    return; // instantiated from a pattern that was already instrumented
  SmallVector<Capture, 8> Captures;
  if (!collectCaptures(FD, *Spec, AttrLoc, Captures))
    return;
  ValueDecl *FrameNumber = nullptr;
  if (Spec->IsFrame && !Spec->FrameNumber.empty() &&
      !(FrameNumber = resolveFrameNumber(FD, *Spec, AttrLoc)))
    return;
  if (Options.Off)
    return;
  if (!lookupProbeDecls(AttrLoc, *Spec))
    return;
  insertProbe(FD, *Spec, Captures, FrameNumber, Lambda);
}

bool Instrumenter::collectCaptures(FunctionDecl *FD, const ProbeSpec &Spec,
                                   SourceLocation AttrLoc,
                                   SmallVectorImpl<Capture> &Out) {
  DiagnosticsEngine &DE = CI.getDiagnostics();
  SmallVector<Placeholder, 4> Holes;
  parsePlaceholders(Spec.Label, Holes);
  auto Find = [&](StringRef Name) -> const ParmVarDecl * {
    for (const ParmVarDecl *P : FD->parameters())
      if (P->getIdentifier() && P->getName() == Name)
        return P;
    return nullptr;
  };
  // The attribute handler checked the names against the declaration it was
  // written on, unless some parameter had no name there; the definition may
  // name its parameters differently. A named parameter must be capturable.
  auto Check = [&](StringRef Name, Diag Unknown) {
    const ParmVarDecl *P = Find(Name);
    if (!P) {
      report(DE, AttrLoc, Unknown) << Name << FD;
      return false;
    }
    QualType T = P->getType();
    if (T->isDependentType() || isCapturable(T))
      return true;
    report(DE, AttrLoc, Diag::NotCapturable) << Name << T << Spec.attrName();
    report(DE, P->getLocation(), Diag::NoteParameterHere) << Name;
    return false;
  };
  for (const Placeholder &H : Holes)
    if (!Check(H.Name, Diag::PlaceholderUnknown))
      return false;
  for (const std::string &A : Spec.Args)
    if (!Check(A, Diag::ArgUnknown))
      return false;
  if (!Spec.EntityId.empty() && !Check(Spec.EntityId, Diag::EntityIdUnknown))
    return false;
  StringRef Entity =
      Spec.EntityId.empty() ? StringRef("entity_id") : StringRef(Spec.EntityId);
  // In a template, "every capturable parameter" means those whose declared
  // type is not dependent, so all instantiations capture the same values. The
  // pattern's parameter for each of FD's: a pack stands for as many of FD's
  // parameters as the instantiation expanded it to, and none of them is taken.
  const FunctionDecl *Pattern = FD->getTemplateInstantiationPattern();
  SmallVector<const ParmVarDecl *, 8> Declared;
  if (Pattern) {
    for (const ParmVarDecl *PP : Pattern->parameters()) {
      unsigned Expanded =
          PP->isParameterPack()
              ? FD->getNumParams() - (Pattern->getNumParams() - 1)
              : 1;
      Declared.append(Expanded, PP);
    }
  }
  for (unsigned I = 0; I < FD->getNumParams(); ++I) {
    ParmVarDecl *P = FD->getParamDecl(I);
    const ParmVarDecl *Decl = I < Declared.size() ? Declared[I] : P;
    if (!P->getIdentifier() || P->isParameterPack() || Decl->isParameterPack())
      continue;
    StringRef Name = P->getName();
    bool Capturable = isCapturable(Decl->getType());
    unsigned Flags = 0;
    if (Spec.ArgsAll ? Capturable : is_contained(Spec.Args, Name))
      Flags |= ArgInArgs;
    if (Name == Entity && (Capturable || !Spec.EntityId.empty()))
      Flags |= ArgEntityId;
    bool InLabel =
        any_of(Holes, [&](const Placeholder &H) { return H.Name == Name; });
    if (Flags || InLabel)
      Out.push_back({P, Flags});
  }
  // args= names its parameters in the order their values go into args: those
  // first, in that order, then the ones only the label or entity_id= uses.
  if (!Spec.ArgsAll) {
    SmallVector<Capture, 8> Ordered;
    for (const std::string &Name : Spec.Args)
      for (const Capture &C : Out)
        if ((C.Flags & ArgInArgs) && C.Param->getName() == Name &&
            none_of(Ordered, [&](const Capture &O) { return O.Param == C.Param; }))
          Ordered.push_back(C);
    for (const Capture &C : Out)
      if (!(C.Flags & ArgInArgs))
        Ordered.push_back(C);
    Out.assign(Ordered.begin(), Ordered.end());
  }
  return true;
}

ValueDecl *Instrumenter::resolveFrameNumber(FunctionDecl *FD,
                                            const ProbeSpec &Spec,
                                            SourceLocation AttrLoc) {
  ValueDecl *Found = nullptr;
  for (ParmVarDecl *P : FD->parameters())
    if (P->getIdentifier() && P->getName() == Spec.FrameNumber)
      Found = P;
  if (auto *MD = dyn_cast<CXXMethodDecl>(FD); MD && !Found) {
    // Members of the class and of its bases, as the body would find them.
    LookupResult R(*SemaRef, &CI.getASTContext().Idents.get(Spec.FrameNumber),
                   AttrLoc, Sema::LookupMemberName);
    SemaRef->LookupQualifiedName(R, MD->getParent());
    R.suppressDiagnostics(); // the function's body may use private members
    if (R.isSingleResult()) {
      NamedDecl *ND = R.getFoundDecl();
      if (isa<FieldDecl>(ND) && MD->isInstance())
        Found = cast<FieldDecl>(ND);
      else if (auto *Var = dyn_cast<VarDecl>(ND))
        Found = Var;
    }
  }
  if (!Found) {
    report(CI.getDiagnostics(), AttrLoc, Diag::FrameNumberUnknown)
        << Spec.FrameNumber << FD;
    return nullptr;
  }
  // An integer (or anything that converts to one implicitly, e.g. an atomic).
  QualType T = Found->getType().getNonReferenceType();
  bool Integer = T->isIntegralOrEnumerationType() && !T->isBooleanType();
  if (!Integer && T->isRecordType() && !T->isDependentType()) {
    ASTContext &Ctx = CI.getASTContext();
    Sema::SFINAETrap Trap(*SemaRef, /*AccessCheckingSFINAE=*/true);
    Expr *From = new (Ctx) OpaqueValueExpr(AttrLoc, T, VK_LValue);
    ImplicitConversionSequence ICS = SemaRef->TryImplicitConversion(
        From, Ctx.UnsignedLongLongTy, /*SuppressUserConversions=*/false,
        Sema::AllowedExplicit::None, /*InOverloadResolution=*/false,
        /*CStyle=*/false, /*AllowObjCWritebackConversion=*/false);
    Integer = !ICS.isBad() && !Trap.hasErrorOccurred() &&
              ICS.isUserDefined() &&
              ICS.UserDefined.After.getToType(2)->isIntegralOrEnumerationType();
  }
  if (!Integer && !T->isDependentType()) {
    report(CI.getDiagnostics(), AttrLoc, Diag::FrameNumberNotInteger)
        << Spec.FrameNumber << T;
    return nullptr;
  }
  return Found;
}

Expr *Instrumenter::frameNumberExpr(FunctionDecl *FD, ValueDecl *Number,
                                    SourceLocation Loc) {
  if (!Number)
    return declRef(Decls.AutoFrameNumber, Loc);
  auto *Field = dyn_cast<FieldDecl>(Number);
  if (!Field)
    return declRef(Number, Loc);
  auto *MD = cast<CXXMethodDecl>(FD);
  Expr *This =
      SemaRef->BuildCXXThisExpr(Loc, MD->getThisType(), /*IsImplicit=*/true);
  return MemberExpr::CreateImplicit(
      CI.getASTContext(), This, /*IsArrow=*/true, Field,
      Field->getType().getNonReferenceType(), VK_LValue, OK_Ordinary);
}

bool Instrumenter::lookupProbeDecls(SourceLocation AttrLoc,
                                    const ProbeSpec &Spec) {
  if (DeclsFound)
    return true;
  ASTContext &Ctx = CI.getASTContext();
  NamespaceDecl *NS = nullptr;
  for (NamedDecl *ND :
       Ctx.getTranslationUnitDecl()->lookup(&Ctx.Idents.get("yams")))
    if ((NS = dyn_cast<NamespaceDecl>(ND)))
      break;
  auto Find = [&](StringRef Name) -> NamedDecl * {
    if (!NS)
      return nullptr;
    for (NamedDecl *ND : NS->lookup(&Ctx.Idents.get(Name)))
      return ND;
    return nullptr;
  };
  auto Record = [&](StringRef Name) -> CXXRecordDecl * {
    auto *RD = dyn_cast_or_null<CXXRecordDecl>(Find(Name));
    return RD ? RD->getDefinition() : nullptr;
  };
  Decls.Site = Record("site");
  Decls.ArgDesc = Record("arg_desc");
  Decls.Zone = Record("zone");
  Decls.FrameZone = Record("frame_zone");
  Decls.AutoFrameNumber = dyn_cast_or_null<VarDecl>(Find("auto_frame_number"));
  for (NamedDecl *ND : NS ? NS->lookup(&Ctx.Idents.get("detail"))
                          : DeclContext::lookup_result())
    if ((Decls.Detail = dyn_cast<NamespaceDecl>(ND)))
      break;
  if (Decls.Detail)
    for (NamedDecl *ND :
         Decls.Detail->lookup(&Ctx.Idents.get("reentry_wanted")))
      if ((Decls.ReentryWanted = dyn_cast<FunctionDecl>(ND)))
        break;
  const char *Missing = !Decls.Site              ? "yams::site"
                        : !Decls.ArgDesc         ? "yams::arg_desc"
                        : !Decls.Zone            ? "yams::zone"
                        : !Decls.FrameZone       ? "yams::frame_zone"
                        : !Decls.AutoFrameNumber ? "yams::auto_frame_number"
                        : !Decls.ReentryWanted
                            ? "yams::detail::reentry_wanted"
                            : nullptr;
  if (Missing) {
    report(CI.getDiagnostics(), AttrLoc, Diag::MissingHeader)
        << Spec.attrName() << Missing;
    return false;
  }
  DeclsFound = true;
  return true;
}

VarDecl *Instrumenter::makeVar(FunctionDecl *FD, StringRef Name, QualType T,
                               StorageClass SC, SourceLocation Loc) {
  ASTContext &Ctx = CI.getASTContext();
  auto *VD = VarDecl::Create(Ctx, FD, Loc, Loc, &Ctx.Idents.get(Name), T,
                             Ctx.getTrivialTypeSourceInfo(T, Loc), SC);
  VD->setImplicit();
  VD->setReferenced();
  FD->addDecl(VD);
  return VD;
}

// The file a site names: absolute, so that the panel's source view finds it whatever directory the
// compiler ran in. A relative name (as given on the command line, e.g. `../src/game.cpp` from a build
// directory) is made absolute against the compilation's working directory, without `.` and `..`
// segments. Absolute names and pseudo-files (`<stdin>`) are kept as they are.
std::string Instrumenter::siteFile(const PresumedLoc &Where) const {
  if (!Where.isValid())
    return "";
  SmallString<256> Path(Where.getFilename());
  if (Path.empty() || Path.front() == '<' || sys::path::is_absolute(Path))
    return std::string(Path);
  if (!CI.getFileManager().makeAbsolutePath(Path))
    return Where.getFilename();
  sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
  return std::string(Path);
}

Expr *Instrumenter::stringLit(StringRef S, SourceLocation Loc) {
  ASTContext &Ctx = CI.getASTContext();
  QualType T = Ctx.getStringLiteralArrayType(Ctx.CharTy, S.size());
  return clang::StringLiteral::Create(Ctx, S, StringLiteralKind::Ordinary,
                                      /*Pascal=*/false, T, Loc);
}

Expr *Instrumenter::uintLit(uint64_t V, SourceLocation Loc) {
  ASTContext &Ctx = CI.getASTContext();
  return IntegerLiteral::Create(Ctx, APInt(32, V), Ctx.UnsignedIntTy, Loc);
}

Expr *Instrumenter::declRef(ValueDecl *D, SourceLocation Loc) {
  return SemaRef->BuildDeclRefExpr(D, D->getType().getNonReferenceType(),
                                   VK_LValue, Loc);
}

Stmt *Instrumenter::wrapBody(FunctionDecl *FD, Stmt *Body,
                             ArrayRef<Stmt *> Prefix) {
  ASTContext &Ctx = CI.getASTContext();
  auto Prepend = [&](CompoundStmt *CS) {
    SmallVector<Stmt *, 16> Stmts(Prefix.begin(), Prefix.end());
    Stmts.append(CS->body_begin(), CS->body_end());
    FPOptionsOverride FP = CS->hasStoredFPFeatures() ? CS->getStoredFPFeatures()
                                                     : FPOptionsOverride();
    return CompoundStmt::Create(Ctx, Stmts, FP, CS->getLBracLoc(),
                                CS->getRBracLoc());
  };
  if (auto *CS = dyn_cast<CompoundStmt>(Body))
    return Prepend(CS);
  auto *Try = cast<CXXTryStmt>(Body);
  // A constructor's or destructor's function-try-block also covers member
  // initialisation and destruction: the zone goes inside the try block.
  if (isa<CXXConstructorDecl, CXXDestructorDecl>(FD)) {
    SmallVector<Stmt *, 4> Handlers;
    for (unsigned I = 0; I < Try->getNumHandlers(); ++I)
      Handlers.push_back(Try->getHandler(I));
    return CXXTryStmt::Create(Ctx, Try->getTryLoc(),
                              Prepend(Try->getTryBlock()), Handlers);
  }
  // Elsewhere the zone also covers the handlers.
  SmallVector<Stmt *, 4> Stmts(Prefix.begin(), Prefix.end());
  Stmts.push_back(Try);
  return CompoundStmt::Create(Ctx, Stmts, FPOptionsOverride(),
                              Try->getBeginLoc(), Try->getEndLoc());
}

VarDecl *Instrumenter::buildArgs(FunctionDecl *FD, ArrayRef<Capture> Captures,
                                 SourceLocation Loc) {
  if (Captures.empty())
    return nullptr;
  Sema &S = *SemaRef;
  ASTContext &Ctx = CI.getASTContext();
  QualType DescTy = Ctx.getRecordType(Decls.ArgDesc).withConst();
  QualType ArrTy =
      Ctx.getConstantArrayType(DescTy, APInt(32, Captures.size()), nullptr,
                               ArraySizeModifier::Normal, 0);
  VarDecl *Args = makeVar(FD, "__yams_args", ArrTy, SC_Static, Loc);
  Args->setConstexpr(true);
  SmallVector<Expr *, 8> Elems;
  for (const Capture &C : Captures) {
    Expr *Fields[] = {stringLit(C.Param->getName(), Loc),
                      uintLit(C.Flags, Loc),
                      uintLit(C.Param->getFunctionScopeIndex(), Loc)};
    Elems.push_back(S.ActOnInitList(Loc, Fields, Loc).get());
  }
  S.AddInitializerToDecl(Args, S.ActOnInitList(Loc, Elems, Loc).get(),
                         /*DirectInit=*/false);
  return Args;
}

VarDecl *Instrumenter::buildSite(FunctionDecl *FD, const ProbeSpec &Spec,
                                 VarDecl *Args, ArrayRef<Capture> Captures,
                                 bool Reentry, const PresumedLoc &Where,
                                 SourceLocation Loc) {
  ASTContext &Ctx = CI.getASTContext();
  unsigned Flags = (Spec.LuaCode ? SiteLuaCode : 0) |
                   (Spec.LuaCallback ? SiteLuaCallback : 0) |
                   (Spec.IsFrame ? SiteFrame : 0);
  std::string Module = Spec.Module.empty() ? defaultModule(FD) : Spec.Module;
  std::string Func = Spec.Func.empty() ? functionName(FD) : Spec.Func;
  Expr *ArgsPtr = Args ? declRef(Args, Loc)
                       : new (Ctx) CXXNullPtrLiteralExpr(Ctx.NullPtrTy, Loc);
  QualType SiteTy = Ctx.getRecordType(Decls.Site).withConst();
  VarDecl *Site = makeVar(FD, "__yams_site", SiteTy, SC_Static, Loc);
  Site->setConstexpr(true);
  Expr *Fields[] = {stringLit(Spec.Label, Loc),
                    stringLit(Module, Loc),
                    stringLit(Func, Loc),
                    stringLit(siteFile(Where), Loc),
                    uintLit(Where.isValid() ? Where.getLine() : 0, Loc),
                    uintLit(Flags, Loc),
                    ArgsPtr,
                    uintLit(Captures.size(), Loc),
                    uintLit(Reentry ? paramMask(Captures) : 0, Loc)};
  SemaRef->AddInitializerToDecl(Site,
                                SemaRef->ActOnInitList(Loc, Fields, Loc).get(),
                                /*DirectInit=*/false);
  return Site;
}

VarDecl *Instrumenter::buildZone(FunctionDecl *FD, const ProbeSpec &Spec,
                                 VarDecl *Site, ArrayRef<Capture> Captures,
                                 ValueDecl *FrameNumber, SourceLocation Loc) {
  Sema &S = *SemaRef;
  SmallVector<Expr *, 8> Args;
  Args.push_back(
      S.CreateBuiltinUnaryOp(Loc, UO_AddrOf, declRef(Site, Loc)).get());
  if (Spec.IsFrame)
    Args.push_back(frameNumberExpr(FD, FrameNumber, Loc));
  for (const Capture &C : Captures)
    Args.push_back(declRef(C.Param, Loc));
  CXXRecordDecl *ZoneRD = Spec.IsFrame ? Decls.FrameZone : Decls.Zone;
  VarDecl *Zone =
      makeVar(FD, "__yams_zone", CI.getASTContext().getRecordType(ZoneRD),
              SC_None, Loc);
  S.AddInitializerToDecl(Zone, S.ActOnParenListExpr(Loc, Loc, Args).get(),
                         /*DirectInit=*/true);
  return Zone;
}

Stmt *Instrumenter::buildReentry(FunctionDecl *FD, VarDecl *Site,
                                 SourceLocation Loc) {
  Sema &S = *SemaRef;
  ASTContext &Ctx = CI.getASTContext();
  // canReenter() admits only functions this builds without an error; should
  // one slip through, the error is caught here and the zone used instead.
  Sema::SFINAETrap Trap(S, /*AccessCheckingSFINAE=*/true);
  auto SiteAddr = [&] {
    return S.CreateBuiltinUnaryOp(Loc, UO_AddrOf, declRef(Site, Loc)).get();
  };
  Expr *WantedArgs[] = {SiteAddr()};
  ExprResult Cond = S.BuildCallExpr(nullptr, declRef(Decls.ReentryWanted, Loc),
                                    Loc, WantedArgs, Loc);

  auto *MD = dyn_cast<CXXMethodDecl>(FD);
  bool Method = MD && MD->isInstance();
  LookupResult Callee(S,
                      &Ctx.Idents.get(Method ? "reenter_method"
                                             : "reenter_function"),
                      Loc, Sema::LookupOrdinaryName);
  S.LookupQualifiedName(Callee, Decls.Detail);
  if (Callee.empty() || Cond.isInvalid())
    return nullptr;

  // &f, or &C::f naming exactly this function (no overload resolution).
  QualType Class = MD ? Ctx.getRecordType(MD->getParent()) : QualType();
  CXXScopeSpec SS;
  if (MD)
    SS.MakeTrivial(Ctx,
                   NestedNameSpecifier::Create(Ctx, nullptr, false,
                                               Class.getTypePtr()),
                   Loc);
  Expr *Self = S.BuildDeclRefExpr(FD, FD->getType(),
                                  Method ? VK_PRValue : VK_LValue, Loc,
                                  MD ? &SS : nullptr);
  Expr *FnAddr = S.CreateBuiltinUnaryOp(Loc, UO_AddrOf, Self).get();
  Expr *SiteArg = SiteAddr();
  if (!FnAddr || !SiteArg)
    return nullptr;

  // Explicit template arguments: &__yams_site, &f, R, [C,] the parameter
  // types (C is const for a const member function).
  TemplateArgumentListInfo TArgs(Loc, Loc);
  for (Expr *E : {SiteArg, FnAddr})
    TArgs.addArgument(TemplateArgumentLoc(TemplateArgument(E), E));
  auto AddType = [&](QualType T) {
    TArgs.addArgument(TemplateArgumentLoc(TemplateArgument(T),
                                          Ctx.getTrivialTypeSourceInfo(T, Loc)));
  };
  const auto *FPT = FD->getType()->castAs<FunctionProtoType>();
  AddType(FPT->getReturnType());
  if (Method)
    AddType(MD->isConst() ? Class.withConst() : Class);
  for (QualType T : FPT->getParamTypes())
    AddType(T);

  SmallVector<Expr *, 8> CallArgs;
  if (Method)
    CallArgs.push_back(S.BuildCXXThisExpr(Loc, MD->getThisType(),
                                          /*IsImplicit=*/true));
  for (ParmVarDecl *P : FD->parameters()) {
    Expr *Ref = declRef(P, Loc);
    if (P->getType()->isRValueReferenceType()) // pass it on as it came
      Ref = ImplicitCastExpr::Create(Ctx, P->getType().getNonReferenceType(),
                                     CK_NoOp, Ref, nullptr, VK_XValue,
                                     FPOptionsOverride());
    CallArgs.push_back(Ref);
  }

  CXXScopeSpec NoScope;
  ExprResult Fn = S.BuildTemplateIdExpr(NoScope, SourceLocation(), Callee,
                                        /*RequiresADL=*/false, &TArgs);
  if (Fn.isInvalid())
    return nullptr;
  ExprResult Call = S.BuildCallExpr(nullptr, Fn.get(), Loc, CallArgs, Loc);
  if (Call.isInvalid())
    return nullptr;
  StmtResult Ret = S.BuildReturnStmt(Loc, Call.get());
  if (Ret.isInvalid() || Trap.hasErrorOccurred())
    return nullptr;
  Stmt *Then = AttributedStmt::Create(
      Ctx, Loc, {UnlikelyAttr::CreateImplicit(Ctx)}, Ret.get());
  return IfStmt::Create(Ctx, Loc, IfStatementKind::Ordinary, nullptr, nullptr,
                        Cond.get(), Loc, Loc, Then);
}

void Instrumenter::insertProbe(FunctionDecl *FD, const ProbeSpec &Spec,
                               ArrayRef<Capture> Captures,
                               ValueDecl *FrameNumber, LambdaExpr *Lambda) {
  ASTContext &Ctx = CI.getASTContext();
  SourceManager &SM = Ctx.getSourceManager();
  Stmt *Body = FD->getBody();
  SourceLocation Loc = Body->getBeginLoc();
  PresumedLoc Where = SM.getPresumedLoc(SM.getExpansionLoc(FD->getLocation()));

  // Build as Sema would inside the function body.
  Sema::ContextRAII SavedContext(*SemaRef, FD);
  SemaRef->PushFunctionScope();
  EnterExpressionEvaluationContext EvalContext(
      *SemaRef, Sema::ExpressionEvaluationContext::PotentiallyEvaluated);
  bool Reentry = canReenter(*SemaRef, FD, Spec, Captures, Loc);
  VarDecl *Args = buildArgs(FD, Captures, Loc);
  VarDecl *Site = buildSite(FD, Spec, Args, Captures, Reentry, Where, Loc);
  // Should building the reentry fail (not expected after canReenter()), the
  // zone works for every function; it ignores the site's parameter mask.
  Stmt *Reenter = Reentry ? buildReentry(FD, Site, Loc) : nullptr;
  VarDecl *Zone =
      Reenter ? nullptr : buildZone(FD, Spec, Site, Captures, FrameNumber, Loc);
  SemaRef->PopFunctionScopeInfo();

  SmallVector<Stmt *, 3> Prefix;
  for (VarDecl *VD : {Args, Site, Zone}) {
    if (!VD)
      continue;
    if (VD->isInvalidDecl())
      return; // Sema has said why
    Prefix.push_back(new (Ctx) DeclStmt(DeclGroupRef(VD), Loc, Loc));
  }
  if (Reenter)
    Prefix.push_back(Reenter);
  Stmt *Probed = wrapBody(FD, Body, Prefix);
  FD->setBody(Probed);
  // A lambda expression keeps its own pointer to the body (taken from the
  // call operator when first asked for), and a template instantiates the
  // lambda from it: point it at the probed body too.
  if (Lambda)
    for (Stmt *&Child : Lambda->children())
      if (Child == Body)
        Child = Probed;
  if (Options.List)
    printSite(FD, Spec, Where, Captures, Reenter != nullptr);
}

void Instrumenter::printSite(const FunctionDecl *FD, const ProbeSpec &Spec,
                             const PresumedLoc &Where,
                             ArrayRef<Capture> Captures, bool Reentry) {
  std::string Text;
  raw_string_ostream OS(Text);
  std::string Name;
  raw_string_ostream NameOS(Name);
  FD->getNameForDiagnostic(NameOS, CI.getASTContext().getPrintingPolicy(),
                           /*Qualified=*/true);
  OS << "yams: " << (Where.isValid() ? Where.getFilename() : "") << ':'
     << (Where.isValid() ? Where.getLine() : 0) << ": " << Spec.attrName()
     << " '" << Name << "' label \"" << Spec.Label << "\" module \""
     << (Spec.Module.empty() ? defaultModule(FD) : Spec.Module) << "\" func \""
     << (Spec.Func.empty() ? functionName(FD) : Spec.Func) << '"';
  if (Spec.LuaCode)
    OS << " lua_code";
  if (Spec.LuaCallback)
    OS << " lua_callback";
  OS << " captures [";
  ListSeparator Sep(", ");
  for (const Capture &C : Captures) {
    OS << Sep << C.Param->getName();
    if (C.Flags & ArgInArgs)
      OS << ":args";
    if (C.Flags & ArgEntityId)
      OS << ":entity_id";
    if (!(C.Flags & (ArgInArgs | ArgEntityId)))
      OS << ":label";
  }
  OS << "] probe " << (Reentry ? "reentry" : "zone") << '\n';
  Listed.push_back({Where.isValid() ? Where.getFilename() : "",
                    Where.isValid() ? Where.getLine() : 0, std::move(Text)});
}

} // namespace

std::unique_ptr<ASTConsumer> createInstrumenter(CompilerInstance &CI,
                                                PluginOptions Options) {
  return std::make_unique<Instrumenter>(CI, Options);
}

} // namespace yams_plugin
