// The query engine (server/read/listQuery.ts) against a reference computed in JavaScript, on an
// orders read model big enough for every plan of a search: few matches (they drive), a few
// thousand without other filters (the sort index drives), more than MANY_MATCHES (not read
// up front), and searches combined with filters. Whatever the plan, the page and the total are the
// ones the reference gives (the total up to a count cap, or "more than" the cap above it).
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrdersTermsTable, createOrdersTable } from '../../../projections/readModels/orders';
import { addTerms } from '../../../projections/readModels/shared';
import { parseListQuery, runList, type ReadContext } from '../../../server/read/listQuery';
import { resourceByName } from '../../../server/read/resources';

const orders = resourceByName.get('orders')!;
const ctx: ReadContext = { roles: ['operator'], now: '2026-11-24T09:00:00.000Z' };
const STATUSES = ['awaiting_payment', 'paid', 'fulfilled', 'cancelled', 'expired'];
const NAMES: Array<[string, number]> = [
  ['Mario Rossi', 0.84],
  ['Giulia Neri', 0.96],
  ['Anna Bianchi', 0.99],
  ['Luca Verdi', 1],
];
const ROWS = 25_000;
/** A count cap below several of the totals. */
const CAP = 3_000;

interface Row {
  seq: number;
  id: string;
  customerName: string;
  customerSort: string;
  status: string;
  totalCents: number;
  placedAt: string;
  /** A term added later than the order (as an invoice number is, at fulfilment). */
  extra?: string;
}

let db: Database.Database;
const rows: Row[] = [];

beforeAll(() => {
  db = new Database(':memory:');
  createOrdersTable(db, 'orders');
  createOrdersTermsTable(db, 'orders', 'orders_terms');
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const insert = db.prepare(
    `INSERT INTO orders (id, customer_id, customer_name, customer_sort, status, choice, payment_mode, payment_method, codes_email,
       line_count, coupon_count, lines, vat_summary, taxable_cents, vat_cents, total_cents, amount_due_cents, placed_at)
     VALUES (?, 'c', ?, ?, ?, 'manual', 'direct', 'bank_transfer', 'x@example.it', 1, 1, '[]', '[]', 0, 0, ?, 0, ?)`,
  );
  db.transaction(() => {
    for (let n = 0; n < ROWS; n++) {
      const pick = rnd();
      const name = NAMES.find(([, share]) => pick < share)![0];
      const row = {
        id: `o-${n}`,
        customerName: name,
        customerSort: name.toLowerCase(),
        status: STATUSES[Math.floor(rnd() * STATUSES.length)]!,
        totalCents: 1000 + Math.floor(rnd() * 40) * 100, // many ties: the tie-breaker matters
        placedAt: new Date(Date.parse('2026-01-01T00:00:00.000Z') + Math.floor(rnd() * 5000) * 60_000).toISOString(),
      };
      const { lastInsertRowid } = insert.run(row.id, row.customerName, row.customerSort, row.status, row.totalCents, row.placedAt);
      addTerms(db, 'orders_terms', lastInsertRowid, row.customerName);
      rows.push({ ...row, seq: Number(lastInsertRowid) });
    }
  })();
});
afterAll(() => db?.close());

type Filter = { q?: string; status?: string | string[]; totalCents_gte?: number };
type SortKey = 'placedAt' | 'totalCents' | 'customerSort';
const SORTS: Array<[SortKey, 'customerName' | 'placedAt' | 'totalCents', 'ASC' | 'DESC']> = [
  ['placedAt', 'placedAt', 'DESC'],
  ['totalCents', 'totalCents', 'ASC'],
  ['customerSort', 'customerName', 'DESC'],
];

function reference(filter: Filter, sortKey: SortKey, direction: 'ASC' | 'DESC', [first, last]: [number, number]) {
  const words = (filter.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const matching = rows.filter((row) => {
    const terms = `${row.customerName} ${row.extra ?? ''}`.toLowerCase().split(' ').filter(Boolean);
    const joined = words.length > 1 && terms.some((t) => t.startsWith(words.join('')));
    if (words.length > 0 && !words.every((w) => terms.some((t) => t.startsWith(w))) && !joined) return false;
    if (filter.status !== undefined && !(Array.isArray(filter.status) ? filter.status : [filter.status]).includes(row.status)) return false;
    if (filter.totalCents_gte !== undefined && row.totalCents < filter.totalCents_gte) return false;
    return true;
  });
  const sign = direction === 'ASC' ? 1 : -1;
  matching.sort((a, b) => {
    const x = a[sortKey];
    const y = b[sortKey];
    if (x !== y) return (x < y ? -1 : 1) * sign;
    return (a.seq - b.seq) * sign;
  });
  return { ids: matching.slice(first, last + 1).map((r) => r.id), total: matching.length };
}

/** Every sort and range of a filter: the engine's page and total are the reference's. */
function checkAgainstReference(filter: Filter) {
  let engine = 0;
  for (const [sortKey, field, direction] of SORTS) {
    for (const range of RANGES) {
      const query = parseListQuery(orders, { filter: JSON.stringify(filter), sort: JSON.stringify([field, direction]), range: JSON.stringify(range) }, ctx);
      const t0 = performance.now();
      const result = runList(db, orders, query, ctx, { countCap: Infinity });
      engine = Math.max(engine, performance.now() - t0);
      const expected = reference(filter, sortKey, direction, range);
      const where = `${field} ${direction} ${JSON.stringify(range)}`;
      expect(result.total, where).toBe(expected.total);
      expect(result.rows.map((r) => r.id), where).toEqual(expected.ids);
      // Counted up to the cap (LIST_COUNT_CAP): the same page; the total exact, or not given
      // when more rows match than the count went to.
      const capped = runList(db, orders, query, ctx, { countCap: CAP });
      expect(capped.rows.map((r) => r.id), where).toEqual(expected.ids);
      if (capped.total === null) expect(expected.total, where).toBeGreaterThan(capped.countLimit);
      else expect(capped.total, where).toBe(expected.total);
    }
  }
  if (process.env.SHOW_TIMES) console.log(JSON.stringify(filter), 'slowest query', engine.toFixed(1), 'ms');
}

const RANGES: Array<[number, number]> = [
  [0, 24],
  [25, 49],
  [2990, 3009],
  [20990, 21010],
];
const NERI_BUT_EXPIRED = { q: 'neri', status: ['awaiting_payment', 'paid', 'fulfilled', 'cancelled'] };

describe('every plan gives the reference page and total', () => {
  const filters: Filter[] = [
    {},
    { status: 'fulfilled' },
    { q: 'rossi' }, // > MANY_MATCHES: the sort index drives, matches not read up front
    { q: 'neri' }, // a few thousand, no filter: read up front, the sort index drives
    { q: 'bianchi' }, // few: they drive
    { q: 'verdi luca' },
    { q: 'mario rossi' },
    { q: 'giulia', status: 'fulfilled' }, // the terms carry the status: counted on them, few, the matches drive
    NERI_BUT_EXPIRED, // carried too, more than FEW_MATCHES: counted on the terms, the status index drives
    { q: 'giulia neri', status: 'paid' },
    { q: 'ross i', status: 'paid' }, // the words together, with a carried filter
    { q: 'neri', status: 'fulfilled', totalCents_gte: 3000 }, // a carried filter and one on the rows
    { q: 'rossi', status: ['awaiting_payment', 'expired'] },
    { q: 'neri', totalCents_gte: 3000 },
    { q: 'an' },
    { q: 'nobody' },
    { q: 'ross i' }, // the words together: a term
    { q: 'giulianeri' },
  ];
  for (const filter of filters) it(JSON.stringify(filter), () => checkAgainstReference(filter));
});

describe('orders that change status are found by their new status (the terms follow their rows)', () => {
  beforeAll(() => {
    // Every paid Neri order fulfilled, every fourth fulfilled one of the others refunded, and a
    // term added to some after the change (an invoice number, in the real read model).
    const setStatus = db.prepare('UPDATE orders SET status = ? WHERE seq = ?');
    db.transaction(() => {
      let n = 0;
      for (const row of rows) {
        const next = row.status === 'paid' && row.customerName === 'Giulia Neri' ? 'fulfilled' : row.status === 'fulfilled' && n++ % 4 === 0 ? 'refunded' : null;
        if (!next) continue;
        row.status = next;
        setStatus.run(next, row.seq);
        if (row.seq % 3 === 0) {
          row.extra = 'Zeta';
          addTerms(db, 'orders_terms', row.seq, row.extra);
        }
      }
    })();
  });
  for (const filter of [{ q: 'neri', status: 'fulfilled' }, { q: 'neri', status: 'paid' }, { q: 'rossi', status: 'refunded' }, { q: 'zeta', status: 'refunded' }, { q: 'zeta', status: 'fulfilled' }, NERI_BUT_EXPIRED]) {
    it(JSON.stringify(filter), () => checkAgainstReference(filter));
  }
});
