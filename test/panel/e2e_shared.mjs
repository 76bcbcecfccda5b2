// What the panel's end-to-end test files share: their environment, the demo game as they start it, and the
// selectors of the views they read.
import { mkdirSync } from 'node:fs';
import { startGame } from './game.mjs';

export const exe = process.env.YAMS_DUCKHUNT;
export const artifacts = process.env.YAMS_ARTIFACTS ?? 'test-artifacts/panel';
export const sourceRoot = process.env.YAMS_SOURCE_ROOT ?? process.cwd();
mkdirSync(artifacts, { recursive: true });

export const STRIP = '[data-testid=frame-strip]';
export const FLAME = '[data-testid=flame-canvas]';

/** Starts the demo serving on `port` (0: any) with `extra` arguments; resolves to { proc, url, port }. */
export const startDemo = (port = 0, extra = []) =>
  startGame(exe, ['--serve', '--port', String(port), '--ducks', '4', '--latency-ms', '150', '--seed', '7', ...extra]);
