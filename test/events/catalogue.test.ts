import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  EventCatalogue,
  InvalidStoredEventError,
  UnknownEventTypeError,
  defineEvent,
  type CommandContext,
  type EventOf,
} from '../../events/eventCatalogue';
import type { RecordedEvent } from '../../events/port';

// Version 1 stored the holder's full name in one field; version 2 splits it.
const holderRenamed = defineEvent(
  'HolderRenamed',
  z.object({ holderId: z.string(), name: z.string().min(1), surname: z.string().min(1) }),
  {
    version: 2,
    upcasters: {
      1: (v1: { holderId: string; fullName: string }) => {
        const [name, ...rest] = v1.fullName.split(' ');
        return { holderId: v1.holderId, name, surname: rest.join(' ') };
      },
    },
  },
);
const noted = defineEvent('Noted', z.object({ text: z.string() }));
type TestEvent = EventOf<typeof holderRenamed> | EventOf<typeof noted>;
const catalogue = new EventCatalogue<TestEvent>([holderRenamed, noted]);

const context: CommandContext = {
  actor: { userId: 'u-7', role: 'operator' },
  at: '2026-11-24T10:00:00.000Z',
  correlationId: randomUUID(),
  causationId: null,
  idempotencyKey: 'idem-1',
};

function stored(type: string, data: unknown, metadata: Record<string, unknown>): RecordedEvent {
  return { id: randomUUID(), stream: 'holder-1', revision: 0, position: 1, type, data, metadata, created: new Date() };
}

describe('event catalogue', () => {
  it('stamps an event with a UUID, the metadata and the schema version of its type', () => {
    const encoded = catalogue.encode({ type: 'HolderRenamed', data: { holderId: 'h1', name: 'Anna', surname: 'Rossi' } }, context);
    expect(encoded.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(encoded.metadata).toEqual({ ...context, schemaVersion: 2 });
    const withoutKey = catalogue.encode({ type: 'Noted', data: { text: 'x' } }, { ...context, idempotencyKey: undefined });
    expect(withoutKey.metadata).not.toHaveProperty('idempotencyKey');
  });

  it('refuses to encode data that breaks its schema', () => {
    expect(() =>
      catalogue.encode({ type: 'HolderRenamed', data: { holderId: 'h1', name: '', surname: 'Rossi' } }, context),
    ).toThrow();
  });

  it('refuses to encode metadata that reading it back would refuse', () => {
    expect(() => catalogue.encode({ type: 'Noted', data: { text: 'x' } }, { ...context, correlationId: 'not-a-uuid' })).toThrow(/correlationId/);
    expect(() => catalogue.encode({ type: 'Noted', data: { text: 'x' } }, { ...context, at: '5 December' })).toThrow(/at/);
  });

  it('reads a stored event of an older version through its upcaster', () => {
    const old = stored('HolderRenamed', { holderId: 'h1', fullName: 'Maria Luisa Bianchi' }, { ...context, schemaVersion: 1 });
    const decoded = catalogue.decode(old);
    expect(decoded.data).toEqual({ holderId: 'h1', name: 'Maria', surname: 'Luisa Bianchi' });
    expect(decoded.metadata.schemaVersion).toBe(2);
    expect(decoded.metadata.actor).toEqual({ userId: 'u-7', role: 'operator' });
  });

  it('reads the current version as it is', () => {
    const current = catalogue.encode({ type: 'HolderRenamed', data: { holderId: 'h1', name: 'Anna', surname: 'Rossi' } }, context);
    const decoded = catalogue.decode(stored(current.type, current.data, current.metadata));
    expect(decoded.data).toEqual({ holderId: 'h1', name: 'Anna', surname: 'Rossi' });
  });

  it('tells unknown types, broken data, broken metadata and future versions apart', () => {
    expect(() => catalogue.decode(stored('Mystery', {}, { ...context, schemaVersion: 1 }))).toThrow(UnknownEventTypeError);
    expect(() => catalogue.decode(stored('Noted', { text: 5 }, { ...context, schemaVersion: 1 }))).toThrow(
      InvalidStoredEventError,
    );
    expect(() => catalogue.decode(stored('Noted', { text: 'x' }, { schemaVersion: 1 }))).toThrow(/metadata/);
    expect(() => catalogue.decode(stored('Noted', { text: 'x' }, { ...context, schemaVersion: 3 }))).toThrow(
      /newer than this code/,
    );
  });

  it("gives an upcaster the stored event's metadata: an instant the data lacks is when its command was decided", () => {
    // Version 1 stored no time; version 2 carries `markedAt`, which older events take from metadata.at.
    const seen: unknown[] = [];
    const marked = defineEvent('Marked', z.object({ id: z.string(), markedAt: z.iso.datetime() }), {
      version: 2,
      upcasters: {
        1: (v1: { id: string }, metadata) => {
          seen.push(metadata);
          return { ...v1, markedAt: metadata.at };
        },
      },
    });
    const withMarks = new EventCatalogue<EventOf<typeof marked>>([marked]);
    const metadata = { ...context, at: '2026-11-20T10:10:00.000Z', schemaVersion: 1 };
    const decoded = withMarks.decode(stored('Marked', { id: 'm-1' }, metadata));
    expect(decoded.data).toEqual({ id: 'm-1', markedAt: '2026-11-20T10:10:00.000Z' });
    // The metadata as it was stored, its schema version the stored one; the decoded event says the current one.
    expect(seen).toEqual([metadata]);
    expect(decoded.metadata).toEqual({ ...metadata, schemaVersion: 2 });
    // An event written today carries its own instant: the metadata is not read.
    const today = withMarks.encode({ type: 'Marked', data: { id: 'm-2', markedAt: '2026-12-01T08:00:00.000Z' } }, context);
    expect(withMarks.decode(stored(today.type, today.data, today.metadata)).data).toEqual({ id: 'm-2', markedAt: '2026-12-01T08:00:00.000Z' });
    expect(seen).toHaveLength(1);
  });

  it("accepts a stored event whose metadata still holds the log's chain link, and decodes it without it", () => {
    const catalogueOfNotes = new EventCatalogue<EventOf<typeof noted>>([noted]);
    const metadata = { ...context, schemaVersion: 1, chain: { prev: '0'.repeat(64), hash: 'a'.repeat(64) } };
    const decoded = catalogueOfNotes.decode(stored('Noted', { text: 't' }, metadata));
    expect(decoded.metadata).toEqual({ ...context, schemaVersion: 1 });
  });

  it('will not define a version without the upcasters to reach it', () => {
    expect(() => defineEvent('Broken', z.object({}), { version: 3, upcasters: { 1: (d) => d } })).toThrow(
      /upcaster from version 2/,
    );
  });
});

describe('event ids', () => {
  it('are RFC 9562 version 7 UUIDs that sort in creation order', async () => {
    const { uuidv7 } = await import('../../events/uuid');
    const ids = Array.from({ length: 5000 }, () => uuidv7());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(z.uuid().safeParse(ids[0]).success).toBe(true);
  });
});
