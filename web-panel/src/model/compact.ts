// Reader of the compact frame encoding (docs/frame-format.md, "Compact encoding"): each call site once in
// `sites`, each call as `[id_delta, parent_delta, site, start, duration, label?, args?, entity_id?]`.
// It yields exactly the FrameProfile that the frame's JSON form gives; the C++ writer is
// runtime/src/compact_json.cpp.
import { FormatError, skippedKinds, type ArgValue, type CallNode, type FrameProfile, type RollbackInfo } from './format';

/** A site: `[label, module, func, file, line, lua_code, lua_callback, thread]`. */
export type CompactSite = [string, string, string, string, number, boolean, boolean, number];
/** A call: `[id_delta, parent_delta | null, site, start, duration, label?, args?, entity_id?]`. */
export type CompactCall = [number, number | null, number, number, number, (string | null)?,
  (Record<string, ArgValue> | null)?, (string | null)?];

function fail(where: string, what: string): never {
  throw new FormatError(`${where}: ${what}`);
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function readSite(v: unknown, where: string): CallNode {
  if (!Array.isArray(v) || v.length !== 8)
    fail(where, `expected [label, module, func, file, line, lua_code, lua_callback, thread], got ${kind(v)}`);
  for (let k = 0; k < 4; ++k) if (typeof v[k] !== 'string') fail(`${where}[${k}]`, `expected a string, got ${kind(v[k])}`);
  if (!isNumber(v[4])) fail(`${where}[4]`, `expected a line number, got ${kind(v[4])}`);
  if (typeof v[5] !== 'boolean') fail(`${where}[5]`, `expected a boolean, got ${kind(v[5])}`);
  if (typeof v[6] !== 'boolean') fail(`${where}[6]`, `expected a boolean, got ${kind(v[6])}`);
  if (!isNumber(v[7])) fail(`${where}[7]`, `expected a thread number, got ${kind(v[7])}`);
  return { id: 0, parent_id: null, label: v[0], module: v[1], func: v[2], start: 0, duration: 0, args: {},
    entity_id: null, lua_code: v[5], lua_callback: v[6], file: v[3], line: v[4], thread: v[7] };
}

function readArgs(v: unknown, where: string): Record<string, ArgValue> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) fail(where, `expected an object or null, got ${kind(v)}`);
  const o = v as Record<string, unknown>;
  for (const k in o) {
    const a = o[k];
    if (a !== null && typeof a !== 'boolean' && typeof a !== 'number' && typeof a !== 'string')
      fail(`${where}.${k}`, `expected null, a boolean, a number or a string, got ${kind(a)}`);
  }
  return o as Record<string, ArgValue>;
}

function readCall(v: unknown, sites: CallNode[], previousId: number, where: string): CallNode {
  if (!Array.isArray(v) || v.length < 5 || v.length > 8)
    fail(where, `expected [id_delta, parent_delta, site, start, duration, label?, args?, entity_id?], got ${
      Array.isArray(v) ? `${v.length} values` : kind(v)}`);
  const [idDelta, parentDelta, siteIndex, start, duration, label, args, entity] = v as unknown[];
  if (!isNumber(idDelta)) fail(`${where}[0]`, `expected an id delta, got ${kind(idDelta)}`);
  if (parentDelta !== null && !isNumber(parentDelta))
    fail(`${where}[1]`, `expected a parent delta or null, got ${kind(parentDelta)}`);
  if (!isNumber(siteIndex) || !Number.isInteger(siteIndex) || siteIndex < 0 || siteIndex >= sites.length)
    fail(`${where}[2]`, `site ${String(siteIndex)} out of range (${sites.length} sites)`);
  if (!isNumber(start)) fail(`${where}[3]`, `expected a number, got ${kind(start)}`);
  if (!isNumber(duration)) fail(`${where}[4]`, `expected a number, got ${kind(duration)}`);
  if (duration < 0) fail(`${where}[4]`, `duration must not be negative (${duration})`);
  if (label !== undefined && label !== null && typeof label !== 'string')
    fail(`${where}[5]`, `expected a label or null, got ${kind(label)}`);
  if (entity !== undefined && entity !== null && typeof entity !== 'string')
    fail(`${where}[7]`, `expected an entity id or null, got ${kind(entity)}`);
  const site = sites[siteIndex];
  const id = previousId + idDelta;
  return {
    id,
    parent_id: parentDelta === null ? null : id - (parentDelta as number),
    label: typeof label === 'string' ? label : site.label,
    module: site.module,
    func: site.func,
    start,
    duration,
    args: readArgs(args, `${where}[6]`),
    entity_id: typeof entity === 'string' ? entity : null,
    lua_code: site.lua_code,
    lua_callback: site.lua_callback,
    file: site.file,
    line: site.line,
    thread: site.thread,
  };
}

function headerNumber(o: Record<string, unknown>, key: string, where: string, fallback?: number): number {
  const v = o[key];
  if (isNumber(v)) return v;
  if (v === undefined && fallback !== undefined) return fallback;
  return fail(`${where}.${key}`, v === undefined ? 'missing number' : `expected a number, got ${kind(v)}`);
}

function readRollback(v: unknown, where: string): RollbackInfo | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object' || Array.isArray(v)) fail(where, `expected an object or null, got ${kind(v)}`);
  const o = v as Record<string, unknown>;
  if (o.triggered !== undefined && typeof o.triggered !== 'boolean')
    fail(`${where}.triggered`, `expected a boolean, got ${kind(o.triggered)}`);
  return {
    triggered: o.triggered === undefined ? true : (o.triggered as boolean),
    target_timestamp: headerNumber(o, 'target_timestamp', where),
    frames_resimulated: headerNumber(o, 'frames_resimulated', where),
    snapshot_age_ms: headerNumber(o, 'snapshot_age_ms', where),
  };
}

/** Reads one compact frame object (`where` prefixes error messages). Throws FormatError. */
export function parseCompactFrame(v: unknown, where = 'compact frame'): FrameProfile {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, `expected an object, got ${kind(v)}`);
  const o = v as Record<string, unknown>;
  if (!Array.isArray(o.sites))
    fail(`${where}.sites`, o.sites === undefined ? 'missing array (not a compact frame)' : `expected an array, got ${kind(o.sites)}`);
  if (!Array.isArray(o.calls))
    fail(`${where}.calls`, o.calls === undefined ? 'missing array' : `expected an array, got ${kind(o.calls)}`);
  const sites = o.sites.map((s, i) => readSite(s, `${where}.sites[${i}]`));
  const calls = new Array<CallNode>(o.calls.length);
  let previousId = 0;
  for (let i = 0; i < calls.length; ++i) {
    calls[i] = readCall(o.calls[i], sites, previousId, `${where}.calls[${i}]`);
    previousId = calls[i].id;
  }
  return {
    frame: headerNumber(o, 'frame', where),
    timestamp: headerNumber(o, 'timestamp', where, 0),
    duration_ms: headerNumber(o, 'duration_ms', where, 0),
    calls,
    rollback: readRollback(o.rollback, `${where}.rollback`),
    overflow: headerNumber(o, 'overflow', where, 0),
    frames_lost: headerNumber(o, 'frames_lost', where, 0),
    ...skippedKinds(o.skipped_kinds, `${where}.skipped_kinds`),
  };
}

/**
 * The compact form of `frame` (the C++ writer's output, up to number spelling): for tests and tools. Sites are
 * keyed like the C++ writer's: module, func, file, line, flags and thread; a site's label is its first call's.
 */
export function toCompactFrame(frame: FrameProfile): Record<string, unknown> {
  const index = new Map<string, number>();
  const sites: CompactSite[] = [];
  const calls: CompactCall[] = [];
  let previousId = 0;
  for (const c of frame.calls) {
    const key = JSON.stringify([c.module, c.func, c.file, c.line, c.lua_code, c.lua_callback, c.thread]);
    let site = index.get(key);
    if (site === undefined) {
      site = sites.length;
      index.set(key, site);
      sites.push([c.label, c.module, c.func, c.file, c.line, c.lua_code, c.lua_callback, c.thread]);
    }
    const call: CompactCall = [c.id - previousId, c.parent_id === null ? null : c.id - c.parent_id, site, c.start,
      c.duration];
    const hasArgs = Object.keys(c.args).length > 0;
    if (c.label !== sites[site][0] || hasArgs || c.entity_id !== null) call.push(c.label !== sites[site][0] ? c.label : null);
    if (hasArgs || c.entity_id !== null) call.push(hasArgs ? c.args : null);
    if (c.entity_id !== null) call.push(c.entity_id);
    calls.push(call);
    previousId = c.id;
  }
  return { frame: frame.frame, timestamp: frame.timestamp, duration_ms: frame.duration_ms, sites, calls,
    rollback: frame.rollback, overflow: frame.overflow, frames_lost: frame.frames_lost,
    ...(frame.skipped_kinds?.length ? { skipped_kinds: frame.skipped_kinds } : {}) };
}
