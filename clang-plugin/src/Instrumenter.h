// Inserts probes into marked function bodies, before code generation.
// For every function definition carrying the attribute handler's marker it
// prepends, built with Sema, and then removes the marker:
//
//   static constexpr ::yams::arg_desc __yams_args[] = {{"dt", 1u, 0u}, ...};
//   static constexpr ::yams::site __yams_site = {label, module, func, file,
//                                                line, flags, __yams_args, n,
//                                                captured_parameter_mask};
//
// and then, for most functions, the reentry probe
//
//   if (::yams::detail::reentry_wanted(&__yams_site)) [[unlikely]]
//     return ::yams::detail::reenter_method<&__yams_site, &C::f, R, C, P...>(
//         this, p...);   // reenter_function<&__yams_site, &f, R, P...>(p...)
//
// or, where the function cannot be called a second time with the same
// arguments (constructors, lambdas, virtuals, templates, ...: canReenter()),
// a zone held across the body:
//
//   ::yams::zone __yams_zone(&__yams_site, dt, ...);   // or frame_zone
//
// Template patterns are rewritten before they are instantiated, so every
// instantiation gets its own site.

#ifndef YAMS_CLANG_PLUGIN_INSTRUMENTER_H
#define YAMS_CLANG_PLUGIN_INSTRUMENTER_H

#include "clang/Sema/SemaConsumer.h"

#include <memory>

namespace clang {
class CompilerInstance;
} // namespace clang

namespace yams_plugin {

struct PluginOptions {
  bool Off = false;  // validate, insert nothing
  bool List = false; // print every instrumented function
};

/// Returns the consumer that instruments one translation unit.
std::unique_ptr<clang::ASTConsumer>
createInstrumenter(clang::CompilerInstance &CI, PluginOptions Options);

} // namespace yams_plugin

#endif
