// Builds the console once before the browser tests (vitest globalSetup of the "browser" project in
// vitest.config.ts): the same `vite build` as `npm run build:ui`, in a child process; not when
// CONSOLE_BUILT=1 says the test command built it already.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export default async function buildConsole(): Promise<void> {
  // The test command builds it once for the Node 20 and Node 24 passes that run side by side.
  if (process.env.CONSOLE_BUILT === '1') return;
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const started = Date.now();
  const child = spawn(process.execPath, [vite, 'build', '--config', 'admin-ui/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`the console build (vite build) failed with exit code ${code}:\n${output}`);
  process.stdout.write(`console built into dist/admin-ui in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
