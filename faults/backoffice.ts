// The real back office as a child process: `node --import tsx server/main.ts` (one process, so a
// SIGKILL reaches the server itself), with its configuration in the environment, on a free port
// of 127.0.0.1. Its output goes to a log file of the scenario; the harness waits for the line
// "Back office listening on ...".
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ADMIN = { username: 'faultadmin', password: 'fault-suite-admin-password' };
export const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

export interface BackOfficeOptions {
  dataDir: string;
  smtpUrl: string;
  /** EventStoreDB connection string; the embedded store when absent. */
  eventStoreUrl?: string | undefined;
  /** libfaketime's timestamp file: the child's wall clock follows what it holds. */
  fakeTimeFile?: string | undefined;
  logFile: string;
  startTimeoutMs?: number;
}

export class BackOffice {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  private readonly log: WriteStream;
  url = '';
  kills = 0;
  /** Exits the harness did not ask for (a crash), with their exit code and time. */
  readonly crashes: string[] = [];
  private expectingExit = false;

  constructor(private readonly options: BackOfficeOptions) {
    this.log = createWriteStream(options.logFile, { flags: 'w' });
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** The server's process id while it runs (the benchmark reads its CPU time from /proc). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts that failed before listening (e.g. a plugin too slow on a busy machine), each retried. */
  readonly startFailures: string[] = [];

  /** Starts the server; a start that fails before listening is tried again, twice at most. */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOnce();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (attempt >= 3 || !message.includes('before listening')) throw error;
        this.startFailures.push(`${this.lastStartError || message}`);
        this.crashes.pop(); // not a crash of a running server: a failed start, reported apart
      }
    }
  }

  private lastStartError = '';

  private async startOnce(): Promise<void> {
    if (this.child) throw new Error('already running');
    this.lastStartError = '';
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: this.options.dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO: 'false',
      LOG_LEVEL: 'warn',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      SMTP_URL: this.options.smtpUrl,
      MAIL_FROM: 'Firma Facile <noreply@firmafacile.example.it>',
      EVENT_STORE: this.options.eventStoreUrl ? 'eventstoredb' : 'sqlite',
      ...(this.options.eventStoreUrl ? { EVENTSTORE_URL: this.options.eventStoreUrl } : {}),
      ...(this.options.fakeTimeFile
        ? {
            LD_PRELOAD: LIBFAKETIME,
            FAKETIME_TIMESTAMP_FILE: this.options.fakeTimeFile,
            FAKETIME_NO_CACHE: '1',
            // A wall clock that jumps leaves the monotonic clock alone, as on a real machine.
            FAKETIME_DONT_FAKE_MONOTONIC: '1',
          }
        : {}),
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.log.write(`--- start pid ${child.pid} at ${new Date().toISOString()}\n`);
    this.expectingExit = false;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.expectingExit) {
          this.crashes.push(`exited by itself (code ${code}, signal ${signal}) at ${new Date().toISOString()}`);
          this.log.write(`--- exited by itself: code ${code}, signal ${signal}\n`);
          if (this.child === child) this.child = undefined;
        }
        resolve(code);
      }),
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      this.log.write(chunk);
      const line = /Start failed: .*/.exec(chunk.toString('utf8'))?.[0];
      if (line) this.lastStartError = line;
    });
    let buffered = '';
    const listening = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the back office did not start in time (see ${this.options.logFile})`)), this.options.startTimeoutMs ?? 60_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        this.log.write(chunk);
        buffered += chunk.toString('utf8');
        const match = /Back office listening on (http:\/\/[^\s/]+)\//.exec(buffered);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!.replace('localhost', '127.0.0.1'));
        }
      });
      void this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the back office exited (${code}) before listening (see ${this.options.logFile})`));
      });
    });
    const since = Date.now();
    try {
      this.url = await listening;
      this.log.write(`--- listening after ${Date.now() - since} ms\n`);
    } catch (error) {
      this.child = undefined;
      throw error;
    }
  }

  /** kill -9. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.kills++;
    this.expectingExit = true;
    child.kill('SIGKILL');
    await this.exited;
    this.log.write(`--- killed (SIGKILL) at ${new Date().toISOString()}\n`);
  }

  /**
   * SIGTERM: the server finishes what is in flight and exits; SIGKILL after `graceMs`. Its exit
   * code (null when it had to be killed) and how long it took; undefined when it was not running.
   */
  async stop(graceMs = 20_000): Promise<{ code: number | null; ms: number } | undefined> {
    const child = this.child;
    if (!child) return undefined;
    this.child = undefined;
    this.expectingExit = true;
    const since = Date.now();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    const ms = Date.now() - since;
    this.log.write(`--- stopped at ${new Date().toISOString()}: code ${code} after ${ms} ms\n`);
    return { code, ms };
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => this.log.end(resolve));
  }
}
