// The calls of one frame as a tree of indices (the file stores a flat list with parent ids), with each
// call's self time. Shared by `yams report` and `yams convert`.
#pragma once

#include <yams/frame.hpp>

#include <cstddef>
#include <vector>

namespace yams::tool {

inline constexpr std::size_t no_parent = static_cast<std::size_t>(-1);

struct call_tree {
  std::vector<std::size_t> parent;                 ///< index of the parent call, or no_parent
  std::vector<std::vector<std::size_t>> children;  ///< indices of the children, in file order
  std::vector<std::size_t> roots;  ///< calls whose parent is null, absent or not before them (pre-order)
  std::vector<double> self_ms;                     ///< duration minus the children's, never negative
};

/// Builds the tree of `frame`'s calls. Any thread.
call_tree build_call_tree(const FrameProfile& frame);

}  // namespace yams::tool
