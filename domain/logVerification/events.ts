// Every verification of the event log's hash chain is itself recorded (stream `log-verifications`):
// who or what ran it, when, how many events it checked, the head it reached, and the first broken
// link if it found one. The accountants read the last one in the console and compare heads they
// were sent by e-mail with later ones.
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';

export const LOG_VERIFICATIONS_STREAM = 'log-verifications';

export const logBreakKinds = ['content_altered', 'link_broken', 'link_missing'] as const;
export type LogBreakKind = (typeof logBreakKinds)[number];

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 in lowercase hex');

export const logHeadSchema = z.object({ position: z.number().int().nonnegative(), hash: sha256Hex });
export type LogHeadRecord = z.infer<typeof logHeadSchema>;

export const logVerified = eventShape(
  'LogVerified',
  z.object({
    /** The staff user who asked, or the tool that ran it ("cli", "faults", "system"). */
    ranBy: z.string().min(1),
    /** How: from the console, the command line, the fault suite. */
    via: z.enum(['console', 'cli', 'faults', 'system']),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    ok: z.boolean(),
    /** Events whose link was checked, and the events before the chain began (older history). */
    verified: z.number().int().nonnegative(),
    beforeChain: z.number().int().nonnegative(),
    /** The last event checked; null when no event carries a link yet. */
    head: logHeadSchema.nullable(),
    broken: z
      .object({
        position: z.number().int().nonnegative(),
        stream: z.string(),
        revision: z.number().int().nonnegative(),
        kind: z.enum(logBreakKinds),
        detail: z.string(),
      })
      .nullable(),
    /** An exported head it was asked to prove, and what failed about it (null when it held). */
    expectedHead: logHeadSchema.nullable(),
    expectHeadFailure: z.string().nullable(),
  }),
);

export const logVerificationEventShapes = [logVerified];
export type LogVerificationEvent = EventOf<typeof logVerified>;
