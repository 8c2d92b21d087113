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
//
// Secrets never reach the file (issue #14: a plain SHA-256 of url and body gave the passwords of
// password changes and staff creations away to a word list). The request's fingerprint is an HMAC,
// keyed with a random key kept beside the file (DATA_DIR/idempotency.key, mode 0600), over the
// body without its secret fields (see `secretField`); a key reused with another password only is
// thus taken for the same request, which is what its sender meant. An answer that would hold a
// secret is not kept: the claim is released, and a retry runs the command again.
import Database from 'better-sqlite3';
import fp from 'fastify-plugin';
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateFile } from '../../../events/adapters/privateFiles';
import { IDEMPOTENCY_KEY } from '../../security/commandContext';
import { HttpError } from './access';

const KEEP_MS = 24 * 60 * 60_000;
/** Answers older than a day are deleted at most this often, not on every request. */
const PURGE_EVERY_MS = 60_000;
const IN_FLIGHT = 0;
/** Marks fingerprints made as below; rows of an older format are deleted at start. */
const FINGERPRINT_VERSION = 'h2:';
const KEY_FILE = 'idempotency.key';

/** Field names whose values are secrets: never hashed, never stored. */
export function secretField(name: string): boolean {
  return /password|passphrase|secret|token|pin$|puk$/i.test(name);
}

/** The value with every secret field left out, at any depth. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!secretField(k)) out[k] = withoutSecrets(v);
    return out;
  }
  return value;
}

/** The secret values a body carries, to make sure no answer echoes one. */
function secretValues(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) secretValues(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (secretField(k) && typeof v === 'string' && v.length > 0) out.push(v);
      else secretValues(v, out);
    }
  }
  return out;
}

/** A JSON answer with a secret field in it (a hash, a token), which the file must not keep. */
function namesSecret(payload: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return false;
  }
  return JSON.stringify(withoutSecrets(parsed)) !== JSON.stringify(parsed);
}

/**
 * The fingerprint key: 32 random bytes made once into the data directory, readable by the server's
 * user only. Without a data directory (tests, in-memory) a key for this process alone.
 */
function fingerprintKey(dataDir: string | undefined): Buffer {
  if (!dataDir) return randomBytes(32);
  const file = join(dataDir, KEY_FILE);
  try {
    writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  if (key.length < 32) throw new Error(`${file}: not a key this server made (delete it to make a new one)`);
  return key;
}

interface StoredAnswer {
  request_hash: string;
  status: number;
  content_type: string | null;
  payload: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { userId: string; key: string; secrets: string[] } | null;
  }
}

export default fp<{ dataDir?: string | undefined }>(
  async (app, { dataDir }) => {
    let file = ':memory:';
    if (dataDir) {
      file = join(dataDir, 'server.db');
      ensurePrivateFile(file);
    }
    const key = fingerprintKey(dataDir);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    // Deleted rows are overwritten, not left in free pages: rows of the old format held secrets.
    db.pragma('secure_delete = ON');
    db.pragma('busy_timeout = 5000');
    db.exec(`CREATE TABLE IF NOT EXISTS idempotent_answers (
      user_id TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
      status INTEGER NOT NULL, content_type TEXT, payload TEXT, created INTEGER NOT NULL,
      PRIMARY KEY (user_id, key))`);
    db.exec('CREATE INDEX IF NOT EXISTS idempotent_answers_by_created ON idempotent_answers (created)');
    // Claims a stopped process left without an answer: a retry runs the command again.
    db.prepare('DELETE FROM idempotent_answers WHERE status = ?').run(IN_FLIGHT);
    // Fingerprints of the old format were plain SHA-256 of bodies with passwords in them.
    const old = db.prepare(`DELETE FROM idempotent_answers WHERE request_hash NOT LIKE '${FINGERPRINT_VERSION}%'`).run();
    if (old.changes > 0) db.pragma('wal_checkpoint(TRUNCATE)');
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
      const idempotencyKey = request.headers['idempotency-key'];
      // A malformed key is refused by the command itself (commandContext), with a 400 naming the header.
      if (request.method !== 'POST' || typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey) || !request.staff) {
        return;
      }
      const userId = request.staff.userId;
      const hash =
        FINGERPRINT_VERSION +
        createHmac('sha256', key)
          .update(`${request.method} ${request.url}\n${JSON.stringify(withoutSecrets(request.body ?? null))}`)
          .digest('base64url');
      const now = Date.now();
      if (now - lastPurge >= PURGE_EVERY_MS) {
        stmt.purge.run(now - KEEP_MS);
        lastPurge = now;
      }
      if (stmt.claim.run(userId, idempotencyKey, hash, now).changes === 1) {
        request.idempotency = { userId, key: idempotencyKey, secrets: secretValues(request.body) };
        return;
      }
      const previous = stmt.find.get(userId, idempotencyKey)!;
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
      // Nor is an answer that would put a secret of the request into the file.
      const holdsSecret = typeof payload === 'string' && (claim.secrets.some((secret) => payload.includes(secret)) || namesSecret(payload));
      if (reply.statusCode >= 500 || holdsSecret || (payload !== null && payload !== undefined && typeof payload !== 'string')) {
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
