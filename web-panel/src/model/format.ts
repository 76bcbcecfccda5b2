// TypeScript mirror of the YAMS frame JSON (design section 4, docs/frame-format.md), the session-file forms
// and the WebSocket protocol v1 (docs/protocol.md), with readers that name what was wrong and where.
// The C++ definition is annotations/include/yams/frame.hpp; keep the two in step. The compact encoding's
// reader is ./compact.ts.
import { parseCompactFrame } from './compact';

export const FRAME_FORMAT_VERSION = 1;
export const PROTOCOL_VERSION = 1;

export type ArgValue = null | boolean | number | string;

/** One recorded call: an element of a frame's `calls`, pre-order (a parent precedes its children). */
export interface CallNode {
  id: number;
  parent_id: number | null;
  label: string;
  module: string;
  func: string;
  /** ms from the frame's start */
  start: number;
  /** ms */
  duration: number;
  args: Record<string, ArgValue>;
  entity_id: string | null;
  lua_code: boolean;
  lua_callback: boolean;
  // Extras beyond the design's keys.
  file: string;
  line: number;
  thread: number;
}

export interface RollbackInfo {
  triggered: boolean;
  /** epoch seconds */
  target_timestamp: number;
  frames_resimulated: number;
  snapshot_age_ms: number;
}

export interface FrameProfile {
  frame: number;
  /** epoch seconds at the frame's start */
  timestamp: number;
  duration_ms: number;
  calls: CallNode[];
  rollback: RollbackInfo | null;
  /** calls the runtime could not record (cap or full ring) */
  overflow: number;
  /** frames begun since the previous recorded frame that could not be recorded at all */
  frames_lost: number;
  /** the kinds of zones this frame did not record (`yams::set_recorded_kinds`); absent or empty: none */
  skipped_kinds?: ZoneKind[];
}

/** The kinds of zones, by their site's flags (`yams::zone_kind`). */
export const ZONE_KINDS = ['engine', 'lua_code', 'lua_callback'] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];

/**
 * Reads a frame's optional `skipped_kinds` as the C++ reader takes them; the frame's key only when there are
 * some (as the C++ writer writes it).
 */
export function skippedKinds(v: unknown, where: string): { skipped_kinds?: ZoneKind[] } {
  const kinds = parseKinds(v, where);
  return kinds.length ? { skipped_kinds: kinds } : {};
}

/** A status or hello's `recorded_kinds`, every kind when absent (servers before it record them all). */
function recordedKinds(v: unknown, where: string): ZoneKind[] {
  return v === undefined ? [...ZONE_KINDS] : parseKinds(v, where);
}

/** An array of distinct ZONE_KINDS names (none when absent). Throws FormatError naming the element at fault. */
function parseKinds(v: unknown, where: string): ZoneKind[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(where, `expected an array of zone kinds, got ${kind(v)}`);
  const out: ZoneKind[] = [];
  v.forEach((k: unknown, i) => {
    if (typeof k !== 'string' || !(ZONE_KINDS as readonly string[]).includes(k))
      fail(`${where}[${i}]`, `expected engine, lua_code or lua_callback, got ${JSON.stringify(k) ?? kind(k)}`);
    if (out.includes(k as ZoneKind)) fail(`${where}[${i}]`, `'${k}' listed twice`);
    out.push(k as ZoneKind);
  });
  return out;
}

export interface Session {
  session_id: string;
  /** epoch seconds */
  start_time: number;
  frames: FrameProfile[];
  /** a streaming file that its writer did not close: what is missing (absent when complete) */
  warnings?: string[];
}

/** Malformed input; the message names the place (`frames[3].calls[12].duration`, `line 7`) and the fault. */
export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatError';
  }
}

type Json = Record<string, unknown>;

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function fail(where: string, what: string): never {
  throw new FormatError(`${where}: ${what}`);
}

function object(v: unknown, where: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, `expected an object, got ${kind(v)}`);
  return v as Json;
}

function num(o: Json, key: string, where: string, fallback?: number): number {
  const v = o[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v === undefined && fallback !== undefined) return fallback;
  return fail(`${where}.${key}`, v === undefined ? 'missing number' : `expected a number, got ${kind(v)}`);
}

function str(o: Json, key: string, where: string, fallback?: string): string {
  const v = o[key];
  if (typeof v === 'string') return v;
  if (v === undefined && fallback !== undefined) return fallback;
  return fail(`${where}.${key}`, v === undefined ? 'missing string' : `expected a string, got ${kind(v)}`);
}

function bool(o: Json, key: string, where: string): boolean {
  const v = o[key];
  if (v === undefined || typeof v === 'boolean') return v === true;
  return fail(`${where}.${key}`, `expected a boolean, got ${kind(v)}`);
}

function nullableId(o: Json, key: string, where: string): number | null {
  const v = o[key];
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return fail(`${where}.${key}`, `expected a number or null, got ${kind(v)}`);
}

function args(v: unknown, where: string): Record<string, ArgValue> {
  if (v === undefined || v === null) return {};
  const o = object(v, where);
  for (const k in o) {
    const a = o[k];
    if (a !== null && typeof a !== 'boolean' && typeof a !== 'number' && typeof a !== 'string')
      fail(`${where}.${k}`, `expected null, a boolean, a number or a string, got ${kind(a)}`);
  }
  return o as Record<string, ArgValue>;
}

/**
 * Reads one call object. Like the C++ reader (docs/frame-format.md, reading rules) it requires `id`, `label`,
 * `module` and `func`; other missing keys take their defaults. A key of the wrong type is an error.
 */
export function parseCall(v: unknown, where: string): CallNode {
  const o = object(v, where);
  const entity = o.entity_id;
  if (entity !== undefined && entity !== null && typeof entity !== 'string')
    fail(`${where}.entity_id`, `expected a string or null, got ${kind(entity)}`);
  const duration = num(o, 'duration', where, 0);
  if (duration < 0) fail(`${where}.duration`, `must not be negative (${duration})`);
  return {
    id: num(o, 'id', where),
    parent_id: nullableId(o, 'parent_id', where),
    label: str(o, 'label', where),
    module: str(o, 'module', where),
    func: str(o, 'func', where),
    start: num(o, 'start', where, 0),
    duration,
    args: args(o.args, `${where}.args`),
    entity_id: (entity as string | null | undefined) ?? null,
    lua_code: bool(o, 'lua_code', where),
    lua_callback: bool(o, 'lua_callback', where),
    file: str(o, 'file', where, ''),
    line: num(o, 'line', where, 0),
    thread: num(o, 'thread', where, 0),
  };
}

function parseRollback(v: unknown, where: string): RollbackInfo | null {
  if (v === null || v === undefined) return null;
  const o = object(v, where);
  return {
    triggered: o.triggered === undefined ? true : bool(o, 'triggered', where),
    target_timestamp: num(o, 'target_timestamp', where),
    frames_resimulated: num(o, 'frames_resimulated', where),
    snapshot_age_ms: num(o, 'snapshot_age_ms', where),
  };
}

/** Reads one frame object (`where` prefixes error messages). Throws FormatError. */
export function parseFrame(v: unknown, where = 'frame'): FrameProfile {
  const o = object(v, where);
  const calls = o.calls ?? [];
  if (!Array.isArray(calls)) fail(`${where}.calls`, `expected an array, got ${kind(calls)}`);
  const parsed = new Array<CallNode>(calls.length);
  for (let i = 0; i < calls.length; ++i) parsed[i] = parseCall(calls[i], `${where}.calls[${i}]`);
  return {
    frame: num(o, 'frame', where),
    timestamp: num(o, 'timestamp', where, 0),
    duration_ms: num(o, 'duration_ms', where, 0),
    calls: parsed,
    rollback: parseRollback(o.rollback, `${where}.rollback`),
    overflow: num(o, 'overflow', where, 0),
    frames_lost: num(o, 'frames_lost', where, 0),
    ...skippedKinds(o.skipped_kinds, `${where}.skipped_kinds`),
  };
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail(where, `not valid JSON (${(e as Error).message})`);
  }
}

// Reads the streaming form as the C++ reader does (docs/session-files.md): frames up to the end line
// `{"yams_session_end":1,"frames":N}` that a closed writer leaves; without it (the game was killed
// while recording) every complete frame, a truncated last line ignored, and a warning.
function parseStreamingSession(text: string, name: string): Session {
  const lines = text.split('\n');
  const header = object(parseJson(lines[0], `${name} line 1`), `${name} line 1`);
  const session: Session = {
    session_id: str(header, 'session_id', `${name} line 1`),
    start_time: num(header, 'start_time', `${name} line 1`),
    frames: [],
  };
  let ended = false;
  let truncated = false;
  for (let i = 1; i < lines.length; ++i) {
    const line = lines[i].trim();
    if (line === '') continue;
    const where = `${name} line ${i + 1}`;
    if (ended) fail(where, 'expected nothing after the end line');
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      if (i < lines.length - 1) fail(where, `not valid JSON (${(e as Error).message})`);
      session.warnings = [`${where}: truncated last line ignored`];
      truncated = true;
      break;
    }
    const o = object(value, where);
    if ('yams_session_end' in o) {
      if (o.yams_session_end !== 1) fail(where, 'expected "yams_session_end": 1 (a newer session format?)');
      if (o.frames !== session.frames.length)
        fail(where, `expected "frames": ${session.frames.length} in the end line (the frames before it), found ${JSON.stringify(o.frames)}`);
      ended = true;
      continue;
    }
    session.frames.push(parseFrame(o, where));
  }
  if (!ended && !truncated)
    session.warnings = [`${name}: no end line: the recording was not closed (the process stopped?); ` +
                        `${session.frames.length} complete frames read`];
  return session;
}

/**
 * Reads a session file of either form: the document `{"session_id","start_time","frames":[...]}` or the
 * streaming form (header line with `yams_session`, then one frame per line). Throws FormatError.
 */
export function parseSessionText(text: string, name = 'session file'): Session {
  const trimmed = text.trimStart();
  if (trimmed === '') fail(name, 'the file is empty');
  if (!trimmed.startsWith('{')) fail(name, 'not a YAMS session: expected a JSON object at the start');
  const firstLine = trimmed.slice(0, trimmed.indexOf('\n') >>> 0);
  if (/"yams_session"\s*:/.test(firstLine) && firstLine.trimEnd().endsWith('}'))
    return parseStreamingSession(trimmed, name);
  const o = object(parseJson(trimmed, name), name);
  if (!Array.isArray(o.frames)) fail(`${name}.frames`, o.frames === undefined ? 'missing array' : `expected an array, got ${kind(o.frames)}`);
  return {
    session_id: str(o, 'session_id', name, ''),
    start_time: num(o, 'start_time', name, 0),
    frames: o.frames.map((f, i) => parseFrame(f, `${name}.frames[${i}]`)),
  };
}

/** The session in document form, as the C++ writer produces it. */
export function sessionToText(session: Session): string {
  return JSON.stringify({ session_id: session.session_id, start_time: session.start_time, frames: session.frames });
}

// ---- WebSocket protocol v1 ----

export interface HelloMessage {
  type: 'hello';
  protocol_version: number;
  session_id: string;
  start_time: number;
  enabled: boolean;
  history_size: number;
  replay: boolean;
  /** a replay's file name (`yams serve FILE`); '' from a live server, a replay given none, or older servers */
  replay_file: string;
  /** frame encodings the server offers (set_encoding); only `json` from servers before the compact one */
  encodings: FrameEncoding[];
  /** the encoding this connection starts in (`/ws?encoding=`); `json` from servers that do not say */
  encoding: FrameEncoding;
  /** the kinds of zones the game records (set_recorded_kinds); every kind from servers that do not say */
  recorded_kinds: ZoneKind[];
}
/** How the server writes frames for this client: the frame JSON, or the compact encoding it negotiated. */
export type FrameEncoding = 'json' | 'compact';
/** A history, or one part of one: a replayed session's comes in several messages, each but the last
 *  marked `more` (absent: false). */
export interface HistoryMessage { type: 'history'; frames: FrameProfile[]; encoding: FrameEncoding; more: boolean }
export interface FrameMessage { type: 'profile_frame'; data: FrameProfile; encoding: FrameEncoding }
export interface StatusMessage { type: 'status'; enabled: boolean; dropped: number; recorded_kinds: ZoneKind[] }
export interface ErrorMessage { type: 'error'; message: string }
/** The reply to set_encoding: frames after it come in `encoding`. */
export interface EncodingMessage { type: 'encoding'; encoding: FrameEncoding }
export type ServerMessage = HelloMessage | HistoryMessage | FrameMessage | StatusMessage | ErrorMessage | EncodingMessage;

export type ClientCommand = 'enable_profiling' | 'disable_profiling' | 'get_history' | 'get_status';

function encodingOf(o: Json, where: string): FrameEncoding {
  const e = o.encoding;
  if (e === undefined || e === 'json') return 'json';
  if (e === 'compact') return 'compact';
  return fail(`${where}.encoding`, `unknown encoding ${JSON.stringify(e)} (expected json or compact)`);
}

function encodings(v: unknown, where: string): FrameEncoding[] {
  if (v === undefined) return ['json'];
  if (!Array.isArray(v)) fail(`${where}.encodings`, `expected an array, got ${kind(v)}`);
  return v.filter((e): e is FrameEncoding => e === 'json' || e === 'compact');
}

/** Reads one server→client message. Throws FormatError naming the fault. */
export function parseServerMessage(text: string): ServerMessage {
  const o = object(parseJson(text, 'message'), 'message');
  const type = str(o, 'type', 'message');
  const where = `${type} message`;
  switch (type) {
    case 'hello':
      return {
        type,
        protocol_version: num(o, 'protocol_version', where),
        session_id: str(o, 'session_id', where),
        start_time: num(o, 'start_time', where, 0),
        enabled: bool(o, 'enabled', where),
        history_size: num(o, 'history_size', where, 0),
        replay: bool(o, 'replay', where),
        replay_file: str(o, 'replay_file', where, ''),
        encodings: encodings(o.encodings, where),
        encoding: encodingOf(o, where),
        recorded_kinds: recordedKinds(o.recorded_kinds, `${where}.recorded_kinds`),
      };
    case 'history': {
      if (!Array.isArray(o.frames)) fail(`${where}.frames`, `expected an array, got ${kind(o.frames)}`);
      const encoding = encodingOf(o, where);
      const read = encoding === 'compact' ? parseCompactFrame : parseFrame;
      return { type, encoding, frames: o.frames.map((f, i) => read(f, `${where}.frames[${i}]`)),
               more: bool(o, 'more', where) };
    }
    case 'profile_frame': {
      const encoding = encodingOf(o, where);
      const read = encoding === 'compact' ? parseCompactFrame : parseFrame;
      return { type, encoding, data: read(o.data, `${where}.data`) };
    }
    case 'encoding':
      return { type, encoding: encodingOf(o, where) };
    case 'status':
      return { type, enabled: bool(o, 'enabled', where), dropped: num(o, 'dropped', where, 0),
               recorded_kinds: recordedKinds(o.recorded_kinds, `${where}.recorded_kinds`) };
    case 'error':
      return { type, message: str(o, 'message', where) };
    default:
      return fail('message.type', `unknown message type "${type}"`);
  }
}
