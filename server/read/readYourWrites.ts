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
// only the lists lag), a warning is logged and the answer says `X-Read-Models-Behind: <position>`
// and which read models (`X-Read-Models-Behind-Projections: customers,audit-events`; absent: every
// one), so that the console waits for those (GET /api/projections/caught-up) and reads its screen
// again: not for a read model elsewhere that is rebuilding, which may take minutes.
// Names of projections this server does not run (a test with its own read side) are skipped.
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyRequest {
    /** The position the read models had not reached when this command answered (0: they had). */
    readModelsBehind: number;
    /** Which read models had not: their names, or null for every one. */
    readModelsBehindProjections: string[] | null;
  }
}

export const READ_MODELS_BEHIND_HEADER = 'X-Read-Models-Behind';
export const READ_MODELS_BEHIND_PROJECTIONS_HEADER = 'X-Read-Models-Behind-Projections';

/** The answer of a command whose read models lagged says so (onSend: whatever the route answers). */
export const readModelsBehindHeader = fp(async (app) => {
  app.decorateRequest('readModelsBehind', 0);
  app.decorateRequest('readModelsBehindProjections', null);
  app.addHook('onSend', async (request, reply) => {
    if (request.readModelsBehind <= 0) return;
    reply.header(READ_MODELS_BEHIND_HEADER, String(request.readModelsBehind));
    if (request.readModelsBehindProjections) reply.header(READ_MODELS_BEHIND_PROJECTIONS_HEADER, request.readModelsBehindProjections.join(','));
  });
});

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
    // Waits of the same request add up; one that was for every read model covers them all.
    const first = request.readModelsBehind === 0;
    request.readModelsBehind = Math.max(request.readModelsBehind, position);
    request.readModelsBehindProjections =
      selected === undefined || (!first && request.readModelsBehindProjections === null)
        ? null
        : [...new Set([...(request.readModelsBehindProjections ?? []), ...selected])];
  }
  return reached;
}
