// Starting and stopping the real game (`yams-duckhunt --serve ...`) for the panel's end-to-end test and
// performance script: the game prints the panel's URL once its server listens.
import { spawn } from 'node:child_process';

/** Runs `exe` with `args` (which include --serve); resolves to { proc, url, port } once it prints its URL. */
export function startGame(exe, args) {
  const proc = spawn(exe, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL from ${exe} within 20 s:\n${out}`)), 20_000);
    const read = (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\/\S*/);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[0], port: Number(m[1]) });
      }
    };
    proc.stdout.on('data', read);
    proc.stderr.on('data', read);
    proc.on('exit', (code) => reject(new Error(`${exe} exited with ${code}:\n${out}`)));
  });
}

/** Stops a game started by startGame with Ctrl-C (SIGKILL after 5 s); resolves once it has exited. */
export function stopGame(game) {
  return new Promise((resolve) => {
    if (game.proc.exitCode !== null) return resolve();
    game.proc.once('exit', () => resolve());
    game.proc.kill('SIGINT');
    setTimeout(() => game.proc.kill('SIGKILL'), 5000);
  });
}
