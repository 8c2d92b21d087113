// The query plans of every list the console sends (admin-ui/src/resources/*/…List.tsx: its default
// sort, each column it sorts by, each filter it offers, its default filter), asked of SQLite with
// EXPLAIN QUERY PLAN on the very statements the read API runs (server/read/listQuery.ts
// listStatements: the page's keys and the capped count), over the real read models' schemas. A list
// must be answered by an index: never a SCAN of a read-model table without one (at 1,000,000 orders
// that is a second, not milliseconds), and the orders list never sorts its page in a temporary
// b-tree (it would sort every matching row to show 25). A change of schema or query that loses an
// index fails here, not in production.
//
// Without ANALYZE statistics (the read models have none) SQLite's plans depend on the schema and the
// query only, so an empty read model plans as a full one does; the exception is `q`, whose plan the
// engine chooses from the number of matches (listQuery.ts): an empty model gives the plan of few
// matches, where the matches drive and are sorted (at most FEW_MATCHES, or MANY_MATCHES with a filter).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStatements, parseListQuery, type ReadContext, type ResourceSpec } from '../../../server/read/listQuery';
import { resourceByName } from '../../../server/read/resources';
import { startTestApp, TEST_NOW, type TestApp } from '../../support/app';

/** What a console list sends: its filters (one at a time), the columns it sorts by, its defaults. */
interface ConsoleList {
  resource: string;
  filters: string[];
  sorts: string[];
  /** filterDefaultValues of the List: sent with every sort. */
  defaults?: Record<string, unknown>;
  /** Combinations of filters the desk uses together (with the default sort unless given). */
  together?: Array<{ filter: Record<string, unknown>; sort?: [string, 'ASC' | 'DESC'] }>;
}

const CONSOLE_LISTS: ConsoleList[] = [
  { resource: 'customers', filters: ['q', 'registrationOfficer'], sorts: ['fullName', 'codiceFiscale', 'email', 'city', 'prepaidBalanceCents', 'registeredAt'] },
  { resource: 'devices', filters: ['q', 'windowState', 'issuer', 'holderCodiceFiscale', 'expiringWithinDays'], sorts: ['id', 'daysToExpiry'] },
  { resource: 'replacement-requests', filters: ['status', 'reason'], sorts: ['requestedAt', 'ageHours'], defaults: { status: 'pending' } },
  {
    resource: 'orders',
    filters: ['q', 'status', 'paymentMode', 'placedAt_gte', 'placedAt_lte', 'customerId', 'paidAt_gte', 'paidAt_lte', 'paymentMethod'],
    sorts: ['placedAt', 'customerName', 'totalCents', 'amountDueCents', 'invoiceDisplayNumber'],
    together: [
      { filter: { status: 'awaiting_payment', paymentMode: 'direct' } },
      { filter: { status: 'fulfilled', paymentMode: 'prepaid' } },
      { filter: { status: 'fulfilled', placedAt_gte: '2026-01-01T00:00:00.000Z', placedAt_lte: '2026-01-31T23:59:59.999Z' } },
      { filter: { q: 'bianchi', status: 'fulfilled' }, sort: ['totalCents', 'DESC'] },
      ...['placedAt', 'customerName', 'totalCents', 'amountDueCents', 'invoiceDisplayNumber'].map((field) => ({ filter: { status: 'fulfilled' }, sort: [field, 'DESC'] as [string, 'DESC'] })),
    ],
  },
  { resource: 'renewals', filters: ['q', 'state', 'paymentMode'], sorts: ['startedAt'] },
  { resource: 'payments', filters: ['q', 'state', 'method', 'receivedOn_gte', 'receivedOn_lte', 'matched'], sorts: ['receivedOn', 'payer', 'amountCents'] },
  { resource: 'bank-statements', filters: ['q', 'kind'], sorts: ['importedAt'] },
  { resource: 'prepaid-adjustments', filters: ['status'], sorts: ['requestedAt', 'amountCents'], defaults: { status: 'pending' } },
  { resource: 'invoices', filters: ['q', 'year', 'number', 'issuedOn_gte', 'issuedOn_lte', 'sdiState'], sorts: ['displayNumber', 'issuedOn', 'buyerName', 'totalCents', 'sdiState'] },
  { resource: 'credit-notes', filters: ['q', 'year', 'number', 'issuedOn_gte', 'issuedOn_lte', 'sdiState'], sorts: ['displayNumber', 'issuedOn', 'buyerName', 'totalCents', 'sdiState'] },
  { resource: 'coupons', filters: ['q', 'state', 'productCode', 'deviceSerial'], sorts: ['issuedAt', 'validUntil', 'redeemedAt'] },
  { resource: 'ca-reports', filters: ['q', 'via'], sorts: ['receivedAt', 'id'] },
  { resource: 'emails', filters: ['q', 'state'], sorts: ['queuedAt', 'to'] },
  { resource: 'reminders', filters: ['q', 'offsetDays'], sorts: ['sentAt', 'deadline'] },
  { resource: 'certificate-deadlines', filters: ['q', 'opensThisMonth', 'closingWithinDays'], sorts: ['closesAt', 'opensAt'] },
  { resource: 'products', filters: ['q', 'kind', 'renews', 'withdrawn'], sorts: ['id', 'description', 'priceCents'], defaults: { withdrawn: false } },
  { resource: 'issuer-policies', filters: [], sorts: ['id', 'issuerName'] },
  { resource: 'audit-events', filters: ['at_gte', 'at_lte', 'actorId', 'type', 'stream', 'actorRole'], sorts: ['id', 'at'] },
  { resource: 'staff-users', filters: [], sorts: ['username', 'displayName', 'disabled'] },
  { resource: 'prepaid-movements', filters: ['customerId'], sorts: ['at'] },
];

// Read models small by nature (a few rows each: the catalogue, the CA's issuers, the staff): a
// plain scan of them is as fast as an index, and they have none for every sort.
const SMALL = new Set(['products', 'issuer-policies', 'staff-users']);

const root = fileURLToPath(new URL('../../..', import.meta.url));
// Known and not yet indexed: the audit log's time filters with its default sort (by position) walk
// the log from one end; positions follow time, so a page is found at once when the range is recent,
// but an old range (and its count) reads the newer rows first.
const KNOWN = new Set(['audit-events {"at_gte":"2026-01-01T00:00:00.000Z"} sort id DESC', 'audit-events {"at_lte":"2026-01-01T00:00:00.000Z"} sort id DESC']);

const ctx: ReadContext = { roles: ['admin', 'supervisor', 'accountant', 'operator'], now: TEST_NOW };

/** A value the filter accepts (the plan does not depend on which). */
function sampleValue(resource: ResourceSpec, key: string): unknown {
  if (key === 'q') return 'rossi';
  const custom = resource.filters?.[key];
  if (custom) {
    for (const candidate of [true, 30, 'open', 'pending', 'operator', '2026-01-01']) if (custom.parse(candidate) !== undefined) return candidate;
    throw new Error(`no sample value for the filter ${resource.name}.${key}`);
  }
  const range = /^(.+)_(gte|lte)$/.exec(key);
  const field = resource.fields[range ? range[1]! : key];
  if (!field) throw new Error(`${resource.name} has no filter ${key}`);
  if (field.values) return field.values[0];
  switch (field.type) {
    case 'int':
      return 1;
    case 'bool':
      return true;
    case 'date':
      return '2026-01-01';
    case 'time':
      return '2026-01-01T00:00:00.000Z';
    default:
      return 'RSSMRA80A01H501U';
  }
}

interface Shape {
  filter: Record<string, unknown>;
  sort: [string, 'ASC' | 'DESC'];
}

function shapesOf(list: ConsoleList, resource: ResourceSpec): Shape[] {
  const [field, direction] = resource.defaultSort;
  const defaults = list.defaults ?? {};
  const shapes: Shape[] = [{ filter: defaults, sort: [field, direction] }];
  for (const sort of list.sorts) for (const d of ['ASC', 'DESC'] as const) shapes.push({ filter: defaults, sort: [sort, d] });
  for (const key of list.filters) shapes.push({ filter: { ...defaults, [key]: sampleValue(resource, key) }, sort: [field, direction] });
  for (const { filter, sort } of list.together ?? []) shapes.push({ filter, sort: sort ?? [field, direction] });
  return shapes;
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ prefix: 'bo-plans-', sales: { reactors: false } });
  await t.app.projections.whenCaughtUp();
});
afterAll(async () => {
  await t?.close();
});

function explain(sql: string, params: unknown[]): string[] {
  return (t.app.projections.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail);
}

/** A SCAN of a table (not of a subquery, a json_each list or an index). */
const tableScan = (detail: string) => /^SCAN (?!\(|json_each)\S+( AS \S+)?$/.test(detail);

describe('every console list is answered by an index', () => {
  for (const list of CONSOLE_LISTS) {
    it(list.resource, () => {
      const resource = resourceByName.get(list.resource);
      expect(resource, list.resource).toBeDefined();
      const problems: string[] = [];
      for (const shape of shapesOf(list, resource!)) {
        const query = parseListQuery(resource!, { filter: JSON.stringify(shape.filter), sort: JSON.stringify(shape.sort), range: '[25,49]' }, ctx);
        const statements = listStatements(t.app.projections.db, resource!, query, ctx, 10_000);
        const what = `${JSON.stringify(shape.filter)} sort ${shape.sort.join(' ')}`;
        const keys = explain(statements.keys.sql, statements.keys.params);
        const count = explain(statements.count.sql, statements.count.params);
        if (process.env.SHOW_PLANS) console.log(`${list.resource} ${what}\n  keys: ${keys.join(' / ')}\n  count: ${count.join(' / ')}`);
        // A walk of a table in its own (rowid) order is how an unfiltered list reads its first page
        // (and its count stops at the cap); with a filter, or a sort after it, it reads every row.
        const filtered = Object.keys(shape.filter).length > 0;
        for (const [name, plan] of [['keys', keys], ['count', count]] as const) {
          const sorted = plan.some((d) => d.includes('TEMP B-TREE FOR ORDER BY'));
          const scans = plan.filter(tableScan);
          if (scans.length > 0 && (filtered || sorted) && !SMALL.has(list.resource) && !KNOWN.has(`${list.resource} ${what}`)) {
            problems.push(`${what} (${name}): ${plan.join(' / ')}`);
          }
        }
        // The orders list sorts by an index (but the bounded matches of a search, which it sorts).
        if (list.resource === 'orders' && !statements.keys.counts && keys.some((d) => d.includes('TEMP B-TREE FOR ORDER BY'))) {
          problems.push(`${what}: ${keys.join(' / ')}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('covers every list of the console menu', () => {
    // Every resource folder whose module has a list screen and whose name is a read API list.
    const folder = join(root, 'admin-ui/src/resources');
    const listed = readdirSync(folder).filter((name) => {
      const index = join(folder, name, 'index.ts');
      return existsSync(index) && /\blist:/.test(readFileSync(index, 'utf8')) && resourceByName.has(name);
    });
    expect(listed.length).toBeGreaterThan(15);
    expect(listed.filter((name) => !CONSOLE_LISTS.some((l) => l.resource === name))).toEqual([]);
  });
});
