// The panel's palette (design section 7): engine calls warm, script API callbacks (lua_callback) blue,
// script code (lua_code) green, rollbacks purple. Shared by every renderer and the legend.
import type { CallNode } from '../model/format';

export const PALETTE = {
  luaCallback: '#3d8bd9',
  luaCode: '#3aa776',
  rollback: '#9b59d0',
  rollbackBand: 'rgba(155, 89, 208, 0.28)',
  budget: '#e5484d',
  frame: '#7a8699',
  overBudget: '#e8833a',
  selected: '#ffffff',
  focus: '#6ea8ff',
  dim: '#3a3f4b',
  text: '#111418',
  match: '#ffe14d',
};

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; ++i) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const warm = new Map<string, string>();

/** The fill of a call's bar: blue for lua_callback, green for lua_code, else a warm hue per module. */
export function callColor(call: CallNode): string {
  if (call.lua_callback) return PALETTE.luaCallback;
  if (call.lua_code) return PALETTE.luaCode;
  const key = call.module || call.func || call.label;
  let c = warm.get(key);
  if (!c) {
    const h = hash(key);
    c = `hsl(${(h % 45) + 2}, ${70 + (h >> 8) % 20}%, ${52 + (h >> 16) % 12}%)`;
    warm.set(key, c);
  }
  return c;
}

/** Formats milliseconds for labels: 2-3 significant digits, in ms, µs or ns (calls are timed in whole
 *  nanoseconds; a script callback takes a few dozen). */
export function ms(v: number): string {
  if (v >= 100) return `${v.toFixed(0)} ms`;
  if (v >= 10) return `${v.toFixed(1)} ms`;
  if (v >= 0.1) return `${v.toFixed(2)} ms`;
  if (v >= 0.01) return `${(v * 1e3).toFixed(0)} µs`;
  if (v >= 0.001) return `${(v * 1e3).toFixed(1)} µs`;
  return `${(v * 1e6).toFixed(0)} ns`;
}
