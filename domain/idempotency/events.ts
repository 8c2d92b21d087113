// An Idempotency-Key's life, one stream per user and key (`idempotency-<hash of user and key>`,
// named by the server): claimed when its first request starts, answered when that request ends
// (the status and body sent back, replayed to any retry of it, on any server), or released when
// there is nothing to replay (a failure of ours, an answer that would hold a secret), so that a
// retry runs the command again. A claim is only good for a day; a later request with the key
// claims it afresh.
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';
import { serverRunSchema, type ServerRun } from '../shared/serverRun';

/** Which server run holds a claim: the server (its data directory) and this start of it. */
export const claimHolderSchema = serverRunSchema;
export type ClaimHolder = ServerRun;

export const idempotencyKeyClaimed = eventShape(
  'IdempotencyKeyClaimed',
  z.object({
    userId: z.string().min(1),
    /** What the request was: a hash of its method, URL and body without their secret fields. */
    fingerprint: z.string().min(1),
    claimedAt: z.iso.datetime(),
    holder: claimHolderSchema,
  }),
);

export const idempotentAnswerRecorded = eventShape(
  'IdempotentAnswerRecorded',
  z.object({
    status: z.number().int().min(100).max(599),
    contentType: z.string().nullable(),
    /** The body as sent, byte for byte (UTF-8 text); null when there was none. */
    body: z.string().nullable(),
    answeredAt: z.iso.datetime(),
  }),
);

export const idempotencyKeyReleased = eventShape(
  'IdempotencyKeyReleased',
  z.object({
    releasedAt: z.iso.datetime(),
    /** server_error: the request failed on our side (5xx); not_kept: its answer holds a secret. */
    reason: z.enum(['server_error', 'not_kept']),
  }),
);

export const idempotencyEventShapes = [idempotencyKeyClaimed, idempotentAnswerRecorded, idempotencyKeyReleased];
export type IdempotencyEvent = EventOf<(typeof idempotencyEventShapes)[number]>;
