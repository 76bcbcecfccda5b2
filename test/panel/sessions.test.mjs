// End-to-end: sessions from files in the real built panel, in Debian's Chromium beside the real
// `yams-duckhunt --serve`. A saved session loads (a malformed one gives a clear message); a session recorded
// by the game loads, closed or not, and one recorded without the API callbacks says so; a made-up session
// checks site names, the timeline's width, the call tree's scroll and the frame strip's bars and caption; a
// session longer than the live window loads whole, long labels keep the controls in view, and a chosen call
// that leaves the frame is shown alike in the tree and the source pane; a session replayed by `yams serve` in
// several history messages shows its newest frame and says what it left out. The tests run in order on one
// page. Screenshots go to $YAMS_ARTIFACTS.
//   YAMS_DUCKHUNT=<exe> YAMS_TOOL=<yams> YAMS_ARTIFACTS=<dir> YAMS_SOURCE_ROOT=<repo> node --test sessions.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openPage, refusedConnection } from './browser.mjs';
import { startGame as launchGame, stopGame } from './game.mjs';
import { sampleFrame } from './sample_frames.mjs';
import { FLAME, STRIP, artifacts, exe, sourceRoot, startDemo } from './e2e_shared.mjs';

let game;
let browser;
let page;
const attr = (sel, name) => page.getAttribute(sel, name);
const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`) });

/**
 * Loads the session file `path` with the file picker and waits until the strip shows it: `count` frames,
 * the newest numbered `newest`. (The views take up a loaded session on their next animation frame, after
 * the file's name is shown: reading the strip at once could still see the frames before.)
 */
async function loadFile(path, count, newest) {
  await page.locator('[data-testid=file-input]').setInputFiles(path);
  await page.waitForSelector(`[data-testid=file-name]:has-text("${basename(path)}")`);
  await page.waitForFunction(([s, n, f]) => {
    const d = document.querySelector(s)?.dataset;
    return Number(d?.count) === n && Number(d?.newestFrame) === f;
  }, [STRIP, count, newest]);
}

// The live game with the panel open and some frames in, for the session to save and to go back to.
before(async () => {
  assert.ok(exe, 'YAMS_DUCKHUNT must name the yams-duckhunt executable');
  game = await startDemo();
  browser = await openPage({ downloads: true });
  page = browser.page;
  await page.goto(game.url);
  await page.waitForSelector('[data-testid=connection][data-state=open]');
  await page.keyboard.press('F9');
  await page.waitForSelector('[data-testid=panel]');
  await page.waitForFunction((s) => Number(document.querySelector(s)?.dataset.count) > 30, STRIP);
});

after(async () => {
  if (browser) await browser.close();
  if (game) await stopGame(game);
});

test('a saved session loads; a malformed one gives a clear message', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=save]')]);
  const saved = join(artifacts, 'saved-session.json');
  await download.saveAs(saved);
  const session = JSON.parse(readFileSync(saved, 'utf8'));
  assert.ok(session.frames.length > 10);
  // The panel says what the file holds: its frames are the buffer's, the newest ones.
  const saidSaved = await page.locator('[data-testid=notice]').innerText();
  assert.ok(saidSaved.startsWith(`Saved ${session.frames.length} frames (${session.frames[0].frame}–${session.frames.at(-1).frame}) ` +
                                 `as ${download.suggestedFilename()}: the frames the panel holds.`), saidSaved);
  await page.click('[data-testid=notice] button');
  await loadFile(saved, session.frames.length, session.frames.at(-1).frame);
  assert.equal(Number(await attr(STRIP, 'data-selected-frame')), session.frames.at(-1).frame);
  await page.click('[data-testid=tab-flame]');
  assert.equal(Number(await attr(FLAME, 'data-frame')), session.frames.at(-1).frame);
  // The frames are the file's, not received from the game.
  assert.match(await page.locator('[data-testid=stats]').innerText(),
               new RegExp(`showing ${session.frames.length} frames from saved-session\\.json, not the game's`));
  await shot('06-loaded-session');
  const dropped = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['{"session_id":"x","frames":[{"frame":1,"calls":[{"id":1}]}]}'], 'broken.json'));
    return dt;
  });
  await page.dispatchEvent('main', 'drop', { dataTransfer: dropped });
  const problem = await page.waitForSelector('[data-testid=problem]');
  assert.match(await problem.innerText(), /broken\.json\.frames\[0\]\.calls\[0\]\.label: missing string/);
  await page.click('[data-testid=back-to-live]');
  assert.equal(await page.locator('[data-testid=problem]').count(), 0, 'the file\'s problem leaves with it');
});

test('a session recorded by the game (streaming form) loads', async () => {
  const recorded = join(artifacts, 'recorded-session.jsonl');
  const run = spawn(exe, ['--frames', '90', '--ducks', '4', '--unpaced', '--latency-ms', '150', '--record', recorded],
                    { stdio: 'ignore' });
  assert.equal(await new Promise((r) => run.on('exit', r)), 0);
  const lines = readFileSync(recorded, 'utf8').trim().split('\n');
  assert.match(lines[0], /"yams_session"/);
  assert.deepEqual(JSON.parse(lines.at(-1)), { yams_session_end: 1, frames: lines.length - 2 });
  await loadFile(recorded, Math.min(240, lines.length - 2), JSON.parse(lines.at(-2)).frame);
  assert.equal(Number(await attr(FLAME, 'data-frame')), JSON.parse(lines.at(-2)).frame);
  assert.equal(await page.locator('[data-testid=file-notice]').count(), 0, 'a closed file loads without a notice');
  // The header names the file's session, not the live game's.
  const fileSession = JSON.parse(lines[0]).session_id;
  assert.equal(await page.locator('[data-testid=file-session]').innerText(), `session ${fileSession}, from the file`);
  assert.equal(await page.locator('[data-testid=session-id]').count(), 0);
  // The same file as a killed game leaves it (no end line): loaded, with a notice that says so, which
  // goes away with the file.
  const unclosed = join(artifacts, 'unclosed-session.jsonl');
  writeFileSync(unclosed, lines.slice(0, -1).join('\n') + '\n');
  await loadFile(unclosed, Math.min(240, lines.length - 2), JSON.parse(lines.at(-2)).frame);
  assert.match(await page.locator('[data-testid=file-notice]').innerText(),
               new RegExp(`no end line: the recording was not closed .* ${lines.length - 2} complete frames read`));
  await page.click('[data-testid=back-to-live]');
  assert.equal(await page.locator('[data-testid=file-notice]').count(), 0, 'the notice leaves with the file');
  await page.waitForSelector('[data-testid=session-id]');
});

test('a session recorded without the API callbacks says so under the strip', async () => {
  // The live game records every kind: nothing said.
  assert.equal(await page.locator('[data-testid=strip-skipped]').count(), 0);
  const recorded = join(artifacts, 'no-callbacks-session.jsonl');
  const run = spawn(exe, ['--frames', '20', '--ducks', '4', '--unpaced', '--skip-zones', 'lua_callback', '--record', recorded],
                    { stdio: 'ignore' });
  assert.equal(await new Promise((r) => run.on('exit', r)), 0);
  const frames = readFileSync(recorded, 'utf8').trim().split('\n').slice(1, -1).map((l) => JSON.parse(l));
  assert.ok(frames.every((f) => JSON.stringify(f.skipped_kinds) === '["lua_callback"]'), 'every frame says what it left out');
  assert.ok(frames.every((f) => f.calls.every((c) => !c.lua_callback)));
  await loadFile(recorded, 20, 20);
  const skipped = page.locator('[data-testid=strip-skipped]');
  assert.equal(await skipped.innerText(), 'API callbacks not recorded');
  assert.match(await skipped.getAttribute('title'), /their calls ran but are not in the views/);
  await shot('sessions-skipped-kinds');
  await page.click('[data-testid=back-to-live]');
  await page.waitForSelector('[data-testid=session-id]');
  await skipped.waitFor({ state: 'detached', timeout: 5000 });  // the live frames again, every kind recorded
});

/**
 * A made-up session of 240 frames (1001 to 1240), the last one a rollback, each 0.1 ms long (as short as the
 * game's): Frame > Updates (40 entities' on_update from one call site), B, C, and Tail > Target. Tail is
 * the fourth heaviest child of Frame, so the call tree does not open it by default; it lists 45 rows.
 */
function madeUpSession() {
  const call = (id, parent_id, label, start, duration, extra = {}) =>
    ({ id, parent_id, label, module: 'game_engine', func: label.toLowerCase(), start, duration, ...extra });
  const frames = [];
  for (let n = 1001; n <= 1240; ++n) {
    const calls = [call(1, null, 'Frame', 0, 0.1), call(2, 1, 'Updates', 0, 0.05)];
    for (let e = 1; e <= 40; ++e)
      calls.push(call(2 + e, 2, `Lua → on_update(duck_${e})`, (e - 1) * 0.00125, 0.001,
                      { module: 'lifecycle', func: 'on_entity_update', file: 'lifecycle.cpp', line: 13, entity_id: `duck_${e}`,
                        lua_callback: true }));
    calls.push(call(50, 1, 'B', 0.05, 0.02), call(51, 1, 'C', 0.07, 0.015), call(52, 1, 'Tail', 0.086, 0.012),
               call(53, 52, 'Target', 0.0865, 0.011));
    const rollback = n === 1240 ? { triggered: true, target_timestamp: 1000 + n / 60 - 0.1, frames_resimulated: 6,
                                    snapshot_age_ms: 100 } : null;
    frames.push({ frame: n, timestamp: 1000 + n / 60, duration_ms: 0.1, calls, rollback });
  }
  return { session_id: 'made-up', start_time: 1000, frames };
}

test('a made-up session loads; a site whose calls have different labels is named module.func', async () => {
  const file = join(artifacts, 'made-up-session.json');
  writeFileSync(file, JSON.stringify(madeUpSession()));
  await loadFile(file, 240, 1240);
  assert.equal(Number(await attr(STRIP, 'data-selected-frame')), 1240);
  // The strip's caption says what the rollback record holds, and the scale (under the strip, not over its bars).
  assert.equal(await page.locator('[data-testid=strip-rollback]').innerText(),
               'rollback: 6 frames resimulated · snapshot 100 ms old');
  assert.match(await page.locator('[data-testid=strip-scale]').innerText(), /^all under the 16\.7 ms budget · scale 0–0\.1\d ms$/);

  // Aggregate: the 40 labels of one site give the row the site's module.func, with their count.
  await page.click('[data-testid=tab-aggregate]');
  const top = page.locator('[data-testid=top-sites] tbody tr').first();
  assert.match(await top.innerText(), /^lifecycle\.on_entity_update \(40 labels\)\s+lifecycle\.cpp:13/);
});

test('the timeline never overflows sideways, not even with a rollback band in its last frame', async () => {
  // 40 lanes scroll vertically; the last frame's rollback band ends inside the view, and clicking
  // it scrolls nothing (the lane labels stay whole).
  await page.click('[data-testid=tab-timeline]');
  await page.waitForSelector('[data-testid=timeline-canvas][data-lanes~=duck_40]');
  const lanes = '[data-testid=timeline-lanes]';
  const fits = () => page.$eval(lanes, (el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
                                                  scrollLeft: el.scrollLeft, tall: el.scrollHeight > el.clientHeight }));
  const before = await fits();
  assert.ok(before.tall, 'the lanes scroll vertically');
  assert.ok(before.scrollWidth <= before.clientWidth, `no horizontal overflow: ${JSON.stringify(before)}`);
  const band = page.locator('[data-testid=rollback-band][data-frame="1240"]');
  const bb = await band.boundingBox();
  const view = await page.$eval(lanes, (el) => { const r = el.getBoundingClientRect(); return r.left + el.clientWidth; });
  assert.ok(bb.x + bb.width <= view + 0.5, `band ends at ${bb.x + bb.width}, the view at ${view}`);
  await band.click();
  await page.locator('[data-testid=rollback-details]').waitFor();
  const after = await fits();
  assert.equal(after.scrollLeft, 0, 'clicking the last band scrolls nothing sideways');
  assert.ok(after.scrollWidth <= after.clientWidth, `no horizontal overflow: ${JSON.stringify(after)}`);
  await shot('07-made-up-timeline');
  // Only the lanes in view are drawn: scrolled to the bottom, the last lane (duck_40) has its ticks.
  const opaqueInLane = (lane) => page.$eval('[data-testid=timeline-canvas]', (c, i) => {
    const dpr = devicePixelRatio;
    const row = c.getContext('2d').getImageData(0, Math.round((i * 18 + 9) * dpr), c.width, 1).data;
    let n = 0;
    for (let k = 3; k < row.length; k += 4) if (row[k] > 200) ++n;
    return n;
  }, lane);
  assert.equal(await opaqueInLane(39), 0, 'the last lane is out of view and not drawn yet');
  await page.$eval(lanes, (el) => { el.scrollTop = el.scrollHeight; });
  await page.waitForFunction((i) => {
    const c = document.querySelector('[data-testid=timeline-canvas]');
    const row = c.getContext('2d').getImageData(0, Math.round((i * 18 + 9) * devicePixelRatio), c.width, 1).data;
    for (let k = 3; k < row.length; k += 4) if (row[k] > 200) return true;
    return false;
  }, 39);
  await page.$eval(lanes, (el) => { el.scrollTop = 0; });
});

test('a call chosen in the flame graph is scrolled into view in the call tree', async () => {
  // Target's parent is closed by default: opening it grows the list, and the row lands beyond the old end.
  await page.click('[data-testid=tab-flame]');
  await page.focus('[data-testid=flame-graph]');
  await page.keyboard.press('Home');
  const target = JSON.parse(await attr(FLAME, 'data-bars')).find((b) => b.label === 'Target');
  assert.ok(target, 'the Target bar is labelled');
  const fbox = await page.locator(FLAME).boundingBox();
  await page.mouse.click(fbox.x + target.x + target.w / 2, fbox.y + target.y + 5);
  await page.click('[data-testid=show-source]');
  const selectedRow = '[data-testid=call-tree] [role=treeitem][aria-selected=true]';
  await page.waitForSelector(selectedRow);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const [row, list] = await Promise.all([page.locator(selectedRow).boundingBox(),
                                         page.locator('[data-testid=call-tree]').boundingBox()]);
  assert.match(await page.locator(selectedRow).innerText(), /^\s*Target\n/);
  assert.ok(row.y >= list.y - 0.5 && row.y + row.height <= list.y + list.height + 0.5,
            `selected row at ${row.y}..${row.y + row.height}, the list shows ${list.y}..${list.y + list.height}`);
  await shot('08-made-up-call-tree');
});

test('the frame strip draws every buffered frame, so the selected one is always highlighted', async () => {
  // All 240 frames are bars, the oldest at the left edge; stepping to it keeps it highlighted (drawn in
  // PALETTE.selected, white), and clicking the left edge selects it.
  await page.click('[data-testid=tab-flame]');
  try {
    await page.evaluate(() => document.activeElement?.blur());
    for (let i = 0; i < 239; ++i) await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((s) => document.querySelector(s).dataset.selectedFrame === '1001', STRIP);
    const hl = await page.$eval(STRIP, (c) => {
      const { data, width, height } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      let x0 = Infinity;
      let x1 = -1;
      for (let i = 0; i < width * height; ++i)
        if (data[4 * i] === 255 && data[4 * i + 1] === 255 && data[4 * i + 2] === 255 && data[4 * i + 3] === 255) {
          x0 = Math.min(x0, i % width);
          x1 = Math.max(x1, i % width);
        }
      return { x0: x0 / devicePixelRatio, x1: x1 / devicePixelRatio, slot: width / devicePixelRatio / 240 };
    });
    assert.ok(hl.x1 >= 0 && hl.x0 <= 1 && hl.x1 <= hl.slot + 1, `frame 1001 highlighted at the left edge: ${JSON.stringify(hl)}`);
    await shot('09-made-up-strip-oldest');
    await page.keyboard.press('End');
    await page.waitForFunction((s) => document.querySelector(s).dataset.selectedFrame === '1240', STRIP);
    const box = await page.locator(STRIP).boundingBox();
    await page.mouse.click(box.x + 2, box.y + box.height / 2);
    await page.waitForFunction((s) => document.querySelector(s).dataset.selectedFrame !== '1240', STRIP);
    assert.equal(await attr(STRIP, 'data-selected-frame'), '1001', 'the left edge is the oldest frame');
  } finally {
    await page.click('[data-testid=back-to-live]');
  }
});

/**
 * A made-up session of 300 frames (1 to 300), longer than the live window: Frame > Updates > the
 * on_update of duck_1 to duck_5 and of an entity with a 280-character name; duck_3 is gone from frame 300.
 */
function longSession() {
  const long = 'very_long_entity_name_'.repeat(12) + 'end';
  // Sites in the demo's real sources, which the game's server shows.
  const src = (name) => join(sourceRoot, 'examples/duckhunt/src', name);
  const call = (id, parent_id, label, start, duration, extra = {}) =>
    ({ id, parent_id, label, module: 'lifecycle', func: 'on_entity_update', start, duration, file: src('lifecycle.cpp'),
       line: 14, ...extra });
  const engine = { module: 'game_engine', file: src('game_engine.cpp') };
  const frames = [];
  for (let n = 1; n <= 300; ++n) {
    const calls = [call(1, null, 'Frame', 0, 1, { ...engine, func: 'update', line: 70 }),
                   call(2, 1, 'Updates', 0, 0.9, { ...engine, func: 'updates', line: 82 })];
    for (let e = 1; e <= 5; ++e)
      if (e !== 3 || n < 300)
        calls.push(call(2 + e, 2, `Lua → on_update(duck_${e})`, (e - 1) * 0.1, 0.09, { entity_id: `duck_${e}` }));
    calls.push(call(8, 2, `Lua → on_update(${long})`, 0.6, 0.3, { entity_id: long }));
    frames.push({ frame: n, timestamp: 1000 + n / 60, duration_ms: 1, calls, rollback: null });
  }
  return { session_id: 'long', start_time: 1000, frames };
}

test('a session longer than the live window loads whole; long labels keep the controls in view', async () => {
  const file = join(artifacts, 'long-session.json');
  writeFileSync(file, JSON.stringify(longSession()));
  await page.click('[data-testid=tab-flame]');
  await loadFile(file, 300, 300);
  assert.equal(await page.locator('[data-testid=file-notice]').count(), 0, 'nothing was left out');
  // The strip's left edge is the file's first frame.
  const strip = await page.locator(STRIP).boundingBox();
  await page.mouse.click(strip.x + 1, strip.y + strip.height / 2);
  await page.waitForFunction((s) => document.querySelector(s).dataset.selectedFrame === '1', STRIP);

  // A click beside the bars drops the selection, not the zoom: zoomed into Updates (0 to 0.9 ms), the
  // gap in its row of children from 0.49 to 0.6 ms.
  const fbox = await page.locator(FLAME).boundingBox();
  const updates = JSON.parse(await attr(FLAME, 'data-bars')).find((b) => b.label === 'Updates');
  await page.mouse.click(fbox.x + updates.x + 5, fbox.y + updates.y + 5);
  await page.waitForFunction((s) => document.querySelector(s).dataset.zoomId === '2', FLAME);
  await page.mouse.click(fbox.x + fbox.width * (0.545 / 0.9), fbox.y + 2 * 18 + 9);
  await page.waitForFunction((s) => document.querySelector(s).dataset.focusId === '', FLAME);
  assert.equal(await attr(FLAME, 'data-zoom-id'), '2', 'still zoomed into Updates');
  // The chosen call's line under the flame graph cuts a 280-character label; Show source stays in view.
  const bar = JSON.parse(await attr(FLAME, 'data-bars')).find((b) => b.label.startsWith('Lua → on_update(very_long'));
  await page.mouse.click(fbox.x + bar.x + bar.w / 2, fbox.y + bar.y + 5);
  const button = await page.locator('[data-testid=show-source]').boundingBox();
  assert.ok(button && button.x + button.width <= 1280, `Show source at ${JSON.stringify(button)}`);
  const fits = (sel) => page.$eval(sel, (el) => el.scrollWidth <= el.clientWidth + 1);
  assert.ok(await fits('[data-testid=picked]'), 'the chosen call\'s line fits');
  await shot('13-long-label-flame');
  await page.click('[data-testid=show-source]');
  await page.locator('[data-testid=source-call]').waitFor();
  assert.ok(await fits('[data-testid=source-call]'), 'the source pane\'s call line fits');
  const link = await page.locator('[data-testid=open-in-editor]').boundingBox();
  assert.ok(link.x + link.width <= 1280, `Open in editor at ${JSON.stringify(link)}`);
  await shot('14-long-label-source');
  await page.mouse.move(0, 0);
  await page.click('[data-testid=back-to-live]');
});

test('when the chosen call leaves the frame, the call tree and the source pane agree', async () => {
  const showsDuck3 = () => /^Lua → on_update\(duck_3\)/.test(document.querySelector('[data-testid=source-call]')?.innerText);
  const file = join(artifacts, 'long-session.json');
  await page.click('[data-testid=tab-tree]');
  await loadFile(file, 300, 300);
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((s) => document.querySelector(s).dataset.selectedFrame === '299', STRIP);
  await page.locator('[role=treeitem]', { hasText: 'Lua → on_update(duck_3)' }).click();
  await page.waitForFunction(showsDuck3);
  // Frame 300 has no duck_3: the tree falls back to Frame, and so does the source pane, saying why.
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((s) => document.querySelector(s).dataset.selectedFrame === '300', STRIP);
  const selectedRow = page.locator('[data-testid=call-tree] [role=treeitem][aria-selected=true]');
  assert.match(await selectedRow.innerText(), /^[▾▸\s]*Frame\n/);
  assert.match(await page.locator('[data-testid=source-call]').innerText(), /^Frame\s/);
  assert.match(await page.locator('[data-testid=source-missing]').innerText(),
               /^Lua → on_update\(duck_3\) is not in frame 300: showing Frame/);
  assert.equal(await attr('[data-testid=source-path]', 'data-line'), '70');
  await shot('15-chosen-call-gone');
  // Back in a frame that has it, both show it again.
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(showsDuck3);
  assert.match(await selectedRow.innerText(), /^[▾▸\s]*Lua → on_update\(duck_3\)\n/);
  assert.equal(await page.locator('[data-testid=source-missing]').count(), 0);
  await page.click('[data-testid=back-to-live]');
  await page.click('[data-testid=tab-flame]');
});

test('a replayed session longer than one history message shows its newest frame and what was left out', async (t) => {
  const tool = process.env.YAMS_TOOL;
  if (!tool) return t.skip('YAMS_TOOL (the yams tool) is not set');
  // 12,000 frames of 10 calls, about 8 MB in the compact encoding: two history messages, 2,000 frames more
  // than the panel keeps of a replay.
  const count = 12_000;
  const file = join(artifacts, 'replayed-session.jsonl');
  const lines = [JSON.stringify({ yams_session: 1, format_version: 1, session_id: 'replayed', start_time: 1_700_000_000 })];
  for (let n = 1; n <= count; ++n) lines.push(JSON.stringify(sampleFrame(n, { calls: 12 })));
  lines.push(JSON.stringify({ yams_session_end: 1, frames: count }));
  writeFileSync(file, lines.join('\n') + '\n');
  const server = await launchGame(tool, ['serve', file, '--port', '0']);
  const viewer = await openPage();
  try {
    const histories = [];
    viewer.page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
      const text = String(payload);
      if (text.startsWith('{"type":"history"')) histories.push({ bytes: Buffer.byteLength(text), more: /"more":true}$/.test(text) });
    }));
    await viewer.page.goto(server.url);
    await viewer.page.keyboard.press('F9');
    await viewer.page.waitForFunction(([s, n]) => {
      const d = document.querySelector(s)?.dataset;
      return Number(d?.newestFrame) === n && Number(document.querySelector('[data-testid=stats]').dataset.historyLeft) === 0;
    }, [STRIP, count], { timeout: 20_000 });
    assert.ok(histories.length >= 2, `the session came in ${histories.length} history message(s)`);
    assert.ok(histories.every((h) => h.bytes <= 4 << 20), JSON.stringify(histories));
    assert.deepEqual(histories.map((h) => h.more), [...histories.slice(1).map(() => true), false]);
    assert.equal(Number(await viewer.page.getAttribute(STRIP, 'data-count')), 10_000);
    assert.equal(Number(await viewer.page.getAttribute('[data-testid=stats]', 'data-received')), count);
    assert.equal(await viewer.page.locator('[data-testid=replay-notice]').innerText().then((s) => s.replace(/\s*Dismiss$/, '')),
                 'The replayed session holds 12000 frames; only its last 10000 are shown (frames 2001 to 12000), ' +
                 'the 2000 before them were left out.');
    assert.equal(Number(await viewer.page.getAttribute(FLAME, 'data-frame')), count);
    await viewer.page.screenshot({ path: join(artifacts, '17-replayed-session.png') });
    assert.deepEqual(viewer.errors, []);
  } finally {
    await viewer.close();
    await stopGame(server);
  }
});

// The page's own errors were checked, before this split, by the live tests that ran after these.
test('loading the session files left no errors of the page\'s own', () => {
  assert.deepEqual(browser.errors.filter((e) => !refusedConnection(e)), []);
});
