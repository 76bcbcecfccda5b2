// A marked free function gets, in front of its body, a static constexpr site and a zone that
// points at it and captures the parameters; the marker attribute is gone.
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
// CHECK:              StringLiteral {{.*}} "dt"
// CHECK-NEXT:         IntegerLiteral {{.*}} 'unsigned int' 1
// CHECK-NEXT:   DeclStmt
// CHECK-NEXT:     VarDecl {{.*}} implicit used __yams_site 'const yams::site' static constexpr cinit
// CHECK:            StringLiteral {{.*}} "Physics step"
// CHECK:            StringLiteral {{.*}} "global"
// CHECK:            StringLiteral {{.*}} "physics_step"
// CHECK:            StringLiteral {{.*}} "{{.*}}probe-free-function.cpp"
// CHECK-NEXT:       IntegerLiteral {{.*}} 'unsigned int' 7
// CHECK-NEXT:       IntegerLiteral {{.*}} 'unsigned int' 0
// CHECK-NEXT:       ImplicitCastExpr {{.*}} 'const yams::arg_desc *' <ArrayToPointerDecay>
// CHECK-NEXT:         DeclRefExpr {{.*}} '__yams_args'
// CHECK-NEXT:       IntegerLiteral {{.*}} 'unsigned int' 2
// CHECK-NEXT:   DeclStmt
// CHECK-NEXT:     VarDecl {{.*}} implicit referenced __yams_zone 'yams::zone' callinit destroyed
// CHECK-NEXT:       CXXConstructExpr {{.*}} 'void (const site *, const int &, const double &) noexcept'
// CHECK-NEXT:         UnaryOperator {{.*}} prefix '&'
// CHECK-NEXT:           DeclRefExpr {{.*}} '__yams_site'
// CHECK-NEXT:         ImplicitCastExpr
// CHECK-NEXT:           DeclRefExpr {{.*}} ParmVar {{.*}} 'n' 'int'
// CHECK-NEXT:         ImplicitCastExpr
// CHECK-NEXT:           DeclRefExpr {{.*}} ParmVar {{.*}} 'dt' 'double'
// CHECK-NEXT:   IfStmt
