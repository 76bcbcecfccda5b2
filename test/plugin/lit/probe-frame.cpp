// [[yams::frame]] opens a frame_zone: numbered automatically, or from the parameter or member that
// number= names. The frame function is the frame's root call.
// RUN: %clangxx %yams -fsyntax-only -Xclang -ast-dump -Xclang -ast-dump-filter=update %s | FileCheck %s
#include <yams/yams.hpp>
#include <cstdint>

struct AutoEngine {
  [[yams::frame("Frame")]] void update(double dt) { t += dt; }
  double t = 0;
};
struct ParamEngine {
  [[yams::frame("Frame", "number=n")]] void update(std::uint64_t n, double dt) { t += dt * n; }
  double t = 0;
};
struct MemberEngine {
  [[yams::frame("Frame", "number=frame_count_")]] void update(double dt) { ++frame_count_; t += dt; }
  std::uint64_t frame_count_ = 0;
  double t = 0;
};

// CHECK-LABEL: CXXMethodDecl {{.*}} update 'void (double)'
// CHECK:         VarDecl {{.*}} __yams_site 'const yams::site' static constexpr
// CHECK:           StringLiteral {{.*}} "Frame"
// CHECK:           StringLiteral {{.*}} "auto_engine"
// CHECK:           IntegerLiteral {{.*}} 'unsigned int' 4
// CHECK:         VarDecl {{.*}} __yams_zone 'yams::frame_zone' callinit
// CHECK-NEXT:      CXXConstructExpr {{.*}} 'void (const site *, auto_frame_number_t, const double &) noexcept'
// CHECK:             DeclRefExpr {{.*}} 'auto_frame_number'
// CHECK-LABEL: CXXMethodDecl {{.*}} update 'void (std::uint64_t, double)'
// CHECK:         VarDecl {{.*}} __yams_zone 'yams::frame_zone' callinit
// CHECK-NEXT:      CXXConstructExpr {{.*}} 'void (const site *, std::uint64_t, const unsigned long &, const double &) noexcept'
// CHECK:             DeclRefExpr {{.*}} ParmVar {{.*}} 'n'
// CHECK-LABEL: CXXMethodDecl {{.*}} update 'void (double)'
// CHECK:         VarDecl {{.*}} __yams_zone 'yams::frame_zone' callinit
// CHECK-NEXT:      CXXConstructExpr {{.*}} 'void (const site *, std::uint64_t, const double &) noexcept'
// CHECK:             MemberExpr {{.*}} ->frame_count_
// CHECK-NEXT:          CXXThisExpr {{.*}} implicit this
