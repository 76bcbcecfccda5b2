// Views over many frames: top call sites by self time, the frame-time histogram, per-entity lanes with
// rollback bands, a time axis and hit testing for the timeline, and the frame strip's scale. Pure
// functions of the frames given.
import type { CallNode, FrameProfile, RollbackInfo } from './format';

/** Frame budget at 60 fps, ms. */
export const FRAME_BUDGET_MS = 1000 / 60;

export interface SiteStats {
  /** `file:line` when the call names its site, else `module.func`, else the label */
  key: string;
  /** the site's name: its calls' label when they all share one, else `module.func` (as `yams report` names it) */
  label: string;
  /** distinct labels among the site's calls (more than one: `label` is `module.func`) */
  labels: number;
  module: string;
  func: string;
  file: string;
  line: number;
  calls: number;
  self_ms: number;
  total_ms: number;
  /** frames in which the site ran */
  frames: number;
}

/** The identity of a call's site, shared by all calls from the same source location. */
export function siteKey(c: CallNode): string {
  if (c.file) return `${c.file}:${c.line}`;
  if (c.module || c.func) return `${c.module}.${c.func}`;
  return c.label;
}

/** Self time of each call of a frame (its duration minus its children's), indexed like frame.calls. */
export function selfTimes(frame: FrameProfile): Float64Array {
  const self = new Float64Array(frame.calls.length);
  const index = new Map<number, number>();
  frame.calls.forEach((c, i) => {
    self[i] = c.duration;
    index.set(c.id, i);
  });
  for (const c of frame.calls) {
    const p = c.parent_id === null ? undefined : index.get(c.parent_id);
    if (p !== undefined && frame.calls[p] !== c) self[p] -= c.duration;
  }
  for (let i = 0; i < self.length; ++i) if (self[i] < 0) self[i] = 0;
  return self;
}

/** Sites over the frames, sorted by self time (largest first), at most `limit` of them. */
export function aggregateSites(frames: readonly FrameProfile[], limit = 20): SiteStats[] {
  const sites = new Map<string, SiteStats & { lastFrame: number; seen: Set<string> }>();
  frames.forEach((frame, fi) => {
    const self = selfTimes(frame);
    frame.calls.forEach((c, i) => {
      const key = siteKey(c);
      let s = sites.get(key);
      if (!s) {
        s = { key, label: c.label, labels: 0, module: c.module, func: c.func, file: c.file, line: c.line,
              calls: 0, self_ms: 0, total_ms: 0, frames: 0, lastFrame: -1, seen: new Set() };
        sites.set(key, s);
      }
      s.seen.add(c.label);
      s.calls += 1;
      s.self_ms += self[i];
      s.total_ms += c.duration;
      if (s.lastFrame !== fi) {
        s.lastFrame = fi;
        s.frames += 1;
      }
    });
  });
  return [...sites.values()]
    .sort((a, b) => b.self_ms - a.self_ms || a.key.localeCompare(b.key))
    .slice(0, limit)
    .map(({ lastFrame: _, seen, ...s }) => ({ ...s, labels: seen.size, label: seen.size > 1 ? siteName(s) : s.label }));
}

/** The name of a site whose calls have different labels: `module.func` (the key when neither is known). */
function siteName(s: SiteStats): string {
  return s.module || s.func ? `${s.module}.${s.func}` : s.key;
}

export interface Histogram {
  /** lower edge of each bin, ms; bin i covers [edges[i], edges[i] + width) and the last takes the rest */
  edges: number[];
  width: number;
  counts: number[];
  overBudget: number;
  max: number;
  median: number;
}

/**
 * Frame-time histogram with `bins` equal bins from 0 to the slowest frame. The range reaches past the budget
 * when some frame comes within a quarter of it; frames far under budget get a range of their own.
 */
export function frameHistogram(frames: readonly FrameProfile[], bins = 20): Histogram {
  const times = frames.map((f) => f.duration_ms).sort((a, b) => a - b);
  const max = times.length ? times[times.length - 1] : 0;
  const top = max > FRAME_BUDGET_MS / 4 ? Math.max(max, FRAME_BUDGET_MS * 1.25) : Math.max(max * 1.05, 1e-3);
  const width = top / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const t of times) counts[Math.min(bins - 1, Math.floor(t / width))] += 1;
  const median = times.length ? times[(times.length - 1) >> 1] : 0;
  return {
    edges: counts.map((_, i) => i * width),
    width,
    counts,
    overBudget: times.filter((t) => t > FRAME_BUDGET_MS).length,
    max,
    median,
  };
}

export interface LaneSpan {
  frame: number;
  /** ms since the first frame's start */
  t0: number;
  t1: number;
  call: CallNode;
}

export interface EntityLane {
  entity_id: string;
  spans: LaneSpan[];
  busy_ms: number;
}

export interface RollbackBand {
  frame: number;
  t0: number;
  t1: number;
  info: RollbackInfo;
}

/**
 * Where a band over [t0, t1] ms goes on a plot `plotW` px wide at `scale` px per ms: at least `minW` px wide
 * (widened about its middle, so a short frame stays clickable) and never past either edge of the plot.
 */
export function bandPixels(t0: number, t1: number, scale: number, plotW: number, minW = 6): { left: number; width: number } {
  const width = Math.min(plotW, Math.max(minW, (t1 - t0) * scale));
  const mid = ((t0 + t1) / 2) * scale;
  return { left: Math.max(0, Math.min(plotW - width, mid - width / 2)), width };
}

export interface FrameSpan {
  frame: number;
  t0: number;
  t1: number;
}

export interface Lanes {
  lanes: EntityLane[];
  rollbacks: RollbackBand[];
  frames: FrameSpan[];
  /** ms covered, from the first frame's start to the last one's end */
  span_ms: number;
}

/**
 * Per-entity swim lanes over the frames: every call carrying an `entity_id` becomes a span in its entity's
 * lane (nested calls of the same entity under it are folded into it). Lanes are sorted by entity id.
 */
// The calls of a frame that start an entity's span (a call with an entity id whose parent is not the
// same entity's), computed once per frame: the timeline recomputes its lanes for every new frame, and
// walking every call of 60 frames each time cost ~24 ms with 500 entities.
const entityCallsOf = new WeakMap<FrameProfile, readonly CallNode[]>();

function entityCalls(frame: FrameProfile): readonly CallNode[] {
  let found = entityCallsOf.get(frame);
  if (found) return found;
  const list: CallNode[] = [];
  const entityOf = new Map<number, string | null>();
  for (const c of frame.calls) {
    const parentEntity = c.parent_id === null ? null : entityOf.get(c.parent_id) ?? null;
    entityOf.set(c.id, c.entity_id ?? parentEntity);
    if (c.entity_id !== null && parentEntity !== c.entity_id) list.push(c);
  }
  found = list;
  entityCallsOf.set(frame, found);
  return found;
}

// Entity ids in natural order (duck_2 before duck_10); one collator, as localeCompare with options
// builds one per call.
const byNumbers = new Intl.Collator(undefined, { numeric: true });

export function entityLanes(frames: readonly FrameProfile[]): Lanes {
  const out: Lanes = { lanes: [], rollbacks: [], frames: [], span_ms: 0 };
  if (frames.length === 0) return out;
  const base = frames[0].timestamp;
  const lanes = new Map<string, EntityLane>();
  for (const frame of frames) {
    const f0 = (frame.timestamp - base) * 1000;
    out.frames.push({ frame: frame.frame, t0: f0, t1: f0 + frame.duration_ms });
    out.span_ms = Math.max(out.span_ms, f0 + frame.duration_ms);
    if (frame.rollback) out.rollbacks.push({ frame: frame.frame, t0: f0, t1: f0 + frame.duration_ms, info: frame.rollback });
    for (const c of entityCalls(frame)) {
      const id = c.entity_id as string;
      let lane = lanes.get(id);
      if (!lane) lanes.set(id, (lane = { entity_id: id, spans: [], busy_ms: 0 }));
      lane.spans.push({ frame: frame.frame, t0: f0 + c.start, t1: f0 + c.start + c.duration, call: c });
      lane.busy_ms += c.duration;
    }
  }
  out.lanes = [...lanes.values()].sort((a, b) => byNumbers.compare(a.entity_id, b.entity_id));
  return out;
}

/** The smallest step of 1, 2 or 5 × 10^k that is at least `least` (1 when `least` is not a positive number). */
export function niceStep(least: number): number {
  if (!(least > 0) || !Number.isFinite(least)) return 1;
  const pow = 10 ** Math.floor(Math.log10(least));
  for (const m of [1, 2, 5]) if (m * pow >= least * (1 - 1e-9)) return m * pow;
  return 10 * pow;
}

export interface AxisTick {
  /** ms since the window's start */
  ms: number;
  /** px from the plot's left edge */
  x: number;
  label: string;
}

/**
 * The time axis of a plot `plotW` px wide at `scale` px per ms over `span_ms`: ticks from 0 at a nice step
 * (1, 2 or 5 × 10^k ms) at least `minGap` px apart, labelled in ms with as many decimals as the step needs.
 * A label is drawn right of its tick, so a tick closer than `labelW` px to the right edge is left out.
 */
export function axisTicks(span_ms: number, scale: number, plotW: number, minGap = 80, labelW = 50): AxisTick[] {
  if (!(span_ms > 0) || !(scale > 0)) return [];
  const step = niceStep(minGap / scale);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks: AxisTick[] = [];
  for (let i = 0; i * step <= span_ms * (1 + 1e-9); ++i) {
    const x = i * step * scale;
    if (x + labelW > plotW) break;
    ticks.push({ ms: i * step, x, label: i === 0 ? '0' : `${(i * step).toFixed(decimals)} ms` });
  }
  return ticks;
}

/**
 * The span drawn at (x, y) px on the lanes' plot (lanes `laneH` px tall, `scale` px per ms, ticks at least
 * `minW` px wide as drawn): the one nearest x within `slack` px, else undefined. A click there selects its frame.
 */
export function spanAt(d: Lanes, x: number, y: number, scale: number, laneH: number, slack = 2, minW = 1.5): LaneSpan | undefined {
  const lane = y >= 0 ? d.lanes[Math.floor(y / laneH)] : undefined;
  if (!lane) return undefined;
  let best: LaneSpan | undefined;
  let bestGap = slack;
  for (const sp of lane.spans) {
    const left = sp.t0 * scale;
    const right = left + Math.max(minW, (sp.t1 - sp.t0) * scale);
    const gap = x < left ? left - x : x > right ? x - right : 0;
    if (gap < bestGap || (gap === bestGap && !best)) {
      best = sp;
      bestGap = gap;
    }
  }
  return best;
}

export interface StripScale {
  /** ms at the top of the strip */
  top: number;
  /** frames longer than `top`: drawn clipped */
  clipped: number;
  /** whether the budget line is within the scale */
  budgetShown: boolean;
}

/**
 * The frame strip's vertical scale for frames of `durations` ms. Normal frames must be readable and spikes
 * visible: the scale is the slowest frame but no more than 3 times the 90th percentile (the typical frame),
 * and frames above it are clipped (and counted, so that the strip can mark them). The budget line is shown
 * only when the typical frame reaches a quarter of the budget: the scale then reaches past the budget, and
 * typical bars still fill a fifth of the strip. Frames far under budget keep a scale of their own, whatever
 * their spikes.
 */
export function stripScale(durations: readonly number[], budget = FRAME_BUDGET_MS): StripScale {
  if (durations.length === 0) return { top: 1e-3, clipped: 0, budgetShown: false };
  const sorted = [...durations].sort((a, b) => a - b);
  const slowest = sorted[sorted.length - 1];
  const p90 = sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)];
  const ref = Math.min(slowest, Math.max(p90 * 3, 1e-3));
  const budgetShown = p90 >= budget / 4;
  const top = budgetShown ? Math.max(ref * 1.1, budget * 1.25) : Math.max(ref * 1.15, 1e-3);
  return { top, clipped: durations.filter((d) => d > top).length, budgetShown };
}

/**
 * The timeline's frames among `count` shown ones, as [start, end) indices: the `size` frames up to the
 * selected one, but the last `size` when the selection is already among them, so that selecting a frame
 * in the timeline (a click on one of its ticks) leaves the window where it was.
 */
export function timelineWindow(count: number, selectedIndex: number, size: number): [number, number] {
  const end = selectedIndex < 0 || selectedIndex >= count - size ? count : selectedIndex + 1;
  return [Math.max(0, end - size), end];
}
