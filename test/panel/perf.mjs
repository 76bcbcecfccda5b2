// Panel performance, measured in headless Chromium (figures for docs/performance.md, not a test):
//  1. render time of a 10,000-call frame: flame graph tab and call-tree tab, stepping between frames;
//  2. live soak for --minutes against the real game and server (`yams-duckhunt --serve`, paced at
//     60 fps, --ducks 500: ~3,200-call frames and ~20,000-call rollback frames): backlog (the newest
//     frame the server sent a second client - the newest shown) and JS heap.
//   node perf.mjs --game <build>/examples/duckhunt/yams-duckhunt [--ducks 500] [--minutes 5]
import { writeFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openPage } from './browser.mjs';
import { startGame, stopGame } from './game.mjs';
import { sampleFrame } from './sample_frames.mjs';

const require = createRequire(new URL('../../web-panel/package.json', import.meta.url));
const { WebSocket } = require('ws');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const gameExe = resolve(arg('game', 'build/profile/examples/duckhunt/yams-duckhunt'));
const ducks = Number(arg('ducks', 500));
const minutes = Number(arg('minutes', 5));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[(s.length - 1) >> 1] : NaN; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

async function collectRenders(page) {
  return page.evaluate(() => window.__renders.splice(0));
}

async function bigFrame(page) {
  const frames = Array.from({ length: 12 }, (_, i) => sampleFrame(i + 1, { calls: 10_010 }));
  const file = join(mkdtempSync(join(tmpdir(), 'yams-perf-')), 'big.json');
  writeFileSync(file, JSON.stringify({ session_id: 'perf', start_time: 0, frames }));
  console.log(`10k-call frames: ${frames[0].calls.length} calls each`);
  await page.locator('[data-testid=file-input]').setInputFiles(file);
  await page.waitForSelector('[data-testid=file-name]');
  const out = {};
  for (const tab of ['flame', 'tree']) {
    await page.click(`[data-testid=tab-${tab}]`);
    await page.waitForTimeout(300);
    await page.evaluate(() => document.activeElement?.blur());
    await collectRenders(page);
    for (let i = 0; i < 22; ++i) {
      await page.keyboard.press(i % 2 ? 'ArrowRight' : 'ArrowLeft');
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    }
    const r = (await collectRenders(page)).filter((e) => e.calls >= 9_000).map((e) => e.ms);
    out[tab] = { n: r.length, median: median(r), p90: pct(r, 0.9) };
    console.log(`  ${tab}: ${r.length} renders, median ${out[tab].median.toFixed(2)} ms, p90 ${out[tab].p90.toFixed(2)} ms`);
  }
  console.log(`  flame + call tree (sum of medians): ${(out.flame.median + out.tree.median).toFixed(2)} ms`);
  await page.click('[data-testid=back-to-live]');
  await page.click('[data-testid=tab-flame]');
}

/** A second client of the game's server counting the frames it sends: { sent, newest, close }. */
function watchFrames(port) {
  const w = { sent: 0, newest: 0 };
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?encoding=compact`);
  ws.on('message', (data) => {
    const head = data.toString('utf8', 0, 160);  // the frame number comes first: no need to parse it all
    const m = /^\{"type":"profile_frame","encoding":"compact","data":\{"frame":(\d+)/.exec(head);
    if (m) {
      w.sent += 1;
      w.newest = Number(m[1]);
    }
  });
  w.close = () => ws.close();
  return w;
}

async function soak(page, watcher) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'JSHeapUsedSize').value / 2 ** 20;
  };
  const shown = async () => Number(await page.getAttribute('[data-testid=stats]', 'data-received'));
  const newest = async () => Number(await page.getAttribute('[data-testid=frame-strip]', 'data-newest-frame'));
  await page.waitForTimeout(2000);  // let the panel settle after returning to live before the counts start
  const t0 = Date.now();
  const sent0 = watcher.sent;
  const shown0 = await shown();
  console.log(`soak: yams-duckhunt --serve --ducks ${ducks}, paced at 60 fps, for ${minutes} min (panel open, flame graph)`);
  console.log('  t(s)  sent  shown  lag(frames)  heap(MiB)  render median/p90 (ms)');
  const rows = [];
  while (Date.now() - t0 < minutes * 60_000) {
    await page.waitForTimeout(Math.min(30_000, minutes * 60_000 / 10));
    const r = (await collectRenders(page)).map((e) => e.ms);
    const row = { t: (Date.now() - t0) / 1000, sent: watcher.sent - sent0, shown: (await shown()) - shown0,
                  lag: watcher.newest - (await newest()), heap: await heap(), med: median(r), p90: pct(r, 0.9) };
    rows.push(row);
    console.log(`  ${row.t.toFixed(0).padStart(4)}  ${String(row.sent).padStart(5)}  ${String(row.shown).padStart(5)}  ` +
      `${String(row.lag).padStart(11)}  ${row.heap.toFixed(1).padStart(9)}  ${row.med.toFixed(2)}/${row.p90.toFixed(2)}`);
  }
  return rows;
}

const game = await startGame(gameExe, ['--serve', '--port', '0', '--ducks', String(ducks)]);
const watcher = watchFrames(game.port);
const { page, errors, close } = await openPage();
await page.addInitScript(() => {
  window.__renders = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__renders.push({ ms: e.duration, calls: e.detail?.calls ?? 0 });
  }).observe({ entryTypes: ['measure'] });
});
await page.goto(game.url);
await page.keyboard.press('F9');
await page.waitForSelector('[data-testid=flame-canvas]');
await bigFrame(page);
if (minutes > 0) await soak(page, watcher);
console.log(`console errors: ${errors.length ? errors.join(' | ') : 'none'}`);
await close();
watcher.close();
await stopGame(game);
