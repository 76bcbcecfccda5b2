// A marked free function gets, in front of its body, a static constexpr site and its reentry test:
// while recording, the function is called again through its own instance of
// yams::detail::reenter_function<&__yams_site, &physics_step, R, P...>, which records the site with
// the captured parameters (bits 0 and 1 of the site's parameter mask, 3). The IR tests check which
// instance is called (probe-ctor-dtor.cpp, probe-reentry.cpp).
// The marker attribute is gone. Functions that cannot be called again keep a zone (see
// probe-ctor-dtor.cpp, probe-lambdas.cpp, probe-templates.cpp, probe-members.cpp).
// RUN: %clangxx %yams -fsyntax-only -Xclang -ast-dump -Xclang -ast-dump-filter=physics_step %s \
// RUN:   | FileCheck %s --implicit-check-not=AnnotateAttr
#include <yams/yams.hpp>

[[yams::profile("Physics step")]] int physics_step(int n, double dt) {
  if (n > 3)
    return n;
  return static_cast<int>(n * dt);
}

// CHECK:      FunctionDecl {{.*}} physics_step 'int (int, double)'
// CHECK:      CompoundStmt
// CHECK-NEXT:   DeclStmt
// CHECK-NEXT:     VarDecl {{.*}} implicit used __yams_args 'const yams::arg_desc[2]' static constexpr cinit
// CHECK:              StringLiteral {{.*}} "n"
// CHECK-NEXT:         IntegerLiteral {{.*}} 'unsigned int' 1
// CHECK-NEXT:         IntegerLiteral {{.*}} 'unsigned int' 0
// CHECK:              StringLiteral {{.*}} "dt"
// CHECK-NEXT:         IntegerLiteral {{.*}} 'unsigned int' 1
// CHECK-NEXT:         IntegerLiteral {{.*}} 'unsigned int' 1
// CHECK-NEXT:   DeclStmt
// CHECK-NEXT:     VarDecl {{.*}} implicit used __yams_site 'const yams::site' static constexpr cinit
// CHECK:            StringLiteral {{.*}} "Physics step"
// CHECK:            StringLiteral {{.*}} "global"
// CHECK:            StringLiteral {{.*}} "physics_step"
// CHECK:            StringLiteral {{.*}} "{{.*}}probe-free-function.cpp"
// CHECK-NEXT:       IntegerLiteral {{.*}} 'unsigned int' 12
// CHECK-NEXT:       IntegerLiteral {{.*}} 'unsigned int' 0
// CHECK-NEXT:       ImplicitCastExpr {{.*}} 'const yams::arg_desc *' <ArrayToPointerDecay>
// CHECK-NEXT:         DeclRefExpr {{.*}} '__yams_args'
// CHECK-NEXT:       IntegerLiteral {{.*}} 'unsigned int' 2
// CHECK-NEXT:       IntegerLiteral {{.*}} 'unsigned int' 3
// CHECK-NEXT:   IfStmt
// CHECK-NEXT:     CallExpr {{.*}} 'bool'
// CHECK-NEXT:       ImplicitCastExpr
// CHECK-NEXT:         DeclRefExpr {{.*}} 'reentry_wanted'
// CHECK-NEXT:       UnaryOperator {{.*}} prefix '&'
// CHECK-NEXT:         DeclRefExpr {{.*}} '__yams_site'
// CHECK-NEXT:     AttributedStmt
// CHECK-NEXT:       UnlikelyAttr
// CHECK-NEXT:       ReturnStmt
// CHECK-NEXT:         CallExpr {{.*}} 'int'
// CHECK-NEXT:           ImplicitCastExpr
// CHECK-NEXT:             DeclRefExpr {{.*}} Function {{.*}} 'reenter_function' 'int (int, double) noexcept({{.*}})' (FunctionTemplate
// CHECK-NEXT:           ImplicitCastExpr
// CHECK-NEXT:             DeclRefExpr {{.*}} ParmVar {{.*}} 'n' 'int'
// CHECK-NEXT:           ImplicitCastExpr
// CHECK-NEXT:             DeclRefExpr {{.*}} ParmVar {{.*}} 'dt' 'double'
// CHECK-NEXT:   IfStmt
