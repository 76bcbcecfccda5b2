// Canvas renderer of a frame's flame graph (time on x, call depth on y) with zoom, search highlight and
// hit-testing. It returns what it drew so views and tests can tell which bars are on screen.
import type { FrameTree, TreeNode } from '../model/tree';
import { PALETTE, callColor } from './colors';

export const ROW_HEIGHT = 18;
const CHAR_WIDTH = 6.6; // 11px sans-serif, average; avoids measureText for every bar
const MIN_BAR_PX = 0.35;
const MIN_LABEL_PX = 28;

export interface FlameView {
  /** visible time range, ms from the frame start */
  x0: number;
  x1: number;
  /** lower-cased search text; empty for none */
  search: string;
  selectedId: number | null;
  hoverId: number | null;
  /** whether the canvas has keyboard focus: the selected bar is then drawn as the focused one */
  focused?: boolean;
}

export interface DrawnBar {
  node: TreeNode;
  x: number;
  y: number;
  w: number;
  /** whether the bar was wide enough to carry its label */
  labelled: boolean;
}

export interface FlameResult {
  bars: DrawnBar[];
  height: number;
  matches: number;
  /** the selected bar, when it is in view */
  selected?: DrawnBar;
}

function fit(label: string, px: number): string {
  const n = Math.floor((px - 6) / CHAR_WIDTH);
  if (n >= label.length) return label;
  return n > 1 ? `${label.slice(0, n - 1)}…` : '';
}

/** The bars of the tree at `view`'s range, `width` px wide, in draw order, without drawing them: what is
 *  under the pointer (`hitTest`) is known before the canvas is drawn, from the same layout. */
export function layoutFlame(tree: FrameTree, width: number, view: Pick<FlameView, 'x0' | 'x1' | 'selectedId'>): DrawnBar[] {
  const span = Math.max(1e-9, view.x1 - view.x0);
  const scale = width / span;
  const bars: DrawnBar[] = [];
  for (const node of tree.nodes) {
    const c = node.call;
    const end = c.start + c.duration;
    if (end < view.x0 || c.start > view.x1) continue;
    const x = Math.max(0, (c.start - view.x0) * scale);
    const w = Math.min(width, (end - view.x0) * scale) - x;
    if (w < MIN_BAR_PX && c.id !== view.selectedId) continue; // the selected bar stays findable
    bars.push({ node, x, y: node.row * ROW_HEIGHT, w, labelled: w >= MIN_LABEL_PX });
  }
  return bars;
}

/** Draws the tree into `ctx` (CSS pixels; `width` wide), laid out as `bars` (by default, `layoutFlame`'s).
 *  Returns the bars drawn, in draw order. */
export function drawFlame(ctx: CanvasRenderingContext2D, tree: FrameTree, width: number, view: FlameView,
                          bars: DrawnBar[] = layoutFlame(tree, width, view)): FlameResult {
  const height = Math.max(1, tree.rows) * ROW_HEIGHT;
  ctx.clearRect(0, 0, width, height);
  const labels: DrawnBar[] = [];
  let matches = 0;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (const bar of bars) {
    const c = bar.node.call;
    const match = view.search !== '' && c.label.toLowerCase().includes(view.search);
    if (match) ++matches;
    ctx.fillStyle = view.search !== '' && !match ? PALETTE.dim : callColor(c);
    ctx.fillRect(bar.x, bar.y, Math.max(bar.w - 0.5, MIN_BAR_PX), ROW_HEIGHT - 1);
    bar.labelled = bar.w >= MIN_LABEL_PX;
    if (bar.labelled) labels.push(bar);
  }
  for (const bar of labels) {
    const text = fit(bar.node.call.label, bar.w);
    if (!text) {
      bar.labelled = false;
      continue;
    }
    const dim = view.search !== '' && !bar.node.call.label.toLowerCase().includes(view.search);
    ctx.fillStyle = dim ? '#9aa3b2' : PALETTE.text;
    ctx.fillText(text, bar.x + 3, bar.y + ROW_HEIGHT / 2);
  }
  outline(ctx, bars, view.hoverId, 'rgba(255,255,255,0.7)', 1);
  const selected = outline(ctx, bars, view.selectedId, PALETTE.selected, 2);
  if (selected && view.focused) focusMark(ctx, selected, width);
  if (view.search !== '') {
    ctx.strokeStyle = PALETTE.match;
    ctx.lineWidth = 1.5;
    for (const b of bars) if (b.node.call.label.toLowerCase().includes(view.search)) ctx.strokeRect(b.x + 0.75, b.y + 0.75, Math.max(b.w - 1.5, 1), ROW_HEIGHT - 2.5);
  }
  return { bars, height, matches, selected };
}

function outline(ctx: CanvasRenderingContext2D, bars: DrawnBar[], id: number | null, color: string, lw: number): DrawnBar | undefined {
  if (id === null) return undefined;
  const b = bars.find((bar) => bar.node.call.id === id);
  if (!b) return undefined;
  ctx.strokeStyle = color;
  ctx.lineWidth = lw;
  ctx.strokeRect(b.x + lw / 2, b.y + lw / 2, Math.max(b.w - lw, 1), ROW_HEIGHT - 1 - lw);
  return b;
}

/** The keyboard focus: a ring in the focus colour around the selection's white outline, at least a few
 *  pixels wide so that a hair-thin bar can be seen, kept inside the canvas at its edges. */
function focusMark(ctx: CanvasRenderingContext2D, b: DrawnBar, width: number): void {
  const x0 = Math.max(1, Math.min(b.x, b.x + b.w - 3) - 1);
  const x1 = Math.min(width - 1, Math.max(b.x + b.w, b.x + 3) + 1);
  ctx.strokeStyle = PALETTE.focus;
  ctx.lineWidth = 2;
  ctx.strokeRect(x0, Math.max(1, b.y - 1), x1 - x0, ROW_HEIGHT + 1 - (b.y === 0 ? 1 : 0));
}

/** The bar under (x, y) in CSS pixels, if any. */
export function hitTest(bars: readonly DrawnBar[], x: number, y: number): DrawnBar | undefined {
  const row = Math.floor(y / ROW_HEIGHT);
  for (let i = bars.length - 1; i >= 0; --i) {
    const b = bars[i];
    if (b.node.row === row && x >= b.x && x < b.x + Math.max(b.w, 2)) return b;
  }
  return undefined;
}
