// Idempotency-Key: a command sent again with the same key (a double click, a retry after a lost
// answer) gets the first answer back and appends nothing. Answers are kept per user in
// DATA_DIR/server.db for a day. A key reused for a different request is refused; a duplicate that
// arrives while the first is still running is told so, instead of running twice.
//
// A key is claimed before its command runs and answered after, in another file than the event log,
// so a process that stops in between leaves a claim without an answer. Such claims are released at
// the next start, and a retry with the key runs the command again. That is safe because commands
// are idempotent under their key: what they create takes an id derived from it (an order, a
// payment, a top-up, a refund), so a second run finds the first one's work and finishes it (a
// prepaid order debited but not yet placed is placed, without a second debit) or answers it, and a
// creation by a natural key (a username, a serial) is refused as a duplicate. This assumes one
// server per data directory, as the read models' lease already requires.
import Database from 'better-sqlite3';
import fp from 'fastify-plugin';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ensurePrivateFile } from '../../../events/adapters/privateFiles';
import { IDEMPOTENCY_KEY } from '../../security/commandContext';
import { HttpError } from './access';

const KEEP_MS = 24 * 60 * 60_000;
/** Answers older than a day are deleted at most this often, not on every request. */
const PURGE_EVERY_MS = 60_000;
const IN_FLIGHT = 0;

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

export default fp<{ dataDir?: string | undefined }>(
  async (app, { dataDir }) => {
    let file = ':memory:';
    if (dataDir) {
      file = join(dataDir, 'server.db');
      ensurePrivateFile(file);
    }
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(`CREATE TABLE IF NOT EXISTS idempotent_answers (
      user_id TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
      status INTEGER NOT NULL, content_type TEXT, payload TEXT, created INTEGER NOT NULL,
      PRIMARY KEY (user_id, key))`);
    db.exec('CREATE INDEX IF NOT EXISTS idempotent_answers_by_created ON idempotent_answers (created)');
    // Claims a stopped process left without an answer: a retry runs the command again.
    db.prepare('DELETE FROM idempotent_answers WHERE status = ?').run(IN_FLIGHT);
    const stmt = {
      claim: db.prepare(
        `INSERT INTO idempotent_answers (user_id, key, request_hash, status, created)
         VALUES (?, ?, ?, ${IN_FLIGHT}, ?) ON CONFLICT DO NOTHING`,
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
      if (stmt.claim.run(userId, key, hash, now).changes === 1) {
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
  { name: 'idempotency', dependencies: ['access'] },
);
