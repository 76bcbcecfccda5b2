// Launches Debian's Chromium headless through playwright-core (never a downloaded browser) with the flags
// this machine needs, and records the page's console errors so tests can require there are none.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(new URL('../../web-panel/package.json', import.meta.url));
const { chromium } = require('playwright-core');

export const CHROMIUM = process.env.YAMS_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Whether a console error is Chromium's own note on a refused WebSocket connection to the panel's server (at
 * `port`, or any): the browser writes one for every attempt that fails while the game is away, whatever
 * the page does (no page code can silence it); the page's own errors are everything else.
 */
export function refusedConnection(text, port = '\\d+') {
  return new RegExp(`^WebSocket connection to 'ws://127\\.0\\.0\\.1:${port}/ws(\\?[^']*)?' failed: .*ERR_CONNECTION_REFUSED$`)
    .test(text);
}

/** Opens a 1280x720 page; returns { browser, page, errors, close }. */
export async function openPage({ width = 1280, height = 720, downloads = false } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'yams-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width, height },
    acceptDownloads: downloads,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return {
    context, page, errors,
    close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}
