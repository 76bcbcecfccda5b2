// End-to-end, the panel's status (web-panel/src/model/status.ts) in Debian's Chromium against the real servers:
// a session replayed by `yams serve` is named as a replay (never "profiling is off"); a replayed history
// whose part the panel cannot read ends there, its frames kept whole and the fault said; a replay whose file
// is cut short after the server indexed it keeps the frames before, says the server's reason and waits for
// Reconnect instead of retrying; the frames the game lost are counted live; a game that goes away and comes
// back leaves a clear status meanwhile and no errors of the page's own. Each test starts its own server and
// browser.
//   YAMS_DUCKHUNT=<exe> YAMS_TOOL=<yams> YAMS_ARTIFACTS=<dir> node --test status.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPage, refusedConnection } from './browser.mjs';
import { startGame, stopGame } from './game.mjs';
import { sampleFrame } from './sample_frames.mjs';

const exe = process.env.YAMS_DUCKHUNT;
const tool = process.env.YAMS_TOOL;
const artifacts = process.env.YAMS_ARTIFACTS ?? 'test-artifacts/panel';
mkdirSync(artifacts, { recursive: true });
const STRIP = '[data-testid=frame-strip]';
const MODE = '[data-testid=mode]';
const STATS = '[data-testid=stats]';

/** Writes a streaming session file of `count` sample frames (`edit` may change one) to the artifacts. */
function writeSession(name, count, edit = (f) => f) {
  const file = join(artifacts, name);
  const lines = [JSON.stringify({ yams_session: 1, format_version: 1, session_id: name, start_time: 1_700_000_000 })];
  for (let n = 1; n <= count; ++n) lines.push(JSON.stringify(edit(sampleFrame(n, { calls: 12 }))));
  lines.push(JSON.stringify({ yams_session_end: 1, frames: count }));
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Runs `body(viewer)` with a fresh Chromium page; closes it after. */
async function withViewer(body) {
  const viewer = await openPage();
  try {
    return await body(viewer);
  } finally {
    await viewer.close();
  }
}

/** Resolves once `cond()` holds (polled every 50 ms; 30 s at most). */
async function until(cond) {
  for (let i = 0; i < 600 && !cond(); ++i) await new Promise((r) => setTimeout(r, 50));
  assert.ok(cond(), `not reached: ${cond}`);
}

/** The page's text of `sel` as written (the mode is shown in capitals by CSS: innerText would be). */
const text = (page, sel) => page.$eval(sel, (el) => el.textContent.replace(/\s+/g, ' ').trim());

/** The text of `sel` once it is `want` (the views take a change up on their next animation frame), or
 *  after 5 s whatever it is then. */
async function settled(page, sel, want) {
  await page.waitForFunction(([s, w]) => document.querySelector(s)?.textContent.replace(/\s+/g, ' ').trim() === w,
                             [sel, want], { timeout: 5_000 }).catch(() => {});
  return text(page, sel);
}

test('a replayed session is named as a replay of its file, never as a game whose profiling is off', async (t) => {
  if (!tool) return t.skip('YAMS_TOOL (the yams tool) is not set');
  const file = writeSession('replay-wording.jsonl', 300);
  const server = await startGame(tool, ['serve', file, '--port', '0']);
  try {
    await withViewer(async ({ page, errors }) => {
      await page.goto(server.url);
      await page.keyboard.press('F9');
      await page.waitForFunction((s) => Number(document.querySelector(s)?.dataset.newestFrame) === 300, STRIP);
      assert.equal(await settled(page, MODE, 'replay · replay-wording.jsonl · 300 frames'),
                   'replay · replay-wording.jsonl · 300 frames');
      // As seen (other modes are in capitals): the file's name as written.
      assert.equal(await page.locator(MODE).innerText(), 'replay · replay-wording.jsonl · 300 frames');
      // There is no game to switch: the button says so instead of "Profiling off".
      const toggle = page.locator('[data-testid=profiling-toggle]');
      assert.equal(await toggle.innerText(), 'Profiling: a replay');
      assert.ok(await toggle.isDisabled());
      // Paused, it says paused; back to the newest frame, the replay again.
      await page.click('[data-testid=pause]');
      assert.equal(await settled(page, MODE, 'paused'), 'paused');
      await page.click('[data-testid=resume]');
      assert.equal(await settled(page, MODE, 'replay · replay-wording.jsonl · 300 frames'),
                   'replay · replay-wording.jsonl · 300 frames');
      await page.screenshot({ path: join(artifacts, 'status-01-replay.png') });
      assert.deepEqual(errors, []);
    });
  } finally {
    await stopGame(server);
  }
});

test('a replayed history whose part cannot be read ends there, whole, and says so', async (t) => {
  if (!tool) return t.skip('YAMS_TOOL (the yams tool) is not set');
  // 18,000 frames of 12 calls come in three or more parts of at most 4 MiB. Frame 8,000 (in the second
  // part) has a call of negative duration: the server reads and sends it, the panel refuses it.
  const count = 18_000;
  const bad = 8_000;
  const file = writeSession('replay-bad-part.jsonl', count, (f) => {
    if (f.frame === bad) f.calls[1].duration = -1;
    return f;
  });
  const server = await startGame(tool, ['serve', file, '--port', '0']);
  try {
    await withViewer(async ({ page }) => {
      const parts = [];
      page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
        const s = String(payload);
        if (!s.startsWith('{"type":"history"')) return;
        const frames = JSON.parse(s).frames;
        parts.push({ first: frames[0].frame, last: frames.at(-1).frame, more: /"more":true}$/.test(s) });
      }));
      await page.goto(server.url);
      await page.keyboard.press('F9');
      const problem = page.locator('[data-testid=problem]');
      await problem.waitFor({ timeout: 30_000 });
      // Every part arrived (the server sent the whole history; the panel skipped the rest of it).
      await until(() => parts.at(-1)?.more === false);
      assert.ok(parts.length >= 3 && !parts.at(-1).more, JSON.stringify(parts));
      const broken = parts.findIndex((p) => p.first <= bad && bad <= p.last);
      assert.ok(broken >= 1 && broken < parts.length - 1, `frame ${bad} is in a middle part: ${JSON.stringify(parts)}`);
      const kept = parts[broken - 1].last;
      // The frames before the bad part, whole and in order (count = newest: frames 1 to `kept`), none after it.
      await page.waitForFunction(([s, n]) => Number(document.querySelector(s)?.dataset.newestFrame) === n, [STRIP, kept]);
      assert.equal(Number(await page.getAttribute(STRIP, 'data-count')), kept);
      assert.equal(Number(await page.getAttribute(STATS, 'data-received')), kept);
      assert.equal(Number(await page.getAttribute(STATS, 'data-history-left')), 0, 'nothing said to be still coming');
      assert.match(await problem.innerText(), new RegExp(
        `^The replayed session stops at frame ${kept}: ${kept} of its ${count} frames arrived, then a part could not ` +
        `be read: unreadable history message from the server: history message\\.frames\\[\\d+\\]\\.calls\\[1\\]\\[4\\]: ` +
        `duration must not be negative \\(-1\\)\\.`));
      assert.equal(await page.locator('[data-testid=replay-notice]').count(), 0, 'nothing of the kept part left out');
      await page.screenshot({ path: join(artifacts, 'status-02-bad-history-part.png') });
    });
  } finally {
    await stopGame(server);
  }
});

test('a replay whose file was cut short after indexing keeps its frames, says why, and waits for Reconnect', async (t) => {
  if (!tool) return t.skip('YAMS_TOOL (the yams tool) is not set');
  // 12,000 frames of 12 calls come in three or more parts of at most 4 MiB; the file is cut short in frame
  // 8,000 (not in the first part) once the server has indexed it (it prints its URL after).
  const count = 12_000;
  const cut = 8_000;
  const name = 'replay-cut-short.jsonl';
  const file = writeSession(name, count);
  const original = readFileSync(file);
  const server = await startGame(tool, ['serve', file, '--port', '0']);
  const lines = original.toString('latin1').split('\n');
  truncateSync(file, lines.slice(0, cut).reduce((n, l) => n + l.length + 1, 0) + 10);  // line `cut` is frame `cut`
  try {
    await withViewer(async ({ page, errors }) => {
      const sockets = [];
      const parts = [];
      page.on('websocket', (ws) => {
        const socket = { closed: false };
        sockets.push(socket);
        ws.on('close', () => (socket.closed = true));
        ws.on('framereceived', ({ payload }) => {
          const s = String(payload);
          if (!s.startsWith('{"type":"history"')) return;
          const frames = JSON.parse(s).frames;
          parts.push({ first: frames[0].frame, last: frames.at(-1).frame, more: /"more":true}$/.test(s) });
        });
      });
      await page.goto(server.url);
      await page.keyboard.press('F9');
      const DOWN = '[data-testid=disconnected]';
      const halted = `${DOWN}[data-halted=true]`;
      await page.waitForSelector(halted, { timeout: 30_000 });
      // The parts before the one holding frame `cut` arrived, and are kept: frames 1 to the last of them.
      assert.ok(parts.length >= 1 && parts.at(-1).more && parts.at(-1).last < cut, JSON.stringify(parts));
      const kept = parts.at(-1).last;
      await page.waitForFunction(([s, n]) => Number(document.querySelector(s)?.dataset.newestFrame) === n, [STRIP, kept]);
      assert.equal(Number(await page.getAttribute(STRIP, 'data-count')), kept);
      assert.equal(Number(await page.getAttribute(STATS, 'data-history-left')), 0, 'nothing said to be still coming');
      // The server's reason (its error message, whole: the file as given to it, and the frame), what is kept, and
      // that it does not retry.
      const reason = `${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: frame ${cut} \\(bytes \\d+ to \\d+\\): no longer in the file, which ` +
                     'was cut short after it was indexed';
      assert.match(await page.locator(DOWN).innerText(), new RegExp(
        `^The replay server \\(yams serve\\) at 127\\.0\\.0\\.1:${server.port} stopped sending the session at ` +
        `\\d\\d:\\d\\d:\\d\\d: ${reason}\\. The frames received up to frame ${kept} are kept\\. The panel does not ` +
        'reconnect by itself: each attempt makes the server read the session again up to that point\\.\\s*Reconnect$'));
      assert.equal(await page.locator('[data-testid=problem]').count(), 0, 'the reason said once, not again as a problem');
      assert.equal(await settled(page, MODE, 'disconnected · the last frames received'), 'disconnected · the last frames received');
      // Still a replay, not a game that went away.
      assert.equal(await page.locator('[data-testid=profiling-toggle]').innerText(), 'Profiling: a replay');
      // Several backoff periods (250 ms doubling) later: still the one connection.
      await page.waitForTimeout(4_000);
      assert.equal(sockets.length, 1, 'no reconnection by itself');
      await page.screenshot({ path: join(artifacts, 'status-05-replay-file-cut-short.png') });

      // Reconnect: one connection, which ends at the same frame and halts again.
      await page.click('[data-testid=reconnect]');
      await until(() => sockets.length === 2 && sockets[1].closed);
      await page.waitForSelector(halted);
      assert.match(await page.locator(DOWN).innerText(), new RegExp(`: ${reason}\\. The frames received up to frame ${kept} are kept\\.`));
      await page.waitForTimeout(4_000);
      assert.equal(sockets.length, 2, 'one connection for one press');

      // The file put back: the next press gets the whole session.
      writeFileSync(file, original);
      await page.click('[data-testid=reconnect]');
      await page.waitForFunction(([s, n]) => Number(document.querySelector(s)?.dataset.newestFrame) === n, [STRIP, count],
                                 { timeout: 30_000 });
      assert.equal(await page.locator(DOWN).count(), 0);
      assert.equal(sockets.length, 3);
      assert.deepEqual(errors, []);
    });
  } finally {
    await stopGame(server);
  }
});

test('the frames the game lost are counted live, as the frames received report them', async (t) => {
  if (!exe) return t.skip('YAMS_DUCKHUNT (the demo) is not set');
  // Unpaced with a small profiling ring, the game loses frames (each recorded frame's `frames_lost`).
  const game = await startGame(exe, ['--serve', '--port', '0', '--ducks', '50', '--seed', '7', '--unpaced',
                                     '--ring-slots', '256']);
  try {
    await withViewer(async ({ page }) => {
      let reported = 0;
      const add = (f) => (reported += f.frames_lost ?? 0);
      page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
        const s = String(payload);
        if (s.startsWith('{"type":"profile_frame"')) add(JSON.parse(s).data);
        else if (s.startsWith('{"type":"history"')) JSON.parse(s).frames.forEach(add);
      }));
      await page.goto(game.url);
      await page.keyboard.press('F9');
      const LOST = '[data-testid=frames-lost]';
      await page.waitForSelector(LOST, { timeout: 20_000 });
      const first = Number(await page.getAttribute(LOST, 'data-lost'));
      assert.ok(first > 0);
      assert.match(await page.locator(LOST).innerText(), /^the game lost [\d,]+ frames?$/);
      // Live: it grows while the game runs, paused too.
      await page.click('[data-testid=pause]');
      await page.waitForFunction(([s, n]) => Number(document.querySelector(s).dataset.lost) > n, [LOST, first]);
      await page.screenshot({ path: join(artifacts, 'status-03-frames-lost.png') });
      // Once the game has stopped, the count is every frames_lost the page received.
      await stopGame(game);
      await page.waitForSelector('[data-testid=connection]:not([data-state=open])');
      await page.waitForFunction(([s, n]) => Number(document.querySelector(s).dataset.lost) === n, [LOST, reported],
                                 { timeout: 5_000 }).catch(() => {});
      assert.equal(Number(await page.getAttribute(LOST, 'data-lost')), reported);
      assert.match(await page.locator(STATS).innerText(), / · the game lost [\d,]+ frames?( ·|$)/);
    });
  } finally {
    await stopGame(game);
  }
});

test('a game that goes away and comes back: a clear status meanwhile, no errors of the page\'s own', async (t) => {
  if (!exe) return t.skip('YAMS_DUCKHUNT (the demo) is not set');
  const args = (port) => ['--serve', '--port', String(port), '--ducks', '4', '--seed', '7'];
  let game = await startGame(exe, args(0));
  const port = game.port;
  try {
    await withViewer(async ({ page }) => {
      const uncaught = [];
      const notes = [];
      page.on('pageerror', (e) => uncaught.push(String(e)));
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') notes.push(m.text()); });
      await page.goto(game.url);
      await page.keyboard.press('F9');
      await page.waitForFunction((s) => Number(document.querySelector(s)?.dataset.count) > 5, STRIP);
      assert.equal(await page.locator('[data-testid=disconnected]').count(), 0);
      await stopGame(game);
      // Away long enough for the panel's reconnection attempts to fail twice.
      const DOWN = '[data-testid=disconnected]';
      await page.waitForFunction((s) => Number(document.querySelector(s)?.dataset.attempts) >= 2, DOWN, { timeout: 20_000 });
      assert.match(await page.locator(DOWN).innerText(), new RegExp(
        `^The game's server at 127\\.0\\.0\\.1:${port} went away at \\d\\d:\\d\\d:\\d\\d; showing the last frames ` +
        `received and reconnecting by itself \\(\\d+ attempts so far\\)\\.$`));
      assert.equal(await settled(page, MODE, 'disconnected · the last frames received'), 'disconnected · the last frames received');
      assert.equal(await page.locator('[data-testid=profiling-toggle]').innerText(), 'Profiling: no game');
      await page.screenshot({ path: join(artifacts, 'status-04-disconnected.png') });
      const attempts = Number(await page.getAttribute(DOWN, 'data-attempts'));

      game = await startGame(exe, args(port));
      await page.waitForSelector('[data-testid=connection][data-state=open]', { timeout: 20_000 });
      await page.waitForSelector(DOWN, { state: 'detached' });
      const newest = Number(await page.getAttribute(STRIP, 'data-newest-frame'));
      await page.waitForFunction(([s, n]) => Number(document.querySelector(s).dataset.newestFrame) !== n, [STRIP, newest]);
      assert.equal(await settled(page, MODE, 'live'), 'live');
      assert.deepEqual(uncaught, []);
      // The page logged nothing itself; the browser noted each refused attempt (at least those counted above).
      assert.deepEqual(notes.filter((m) => !refusedConnection(m, port)), []);
      assert.ok(notes.length >= attempts, `${notes.length} notes of ${attempts} or more refused attempts`);
    });
  } finally {
    await stopGame(game);
  }
});
