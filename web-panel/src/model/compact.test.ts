// The compact frame reader: it gives exactly the frames the JSON form gives (the docs' example as the C++
// writer spells it, and frames encoded here), and names what is wrong in malformed input.
import { describe, expect, it } from 'vitest';
import { parseCompactFrame, toCompactFrame } from './compact';
import { FormatError, parseFrame, parseServerMessage, type FrameProfile } from './format';

// docs/frame-format.md's example in both encodings; test/runtime/compact_json_test.cpp checks that the C++
// writer produces this compact text from that frame.
const EXAMPLE_JSON = '{"frame":1842,"timestamp":1743953561.882,"duration_ms":16.2,"calls":[' +
  '{"id":84291,"parent_id":null,"label":"Frame","module":"game_engine","func":"update","start":0.0,"duration":16.2,' +
  '"args":{"dt":0.0166},"entity_id":null,"lua_code":false,"lua_callback":false,' +
  '"file":"examples/duckhunt/src/engine.cpp","line":41,"thread":1},' +
  '{"id":84292,"parent_id":84291,"label":"ams.set_vy","module":"lua_api","func":"set_vy","start":0.6,"duration":0.1,' +
  '"args":{"entity_id":"duck_42","vy":533.7},"entity_id":"duck_42","lua_code":false,"lua_callback":true,' +
  '"file":"examples/duckhunt/src/lua_api.cpp","line":88,"thread":1}],' +
  '"rollback":{"triggered":true,"target_timestamp":1743953561.75,"frames_resimulated":8,"snapshot_age_ms":12.3},' +
  '"overflow":0,"frames_lost":0}';
const EXAMPLE_COMPACT = '{"frame":1842,"timestamp":1743953561.882,"duration_ms":16.2,"sites":[' +
  '["Frame","game_engine","update","examples/duckhunt/src/engine.cpp",41,false,false,1],' +
  '["ams.set_vy","lua_api","set_vy","examples/duckhunt/src/lua_api.cpp",88,false,true,1]],' +
  '"calls":[[84291,null,0,0.0,16.2,null,{"dt":0.0166}],[1,1,1,0.6,0.1,null,{"entity_id":"duck_42","vy":533.7},"duck_42"]],' +
  '"rollback":{"triggered":true,"target_timestamp":1743953561.75,"frames_resimulated":8,"snapshot_age_ms":12.3},' +
  '"overflow":0,"frames_lost":0}';

/** A frame like the benchmark's: one root, systems, entities with formatted labels and args, a worker thread. */
function bigFrame(n: number): FrameProfile {
  const calls: FrameProfile['calls'] = [];
  let id = 1000 * n;
  const add = (parent: number | null, label: string, func: string, extra: Partial<FrameProfile['calls'][0]> = {}) => {
    calls.push({ id: ++id, parent_id: parent, label, module: 'game', func, start: id / 7, duration: 1 / 3, args: {},
      entity_id: null, lua_code: false, lua_callback: false, file: 'src/game.cpp', line: func.length, thread: 1, ...extra });
    return id;
  };
  const root = add(null, 'Frame', 'update');
  for (let s = 0; s < 5; ++s) {
    const sys = add(root, 'System Update', 'update_system');
    for (let e = 0; e < 9; ++e)
      add(sys, `Entity duck_${e}`, 'on_entity_update', { lua_code: true, args: { i: e, big: 1e21, b: e % 2 === 0, n: null },
        entity_id: e % 3 === 0 ? `duck_${e}` : null });
  }
  add(null, 'Worker', 'work', { thread: 2, id: 5 });
  return { frame: n, timestamp: 1743953561 + n / 60, duration_ms: 16.5, calls,
    rollback: n % 2 ? null : { triggered: true, target_timestamp: 1.5, frames_resimulated: 3, snapshot_age_ms: 2.25 },
    overflow: n, frames_lost: 1 };
}

describe('parseCompactFrame', () => {
  it('reads the C++ writer\'s text of the docs example as the JSON form reads', () => {
    expect(parseCompactFrame(JSON.parse(EXAMPLE_COMPACT))).toEqual(parseFrame(JSON.parse(EXAMPLE_JSON)));
  });

  it('round-trips frames: compact and JSON forms decode to the same frame', () => {
    for (const n of [1, 2, 3]) {
      const f = bigFrame(n);
      const viaJson = parseFrame(JSON.parse(JSON.stringify(f)));
      const compactText = JSON.stringify(toCompactFrame(f));
      expect(parseCompactFrame(JSON.parse(compactText))).toEqual(viaJson);
      expect(compactText.length).toBeLessThan(JSON.stringify(f).length / 2);
    }
  });

  it('carries the kinds a frame did not record, only when there are some', () => {
    const f: FrameProfile = { ...bigFrame(2), skipped_kinds: ['lua_callback'] };
    const c = toCompactFrame(f);
    expect(c.skipped_kinds).toEqual(['lua_callback']);
    expect(parseCompactFrame(JSON.parse(JSON.stringify(c)))).toEqual(parseFrame(JSON.parse(JSON.stringify(f))));
    expect(parseCompactFrame(JSON.parse(JSON.stringify(c))).skipped_kinds).toEqual(['lua_callback']);
    expect('skipped_kinds' in toCompactFrame(bigFrame(2))).toBe(false);
  });

  it('writes each site once and a label only where it differs from its site\'s', () => {
    const c = toCompactFrame(bigFrame(1)) as { sites: unknown[]; calls: unknown[][] };
    expect(c.sites).toHaveLength(4);
    expect(c.calls[2]).toEqual([1, 1, 2, expect.any(Number), 1 / 3, null, { i: 0, big: 1e21, b: true, n: null }, 'duck_0']);
    expect(c.calls[3][5]).toBe('Entity duck_1');
  });

  it('names what is wrong in malformed input', () => {
    const bad = (mutate: (o: { sites: unknown[]; calls: unknown[] }) => void) => {
      const o = JSON.parse(EXAMPLE_COMPACT);
      mutate(o);
      return () => parseCompactFrame(o);
    };
    expect(() => parseCompactFrame([])).toThrow('compact frame: expected an object, got array');
    expect(bad((o) => delete (o as Partial<typeof o>).sites)).toThrow('compact frame.sites: missing array (not a compact frame)');
    expect(bad((o) => (o.sites[0] = ['Frame']))).toThrow('compact frame.sites[0]: expected [label, module');
    expect(bad((o) => (o.calls[1] = [1, 1, 9, 0, 1]))).toThrow('compact frame.calls[1][2]: site 9 out of range (2 sites)');
    expect(bad((o) => (o.calls[0] = [1, null, 0]))).toThrow('compact frame.calls[0]: expected [id_delta');
    expect(bad((o) => (o.calls[0] = [1, null, 0, 'x', 1]))).toThrow('compact frame.calls[0][3]: expected a number, got string');
    expect(bad((o) => (o.calls[0] = [1, null, 0, 0, 1, null, [1]]))).toThrow('compact frame.calls[0][6]: expected an object or null');
    expect(bad((o) => (o.calls[0] = [1, null, 0, 0, -1]))).toThrow(FormatError);
  });
});

describe('compact protocol messages', () => {
  it('reads compact frames and history, and the encoding reply', () => {
    const data = JSON.parse(EXAMPLE_COMPACT);
    const expected = parseFrame(JSON.parse(EXAMPLE_JSON));
    expect(parseServerMessage(JSON.stringify({ type: 'profile_frame', encoding: 'compact', data })))
      .toEqual({ type: 'profile_frame', encoding: 'compact', data: expected });
    expect(parseServerMessage(JSON.stringify({ type: 'history', encoding: 'compact', frames: [data, data] })))
      .toEqual({ type: 'history', encoding: 'compact', frames: [expected, expected], more: false });
    expect(parseServerMessage('{"type":"encoding","encoding":"compact"}')).toEqual({ type: 'encoding', encoding: 'compact' });
  });

  it('reports unknown encodings and compact frames that are not', () => {
    expect(() => parseServerMessage('{"type":"profile_frame","encoding":"msgpack","data":{}}'))
      .toThrow('profile_frame message.encoding: unknown encoding "msgpack" (expected json or compact)');
    expect(() => parseServerMessage(`{"type":"profile_frame","encoding":"compact","data":${EXAMPLE_JSON}}`))
      .toThrow('profile_frame message.data.sites: missing array (not a compact frame)');
  });
});
