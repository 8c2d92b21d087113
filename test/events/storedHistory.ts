// Helpers of the stored-history tests (test/events/*History.test.ts): an event as older code
// stored it, read with today's catalogue.
import { randomUUID } from 'node:crypto';
import { catalogue } from '../../events/index';
import type { RecordedEvent } from '../../events/port';

/** When the command that stored the event was decided (its metadata.at). */
export const DECIDED_AT = '2026-11-20T10:30:00.000Z';

/** A stored event of `type` at schema `version`, as the log gives it back. */
export function storedEvent(type: string, data: unknown, options: { version?: number; at?: string; stream?: string } = {}): RecordedEvent {
  return {
    id: randomUUID(),
    stream: options.stream ?? 'test-1',
    revision: 0,
    position: 1,
    type,
    data,
    metadata: {
      actor: { userId: 'u-1', role: 'operator' },
      at: options.at ?? DECIDED_AT,
      correlationId: randomUUID(),
      causationId: null,
      schemaVersion: options.version ?? 1,
    },
    created: new Date(options.at ?? DECIDED_AT),
  };
}

/** Reads an event stored at `version` (default 1) with today's catalogue: its data and version. */
export function read(type: string, data: unknown, options: { version?: number; at?: string } = {}): { data: unknown; version: number } {
  const decoded = catalogue.decode(storedEvent(type, data, options));
  return { data: decoded.data, version: decoded.metadata.schemaVersion };
}

/** Today's event, encoded as the code writes it and read back: nothing is changed on the way. */
export function roundTrip(type: string, data: unknown): unknown {
  const encoded = catalogue.encode({ type, data } as never, {
    actor: { userId: 'u-1', role: 'operator' },
    at: DECIDED_AT,
    correlationId: randomUUID(),
    causationId: null,
  });
  return catalogue.decode({ ...encoded, stream: 'test-1', revision: 0, position: 1, created: new Date(DECIDED_AT) } as RecordedEvent).data;
}
