// Verifying the event log's hash chain (events/logVerifier.ts) and recording that it was done: each
// run appends LogVerified on `log-verifications`, whatever its result, so the accountants can see
// when the log was last proved unchanged, by whom, and up to which head.
import { SYSTEM_ACTOR, type Actor, type EventCatalogue } from '../../../events/eventCatalogue';
import type { DomainEvent } from '../../../events/index';
import { verifyLogInThread } from '../../../events/logVerifierThread';
import { verifyLog, type LogHead, type Verification } from '../../../events/logVerifier';
import type { EventStore } from '../../../events/port';
import { LOG_VERIFICATIONS_STREAM, type LogVerificationEvent } from '../../../domain/logVerification/events';
import { uuidv7 } from '../../../events/uuid';

export type LogVerifiedData = Extract<LogVerificationEvent, { type: 'LogVerified' }>['data'];

export interface VerificationRun {
  store: EventStore;
  catalogue: EventCatalogue<DomainEvent>;
  clock?: () => Date;
  actor?: Actor;
  ranBy: string;
  via: LogVerifiedData['via'];
  expectHead?: LogHead | undefined;
  /** Walk the log in a worker thread with its own connection (the server); false: here (the CLI, a process of its own). */
  inThread?: boolean;
}

export async function runVerification(run: VerificationRun): Promise<{ verification: Verification; record: LogVerifiedData; position: number }> {
  const clock = run.clock ?? (() => new Date());
  const startedAt = clock().toISOString();
  const options = run.expectHead ? { expectHead: run.expectHead } : {};
  const verification = run.inThread === false ? await verifyLog(run.store, options) : await verifyLogInThread(run.store, options);
  const finishedAt = clock().toISOString();
  const record: LogVerifiedData = {
    ranBy: run.ranBy,
    via: run.via,
    startedAt,
    finishedAt,
    ok: verification.ok,
    verified: verification.verified,
    beforeChain: verification.beforeChain,
    head: verification.head,
    broken: verification.broken,
    expectedHead: run.expectHead ?? null,
    expectHeadFailure: verification.expectHeadFailure,
  };
  const event = run.catalogue.encode(
    { type: 'LogVerified', data: record },
    { actor: run.actor ?? SYSTEM_ACTOR, at: finishedAt, correlationId: uuidv7(), causationId: null },
  );
  const { position } = await run.store.append(LOG_VERIFICATIONS_STREAM, [event], { expectedRevision: 'any' });
  return { verification, record, position };
}

/** The last verification recorded, or null when the log was never verified. */
export async function lastVerification(store: EventStore, catalogue: EventCatalogue<DomainEvent>): Promise<(LogVerifiedData & { position: number }) | null> {
  const [last] = await store.readStream(LOG_VERIFICATIONS_STREAM, { direction: 'backwards', maxCount: 1 });
  if (!last) return null;
  const decoded = catalogue.decode(last) as DomainEvent;
  if (decoded.type !== 'LogVerified') return null;
  return { ...decoded.data, position: last.position };
}

/** The head of the chain now: the last event and its hash (null when the log is empty or has no chain yet). */
export async function currentHead(store: EventStore): Promise<LogHead | null> {
  const position = await store.headPosition();
  if (position === 0) return null;
  for await (const event of store.readAll({ after: position - 1, maxCount: 1 })) {
    return event.chain ? { position: event.position, hash: event.chain.hash } : null;
  }
  return null;
}
