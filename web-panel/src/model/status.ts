// What the panel says about where its frames come from and what is missing from them: the frame strip's
// mode (live, paused, a replay, disconnected), the frames the game lost, and the connection while it is
// down (a replay's server that ended it with an error included). Texts only; the views place them.

import type { ZoneKind } from './format';

/** A server replaying a saved session (`yams serve FILE`): its file's name ('' when the server names none)
 *  and how many frames the session holds. */
export interface ReplayInfo { file: string; frames: number }

export interface ModeState {
  paused: boolean;
  /** frames received since the view paused */
  sincePause: number;
  /** the game's server is gone: the frames are the last ones received */
  disconnected: boolean;
  /** live from a game whose profiling is off */
  profilingOff: boolean;
  /** set when the server replays a saved session (whose profiling is always "off": there is no game) */
  replay: ReplayInfo | null;
}

/** `n` and the noun, singular for 1: `1 call`, `1,200 calls`. */
export const count = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The frame strip's mode: `paused · 12 newer frames`, `disconnected · …`, `replay · run.jsonl · 300 frames`,
 *  `live · profiling is off in the game` (never for a replay) or `live`. */
export function modeText(s: ModeState): string {
  if (s.paused) return s.sincePause ? `paused · ${count(s.sincePause, 'newer frame')}` : 'paused';
  if (s.disconnected) return 'disconnected · the last frames received';
  if (s.replay) return ['replay', s.replay.file, count(s.replay.frames, 'frame')].filter((t) => t).join(' · ');
  return s.profilingOff ? 'live · profiling is off in the game' : 'live';
}

/** A rollback's re-simulated frames, e.g. `6 frames resimulated` (the strip's caption and tooltip, the
 *  timeline's bands). */
export function resimulatedText(frames: number): string {
  return `${count(frames, 'frame')} resimulated`;
}

/** The frames the game began but could not record (the `frames_lost` of the frames received), or '' for none. */
export function lostText(lost: number): string {
  return lost ? `the game lost ${count(lost, 'frame')}` : '';
}

/** How the panel names each kind of zone (the flame graph's legend says `script code`, `script API callback`). */
export const KIND_TEXT: Record<ZoneKind, string> = { engine: 'engine zones', lua_code: 'script code', lua_callback: 'API callbacks' };

/** What a frame's `skipped_kinds` left out, e.g. `API callbacks not recorded`, or '' for nothing. */
export function skippedText(kinds: readonly ZoneKind[] | undefined): string {
  if (!kinds?.length) return '';
  const names = kinds.map((k) => KIND_TEXT[k]);
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0];
  return `${list} not recorded`;
}

export interface Disconnection {
  /** host:port of the game's server */
  host: string;
  /** the server was replaying a saved session (`yams serve`), not running a game */
  replay: boolean;
  /** when the connection was lost (epoch ms), or null when it never opened */
  since: number | null;
  /** connection attempts since then that failed */
  attempts: number;
  /** why the server ended the connection with an error (close code 1011), else null */
  fault: string | null;
  /** no reconnection until asked: a replay's server ended the connection with an error (`fault`) */
  halted: boolean;
}

/** The disconnection to speak of: none while open, nor while the page first connects (no connection lost
 *  yet, no attempt failed yet). */
export function disconnection(open: boolean, lostAt: number | null, attempts: number, host: string,
                              replay: boolean, fault: string | null = null, halted = false): Disconnection | null {
  return open || (lostAt === null && attempts === 0) ? null
    : { host, since: lostAt, attempts, replay, fault, halted };
}

/** What the panel says while it has no connection: which server, since when, why when the server said (an
 *  error), and whether it keeps trying; `newest`: the newest frame kept, for a halted replay. */
export function disconnectedText(d: Disconnection, newest?: number): string {
  const tries = d.attempts ? ` (${count(d.attempts, 'attempt')} so far)` : '';
  const server = d.replay ? 'The replay server (yams serve)' : 'The game\'s server';
  if (d.since === null && !d.fault)
    return `Cannot reach the game's server at ${d.host}; trying again every few seconds${tries}.`;
  const at = d.since === null ? '' : ` at ${new Date(d.since).toLocaleTimeString('en-GB')}`;
  if (d.halted) {
    const kept = newest === undefined ? 'No frame arrived before it' : `The frames received up to frame ${newest} are kept`;
    return `${server} at ${d.host} stopped sending the session${at}: ${d.fault}. ${kept}. The panel does not ` +
           `reconnect by itself: each attempt makes the server read the session again up to that point.`;
  }
  if (d.fault)
    return `${server} at ${d.host} ended the connection with an error${at}: ${d.fault}. Showing the last frames ` +
           `received and reconnecting by itself${tries}.`;
  return `${server} at ${d.host} went away${at}; showing the last frames received and reconnecting by itself${tries}.`;
}
