// One scenario's stage: a fresh data directory, the harness's SMTP server, for EventStoreDB the
// wire-compatible test server in this process (its memory log outlives every kill of the back
// office), the back office as a child process, the staff client and the workload; and, at the
// end, the settling (pending commands sent again, every paid order fulfilled, every e-mail out,
// the read models caught up) and the invariants.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreTestServer } from '../test/events/eventstoredb/testServer';
import type { ApiClient } from './api';
import { BackOffice } from './backoffice';
import { checkLog, settled, type Check, type LogFacts } from './invariants';
import { readLog, verifyChain, type LogEvent, type LogSource } from './log';
import { Random } from './random';
import { compareReadModels } from './readModels';
import { FaultySmtp } from './smtp';
import { Workload } from './workload';
import { setUpWorld, staffClient } from './world';

export type StoreKind = 'sqlite' | 'eventstoredb';

export interface StageOptions {
  scenario: string;
  store: StoreKind;
  seed: number;
  /** An existing (e.g. mounted) directory to use as DATA_DIR; a fresh temp dir otherwise. */
  dataDir?: string;
  fakeTimeFile?: string;
  artifactsDir: string;
}

export interface Verdict {
  checks: Check[];
  facts: LogFacts;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** No event lost: every order the API answered is in the log, and paid once its payment was answered. */
export function answeredCommandsInLog(events: LogEvent[], workload: Workload): Check {
  const placed = new Set(events.filter((e) => e.type === 'OrderPlaced').map((e) => e.data.orderId as string));
  const paid = new Set(events.filter((e) => e.type === 'OrderPaid').map((e) => e.data.orderId as string));
  const lost: string[] = [];
  for (const c of workload.commands) {
    // The reversed attempt's order id is in its message; it must not have been placed after all.
    const reversedId = c.reversed && /order (\S+) could not be placed/.exec(String(c.reversed.body?.message))?.[1];
    if (reversedId && placed.has(reversedId)) lost.push(`order ${reversedId} answered as reversed (its debit credited back) but placed in the log`);
    if ((c.kind === 'prepaid_order' || c.kind === 'direct_order') && c.answer) {
      const orderId = c.answer.body.id as string;
      if (!placed.has(orderId)) lost.push(`order ${orderId} answered ${c.answer.status} but not in the log`);
      else if (c.kind === 'prepaid_order' && !paid.has(orderId)) lost.push(`prepaid order ${orderId} not paid`);
    }
    if (c.kind === 'payment' && (c.answer || c.duplicateAnswer)) {
      const orderId = (c.answer?.body?.orderId ?? null) as string | null;
      if (orderId && !paid.has(orderId)) lost.push(`order ${orderId}: its payment was answered, the order is not paid`);
    }
  }
  return { name: 'no answered command lost: every order answered is in the log, paid when its payment was', held: lost.length === 0, detail: lost.slice(0, 5) };
}

export class Stage {
  readonly killTimes: number[] = [];
  /** Observations of the stage (failed starts, what was compared), for the scenario's notes. */
  readonly startNotes: string[] = [];
  readonly random: Random;
  workload!: Workload;
  client!: ApiClient;
  private ownsDir: boolean;

  private constructor(
    readonly options: StageOptions,
    readonly dataDir: string,
    readonly smtp: FaultySmtp,
    readonly esdb: EventStoreTestServer | undefined,
    readonly backOffice: BackOffice,
  ) {
    this.random = new Random(options.seed);
    this.ownsDir = options.dataDir === undefined;
  }

  static async open(options: StageOptions): Promise<Stage> {
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `faults-${options.scenario}-`));
    mkdirSync(options.artifactsDir, { recursive: true });
    const smtp = await FaultySmtp.start();
    const esdb = options.store === 'eventstoredb' ? await EventStoreTestServer.start() : undefined;
    const backOffice = new BackOffice({
      dataDir,
      smtpUrl: smtp.url,
      eventStoreUrl: esdb?.connectionString,
      fakeTimeFile: options.fakeTimeFile,
      logFile: join(options.artifactsDir, `${options.scenario}-${options.store}.log`),
    });
    return new Stage(options, dataDir, smtp, esdb, backOffice);
  }

  get source(): LogSource {
    return this.esdb ? { kind: 'eventstoredb', url: this.esdb.connectionString } : { kind: 'sqlite', dataDir: this.dataDir };
  }

  /** Starts the back office; the first time, sets up the world on it. */
  async startServer(): Promise<void> {
    await this.backOffice.start();
    if (!this.workload) {
      const world = await setUpWorld(this.backOffice.url);
      this.client = await staffClient(this.backOffice.url);
      this.workload = new Workload(this.client, world.customerIds, this.random);
    } else {
      this.client = await staffClient(this.backOffice.url);
      this.workload.use(this.client);
    }
  }

  /**
   * One round under load: starts the back office, sends again what the last round cut off, sends a
   * burst of 3-8 commands side by side and calls `interrupt` after a random delay, mostly early
   * (placement, payments), sometimes later (fulfilment, e-mails); then waits for the burst's answers.
   */
  async roundUnderLoad(interrupt: () => Promise<void>): Promise<void> {
    await this.startServer();
    await this.workload.resume(Date.now() + 5_000);
    const burst = this.workload.burst(this.random.int(3, 8));
    await sleep(this.random.next() < 0.5 ? this.random.int(0, 400) : this.random.int(400, 2500));
    await interrupt();
    await burst;
  }

  /** kill -9 of the back office, its moment noted. */
  async kill(): Promise<void> {
    this.killTimes.push(Date.now());
    await this.backOffice.kill();
  }

  /**
   * Sends the pending commands again, then waits until every paid order is fulfilled, every
   * e-mail has an outcome and every read model has caught up with the log.
   */
  async settle(timeoutMs: number): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    if (!this.backOffice.running) await this.startServer(); // it crashed: start it again, to check the rest
    await this.workload.resume(deadline);
    let waiting = 'nothing yet';
    while (Date.now() < deadline) {
      if (!this.backOffice.running) await this.startServer();
      const state = settled(await readLog(this.source));
      waiting = state.waiting;
      if (state.done && this.workload.pending().length === 0) {
        const projections = await this.client.get('/api/projections').catch(() => null);
        if (projections?.status === 200 && (projections.body as Array<{ state: string; lagEvents: number }>).every((p) => p.state === 'live' && p.lagEvents === 0)) {
          return null;
        }
        waiting = 'read models catching up';
      }
      await sleep(250);
    }
    const unanswered = this.workload.describePending();
    return `not settled after ${Math.round(timeoutMs / 1000)} s: ${waiting}, ${unanswered.length} commands unanswered${unanswered.length ? `: ${unanswered.slice(0, 3).join('; ')}` : ''}`;
  }

  /** Stops the back office (SIGTERM) and checks every invariant. */
  async verify(settleProblem: string | null): Promise<Verdict> {
    await this.backOffice.stop();
    const events = await readLog(this.source);
    const { checks, facts } = checkLog(events, this.smtp.deliveries, this.killTimes);
    const readModels = await compareReadModels(this.source, this.dataDir);
    checks.push(readModels.check);
    this.startNotes.push(readModels.compared);
    const refused = this.workload.refusedUnexpectedly();
    checks.push(answeredCommandsInLog(events, this.workload));
    // Last: it records the verification on the log (LogVerified), after everything else read it.
    const chain = await verifyChain(this.source);
    checks.push({ name: "the log's hash chain verifies (npm run verify-log): no event altered, missing or reordered", held: chain.held, detail: chain.detail });
    const reversed = this.workload.commands.filter((c) => c.reversed);
    if (reversed.length > 0) {
      this.startNotes.push(`${reversed.length} prepaid order(s) cut after their debit were answered 409 order_attempt_reversed when sent again (the debit credited back), and placed anew`);
    }
    const duplicates = this.workload.commands.filter((c) => c.duplicateAnswer);
    if (duplicates.length > 0) {
      this.startNotes.push(
        `${duplicates.length} command(s) sent again after a kill were answered 409 (${[...new Set(duplicates.map((c) => `${c.kind} ${c.duplicateAnswer!.body?.code}`))].join(', ')}) instead of the first run's answer`,
      );
    }
    checks.unshift({ name: 'the server never exits by itself', held: this.backOffice.crashes.length === 0, detail: this.backOffice.crashes.slice(0, 3) });
    const startFailures = this.backOffice.startFailures;
    if (startFailures.length > 0) this.startNotes.push(`${startFailures.length} start(s) failed before listening and were retried: ${[...new Set(startFailures)].join('; ')}`);
    checks.unshift({
      name: 'the work settles: every command answered, every order fulfilled, every e-mail out',
      held: settleProblem === null && refused.length === 0,
      detail: [
        ...(settleProblem ? [settleProblem] : []),
        ...refused.slice(0, 3).map((c) => `${c.kind} refused: ${c.refused!.status} ${c.refused!.text.slice(0, 200)}`),
      ],
    });
    return { checks, facts };
  }

  async close(): Promise<void> {
    await this.backOffice.close();
    await this.smtp.down();
    await this.esdb?.stop();
    if (this.ownsDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
