// What one [[yams::profile]] attribute asks for.

#include "ProbeSpec.h"

#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "llvm/ADT/StringExtras.h"

using namespace clang;
using namespace llvm;

namespace yams_plugin {

// The marker is "yams" then fields separated by \x1f, each "key=value" or a
// flag. Labels may hold any byte but \x1f, which a C++ string literal can only
// contain on purpose.
std::string ProbeSpec::encode() const {
  std::string S(MarkerPrefix);
  auto Add = [&](StringRef Key, StringRef Value) {
    S += Key;
    S += '=';
    S += Value;
    S += '\x1f';
  };
  Add("kind", IsFrame ? "frame" : "profile");
  Add("label", Label);
  Add("module", Module);
  Add("func", Func);
  Add("lua_code", LuaCode ? "1" : "0");
  Add("lua_callback", LuaCallback ? "1" : "0");
  Add("args", ArgsAll ? "*" : join(Args, ","));
  Add("entity_id", EntityId);
  Add("number", FrameNumber);
  return S;
}

std::optional<ProbeSpec> ProbeSpec::decode(StringRef Annotation) {
  if (!Annotation.consume_front(MarkerPrefix))
    return std::nullopt;
  ProbeSpec P;
  SmallVector<StringRef, 12> Fields;
  Annotation.split(Fields, '\x1f', -1, /*KeepEmpty=*/false);
  for (StringRef F : Fields) {
    auto [Key, Value] = F.split('=');
    if (Key == "kind")
      P.IsFrame = Value == "frame";
    else if (Key == "label")
      P.Label = Value.str();
    else if (Key == "module")
      P.Module = Value.str();
    else if (Key == "func")
      P.Func = Value.str();
    else if (Key == "lua_code")
      P.LuaCode = Value == "1";
    else if (Key == "lua_callback")
      P.LuaCallback = Value == "1";
    else if (Key == "args") {
      P.ArgsAll = Value == "*";
      if (!P.ArgsAll) {
        SmallVector<StringRef, 8> Names;
        Value.split(Names, ',', -1, /*KeepEmpty=*/false);
        for (StringRef N : Names)
          P.Args.push_back(N.str());
      }
    } else if (Key == "entity_id")
      P.EntityId = Value.str();
    else if (Key == "number")
      P.FrameNumber = Value.str();
  }
  return P;
}

// `{` identifier `}` is a placeholder, any other brace is literal text: the
// runtime's label formatter reads them the same way.
void parsePlaceholders(StringRef Label, SmallVectorImpl<Placeholder> &Out) {
  for (size_t I = 0; I < Label.size(); ++I) {
    if (Label[I] != '{')
      continue;
    size_t J = I + 1;
    while (J < Label.size() && (isAlnum(Label[J]) || Label[J] == '_'))
      ++J;
    bool Identifier = J > I + 1 && !isDigit(Label[I + 1]);
    if (J < Label.size() && Label[J] == '}' && Identifier) {
      Out.push_back({Label.slice(I + 1, J).str(), static_cast<unsigned>(I)});
      I = J;
    }
  }
}

static bool isStdRecord(const CXXRecordDecl *RD, StringRef Name) {
  return RD && RD->isInStdNamespace() && RD->getIdentifier() &&
         RD->getName() == Name;
}

static bool isPlainChar(QualType T) {
  return T->isSpecificBuiltinType(BuiltinType::Char_S) ||
         T->isSpecificBuiltinType(BuiltinType::Char_U);
}

// std::basic_string<char, std::char_traits<char>, any allocator> (std::string,
// std::pmr::string, ...) and std::basic_string_view<char, std::char_traits<char>>.
static bool isStdCharString(const CXXRecordDecl *RD) {
  if (!isStdRecord(RD, "basic_string") && !isStdRecord(RD, "basic_string_view"))
    return false;
  const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD);
  if (!Spec || Spec->getTemplateArgs().size() < 2)
    return false;
  const TemplateArgument &Char = Spec->getTemplateArgs()[0];
  const TemplateArgument &Traits = Spec->getTemplateArgs()[1];
  if (Char.getKind() != TemplateArgument::Type ||
      Traits.getKind() != TemplateArgument::Type ||
      !isPlainChar(Char.getAsType()))
    return false;
  const auto *TraitsRD = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      Traits.getAsType()->getAsCXXRecordDecl());
  return isStdRecord(TraitsRD, "char_traits") &&
         TraitsRD->getTemplateArgs().size() == 1 &&
         TraitsRD->getTemplateArgs()[0].getKind() == TemplateArgument::Type &&
         isPlainChar(TraitsRD->getTemplateArgs()[0].getAsType());
}

// The standard arithmetic types the runtime stores in 64 bits: not __int128,
// _Float16, __bf16, __float128 or _BitInt, which std::is_arithmetic_v does not
// take in every language mode.
static bool isStandardArithmetic(QualType T) {
  const auto *BT = T->getAs<BuiltinType>();
  if (!BT)
    return false;
  switch (BT->getKind()) {
  case BuiltinType::Bool:
  case BuiltinType::Char_S:
  case BuiltinType::Char_U:
  case BuiltinType::SChar:
  case BuiltinType::UChar:
  case BuiltinType::WChar_S:
  case BuiltinType::WChar_U:
  case BuiltinType::Char8:
  case BuiltinType::Char16:
  case BuiltinType::Char32:
  case BuiltinType::Short:
  case BuiltinType::UShort:
  case BuiltinType::Int:
  case BuiltinType::UInt:
  case BuiltinType::Long:
  case BuiltinType::ULong:
  case BuiltinType::LongLong:
  case BuiltinType::ULongLong:
  case BuiltinType::Float:
  case BuiltinType::Double:
  case BuiltinType::LongDouble:
    return true;
  default:
    return false;
  }
}

// yams::script_source (<yams/probe.hpp>): a call's script file and line.
static bool isScriptSource(QualType T) {
  const auto *RD = T->getAsCXXRecordDecl();
  if (!RD || !RD->getIdentifier() || RD->getName() != "script_source")
    return false;
  const auto *NS = dyn_cast<NamespaceDecl>(RD->getDeclContext());
  return NS && NS->getIdentifier() && NS->getName() == "yams" &&
         NS->getParent()->getRedeclContext()->isTranslationUnit();
}

bool isCapturable(QualType T) {
  if (T.isNull() || T->isDependentType())
    return false;
  T = T.getNonReferenceType().getCanonicalType().getUnqualifiedType();
  if (isStandardArithmetic(T) || T->isEnumeralType())
    return true;
  if (const auto *PT = T->getAs<PointerType>()) {
    QualType Pointee = PT->getPointeeType();
    if (Pointee.isVolatileQualified())
      return false;
    Pointee = Pointee.getUnqualifiedType();
    return isPlainChar(Pointee) || isScriptSource(Pointee);
  }
  if (const auto *AT = dyn_cast<ConstantArrayType>(T.getTypePtr())) {
    QualType Elem = AT->getElementType();
    return !Elem.isVolatileQualified() && isPlainChar(Elem.getUnqualifiedType());
  }
  return isStdCharString(T->getAsCXXRecordDecl());
}

std::string toSnakeCase(StringRef Name) {
  std::string S;
  for (size_t I = 0; I < Name.size(); ++I) {
    char C = Name[I];
    if (isUpper(C)) {
      bool PrevLowerOrDigit =
          I > 0 && (isLower(Name[I - 1]) || isDigit(Name[I - 1]));
      bool AcronymEnd = I > 0 && isUpper(Name[I - 1]) && I + 1 < Name.size() &&
                        isLower(Name[I + 1]);
      if ((PrevLowerOrDigit || AcronymEnd) && !S.empty() && S.back() != '_')
        S += '_';
      S += toLower(C);
    } else {
      S += C;
    }
  }
  return S;
}

// Skips lambda classes and functions to the context that names the code.
static const DeclContext *namingContext(const DeclContext *DC) {
  while (DC) {
    if (const auto *RD = dyn_cast<CXXRecordDecl>(DC)) {
      if (!RD->isLambda() && RD->getIdentifier())
        return RD;
    } else if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      if (!NS->isAnonymousNamespace() && NS->getIdentifier())
        return NS;
    } else if (isa<TranslationUnitDecl>(DC)) {
      return nullptr;
    }
    DC = DC->getParent();
  }
  return nullptr;
}

std::string defaultModule(const FunctionDecl *FD) {
  const DeclContext *DC = namingContext(FD->getDeclContext());
  if (const auto *RD = dyn_cast_or_null<CXXRecordDecl>(DC))
    return toSnakeCase(RD->getName());
  if (const auto *NS = dyn_cast_or_null<NamespaceDecl>(DC))
    return NS->getName().str();
  return "global";
}

std::string functionName(const FunctionDecl *FD) {
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD))
    if (MD->getParent()->isLambda())
      return "lambda";
  if (const auto *CD = dyn_cast<CXXConstructorDecl>(FD))
    return CD->getParent()->getName().str();
  if (const auto *DD = dyn_cast<CXXDestructorDecl>(FD))
    return "~" + DD->getParent()->getName().str();
  return FD->getDeclName().getAsString();
}

bool isInYamsNamespace(const Decl *D) {
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent()) {
    const auto *NS = dyn_cast<NamespaceDecl>(DC);
    if (NS && NS->getIdentifier() && NS->getName() == "yams" &&
        NS->getParent()->getRedeclContext()->isTranslationUnit())
      return true;
  }
  return false;
}

} // namespace yams_plugin
