// The projections in a worker thread, seen from the server: the same read side as an in-process
// ProjectionRunner (waitFor for read-your-writes, snapshot, status, whenCaughtUp, the read-model
// database to query), with the work of applying events on another core. The worker
// (projections/threadWorker.ts) opens its own connections to the event store (`store.address`)
// and to the read-model file; the server keeps a connection of its own to read the models, which
// sees each batch as soon as the worker has committed it (WAL) and reported its progress.
//
// Progress arrives as a snapshot after every batch; waitFor and whenCaughtUp are answered from the
// latest one. If the worker dies, the read side counts as stopped: waiters get false, the error is
// logged, and a restart of the server resumes every projection from its checkpoint.
import type Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import type { StoreAddress } from '../events/port';
import { startTsWorker } from '../events/tsWorker';
import { openReadModelDb } from './readModelDb';
import type { ProjectionSnapshot, ProjectionStatus, RunnerLogger } from './runner';
import { Waiters } from './waiters';

/** What the server's read routes and commands use of the projections, wherever they run. */
export interface ReadSide {
  readonly db: Database.Database;
  readonly eventsRead: number;
  snapshot(): ProjectionSnapshot[];
  status(): Promise<ProjectionStatus[]>;
  waitFor(position: number, names?: readonly string[], timeoutMs?: number): Promise<boolean>;
  whenCaughtUp(names?: readonly string[]): Promise<void>;
}

export interface ThreadSetup {
  store: StoreAddress;
  readModelFile: string;
  batchSize?: number | undefined;
}

export type FromHost = { type: 'status'; id: number } | { type: 'stop' };
export type ToHost =
  | { type: 'started'; snapshot: ProjectionSnapshot[]; eventsRead: number; osThread: string | null }
  | { type: 'start_failed'; name: string; message: string }
  | { type: 'progress'; snapshot: ProjectionSnapshot[]; eventsRead: number }
  | { type: 'status'; id: number; statuses?: ProjectionStatus[]; error?: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; obj: object; msg: string }
  | { type: 'stopped'; snapshot: ProjectionSnapshot[] };

/** What the worker reports once its projections run. */
type Started = Omit<Extract<ToHost, { type: 'started' }>, 'type'>;

const workerModule = new URL('./threadWorker.ts', import.meta.url);

const DEFAULT_WAIT_MS = 2000;
const STOP_WAIT_MS = 10_000;

export class ProjectionThread implements ReadSide {
  private latest: ProjectionSnapshot[] = [];
  private read = 0;
  private running = true;
  private readonly waiters = new Waiters();
  private readonly statusRequests = new Map<number, { resolve(s: ProjectionStatus[]): void; reject(e: Error): void }>();
  private nextRequest = 1;
  private stopping: Promise<void> | undefined;
  private exited: Promise<void>;
  /** The worker's thread id in the OS (Linux, /proc/self/task), so its CPU can be told apart. */
  readonly osThread: string | null;

  private constructor(
    private readonly worker: Worker,
    readonly db: Database.Database,
    private readonly log: RunnerLogger,
    first: Started,
  ) {
    this.osThread = first.osThread;
    this.latest = first.snapshot;
    this.read = first.eventsRead;
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: ToHost) => this.receive(message));
    worker.on('error', (error) => {
      this.log.error({ err: error }, 'the projections thread failed: the read models stop here until the server restarts');
      this.ended();
    });
    worker.on('exit', () => this.ended());
  }

  /** Starts the worker; resolves once every projection runs (not once caught up), like the runner's start. */
  static async start(setup: ThreadSetup, log: RunnerLogger): Promise<ProjectionThread> {
    const worker = startTsWorker(workerModule, setup);
    const first = await new Promise<Started>((resolve, reject) => {
      const onMessage = (message: ToHost) => {
        if (message.type === 'log') forwardLog(log, message);
        else if (message.type === 'started') done(() => resolve(message));
        else if (message.type === 'start_failed') done(() => reject(Object.assign(new Error(message.message), { name: message.name })));
      };
      const onError = (error: Error) => done(() => reject(error));
      const onExit = (code: number) => done(() => reject(new Error(`the projections thread exited (code ${code}) before it started`)));
      const done = (settle: () => void) => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        settle();
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    return new ProjectionThread(worker, openReadModelDb(setup.readModelFile), log, first);
  }

  get eventsRead(): number {
    return this.read;
  }

  snapshot(): ProjectionSnapshot[] {
    return this.running ? this.latest : this.latest.map((s) => (s.state === 'failed' ? s : { ...s, state: 'stopped' }));
  }

  status(): Promise<ProjectionStatus[]> {
    if (!this.running) return Promise.reject(new Error('the projections are stopped'));
    const id = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.statusRequests.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'status', id } satisfies FromHost);
    });
  }

  waitFor(position: number, names?: readonly string[], timeoutMs = DEFAULT_WAIT_MS): Promise<boolean> {
    const wanted = this.select(names);
    return this.waiters.until(() => {
      const now = this.latest.filter((s) => wanted.has(s.name));
      if (now.every((s) => s.position >= position)) return true;
      if (!this.running || now.some((s) => s.state === 'failed')) return false;
      return undefined;
    }, timeoutMs);
  }

  async whenCaughtUp(names?: readonly string[]): Promise<void> {
    const wanted = this.select(names);
    await this.waiters.until(() => {
      if (!this.running) return false;
      return this.latest.filter((s) => wanted.has(s.name)).every((s) => s.state === 'live' || s.state === 'failed') ? true : undefined;
    });
  }

  /**
   * The worker applies the batch in hand, stops its runner and closes the read models; then it
   * ends. A worker that does not answer within STOP_WAIT_MS is ended all the same (a batch cut
   * short is rolled back, and resumed from its checkpoint at the next start).
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.running) {
        let timer: NodeJS.Timeout | undefined;
        const stopped = new Promise<void>((resolve) => {
          const onMessage = (message: ToHost) => {
            if (message.type !== 'stopped') return;
            this.worker.off('message', onMessage);
            resolve();
          };
          this.worker.on('message', onMessage);
          void this.exited.then(resolve);
          timer = setTimeout(() => {
            this.log.warn({ waitedMs: STOP_WAIT_MS }, 'the projections thread did not stop in time: ending it');
            resolve();
          }, STOP_WAIT_MS);
        });
        this.worker.postMessage({ type: 'stop' } satisfies FromHost);
        await stopped;
        clearTimeout(timer);
      }
      await this.worker.terminate();
      this.ended();
      this.db.close();
    })();
    return this.stopping;
  }

  private receive(message: ToHost): void {
    switch (message.type) {
      case 'progress':
      case 'stopped':
        this.latest = message.snapshot;
        if (message.type === 'progress') this.read = message.eventsRead;
        else this.running = false;
        this.waiters.settle(this.running);
        break;
      case 'status': {
        const request = this.statusRequests.get(message.id);
        this.statusRequests.delete(message.id);
        if (message.statuses) request?.resolve(message.statuses);
        else request?.reject(new Error(message.error ?? 'no status'));
        break;
      }
      case 'log':
        forwardLog(this.log, message);
        break;
    }
  }

  private ended(): void {
    if (!this.running && this.statusRequests.size === 0) return;
    this.running = false;
    for (const request of this.statusRequests.values()) request.reject(new Error('the projections are stopped'));
    this.statusRequests.clear();
    this.waiters.settle(false);
  }

  private select(names: readonly string[] | undefined): Set<string> {
    const known = new Set(this.latest.map((s) => s.name));
    for (const name of names ?? []) {
      if (!known.has(name)) throw new Error(`no projection named ${name} (known: ${[...known].join(', ') || 'none'})`);
    }
    return names ? new Set(names) : known;
  }
}

function forwardLog(log: RunnerLogger, message: Extract<ToHost, { type: 'log' }>): void {
  log[message.level](message.obj, message.msg);
}
