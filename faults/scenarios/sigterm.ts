// SIGTERM at random moments under load, as a deployment or a service manager stops the server:
// each round starts the back office, sends a burst of orders and payments, and stops it after a
// random delay (during placement, payment matching, fulfilment or e-mail sending). A stop finishes
// the requests in flight and the work in hand, and exits 0 within the server's grace period
// (SHUTDOWN_GRACE_SECONDS, 15 s); what it turned away is sent again at the next start. Unlike a
// kill it leaves nothing half done, so no kill explains a second copy of an e-mail: there must be
// none. Then a last start lets it all settle, and the invariants are checked.
import type { ScenarioResult } from '../result';
import { Stage, type StageOptions } from '../stage';

/** The server's default SHUTDOWN_GRACE_SECONDS: a stop that takes longer was cut short by it. */
const SERVER_GRACE_MS = 15_000;

export async function sigtermScenario(options: Omit<StageOptions, 'scenario'>, rounds: number): Promise<ScenarioResult> {
  const started = Date.now();
  const stage = await Stage.open({ ...options, scenario: 'sigterm' });
  const stops: Array<{ code: number | null; ms: number }> = [];
  try {
    for (let round = 0; round < rounds; round++) {
      await stage.roundUnderLoad(async () => {
        const stop = await stage.backOffice.stop();
        if (stop) stops.push(stop);
      });
    }
    await stage.startServer();
    const problem = await stage.settle(90_000);
    const verdict = await stage.verify(problem);
    const unclean = stops.filter((s) => s.code !== 0 || s.ms >= SERVER_GRACE_MS);
    verdict.checks.unshift({
      name: `every stop under load (SIGTERM) finished its work and exited 0 within the grace period (${SERVER_GRACE_MS / 1000} s)`,
      held: stops.length === rounds && unclean.length === 0,
      detail: [
        ...(stops.length === rounds ? [] : [`${rounds - stops.length} round(s) found the server not running`]),
        ...unclean.slice(0, 3).map((s) => `exit code ${s.code} after ${s.ms} ms`),
      ],
    });
    verdict.checks.push({
      name: 'no e-mail left in doubt by a stop: none marked possiblyDuplicate',
      held: verdict.facts.markedPossiblyDuplicate === 0,
      detail: verdict.facts.markedPossiblyDuplicate === 0 ? [] : [`${verdict.facts.markedPossiblyDuplicate} EmailSent marked possiblyDuplicate`],
    });
    const slowest = Math.max(0, ...stops.map((s) => s.ms));
    return {
      scenario: 'sigterm',
      store: options.store,
      rounds,
      faultsInjected: stops.length,
      ...verdict,
      notes: [
        `${stops.length} stops, the slowest ${(slowest / 1000).toFixed(1)} s; ${stage.workload.commands.filter((c) => c.sends > 1).length} of ${stage.workload.commands.length} commands sent again after a stop`,
        ...stage.startNotes,
      ],
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await stage.close();
  }
}
