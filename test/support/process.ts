// Runs the real server entry point as a child process, the way the README's start command does.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout(): string;
  stderr(): string;
  exit: Promise<number | null>;
}

export function runServerEntry(env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
  });
}

/** Starts the server on a free port and resolves once it prints the URL it listens on. */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = runServerEntry({ PORT: '0', ...env });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (err += chunk));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 45 s: ${err}`)), 45_000);
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+?)\/? /.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exit.then((code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
  return { child, url, stdout: () => out, stderr: () => err, exit };
}
