// Aggregation over frames: sites by self time, the histogram, entity lanes, rollback bands, the timeline's
// time axis and what a click on it hits, and the frame strip's scale.
import { describe, expect, it } from 'vitest';
import { parseFrame } from './format';
import {
  aggregateSites, axisTicks, bandPixels, entityLanes, frameHistogram, niceStep, selfTimes, siteKey, spanAt, stripScale, timelineWindow,
} from './aggregate';

const f = (n: number, duration_ms: number, calls: object[], rollback: object | null = null) =>
  parseFrame({ frame: n, timestamp: 100 + n * 0.02, duration_ms, calls, rollback });
const c = (id: number, parent_id: number | null, start: number, duration: number, extra: object = {}) =>
  ({ id, parent_id, label: `L${id}`, module: 'mod', func: `f${id}`, start, duration, ...extra });

describe('aggregateSites', () => {
  it('sums self time per site over frames and sorts by it', () => {
    const upd = (id: number, parent: number, ent: string) => c(id, parent, 1, 3,
      { label: `Lua → on_update(${ent})`, module: 'lifecycle', func: 'on_update', file: 'duck.lua', line: 7, entity_id: ent });
    const root = (id: number) => c(id, null, 0, 10, { label: 'Frame', func: 'update', file: 'engine.cpp', line: 3 });
    const frames = [
      f(1, 10, [root(1), upd(2, 1, 'duck_1'), upd(3, 1, 'duck_2')]),
      f(2, 10, [root(10), upd(11, 10, 'duck_3')]),
    ];
    expect(Array.from(selfTimes(frames[0]))).toEqual([4, 3, 3]);
    const sites = aggregateSites(frames);
    expect(sites.map((s) => [s.key, s.self_ms, s.calls, s.frames])).toEqual([
      ['engine.cpp:3', 11, 2, 2],
      ['duck.lua:7', 9, 3, 2],
    ]);
    expect(aggregateSites(frames, 1)).toHaveLength(1);
  });

  it('names a site by its label when its calls share one, else by module.func, as the report does', () => {
    const call = (id: number, label: string, extra: object = {}) =>
      c(id, null, id, 1, { label, module: 'rules', func: 'collision', file: 'rules.lua', line: 12, ...extra });
    const frames = [
      f(1, 10, [call(1, 'collision(bounce)'), call(2, 'collision(shot)'), call(3, 'Frame', { func: 'update', line: 1 })]),
      f(2, 10, [call(4, 'collision(bounce)'), call(5, 'Frame', { func: 'update', line: 1 })]),
    ];
    const byKey = new Map(aggregateSites(frames).map((s) => [s.key, s]));
    expect(byKey.get('rules.lua:12')).toMatchObject({ label: 'rules.collision', labels: 2, calls: 3 });
    expect(byKey.get('rules.lua:1')).toMatchObject({ label: 'Frame', labels: 1, calls: 2 });
    const anon = [f(1, 1, [c(1, null, 0, 1, { module: '', func: '', file: 'x.cpp', line: 4 }),
                          c(2, null, 0, 1, { module: '', func: '', file: 'x.cpp', line: 4 })])];
    expect(aggregateSites(anon)[0]).toMatchObject({ label: 'x.cpp:4', labels: 2 });
  });

  it('keys sites without a file by module and function', () => {
    expect(siteKey(parseFrame({ frame: 1, calls: [c(1, null, 0, 1)] }).calls[0])).toBe('mod.f1');
  });
});

describe('frameHistogram', () => {
  it('bins frame times and counts frames over budget', () => {
    const h = frameHistogram([f(1, 5, []), f(2, 10, []), f(3, 30, []), f(4, 16, [])], 3);
    expect(h.counts).toEqual([1, 2, 1]);
    expect(h.overBudget).toBe(1);
    expect(h.max).toBe(30);
    expect(h.median).toBe(10);
    expect(h.width).toBe(10);
  });

  it('gives frames far under budget a range of their own', () => {
    const h = frameHistogram([f(1, 0.02, []), f(2, 0.04, []), f(3, 0.08, [])], 4);
    expect(h.width * 4).toBeCloseTo(0.084);
    expect(h.counts).toEqual([1, 1, 0, 1]);
  });
});

describe('entityLanes', () => {
  it('makes one lane per entity, folds nested calls of the same entity and marks rollbacks', () => {
    const rb = { triggered: true, target_timestamp: 99.9, frames_resimulated: 8, snapshot_age_ms: 12.5 };
    const frames = [
      f(1, 10, [c(1, null, 0, 10), c(2, 1, 1, 2, { entity_id: 'duck_10' }), c(3, 2, 1.5, 0.5, { entity_id: 'duck_10' }),
                c(4, 1, 4, 1, { entity_id: 'duck_2' })]),
      f(2, 12, [c(5, null, 0, 12), c(6, 5, 2, 3, { entity_id: 'duck_2' })], rb),
    ];
    const lanes = entityLanes(frames);
    expect(lanes.lanes.map((l) => [l.entity_id, l.spans.length, l.busy_ms])).toEqual([['duck_2', 2, 4], ['duck_10', 1, 2]]);
    const second = lanes.lanes[0].spans[1];
    expect(second.t0).toBeCloseTo(20 + 2);
    expect(second.t1).toBeCloseTo(20 + 5);
    expect(lanes.rollbacks).toHaveLength(1);
    expect(lanes.rollbacks[0]).toMatchObject({ frame: 2, info: rb });
    expect(lanes.rollbacks[0].t0).toBeCloseTo(20);
    expect(lanes.span_ms).toBeCloseTo(32);
  });
});

describe('bandPixels', () => {
  it('widens a short band about its middle and keeps every band inside the plot', () => {
    expect(bandPixels(10, 20, 2, 400)).toEqual({ left: 20, width: 20 });
    expect(bandPixels(50, 50.1, 2, 400)).toEqual({ left: 97.1, width: 6 });
    // The last frame of the window ends at the plot's right edge; a first one at its left edge.
    expect(bandPixels(199.9, 200, 2, 400)).toEqual({ left: 394, width: 6 });
    expect(bandPixels(0, 0.1, 2, 400)).toEqual({ left: 0, width: 6 });
    expect(bandPixels(0, 500, 2, 400)).toEqual({ left: 0, width: 400 });
  });
});

describe('niceStep', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect(niceStep(1)).toBe(1);
    expect(niceStep(1.2)).toBe(2);
    expect(niceStep(3)).toBe(5);
    expect(niceStep(7)).toBe(10);
    expect(niceStep(73)).toBe(100);
    expect(niceStep(0.2)).toBeCloseTo(0.2);
    expect(niceStep(0.013)).toBeCloseTo(0.02);
    expect(niceStep(0)).toBe(1);
    expect(niceStep(NaN)).toBe(1);
  });
});

describe('axisTicks', () => {
  it('labels ticks at a nice step from the window start, none whose label would pass the right edge', () => {
    // A second of frames on 1100 px: 80 px are 73 ms, so a tick every 100 ms; 1000 ms would end past the edge.
    const ticks = axisTicks(1000, 1.1, 1100);
    expect(ticks.map((t) => t.label)).toEqual(['0', '100 ms', '200 ms', '300 ms', '400 ms', '500 ms', '600 ms',
                                               '700 ms', '800 ms', '900 ms']);
    expect(ticks[3].x).toBeCloseTo(330);
    expect(ticks.every((t) => t.x + 50 <= 1100)).toBe(true);
  });

  it('gives short windows decimals enough to tell the ticks apart', () => {
    expect(axisTicks(1, 800, 800).map((t) => t.label)).toEqual(['0', '0.1 ms', '0.2 ms', '0.3 ms', '0.4 ms', '0.5 ms',
                                                                '0.6 ms', '0.7 ms', '0.8 ms', '0.9 ms']);
    expect(axisTicks(0.1, 2000, 200, 80).map((t) => t.label)).toEqual(['0', '0.05 ms']);
    expect(axisTicks(0, 1, 800)).toEqual([]);
  });
});

describe('spanAt', () => {
  // Two lanes 18 px tall at 10 px per ms: duck_1 runs in frames 1 (1-1.1 ms) and 2 (11-11.1 ms), duck_2 in frame 1.
  const frames = [
    f(1, 5, [c(1, null, 0, 5), c(2, 1, 1, 0.1, { entity_id: 'duck_1' }), c(3, 1, 2, 1, { entity_id: 'duck_2' })]),
    f(2, 5, [c(4, null, 0, 5), c(5, 4, 1, 0.1, { entity_id: 'duck_1' })]),
  ];
  const lanes = entityLanes(frames);

  it('finds the tick under a point, so a click selects its frame', () => {
    expect(spanAt(lanes, 10.5, 5, 10, 18)?.frame).toBe(1);
    expect(spanAt(lanes, 210.5, 5, 10, 18)?.frame).toBe(2);
    expect(spanAt(lanes, 25, 18 + 5, 10, 18)?.call.entity_id).toBe('duck_2');
  });

  it('forgives a miss of a couple of pixels beside a thin tick, and nothing more', () => {
    // The tick of frame 1 is drawn 1.5 px wide from x 10.
    expect(spanAt(lanes, 8.5, 5, 10, 18)?.frame).toBe(1);
    expect(spanAt(lanes, 13, 5, 10, 18)?.frame).toBe(1);
    expect(spanAt(lanes, 14, 5, 10, 18)).toBeUndefined();
    expect(spanAt(lanes, 100, 5, 10, 18)).toBeUndefined();
  });

  it('finds nothing off the lanes', () => {
    expect(spanAt(lanes, 10.5, -1, 10, 18)).toBeUndefined();
    expect(spanAt(lanes, 10.5, 2 * 18 + 1, 10, 18)).toBeUndefined();
  });

  it('takes the nearest of two ticks within reach', () => {
    const close = entityLanes([f(1, 5, [c(1, null, 0, 5), c(2, 1, 1, 0.1, { entity_id: 'e' })]),
                                f(2, 5, [c(3, null, 0, 5), c(4, 3, 0.8, 0.1, { entity_id: 'e' })])]);
    // At 0.2 px per ms: frame 1's tick is drawn at 0.2 px, frame 2's at 4.16 px.
    expect(spanAt(close, 3.5, 5, 0.2, 18)?.frame).toBe(2);
    expect(spanAt(close, 1, 5, 0.2, 18)?.frame).toBe(1);
  });
});

describe('stripScale', () => {
  it('scales to the slowest frame, clipping a rare spike', () => {
    const steady = Array.from({ length: 100 }, (_, i) => 0.05 + (i % 10) * 0.001);
    expect(stripScale(steady)).toEqual({ top: expect.closeTo(0.059 * 1.15, 9), clipped: 0, budgetShown: false });
    const spiky = [...steady.slice(1), 3.7];  // one 3.7 ms frame (a script reload) among 50 us ones
    const s = stripScale(spiky);
    expect(s.top).toBeCloseTo(0.059 * 3 * 1.15, 9);
    expect(s.clipped).toBe(1);
    expect(s.budgetShown).toBe(false);
  });

  it('keeps normal frames readable under a few spikes, with no budget line far from the budget', () => {
    // What QA saw: median 0.43 ms, 90th percentile 0.98 ms, one 10.6 ms frame. The budget line took the
    // scale to 0-20.9 ms and drew the median frame 1 px tall.
    const frames = [...Array<number>(80).fill(0.43), ...Array<number>(19).fill(0.98), 10.6];
    const s = stripScale(frames);
    expect(s.budgetShown).toBe(false);
    expect(s.top).toBeCloseTo(0.98 * 3 * 1.15, 9);
    expect(s.clipped).toBe(1);  // the spike, marked as clipped
    expect(0.43 / s.top).toBeGreaterThan(0.1);  // the median bar: over a tenth of the strip
    expect(0.98 / s.top).toBeGreaterThan(0.25);
  });

  it('reaches past the budget when the typical frame comes near it, and keeps an empty strip drawable', () => {
    const heavy = Array.from({ length: 50 }, () => 12);
    expect(stripScale(heavy)).toEqual({ top: expect.closeTo(16.7 * 1.25, 1), clipped: 0, budgetShown: true });
    expect(stripScale([...heavy, 30]).clipped).toBe(0);
    expect(stripScale([...heavy, 40]).clipped).toBe(1);  // over 3 typical frames: a spike
    // A quarter of the budget is the threshold: typical bars stay a fifth of the strip tall.
    expect(stripScale(Array<number>(50).fill(4.2)).budgetShown).toBe(true);
    expect(stripScale(Array<number>(50).fill(4.1)).budgetShown).toBe(false);
    expect(stripScale([])).toEqual({ top: 1e-3, clipped: 0, budgetShown: false });
  });
});

describe('timelineWindow', () => {
  it('ends at the selection, unless the selection is already among the last frames', () => {
    expect(timelineWindow(240, 239, 60)).toEqual([180, 240]);
    expect(timelineWindow(240, 200, 60)).toEqual([180, 240]);  // in the window: it stays
    expect(timelineWindow(240, 180, 60)).toEqual([180, 240]);
    expect(timelineWindow(240, 179, 60)).toEqual([120, 180]);  // older: the window ends there
    expect(timelineWindow(240, 10, 60)).toEqual([0, 11]);
    expect(timelineWindow(30, 5, 60)).toEqual([0, 30]);
    expect(timelineWindow(0, -1, 60)).toEqual([0, 0]);
  });
});
