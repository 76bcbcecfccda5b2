// Call trees built from a frame's flat call list (parent ids), with self time, per-thread flame rows and
// the visible-row list of a collapsible tree. No view code here.
import type { CallNode, FrameProfile } from './format';

export interface TreeNode {
  call: CallNode;
  parent: TreeNode | null;
  children: TreeNode[];
  /** depth below its root (roots are 0) */
  depth: number;
  /** flame-graph row: depth plus the offset of its thread's band */
  row: number;
  /** ms: duration minus the children's durations, never negative */
  self: number;
  /** children by total time, largest first (computed on first use) */
  byTime?: TreeNode[];
  /** see repeatOf (computed on first use) */
  repeat?: Repeat | null;
}

/** A call's place among its siblings of the same label, in start order: `index` from 1 of `count`. */
export interface Repeat {
  index: number;
  count: number;
}

export interface FrameTree {
  frame: FrameProfile;
  roots: TreeNode[];
  /** every node in pre-order */
  nodes: TreeNode[];
  byId: Map<number, TreeNode>;
  /** number of flame rows over all thread bands */
  rows: number;
  /** calls whose parent_id named no call of the frame (shown as roots) */
  orphans: number;
}

const byStart = (a: TreeNode, b: TreeNode) => a.call.start - b.call.start;

/** Builds the tree of one frame. Calls whose parent is missing become roots and are counted as orphans. */
export function buildTree(frame: FrameProfile): FrameTree {
  const byId = new Map<number, TreeNode>();
  const nodes: TreeNode[] = [];
  for (const call of frame.calls) {
    const node: TreeNode = { call, parent: null, children: [], depth: 0, row: 0, self: call.duration };
    byId.set(call.id, node);
    nodes.push(node);
  }
  const roots: TreeNode[] = [];
  let orphans = 0;
  for (const node of nodes) {
    const pid = node.call.parent_id;
    const parent = pid === null ? undefined : byId.get(pid);
    if (parent && parent !== node) {
      node.parent = parent;
      parent.children.push(node);
      parent.self -= node.call.duration;
    } else {
      if (pid !== null) ++orphans;
      roots.push(node);
    }
  }
  roots.sort(byStart);
  const ordered: TreeNode[] = [];
  const threadDepth = new Map<number, number>();
  const stack: TreeNode[] = roots.slice().reverse();
  while (stack.length) {
    const node = stack.pop()!;
    if (node.self < 0) node.self = 0;
    node.depth = node.parent ? node.parent.depth + 1 : 0;
    if (node.children.length > 1) node.children.sort(byStart);
    const t = node.call.thread;
    threadDepth.set(t, Math.max(threadDepth.get(t) ?? 0, node.depth + 1));
    ordered.push(node);
    for (let i = node.children.length - 1; i >= 0; --i) stack.push(node.children[i]);
  }
  // Each recording thread gets its own band of rows so concurrent roots never overlap.
  const bandStart = new Map<number, number>();
  let rows = 0;
  for (const t of [...threadDepth.keys()].sort((a, b) => a - b)) {
    bandStart.set(t, rows);
    rows += threadDepth.get(t)!;
  }
  for (const node of ordered) node.row = bandStart.get(node.call.thread)! + node.depth;
  return { frame, roots, nodes: ordered, byId, rows, orphans };
}

/** Share of the frame's duration, 0..100 (0 when the frame has no duration). */
export function percentOfFrame(ms: number, frame: FrameProfile): number {
  const total = frame.duration_ms > 0 ? frame.duration_ms : 0;
  return total > 0 ? (100 * ms) / total : 0;
}

/** A row of the collapsible call tree as displayed. */
export interface TreeRow {
  node: TreeNode;
  depth: number;
  /** the labels from the root down to this node: stays the same for the same path in the next frame */
  path: string;
  expanded: boolean;
}

/** Children ordered as the call tree shows them: by total time, largest first. */
export function childrenByTime(node: TreeNode): TreeNode[] {
  return (node.byTime ??= node.children.slice().sort((a, b) => b.call.duration - a.call.duration));
}

/** The path key of a node: its ancestors' labels and its own, so expansion survives from frame to frame. */
export function pathOf(node: TreeNode): string {
  let path = node.call.label;
  for (let n = node.parent; n; n = n.parent) path = `${n.call.label}\u0000${path}`;
  return path;
}

/** The rows visible when the paths in `expanded` are open; siblings sorted by time, largest first. */
export function visibleRows(tree: FrameTree, expanded: ReadonlySet<string>): TreeRow[] {
  const out: TreeRow[] = [];
  const walk = (list: TreeNode[], depth: number, prefix: string) => {
    for (const node of list) {
      const path = prefix ? `${prefix}\u0000${node.call.label}` : node.call.label;
      const open = node.children.length > 0 && expanded.has(path);
      out.push({ node, depth, path, expanded: open });
      if (open) walk(childrenByTime(node), depth + 1, path);
    }
  };
  walk(tree.roots.slice().sort((a, b) => b.call.duration - a.call.duration), 0, '');
  return out;
}

/** Where a call comes among its parent's children of the same label, in start order (the 3rd of six
 *  re-simulated `Frame Update`s, which the call tree lists by time), or null when no sibling shares its
 *  label. */
export function repeatOf(node: TreeNode): Repeat | null {
  if (node.repeat === undefined) {
    const siblings = node.parent ? node.parent.children : [node];  // in start order (buildTree)
    const byLabel = new Map<string, TreeNode[]>();
    for (const s of siblings) {
      const same = byLabel.get(s.call.label);
      if (same) same.push(s);
      else byLabel.set(s.call.label, [s]);
    }
    for (const same of byLabel.values())
      same.forEach((s, i) => (s.repeat = same.length > 1 ? { index: i + 1, count: same.length } : null));
  }
  return node.repeat ?? null;
}

/** Paths to open by default: down `levels` deep, following at most the three heaviest children. */
export function defaultExpanded(tree: FrameTree, levels = 3): Set<string> {
  const open = new Set<string>();
  const walk = (list: TreeNode[], left: number, prefix: string) => {
    if (left <= 0) return;
    for (const n of list) {
      if (n.children.length === 0) continue;
      const path = prefix ? `${prefix}\u0000${n.call.label}` : n.call.label;
      open.add(path);
      walk(childrenByTime(n).slice(0, 3), left - 1, path);
    }
  };
  walk(tree.roots, levels, '');
  return open;
}

/** The open paths once `tree` is shown: `open` plus the tree's default paths that the user has not
 *  closed, so that a frame with a subtree the earlier ones lacked (a rollback's) shows it open;
 *  `open` itself when nothing is added. */
export function withDefaults(open: ReadonlySet<string>, tree: FrameTree, closed: ReadonlySet<string>): ReadonlySet<string> {
  const added = [...defaultExpanded(tree)].filter((p) => !open.has(p) && !closed.has(p));
  return added.length ? new Set([...open, ...added]) : open;
}

/** The ids of a node and its ancestors, root first (to reveal a node in the tree). */
export function ancestry(node: TreeNode): number[] {
  const ids: number[] = [];
  for (let n: TreeNode | null = node; n; n = n.parent) ids.unshift(n.call.id);
  return ids;
}

/** The calls whose label contains `needle` (already trimmed and lower-cased), in pre-order (start time). */
export function searchMatches(tree: FrameTree, needle: string): TreeNode[] {
  if (!needle) return [];
  return tree.nodes.filter((n) => n.call.label.toLowerCase().includes(needle));
}

/**
 * The match to go to from the call `fromId` (null: none chosen) in direction `dir` (1 next, -1 previous),
 * wrapping around; from a call that is not a match, the first match after it in pre-order (or the last
 * before it). Null when there is no match.
 */
export function stepMatch(tree: FrameTree, matches: readonly TreeNode[], fromId: number | null,
                          dir: 1 | -1): TreeNode | null {
  if (matches.length === 0) return null;
  const from = fromId === null ? undefined : tree.byId.get(fromId);
  if (!from) return dir === 1 ? matches[0] : matches[matches.length - 1];
  const order = new Map(tree.nodes.map((n, i) => [n, i]));
  const at = order.get(from)!;
  if (dir === 1) return matches.find((m) => order.get(m)! > at) ?? matches[0];
  for (let i = matches.length - 1; i >= 0; --i) if (order.get(matches[i])! < at) return matches[i];
  return matches[matches.length - 1];
}
