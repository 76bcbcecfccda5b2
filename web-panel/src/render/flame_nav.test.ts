// Flame graph keyboard navigation: moves at the edges of the tree, zoom levels, and focus and zoom
// carried over to the next frame.
import { describe, expect, it } from 'vitest';
import { parseFrame } from '../model/format';
import { buildTree, type FrameTree, type TreeNode } from '../model/tree';
import { carryFocus, carryZoom, describe as describeBar, find, moveOf, navOf, refOf, spanOf, step,
         type NavMove, type NavState } from './flame_nav';

type Call = [id: number, parent: number | null, label: string, start: number, duration: number, thread?: number];

function treeOf(calls: Call[], frame = 1): FrameTree {
  return buildTree(parseFrame({
    frame, timestamp: 0, duration_ms: 10,
    calls: calls.map(([id, parent_id, label, start, duration, thread]) =>
      ({ id, parent_id, label, module: 'm', func: 'f', start, duration, thread })),
  }));
}

// Frame(1) > Update(2) > [A(3) > a1(6), B(4) > b1(7) b2(8), C(5)]; Render(9) beside Update.
const CALLS: Call[] = [
  [1, null, 'Frame', 0, 10],
  [2, 1, 'Update', 0.5, 7],
  [3, 2, 'A', 0.5, 1],
  [4, 2, 'B', 2, 4],
  [5, 2, 'C', 6.5, 0.5],
  [6, 3, 'a1', 0.6, 0.5],
  [7, 4, 'b1', 2, 1],
  [8, 4, 'b2', 3.5, 2],
  [9, 1, 'Render', 8, 1.5],
];

const label = (n: TreeNode | null) => n?.call.label ?? null;

/** Applies the moves from `state`; returns the focused labels after each. */
function walk(tree: FrameTree, state: NavState, moves: NavMove[]): { labels: (string | null)[]; state: NavState } {
  const labels: (string | null)[] = [];
  for (const m of moves) {
    state = step(navOf(tree), state, m);
    labels.push(label(state.focus));
  }
  return { labels, state };
}

const at = (tree: FrameTree, id: number, zoom: number[] = []): NavState =>
  ({ focus: tree.byId.get(id)!, zoom: zoom.map((z) => tree.byId.get(z)!), trail: null });

describe('flame navigation moves', () => {
  const tree = treeOf(CALLS);

  it('maps keys to moves and leaves other keys alone', () => {
    expect(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'Enter', 'Escape', 'Backspace'].map(moveOf))
      .toEqual(['parent', 'child', 'prev', 'next', 'root', 'zoomIn', 'zoomOut', 'zoomOut']);
    expect(moveOf('End')).toBeNull();
    expect(moveOf('a')).toBeNull();
  });

  it('goes down to the heaviest child and back up to the parent', () => {
    expect(walk(tree, at(tree, 1), ['child', 'child', 'child', 'child']).labels).toEqual(['Update', 'B', 'b2', 'b2']);
    expect(walk(tree, at(tree, 8), ['parent', 'parent', 'parent', 'parent']).labels).toEqual(['B', 'Update', 'Frame', 'Frame']);
  });

  it('goes back down to the child it came up from', () => {
    expect(walk(tree, at(tree, 7), ['parent', 'parent', 'child', 'child']).labels).toEqual(['B', 'Update', 'B', 'b1']);
    expect(walk(tree, at(tree, 3), ['parent', 'child']).labels).toEqual(['Update', 'A']);
    // Away from the way back, Down takes the heaviest child again.
    expect(walk(tree, at(tree, 6), ['parent', 'next', 'child']).labels).toEqual(['A', 'B', 'b2']);
  });

  it('moves between neighbours on a row, across parents, and stops at the ends', () => {
    expect(walk(tree, at(tree, 3), ['next', 'next', 'next', 'prev']).labels).toEqual(['B', 'C', 'C', 'B']);
    expect(walk(tree, at(tree, 6), ['next', 'next', 'next', 'prev', 'prev', 'prev']).labels)
      .toEqual(['b1', 'b2', 'b2', 'b1', 'a1', 'a1']);
    expect(walk(tree, at(tree, 1), ['prev', 'next']).labels).toEqual(['Frame', 'Frame']);
  });

  it('returns the same state when a move has nowhere to go', () => {
    const s = at(tree, 5);
    expect(step(navOf(tree), s, 'next')).toBe(s);
    expect(step(navOf(tree), s, 'child')).toBe(s);
    expect(step(navOf(tree), at(tree, 1), 'parent').focus).toBe(tree.byId.get(1));
  });

  it('focuses the root (or the zoomed call) on the first key', () => {
    expect(label(step(navOf(tree), { focus: null, zoom: [], trail: null }, 'next').focus)).toBe('Frame');
    expect(label(step(navOf(tree), { focus: null, zoom: [tree.byId.get(4)!], trail: null }, 'child').focus)).toBe('B');
  });
});

describe('flame navigation zoom', () => {
  const tree = treeOf(CALLS);

  it('Enter zooms into the focused call, Escape zooms out one level, Home back to the root', () => {
    const zoomed = (s: NavState) => s.zoom.map((z) => z.call.label);
    let s = at(tree, 2);
    s = step(navOf(tree), s, 'zoomIn');
    expect(zoomed(s)).toEqual(['Update']);
    expect(spanOf(tree, s.zoom)).toEqual({ x0: 0.5, x1: 7.5 });
    expect(step(navOf(tree), s, 'zoomIn')).toBe(s);
    s = walk(tree, s, ['child', 'zoomIn', 'child', 'zoomIn']).state;
    expect(zoomed(s)).toEqual(['Update', 'B', 'b2']);
    s = step(navOf(tree), s, 'zoomOut');
    expect(zoomed(s)).toEqual(['Update', 'B']);
    expect(label(s.focus)).toBe('b2');
    s = step(navOf(tree), s, 'root');
    expect(zoomed(s)).toEqual([]);
    expect(label(s.focus)).toBe('Frame');
    expect(spanOf(tree, s.zoom)).toEqual({ x0: 0, x1: 10 });
    expect(step(navOf(tree), s, 'zoomOut')).toBe(s);
  });

  it('zooming into an enclosing call drops the levels inside it', () => {
    let s = at(tree, 8, [2, 4, 8]);
    s = walk(tree, s, ['parent', 'parent', 'zoomIn']).state;
    expect(s.zoom.map((z) => z.call.label)).toEqual(['Update']);
  });

  it('keeps sideways and down moves on the bars in view', () => {
    // Zoomed into B: its neighbours A and C are out of view; Update's heaviest child in view is B.
    expect(walk(tree, at(tree, 4, [4]), ['prev', 'next', 'parent', 'prev', 'child']).labels)
      .toEqual(['B', 'B', 'Update', 'Update', 'B']);
    expect(walk(tree, at(tree, 7, [4]), ['prev', 'next', 'next']).labels).toEqual(['b1', 'b2', 'b2']);
  });
});

describe('flame focus across frames', () => {
  const tree = treeOf(CALLS);

  it('keeps the same call id when the next frame still has it', () => {
    const next = treeOf(CALLS.map(([id, p, l, s, d]) => [id, p, l, s + 0.1, d]), 2);
    expect(carryFocus(next, refOf(tree, tree.byId.get(7)!))).toBe(next.byId.get(7));
  });

  it('finds the call at the same path when ids change, with the same rank among same-label siblings', () => {
    const next = treeOf(CALLS.map(([id, p, l, s, d]) => [id + 100, p === null ? null : p + 100, l, s, d]), 2);
    expect(carryFocus(next, refOf(tree, tree.byId.get(8)!))).toBe(next.byId.get(108));
    const twins: Call[] = [[1, null, 'Frame', 0, 10], [2, 1, 'set', 1, 1], [3, 1, 'set', 3, 1], [4, 1, 'set', 5, 1]];
    const t1 = treeOf(twins);
    const t2 = treeOf(twins.map(([id, p, l, s, d]) => [id + 10, p === null ? null : p + 10, l, s, d]), 2);
    expect(find(t2, refOf(t1, t1.byId.get(3)!))?.call.id).toBe(13);
    // Fewer twins next time: the last one.
    const t3 = treeOf(twins.slice(0, 2).map(([id, p, l, s, d]) => [id + 20, p === null ? null : p + 20, l, s, d]), 3);
    expect(find(t3, refOf(t1, t1.byId.get(4)!))?.call.id).toBe(22);
  });

  it('does not take a reused id for a different call', () => {
    const next = treeOf([[1, null, 'Frame', 0, 10], [7, 1, 'Other', 1, 1]], 2);
    expect(find(next, refOf(tree, tree.byId.get(7)!))).toBeNull();
  });

  it('falls back to the root when the call is gone, and to nothing without a focus', () => {
    const next = treeOf([[50, null, 'Frame', 0, 10], [51, 50, 'Physics', 1, 2]], 2);
    expect(carryFocus(next, refOf(tree, tree.byId.get(8)!))).toBe(next.byId.get(50));
    expect(carryFocus(next, null)).toBeNull();
    expect(carryFocus(treeOf([], 3), refOf(tree, tree.byId.get(8)!))).toBeNull();
  });

  it('keeps the zoom levels whose calls are still there', () => {
    const next = treeOf(CALLS.filter(([id]) => id !== 4 && id !== 7 && id !== 8).map(([id, p, l, s, d]) =>
      [id + 100, p === null ? null : p + 100, l, s, d]), 2);
    const refs = [2, 4, 8].map((id) => refOf(tree, tree.byId.get(id)!));
    expect(carryZoom(next, refs).map((z) => z.call.id)).toEqual([102]);
    expect(carryZoom(tree, refs).map((z) => z.call.label)).toEqual(['Update', 'B', 'b2']);
  });

  it('describes a bar by label, duration and share of the frame', () => {
    expect(describeBar(tree.byId.get(4)!, tree)).toBe('B: 4.00 ms, 40.0% of frame');
  });
});

describe('flame navigation with threads', () => {
  it('keeps each thread on its own rows', () => {
    const tree = treeOf([[1, null, 'Main', 0, 10, 0], [2, 1, 'm1', 0, 5, 0], [3, null, 'Worker', 0, 8, 1], [4, 3, 'w1', 6, 1, 1]]);
    expect(walk(tree, at(tree, 2), ['next', 'prev']).labels).toEqual(['m1', 'm1']);
    expect(walk(tree, at(tree, 4), ['parent', 'prev', 'next']).labels).toEqual(['Worker', 'Worker', 'Worker']);
  });
});
