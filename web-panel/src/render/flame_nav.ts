// Keyboard navigation of the flame graph, apart from any drawing: which bar Up, Down, Left, Right and Home
// reach from the focused one, the zoom levels Enter and Escape add and remove, and how focus and zoom find
// their call again in the next frame (same id, else the same path of labels, else the root).
import { childrenByTime, percentOfFrame, type FrameTree, type TreeNode } from '../model/tree';
import { ms } from './colors';

/** The bars beside each bar on its flame row, ordered by start; built once per tree (see `navOf`). */
export interface FlameNav {
  tree: FrameTree;
  prev: Map<TreeNode, TreeNode>;
  next: Map<TreeNode, TreeNode>;
}

/** What the keyboard moves: the focused bar, the zoom levels (outermost first, each inside the one before)
 *  and the child that the last move up came from, so that Down goes back to it. */
export interface NavState {
  focus: TreeNode | null;
  zoom: readonly TreeNode[];
  trail: TreeNode | null;
}

export type NavMove = 'parent' | 'child' | 'prev' | 'next' | 'root' | 'zoomIn' | 'zoomOut';

/** A time range in ms from the frame start. */
export interface Span {
  x0: number;
  x1: number;
}

/** A call named so that it can be found again in another frame: its id, and its labels from the root down,
 *  each with its rank among the same-label siblings (the third `ams.set_vy` stays the third). */
export interface CallRef {
  id: number;
  path: readonly { label: string; nth: number }[];
}

/** The move a key asks for, or null for keys the flame graph leaves alone. */
export function moveOf(key: string): NavMove | null {
  switch (key) {
    case 'ArrowUp': return 'parent';
    case 'ArrowDown': return 'child';
    case 'ArrowLeft': return 'prev';
    case 'ArrowRight': return 'next';
    case 'Home': return 'root';
    case 'Enter': return 'zoomIn';
    case 'Escape': case 'Backspace': return 'zoomOut';
    default: return null;
  }
}

/** Links every bar to its neighbours on the same row. O(n log n); callers keep it per tree (`navOf`). */
export function buildNav(tree: FrameTree): FlameNav {
  const rows: TreeNode[][] = Array.from({ length: tree.rows }, () => []);
  for (const node of tree.nodes) rows[node.row]?.push(node);
  const prev = new Map<TreeNode, TreeNode>();
  const next = new Map<TreeNode, TreeNode>();
  for (const row of rows) {
    row.sort((a, b) => a.call.start - b.call.start);
    for (let i = 1; i < row.length; ++i) {
      prev.set(row[i], row[i - 1]);
      next.set(row[i - 1], row[i]);
    }
  }
  return { tree, prev, next };
}

const navs = new WeakMap<FrameTree, FlameNav>();

/** The links of `tree`, built on first use: frames nobody navigates cost nothing. */
export function navOf(tree: FrameTree): FlameNav {
  let nav = navs.get(tree);
  if (!nav) navs.set(tree, (nav = buildNav(tree)));
  return nav;
}

/** The time range the whole frame covers (at least its duration). */
export function frameSpan(tree: FrameTree): Span {
  let end = tree.frame.duration_ms;
  for (const r of tree.roots) end = Math.max(end, r.call.start + r.call.duration);
  return { x0: 0, x1: end > 0 ? end : 1 };
}

/** The time range shown at these zoom levels: the innermost zoomed call, else the whole frame. */
export function spanOf(tree: FrameTree, zoom: readonly TreeNode[]): Span {
  const top = zoom[zoom.length - 1];
  if (!top) return frameSpan(tree);
  return { x0: top.call.start, x1: top.call.start + Math.max(top.call.duration, 1e-6) };
}

const overlaps = (n: TreeNode, s: Span) => n.call.start + n.call.duration > s.x0 && n.call.start < s.x1;

function isAncestor(a: TreeNode, b: TreeNode): boolean {
  for (let n = b.parent; n; n = n.parent) if (n === a) return true;
  return false;
}

/** Zoom levels after zooming into `node`: the levels that hold it stay, then `node` itself. */
export function zoomInto(zoom: readonly TreeNode[], node: TreeNode): TreeNode[] {
  const kept = zoom.filter((z) => isAncestor(z, node));
  kept.push(node);
  return kept;
}

/** The state after one move. Sideways and down moves stay on bars in view; a move with nowhere to go
 *  returns `state` itself, so callers can tell the key did nothing. */
export function step(nav: FlameNav, state: NavState, move: NavMove): NavState {
  const { tree } = nav;
  const { focus, zoom, trail } = state;
  const root = tree.roots[0] ?? null;
  if (move === 'root') return focus === root && zoom.length === 0 ? state : { focus: root, zoom: [], trail: null };
  if (move === 'zoomOut') return zoom.length ? { ...state, zoom: zoom.slice(0, -1) } : state;
  if (!focus) {
    // The first key on a graph without focus focuses the bar at the top of the view.
    const first = zoom[zoom.length - 1] ?? root;
    return first ? { ...state, focus: first } : state;
  }
  if (move === 'zoomIn') return zoom[zoom.length - 1] === focus ? state : { ...state, zoom: zoomInto(zoom, focus) };
  if (move === 'parent') {
    if (!focus.parent) return state;
    // Remember the deepest bar the climb started from, so Down retraces it.
    return { ...state, focus: focus.parent, trail: trail && isAncestor(focus, trail) ? trail : focus };
  }
  const span = spanOf(tree, zoom);
  let to: TreeNode | null | undefined;
  if (move === 'child') {
    to = trail && isAncestor(focus, trail) ? childOnPath(focus, trail) : null;
    if (!to || !overlaps(to, span)) to = childrenByTime(focus).find((c) => overlaps(c, span));
  } else {
    to = (move === 'prev' ? nav.prev : nav.next).get(focus);
    if (to && !overlaps(to, span)) to = null;
  }
  return to ? { ...state, focus: to } : state;
}

/** The child of `node` on the way down to its descendant `below`. */
function childOnPath(node: TreeNode, below: TreeNode): TreeNode {
  let n = below;
  while (n.parent !== node) n = n.parent!;
  return n;
}

/** Names `node` (a call of `tree`) so that `find` can look it up in another frame's tree. */
export function refOf(tree: FrameTree, node: TreeNode): CallRef {
  const path: { label: string; nth: number }[] = [];
  for (let n: TreeNode | null = node; n; n = n.parent) {
    let nth = 0;
    for (const s of n.parent ? n.parent.children : tree.roots) {
      if (s === n) break;
      if (s.call.label === n.call.label) ++nth;
    }
    path.push({ label: n.call.label, nth });
  }
  return { id: node.call.id, path: path.reverse() };
}

/** The call `ref` names in `tree`: the same id with the same label, else the call at the same path (the
 *  same-label sibling of the same rank, or the last one when there are fewer); null when the path breaks. */
export function find(tree: FrameTree, ref: CallRef): TreeNode | null {
  const byId = tree.byId.get(ref.id);
  const last = ref.path[ref.path.length - 1];
  if (byId && last && byId.call.label === last.label) return byId;
  let list = tree.roots;
  let node: TreeNode | null = null;
  for (const { label, nth } of ref.path) {
    let found: TreeNode | null = null;
    let seen = 0;
    for (const n of list) {
      if (n.call.label !== label) continue;
      found = n;
      if (seen++ === nth) break;
    }
    if (!found) return null;
    node = found;
    list = found.children;
  }
  return node;
}

/** Where focus goes in a new frame: the call `ref` names if it is there, else the first root. */
export function carryFocus(tree: FrameTree, ref: CallRef | null): TreeNode | null {
  if (!ref) return null;
  return find(tree, ref) ?? tree.roots[0] ?? null;
}

/** Zoom levels found again in a new frame; levels whose call is gone are dropped. */
export function carryZoom(tree: FrameTree, refs: readonly CallRef[]): TreeNode[] {
  let zoom: TreeNode[] = [];
  for (const ref of refs) {
    const node = find(tree, ref);
    if (node) zoom = zoomInto(zoom, node);
  }
  return zoom;
}

/** What a screen reader hears and the details line says about a bar: label, duration, % of frame. */
export function describe(node: TreeNode, tree: FrameTree): string {
  const pct = percentOfFrame(node.call.duration, tree.frame).toFixed(1);
  return `${node.call.label}: ${ms(node.call.duration)}, ${pct}% of frame`;
}
