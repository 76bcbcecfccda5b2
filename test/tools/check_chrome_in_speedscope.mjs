// `yams convert FILE --to chrome` opened by a real Trace Event viewer: speedscope's own importer (the
// app shipped in the `speedscope` npm package) in Debian's Chromium. It pairs begins and ends per
// thread and warns on the console for every end that does not match the open begin; the trace must
// load with no such warning and no error.
//   node check_chrome_in_speedscope.mjs TOOL SESSION OUT
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPage } from '../panel/browser.mjs';

const [tool, session, out] = process.argv.slice(2);
const run = spawnSync(tool, ['convert', session, '--to', 'chrome', '-o', out], { encoding: 'utf8' });
if (run.status !== 0) throw new Error(`yams convert failed: ${run.stderr}`);

const here = dirname(fileURLToPath(import.meta.url));
const app = join(here, '../../web-panel/node_modules/speedscope/dist/release');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
const http = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  const file = path === '/trace.json' ? out : normalize(join(app, path));
  if (file !== out && !file.startsWith(app + sep)) return res.writeHead(403).end();
  try {
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(await readFile(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => http.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${http.address().port}`;

const { page, errors, close } = await openPage({ width: 1400, height: 800 });
const mismatches = [];
page.on('console', (m) => { if (/Tried to end|stack was empty/.test(m.text())) mismatches.push(m.text()); });
let failure = '';
try {
  await page.goto(`${base}/index.html#profileURL=${encodeURIComponent(`${base}/trace.json`)}`);
  // The title bar names the profile once the import is done.
  await page.waitForSelector('text=/yams session .*thread 1/', { timeout: 90_000 });
  if (mismatches.length) failure = `${mismatches.length} begin/end mismatches, first: ${mismatches[0].slice(0, 300)}`;
  else if (errors.length) failure = `console errors: ${errors.slice(0, 3).join(' | ')}`;
} catch (e) {
  failure = `speedscope did not load the trace: ${e.message}`;
} finally {
  await close();
  http.close();
}
if (failure) {
  console.log(failure);
  process.exit(1);
}
console.log('chrome trace: imported by speedscope with every begin matched to its end');
