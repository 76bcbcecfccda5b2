// A real browser-side WebSocket library (the `ws` package the panel uses in its tests) against the
// real server: greeting, live frames with every frame-format key, commands, errors, origin, 1009,
// and the close frame on shutdown. Usage: node ws_client_test.mjs <ws_test_server> <web-panel dir>
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import assert from 'node:assert/strict';

const [serverPath, webPanelDir] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(webPanelDir), 'package.json'));
const WebSocket = require('ws');

const watchdog = setTimeout(() => {
  console.error('ws_client_test: timed out');
  process.exit(1);
}, 30000);

const server = spawn(serverPath, [], { stdio: ['pipe', 'pipe', 'inherit'] });
const port = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (chunk) => {
    out += chunk;
    const line = out.split('\n')[0];
    if (out.includes('\n')) resolve(JSON.parse(line).port);
  });
  server.on('exit', (code) => reject(new Error(`server exited early with ${code}`)));
});
const url = `ws://127.0.0.1:${port}/ws`;

/** Opens a client whose messages can be awaited one by one, optionally of one type. */
function connect(options = {}) {
  const ws = new WebSocket(url, options);
  const queue = [];
  const waiters = [];
  ws.on('message', (data, isBinary) => {
    assert.equal(isBinary, false, 'the server sends text frames');
    queue.push(JSON.parse(data.toString()));
    while (waiters.length && queue.length) waiters.shift()();
  });
  const next = async (type) => {
    for (;;) {
      if (!queue.length) await new Promise((r) => waiters.push(r));
      const msg = queue.shift();
      if (!type || msg.type === type) return msg;
    }
  };
  const opened = new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  const closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  return { ws, next, opened, closed };
}

const callKeys = ['id', 'parent_id', 'label', 'module', 'func', 'start', 'duration', 'args', 'entity_id',
  'lua_code', 'lua_callback', 'file', 'line', 'thread'];

// Greeting, then live frames in order with the full frame format.
const a = connect();
await a.opened;
const hello = await a.next();
assert.equal(hello.type, 'hello');
assert.equal(hello.protocol_version, 1);
assert.equal(hello.enabled, true);
assert.equal(hello.replay, false);
assert.match(hello.session_id, /^\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d_[0-9a-f]{8}$/);
const history = await a.next();
assert.equal(history.type, 'history');
assert.equal(history.frames.length, hello.history_size);
let last = history.frames.length ? history.frames.at(-1).frame : 0;
for (let i = 0; i < 3; ++i) {
  const msg = await a.next('profile_frame');
  assert.ok(msg.data.frame > last, `frames in order: ${msg.data.frame} after ${last}`);
  last = msg.data.frame;
  for (const key of ['frame', 'timestamp', 'duration_ms', 'calls', 'rollback']) assert.ok(key in msg.data, key);
  assert.equal(msg.data.calls.length, 4);
  for (const call of msg.data.calls) for (const key of callKeys) assert.ok(key in call, `call key ${key}`);
  assert.equal(msg.data.calls[0].parent_id, null);
  assert.equal(msg.data.calls[1].label, 'Node Call');
}

// Commands and bad messages; the connection stays open through all of them.
a.ws.send(JSON.stringify({ command: 'get_status' }));
assert.deepEqual(await a.next('status'), { type: 'status', enabled: true, dropped: 0,
                                           recorded_kinds: ['engine', 'lua_code', 'lua_callback'] });
a.ws.send('not json');
assert.match((await a.next('error')).message, /malformed JSON/);
a.ws.send(JSON.stringify({ command: 'launch' }));
assert.match((await a.next('error')).message, /unknown command "launch"/);
a.ws.send(Buffer.from([1, 2, 3]), { binary: true });
assert.match((await a.next('error')).message, /binary messages are not supported/);
a.ws.send(JSON.stringify({ command: 'disable_profiling' }));
assert.equal((await a.next('status')).enabled, false);
a.ws.send(JSON.stringify({ command: 'enable_profiling' }));
assert.equal((await a.next('status')).enabled, true);
a.ws.send(JSON.stringify({ command: 'get_history' }));
assert.ok(Array.isArray((await a.next('history')).frames));

// A foreign Origin is refused before the upgrade; the server's own origin is accepted.
const evil = new WebSocket(url, { origin: 'https://evil.example' });
const refused = await new Promise((resolve) => {
  evil.on('unexpected-response', (req, res) => resolve(res.statusCode));
  evil.on('open', () => resolve('opened'));
  evil.on('error', () => {});
});
assert.equal(refused, 403);
const own = connect({ origin: `http://127.0.0.1:${port}` });
await own.opened;
assert.equal((await own.next()).type, 'hello');

// A message over 64 KiB closes that connection with 1009; others carry on.
const big = connect();
await big.opened;
big.ws.send('x'.repeat(70 * 1024));
assert.equal(await big.closed, 1009);
a.ws.send(JSON.stringify({ command: 'get_status' }));
assert.equal((await a.next('status')).type, 'status');

// Shutdown sends close frames (1001 going away) and the server exits cleanly.
server.stdin.end();
assert.equal(await a.closed, 1001);
assert.equal(await own.closed, 1001);
const exitCode = await new Promise((resolve) => server.on('exit', resolve));
assert.equal(exitCode, 0);

// YAMS_PROFILE_PORT: the runtime starts the server itself and prints the panel's URL.
const fromEnv = spawn(serverPath, ['--from-environment'], {
  stdio: ['pipe', 'inherit', 'pipe'],
  env: { ...process.env, YAMS_PROFILE_PORT: '0' },
});
const envUrl = await new Promise((resolve, reject) => {
  let err = '';
  fromEnv.stderr.on('data', (chunk) => {
    err += chunk;
    const m = err.match(/yams: live panel at (http:\/\/127\.0\.0\.1:\d+\/)/);
    if (m) resolve(m[1]);
  });
  fromEnv.on('exit', (code) => reject(new Error(`environment server exited with ${code}: ${err}`)));
});
const envClient = new WebSocket(envUrl.replace('http:', 'ws:') + 'ws');
const envHello = await new Promise((resolve, reject) => {
  envClient.on('message', (data) => resolve(JSON.parse(data.toString())));
  envClient.on('error', reject);
});
assert.equal(envHello.type, 'hello');
envClient.close();
fromEnv.stdin.end();
assert.equal(await new Promise((resolve) => fromEnv.on('exit', resolve)), 0);
clearTimeout(watchdog);
console.log('ws_client_test: all checks passed');
