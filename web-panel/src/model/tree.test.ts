// Trees from flat calls: parents by id, self time, thread bands, the collapsible rows.
import { describe, expect, it } from 'vitest';
import { parseFrame, type FrameProfile } from './format';
import { ancestry, buildTree, defaultExpanded, pathOf, percentOfFrame, repeatOf, searchMatches, stepMatch, visibleRows, withDefaults } from './tree';

function frameOf(calls: [number, number | null, number, number, number?][]): FrameProfile {
  return parseFrame({
    frame: 1, timestamp: 0, duration_ms: 20,
    calls: calls.map(([id, parent_id, start, duration, thread]) => ({ id, parent_id, label: `c${id}`, module: 'm', func: 'f', start, duration, thread })),
  });
}

describe('buildTree', () => {
  it('links children to parents by id and computes self time', () => {
    const tree = buildTree(frameOf([[1, null, 0, 10], [2, 1, 1, 4], [3, 2, 1.5, 1], [4, 1, 6, 3]]));
    expect(tree.roots.map((n) => n.call.id)).toEqual([1]);
    const n1 = tree.byId.get(1)!;
    expect(n1.children.map((n) => n.call.id)).toEqual([2, 4]);
    expect(n1.self).toBeCloseTo(3);
    expect(tree.byId.get(2)!.self).toBeCloseTo(3);
    expect(tree.byId.get(3)!.depth).toBe(2);
    expect(tree.nodes.map((n) => n.call.id)).toEqual([1, 2, 3, 4]);
    expect(ancestry(tree.byId.get(3)!)).toEqual([1, 2, 3]);
    expect(percentOfFrame(n1.call.duration, tree.frame)).toBe(50);
  });

  it('orders children by start even when calls arrive out of order, and keeps orphans as roots', () => {
    const tree = buildTree(frameOf([[1, null, 0, 10], [4, 1, 6, 3], [2, 1, 1, 4], [9, 77, 12, 1]]));
    expect(tree.byId.get(1)!.children.map((n) => n.call.id)).toEqual([2, 4]);
    expect(tree.roots.map((n) => n.call.id)).toEqual([1, 9]);
    expect(tree.orphans).toBe(1);
  });

  it('clamps self time at zero when children overrun the parent', () => {
    const tree = buildTree(frameOf([[1, null, 0, 2], [2, 1, 0, 3]]));
    expect(tree.byId.get(1)!.self).toBe(0);
  });

  it('puts each thread in its own band of flame rows', () => {
    const tree = buildTree(frameOf([[1, null, 0, 10, 0], [2, 1, 0, 5, 0], [3, null, 0, 8, 1]]));
    expect(tree.rows).toBe(3);
    expect(tree.byId.get(2)!.row).toBe(1);
    expect(tree.byId.get(3)!.row).toBe(2);
  });
});

describe('visibleRows', () => {
  const tree = buildTree(frameOf([[1, null, 0, 10], [2, 1, 1, 2], [3, 1, 4, 5], [4, 3, 4, 1]]));

  it('shows only the roots when nothing is open, children by time when open', () => {
    expect(visibleRows(tree, new Set()).map((r) => r.node.call.id)).toEqual([1]);
    const rows = visibleRows(tree, new Set(['c1']));
    expect(rows.map((r) => [r.node.call.id, r.depth])).toEqual([[1, 0], [3, 1], [2, 1]]);
    expect(rows[0].expanded).toBe(true);
    expect(rows[1].path).toBe(pathOf(tree.byId.get(3)!));
    expect(visibleRows(tree, new Set(['c1', rows[1].path])).map((r) => r.node.call.id)).toEqual([1, 3, 4, 2]);
  });

  it('opens the heaviest chain by default, by path so the next frame keeps it', () => {
    expect([...defaultExpanded(tree, 2)]).toEqual(['c1', pathOf(tree.byId.get(3)!)]);
  });
});

describe('withDefaults', () => {
  // A frame c1 > c2 > c4, then one where c1 also has a heavy c3 > c5 (a rollback's subtree).
  const plain = buildTree(frameOf([[1, null, 0, 10], [2, 1, 1, 2], [4, 2, 1, 1]]));
  const heavy = buildTree(frameOf([[1, null, 0, 10], [2, 1, 1, 2], [4, 2, 1, 1], [3, 1, 4, 5], [5, 3, 4, 1]]));
  const c3 = pathOf(heavy.byId.get(3)!);

  it('opens the default paths of a frame that has new ones, and keeps the set when none is new', () => {
    const first = withDefaults(new Set(), plain, new Set());
    expect([...first]).toEqual([...defaultExpanded(plain)]);
    expect(withDefaults(first, plain, new Set())).toBe(first);
    const next = withDefaults(first, heavy, new Set());
    expect(next.has(c3)).toBe(true);
    expect(visibleRows(heavy, next).map((r) => r.node.call.id)).toEqual([1, 3, 5, 2, 4]);
  });

  it('does not open again what the user closed', () => {
    const next = withDefaults(new Set(['c1']), heavy, new Set([c3]));
    expect(next.has(c3)).toBe(false);
  });
});

describe('searchMatches and stepMatch', () => {
  // c1 > (c2 > c12), c3; labels c1, c2, c3, c12: "c1" matches c1 and c12, in pre-order c1, c12.
  const tree = buildTree(frameOf([[1, null, 0, 10], [2, 1, 1, 5], [3, 1, 6, 3], [12, 2, 2, 1]]));
  const matches = searchMatches(tree, 'c1');

  it('finds matching labels in pre-order, case-insensitively from a lower-cased needle', () => {
    expect(matches.map((n) => n.call.id)).toEqual([1, 12]);
    expect(searchMatches(tree, '')).toEqual([]);
    expect(searchMatches(tree, 'zz')).toEqual([]);
  });

  it('steps forward and back, wrapping, from a match or from any call', () => {
    expect(stepMatch(tree, matches, null, 1)?.call.id).toBe(1);
    expect(stepMatch(tree, matches, null, -1)?.call.id).toBe(12);
    expect(stepMatch(tree, matches, 1, 1)?.call.id).toBe(12);
    expect(stepMatch(tree, matches, 12, 1)?.call.id).toBe(1);
    expect(stepMatch(tree, matches, 1, -1)?.call.id).toBe(12);
    expect(stepMatch(tree, matches, 2, 1)?.call.id).toBe(12);   // c2 is between c1 and c12
    expect(stepMatch(tree, matches, 3, 1)?.call.id).toBe(1);    // after the last match: wraps
    expect(stepMatch(tree, matches, 3, -1)?.call.id).toBe(12);
    expect(stepMatch(tree, [], 1, 1)).toBeNull();
  });
});

describe('repeatOf', () => {
  it('numbers siblings of the same label in start order, and nothing else', () => {
    const frame = frameOf([[1, null, 0, 20], [4, 1, 9, 1], [2, 1, 1, 5], [3, 1, 6, 2], [5, 1, 12, 1]]);
    frame.calls.find((c) => c.id === 3)!.label = 'c2';  // c2 at 1 and at 6 (the shorter, second)
    const tree = buildTree(frame);
    expect(repeatOf(tree.byId.get(2)!)).toEqual({ index: 1, count: 2 });
    expect(repeatOf(tree.byId.get(3)!)).toEqual({ index: 2, count: 2 });
    expect(repeatOf(tree.byId.get(4)!)).toBeNull();
    expect(repeatOf(tree.byId.get(1)!)).toBeNull();  // a root
    // The call tree lists them by time: the numbers keep the order they ran in.
    expect(visibleRows(tree, new Set(['c1'])).map((r) => r.node.call.id)).toEqual([1, 2, 3, 4, 5]);
  });
});
