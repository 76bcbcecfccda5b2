// End-to-end: the real built panel in Debian's Chromium against the real `yams-duckhunt --serve`.
// F9 opens the panel; frames arrive; the flame graph draws on_update bars, its tooltip follows the frame
// shown, and it moves and zooms with the keyboard; a call-tree node shows its source line; pausing holds
// a frame; a rollback band shows its details; the timeline has a time axis and a legend, and a click on a
// tick selects the frame its tooltip names; a saved session loads; a made-up session checks site names,
// the timeline's width, the call tree's scroll and the frame strip's bars and caption; a session longer
// than the live window loads whole, long labels keep the controls in view, and a chosen call that leaves
// the frame is shown alike in the tree and the source pane; a stopped and restarted game is noticed;
// editing a behaviour script changes the live flame graph and the source view's text; a session replayed
// by `yams serve` in several history messages shows its newest frame and says what it left out.
// Screenshots go to $YAMS_ARTIFACTS.
//   YAMS_DUCKHUNT=<exe> YAMS_TOOL=<yams> YAMS_ARTIFACTS=<dir> node --test e2e.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve as resolvePath } from 'node:path';
import { openPage, refusedConnection } from './browser.mjs';
import { startGame as launchGame, stopGame } from './game.mjs';
import { sampleFrame } from './sample_frames.mjs';

const exe = process.env.YAMS_DUCKHUNT;
const artifacts = process.env.YAMS_ARTIFACTS ?? 'test-artifacts/panel';
const sourceRoot = process.env.YAMS_SOURCE_ROOT ?? process.cwd();
mkdirSync(artifacts, { recursive: true });

/** Starts the game serving on `port` (0: any) with `extra` arguments; resolves to { proc, url, port }. */
const startGame = (port = 0, extra = []) =>
  launchGame(exe, ['--serve', '--port', String(port), '--ducks', '4', '--latency-ms', '150', '--seed', '7', ...extra]);
// A copy of the demo's scripts, for the restarted game to reload when the test edits it.
const scripts = mkdtempSync(join(tmpdir(), 'yams-e2e-scripts-'));
cpSync(join(sourceRoot, 'examples/duckhunt/scripts'), scripts, { recursive: true });

let game;
let browser;
let page;
const attr = (sel, name) => page.getAttribute(sel, name);
/** The page's console errors but the browser's notes on refused connection attempts (a game restarts). */
const pageErrors = () => browser.errors.filter((e) => !refusedConnection(e));
const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`) });
const STRIP = '[data-testid=frame-strip]';
const FLAME = '[data-testid=flame-canvas]';

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

before(async () => {
  assert.ok(exe, 'YAMS_DUCKHUNT must name the yams-duckhunt executable');
  game = await startGame();
  browser = await openPage({ downloads: true });
  page = browser.page;
  await page.goto(game.url);
});

after(async () => {
  if (browser) await browser.close();
  if (game) await stopGame(game);
  rmSync(scripts, { recursive: true, force: true });
});

test('F9 opens the panel and frames arrive', async () => {
  await page.waitForSelector('[data-testid=connection][data-state=open]');
  // The panel asks the server for the compact frame encoding after hello, and the server confirms it.
  await page.waitForSelector('[data-testid=stats][data-encoding=compact]');
  assert.equal(await page.locator('[data-testid=panel]').count(), 0);
  await page.keyboard.press('F9');
  await page.waitForSelector('[data-testid=panel]');
  // The keys help stays readable with the panel open: on screen, and not under the panel.
  const uncovered = await page.$eval('[data-testid=keys-help]', (el) => {
    const r = el.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + 20, r.top + r.height / 2);
    return r.bottom <= window.innerHeight && el.contains(top);
  });
  assert.ok(uncovered, 'the keys help is visible with the panel open');
  await page.waitForFunction((s) => Number(document.querySelector(s)?.dataset.count) > 5, STRIP);
  const first = Number(await attr(STRIP, 'data-newest-frame'));
  await page.waitForFunction(([s, f]) => Number(document.querySelector(s).dataset.newestFrame) > f + 10, [STRIP, first]);
  await shot('01-live-flame');
});

test('pausing holds the frame while the game runs on', async () => {
  const box = await page.locator(STRIP).boundingBox();
  await page.mouse.click(box.x + box.width - 30, box.y + box.height / 2);
  await page.waitForSelector('[data-testid=resume]');
  const held = await attr(STRIP, 'data-selected-frame');
  assert.ok(Number(held) < Number(await attr(STRIP, 'data-newest-frame')), 'clicked a frame before the newest');
  const received = Number(await attr('[data-testid=stats]', 'data-received'));
  await page.waitForFunction(([s, n]) => Number(document.querySelector(s).dataset.received) > n + 20,
                             ['[data-testid=stats]', received]);
  assert.ok(Number(await attr('[data-testid=mode]', 'data-since-pause')) > 20);
  assert.equal(await attr(STRIP, 'data-selected-frame'), held);
  assert.equal(await attr(FLAME, 'data-frame'), held);
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(([s, f]) => document.querySelector(s).dataset.selectedFrame !== f, [STRIP, held]);
  assert.equal(Number(await attr(STRIP, 'data-selected-frame')), Number(held) - 1);
});

test('the flame graph draws labelled on_update bars, with a tooltip', async () => {
  const bars = () => attr(FLAME, 'data-bars').then((t) => JSON.parse(t));
  let update = (await bars()).find((b) => b.label.startsWith('Lua → on_update(duck_'));
  if (!update) {
    // Narrow bars carry no label: zoom into the entity updates, as a user would.
    const parent = (await bars()).find((b) => b.label === 'Lua Entity Updates');
    assert.ok(parent, `no 'Lua Entity Updates' bar among ${JSON.stringify((await bars()).map((b) => b.label))}`);
    const box = await page.locator(FLAME).boundingBox();
    await page.mouse.click(box.x + parent.x + 4, box.y + parent.y + 5);
    await page.waitForTimeout(100);
    update = (await bars()).find((b) => b.label.startsWith('Lua → on_update(duck_'));
  }
  assert.ok(update, 'a labelled Lua → on_update(duck_…) bar');
  const box = await page.locator(FLAME).boundingBox();
  await page.mouse.move(box.x + update.x + 4, box.y + update.y + 5);
  const tip = await page.waitForSelector('[data-testid=tooltip]');
  assert.match(await tip.innerText(), /Lua → on_update\(duck_\w+\)[\s\S]*% of frame/);
  await shot('02-flame-tooltip');
  await page.fill('[data-testid=search]', 'ams.');
  const matches = await page.locator('[data-testid=search-matches]').innerText();
  assert.ok(Number(matches.split(' ')[0]) > 0, `search found ${matches}`);
  await page.fill('[data-testid=search]', '');
});

test('the flame tooltip names the bar under a resting mouse, also after a step to another frame', async () => {
  // Resting on the root bar: each frame has one, with ids of its own. The tooltip named the call of the
  // frame it was opened in (its label and time) while its % was the new frame's.
  await page.evaluate(() => document.activeElement?.blur());
  const box = await page.locator(FLAME).boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + 9);
  const rootOf = async () => JSON.parse(await attr(FLAME, 'data-bars')).find((b) => b.y === 0);
  const tip = page.locator('[data-testid=tooltip]');
  await tip.waitFor();
  assert.equal(await tip.getAttribute('data-call-id'), String((await rootOf()).id));
  for (const key of ['ArrowLeft', 'ArrowRight']) {
    const frame = await attr(FLAME, 'data-frame');
    await page.keyboard.press(key);
    await page.waitForFunction(([s, f]) => document.querySelector(s).dataset.frame !== f, [FLAME, frame]);
    const [tipId, bars] = await page.evaluate((s) => [document.querySelector('[data-testid=tooltip]')?.dataset.callId,
                                                      document.querySelector(s).dataset.bars], FLAME);
    assert.equal(tipId, String(JSON.parse(bars).find((b) => b.y === 0).id),
                 `the tooltip names frame ${await attr(FLAME, 'data-frame')}'s root`);
  }
  await page.mouse.move(0, 0);
});

test('the flame graph is usable with the keyboard', async () => {
  const GRAPH = '[data-testid=flame-graph]';
  const CARD = '[data-testid=flame-focus-card]';
  const bars = () => attr(FLAME, 'data-bars').then((t) => JSON.parse(t));
  /** Presses `key` in the graph; resolves to the focused bar's announced text once it is `expected` (a RegExp). */
  const press = async (key, expected) => {
    await page.keyboard.press(key);
    await page.waitForFunction(([sel, re]) => new RegExp(re).test(document.querySelector(sel).textContent),
                               ['[data-testid=flame-focus]', expected.source]);
    return page.locator('[data-testid=flame-focus]').textContent();
  };
  const focusId = () => attr(FLAME, 'data-focus-id');
  await page.mouse.move(0, 0); // no hover card over the focused one
  // Hold a frame without a rollback or input call beside Frame Update (most are), so the path is known.
  for (let i = 0; i < 10 && (await bars()).filter((b) => b.y === 18 && b.label !== 'Frame Update').length; ++i) {
    await page.focus('[data-testid=search]');
    await page.evaluate(() => document.activeElement.blur());
    const f = await attr(STRIP, 'data-selected-frame');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(([s, v]) => document.querySelector(s).dataset.selectedFrame !== v, [STRIP, f]);
  }
  const frame = await attr(STRIP, 'data-selected-frame');

  // Tab reaches the graph after the view tabs (and the zoom reset button, when zoomed).
  await page.focus('[data-testid=tab-aggregate]');
  for (let i = 0; i < 3 && !(await page.evaluate((s) => document.activeElement?.matches(s), GRAPH)); ++i)
    await page.keyboard.press('Tab');
  assert.ok(await page.evaluate((s) => document.activeElement?.matches(s), GRAPH), 'Tab reaches the flame graph');
  assert.match(await press('Home', /^Frame: /), /^Frame: .+, [\d.]+% of frame$/);
  assert.equal(await attr(FLAME, 'data-zoom-id'), '');
  const root = await focusId();
  await press('ArrowDown', /^Frame Update: /);
  const card = page.locator(CARD);
  assert.match(await card.innerText(), /^Frame Update\n[\s\S]*% of frame/);
  // The card starts at the bar's left edge, under the graph's last row: it covers no bar (the children
  // Down goes to, the ancestors above), and never the view's tabs.
  const frameUpdate = await focusId();
  const fb = (await bars()).find((b) => String(b.id) === frameUpdate);
  const cv = await page.locator(FLAME).boundingBox();
  const cardPlace = async () => {
    const cb = await card.boundingBox();
    const tabs = await page.locator('[data-testid=tab-flame]').boundingBox();
    assert.ok(cb.y >= cv.y + cv.height, `card at y ${cb.y}..${cb.y + cb.height}, the bars end at ${cv.y + cv.height}`);
    assert.ok(cb.y > tabs.y + tabs.height, `card at y ${cb.y}, the tabs end at ${tabs.y + tabs.height}`);
    return cb;
  };
  const cb = await cardPlace();
  assert.ok(Math.abs(cb.x - (cv.x + fb.x + 4)) <= 2 || cb.x + cb.width >= 1280 - 6, `card x ${cb.x}, bar x ${cv.x + fb.x}`);
  await press('ArrowDown', /^Lua Entity Updates: /);
  await cardPlace();
  const entities = await focusId();
  const update = await press('ArrowDown', /^Lua → on_update\(duck_\w+\): /);
  // Up and back Down return to the same callback; Left and Right walk the callbacks and stop at the ends.
  await press('ArrowUp', /^Lua Entity Updates: /);
  assert.equal(await press('ArrowDown', /^Lua → on_update/), update);
  const walk = async (key) => {
    const seen = [await focusId()];
    for (let i = 0; i < 12; ++i) {
      await page.keyboard.press(key); // the view updates before the next round trip reads it
      const id = await focusId();
      if (id === seen.at(-1)) break;
      seen.push(id);
    }
    return seen;
  };
  const leftmost = (await walk('ArrowLeft')).at(-1);
  const row = await walk('ArrowRight');
  assert.equal(row[0], leftmost);
  assert.ok(row.length >= 2, `Right moved along the on_update row: ${row}`);
  assert.match(await page.locator('[data-testid=flame-focus]').textContent(), /^Lua → on_update\(\w+\): /); // ducks, then feathers
  assert.equal(await attr(STRIP, 'data-selected-frame'), frame, 'arrows in the graph do not step frames');
  await shot('02b-flame-keyboard-focus');

  // Enter zooms into the focused bar; Escape (or Backspace) zooms out one level; Home goes back to the root.
  await press('ArrowUp', /^Lua Entity Updates: /);
  await press('Enter', /^Zoomed into Lua Entity Updates: /);
  assert.equal(await attr(FLAME, 'data-zoom-id'), entities);
  const zoomed = (await bars()).find((b) => String(b.id) === entities);
  assert.ok(zoomed.w >= cv.width - 2, `zoomed bar spans the graph: ${zoomed.w} of ${cv.width}`);
  assert.ok((await bars()).some((b) => b.label.startsWith('Lua → on_update(duck_')), 'the callbacks are labelled when zoomed');
  await press('ArrowDown', /^Lua → on_update/);
  await press('Enter', /^Zoomed into Lua → on_update/);
  await shot('02c-flame-keyboard-zoom');
  await press('Escape', /^Zoomed out to Lua Entity Updates\. /);
  assert.equal(await attr(FLAME, 'data-zoom-id'), entities);
  await press('Backspace', /^Zoomed out to the whole frame\. /);
  assert.equal(await attr(FLAME, 'data-zoom-id'), '');
  await press('Enter', /^Zoomed into /);
  await press('Home', /^Frame: /);
  assert.equal(await attr(FLAME, 'data-zoom-id'), '');
  assert.equal(await focusId(), root);
  assert.equal(await attr(STRIP, 'data-selected-frame'), frame);
});

test('the focused flame bar follows its call into new frames', async () => {
  await page.focus('[data-testid=flame-graph]');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=flame-focus-card] >> text=Lua Entity Updates');
  const id = await attr(FLAME, 'data-focus-id');
  const frame = Number(await attr(FLAME, 'data-frame'));
  await page.keyboard.press('End'); // not the graph's key: back to live, the graph keeps focus
  await page.waitForFunction(([s, f]) => Number(document.querySelector(s).dataset.frame) > f + 5, [FLAME, frame]);
  assert.notEqual(await attr(FLAME, 'data-focus-id'), id, 'a new frame has new call ids');
  assert.match(await page.locator('[data-testid=flame-focus-card]').innerText(), /^Lua Entity Updates\n/);
  // Both ids read at once: read one after the other, a new frame can land in between.
  const [zoomId, focusId] = await page.$eval(FLAME, (el) => [el.dataset.zoomId, el.dataset.focusId]);
  assert.equal(zoomId, focusId, 'the zoom follows too');
  await page.click('[data-testid=pause]');
});

test('Enter in the search box goes from one matching call to the next, and holds the frame', async () => {
  await page.click('[data-testid=tab-tree]');
  await page.fill('[data-testid=search]', 'on_update(duck_');
  const count = '[data-testid=search-count]';
  await page.waitForFunction((s) => /^\d+ match/.test(document.querySelector(s)?.innerText ?? ''), count);
  await page.focus('[data-testid=search]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=resume]');  // the frame is held
  await page.waitForFunction((s) => /^1 of \d+$/.test(document.querySelector(s).innerText), count);
  const total = Number((await page.locator(count).innerText()).split(' of ')[1]);
  assert.ok(total > 1, `${total} matching calls`);
  const selectedRow = '[data-testid=call-tree] [role=treeitem][aria-selected=true]';
  const first = await page.locator(selectedRow).innerText();
  assert.match(first, /Lua → on_update\(duck_/);
  await page.keyboard.press('Enter');
  await page.waitForFunction((s) => /^2 of /.test(document.querySelector(s).innerText), count);
  const second = await page.locator(selectedRow).innerText();
  assert.match(second, /Lua → on_update\(duck_/);
  assert.notEqual(second, first);
  await page.keyboard.press('Shift+Enter');
  await page.waitForFunction((s) => /^1 of /.test(document.querySelector(s).innerText), count);
  assert.equal(await page.locator(selectedRow).innerText(), first);
  await page.keyboard.press('Shift+Enter');  // wraps to the last
  await page.waitForFunction(([s, t]) => document.querySelector(s).innerText === `${t} of ${t}`, [count, total]);
  await shot('02c-search-next');
  await page.fill('[data-testid=search]', '');
  await page.click('[data-testid=resume]');
  await page.click('[data-testid=tab-flame]');
});

test('selecting a behaviour call in the call tree shows its Lua script at on_update', async () => {
  await page.click('[data-testid=tab-tree]');
  const row = page.locator('[role=treeitem]', { hasText: 'Lua → on_update(duck_' }).first();
  await row.click();
  const pathEl = page.locator('[data-testid=source-path]');
  await pathEl.waitFor();
  const [file, line] = (await pathEl.innerText()).split(/:(?=\d+$)/);
  // The design's journey: the bar opens the behaviour file at the line, not the C++ hook calling it.
  assert.match(file, /\/scripts\/behaviours\/(duck|falling)\.lua$/);
  const expected = readFileSync(resolvePath(sourceRoot, file), 'utf8').split('\n')[Number(line) - 1].trim();
  assert.match(expected, /^function (duck|falling)\.on_update\(/, `line ${line} of ${file}`);
  await page.waitForFunction((text) => [...document.querySelectorAll('.view-line')]
    .some((l) => l.textContent.replace(/\u00a0/g, ' ').trim() === text), expected);
  assert.equal(await page.getAttribute('[data-testid=open-in-editor]', 'href'), `vscode://file/${file}:${line}`);
  await shot('03-call-tree-source');
  // Beside the source: the selected call's function and entity, and for an API callback its args.
  assert.match(await page.locator('[data-testid=source-call]').innerText(),
               /^Lua → on_update\(duck_\w+\)\s+lifecycle\.on_entity_update\s+entity duck_\w+/);
  await page.focus('[data-testid=call-tree]');
  await page.keyboard.press('ArrowRight');  // opens on_update; its first child is ams.set_vy
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => /^ams\.set_vy/.test(document.querySelector('[data-testid=source-call]')?.innerText ?? ''));
  assert.match(await page.locator('[data-testid=source-call]').innerText(), /entity_id = "duck_\w+"\s+vy = -?[\d.]+/);
  await page.keyboard.press('ArrowUp');
  // The keyboard moves the selection through the tree.
  const first = await page.getAttribute('[role=treeitem][aria-selected=true]', 'data-call-id');
  await page.focus('[data-testid=call-tree]');
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction((id) => document.querySelector('[role=treeitem][aria-selected=true]')?.dataset.callId !== id, first);
  // End is not the tree's key: it goes back to the newest frame there too, as the keys help says.
  await page.keyboard.press('End');
  await page.waitForSelector('[data-testid=pause]');
  await page.click('[data-testid=pause]');
});

test('a rollback band appears and shows its details', async () => {
  await page.click('[data-testid=tab-timeline]');
  const bands = page.locator('[data-testid=rollback-band]');
  // A band seen live can leave the 60-frame window before the pause lands; then no band is left to
  // click in the held frames. Pause, let the paused view render (the live band it replaces was
  // detached under a click once), and pause again until the held frames keep one.
  for (let attempt = 1; ; attempt++) {
    await page.click('[data-testid=resume]');
    await bands.first().waitFor({ timeout: 30_000 });
    await page.click('[data-testid=pause]');
    await page.waitForSelector('[data-testid=resume]');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    if (await bands.count() > 0) {
      try {
        await bands.first().click({ timeout: 5_000 });
        break;
      } catch (e) {
        if (attempt >= 5) throw e;
        continue;
      }
    }
    assert.ok(attempt < 5, 'no rollback band stayed in the held frames after 5 pauses');
  }
  const details = page.locator('[data-testid=rollback-details]');
  await details.waitFor();
  assert.match(await details.innerText(), /frames_resimulated: \d+/);
  assert.ok(Number(await page.locator('[data-testid=frames-resimulated]').innerText()) > 0);
  await shot('04-timeline-rollback');
});

test('the timeline has a time axis and a legend, and a click on a behaviour tick selects its frame', async () => {
  const CANVAS = '[data-testid=timeline-canvas]';
  const LANES = '[data-testid=timeline-lanes]';
  const AXIS = '[data-testid=timeline-axis]';
  await page.click('[data-testid=tab-timeline]');
  await page.click('[data-testid=resume]');
  await page.waitForSelector('[data-testid=pause]');
  await page.waitForSelector(`${CANVAS}[data-lanes*=duck_]`);

  // The axis: labelled ticks in increasing order, the first at the plot's left edge (the window's start).
  const ticks = await page.$$eval(`${AXIS} .tick`, (els) =>
    els.map((el) => ({ ms: Number(el.dataset.ms), label: el.textContent.trim(), x: el.getBoundingClientRect().left })));
  assert.ok(ticks.length >= 2, `axis ticks: ${JSON.stringify(ticks)}`);
  for (const [i, t] of ticks.entries()) {
    assert.match(t.label, /^(0|\d+(\.\d+)? ms)$/);
    if (i) assert.ok(t.ms > ticks[i - 1].ms && t.x > ticks[i - 1].x && parseFloat(t.label) > parseFloat(ticks[i - 1].label),
                     `ticks in order: ${JSON.stringify(ticks)}`);
  }
  const plotX = (await page.locator(CANVAS).boundingBox()).x;
  assert.ok(Math.abs(ticks[0].x - plotX) <= 1, `0 ms at the plot's left edge: tick ${ticks[0].x}, plot ${plotX}`);
  // It stays at the top while the lanes scroll (the game's few lanes do in a low window), and adds no
  // sideways overflow.
  await page.setViewportSize({ width: 1280, height: 420 });
  try {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const axisTop = (await page.locator(AXIS).boundingBox()).y;
    const scrolled = await page.$eval(LANES, (el) => {
      el.scrollTop = 60;
      return { top: el.scrollTop, fits: el.scrollWidth <= el.clientWidth };
    });
    assert.ok(scrolled.top > 0, 'the lanes scroll vertically');
    assert.ok(scrolled.fits, 'no horizontal overflow');
    assert.equal((await page.locator(AXIS).boundingBox()).y, axisTop, 'the axis stays put');
    await shot('04b-timeline-axis-scrolled');
  } finally {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.$eval(LANES, (el) => (el.scrollTop = 0));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
  const legend = await page.locator('[data-testid=timeline-legend]').innerText();
  assert.match(legend, /engine[\s\S]*script API callback[\s\S]*script code[\s\S]*rollback/);
  await shot('04c-timeline-axis-legend');

  const box = await page.locator(CANVAS).boundingBox();
  // The ticks in the older half of the window of the first lane that has some there (18 px lanes), found in
  // the canvas's pixels: opaque and coloured.
  const laneTicks = () => page.$eval(CANVAS, (c) => {
    const dpr = devicePixelRatio;
    for (let y = 9; y < c.height / dpr; y += 18) {
      const row = c.getContext('2d').getImageData(0, Math.round(y * dpr), c.width, 1).data;
      const xs = [];
      for (let i = Math.round(c.width * 0.1), last = -2; i < c.width / 2; ++i) {
        const [r, g, b, a] = row.slice(4 * i, 4 * i + 4);
        if (a !== 255 || Math.max(r, g, b) - Math.min(r, g, b) <= 60) continue;
        if (i > last + 1) xs.push(i / dpr);
        last = i;
      }
      if (xs.length) return { y, xs };
    }
    return { y: 0, xs: [] };
  });
  // Live frames move the ticks every quarter second: the click selects the frame the tooltip names when
  // the button goes down, however long it is held. (Should the window move between the hover and the
  // press, leaving no tick under the mouse, hover another one.)
  let picked = null;
  let at = null;
  for (let attempt = 1; attempt <= 5 && picked === null; ++attempt) {
    const { y, xs } = await laneTicks();
    assert.ok(xs.length > 0, 'a lane has ticks in the older half');
    at = { x: box.x + xs[(Math.floor(xs.length / 2) + attempt) % xs.length] + 0.5, y: box.y + y };
    await page.mouse.move(at.x, at.y);
    if (await page.locator('[data-testid=timeline-tip]').waitFor({ timeout: 1000 }).then(() => false, () => true)) continue;
    await page.mouse.down();
    const frame = await page.locator('[data-testid=timeline-tip]').getAttribute('data-frame', { timeout: 1000 }).catch(() => null);
    await page.waitForTimeout(400);  // the live window would have moved by now
    await page.mouse.up();
    const paused = await page.waitForSelector('[data-testid=resume]', { timeout: 2000 }).then(() => true, () => false);
    if (!paused) continue;
    assert.equal(await attr(STRIP, 'data-selected-frame'), frame, 'the frame the tooltip named is selected');
    picked = frame;
  }
  assert.ok(picked !== null, 'a click on a tick selects the frame its tooltip names (and pauses)');
  assert.ok(Number(picked) < Number(await attr(STRIP, 'data-newest-frame')), 'an older frame than the newest');
  // The window stays where it was: the tick under the mouse is still the frame just picked.
  await page.mouse.move(at.x + 1, at.y);
  await page.mouse.move(at.x, at.y);
  assert.equal(await page.locator('[data-testid=timeline-tip]').getAttribute('data-frame'), picked,
               'the clicked tick stays under the mouse');
  await shot('04d-timeline-tick-selected');
  await page.mouse.move(0, 0);
  await page.click('[data-testid=resume]');
  await page.waitForSelector('[data-testid=pause]');
});

test('the aggregate view lists the top sites and the frame-time histogram', async () => {
  await page.click('[data-testid=tab-aggregate]');
  const table = page.locator('[data-testid=top-sites] tbody tr');
  await table.first().waitFor();
  assert.ok(await table.count() >= 3);
  // Every entity's on_update comes from one call site: the row is named module.func, not one entity's label.
  const sites = await page.locator('[data-testid=top-sites]').innerText();
  assert.match(sites, /lifecycle\.on_entity_update \(\d+ labels\)/);
  assert.doesNotMatch(sites, /on_update\(/);
  assert.ok(await page.locator('[data-testid=histogram] .bin').count() > 0);
  await shot('05-aggregate');
  // In a small window every column stays in view: no horizontal scroll hides "% self".
  await page.setViewportSize({ width: 1024, height: 600 });
  try {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const fit = await page.$eval('[data-testid=top-sites]', (t) => {
      const section = t.parentElement;
      const last = t.querySelector('th:last-child').getBoundingClientRect();
      return { scroll: section.scrollWidth, client: section.clientWidth, lastRight: last.right,
               right: section.getBoundingClientRect().right };
    });
    assert.ok(fit.scroll <= fit.client && fit.lastRight <= fit.right + 0.5, `the sites table fits: ${JSON.stringify(fit)}`);
    await shot('05b-aggregate-1024');
  } finally {
    await page.setViewportSize({ width: 1280, height: 720 });
  }
});

test('a saved session loads; a malformed one gives a clear message', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=save]')]);
  const saved = join(artifacts, 'saved-session.json');
  await download.saveAs(saved);
  const session = JSON.parse(readFileSync(saved, 'utf8'));
  assert.ok(session.frames.length > 10);
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

test('the panel turns profiling off and on in the game', async () => {
  const received = () => attr('[data-testid=stats]', 'data-received').then(Number);
  await page.click('[data-testid=profiling-toggle]');
  await page.waitForSelector('[data-testid=profiling-toggle][aria-pressed=false]');
  await page.waitForTimeout(300);
  const before = await received();
  await page.waitForTimeout(700);
  assert.equal(await received(), before, 'no frames while profiling is off');
  // Live, but saying why nothing moves (the mode read "LIVE" before).
  assert.match(await page.locator('[data-testid=mode]').innerText(), /live · profiling is off in the game/i);
  await page.click('[data-testid=profiling-toggle]');
  await page.waitForSelector('[data-testid=profiling-toggle][aria-pressed=true]');
  await page.waitForFunction(() => /^live$/i.test(document.querySelector('[data-testid=mode]').innerText));
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=stats]').dataset.received) > n + 10, before);
});

test('a restarted game is reconnected to and named as a different session', async () => {
  const before = await page.locator('[data-testid=session-id]').innerText();
  await stopGame(game);
  await page.waitForSelector('[data-testid=connection]:not([data-state=open])');
  // Nothing says the game is live or profiling any more.
  await page.waitForFunction(() => /^disconnected/i.test(document.querySelector('[data-testid=mode]').innerText));
  assert.equal(await page.locator('[data-testid=profiling-toggle]').innerText(), 'Profiling: no game');
  await shot('11-game-stopped');
  game = await startGame(game.port, ['--scripts', scripts, '--reload-scripts']);
  const notice = await page.waitForSelector('[data-testid=notice]', { timeout: 20_000 });
  assert.match(await notice.innerText(), /The game restarted: now showing session/);
  // The notice is in the open panel: it pushes none of the page's text under the panel.
  for (const sel of ['[data-testid=notice]', '[data-testid=stats]']) {
    const seen = await page.$eval(sel, (el) => {
      const r = el.getBoundingClientRect();
      return el.contains(document.elementFromPoint(r.left + 5, r.top + r.height / 2));
    });
    assert.ok(seen, `${sel} is not covered`);
  }
  await shot('12-game-restarted');
  assert.notEqual(await page.locator('[data-testid=session-id]').innerText(), before);
  await page.waitForSelector('[data-testid=connection][data-state=open]');
  // Chromium notes each reconnection attempt refused while the game was away (how many depends on how
  // long it took to start): the page's own errors are the rest.
  assert.deepEqual(pageErrors(), []);
});

test('the source view opens the scripts the game runs, also from a --scripts directory', async () => {
  // The restarted game runs a copy of the scripts outside the source tree: the server must serve it.
  await page.waitForSelector('[data-testid=panel]');
  await page.waitForFunction((s) => Number(document.querySelector(s)?.dataset.count) > 5, STRIP);
  await page.click('[data-testid=pause]');
  await page.click('[data-testid=tab-tree]');
  await page.locator('[role=treeitem]', { hasText: 'Lua → on_update(duck_' }).first().click();
  const [file, line] = (await page.locator('[data-testid=source-path]').innerText()).split(/:(?=\d+$)/);
  assert.ok(file.startsWith(scripts + '/behaviours/'), `${file} is in the game's scripts directory ${scripts}`);
  const expected = readFileSync(file, 'utf8').split('\n')[Number(line) - 1].trim();
  assert.match(expected, /^function (duck|falling)\.on_update\(/);
  await page.waitForFunction((text) => [...document.querySelectorAll('.view-line')]
    .some((l) => l.textContent.replace(/\u00a0/g, ' ').trim() === text), expected);
  assert.equal(await page.locator('[data-testid=source-status]').count(), 0);
  await page.click('[data-testid=resume]');
  await page.click('[data-testid=tab-flame]');
});

// The design's happy path, last step: the user adjusts a behaviour and sees the flame graph change.
// The restarted game reloads its scripts; the duck's on_update gains an ams.set_x call (the stock
// scripts never make one), and live frames show it under the duck's on_update.
test('editing a behaviour script changes the live flame graph', async () => {
  await page.waitForSelector('[data-testid=panel]');
  await page.click('[data-testid=tab-flame]');
  const matches = async () => {
    await page.fill('[data-testid=search]', 'ams.set_x');
    return Number((await page.locator('[data-testid=search-matches]').innerText()).split(' ')[0]);
  };
  await page.waitForFunction((s) => Number(document.querySelector(s)?.dataset.count) > 5, STRIP);
  assert.equal(await matches(), 0, 'no ams.set_x before the edit');
  const duck = join(scripts, 'behaviours/duck.lua');
  const text = readFileSync(duck, 'utf8');
  assert.match(text, /function duck\.on_update\(id, dt\)\n/);
  writeFileSync(duck, text.replace('function duck.on_update(id, dt)\n',
                                   'function duck.on_update(id, dt)\n  ams.set_x(id, ams.get_x(id))\n'));
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=search-matches]')?.innerText.split(' ')[0]) > 0,
                             null, { timeout: 10_000 });
  await shot('10-edited-behaviour');
  await page.fill('[data-testid=search]', '');
  assert.deepEqual(pageErrors(), []);
});

// The design's "adjust the behaviour, see it" journey in the source view: the script gains three lines at
// the top; once the game has reloaded it, a newly chosen call of it opens the new text at its new line.
test('after a script edit, the source view shows the new text at the call\'s new line', async () => {
  const duck = join(scripts, 'behaviours/duck.lua');
  const SITE = '[data-testid=source-path]';
  await page.click('[data-testid=tab-tree]');
  /** Pauses and chooses a duck's on_update that runs duck.lua (not a shot duck's falling.lua); its line. */
  const choose = async () => {
    await page.click('[data-testid=pause]');
    const rows = page.locator('[role=treeitem]', { hasText: 'Lua → on_update(duck_' });
    for (let i = 0; i < await rows.count(); ++i) {
      await rows.nth(i).click();
      await page.waitForFunction((s) => document.querySelector(s)?.dataset.line, SITE);
      if ((await page.locator(SITE).innerText()).startsWith(`${duck}:`)) return Number(await attr(SITE, 'data-line'));
    }
    assert.fail('no duck runs duck.lua');
  };
  /** The text the editor shows on line `n`, once it highlights that line (the call's site). */
  const highlighted = (n) => page.waitForFunction((want) => {
    const topOf = (el) => el.style.top || el.parentElement.style.top;  // a line's own, or its row's
    const at = (sel, top) =>
      [...document.querySelectorAll(`[data-testid=source-editor] ${sel}`)].find((el) => topOf(el) === top);
    const mark = document.querySelector('[data-testid=source-editor] .yams-site-line');
    const top = mark && topOf(mark);
    if (!top || at('.line-numbers', top)?.textContent.trim() !== String(want)) return null;
    return at('.view-line', top)?.textContent.replace(/\u00a0/g, ' ').trim() ?? null;
  }, n).then((h) => h.jsonValue());
  await page.waitForFunction((s) => Number(document.querySelector(s)?.dataset.count) > 5, STRIP);
  const before = await choose();
  const text = readFileSync(duck, 'utf8');
  assert.match(text.split('\n')[before - 1], /^function duck\.on_update\(/);
  assert.match(await highlighted(before), /^function duck\.on_update\(/);
  await page.click('[data-testid=resume]');
  writeFileSync(duck, `-- edited by the panel's end-to-end test\n--\n--\n${text}`);
  // The game looks for changed scripts every 30 frames.
  let line = before;
  for (let i = 0; i < 20 && line === before; ++i) {
    await page.waitForTimeout(250);
    line = await choose();
    if (line === before) await page.click('[data-testid=resume]');
  }
  assert.equal(line, before + 3, 'the reloaded script\'s call is three lines lower');
  assert.match(await highlighted(line), /^function duck\.on_update\(/);
  await shot('16-edited-script-source');
  await page.click('[data-testid=resume]');
  assert.deepEqual(pageErrors(), []);
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
