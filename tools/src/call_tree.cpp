// The calls of one frame as a tree of indices (see call_tree.hpp).
#include "call_tree.hpp"

#include <algorithm>
#include <unordered_map>

namespace yams::tool {

call_tree build_call_tree(const FrameProfile& frame) {
  const std::size_t n = frame.calls.size();
  call_tree t;
  t.parent.assign(n, no_parent);
  t.children.resize(n);
  t.self_ms.resize(n);
  std::unordered_map<std::uint64_t, std::size_t> index;
  index.reserve(n);
  for (std::size_t i = 0; i < n; ++i) index.emplace(frame.calls[i].id, i);
  for (std::size_t i = 0; i < n; ++i) {
    const CallNode& c = frame.calls[i];
    t.self_ms[i] = c.duration;
    auto it = c.parent_id ? index.find(*c.parent_id) : index.end();
    if (it == index.end() || it->second >= i) {  // pre-order: a parent comes first
      t.roots.push_back(i);
      continue;
    }
    t.parent[i] = it->second;
    t.children[it->second].push_back(i);
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t ch : t.children[i]) t.self_ms[i] -= frame.calls[ch].duration;
  for (double& s : t.self_ms) s = std::max(s, 0.0);
  return t;
}

}  // namespace yams::tool
