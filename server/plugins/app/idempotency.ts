// Idempotency-Key: a command sent again with the same key (a double click, a retry after a lost
// answer, on this server or on another one behind the same load balancer) gets the first answer
// back and appends nothing. A key reused for a different request is refused (422
// idempotency_key_reused); a duplicate that arrives while the first is still running is told so
// (409 idempotency_key_in_flight: the console and the kiosk keep the key and ask again later),
// instead of running twice.
//
// The claims live in the event store, which every server shares: one stream per user and key,
// `idempotency-<SHA-256 of user and key>` (domain/idempotency: claimed, answered, released). A
// claim is taken before the command runs, by an append that expects the stream's revision just
// read, so of two servers claiming at once one wins and the other finds the claim. The answer
// (status, content type, body) is appended to the stream when the command completes, before it is
// sent, so a retry anywhere finds it. A day later the key is free again (checked on read).
//
// A process that stops between claim and answer leaves a claim without an answer. The server that
// held it releases it when it starts again (a claim names the server, by the id kept in
// DATA_DIR/server.id, and the run, new at every start); another server's claim is given up after a
// lease of two minutes. A claim whose answer (or release) could not be written, the process going
// on (a full disk), is taken up at once by the next retry on the same run, which knows the request
// is over (`running`). A retry then runs the command again. That is safe because commands are
// idempotent under their key: what they create takes an id derived from it (an order, a payment, a
// top-up, a refund), so a second run finds the first one's work and finishes it (a prepaid order
// debited but not yet placed is placed, without a second debit) or answers it, and a creation by a
// natural key (a username, a serial) is refused as a duplicate.
//
// Secrets never reach the log (issue #14: a plain SHA-256 of url and body gave the passwords of
// password changes and staff creations away to a word list). The request's fingerprint is a
// SHA-256 over the user, the key, the method, the url and the body without its secret fields (see
// `secretField`): nothing secret goes in, so nothing secret can be guessed back, and every server
// computes the same one. A key reused with another password only is thus taken for the same
// request, which is what its sender meant. An answer that would hold a secret is not kept: the
// claim is released, and a retry runs the command again.
import Database from 'better-sqlite3';
import fp from 'fastify-plugin';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { catalogue } from '../../../events/index';
import { claimKey, idempotencyAggregate, recordAnswer, releaseKey } from '../../../domain/idempotency/decider';
import type { ClaimHolder } from '../../../domain/idempotency/events';
import { handleCommand, type CommandDeps } from '../../commands/handle';
import { commandContext, IDEMPOTENCY_KEY } from '../../security/commandContext';

/** Marks fingerprints made as below. */
const FINGERPRINT_VERSION = 'h3:';

/** What a request was, the same on every server: its secret fields left out (see the top of this file). */
export function requestFingerprint(userId: string, key: string, method: string, url: string, body: unknown): string {
  const text = `${userId}\n${key}\n${method} ${url}\n${JSON.stringify(withoutSecrets(body ?? null))}`;
  return FINGERPRINT_VERSION + createHash('sha256').update(text).digest('base64url');
}

/** The stream of a user's key: named by a hash, so that any key a client sends makes a valid name. */
export function idempotencyStreamOf(userId: string, key: string): string {
  return `idempotency-${createHash('sha256').update(`${userId}\n${key}`).digest('base64url')}`;
}

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
 * Earlier versions kept the answers in DATA_DIR/server.db (with an HMAC key beside it): dropped at
 * start, their bytes overwritten, since the claims live in the event store now.
 */
function dropLocalAnswers(dataDir: string): void {
  const file = join(dataDir, 'server.db');
  if (!existsSync(file)) return;
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'idempotent_answers'").get();
    if (!table) return;
    db.pragma('secure_delete = ON');
    db.exec('DELETE FROM idempotent_answers');
    db.exec('DROP TABLE idempotent_answers');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { stream: string; secrets: string[] } | null;
  }
}

export default fp<{ dataDir?: string | undefined }>(
  async (app, { dataDir }) => {
    const holder: ClaimHolder = app.serverRun;
    if (dataDir) dropLocalAnswers(dataDir);
    const deps: CommandDeps = { store: app.eventStore, catalogue };
    const now = () => app.security.now().toISOString();
    /** Per key stream, this run's requests claiming it or holding its claim, not yet answered. */
    const running = new Map<string, number>();
    const enter = (stream: string) => running.set(stream, (running.get(stream) ?? 0) + 1);
    const leave = (stream: string) => {
      const left = (running.get(stream) ?? 1) - 1;
      if (left > 0) running.set(stream, left);
      else running.delete(stream);
    };
    app.decorateRequest('idempotency', null);

    app.addHook('preHandler', async (request, reply) => {
      const idempotencyKey = request.headers['idempotency-key'];
      // A malformed key is refused by the command itself (commandContext), with a 400 naming the header.
      if (request.method !== 'POST' || typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey) || !request.staff) {
        return;
      }
      const userId = request.staff.userId;
      const fingerprint = requestFingerprint(userId, idempotencyKey, request.method, request.url, request.body);
      const stream = idempotencyStreamOf(userId, idempotencyKey);
      // Counted before the claim is appended, so that a duplicate racing this one sees it running
      // (and is told so) rather than taking this run's claim for an abandoned one.
      enter(stream);
      let claimed;
      try {
        // Refusals (reused, in flight) are DomainErrors: the error handler answers them.
        claimed = await handleCommand(deps, stream, idempotencyAggregate, (state) => claimKey({ userId, fingerprint, at: now(), holder, runningHere: (running.get(stream) ?? 0) > 1 }, state), commandContext(request));
      } finally {
        if (!claimed?.events.length) leave(stream);
      }
      if (claimed.events.length > 0) {
        request.idempotency = { stream, secrets: secretValues(request.body) };
        return;
      }
      const answer = claimed.state.answer!;
      reply.header('idempotent-replayed', 'true');
      if (answer.contentType) reply.header('content-type', answer.contentType);
      return reply.status(answer.status).send(answer.body ?? undefined);
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const claim = request.idempotency;
      if (!claim) return payload;
      request.idempotency = null;
      // A failure of ours (5xx) is not an answer: the client may try again with the same key.
      // Nor is an answer that would put a secret of the request into the log.
      const holdsSecret = typeof payload === 'string' && (claim.secrets.some((secret) => payload.includes(secret)) || namesSecret(payload));
      const notAnAnswer = reply.statusCode >= 500 || holdsSecret || (payload !== null && payload !== undefined && typeof payload !== 'string');
      const contentType = reply.getHeader('content-type');
      const context = commandContext(request);
      try {
        await handleCommand(
          deps,
          claim.stream,
          idempotencyAggregate,
          (state) =>
            notAnAnswer
              ? releaseKey({ holder, reason: reply.statusCode >= 500 ? 'server_error' : 'not_kept', at: now() }, state)
              : recordAnswer({ holder, status: reply.statusCode, contentType: contentType ? String(contentType) : null, body: (payload as string | null | undefined) ?? null, at: now() }, state),
          context,
        );
      } catch (error) {
        // The answer goes out anyway; the claim stays without one, and a retry here takes it up.
        request.log.warn({ err: error, stream: claim.stream }, 'Idempotency-Key: the answer could not be recorded');
      } finally {
        leave(claim.stream);
      }
      return payload;
    });
  },
  { name: 'idempotency', dependencies: ['access'] },
);
