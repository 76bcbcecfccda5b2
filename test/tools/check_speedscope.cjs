// `yams convert FILE --to speedscope` loaded back: valid against the schema shipped in the speedscope
// npm package (checked with ajv), events properly nested and in time order, and the same totals as
// the session: per frame name, the summed open-to-close time equals the summed call durations.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { createRequire } = require('module');

const [nodeModules, tool, session, out] = process.argv.slice(2);
const requireFrom = createRequire(path.join(path.resolve(nodeModules), 'noop.js'));
const Ajv = requireFrom('ajv').default || requireFrom('ajv');
const schemaPath = requireFrom.resolve('speedscope/dist/release/file-format-schema.json');

execFileSync(tool, ['convert', session, '--to', 'speedscope', '-o', out], { stdio: 'inherit' });
const file = JSON.parse(fs.readFileSync(out, 'utf8'));
const failures = [];

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
if (!validate(file)) failures.push('schema: ' + ajv.errorsText(validate.errors));

// The session, read here independently of the C++ reader.
const text = fs.readFileSync(session, 'utf8');
const firstLine = text.trimStart().split('\n', 1)[0];
let frames;
try {
  const header = JSON.parse(firstLine);
  if (!('yams_session' in header)) throw new Error('document form');
  frames = text.split('\n').slice(1).filter((l) => l.trim()).map((l) => JSON.parse(l))
    .filter((o) => !('yams_session_end' in o));
} catch {
  frames = JSON.parse(text).frames;
}

const want = new Map();  // label -> summed call durations (ms)
let calls = 0;
for (const f of frames) {
  for (const c of f.calls) {
    want.set(c.label, (want.get(c.label) || 0) + c.duration);
    calls++;
  }
}

const got = new Map();
let opens = 0;
for (const p of file.profiles) {
  const stack = [];
  let last = -Infinity;
  for (const e of p.events) {
    if (e.at < last) failures.push(`${p.name}: event at ${e.at} before ${last}`);
    last = e.at;
    if (e.type === 'O') {
      stack.push(e);
      opens++;
    } else {
      const o = stack.pop();
      if (!o || o.frame !== e.frame) { failures.push(`${p.name}: close of frame ${e.frame} does not match its open`); continue; }
      const name = file.shared.frames[e.frame].name;
      got.set(name, (got.get(name) || 0) + (e.at - o.at));
    }
  }
  if (stack.length) failures.push(`${p.name}: ${stack.length} frames left open`);
  if (p.endValue < last) failures.push(`${p.name}: endValue ${p.endValue} before the last event`);
}
const rollbacks = frames.filter((f) => f.rollback).length;
if (opens !== calls + rollbacks) failures.push(`${opens} opens for ${calls} calls and ${rollbacks} rollbacks`);

const tolerance = (ms) => 1e-6 * Math.max(1, ms) + 1e-6 * calls;
for (const [label, ms] of want) {
  const g = got.get(label) || 0;
  if (Math.abs(g - ms) > tolerance(ms)) failures.push(`total of '${label}': ${g} ms in speedscope, ${ms} ms in the session`);
}
const rollbackNames = [...got.keys()].filter((n) => n.startsWith('Rollback ('));
if (rollbackNames.length === 0 && rollbacks > 0) failures.push('no rollback frames');

if (failures.length) {
  console.log(failures.slice(0, 30).join('\n'));
  process.exit(1);
}
console.log(`speedscope: schema-valid, ${file.profiles.length} profiles, ${opens} opens, totals of ${want.size} labels match: ok`);
