// Frame, session-file and protocol readers: what they accept and the messages they give for bad input.
import { describe, expect, it } from 'vitest';
import { FormatError, parseFrame, parseServerMessage, parseSessionText, sessionToText } from './format';

const call = (id: number, parent: number | null, extra: object = {}) => ({
  id, parent_id: parent, label: `c${id}`, module: 'm', func: 'f', start: id, duration: 1, args: {},
  entity_id: null, lua_code: false, lua_callback: false, ...extra,
});
const frame = (n: number, extra: object = {}) => ({
  frame: n, timestamp: 1000 + n / 60, duration_ms: 16, calls: [call(1, null), call(2, 1)], rollback: null, ...extra,
});

describe('parseFrame', () => {
  it('reads every key of the contract and the extras', () => {
    const f = parseFrame(frame(7, {
      overflow: 3,
      frames_lost: 2,
      rollback: { triggered: true, target_timestamp: 999.5, frames_resimulated: 8, snapshot_age_ms: 12.3 },
      calls: [call(1, null, { file: '/src/a.cpp', line: 42, thread: 2, entity_id: 'duck_1', lua_code: true,
                              args: { dt: 0.016, name: 'x', ok: true, none: null } })],
    }));
    expect(f.frame).toBe(7);
    expect(f.overflow).toBe(3);
    expect(f.frames_lost).toBe(2);
    expect(f.rollback).toEqual({ triggered: true, target_timestamp: 999.5, frames_resimulated: 8, snapshot_age_ms: 12.3 });
    expect(f.calls[0]).toMatchObject({ file: '/src/a.cpp', line: 42, thread: 2, entity_id: 'duck_1', lua_code: true });
    expect(f.calls[0].args).toEqual({ dt: 0.016, name: 'x', ok: true, none: null });
  });

  it('defaults the keys the design sample leaves out', () => {
    const f = parseFrame({ frame: 1, calls: [{ id: 5, label: 'Frame', module: 'm', func: 'f' }] });
    expect(f.calls[0]).toMatchObject({ parent_id: null, start: 0, duration: 0, args: {}, entity_id: null,
                                       lua_code: false, lua_callback: false, file: '', line: 0, thread: 0 });
    expect(f).toMatchObject({ timestamp: 0, duration_ms: 0, rollback: null, overflow: 0, frames_lost: 0 });
    expect(parseFrame({ frame: 1843 }).calls).toEqual([]);
  });

  it('reads the kinds a frame did not record, and names a bad list', () => {
    expect(parseFrame(frame(1, { skipped_kinds: ['engine', 'lua_callback'] })).skipped_kinds)
      .toEqual(['engine', 'lua_callback']);
    expect(parseFrame(frame(1)).skipped_kinds).toBeUndefined();
    expect(parseFrame(frame(1, { skipped_kinds: [] })).skipped_kinds).toBeUndefined();
    expect(() => parseFrame(frame(1, { skipped_kinds: 'lua_code' })))
      .toThrow(new FormatError('frame.skipped_kinds: expected an array of zone kinds, got string'));
    expect(() => parseFrame(frame(1, { skipped_kinds: ['lua_code', 'scripts'] })))
      .toThrow(new FormatError('frame.skipped_kinds[1]: expected engine, lua_code or lua_callback, got "scripts"'));
    expect(() => parseFrame(frame(1, { skipped_kinds: ['lua_code', 'lua_code'] })))
      .toThrow(new FormatError("frame.skipped_kinds[1]: 'lua_code' listed twice"));
  });

  it('names the key and the call that is wrong', () => {
    const bad = frame(1);
    (bad.calls[1] as Record<string, unknown>).duration = '2ms';
    expect(() => parseFrame(bad)).toThrow(new FormatError('frame.calls[1].duration: expected a number, got string'));
    expect(() => parseFrame({ frame: 1, calls: {} })).toThrow('frame.calls: expected an array, got object');
    expect(() => parseFrame({ frame: 1, calls: [{ id: 1, label: 'x', func: 'f' }] })).toThrow('frame.calls[0].module: missing string');
    expect(() => parseFrame({ frame: 1, calls: [{ ...call(1, null), args: { v: [1] } }] }))
      .toThrow('frame.calls[0].args.v: expected null, a boolean, a number or a string, got array');
    expect(() => parseFrame({ frame: 1, calls: [call(1, null, { duration: -1 })] })).toThrow('must not be negative');
  });
});

describe('parseSessionText', () => {
  it('reads the document form', () => {
    const s = parseSessionText(JSON.stringify({ session_id: 's1', start_time: 5, frames: [frame(1), frame(2)] }));
    expect(s.session_id).toBe('s1');
    expect(s.frames.map((f) => f.frame)).toEqual([1, 2]);
  });

  it('reads the streaming form and round-trips through the writer', () => {
    const text = [JSON.stringify({ yams_session: 1, session_id: 's2', start_time: 9 }),
                  JSON.stringify(frame(3)), '', JSON.stringify(frame(4)), '{"yams_session_end":1,"frames":2}', ''].join('\n');
    const s = parseSessionText(text);
    expect(s).toMatchObject({ session_id: 's2', start_time: 9 });
    expect(s.frames.map((f) => f.frame)).toEqual([3, 4]);
    expect(s.warnings).toBeUndefined();
    expect(parseSessionText(sessionToText(s))).toEqual(s);
  });

  it('reads a streaming file its writer did not close, with a warning', () => {
    const head = `{"yams_session":1,"session_id":"s","start_time":1}\n${JSON.stringify(frame(1))}\n`;
    const unclosed = parseSessionText(head, 'u.jsonl');
    expect(unclosed.frames.map((f) => f.frame)).toEqual([1]);
    expect(unclosed.warnings).toEqual(['u.jsonl: no end line: the recording was not closed (the process stopped?); 1 complete frames read']);
    const cut = parseSessionText(head + JSON.stringify(frame(2)).slice(0, 20), 't.jsonl');
    expect(cut.frames.map((f) => f.frame)).toEqual([1]);
    expect(cut.warnings).toEqual(['t.jsonl line 3: truncated last line ignored']);
  });

  it('checks the end line', () => {
    const head = `{"yams_session":1,"session_id":"s","start_time":1}\n${JSON.stringify(frame(1))}\n`;
    expect(() => parseSessionText(head + '{"yams_session_end":1,"frames":2}\n', 'e.jsonl'))
      .toThrow('e.jsonl line 3: expected "frames": 1 in the end line (the frames before it), found 2');
    expect(() => parseSessionText(head + `{"yams_session_end":1,"frames":1}\n${JSON.stringify(frame(2))}\n`, 'e.jsonl'))
      .toThrow('e.jsonl line 4: expected nothing after the end line');
  });

  it('gives clear errors for malformed files', () => {
    expect(() => parseSessionText('', 'a.json')).toThrow('a.json: the file is empty');
    expect(() => parseSessionText('hello', 'a.json')).toThrow('a.json: not a YAMS session');
    expect(() => parseSessionText('{"session_id":"x","frames":[', 'a.json')).toThrow(/^a\.json: not valid JSON/);
    expect(() => parseSessionText('{"session_id":"x"}', 'a.json')).toThrow('a.json.frames: missing array');
    const stream = `{"yams_session":1,"session_id":"s","start_time":1}\n${JSON.stringify(frame(1))}\n{"frame":2,"calls":[{"id":1}]}\n`;
    expect(() => parseSessionText(stream, 'b.jsonl')).toThrow('b.jsonl line 3.calls[0].label: missing string');
    expect(() => parseSessionText('{"yams_session":1,"session_id":"s","start_time":1}\n{oops\n', 'c'))
      .toThrow(/^c line 2: not valid JSON/);
  });
});

describe('parseServerMessage', () => {
  it('reads each message type', () => {
    expect(parseServerMessage('{"type":"hello","protocol_version":1,"session_id":"s","start_time":1,"enabled":true,"history_size":3,"replay":false}'))
      .toEqual({ type: 'hello', protocol_version: 1, session_id: 's', start_time: 1, enabled: true, history_size: 3, replay: false,
                 replay_file: '', encodings: ['json'], encoding: 'json',  // a server without set_encoding: JSON only
                 recorded_kinds: ['engine', 'lua_code', 'lua_callback'] });  // nor set_recorded_kinds: every kind
    expect(parseServerMessage('{"type":"hello","protocol_version":1,"session_id":"s","start_time":1,"enabled":true,"history_size":3,"replay":false,"encodings":["json","compact"],"encoding":"compact"}'))
      .toMatchObject({ encodings: ['json', 'compact'], encoding: 'compact' });
    // A replay names its file (servers before the key do not: '').
    expect(parseServerMessage('{"type":"hello","protocol_version":1,"session_id":"s","start_time":1,"enabled":false,"history_size":300,"replay":true,"replay_file":"run.jsonl"}'))
      .toMatchObject({ replay: true, replay_file: 'run.jsonl', history_size: 300 });
    expect(parseServerMessage(JSON.stringify({ type: 'history', frames: [frame(1)] }))).toMatchObject({ type: 'history', frames: [{ frame: 1 }], more: false });
    expect(parseServerMessage(JSON.stringify({ type: 'history', frames: [frame(1)], more: true }))).toMatchObject({ more: true });
    expect(parseServerMessage(JSON.stringify({ type: 'profile_frame', data: frame(2) }))).toMatchObject({ data: { frame: 2 } });
    expect(parseServerMessage('{"type":"status","enabled":false,"dropped":4}'))
      .toEqual({ type: 'status', enabled: false, dropped: 4, recorded_kinds: ['engine', 'lua_code', 'lua_callback'] });
    expect(parseServerMessage('{"type":"status","enabled":true,"dropped":0,"recorded_kinds":["lua_code"]}'))
      .toMatchObject({ recorded_kinds: ['lua_code'] });
    expect(parseServerMessage('{"type":"status","enabled":true,"dropped":0,"recorded_kinds":[]}'))
      .toMatchObject({ recorded_kinds: [] });
    expect(() => parseServerMessage('{"type":"status","enabled":true,"dropped":0,"recorded_kinds":["x"]}'))
      .toThrow('status message.recorded_kinds[0]: expected engine, lua_code or lua_callback, got "x"');
    expect(parseServerMessage('{"type":"error","message":"no"}')).toEqual({ type: 'error', message: 'no' });
  });

  it('rejects unknown or broken messages by name', () => {
    expect(() => parseServerMessage('{"type":"bogus"}')).toThrow('message.type: unknown message type "bogus"');
    expect(() => parseServerMessage('{"type":"profile_frame","data":{"frame":"1"}}'))
      .toThrow('profile_frame message.data.frame: expected a number, got string');
    expect(() => parseServerMessage('{"type":"history","frames":[],"more":1}')).toThrow('history message.more: expected a boolean, got number');
  });
});
