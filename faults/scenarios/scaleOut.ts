// Scale-out: three back offices on one EventStoreDB (the wire-compatible test server), as behind
// a load balancer. The workload's commands go round robin to the servers that are up, with one
// session logged in through the first; a random server is killed (-9) at random moments and
// started again, and what it left unanswered is sent again (same Idempotency-Key) to another.
// Afterwards: every invariant of the log (each paid order fulfilled once — one set of coupons, one
// invoice, one e-mail —, numbers gapless, balances), every server's read models equal a fresh
// rebuild, the log's chain verifies (the forks of concurrent appends joined), and the session and
// the keys worked on every server.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreTestServer } from '../../test/events/eventstoredb/testServer';
import { ApiClient, ClusterClient } from '../api';
import { BackOffice } from '../backoffice';
import { checkLog, settled, type Check } from '../invariants';
import { readLog, verifyChain, type LogSource } from '../log';
import { Random } from '../random';
import { compareReadModels } from '../readModels';
import type { ScenarioResult } from '../result';
import { FaultySmtp } from '../smtp';
import { answeredCommandsInLog, sleep } from '../stage';
import { Workload } from '../workload';
import { setUpWorld, staffClient } from '../world';

export interface ScaleOutOptions {
  seed: number;
  artifactsDir: string;
}

interface Server {
  backOffice: BackOffice;
  dataDir: string;
  /** Its client with the shared session, while it is up (its port changes at each start). */
  client: ApiClient | null;
}

/** How long the work may take to settle after the last kill (the full run: 120 s; the short run less). */
export async function scaleOutScenario(options: ScaleOutOptions, rounds: number, settleMs = 120_000, serverCount = 3): Promise<ScenarioResult> {
  const started = Date.now();
  const random = new Random(options.seed);
  const root = mkdtempSync(join(tmpdir(), 'faults-scale-out-'));
  mkdirSync(options.artifactsDir, { recursive: true });
  const smtp = await FaultySmtp.start();
  const esdb = await EventStoreTestServer.start();
  const source: LogSource = { kind: 'eventstoredb', url: esdb.connectionString };
  const servers: Server[] = Array.from({ length: serverCount }, (_, i) => {
    const dataDir = join(root, `server-${i + 1}`);
    mkdirSync(dataDir);
    const backOffice = new BackOffice({
      dataDir,
      smtpUrl: smtp.url,
      eventStoreUrl: esdb.connectionString,
      logFile: join(options.artifactsDir, `scale-out-eventstoredb-${i + 1}.log`),
    });
    return { backOffice, dataDir, client: null };
  });
  const killTimes: number[] = [];
  const notes: string[] = [];
  const checks: Check[] = [];
  let session!: ApiClient;

  const start = async (server: Server) => {
    await server.backOffice.start();
    const client = new ApiClient(server.backOffice.url);
    client.adoptSession(session);
    server.client = client;
  };
  const up = () => servers.filter((s) => s.backOffice.running && s.client).map((s) => s.client!);

  try {
    // The first server creates the admin, the staff user, the products and the customers; the
    // others start on that log.
    await servers[0]!.backOffice.start();
    const world = await setUpWorld(servers[0]!.backOffice.url);
    session = await staffClient(servers[0]!.backOffice.url);
    servers[0]!.client = new ApiClient(servers[0]!.backOffice.url);
    servers[0]!.client.adoptSession(session);
    await Promise.all(servers.slice(1).map(start));

    // One login, recognised by every server.
    const sessionAnswers = await Promise.all(servers.map(async (s, i) => `server ${i + 1}: ${(await s.client!.get('/api/auth/session')).status}`));
    checks.push({ name: 'a session opened through one server is recognised by every server', held: sessionAnswers.every((a) => a.endsWith(' 200')), detail: sessionAnswers });

    const workload = new Workload(new ClusterClient(up), world.customerIds, random);
    for (let round = 0; round < rounds; round++) {
      const burst = workload.burst(random.int(6, 12));
      await sleep(random.next() < 0.5 ? random.int(0, 400) : random.int(400, 2500));
      const victim = random.pick(servers.filter((s) => s.backOffice.running));
      killTimes.push(Date.now());
      victim.client = null;
      await victim.backOffice.kill();
      await burst;
      // What the kill cut off goes to the servers still up, with the same keys.
      await workload.resume(Date.now() + 5_000);
      await start(victim);
    }

    // Settle: every command answered, every paid order fulfilled, every e-mail out, and every
    // server's read models caught up.
    const deadline = Date.now() + settleMs;
    let problem: string | null = 'not settled';
    while (Date.now() < deadline) {
      await workload.resume(deadline);
      const events = await readLog(source);
      const state = settled(events);
      if (state.done && workload.pending().length === 0) {
        // Up to the head read here: a server's own lag counts only what its subscription has seen,
        // and the last events may have been appended by another server a moment ago.
        const head = events.at(-1)?.position ?? 0;
        const lags = await Promise.all(
          servers.map(async (s) => {
            const answer = await s.client!.get('/api/projections').catch(() => null);
            return answer?.status === 200 && (answer.body as Array<{ state: string; position: number }>).every((p) => p.state === 'live' && p.position >= head);
          }),
        );
        if (lags.every(Boolean)) {
          problem = null;
          break;
        }
        problem = `read models catching up on servers ${lags.flatMap((ok, i) => (ok ? [] : [i + 1])).join(', ')}`;
      } else problem = `${state.waiting}; ${workload.pending().length} commands unanswered`;
      await sleep(250);
    }
    const refused = workload.refusedUnexpectedly();
    checks.unshift({
      name: 'the work settles: every command answered, every order fulfilled, every e-mail out',
      held: problem === null && refused.length === 0,
      detail: [...(problem ? [problem, `persistent subscriptions: ${heldMessages(esdb)}`] : []), ...refused.slice(0, 3).map((c) => `${c.kind} refused: ${c.refused!.status} ${c.refused!.text.slice(0, 200)}`)],
    });
    const sentAgain = workload.commands.filter((c) => c.sends > 1);
    const secondAnswers = sentAgain.filter((c) => c.duplicateAnswer);
    checks.push({
      name: 'a command sent again to another server with its Idempotency-Key gets the first answer',
      held: secondAnswers.length === 0,
      detail: secondAnswers.slice(0, 3).map((c) => `${c.kind} ${c.path}: ${c.duplicateAnswer!.status} ${c.duplicateAnswer!.text.slice(0, 160)}`),
    });
    notes.push(`${workload.commands.length} commands over ${serverCount} servers, ${sentAgain.length} sent again after a kill`);

    await Promise.all(servers.map((s) => s.backOffice.stop()));
    const events = await readLog(source);
    const log = checkLog(events, smtp.deliveries, killTimes);
    checks.push(...log.checks, answeredCommandsInLog(events, workload));
    for (const [i, s] of servers.entries()) {
      const readModels = await compareReadModels(source, s.dataDir);
      checks.push({ ...readModels.check, name: `server ${i + 1}: ${readModels.check.name}` });
    }
    const chain = await verifyChain(source);
    checks.push({ name: "the log's hash chain verifies (npm run verify-log), the forks of the servers' concurrent appends joined", held: chain.held, detail: chain.detail });
    const crashes = servers.flatMap((s, i) => s.backOffice.crashes.map((c) => `server ${i + 1} ${c}`));
    checks.unshift({ name: 'no server exits by itself', held: crashes.length === 0, detail: crashes.slice(0, 3) });
    return { scenario: 'scale-out', store: 'eventstoredb', rounds, faultsInjected: killTimes.length, checks, facts: log.facts, notes, seconds: (Date.now() - started) / 1000 };
  } finally {
    await Promise.all(servers.map((s) => s.backOffice.close()));
    await smtp.down();
    await esdb.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

/** What the groups hold (in flight, waiting for a retry, parked), for the report of work left undone. */
function heldMessages(esdb: EventStoreTestServer): string {
  const busy = Object.entries(esdb.persistent.views()).filter(([, v]) => v.inFlight + v.retrying + v.parked > 0);
  if (busy.length === 0) return 'nothing held';
  return busy.map(([id, v]) => `${id.replace(/^\$all::backoffice-reactor-/, '')} in flight ${v.inFlight}, retrying ${v.retrying}, parked ${v.parked}, consumers ${v.consumers}`).join('; ');
}
