// Read-your-writes for command routes: before answering, wait (briefly, bounded) until the read
// models the console will fetch next have handled the command's last event, so a list fetched right
// after a command shows its result.
//
//   const outcome = await runSomeCommand(...);
//   await answerAfterProjections(request, outcome.position, ['orders', 'coupons']);
//   return { ...answer, position: outcome.position };
//
// `position` is the global position of the command's last event (0 when it changed nothing: no
// wait). `names` are projection names (projections/index.ts, `projectionNames`); without them, every
// projection. After READ_YOUR_WRITES_TIMEOUT_MS the command answers anyway (its events are stored;
// only the lists lag) and a warning is logged. Names of projections this server does not run (a
// test with its own read side) are skipped.
import type { FastifyRequest } from 'fastify';

export const READ_YOUR_WRITES_TIMEOUT_MS = 2000;

/** Resolves true when the projections reached `position`, false when the wait gave up. */
export async function answerAfterProjections(
  request: FastifyRequest,
  position: number,
  names?: readonly string[],
): Promise<boolean> {
  if (!Number.isSafeInteger(position) || position <= 0) return true;
  const runner = request.server.projections;
  let selected = names;
  if (names) {
    const running = new Set(runner.snapshot().map((s) => s.name));
    const unknown = names.filter((name) => !running.has(name));
    if (unknown.length > 0) request.log.warn({ projections: unknown }, 'read-your-writes: no such projection runs here; not waiting for it');
    selected = names.filter((name) => running.has(name));
    if (selected.length === 0) return true;
  }
  const started = performance.now();
  const reached = await runner.waitFor(position, selected, READ_YOUR_WRITES_TIMEOUT_MS);
  if (!reached) {
    request.log.warn(
      { position, projections: selected ?? 'all', waitedMs: Math.round(performance.now() - started) },
      'read-your-writes: the read models did not reach the command in time; answering anyway',
    );
  }
  return reached;
}
