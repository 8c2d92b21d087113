// GET /health: 200 `ok` with the store in use and the position of the last event in its log; 503
// `degraded` when the event store does not answer (an EventStoreDB down or unreachable: the
// server keeps running, reconnects by itself, and its reactors and projections resume where they
// stopped), or when the disk of the data directory is (nearly) full, so that commands are or will
// soon be refused: an alert should fire before the desk finds out.
import { statfs } from 'node:fs/promises';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** Free space under which the data directory's disk counts as full (a few WAL files' worth). */
export const LOW_DISK_BYTES = 32 * 1024 * 1024;

/** How long the store may take to give its head position before the server counts as degraded. */
export const HEALTH_STORE_TIMEOUT_MS = 2_000;

const store = z.enum(['sqlite', 'eventstoredb']);
const healthy = z.object({
  status: z.literal('ok'),
  store,
  headPosition: z.number().int().nonnegative(),
});
const degraded = z.object({
  status: z.literal('degraded'),
  store,
  /** Null when the store does not answer. */
  headPosition: z.number().int().nonnegative().nullable(),
  problem: z.string(),
});

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
      try {
        const headPosition = await Promise.race([
          app.eventStore.headPosition(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer in ${HEALTH_STORE_TIMEOUT_MS} ms`)), HEALTH_STORE_TIMEOUT_MS);
          }),
        ]);
        const free = app.dataDir === null ? Number.POSITIVE_INFINITY : await freeBytes(app.dataDir);
        if (free < LOW_DISK_BYTES) {
          return reply.status(503).send({
            status: 'degraded' as const,
            store: app.eventStore.kind,
            headPosition,
            problem: `the disk of the data directory is full or nearly: ${(free / 1024 / 1024).toFixed(1)} MB free; commands are refused when it is full`,
          });
        }
        return { status: 'ok' as const, store: app.eventStore.kind, headPosition };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return reply.status(503).send({
          status: 'degraded' as const,
          store: app.eventStore.kind,
          headPosition: null,
          problem: `the event store does not answer: ${reason}`,
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
