// A stand-in for the game's server (protocol v1 at /ws, the built panel at /, /api/source) streaming
// synthetic frames. For the Vite dev loop and the panel's performance measurements only: the end-to-end
// tests run against the real `yams-duckhunt --serve`.
//   node fixture_server.mjs --dist DIR [--port 0] [--calls 200] [--fps 60] [--rollback-every 90] [--source-root DIR]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import { sampleFrame } from './sample_frames.mjs';

const require = createRequire(new URL('../../web-panel/package.json', import.meta.url));
const { WebSocketServer } = require('ws');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

/** Starts the server; resolves to { port, close, stats }. */
export async function startFixture({ dist, port = 0, calls = 200, fps = 60, rollbackEvery = 90, sourceRoot = '/' }) {
  const session = `fixture_${Date.now()}`;
  const start = Date.now() / 1000;
  let n = 0;
  const history = [];
  const stats = { sent: 0 };
  const http = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/api/source') {
      const path = resolve(url.searchParams.get('path') ?? '');
      if (!path.startsWith(resolve(sourceRoot))) return res.writeHead(403).end('outside the source roots');
      try { return res.writeHead(200, { 'content-type': 'text/plain' }).end(await readFile(path)); }
      catch { return res.writeHead(404).end('not found'); }
    }
    const file = normalize(join(dist, url.pathname === '/' ? 'index.html' : url.pathname));
    if (!file.startsWith(resolve(dist) + sep)) return res.writeHead(403).end();
    try {
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(await readFile(file));
    } catch { res.writeHead(404).end(); }
  });
  const wss = new WebSocketServer({ server: http, path: '/ws' });
  let enabled = true;
  wss.on('connection', (ws) => {
    ws.send(JSON.stringify({ type: 'hello', protocol_version: 1, session_id: session, start_time: start, enabled,
                             history_size: history.length, replay: false }));
    ws.send(JSON.stringify({ type: 'history', frames: history }));
    ws.on('message', (m) => {
      const { command } = JSON.parse(String(m));
      if (command === 'enable_profiling' || command === 'disable_profiling') enabled = command === 'enable_profiling';
      if (command === 'get_history') ws.send(JSON.stringify({ type: 'history', frames: history }));
      else ws.send(JSON.stringify({ type: 'status', enabled, dropped: 0 }));
    });
  });
  const timer = setInterval(() => {
    if (!enabled) return;
    const frame = sampleFrame(++n, { calls, start, rollbackEvery });
    history.push(frame);
    if (history.length > 60) history.shift();
    const text = JSON.stringify({ type: 'profile_frame', data: frame });
    for (const c of wss.clients) if (c.bufferedAmount < 8 << 20) { c.send(text); stats.sent += 1; }
  }, 1000 / fps);
  await new Promise((r) => http.listen(port, '127.0.0.1', r));
  return {
    port: http.address().port,
    stats,
    /** the newest frame number generated */
    frame: () => n,
    close: () => new Promise((r) => { clearInterval(timer); for (const c of wss.clients) c.terminate(); wss.close(); http.close(r); }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await startFixture({
    dist: resolve(option('dist', 'dist')), port: Number(option('port', 8765)), calls: Number(option('calls', 200)),
    fps: Number(option('fps', 60)), rollbackEvery: Number(option('rollback-every', 90)), sourceRoot: option('source-root', '/'),
  });
  console.log(`fixture server: http://127.0.0.1:${s.port}/`);
}
