// kill -9 at random moments: each round starts the back office, sends again what the last kill cut
// off, sends a burst of orders and payments, and kills the server after a random delay (during
// placement, payment matching, fulfilment or e-mail sending). Then a last start lets it all
// settle, and the invariants are checked.
import type { ScenarioResult } from '../result';
import { Stage, type StageOptions } from '../stage';

export async function killScenario(options: Omit<StageOptions, 'scenario'>, rounds: number): Promise<ScenarioResult> {
  const started = Date.now();
  const stage = await Stage.open({ ...options, scenario: 'kill-9' });
  const notes: string[] = [];
  try {
    for (let round = 0; round < rounds; round++) await stage.roundUnderLoad(() => stage.kill());
    await stage.startServer();
    const problem = await stage.settle(90_000);
    const verdict = await stage.verify(problem);
    notes.push(`${stage.workload.commands.length} commands, ${stage.workload.commands.filter((c) => c.sends > 1).length} sent again after a kill`);
    return { scenario: 'kill-9', store: options.store, rounds, faultsInjected: stage.killTimes.length, ...verdict, notes: [...notes, ...stage.startNotes], seconds: (Date.now() - started) / 1000 };
  } finally {
    await stage.close();
  }
}
