// Replay performance (figures for docs/performance.md, not a test): `yams serve FILE` with a large session;
// a WebSocket client per encoding times the history from connecting to its last frame, and headless Chromium
// times the panel from opening the page to showing the session's newest frame; the server's peak RSS
// (VmHWM) is read after each.
//   node replay_perf.mjs --yams <build>/tools/yams --session FILE [--clients 1] [--encodings json,compact]
//                        [--history parts|whole (how the WebSocket clients ask for it; default parts)]
//                        [--newest N (the session's last frame number)] [--no-browser]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { openPage } from './browser.mjs';
import { startGame, stopGame } from './game.mjs';

const require = createRequire(new URL('../../web-panel/package.json', import.meta.url));
const { WebSocket } = require('ws');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const yams = resolve(arg('yams', 'build/profile/tools/yams'));
const session = resolve(arg('session', ''));
const clients = Number(arg('clients', 1));
const historyMode = arg('history', 'parts');
const peakMb = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** Connects one client; resolves to { seconds, frames, messages, largest } once its history is complete. */
function readHistory(port, encoding) {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?encoding=${encoding}&history=${historyMode}`, { maxPayload: 2 ** 31 });
    let frames = 0, messages = 0, largest = 0, total = -1;
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (m.type === 'hello') total = m.history_size;
      if (m.type !== 'history') return;
      frames += m.frames.length;
      messages += 1;
      largest = Math.max(largest, data.length);
      if (!m.more) {
        ws.close();
        done({ seconds: (performance.now() - t0) / 1000, frames, total, messages, largest });
      }
    });
    ws.on('error', fail);
  });
}

const server = await startGame(yams, ['serve', session, '--port', '0']);
const pid = server.proc.pid;
console.log(`yams serve ${session}: ${rssMb(pid).toFixed(0)} MB RSS before any client`);
try {
  for (const encoding of arg('encodings', 'json,compact').split(',').filter(Boolean)) {
    const runs = await Promise.all(Array.from({ length: clients }, () => readHistory(server.port, encoding)));
    for (const r of runs) {
      console.log(`${encoding}: ${r.frames} of ${r.total} frames in ${r.messages} history messages (largest ` +
                  `${(r.largest / 2 ** 20).toFixed(1)} MiB), last frame after ${r.seconds.toFixed(2)} s`);
    }
    console.log(`  server peak RSS so far ${peakMb(pid).toFixed(0)} MB, now ${rssMb(pid).toFixed(0)} MB`);
  }
  if (!process.argv.includes('--no-browser')) {
    const browser = await openPage();
    try {
      const t0 = performance.now();
      await browser.page.goto(server.url);
      await browser.page.keyboard.press('F9');
      const newest = Number(arg('newest', '0'));
      await browser.page.waitForFunction((n) => {
        const d = document.querySelector('[data-testid=frame-strip]')?.dataset;
        return d && Number(d.count) > 0 && (n === 0 ? true : Number(d.newestFrame) === n) &&
               Number(document.querySelector('[data-testid=stats]')?.dataset.historyLeft ?? 0) === 0;
      }, newest, { timeout: 600_000 });
      const shown = await browser.page.getAttribute('[data-testid=frame-strip]', 'data-newest-frame');
      console.log(`browser: frame ${shown} shown after ${((performance.now() - t0) / 1000).toFixed(2)} s; ` +
                  `JS heap ${(await browser.page.evaluate(() => performance.memory.usedJSHeapSize) / 2 ** 20).toFixed(0)} MiB; ` +
                  `errors: ${browser.errors.length ? browser.errors.join(' | ') : 'none'}`);
      console.log(`  server peak RSS ${peakMb(pid).toFixed(0)} MB`);
    } finally {
      await browser.close();
    }
  }
} finally {
  await stopGame(server);
}
