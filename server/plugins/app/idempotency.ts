// Idempotency-Key: a command sent again with the same key (a double click, a retry after a lost
// answer) gets the first answer back and appends nothing. Answers are kept per user in
// DATA_DIR/server.db for a day. A key reused for a different request is refused; a duplicate that
// arrives while the first is still running is told so, instead of running twice.
//
// A key is claimed before its command runs and answered after, in another file than the event log,
// so a process that stops in between leaves the claim without an answer. At the next start such a
// claim is settled from the log: the claim notes where the log ended when it was taken, and the
// events appended after it carry the key in their metadata. If the command took effect, a retry is
// told so (409) instead of doing it twice; if it did not, the claim is dropped and a retry runs it.
// This assumes one server per data directory, as the read models' lease already requires.
import Database from 'better-sqlite3';
import fp from 'fastify-plugin';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from '../../../events/port';
import { IDEMPOTENCY_KEY } from '../../security/commandContext';
import { HttpError } from './access';

const KEEP_MS = 24 * 60 * 60_000;
/** Answers older than a day are deleted at most this often, not on every request. */
const PURGE_EVERY_MS = 60_000;
const IN_FLIGHT = 0;
/** The command took effect, but the process stopped before its answer was kept. */
const DONE_BEFORE_RESTART = -1;

interface StoredAnswer {
  request_hash: string;
  status: number;
  content_type: string | null;
  payload: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { userId: string; key: string } | null;
  }
}

interface InterruptedClaim {
  user_id: string;
  key: string;
  after_position: number | null;
}

/**
 * Settles the claims a stopped process left without an answer: those whose key is on an event the
 * same user appended after the claim are marked done; the others are dropped.
 */
async function settleInterruptedClaims(db: Database.Database, store: EventStore): Promise<void> {
  const claims = db
    .prepare<[number], InterruptedClaim>('SELECT user_id, key, after_position FROM idempotent_answers WHERE status = ?')
    .all(IN_FLIGHT);
  if (claims.length === 0) return;
  const waiting = new Map(claims.map((c) => [`${c.user_id}\n${c.key}`, c]));
  const done = new Set<InterruptedClaim>();
  const after = Math.min(...claims.map((c) => c.after_position ?? 0));
  for await (const event of store.readAll({ after })) {
    const { idempotencyKey, actor } = event.metadata as { idempotencyKey?: unknown; actor?: { userId?: unknown } };
    if (typeof idempotencyKey !== 'string' || typeof actor?.userId !== 'string') continue;
    const claim = waiting.get(`${actor.userId}\n${idempotencyKey}`);
    if (claim && event.position > (claim.after_position ?? 0)) done.add(claim);
  }
  const markDone = db.prepare('UPDATE idempotent_answers SET status = ? WHERE user_id = ? AND key = ? AND status = ?');
  const drop = db.prepare('DELETE FROM idempotent_answers WHERE user_id = ? AND key = ? AND status = ?');
  db.transaction(() => {
    for (const claim of claims) {
      if (done.has(claim)) markDone.run(DONE_BEFORE_RESTART, claim.user_id, claim.key, IN_FLIGHT);
      else drop.run(claim.user_id, claim.key, IN_FLIGHT);
    }
  })();
}

export default fp<{ dataDir?: string | undefined }>(
  async (app, { dataDir }) => {
    let file = ':memory:';
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      file = join(dataDir, 'server.db');
    }
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(`CREATE TABLE IF NOT EXISTS idempotent_answers (
      user_id TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
      status INTEGER NOT NULL, content_type TEXT, payload TEXT, created INTEGER NOT NULL,
      PRIMARY KEY (user_id, key))`);
    const columns = db.prepare<[], { name: string }>('PRAGMA table_info(idempotent_answers)').all();
    // Where the log ended when the key was claimed (a column added after the first release).
    if (!columns.some((c) => c.name === 'after_position')) db.exec('ALTER TABLE idempotent_answers ADD COLUMN after_position INTEGER');
    db.exec('CREATE INDEX IF NOT EXISTS idempotent_answers_by_created ON idempotent_answers (created)');
    await settleInterruptedClaims(db, app.eventStore);
    const stmt = {
      claim: db.prepare(
        `INSERT INTO idempotent_answers (user_id, key, request_hash, status, created, after_position)
         VALUES (?, ?, ?, ${IN_FLIGHT}, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      find: db.prepare<[string, string], StoredAnswer>(
        'SELECT request_hash, status, content_type, payload FROM idempotent_answers WHERE user_id = ? AND key = ?',
      ),
      answer: db.prepare('UPDATE idempotent_answers SET status = ?, content_type = ?, payload = ? WHERE user_id = ? AND key = ?'),
      release: db.prepare('DELETE FROM idempotent_answers WHERE user_id = ? AND key = ?'),
      purge: db.prepare('DELETE FROM idempotent_answers WHERE created < ?'),
    };
    let lastPurge = 0;
    app.addHook('onClose', async () => db.close());
    app.decorateRequest('idempotency', null);

    app.addHook('preHandler', async (request, reply) => {
      const key = request.headers['idempotency-key'];
      // A malformed key is refused by the command itself (commandContext), with a 400 naming the header.
      if (request.method !== 'POST' || typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key) || !request.staff) return;
      const userId = request.staff.userId;
      const hash = createHash('sha256')
        .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
        .digest('base64url');
      const now = Date.now();
      if (now - lastPurge >= PURGE_EVERY_MS) {
        stmt.purge.run(now - KEEP_MS);
        lastPurge = now;
      }
      const head = await app.eventStore.headPosition();
      if (stmt.claim.run(userId, key, hash, now, head).changes === 1) {
        request.idempotency = { userId, key };
        return;
      }
      const previous = stmt.find.get(userId, key)!;
      if (previous.request_hash !== hash) {
        throw new HttpError(422, 'idempotency_key_reused', 'Idempotency-Key: already used for a different request');
      }
      if (previous.status === IN_FLIGHT) {
        throw new HttpError(409, 'idempotency_key_in_flight', 'the same request is still being processed; wait for its answer');
      }
      if (previous.status === DONE_BEFORE_RESTART) {
        throw new HttpError(
          409,
          'idempotency_key_done_before_restart',
          'Idempotency-Key: this request was carried out, but the server stopped before answering it; its result is in the back office',
        );
      }
      reply.header('idempotent-replayed', 'true');
      if (previous.content_type) reply.header('content-type', previous.content_type);
      return reply.status(previous.status).send(previous.payload ?? undefined);
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const claim = request.idempotency;
      if (!claim) return payload;
      // A failure of ours (5xx) is not an answer: the client may try again with the same key.
      if (reply.statusCode >= 500 || (payload !== null && payload !== undefined && typeof payload !== 'string')) {
        stmt.release.run(claim.userId, claim.key);
      } else {
        const contentType = reply.getHeader('content-type');
        stmt.answer.run(reply.statusCode, contentType ? String(contentType) : null, payload ?? null, claim.userId, claim.key);
      }
      return payload;
    });
  },
  { name: 'idempotency', dependencies: ['access', 'event-store'] },
);
