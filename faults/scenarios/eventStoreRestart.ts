// The EventStoreDB (the wire-compatible test server, in the harness) is killed while the back
// office follows it (fulfilment and e-mails in flight, commands arriving), and restarted on the
// same port with the same log a few seconds later. Meanwhile /health must say degraded; then the
// back office reconnects by itself, and its reactors and projections resume without gap or
// duplicate (the invariants and the read models' comparison with a rebuild).
import type { ApiClient } from '../api';
import type { ScenarioResult } from '../result';
import { sleep, Stage, type StageOptions } from '../stage';

async function healthOf(client: ApiClient): Promise<string> {
  try {
    const answer = await client.get('/health');
    return `${answer.status} ${answer.body?.status ?? answer.text.slice(0, 60)}`;
  } catch (error) {
    return `no answer (${error instanceof Error ? error.message : String(error)})`;
  }
}

export async function eventStoreRestartScenario(options: Omit<StageOptions, 'scenario' | 'store'>, rounds: number, outageMs: number): Promise<ScenarioResult> {
  const started = Date.now();
  const stage = await Stage.open({ ...options, store: 'eventstoredb', scenario: 'eventstoredb-restart' });
  const esdb = stage.esdb!;
  const notes: string[] = [];
  const healthDuringOutage: string[] = [];
  const healthAfter: string[] = [];
  const statusesDuringOutage = new Map<number | string, number>();
  try {
    await stage.startServer();
    for (let round = 0; round < rounds; round++) {
      const burst = stage.workload.burst(6);
      await sleep(stage.random.int(100, 1500));
      await esdb.kill();
      const before = stage.workload.commands.length;
      // Commands keep arriving while the store is away.
      const during = stage.workload.burst(2);
      const outageEnd = Date.now() + outageMs;
      let sawDegraded = false;
      while (Date.now() < outageEnd) {
        const health = await healthOf(stage.client);
        if (health.startsWith('503 degraded')) sawDegraded = true;
        healthDuringOutage.push(health);
        await sleep(500);
      }
      if (!sawDegraded) notes.push(`round ${round + 1}: /health never said degraded (${[...new Set(healthDuringOutage)].join('; ')})`);
      await esdb.restart();
      await Promise.all([burst, during]);
      for (const c of stage.workload.commands.slice(before)) {
        for (const e of c.serverErrors) statusesDuringOutage.set(`${e.status} ${e.body?.code ?? ''}`, (statusesDuringOutage.get(`${e.status} ${e.body?.code ?? ''}`) ?? 0) + 1);
      }
      // Back: /health says ok again within a few seconds.
      const deadline = Date.now() + 15_000;
      let health = '';
      while (Date.now() < deadline && !(health = await healthOf(stage.client)).startsWith('200 ok')) await sleep(250);
      healthAfter.push(health);
    }
    const problem = await stage.settle(120_000);
    const verdict = await stage.verify(problem);
    const degradedSeen = healthDuringOutage.filter((h) => h.startsWith('503 degraded')).length;
    verdict.checks.push({
      name: '/health says degraded while the store is away, ok once it is back',
      held: degradedSeen > 0 && healthAfter.every((h) => h.startsWith('200 ok')),
      detail: [
        ...(degradedSeen === 0 ? [`during the outage: ${[...new Set(healthDuringOutage)].join('; ')}`] : []),
        ...healthAfter.filter((h) => !h.startsWith('200 ok')).map((h) => `after the restart: ${h}`),
      ],
    });
    notes.push(`answers to commands during the outage: ${[...statusesDuringOutage].map(([k, n]) => `${k} ×${n}`).join(', ') || 'none (they waited)'}`);
    return { scenario: 'eventstoredb-restart', store: 'eventstoredb', rounds, faultsInjected: rounds, ...verdict, notes: [...notes, ...stage.startNotes], seconds: (Date.now() - started) / 1000 };
  } finally {
    await stage.close();
  }
}
