// What a desk types in `q` finds the Italian names as written: without accents or with them, in any
// case, a surname with an apostrophe by either half, a name by its first letters; on the orders read
// model's terms (projections/readModels/shared.ts) through the read API's engine (listQuery.ts).
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrdersTermsTable, createOrdersTable } from '../../../projections/readModels/orders';
import { addTerms } from '../../../projections/readModels/shared';
import { parseListQuery, runList, type ReadContext } from '../../../server/read/listQuery';
import { resourceByName } from '../../../server/read/resources';

const orders = resourceByName.get('orders')!;
const ctx: ReadContext = { roles: ['operator'], now: '2026-11-24T09:00:00.000Z' };
const NAMES = ['Niccolò Perù', "Luca D'Angelo", 'Maria Lucà', 'Giosuè Carducci', 'Mario Rossi', 'Anna Lucarelli'];
let db: Database.Database;

beforeAll(() => {
  db = new Database(':memory:');
  createOrdersTable(db, 'orders');
  createOrdersTermsTable(db, 'orders', 'orders_terms');
  const insert = db.prepare(
    `INSERT INTO orders (id, customer_id, customer_name, customer_sort, status, choice, payment_mode, payment_method, codes_email,
       line_count, coupon_count, lines, vat_summary, taxable_cents, vat_cents, total_cents, amount_due_cents, placed_at)
     VALUES (?, 'c', ?, ?, 'paid', 'manual', 'prepaid', 'prepaid', 'x@example.it', 1, 1, '[]', '[]', 0, 0, 100, 0, ?)`,
  );
  NAMES.forEach((name, n) => {
    const { lastInsertRowid } = insert.run(`o-${n}`, name, name.toLowerCase(), `2026-01-0${n + 1}T10:00:00.000Z`);
    addTerms(db, 'orders_terms', lastInsertRowid, name);
  });
});
afterAll(() => db?.close());

function found(q: string): string[] {
  const query = parseListQuery(orders, { filter: JSON.stringify({ q }), sort: '["placedAt","ASC"]' }, ctx);
  return runList(db, orders, query, ctx).rows.map((r) => r.customerName as string);
}

describe('q finds Italian names as typed', () => {
  it('with or without accents, in any case', () => {
    for (const q of ['niccolo', 'Niccolò', 'NICCOLÒ', 'perù', 'peru', 'PERU']) expect(found(q), q).toEqual(['Niccolò Perù']);
    expect(found('giosue carducci')).toEqual(['Giosuè Carducci']);
  });

  it('by the first letters of any word, every word', () => {
    expect(found('luc')).toEqual(["Luca D'Angelo", 'Maria Lucà', 'Anna Lucarelli']);
    expect(found('luca')).toEqual(["Luca D'Angelo", 'Maria Lucà', 'Anna Lucarelli']);
    expect(found('mari luc')).toEqual(['Maria Lucà']);
    expect(found('rossi mario')).toEqual(['Mario Rossi']);
  });

  it('a surname with an apostrophe, whole (either apostrophe) or by its second half', () => {
    expect(found('angelo')).toEqual(["Luca D'Angelo"]);
    expect(found('luca angelo')).toEqual(["Luca D'Angelo"]);
    expect(found("d'angelo")).toEqual(["Luca D'Angelo"]);
    expect(found('D’Angelo Luca')).toEqual(["Luca D'Angelo"]);
  });

  it('nothing for a word no name starts with', () => {
    expect(found('carduccio')).toEqual([]);
  });
});
