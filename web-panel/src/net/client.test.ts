// The client against a real WebSocket server (the `ws` package) on 127.0.0.1: messages, commands,
// reconnection after the server restarts, a different session noticed, and a server that ends the
// connection with an error (a replay's halts the client until reconnect(); a live one's is retried).
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProfilerClient, socketUrl, unreadableHistory, withEncoding, withHistoryParts, type SocketLike } from './client';
import type { FrameProfile } from '../model/format';

const hello = (session: string) => JSON.stringify({ type: 'hello', protocol_version: 1, session_id: session,
  start_time: 1, enabled: true, history_size: 0, replay: false });
const frameMsg = (n: number) => JSON.stringify({ type: 'profile_frame', data: { frame: n, timestamp: 1, duration_ms: 2, calls: [], rollback: null } });

function startServer(port: number, session: string, commands: string[]): Promise<WebSocketServer> {
  return new Promise((resolve) => {
    const wss: WebSocketServer = new WebSocketServer({ host: '127.0.0.1', port, path: '/ws' }, () => resolve(wss));
    wss.on('connection', (ws) => {
      ws.send(hello(session));
      ws.send(JSON.stringify({ type: 'history', frames: [] }));
      ws.send(frameMsg(1));
      ws.send('{"type":"profile_frame","data":{"frame":"two"}}');
      ws.on('message', (m) => {
        commands.push(String(m));
        ws.send('{"type":"status","enabled":false,"dropped":0}');
      });
    });
  });
}
const closeServer = (wss: WebSocketServer) => new Promise<void>((r) => {
  for (const c of wss.clients) c.terminate();
  wss.close(() => r());
});
/** A `ws` server on 127.0.0.1 and a free port, path /ws, calling `connected` for each connection. */
const listen = (connected: (ws: WebSocket, request: IncomingMessage) => void) => new Promise<WebSocketServer>((resolve) => {
  const server: WebSocketServer = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' }, () => resolve(server));
  server.on('connection', connected);
});
const portOf = (wss: WebSocketServer) => (wss.address() as AddressInfo).port;
const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

describe('ProfilerClient', () => {
  it('builds the socket URL from the page, passing a token on', () => {
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:8765', search: '' })).toBe('ws://127.0.0.1:8765/ws');
    expect(socketUrl({ protocol: 'https:', host: 'h', search: '?token=a b' })).toBe('wss://h/ws?token=a%20b');
    expect(withEncoding('wss://h/ws?token=a%20b', 'compact')).toBe('wss://h/ws?token=a%20b&encoding=compact');
    expect(withEncoding('ws://h/ws', 'compact')).toBe('ws://h/ws?encoding=compact');
    expect(withHistoryParts('ws://h/ws?encoding=compact')).toBe('ws://h/ws?encoding=compact&history=parts');
    expect(withHistoryParts('ws://h/ws')).toBe('ws://h/ws?history=parts');
  });

  it('reads messages, sends commands, reconnects and notices a new session', async () => {
    const commands: string[] = [];
    let wss = await startServer(0, 'first', commands);
    const port = (wss.address() as AddressInfo).port;
    const frames: number[] = [];
    const errors: string[] = [];
    const hellos: [string, string | null][] = [];
    const statuses: boolean[] = [];
    const kinds: string[][] = [];
    const client = new ProfilerClient(`ws://127.0.0.1:${port}/ws`, {
      hello: (h, prev) => hellos.push([h.session_id, prev]),
      frame: (f) => frames.push(f.frame),
      status: (s) => { statuses.push(s.enabled); kinds.push(s.recorded_kinds); },
      error: (m) => errors.push(m),
    }, { minDelayMs: 20, maxDelayMs: 100, socket: (u) => new WebSocket(u) as unknown as SocketLike });
    client.start();
    cleanup.push(async () => client.stop());
    await until(() => frames.length === 1 && errors.length === 1);
    expect(errors[0]).toContain('profile_frame message.data.frame: expected a number, got string');
    expect(client.send('disable_profiling')).toBe(true);
    await until(() => statuses.length === 1);
    expect(commands).toEqual(['{"command":"disable_profiling"}']);
    expect(kinds).toEqual([['engine', 'lua_code', 'lua_callback']]);  // a server that does not say records every kind
    expect(client.setRecordedKinds(['lua_code'])).toBe(true);
    await until(() => statuses.length === 2);
    expect(commands[1]).toBe('{"command":"set_recorded_kinds","kinds":["lua_code"]}');

    await closeServer(wss);
    await until(() => client.state !== 'open');
    wss = await startServer(port, 'second', commands);
    cleanup.push(() => closeServer(wss));
    await until(() => hellos.length === 2, 5000);
    expect(hellos).toEqual([['first', null], ['second', 'first']]);
    expect(frames).toEqual([1, 1]);
  });

  it('asks for the compact encoding when a server that ignored ?encoding= offers it, and reads compact frames', async () => {
    const commands: string[] = [];
    const wss = await listen((ws) => {
      ws.send(JSON.stringify({ ...JSON.parse(hello('s')), encodings: ['json', 'compact'] }));
      ws.send(JSON.stringify({ type: 'history', frames: [] }));
      ws.on('message', (m) => {
        commands.push(String(m));
        ws.send('{"type":"encoding","encoding":"compact"}');
        ws.send('{"type":"profile_frame","encoding":"compact","data":{"frame":5,"sites":[["F","m","f","a.cpp",1,false,false,1]],"calls":[[7,null,0,0.0,1.5]]}}');
        ws.send('{"type":"profile_frame","encoding":"compact","data":{"frame":6,"sites":[],"calls":[[7,null,0,0.0,1.5]]}}');
      });
    });
    cleanup.push(() => closeServer(wss));
    const frames: FrameProfile[] = [];
    const errors: string[] = [];
    const encodings: string[] = [];
    const urls: string[] = [];
    const client = new ProfilerClient(`ws://127.0.0.1:${portOf(wss)}/ws`, {
      frame: (f) => frames.push(f),
      error: (m) => errors.push(m),
      encoding: (e) => encodings.push(e),
    }, { socket: (u) => (urls.push(u), new WebSocket(u) as unknown as SocketLike) });
    client.start();
    cleanup.push(async () => client.stop());
    await until(() => frames.length === 1 && errors.length === 1);
    expect(urls).toEqual([`ws://127.0.0.1:${portOf(wss)}/ws?encoding=compact&history=parts`]);
    expect(commands).toEqual(['{"command":"set_encoding","encoding":"compact"}']);
    expect(encodings).toEqual(['compact']);
    expect(client.encoding).toBe('compact');
    expect(frames[0].calls).toEqual([{ id: 7, parent_id: null, label: 'F', module: 'm', func: 'f', start: 0, duration: 1.5,
      args: {}, entity_id: null, lua_code: false, lua_callback: false, file: 'a.cpp', line: 1, thread: 1 }]);
    expect(errors[0]).toContain('profile_frame message.data.calls[0][2]: site 0 out of range (0 sites)');
  });
  it('sends no set_encoding when hello says the connection already started compact', async () => {
    const commands: string[] = [];
    const wss = await listen((ws, request) => {
      const compact = new URL(request.url ?? '/', 'http://x').searchParams.get('encoding') === 'compact';
      ws.send(JSON.stringify({ ...JSON.parse(hello('s')), encodings: ['json', 'compact'], encoding: compact ? 'compact' : 'json' }));
      ws.send('{"type":"history","encoding":"compact","frames":[{"frame":4,"sites":[["F","m","f","a.cpp",1,false,false,1]],"calls":[[3,null,0,0.0,2.5]]}]}');
      ws.send('{"type":"profile_frame","encoding":"compact","data":{"frame":5,"sites":[["F","m","f","a.cpp",1,false,false,1]],"calls":[[7,null,0,0.0,1.5]]}}');
      ws.on('message', (m) => commands.push(String(m)));
    });
    cleanup.push(() => closeServer(wss));
    const history: FrameProfile[][] = [];
    const frames: FrameProfile[] = [];
    const encodings: string[] = [];
    const errors: string[] = [];
    const client = new ProfilerClient(`ws://127.0.0.1:${portOf(wss)}/ws`, {
      history: (h) => history.push(h),
      frame: (f) => frames.push(f),
      encoding: (e) => encodings.push(e),
      error: (m) => errors.push(m),
    }, { socket: (u) => new WebSocket(u) as unknown as SocketLike });
    client.start();
    cleanup.push(async () => client.stop());
    await until(() => frames.length === 1 || errors.length > 0);
    expect(errors).toEqual([]);
    expect(client.send('get_status')).toBe(true);
    await until(() => commands.length === 1);
    expect(commands).toEqual(['{"command":"get_status"}']);  // and no set_encoding before it
    expect(client.encoding).toBe('compact');
    expect(encodings).toEqual(['compact']);
    expect(history[0].map((f) => f.frame)).toEqual([4]);
    expect(frames[0].calls[0]).toMatchObject({ id: 7, label: 'F', duration: 1.5 });
  });

  it('tells the parts of a history sent in several messages from a new history, also after reconnecting', async () => {
    const frame = (n: number) => ({ frame: n, timestamp: n, duration_ms: 1, calls: [], rollback: null });
    const history = (frames: number[], more: boolean) =>
      JSON.stringify({ type: 'history', frames: frames.map(frame), ...(more ? { more } : {}) });
    let connections = 0;
    const urls: string[] = [];
    const wss = await listen((ws, request) => {
      urls.push(request.url ?? '');
      ws.send(hello('replay'));
      ws.send(history([1, 2], true));
      ws.send(history([3], true));
      if (++connections === 1) {  // the first connection ends mid-history
        ws.terminate();
        return;
      }
      ws.send(history([4], false));
      ws.send(history([1], false));  // a second history (a get_history answer) in one message
    });
    cleanup.push(() => closeServer(wss));
    const parts: [number[], boolean, boolean][] = [];
    const client = new ProfilerClient(`ws://127.0.0.1:${portOf(wss)}/ws`, {
      history: (h, part) => parts.push([h.map((f) => f.frame), part.first, part.more]),
    }, { minDelayMs: 20, socket: (u) => new WebSocket(u) as unknown as SocketLike });
    client.start();
    cleanup.push(async () => client.stop());
    await until(() => parts.length === 6);
    expect(parts).toEqual([
      [[1, 2], true, true], [[3], false, true],
      [[1, 2], true, true], [[3], false, true], [[4], false, false], [[1], true, false],
    ]);
    expect(urls[0]).toBe('/ws?encoding=compact&history=parts');  // it asks for the history in parts
  });

  it('ends a history at a part it cannot read, skips the rest of it, and starts the next history afresh', async () => {
    const frame = (n: number | string) => ({ frame: n, timestamp: 1, duration_ms: 1, calls: [], rollback: null });
    const history = (frames: (number | string)[], more: boolean) =>
      JSON.stringify({ type: 'history', frames: frames.map(frame), ...(more ? { more } : {}) });
    const wss = await listen((ws) => {
      ws.send(hello('replay'));
      // The first history: its second part holds a frame the panel cannot read; its third part is the rest.
      ws.send(history([1, 2], true));
      ws.send(history([3, 'four'], true));
      ws.send('{"type":"status","enabled":false,"dropped":0}');  // other messages may come between parts
      ws.send(history([5, 6], false));
      // The next history (a get_history answer): read whole, from its start.
      ws.send(history([1, 2], true));
      ws.send(history([3], false));
      // A bad last part, cut short so that it is not even JSON: the history after it starts afresh too.
      ws.send(history([1], true));
      ws.send(history([2], false).slice(0, -3));
      ws.send(history([7], false));
    });
    cleanup.push(() => closeServer(wss));
    const events: unknown[] = [];
    const client = new ProfilerClient(`ws://127.0.0.1:${portOf(wss)}/ws`, {
      history: (h, part) => events.push([h.map((f) => f.frame), part.first, part.more]),
      historyFailed: (m, first) => events.push([m, first]),
      status: () => events.push('status'),
    }, { socket: (u) => new WebSocket(u) as unknown as SocketLike });
    client.start();
    cleanup.push(async () => client.stop());
    await until(() => events.length === 8);
    expect(events).toEqual([
      [[1, 2], true, true],
      ['unreadable history message from the server: history message.frames[1].frame: expected a number, got string', false],
      'status',
      [[1, 2], true, true], [[3], false, false],
      [[1], true, true],
      [expect.stringMatching(/^unreadable history message from the server: message: not valid JSON/), false],
      [[7], true, false],
    ]);
  });

  it('keeps what a replay sent when its server ends the connection with an error (1011), and waits to be asked', async () => {
    const frame = (n: number) => ({ frame: n, timestamp: n, duration_ms: 1, calls: [], rollback: null });
    const history = (frames: number[], more: boolean) =>
      JSON.stringify({ type: 'history', frames: frames.map(frame), ...(more ? { more } : {}) });
    // As `yams serve` says a part it cannot read from its file: an error with the whole text, then a close
    // whose reason is that text cut to 123 bytes.
    const why = 'a-session-file-with-a-rather-long-name-as-games-write-them-2026-11-27_04-05-06.jsonl: frame 3 (bytes ' +
                '4194400 to 4195500): no longer in the file, which was cut short after it was indexed';
    let connections = 0;
    let broken = true;
    const wss = await listen((ws) => {
      connections += 1;
      ws.send(JSON.stringify({ ...JSON.parse(hello('replay')), replay: true, history_size: 4 }));
      ws.send(history([1, 2], true));
      if (!broken) return void ws.send(history([3, 4], false));
      ws.send(JSON.stringify({ type: 'error', message: why }));
      ws.close(1011, `${why.slice(0, 120)}...`);
    });
    cleanup.push(() => closeServer(wss));
    const events: unknown[] = [];
    const client = new ProfilerClient(`ws://127.0.0.1:${portOf(wss)}/ws`, {
      history: (h, part) => events.push([h.map((f) => f.frame), part.first, part.more]),
      error: (m) => events.push(['error', m]),
      fault: (reason, halted) => events.push(['fault', reason, halted]),
    }, { minDelayMs: 10, maxDelayMs: 40, socket: (u) => new WebSocket(u) as unknown as SocketLike });
    client.start();
    cleanup.push(async () => client.stop());
    await until(() => events.length === 3);
    expect(events).toEqual([[[1, 2], true, true], ['error', why], ['fault', why, true]]);
    expect(client.halted).toBe(true);
    expect(client.fault).toBe(why);
    expect(client.state).toBe('closed');
    expect(client.nextRetryMs).toBe(0);
    // Ten and more backoff periods later, still the one connection: the server is not asked again.
    await new Promise((r) => setTimeout(r, 500));
    expect(connections).toBe(1);

    // Asked: one connection, the same fault, halted again.
    client.reconnect();
    await until(() => events.length === 6);
    expect(events.slice(3)).toEqual([[[1, 2], true, true], ['error', why], ['fault', why, true]]);
    await new Promise((r) => setTimeout(r, 300));
    expect(connections).toBe(2);
    expect(client.halted).toBe(true);

    // The file put back: the next press gets the whole session, and the fault is gone.
    broken = false;
    client.reconnect();
    await until(() => events.length === 8);
    expect(events.slice(6)).toEqual([[[1, 2], true, true], [[3, 4], false, false]]);
    expect(connections).toBe(3);
    expect([client.state, client.halted, client.fault]).toEqual(['open', false, null]);
  });

  it('says a replay\'s close reason when no error came before it, and halts on it too', async () => {
    let connections = 0;
    const wss = await listen((ws) => {
      connections += 1;
      ws.send(JSON.stringify({ ...JSON.parse(hello('replay')), replay: true }));
      ws.close(1011, 'rec.jsonl: frame 1 (bytes 90 to 200): changed in the file after it was indexed');
    });
    cleanup.push(() => closeServer(wss));
    const faults: [string, boolean][] = [];
    const client = new ProfilerClient(`ws://127.0.0.1:${portOf(wss)}/ws`, {
      fault: (reason, halted) => faults.push([reason, halted]),
    }, { minDelayMs: 10, socket: (u) => new WebSocket(u) as unknown as SocketLike });
    client.start();
    cleanup.push(async () => client.stop());
    await until(() => faults.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(faults).toEqual([['rec.jsonl: frame 1 (bytes 90 to 200): changed in the file after it was indexed', true]]);
    expect(connections).toBe(1);
  });

  it('retries a live server that ends the connection with an error (1011), saying why and backing off', async () => {
    let connections = 0;
    const wss = await listen((ws) => {
      connections += 1;
      ws.send(hello('live'));  // replay: false
      ws.close(1011, 'something broke');
    });
    cleanup.push(() => closeServer(wss));
    const faults: [string, boolean][] = [];
    const delays: number[] = [];
    const client = new ProfilerClient(`ws://127.0.0.1:${portOf(wss)}/ws`, {
      fault: (reason, halted) => faults.push([reason, halted]),
      state: (state) => { if (state === 'closed') delays.push(client.nextRetryMs); },
    }, { minDelayMs: 10, maxDelayMs: 1000, socket: (u) => new WebSocket(u) as unknown as SocketLike });
    client.start();
    cleanup.push(async () => client.stop());
    await until(() => connections >= 4);
    expect(faults.slice(0, 3)).toEqual([['something broke', false], ['something broke', false], ['something broke', false]]);
    expect(client.halted).toBe(false);
    // Each connection said hello (which resets the backoff of a lost server); the retries back off all the same.
    expect(delays.slice(0, 3)).toEqual([10, 20, 40]);
  });

  it('tells an unreadable history message, and whether more parts follow it, from other unreadable messages', () => {
    expect(unreadableHistory('{"type":"history","frames":[{"frame":"x"}],"more":true}')).toEqual({ more: true });
    expect(unreadableHistory('{"type":"history","frames":[{"frame":"x"}]}')).toEqual({ more: false });
    expect(unreadableHistory('{"type":"history","frames":[{"fra')).toEqual({ more: false });
    expect(unreadableHistory('{"type":"history","frames":[{"fra ... ]}],"more":true}')).toEqual({ more: true });
    expect(unreadableHistory('{"type":"profile_frame","data":{"frame":"two"}}')).toBeNull();
    expect(unreadableHistory('not json')).toBeNull();
  });
});
