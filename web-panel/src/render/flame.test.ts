// The flame renderer's bookkeeping, drawn into a recording stand-in for a 2D context: which bars it culls,
// the selected bar it keeps and returns, and the focus ring it adds only when the graph has keyboard focus.
import { describe, expect, it } from 'vitest';
import { parseFrame } from '../model/format';
import { buildTree } from '../model/tree';
import { PALETTE } from './colors';
import { drawFlame, type FlameView } from './flame';

/** A context that records strokeRect calls with the stroke style in effect, and ignores the rest. */
function recorder() {
  const strokes: { style: string; rect: number[] }[] = [];
  const ctx: Record<string, unknown> = { strokeStyle: '', fillStyle: '', lineWidth: 1, font: '', textBaseline: '' };
  const fake = new Proxy(ctx, {
    get(target, key: string) {
      if (key === 'strokeRect') return (...rect: number[]) => strokes.push({ style: String(target.strokeStyle), rect });
      return key in target ? target[key] : () => undefined;
    },
    set(target, key: string, value) {
      target[key] = value;
      return true;
    },
  });
  return { ctx: fake as unknown as CanvasRenderingContext2D, strokes };
}

// A 100 ms root with a 1 ms child and a 0.001 ms child: at 1000 px the last is far under the cull width.
const tree = buildTree(parseFrame({
  frame: 1, timestamp: 0, duration_ms: 100,
  calls: ([[1, null, 'Frame', 0, 100], [2, 1, 'wide', 10, 1], [3, 1, 'thin', 50, 0.0001]] as const).map(
    ([id, parent_id, label, start, duration]) => ({ id, parent_id, label, module: 'm', func: 'f', start, duration })),
}));
const view = (over: Partial<FlameView>): FlameView =>
  ({ x0: 0, x1: 100, search: '', selectedId: null, hoverId: null, ...over });

describe('drawFlame selection and focus', () => {
  it('culls bars thinner than a third of a pixel unless selected, and returns the selected bar', () => {
    const plain = drawFlame(recorder().ctx, tree, 1000, view({}));
    expect(plain.bars.map((b) => b.node.call.id)).toEqual([1, 2]);
    expect(plain.selected).toBeUndefined();
    const picked = drawFlame(recorder().ctx, tree, 1000, view({ selectedId: 3 }));
    expect(picked.bars.map((b) => b.node.call.id)).toEqual([1, 2, 3]);
    expect(picked.selected?.node.call.id).toBe(3);
  });

  it('rings the selected bar in the focus colour only while the graph has keyboard focus', () => {
    const unfocused = recorder();
    drawFlame(unfocused.ctx, tree, 1000, view({ selectedId: 2 }));
    expect(unfocused.strokes.map((s) => s.style)).toEqual([PALETTE.selected]);
    const focused = recorder();
    drawFlame(focused.ctx, tree, 1000, view({ selectedId: 3, focused: true }));
    expect(focused.strokes.map((s) => s.style)).toEqual([PALETTE.selected, PALETTE.focus]);
    // The ring is a few pixels wide even around a hair-thin bar.
    expect(focused.strokes[1].rect[2]).toBeGreaterThanOrEqual(4);
    // At the canvas edge the ring stays inside it.
    const root = recorder();
    drawFlame(root.ctx, tree, 1000, view({ selectedId: 1, focused: true }));
    const [x, , w] = root.strokes[1].rect;
    expect(x).toBeGreaterThanOrEqual(1);
    expect(x + w).toBeLessThanOrEqual(999);
  });
});
