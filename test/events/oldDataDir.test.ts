// Old data still loads: the event log of test/fixtures/data-2026-12/ was written by the code of
// commit 4ad6e37 (test/fixtures/makeDataDir.ts, run once; see the folder's README) and is never
// regenerated. This test opens a copy of it with today's code and proves that
//   (a) every event decodes with `catalogue.decode` (today's schemas, through any upcasters), and
//       the log holds the event types and counts it was written with;
//   (b) the app starts on it (buildApp on that log in a fresh data directory, every read model
//       rebuilt from the log, the reactors replaying it and finding nothing to do), and its read API
//       and documents answer with the business the fixture was made with.
//
// Every expected value is written out here as a person would read it from the console, never
// computed by the code under test. When a change renames a field of the read API, rename the key
// here; never change a value, and never regenerate the fixture: a failing value means old data no
// longer reads as it did.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../events/adapters/sqlite';
import { catalogue } from '../../events/index';
import type { EventStore } from '../../events/port';
import { buildApp, type App } from '../../server/app';
import { pdfText } from '../support/pdf';
import { tempDir } from '../support/tmp';

const FIXTURE = fileURLToPath(new URL('../fixtures/data-2026-12/events.db', import.meta.url));
/** The file as committed: a different hash means the fixture was regenerated or written to. */
const FIXTURE_SHA256 = '8ce9ffa8052d6f4f8540725a96d9f65a08b85da3c6fbf2a5039d4b50edf6d2e4';
/** The clock of the app opened on it: a week after the fixture's last event. */
const NOW = '2026-12-31T09:00:00.000Z';
const STAFF_PASSWORD = 'fixture password 2026-12';
const OPERATOR_PASSWORD = 'operatore own password 2026';

/** Every event type in the fixture, and how many of each. */
const EVENTS_IN_FIXTURE: Record<string, number> = {
  // staff
  StaffUsernameClaimed: 7,
  StaffUserCreated: 7,
  StaffRolesChanged: 2,
  StaffPasswordChanged: 2,
  StaffChangeRequested: 2,
  StaffChangeApproved: 1,
  StaffChangeRejected: 1,
  StaffUserDisabled: 2,
  StaffUserEnabled: 1,
  // catalogue and devices
  ProductAdded: 7,
  ProductPriceChanged: 1,
  ProductWithdrawn: 1,
  DeviceRegistered: 3,
  HolderDeviceListed: 3,
  // customers and prepaid accounts
  CustomerTaxCodeClaimed: 2,
  CustomerVatNumberClaimed: 1,
  CustomerRegistered: 3,
  CustomerEmailChanged: 1,
  PrepaidToppedUp: 2,
  PrepaidDebited: 2,
  PrepaidCredited: 3,
  PrepaidAdjustmentRequested: 2,
  PrepaidAdjustmentApproved: 1,
  PrepaidAdjustmentRejected: 1,
  // orders and payments
  RfReferenceClaimed: 6,
  OrderPlaced: 8,
  OrderPaymentReceived: 4,
  OrderPaid: 5,
  OrderCancelled: 1,
  OrderExpired: 1,
  OrderFulfilled: 5,
  OrderCouponsRefunded: 2,
  BankReferenceClaimed: 5,
  PaymentRecorded: 6,
  PaymentMatched: 4,
  PaymentLeftUnmatched: 4,
  // coupons, invoices, credit notes
  CouponCodeClaimed: 9,
  CouponIssued: 9,
  CouponRedeemed: 1,
  CouponCancelled: 4,
  CouponExpired: 1,
  InvoiceNumberAssigned: 5,
  InvoiceIssued: 5,
  CreditNoteNumberAssigned: 2,
  CreditNoteIssued: 2,
  // e-mails
  EmailQueued: 6,
  EmailAttemptStarted: 9,
  EmailAttemptFailed: 2,
  EmailGaveUp: 1,
  EmailRetryRequested: 1,
  EmailSent: 6,
};
const EVENTS_TOTAL = 172;

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

let dir: ReturnType<typeof tempDir>;
let store: EventStore;
let app: App;
const cookies: Record<string, string> = {};

async function login(username: string, password: string): Promise<{ status: number; cookie: string | null }> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  const line = ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((c) => c.startsWith('bo_session='));
  return { status: response.statusCode, cookie: line ? line.split(';')[0]! : null };
}

async function get(as: string, path: string, query: Record<string, unknown> = {}): Promise<any> {
  const qs = Object.entries(query)
    .map(([k, v]) => `${k}=${encodeURIComponent(JSON.stringify(v))}`)
    .join('&');
  const response = await app.inject({ method: 'GET', url: qs ? `${path}?${qs}` : path, headers: { cookie: cookies[as]! } });
  expect(response.statusCode, `GET ${path}: ${response.body}`).toBe(200);
  return String(response.headers['content-type'] ?? '').startsWith('application/json') ? response.json() : response.rawPayload;
}

beforeAll(async () => {
  expect(sha256(FIXTURE), 'the fixture is the file committed in December 2026').toBe(FIXTURE_SHA256);
  dir = tempDir('bo-old-data-');
  copyFileSync(FIXTURE, join(dir.path, 'events.db'));
  store = createSqliteStore({ file: join(dir.path, 'events.db') });
});

afterAll(async () => {
  if (app) await app.close();
  else await store?.close();
  dir?.remove();
  // Only the copy was opened: nothing was written beside the fixture, nor into it.
  expect(existsSync(`${FIXTURE}-wal`) || existsSync(`${FIXTURE}-shm`)).toBe(false);
  expect(sha256(FIXTURE)).toBe(FIXTURE_SHA256);
});

describe('the data directory of December 2026 (code of 4ad6e37)', () => {
  it('(a) every event decodes with catalogue.decode, and the log holds the types and counts it was written with', async () => {
    const counts: Record<string, number> = {};
    let total = 0;
    for await (const recorded of store.readAll()) {
      const decoded = catalogue.decode(recorded); // throws on any event today's code cannot read
      expect(decoded.metadata.schemaVersion).toBeGreaterThanOrEqual(1);
      // Every event reads with its instant, named …At (events stored without one take their metadata's).
      const instants = Object.entries(decoded.data as Record<string, unknown>).filter(([key, value]) => key.endsWith('At') && typeof value === 'string');
      expect(instants.length, `${decoded.type} has an instant`).toBeGreaterThan(0);
      counts[decoded.type] = (counts[decoded.type] ?? 0) + 1;
      total++;
    }
    expect(total).toBe(EVENTS_TOTAL);
    expect(await store.headPosition()).toBe(EVENTS_TOTAL);
    expect(counts).toEqual(EVENTS_IN_FIXTURE);
  });

  describe('(b) the app started on it', () => {
    beforeAll(async () => {
      app = await buildApp({
        store,
        dataDir: dir.path,
        security: { now: () => new Date(NOW), loginRateLimit: { max: 100_000, timeWindowMs: 60_000 } },
        // Today's seller settings are not the fixture's: documents show the seller they were issued with.
        sales: { settings: { orderExpiryCheckIntervalMs: 20 } },
      });
      await app.ready();
      expect(await app.projections.waitFor(EVENTS_TOTAL, undefined, 20_000), 'every read model rebuilt from the log').toBe(true);
      for (const [as, username, password] of [
        ['admin', 'anna.admin', STAFF_PASSWORD],
        ['supervisor', 'supervisore', STAFF_PASSWORD],
        ['accountant', 'contabile', STAFF_PASSWORD],
        ['operator', 'operatore', OPERATOR_PASSWORD],
      ] as const) {
        const answer = await login(username, password);
        expect(answer.status, `login ${username}`).toBe(200);
        cookies[as] = answer.cookie!;
      }
    });

    it('staff users log in with the passwords of the log, in the roles it gave them', async () => {
      // operatore's password was reset by an admin (approved by a second admin), then changed by
      // themselves: only the last one opens a session. ex.collega was disabled.
      expect((await login('operatore', 'reset by anna 2026-11')).status).toBe(401);
      expect((await login('ex.collega', STAFF_PASSWORD)).status).toBe(401);
      expect((await login('tirocinante', STAFF_PASSWORD)).status).toBe(200);

      const users = await get('admin', '/api/staff-users', { sort: ['username', 'ASC'], range: [0, 49] });
      expect(users.map((u: any) => [u.username, u.displayName, [...u.roles].sort(), u.disabled])).toEqual([
        ['anna.admin', 'Anna Amministratrice', ['admin'], false],
        ['contabile', 'Carlo Contabile', ['accountant'], false],
        ['ex.collega', 'Ernesto Excollega', ['operator'], true],
        ['giulia.admin', 'Giulia Amministratrice', ['admin', 'supervisor'], false],
        ['operatore', 'Olga Operatrice', ['operator'], false],
        ['supervisore', 'Sara Supervisora', ['supervisor'], false],
        ['tirocinante', 'Tito Tirocinante', ['operator'], false],
      ]);

      const requests = await get('admin', '/api/staff-change-requests');
      const userName = new Map(users.map((u: any) => [u.id, u.username]));
      expect(requests.map((r: any) => [userName.get(r.userId), r.reason, r.status, userName.get(r.requestedBy), userName.get(r.decidedBy)])).toEqual([
        ['tirocinante', 'password_reset', 'rejected', 'anna.admin', 'giulia.admin'],
        ['operatore', 'password_reset', 'approved', 'anna.admin', 'giulia.admin'],
      ]);
    });

    it('customers, with their identifiers and prepaid balances', async () => {
      const customers = await get('supervisor', '/api/customers', { sort: ['fullName', 'ASC'] });
      expect(
        customers.map((c: any) => [c.fullName, c.kind, c.codiceFiscale, c.partitaIva, c.email, c.registrationOfficer, c.city, c.prepaidBalanceCents]),
      ).toEqual([
        ['Laura Bianchi', 'person', 'BNCLRA85T45F205L', null, 'laura.bianchi@example.it', true, 'Milano', 658],
        ['Mario Rossi', 'person', 'RSSMRA80A01H501U', null, 'mario.rossi@posta.example.it', false, 'Roma', 5132],
        ['Studio Verdi S.r.l.', 'firm', '12356710017', '12345600014', 'amministrazione@studioverdi.example.it', false, 'Milano', 5974],
      ]);
      const mario = customers[1].id;

      // Mario's account: 100.00 € topped up (1.80 € fee), order O1 85.40 € debited, 5.00 € back
      // from the cancelled O5, 31.72 € back from the credit note 1/2026.
      const movements = await get('supervisor', '/api/prepaid-movements', { filter: { customerId: mario }, sort: ['at', 'ASC'] });
      expect(movements.map((m: any) => [m.kind, m.amountCents, m.balanceAfterCents, m.at])).toEqual([
        ['top_up', 10000, 10000, '2026-11-20T10:40:00.000Z'],
        ['debit', -8540, 1460, '2026-11-20T11:00:00.000Z'],
        ['credit', 500, 1960, '2026-11-24T09:15:00.000Z'],
        ['credit', 3172, 5132, '2026-11-25T09:00:00.000Z'],
      ]);
      expect(movements[0]).toMatchObject({ amountReceivedCents: 10180, feeCents: 180, method: 'cash', reference: 'ricevuta 2026/118', receivedOn: '2026-11-20' });
      expect(movements.slice(2).map((m: any) => m.reason)).toEqual(['refund', 'refund']);

      const adjustments = await get('supervisor', '/api/prepaid-adjustments', { sort: ['amountCents', 'ASC'] });
      expect(adjustments.map((a: any) => [a.amountCents, a.status, a.reason, a.rejectionReason, a.balanceAfterCents])).toEqual([
        [2000, 'approved', 'bonifico ricevuto sul conto vecchio, CRO 0306 9099 555', null, 2000],
        [50000, 'rejected', 'storno richiesto dal cliente', 'nessun pagamento a giustificarlo', null],
      ]);
    });

    it('orders, with their totals in cents, payments and status', async () => {
      const orders = await get('supervisor', '/api/orders', { sort: ['placedAt', 'ASC'], range: [0, 49] });
      expect(
        orders.map((o: any) => [
          o.customerName,
          o.choice,
          o.paymentMode,
          o.paymentMethod,
          o.status,
          o.totalCents,
          o.amountPaidCents,
          o.amountDueCents,
          o.surplusCents,
          o.refundedCents,
          o.invoiceDisplayNumber,
        ]),
      ).toEqual([
        ['Mario Rossi', 'manual', 'prepaid', 'prepaid', 'partially_refunded', 8540, 8540, 0, 0, 3172, '1/2026'],
        ['Mario Rossi', 'guided', 'direct', 'bank_transfer', 'fulfilled', 2684, 2684, 0, 0, 0, '2/2026'],
        ['Studio Verdi S.r.l.', 'manual', 'direct', 'bank_transfer', 'refunded', 4026, 4026, 0, 974, 4026, '3/2026'],
        ['Laura Bianchi', 'manual', 'direct', 'postal_slip', 'fulfilled', 1342, 1342, 0, 0, 0, '4/2026'],
        ['Mario Rossi', 'manual', 'direct', 'credit_card', 'cancelled', 1342, 500, 0, 0, 0, null],
        ['Studio Verdi S.r.l.', 'manual', 'direct', 'bank_transfer', 'expired', 2684, 0, 0, 0, 0, null],
        ['Laura Bianchi', 'manual', 'prepaid', 'prepaid', 'fulfilled', 1342, 1342, 0, 0, 0, '5/2026'],
        ['Laura Bianchi', 'manual', 'direct', 'bank_transfer', 'awaiting_payment', 3172, 0, 3172, 0, 0, null],
      ]);
      expect(orders.map((o: any) => o.placedAt)).toEqual([
        '2026-11-20T11:00:00.000Z',
        '2026-11-20T11:30:00.000Z',
        '2026-11-21T10:00:00.000Z',
        '2026-11-22T09:00:00.000Z',
        '2026-11-24T09:00:00.000Z',
        '2026-11-24T10:00:00.000Z',
        '2026-11-27T12:00:00.000Z',
        '2026-12-24T12:00:00.000Z',
      ]);
      const [o1, o2, , , o5, o6, , o8] = orders;
      expect(o1.lines.map((l: any) => [l.productCode, l.quantity, l.unitPriceCents, l.totalCents])).toEqual([
        ['RIN-FIRMA-CNS', 2, 2600, 6344],
        ['MT-100', 1, 1800, 2196],
      ]);
      expect([o1.taxableCents, o1.vatCents, o1.couponCount]).toEqual([7000, 1540, 2]);
      expect(o2).toMatchObject({ holderCodiceFiscale: 'RSSMRA80A01H501U', deviceSerial: '1205100001', paidAt: '2026-11-21T09:00:00.000Z' });
      expect(o2.rfReference).toMatch(/^RF\d{14}$/);
      expect(o5).toMatchObject({ cancelledAt: '2026-11-24T09:15:00.000Z', cancelReason: 'il cliente preferisce pagare con il conto prepagato' });
      expect(o6).toMatchObject({ expiredAt: '2026-12-24T11:00:00.000Z', paymentExpiresAt: '2026-12-24T10:00:00.000Z' });
      expect(o8).toMatchObject({ paymentExpiresAt: '2027-01-23T12:00:00.000Z', codesEmail: 'laura.bianchi@example.it' });
    });

    it('payments: matched by reference or by hand, with surplus, or left unmatched', async () => {
      const payments = await get('accountant', '/api/payments', { sort: ['amountCents', 'DESC'], range: [0, 49] });
      expect(
        payments.map((p: any) => [p.payer, p.method, p.amountCents, p.receivedOn, p.bankReference, p.state, p.matchedHow, p.appliedCents, p.surplusCents, p.unmatchedReason]),
      ).toEqual([
        ['STUDIO VERDI SRL', 'bank_transfer', 5000, '2026-11-21', 'TRN-2026-11-21-0042', 'matched', 'reference', 4026, 974, null],
        ['ROSSI MARIO', 'bank_transfer', 2684, '2026-11-21', 'CRO03069099001', 'matched', 'reference', 2684, 0, null],
        ['NERI GIOVANNI', 'bank_transfer', 2500, '2026-11-23', 'CRO03069099777', 'unmatched', null, null, null, 'wrong_check_digits'],
        ['Bianchi Laura', 'postal_slip', 1342, '2026-11-22', 'BP000123456789', 'matched', 'by_hand', 1342, 0, null],
        ['Gialli Paola', 'cheque', 1000, '2026-11-23', 'ASSEGNO4455667788', 'unmatched', null, null, null, 'unknown_reference'],
        ['Mario Rossi', 'cash', 500, '2026-11-24', null, 'matched', 'by_hand', 500, 0, null],
      ]);
      expect(payments[2]).toMatchObject({ rfCandidate: 'RF19539007547034', unmatchedDetail: 'found RF19 5390 0754 7034 but its check digits are wrong' });
      expect(payments[4]).toMatchObject({ rfReference: 'RF86999000111222', unmatchedDetail: 'RF86 9990 0011 1222 names no order' });
    });

    it('invoices and credit notes, with their numbers, totals and the seller they were issued by', async () => {
      const invoices = await get('accountant', '/api/invoices', { sort: ['displayNumber', 'ASC'] });
      expect(
        invoices.map((i: any) => [i.displayNumber, i.issuedOn, i.buyerName, i.buyerCodiceFiscale, i.buyerPartitaIva, i.taxableCents, i.vatCents, i.totalCents, i.creditedCents]),
      ).toEqual([
        ['1/2026', '2026-11-20', 'Mario Rossi', 'RSSMRA80A01H501U', null, 7000, 1540, 8540, 3172],
        ['2/2026', '2026-11-21', 'Mario Rossi', 'RSSMRA80A01H501U', null, 2200, 484, 2684, 0],
        ['3/2026', '2026-11-21', 'Studio Verdi S.r.l.', '12356710017', '12345600014', 3300, 726, 4026, 4026],
        ['4/2026', '2026-11-23', 'Laura Bianchi', 'BNCLRA85T45F205L', null, 1100, 242, 1342, 0],
        ['5/2026', '2026-11-27', 'Laura Bianchi', 'BNCLRA85T45F205L', null, 1100, 242, 1342, 0],
      ]);
      // The seller as configured when they were issued (today's settings differ: no codice fiscale).
      const seller = {
        name: 'Firma Facile S.r.l.',
        partitaIva: '01234560017',
        codiceFiscale: '12367820011',
        address: { street: 'Via Roma 1', postalCode: '00100', city: 'Roma', province: 'RM', country: 'IT' },
      };
      for (const invoice of invoices) expect(invoice.seller).toEqual(seller);

      const creditNotes = await get('accountant', '/api/credit-notes', { sort: ['displayNumber', 'ASC'] });
      expect(creditNotes.map((c: any) => [c.displayNumber, c.issuedOn, c.invoiceDisplayNumber, c.buyerName, c.couponCount, c.totalCents, c.refundTo])).toEqual([
        ['1/2026', '2026-11-25', '1/2026', 'Mario Rossi', 1, 3172, 'prepaid'],
        ['2/2026', '2026-11-25', '3/2026', 'Studio Verdi S.r.l.', 3, 4026, 'paid_out'],
      ]);
      for (const note of creditNotes) expect(note.seller).toEqual(seller);

      // The PDF is rendered from the invoice's own event.
      const pdf = pdfText(await get('accountant', `/api/invoices/${invoices[2].id}/pdf`));
      expect(pdf).toContain('FATTURA N. 3/2026');
      expect(pdf).toContain('P. IVA 01234560017');
      expect(pdf).toContain('Codice fiscale 12367820011');
      expect(pdf).toContain('P. IVA 12345600014');
      expect(pdf).toMatch(/Totale fattura\s+40,26 €/);
    });

    it('coupons (issued, redeemed, cancelled, expired), their public status, and the e-mails that carried them', async () => {
      const coupons = await get('operator', '/api/coupons', { sort: ['issuedAt', 'ASC'], range: [0, 49] });
      // O1's two (one expired unused, one refunded), O2's two (the signing one used on Mario's
      // card), O3's three (all refunded), O4's and O7's.
      expect(coupons.map((c: any) => [c.productCode, c.renews, c.state])).toEqual([
        ['RIN-FIRMA-CNS', 'both', 'expired'],
        ['RIN-FIRMA-CNS', 'both', 'cancelled'],
        ['RIN-FIRMA', 'signing', 'redeemed'],
        ['RIN-CNS', 'authentication', 'issued'],
        ['RIN-FIRMA-COMM', 'signing', 'cancelled'],
        ['RIN-FIRMA-COMM', 'signing', 'cancelled'],
        ['RIN-FIRMA-COMM', 'signing', 'cancelled'],
        ['RIN-CNS', 'authentication', 'issued'],
        ['RIN-FIRMA', 'signing', 'issued'],
      ]);
      const redeemed = coupons.find((c: any) => c.state === 'redeemed');
      expect(redeemed).toMatchObject({
        deviceSerial: '1205100001',
        certificateKind: 'signing',
        redeemedAt: '2026-11-26T09:00:00.000Z',
        issuedAt: '2026-11-21T09:00:00.000Z',
        validUntil: '2026-12-21T09:00:00.000Z',
      });
      expect(coupons.find((c: any) => c.state === 'expired')).toMatchObject({ expiredAt: '2026-12-24T11:00:00.000Z' });

      // Anyone holding the code (the guard stream of the code, then the coupon's own stream).
      const status = await app.inject({ method: 'GET', url: `/api/public/coupons/${redeemed.code}/status` });
      expect(status.json()).toEqual({ code: redeemed.code, state: 'redeemed', renews: 'signing', validUntil: '2026-12-21T09:00:00.000Z', redeemedAt: '2026-11-26T09:00:00.000Z' });

      const emails = await get('operator', '/api/emails', { sort: ['queuedAt', 'ASC'] });
      expect(emails.map((e: any) => [e.reason, e.state, e.to, e.couponCount])).toEqual([
        ['fulfilment', 'sent', 'mario.rossi@posta.example.it', 2],
        ['fulfilment', 'sent', 'mario.rossi@posta.example.it', 2],
        ['fulfilment', 'sent', 'amministrazione@studioverdi.example.it', 3],
        ['fulfilment', 'sent', 'laura.bianchi@example.it', 1],
        ['resend', 'sent', 'mario.rossi@posta.example.it', 2],
        ['fulfilment', 'sent', 'laura.bianchi@example.it', 1],
      ]);
      // Laura's first e-mail was refused by the SMTP server three times and given up, then sent on
      // staff's request.
      expect(emails[3]).toMatchObject({ attempts: 1, lastError: 'Message failed: 451 try again later' });
      expect(emails[3].failedAt).not.toBeNull();
    });

    it('the catalogue and the devices', async () => {
      const products = await get('supervisor', '/api/products', { sort: ['id', 'ASC'] });
      expect(products.map((p: any) => [p.code, p.kind, p.priceCents, p.priceWithVatCents, p.withdrawn])).toEqual([
        ['MT-100', 'timestamps', 1800, 2196, false],
        ['RIN-CNS', 'coupon', 1100, 1342, false],
        ['RIN-CNS-COMM', 'coupon', 2000, 2440, false],
        ['RIN-FIRMA', 'coupon', 1100, 1342, false],
        ['RIN-FIRMA-CNS', 'coupon', 2600, 3172, false],
        ['RIN-FIRMA-COMM', 'coupon', 1100, 1342, false],
        ['RIN-POSTICIPATO', 'coupon', 1000, 1220, true],
      ]);

      const devices = await get('supervisor', '/api/devices', { sort: ['id', 'ASC'] });
      expect(devices.map((d: any) => [d.serial, d.kind, d.holderCodiceFiscale, d.certificateCount, d.expiresAt])).toEqual([
        ['1205100001', 'smart_card', 'RSSMRA80A01H501U', 2, '2026-12-10T09:00:00.000Z'],
        // From the issuer's CSV, whose dates are days: valid until the end of that day in Italy.
        ['1205100002', 'usb_token', 'BNCLRA85T45F205L', 2, '2027-03-01T22:59:59.000Z'],
        ['1205100003', 'smart_card', 'BNCLRA85T45F205L', 1, '2027-06-15T21:59:59.000Z'],
      ]);
      // The holder index (HolderDeviceListed) behind the guided purchase.
      const renewable = await get('operator', '/api/holders/BNCLRA85T45F205L/renewable-devices');
      expect(renewable.holderCodiceFiscale).toBe('BNCLRA85T45F205L');
    });

    it('the audit trail has every event, and the reactors replaying the log find nothing left to do', async () => {
      // The logins of these tests appended their sessions (server/security/sessions.ts), nothing else.
      const head = await store.headPosition();
      const since: string[] = [];
      for await (const e of store.readAll({ after: EVENTS_TOTAL })) since.push(e.type);
      expect(since.length).toBeGreaterThan(0);
      expect(since.filter((type) => !type.startsWith('StaffSession'))).toEqual([]);
      expect(await app.projections.waitFor(head, ['audit-events'], 20_000)).toBe(true);
      const trail = await app.inject({ method: 'GET', url: '/api/audit-events?range=[0,0]', headers: { cookie: cookies.supervisor! } });
      expect(trail.headers['content-range']).toBe(`audit-events 0-0/${head}`);

      await app.salesReactors!.live;
      await app.salesReactors!.idle();
      expect(await store.headPosition()).toBe(head);
    });
  });
});
