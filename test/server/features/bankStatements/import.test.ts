// An accountant imports the bank's statements (issue #18) on the real back office (SQLite store,
// read models, payment reactor): each credit line becomes a payment matched by the RF reference in
// its remittance information, the report tells each line's outcome, the same file twice or two
// overlapping statements record nothing twice, and a bad file is refused with nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOrder, prepaidBalance } from '../../../../server/features/services';
import { addGuideProducts, allEvents, expectStatus, manualOrder, registerPerson, startApi, type Answer, type ApiWorld } from '../../api/support';
import { fixture, statement } from './fixtures';

let world: ApiWorld;
let customerId: string;
const orders: Record<string, { id: string; rf: string }> = {};
const refs = (): Record<string, string> => Object.fromEntries(Object.entries(orders).map(([k, o]) => [k, o.rf]));

const importXml = (xml: string, fileName: string, who: 'accountant' | 'supervisor' | 'operator' = 'accountant'): Promise<Answer> =>
  world[who].request('POST', `/api/bank-statements?fileName=${encodeURIComponent(fileName)}`, { raw: xml, contentType: 'application/xml' });

const paymentEvents = async () => (await allEvents(world.store)).filter((e) => /^(Payment|BankReference|OrderPayment|OrderPaid|Prepaid)/.test(e.type)).length;

beforeAll(async () => {
  world = await startApi();
  await addGuideProducts(world);
  customerId = await registerPerson(world);
  for (const key of ['A', 'B', 'C', 'D', 'E', 'F']) {
    const placed = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'direct', method: 'bank_transfer' })), 201).json();
    orders[key] = { id: placed.id, rf: placed.rfReference };
  }
}, 30_000);
afterAll(async () => {
  await world?.close();
});

describe('importing a camt.053 statement', () => {
  let report: any;

  it('answers with a report: each line matched, partial, overpaid, unmatched or a skipped debit', async () => {
    expect((await getOrder(world.app.sales, orders.A!.id)).totals.totalCents).toBe(3172);
    report = expectStatus(await importXml(statement('camt053-day1.xml', refs()), 'estratto-25-11.xml'), 201).json();
    expect(report).toMatchObject({ kind: 'camt.053', fileName: 'estratto-25-11.xml', statementIds: ['STMT-20261125-0542811101'], messageId: 'CBI-053-20261125-0001' });
    expect(report.counts).toEqual({ matched: 2, partial: 1, overpaid: 1, unmatched: 1, duplicate: 0, debit: 1, not_booked: 0, invalid: 0 });
    expect(report.lines.map((l: any) => [l.outcome, l.orderId])).toEqual([
      ['matched', orders.A!.id],
      ['matched', orders.B!.id],
      ['partial', orders.C!.id],
      ['overpaid', orders.D!.id],
      ['unmatched', null],
      ['debit', null],
    ]);
    expect(report.lines[0]).toMatchObject({ bankReference: '0306909912345001', debtorName: 'Mario Rossi', amountCents: 3172, rfReference: orders.A!.rf });
    expect(report.lines[1]).toMatchObject({ bankReference: '2611250002', rfReference: orders.B!.rf });
    expect(report.lines[2]).toMatchObject({ dueCents: 3172, message: expect.stringMatching(/€ 21,72 still due/) });
    expect(report.lines[3]).toMatchObject({ dueCents: 3172, message: expect.stringMatching(/€ 18,28 over what was due/) });
    expect(report.lines[4].dueCents).toBeNull();
    expect(report.lines[4].message).toMatch(/no RF reference.*matched by hand/);
    expect(report.lines[5]).toMatchObject({ direction: 'debit', paymentId: null, message: expect.stringMatching(/debit/) });
  });

  it("the orders are paid, the partial one waits for the rest, the surplus is on the customer's prepaid account", async () => {
    await world.idle();
    const state = async (key: string) => {
      const o = await getOrder(world.app.sales, orders[key]!.id);
      return [o.status, o.receivedCents];
    };
    expect(await state('A')).toEqual(['paid', 3172]);
    expect(await state('B')).toEqual(['paid', 3172]);
    expect(await state('C')).toEqual(['awaiting_payment', 1000]);
    expect(await state('D')).toEqual(['paid', 3172]);
    expect(await prepaidBalance(world.app.sales, customerId)).toBe(5000 - 3172);
  });

  it('the unmatched line waits among the unmatched payments, and is matched by hand as a typed one', async () => {
    const unmatched = expectStatus(await world.accountant.get(`/api/payments?filter=${encodeURIComponent(JSON.stringify({ matched: false }))}`), 200).json<any[]>();
    expect(unmatched.map((p) => [p.id, p.bankReference, p.amountCents, p.payer, p.method])).toEqual([[report.lines[4].paymentId, '2611250005', 2500, 'Anna Gialli', 'bank_transfer']]);
    expectStatus(await world.accountant.post(`/api/payments/${report.lines[4].paymentId}/match`, { orderId: orders.C!.id }), 200);
    await world.idle();
    const c = await getOrder(world.app.sales, orders.C!.id);
    expect([c.status, c.receivedCents]).toEqual(['paid', 3172]);
  });

  it('the same file again: every credit line a duplicate, nothing recorded, no order or balance changed', async () => {
    const before = await paymentEvents();
    const balance = await prepaidBalance(world.app.sales, customerId);
    const again = expectStatus(await importXml(statement('camt053-day1.xml', refs()), 'estratto-25-11.xml'), 201).json();
    expect(again.counts).toMatchObject({ matched: 0, partial: 0, overpaid: 0, unmatched: 0, duplicate: 5, debit: 1 });
    expect(again.lines.slice(0, 5).map((l: any) => l.paymentId)).toEqual(report.lines.slice(0, 5).map((l: any) => l.paymentId));
    expect(again.lines[0].message).toMatch(/0306909912345001 was recorded before/);
    await world.idle();
    expect(await paymentEvents()).toBe(before);
    expect(await prepaidBalance(world.app.sales, customerId)).toBe(balance);
  });

  it('the next day\'s statement overlapping the first: the overlapping line is skipped, the new one recorded', async () => {
    const day2 = expectStatus(await importXml(statement('camt053-day2.xml', refs()), 'estratto-26-11.xml', 'supervisor'), 201).json();
    expect(day2.counts).toMatchObject({ duplicate: 1, matched: 1, unmatched: 0 });
    expect(day2.lines.map((l: any) => [l.bankReference, l.outcome])).toEqual([
      ['2611250005', 'duplicate'],
      ['2611260001', 'matched'],
    ]);
    await world.idle();
    expect((await getOrder(world.app.sales, orders.E!.id)).status).toBe('paid');
  });

  it('a camt.054 notification, sent as JSON { xml, fileName } as the console does', async () => {
    const note = expectStatus(await world.accountant.post('/api/bank-statements', { xml: statement('camt054-notification.xml', refs()), fileName: 'avviso.xml' }), 201).json();
    expect(note).toMatchObject({ kind: 'camt.054', fileName: 'avviso.xml', statementIds: ['NTFCTN-20261127-0042'] });
    expect(note.lines).toEqual([expect.objectContaining({ outcome: 'matched', orderId: orders.F!.id, debtorName: 'Elena Viola', bankReference: '0542811127000042' })]);
  });

  it('the imports are listed, newest first, with their counts and lines', async () => {
    const list = expectStatus(await world.accountant.get('/api/bank-statements'), 200).json<any[]>();
    expect(list.map((i) => [i.fileName, i.kind, i.lineCount, i.matchedCount, i.duplicateCount])).toEqual([
      ['avviso.xml', 'camt.054', 1, 1, 0],
      ['estratto-26-11.xml', 'camt.053', 2, 1, 1],
      ['estratto-25-11.xml', 'camt.053', 6, 0, 5],
      ['estratto-25-11.xml', 'camt.053', 6, 2, 0],
    ]);
    expect(list[3]).toMatchObject({ importedBy: expect.any(String), partialCount: 1, overpaidCount: 1, unmatchedCount: 1, debitCount: 1 });
    expect(list[2].sha256).toBe(list[3].sha256);
    const shown = expectStatus(await world.accountant.get(`/api/bank-statements/${list[3].id}`), 200).json();
    expect(shown.lines).toHaveLength(6);
    expect(shown.lines[3]).toMatchObject({ outcome: 'overpaid', orderId: orders.D!.id });
  });

  it('only those who record payments import; everyone who reads the books sees the history', async () => {
    expectStatus(await importXml(statement('camt053-day2.xml', refs()), 'x.xml', 'operator'), 403);
    expectStatus(await world.operator.get('/api/bank-statements'), 200);
  });
});

describe('a bad file is refused whole, with nothing written', () => {
  it.each([
    ['bad-not-xml.csv', 400, 'statement_not_xml', /^file: not well-formed XML/],
    ['bad-truncated.xml', 400, 'statement_not_xml', /^file: not well-formed XML/],
    ['bad-wrong-namespace.xml', 400, 'statement_namespace', /pain\.001\.001\.03/],
    ['bad-usd.xml', 400, 'statement_currency', /USD; only EUR/],
    ['bad-no-entries.xml', 400, 'statement_no_entries', /no entries/],
    ['bad-only-debits.xml', 400, 'statement_only_debits', /every one of its 2 lines is a debit/],
  ])('%s → %i %s', async (name, status, code, message) => {
    // The reactors may still be fulfilling the orders paid above (a busy machine): they append too.
    await world.idle();
    const head = await world.store.headPosition();
    const answer = expectStatus(await importXml(fixture(name), name), status).json();
    expect(answer).toMatchObject({ code, message: expect.stringMatching(message) });
    expect(await world.store.headPosition()).toBe(head);
  });

  it('a file over 10 MB → 413 statement_too_large, before it is read', async () => {
    const head = await world.store.headPosition();
    const huge = fixture('camt053-day1.xml').replace('<BkToCstmrStmt>', `<BkToCstmrStmt><!-- ${'x'.repeat(10 * 1024 * 1024)} -->`);
    const answer = expectStatus(await importXml(huge, 'enorme.xml'), 413).json();
    expect(answer).toMatchObject({ code: 'statement_too_large', message: expect.stringMatching(/larger than 10 MB/) });
    expect(await world.store.headPosition()).toBe(head);
  });

  it('an empty body and a JSON body without the file name the field', async () => {
    const empty = expectStatus(await world.accountant.post('/api/bank-statements', { xml: '' }), 400).json();
    expect(empty).toMatchObject({ code: 'input_invalid', errors: { xml: expect.stringMatching(/empty/) } });
  });
});
