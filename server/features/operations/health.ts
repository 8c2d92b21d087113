// GET /health: 200 `ok` with the store in use and the position of the last event in its log; 503
// `degraded` when the event store does not answer (an EventStoreDB down or unreachable: the
// server keeps running, reconnects by itself, and its reactors and projections resume where they
// stopped), or when the disk of the data directory is (nearly) full, so that commands are or will
// soon be refused: an alert should fire before the desk finds out.
//
// Beside that, for N servers on one EventStoreDB: whether the store answered (`eventStore.connected`),
// each projection's lag (this server's read models) and each reactor's, by name, with its mode
// (`catch-up`: this server follows the whole log itself; `persistent`: a competing consumer of a
// persistent-subscription group), and whether this server holds any persistent-subscription
// consumer. A lag is in events after the follower's position (null when the store does not answer).
import { statfs } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { followersLag, followersOf } from './followers';

/** Free space under which the data directory's disk counts as full (a few WAL files' worth). */
export const LOW_DISK_BYTES = 32 * 1024 * 1024;

/** How long the store may take to give its head position before the server counts as degraded. */
export const HEALTH_STORE_TIMEOUT_MS = 2_000;

const store = z.enum(['sqlite', 'eventstoredb']);
const lag = z.number().int().nonnegative().nullable().describe('events in the log after its position; null when the store does not answer');
const followers = {
  eventStore: z.object({
    kind: store,
    connected: z.boolean().describe('whether the store answered this check (on EventStoreDB: the cluster connection)'),
  }),
  projections: z.record(
    z.string(),
    z.object({ state: z.enum(['catching_up', 'live', 'rebuilding', 'failed', 'stopped']), lag }),
  ).describe("this server's read models, by name"),
  reactors: z.record(
    z.string(),
    z.object({ mode: z.enum(['catch-up', 'persistent']), lag }),
  ).describe('the reactors and the e-mail outbox running on this server, by name (none when they are off)'),
  persistentConsumers: z.boolean().describe('whether this server holds any persistent-subscription consumer'),
};
const healthy = z.object({
  status: z.literal('ok'),
  store,
  headPosition: z.number().int().nonnegative(),
  ...followers,
});
const degraded = z.object({
  status: z.literal('degraded'),
  store,
  /** Null when the store does not answer. */
  headPosition: z.number().int().nonnegative().nullable(),
  problem: z.string(),
  ...followers,
});

/** The followers' part of the answer: their lags behind `head`, or without lags when the store does not answer. */
async function followersPart(app: FastifyInstance, head: number | null): Promise<z.infer<z.ZodObject<typeof followers>>> {
  const running = followersOf(app);
  const persistentConsumers = running.reactors.some((r) => r.mode === 'persistent');
  const eventStore = { kind: app.eventStore.kind, connected: head !== null };
  if (head === null) {
    return {
      eventStore,
      projections: Object.fromEntries(running.projections.map((p) => [p.name, { state: p.state, lag: null }])),
      reactors: Object.fromEntries(running.reactors.map((r) => [r.name, { mode: r.mode ?? 'catch-up', lag: null }])),
      persistentConsumers,
    };
  }
  const lags = await followersLag(app, head);
  return {
    eventStore,
    projections: Object.fromEntries(lags.projections.map((p) => [p.name, { state: p.state, lag: p.events }])),
    reactors: Object.fromEntries(lags.reactors.map((r) => [r.name, { mode: r.mode, lag: r.events }])),
    persistentConsumers,
  };
}

const health: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness, the event store in use and the position of the last event in its log (503 degraded when the store does not answer)',
        response: { 200: healthy, 503: degraded },
      },
    },
    async (_request, reply) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${HEALTH_STORE_TIMEOUT_MS} ms`)), HEALTH_STORE_TIMEOUT_MS);
      });
      try {
        // The lags are counted within the same time limit (on EventStoreDB they read the log).
        const [headPosition, part] = await Promise.race([
          app.eventStore.headPosition().then(async (head) => [head, await followersPart(app, head)] as const),
          timeout,
        ]);
        const free = app.dataDir === null ? Number.POSITIVE_INFINITY : await freeBytes(app.dataDir);
        if (free < LOW_DISK_BYTES) {
          return reply.status(503).send({
            status: 'degraded' as const,
            store: app.eventStore.kind,
            headPosition,
            problem: `the disk of the data directory is full or nearly: ${(free / 1024 / 1024).toFixed(1)} MB free; commands are refused when it is full`,
            ...part,
          });
        }
        return { status: 'ok' as const, store: app.eventStore.kind, headPosition, ...part };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return reply.status(503).send({
          status: 'degraded' as const,
          store: app.eventStore.kind,
          headPosition: null,
          problem: `the event store does not answer: ${reason}`,
          ...(await followersPart(app, null)),
        });
      } finally {
        clearTimeout(timer);
      }
    },
  );
};

async function freeBytes(dir: string): Promise<number> {
  try {
    const stats = await statfs(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return Number.POSITIVE_INFINITY; // a file system that cannot tell is not reported as full
  }
}

export default health;
