// A small catalogue and projections for the runner's tests. The projections count and add, so an
// event applied twice (or skipped) shows in the read model.
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EventCatalogue, defineEvent, type CommandContext, type EventOf } from '../../events/eventCatalogue';
import type { EventStore } from '../../events/port';
import { statement, type Projection } from '../../projections/projection';
import { openReadModelDb } from '../../projections/readModelDb';
import { ProjectionRunner } from '../../projections/runner';

export const customerRegistered = defineEvent(
  'CustomerRegistered',
  z.object({ customerId: z.string(), name: z.string().min(1) }),
);
export const customerRenamed = defineEvent('CustomerRenamed', z.object({ customerId: z.string(), name: z.string().min(1) }));
export const orderPlaced = defineEvent(
  'OrderPlaced',
  z.object({ orderId: z.string(), customerId: z.string(), amountCents: z.number().int() }),
);
export const noted = defineEvent('Noted', z.object({ text: z.string() }));

export type TestEvent =
  | EventOf<typeof customerRegistered>
  | EventOf<typeof customerRenamed>
  | EventOf<typeof orderPlaced>
  | EventOf<typeof noted>;

export const testCatalogue = new EventCatalogue<TestEvent>([customerRegistered, customerRenamed, orderPlaced, noted]);

export const context = (): CommandContext => ({
  actor: { userId: 'u-1', role: 'operator' },
  at: '2026-03-01T09:00:00.000Z',
  correlationId: randomUUID(),
  causationId: null,
});

/** The i-th event of a deterministic mix: customers register, get renamed, place orders, notes. */
export function eventAt(i: number): { stream: string; event: TestEvent } {
  const customer = `c-${Math.floor(i / 10)}`;
  switch (i % 10) {
    case 0:
      return { stream: `customer-${customer}`, event: { type: 'CustomerRegistered', data: { customerId: customer, name: `Name ${i}` } } };
    case 5:
      return { stream: `customer-${customer}`, event: { type: 'CustomerRenamed', data: { customerId: customer, name: `Renamed ${i}` } } };
    case 9:
      return { stream: `note-${i}`, event: { type: 'Noted', data: { text: `note ${i}` } } };
    default:
      return {
        stream: `order-${i}`,
        event: { type: 'OrderPlaced', data: { orderId: `o-${i}`, customerId: customer, amountCents: 100 + i } },
      };
  }
}

/** Appends events `from`..`to - 1` of the mix, `perAppend` to a call; resolves with the head. */
export async function appendMix(store: EventStore, from: number, to: number, perAppend = 50): Promise<number> {
  let position = 0;
  for (let i = from; i < to; i += perAppend) {
    const appends: Promise<{ position: number }>[] = [];
    for (let j = i; j < Math.min(to, i + perAppend); j++) {
      const { stream, event } = eventAt(j);
      appends.push(store.append(stream, [testCatalogue.encode(event, context())], { expectedRevision: 'any' }));
    }
    for (const result of await Promise.all(appends)) position = Math.max(position, result.position);
  }
  return position;
}

/** Appends one raw event, bypassing the catalogue (unknown types, broken data). */
export async function appendRaw(store: EventStore, type: string, data: unknown): Promise<number> {
  const { position } = await store.append(
    `raw-${randomUUID()}`,
    [{ id: randomUUID(), type, data, metadata: { ...context(), schemaVersion: 1 } }],
    { expectedRevision: 'no_stream' },
  );
  return position;
}

export interface CustomersOptions {
  version?: number;
  /** Throws on this event (by customer id of a registration), like a bug would. */
  failOn?: (event: { type: string; data: unknown; position: number }) => boolean;
  /** Called before each event, with the db: to look at what readers see meanwhile. */
  probe?: (db: Database.Database, position: number) => void;
}

/**
 * customers: one row per customer with its name, its number of orders and their total. Version 2
 * adds the upper-cased name (a new column: a new version).
 */
export function customersProjection(options: CustomersOptions = {}): Projection<TestEvent> {
  const version = options.version ?? 1;
  return {
    name: 'customers',
    version,
    tables: ['customers'],
    handles: ['CustomerRegistered', 'CustomerRenamed', 'OrderPlaced'],
    setup(db, t) {
      db.exec(`CREATE TABLE ${t('customers')} (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, orders INTEGER NOT NULL DEFAULT 0, spent INTEGER NOT NULL DEFAULT 0
        ${version >= 2 ? ', upper_name TEXT NOT NULL' : ''})`);
      db.exec(`CREATE INDEX ${t('customers')}_by_name ON ${t('customers')} (name)`);
    },
    apply(db, event, t) {
      options.probe?.(db, event.position);
      if (options.failOn?.(event)) throw new Error(`cannot handle ${event.type} at ${event.position}`);
      const table = t('customers');
      switch (event.type) {
        case 'CustomerRegistered':
          if (version >= 2) {
            statement(db, `INSERT INTO ${table} (id, name, upper_name) VALUES (?, ?, ?)`).run(
              event.data.customerId,
              event.data.name,
              event.data.name.toUpperCase(),
            );
          } else {
            statement(db, `INSERT INTO ${table} (id, name) VALUES (?, ?)`).run(event.data.customerId, event.data.name);
          }
          break;
        case 'CustomerRenamed':
          statement(db, `UPDATE ${table} SET name = ? WHERE id = ?`).run(event.data.name, event.data.customerId);
          if (version >= 2) {
            statement(db, `UPDATE ${table} SET upper_name = ? WHERE id = ?`).run(event.data.name.toUpperCase(), event.data.customerId);
          }
          break;
        case 'OrderPlaced':
          statement(db, `UPDATE ${table} SET orders = orders + 1, spent = spent + ? WHERE id = ?`).run(
            event.data.amountCents,
            event.data.customerId,
          );
          break;
      }
    },
  };
}

/** totals: how many events of each handled type, and the sum of the orders. */
export function totalsProjection(options: { failOn?: CustomersOptions['failOn'] } = {}): Projection<TestEvent> {
  return {
    name: 'totals',
    version: 1,
    tables: ['totals'],
    handles: ['CustomerRegistered', 'OrderPlaced', 'Noted'],
    setup(db, t) {
      db.exec(`CREATE TABLE ${t('totals')} (key TEXT PRIMARY KEY, value INTEGER NOT NULL)`);
    },
    apply(db, event, t) {
      if (options.failOn?.(event)) throw new Error(`totals cannot handle ${event.type} at ${event.position}`);
      const add = statement(
        db,
        `INSERT INTO ${t('totals')} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = value + excluded.value`,
      );
      add.run(event.type, 1);
      if (event.type === 'OrderPlaced') add.run('amount', event.data.amountCents);
    },
  };
}

/** notes: handles only Noted. */
export function notesProjection(): Projection<TestEvent> {
  return {
    name: 'notes',
    version: 1,
    tables: ['notes'],
    handles: ['Noted'],
    setup(db, t) {
      db.exec(`CREATE TABLE ${t('notes')} (position INTEGER PRIMARY KEY, text TEXT NOT NULL)`);
    },
    apply(db, event, t) {
      if (event.type !== 'Noted') return;
      statement(db, `INSERT INTO ${t('notes')} (position, text) VALUES (?, ?)`).run(event.position, event.data.text);
    },
  };
}

/** What readers see: every row of the logical tables, in a stable order. */
export function dump(db: Database.Database, tables: readonly string[] = ['customers', 'totals']): Record<string, unknown[]> {
  return Object.fromEntries(tables.map((table) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY 1`).all()]));
}

/** Physical tables and views of the read-model database, by name. */
export function schemaObjects(db: Database.Database): Record<string, string> {
  const rows = db
    .prepare<[], { name: string; type: string }>(
      "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all();
  return Object.fromEntries(rows.map((row) => [row.name, row.type]));
}

/** A logger that keeps what it is given. */
export function memoryLogger() {
  const lines: Array<{ level: 'info' | 'warn' | 'error'; obj: object; msg: string }> = [];
  return {
    lines,
    info: (obj: object, msg: string) => void lines.push({ level: 'info', obj, msg }),
    warn: (obj: object, msg: string) => void lines.push({ level: 'warn', obj, msg }),
    error: (obj: object, msg: string) => void lines.push({ level: 'error', obj, msg }),
  };
}

/** The read model a fresh runner builds from the first event, in a database of its own. */
export async function buildFromScratch(
  store: EventStore,
  projections: Projection<any>[],
  file: string,
  tables?: readonly string[],
): Promise<Record<string, unknown[]>> {
  const db = openReadModelDb(file);
  const runner = new ProjectionRunner({ store, catalogue: testCatalogue, db, projections, batchSize: 997 });
  try {
    await runner.start();
    await runner.whenCaughtUp();
    return dump(db, tables);
  } finally {
    await runner.stop();
    db.close();
  }
}
