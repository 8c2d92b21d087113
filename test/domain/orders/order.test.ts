import { describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import { GUIDE_POLICY } from '../../../domain/certificates/issuerPolicy';
import { orderEventShapes, type OrderEvent } from '../../../domain/orders/events';
import {
  MAX_QUANTITY_PER_LINE,
  cancelOrder,
  expireOrder,
  markFulfilled,
  orderAggregate,
  placeOrder,
  proposeGuidedLines,
  quoteOrder,
  receivePayment,
  refundCoupons,
  streamOf,
  type CatalogueProduct,
  type DeviceCertificate,
  type PlaceGuidedOrder,
  type PlaceManualOrder,
} from '../../../domain/orders/decider';
import { specFor } from '../gwt';

const spec = specFor(orderAggregate, { catalogue: new EventCatalogue<OrderEvent>(orderEventShapes) });

const AT = '2026-03-10T09:00:00.000Z';
const HOUR = 3_600_000;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const CF = 'RSSMRA85T10A562S';
const RF = 'RF18539007547034';

const SIGNING: CatalogueProduct = { code: 'RIN-FIRMA', description: 'Rinnovo Sottoscrizione', renews: 'signing', professionalRole: null, priceCents: 1100, vatRateBp: 2200 };
const AUTH: CatalogueProduct = { code: 'RIN-CNS', description: 'Rinnovo Autenticazione', renews: 'authentication', professionalRole: null, priceCents: 1100, vatRateBp: 2200 };
const BOTH: CatalogueProduct = { code: 'RIN-ENTRAMBI', description: 'Rinnovo Sottoscrizione e Autenticazione', renews: 'both', professionalRole: null, priceCents: 2600, vatRateBp: 2200 };
const SIGNING_COMM: CatalogueProduct = { code: 'RIN-FIRMA-COMM', description: 'Sottoscrizione con Ruolo Commercialisti', renews: 'signing', professionalRole: 'Commercialisti', priceCents: 1100, vatRateBp: 2200 };
const AUTH_COMM: CatalogueProduct = { code: 'RIN-CNS-COMM', description: 'Autenticazione CNS Commercialisti', renews: 'authentication', professionalRole: 'Commercialisti', priceCents: 2000, vatRateBp: 2200 };
const TIMESTAMPS: CatalogueProduct = { code: 'MT-100', description: 'Marche temporali (100)', renews: 'none', professionalRole: null, priceCents: 1025, vatRateBp: 2200 };
const CATALOGUE = [SIGNING, AUTH, BOTH, SIGNING_COMM, AUTH_COMM, TIMESTAMPS];

const direct = { mode: 'direct' as const, method: 'bank_transfer' as const, rfReference: RF, expiresAfterDays: 10 };

function manual(lines: PlaceManualOrder['lines'], overrides: Partial<PlaceManualOrder> = {}): PlaceManualOrder {
  return { choice: 'manual', orderId: 'o-1', customerId: 'c-1', codesEmail: 'mario.rossi@example.it', payment: direct, lines, at: AT, ...overrides };
}

const certs = (days: number): DeviceCertificate[] => [
  { kind: 'signing', validUntil: plus(AT, days * 24 * HOUR), status: 'active' },
  { kind: 'authentication', validUntil: plus(AT, days * 24 * HOUR + HOUR), status: 'active' },
];

function guided(certificates: DeviceCertificate[], overrides: Partial<PlaceGuidedOrder> = {}): PlaceGuidedOrder {
  return {
    choice: 'guided',
    orderId: 'o-1',
    customerId: 'c-1',
    codesEmail: 'mario.rossi@example.it',
    payment: direct,
    holderCodiceFiscale: CF,
    device: { serial: '1205100000', holderCodiceFiscale: CF, certificates, window: GUIDE_POLICY },
    products: CATALOGUE,
    at: AT,
    ...overrides,
  };
}

/** The guide's figures: €26.00 + 22 % = €31.72. */
const bothLine = {
  productCode: 'RIN-ENTRAMBI',
  description: 'Rinnovo Sottoscrizione e Autenticazione',
  renews: 'both' as const,
  unitPriceCents: 2600,
  quantity: 1,
  vatRateBp: 2200,
  taxableCents: 2600,
  vatCents: 572,
  totalCents: 3172,
};

const placedDirect: OrderEvent = {
  type: 'OrderPlaced',
  data: {
    orderId: 'o-1',
    customerId: 'c-1',
    choice: 'manual',
    holderCodiceFiscale: null,
    deviceSerial: null,
    lines: [bothLine],
    vatSummary: [{ rateBp: 2200, taxableCents: 2600, vatCents: 572, totalCents: 3172 }],
    totals: { taxableCents: 2600, vatCents: 572, totalCents: 3172 },
    codesEmail: 'mario.rossi@example.it',
    payment: { mode: 'direct', method: 'bank_transfer', rfReference: RF, expiresAt: '2026-03-20T09:00:00.000Z' },
    placedAt: AT,
  },
};
const placedPrepaid: OrderEvent = {
  type: 'OrderPlaced',
  data: { ...(placedDirect.data as Extract<OrderEvent, { type: 'OrderPlaced' }>['data']), payment: { mode: 'prepaid', prepaidDebitId: 'debit-1' } },
};
const paidPrepaid: OrderEvent = { type: 'OrderPaid', data: { orderId: 'o-1', amountCents: 3172, via: 'prepaid', paidAt: AT } };

const payment = (paymentId: string, amount: number, at = plus(AT, HOUR)) => ({ paymentId, method: 'bank_transfer' as const, amountCents: amount, at });
const received = (paymentId: string, amount: number, applied: number, surplus: number, amountDue: number, at = plus(AT, HOUR)): OrderEvent => ({
  type: 'OrderPaymentReceived',
  data: { orderId: 'o-1', customerId: 'c-1', paymentId, method: 'bank_transfer', amountCents: amount, appliedCents: applied, surplusCents: surplus, amountDueCents: amountDue, receivedAt: at },
});
const paidByPayments = (at = plus(AT, HOUR)): OrderEvent => ({ type: 'OrderPaid', data: { orderId: 'o-1', amountCents: 3172, via: 'payments', paidAt: at } });
const fulfilled = (couponIds = ['k-1']): OrderEvent => ({
  type: 'OrderFulfilled',
  data: { orderId: 'o-1', couponIds, invoiceId: 'inv-1', invoiceYear: 2026, invoiceNumber: 7, fulfilledAt: plus(AT, 2 * HOUR) },
});

describe('order stream', () => {
  it('is order-<id>', () => expect(streamOf('o-1')).toBe('order-o-1'));
});

describe('placing a manual order', () => {
  it('prices a line at the product price and rounds VAT on the line: €26.00 + 22 % = €31.72; direct payment waits with its RF reference', () => {
    spec.given([]).when((s) => placeOrder(manual([{ product: BOTH, quantity: 1 }]), s)).then([placedDirect]);
  });

  it('paid from the prepaid account: placed and paid at once', () => {
    spec
      .given([])
      .when((s) => placeOrder(manual([{ product: BOTH, quantity: 1 }], { payment: { mode: 'prepaid', prepaidDebitId: 'debit-1', debitedAmountCents: 3172 } }), s))
      .then([placedPrepaid, paidPrepaid]);
  });

  it('refuses a prepaid order whose debit is not the total', () => {
    spec
      .given([])
      .when((s) => placeOrder(manual([{ product: BOTH, quantity: 1 }], { payment: { mode: 'prepaid', prepaidDebitId: 'debit-1', debitedAmountCents: 3100 } }), s))
      .then({ error: 'prepaid_debit_mismatch', kind: 'conflict' });
  });

  it('computes taxable, VAT half up per line, totals and one summary entry per rate', () => {
    const PEC: CatalogueProduct = { code: 'PEC', description: 'Casella PEC', renews: 'none', priceCents: 1025, vatRateBp: 1000 };
    const OTHER_TS: CatalogueProduct = { ...TIMESTAMPS, code: 'MT-50', description: 'Marche temporali (50)' };
    const quote = quoteOrder(
      manual([
        { product: TIMESTAMPS, quantity: 1 }, // 10.25 € × 22 % = 2.255 → 2.26
        { product: OTHER_TS, quantity: 1 }, //  idem: the summary is 4.52, not 22 % of 20.50 = 4.51
        { product: SIGNING, quantity: 3 }, //   33.00 × 22 % = 7.26
        { product: PEC, quantity: 1 }, //       10.25 × 10 % = 1.025 → 1.03
      ]),
    );
    expect(quote.lines.map((l) => [l.taxableCents, l.vatCents, l.totalCents])).toEqual([
      [1025, 226, 1251],
      [1025, 226, 1251],
      [3300, 726, 4026],
      [1025, 103, 1128],
    ]);
    expect(quote.vatSummary).toEqual([
      { rateBp: 1000, taxableCents: 1025, vatCents: 103, totalCents: 1128 },
      { rateBp: 2200, taxableCents: 5350, vatCents: 1178, totalCents: 6528 },
    ]);
    expect(quote.totals).toEqual({ taxableCents: 6375, vatCents: 1281, totalCents: 7656 });
  });

  it('keeps the price the line was placed at: a later price change does not touch the event', () => {
    const [placed] = spec.given([]).when((s) => placeOrder(manual([{ product: BOTH, quantity: 2 }]), s)).events();
    BOTH.priceCents = 3000;
    try {
      expect(placed).toMatchObject({ data: { lines: [{ unitPriceCents: 2600, quantity: 2, taxableCents: 5200, vatCents: 1144, totalCents: 6344 }] } });
    } finally {
      BOTH.priceCents = 2600;
    }
  });

  it.each([0, -1, 1.5, MAX_QUANTITY_PER_LINE + 1])('refuses quantity %s', (quantity) => {
    spec.given([]).when((s) => placeOrder(manual([{ product: SIGNING, quantity }]), s)).then({ error: 'quantity_invalid', kind: 'invalid', field: 'lines.0.quantity' });
  });

  it(`accepts up to ${MAX_QUANTITY_PER_LINE} per line`, () => {
    const [placed] = spec.given([]).when((s) => placeOrder(manual([{ product: SIGNING, quantity: MAX_QUANTITY_PER_LINE }]), s)).events();
    expect(placed).toMatchObject({ data: { totals: { taxableCents: 1_100_000, vatCents: 242_000, totalCents: 1_342_000 } } });
  });

  it('refuses no lines, a product twice, a withdrawn product', () => {
    spec.given([]).when((s) => placeOrder(manual([]), s)).then({ error: 'lines_missing', kind: 'invalid' });
    spec
      .given([])
      .when((s) => placeOrder(manual([{ product: SIGNING, quantity: 1 }, { product: SIGNING, quantity: 2 }]), s))
      .then({ error: 'product_duplicate', kind: 'invalid' });
    spec
      .given([])
      .when((s) => placeOrder(manual([{ product: { ...SIGNING, status: 'withdrawn' }, quantity: 1 }]), s))
      .then({ error: 'product_not_on_sale', kind: 'rule' });
  });

  it('refuses a wrong e-mail, a wrong RF reference, a non-positive expiry', () => {
    spec.given([]).when((s) => placeOrder(manual([{ product: BOTH, quantity: 1 }], { codesEmail: 'mario.rossi@' }), s)).then({ error: 'email_invalid', field: 'codesEmail' });
    spec
      .given([])
      .when((s) => placeOrder(manual([{ product: BOTH, quantity: 1 }], { payment: { ...direct, rfReference: 'RF19539007547034' } }), s))
      .then({ error: 'rf_reference_invalid', kind: 'invalid' });
    spec
      .given([])
      .when((s) => placeOrder(manual([{ product: BOTH, quantity: 1 }], { payment: { ...direct, expiresAfterDays: 0 } }), s))
      .then({ error: 'input_invalid', field: 'payment.expiresAfterDays' });
  });

  it('normalises the RF reference and computes the expiry from the configured days', () => {
    const [placed] = spec
      .given([])
      .when((s) => placeOrder(manual([{ product: BOTH, quantity: 1 }], { payment: { ...direct, rfReference: 'rf18 5390 0754 7034', expiresAfterDays: 3 } }), s))
      .events();
    expect(placed).toMatchObject({ data: { payment: { rfReference: RF, expiresAt: '2026-03-13T09:00:00.000Z' } } });
  });

  it('refuses to place the same order twice', () => {
    spec.given([placedDirect]).when((s) => placeOrder(manual([{ product: BOTH, quantity: 1 }]), s)).then({ error: 'order_exists', kind: 'conflict' });
  });
});

describe('placing a guided order', () => {
  it('proposes a coupon for each certificate of the device', () => {
    const [placed] = spec.given([]).when((s) => placeOrder(guided(certs(10)), s)).events();
    expect(placed).toMatchObject({
      type: 'OrderPlaced',
      data: {
        choice: 'guided',
        holderCodiceFiscale: CF,
        deviceSerial: '1205100000',
        lines: [
          { productCode: 'RIN-FIRMA', renews: 'signing', quantity: 1, taxableCents: 1100, vatCents: 242, totalCents: 1342 },
          { productCode: 'RIN-CNS', renews: 'authentication', quantity: 1, taxableCents: 1100, vatCents: 242, totalCents: 1342 },
        ],
        totals: { taxableCents: 2200, vatCents: 484, totalCents: 2684 },
      },
    });
  });

  it('normalises the codice fiscale and refuses a wrong one', () => {
    const [placed] = spec.given([]).when((s) => placeOrder(guided(certs(10), { holderCodiceFiscale: ' rssmra85t10a562s ' }), s)).events();
    expect(placed).toMatchObject({ data: { holderCodiceFiscale: CF } });
    spec.given([]).when((s) => placeOrder(guided(certs(10), { holderCodiceFiscale: 'RSSMRA85T10A562X' }), s)).then({ error: 'codice_fiscale_invalid', kind: 'invalid' });
  });

  it('refuses a device of another holder', () => {
    spec
      .given([])
      .when((s) => placeOrder(guided(certs(10), { device: { serial: '1205100000', holderCodiceFiscale: 'BNCLRA80A41F205X', certificates: certs(10), window: GUIDE_POLICY } }), s))
      .then({ error: 'device_not_of_holder' });
  });

  it('refuses a device more than 24 h past the expiry of a certificate: replacement card needed', () => {
    const late: DeviceCertificate[] = [
      { kind: 'signing', validUntil: plus(AT, -25 * HOUR) },
      { kind: 'authentication', validUntil: plus(AT, 100 * 24 * HOUR) },
    ];
    spec.given([]).when((s) => placeOrder(guided(late), s)).then({ error: 'replacement_card_needed', kind: 'rule', message: 'replacement card needed' });
  });

  it('sells no coupons for a revoked certificate, nor for a device lost, suspended or terminated', () => {
    const revoked: DeviceCertificate[] = [
      { kind: 'signing', validUntil: plus(AT, HOUR), status: 'revoked' },
      { kind: 'authentication', validUntil: plus(AT, HOUR), status: 'active' },
    ];
    spec
      .given([])
      .when((s) => placeOrder(guided(revoked), s))
      .then({ error: 'certificate_revoked', kind: 'rule', field: 'deviceSerial', message: /signing certificate is revoked/ });
    const valid: DeviceCertificate[] = [{ kind: 'signing', validUntil: plus(AT, HOUR), status: 'active' }];
    for (const deviceStatus of ['lost', 'suspended', 'terminated'] as const) {
      spec
        .given([])
        .when((s) => placeOrder(guided(valid, { device: { serial: '1205100000', holderCodiceFiscale: CF, deviceStatus, certificates: valid, window: GUIDE_POLICY } }), s))
        .then({ error: 'device_not_active', kind: 'rule', field: 'deviceSerial' });
    }
    const active = spec
      .given([])
      .when((s) => placeOrder(guided(valid, { device: { serial: '1205100000', holderCodiceFiscale: CF, deviceStatus: 'active', certificates: valid, window: GUIDE_POLICY } }), s))
      .events();
    expect(active).toHaveLength(1);
  });

  it('still renews within 24 h of the expiry (exactly 24 h included)', () => {
    for (const ago of [1, 23, 24]) {
      const events = spec.given([]).when((s) => placeOrder(guided([{ kind: 'signing', validUntil: plus(AT, -ago * HOUR) }]), s)).events();
      expect(events).toHaveLength(1);
    }
  });

  it("the deadline is the device's issuer policy's: 48 hours of grace keep a card 25 h past expiry renewable, none refuses it 1 h after", () => {
    const expired = (hours: number): DeviceCertificate[] => [{ kind: 'signing', validUntil: plus(AT, -hours * HOUR) }];
    const withRule = (certificates: DeviceCertificate[], graceHours: number) =>
      guided(certificates, { device: { serial: '1205100000', holderCodiceFiscale: CF, certificates, window: { renewalOpensDaysBefore: 90, graceHours } } });
    expect(spec.given([]).when((s) => placeOrder(withRule(expired(25), 48), s)).events()).toHaveLength(1);
    spec.given([]).when((s) => placeOrder(withRule(expired(1), 0), s)).then({ error: 'replacement_card_needed', kind: 'rule' });
  });

  it('prefers the professional variant for a certificate with a role, the cheapest among equals, and skips withdrawn products', () => {
    const lines = proposeGuidedLines(
      [
        { kind: 'signing', validUntil: AT, professionalRole: 'Commercialisti' },
        { kind: 'authentication', validUntil: AT, professionalRole: 'Commercialisti' },
      ],
      CATALOGUE,
    );
    expect(lines.map((l) => l.product.code)).toEqual(['RIN-FIRMA-COMM', 'RIN-CNS-COMM']);

    const cheaper = { ...SIGNING, code: 'RIN-FIRMA-PROMO', priceCents: 900 };
    const withdrawn = { ...SIGNING, code: 'RIN-FIRMA-OLD', priceCents: 100, status: 'withdrawn' as const };
    expect(proposeGuidedLines([{ kind: 'signing', validUntil: AT }], [withdrawn, SIGNING, cheaper]).map((l) => l.product.code)).toEqual(['RIN-FIRMA-PROMO']);
  });

  it('one line only for a device with one certificate; refuses a device without certificates or without a matching product', () => {
    expect(proposeGuidedLines([{ kind: 'authentication', validUntil: AT }], CATALOGUE)).toEqual([{ product: AUTH, quantity: 1 }]);
    spec.given([]).when((s) => placeOrder(guided([]), s)).then({ error: 'device_without_certificates' });
    spec.given([]).when((s) => placeOrder(guided(certs(10), { products: [SIGNING, BOTH] }), s)).then({ error: 'certificate_without_product' });
  });
});

describe('payments on an order', () => {
  it('an exact payment pays the order', () => {
    spec.given([placedDirect]).when((s) => receivePayment(payment('p-1', 3172), s)).then([received('p-1', 3172, 3172, 0, 0), paidByPayments()]);
  });

  it('a card payment at the desk is an exact payment with method card', () => {
    const at = plus(AT, 60_000);
    spec
      .given([placedDirect])
      .when((s) => receivePayment({ paymentId: 'desk-1', method: 'credit_card', amountCents: 3172, at }, s))
      .then([
        { type: 'OrderPaymentReceived', data: { orderId: 'o-1', customerId: 'c-1', paymentId: 'desk-1', method: 'credit_card', amountCents: 3172, appliedCents: 3172, surplusCents: 0, amountDueCents: 0, receivedAt: at } },
        paidByPayments(at),
      ]);
  });

  it('partial payments add up; the one that completes the total pays the order', () => {
    spec.given([placedDirect]).when((s) => receivePayment(payment('p-1', 1000), s)).then([received('p-1', 1000, 1000, 0, 2172)]);
    const second = plus(AT, 2 * HOUR);
    spec
      .given([placedDirect, received('p-1', 1000, 1000, 0, 2172)])
      .when((s) => receivePayment(payment('p-2', 1172, second), s))
      .then([received('p-2', 1172, 1172, 0, 1000, second)]);
    spec
      .given([placedDirect, received('p-1', 1000, 1000, 0, 2172), received('p-2', 1172, 1172, 0, 1000, second)])
      .when((s) => receivePayment(payment('p-3', 1000, second), s))
      .then([received('p-3', 1000, 1000, 0, 0, second), paidByPayments(second)]);
  });

  it('more than due: the surplus is reported, the order is paid', () => {
    spec.given([placedDirect]).when((s) => receivePayment(payment('p-1', 4000), s)).then([received('p-1', 4000, 3172, 828, 0), paidByPayments()]);
    spec
      .given([placedDirect, received('p-1', 1000, 1000, 0, 2172)])
      .when((s) => receivePayment(payment('p-2', 3000), s))
      .then([received('p-2', 3000, 2172, 828, 0), paidByPayments()]);
  });

  it('a payment to a paid, cancelled or expired order is all surplus', () => {
    spec.given([placedPrepaid, paidPrepaid]).when((s) => receivePayment(payment('p-1', 3172), s)).then([received('p-1', 3172, 0, 3172, 0)]);
    spec
      .given([placedDirect, received('p-1', 3172, 3172, 0, 0), paidByPayments()])
      .when((s) => receivePayment(payment('p-2', 3172), s))
      .then([received('p-2', 3172, 0, 3172, 0)]);
    const cancelled: OrderEvent = { type: 'OrderCancelled', data: { orderId: 'o-1', reason: 'wrong product', amountToCreditCents: 0, cancelledAt: AT } };
    spec.given([placedDirect, cancelled]).when((s) => receivePayment(payment('p-1', 500), s)).then([received('p-1', 500, 0, 500, 0)]);
    const expired: OrderEvent = { type: 'OrderExpired', data: { orderId: 'o-1', amountToCreditCents: 0, expiredAt: AT } };
    spec.given([placedDirect, expired]).when((s) => receivePayment(payment('p-1', 3172), s)).then([received('p-1', 3172, 0, 3172, 0)]);
  });

  it('the same payment twice is counted once', () => {
    spec.given([placedDirect, received('p-1', 1000, 1000, 0, 2172)]).when((s) => receivePayment(payment('p-1', 1000), s)).thenNothing();
  });

  it('refuses a non-positive or fractional amount, and an unknown order', () => {
    for (const amount of [0, -100, 10.5]) {
      spec.given([placedDirect]).when((s) => receivePayment(payment('p-1', amount), s)).then({ error: 'input_invalid', field: 'amountCents' });
    }
    spec.given([]).when((s) => receivePayment(payment('p-1', 100), s)).then({ error: 'order_not_found', kind: 'not_found' });
  });

  it('tracks what was received and the state', () => {
    const state = spec.given([placedDirect, received('p-1', 1000, 1000, 0, 2172)]).state();
    expect(state).toMatchObject({ status: 'awaiting_payment', receivedCents: 1000, paymentIds: ['p-1'] });
    expect(spec.given([placedPrepaid, paidPrepaid]).state()).toMatchObject({ status: 'paid', paidAt: AT });
  });
});

describe('cancelling an order', () => {
  const cancel = { reason: 'customer changed their mind', at: plus(AT, HOUR) };
  it('cancels an unpaid order; what was received is to be credited', () => {
    spec
      .given([placedDirect])
      .when((s) => cancelOrder(cancel, s))
      .then([{ type: 'OrderCancelled', data: { orderId: 'o-1', reason: cancel.reason, amountToCreditCents: 0, cancelledAt: cancel.at } }]);
    spec
      .given([placedDirect, received('p-1', 1000, 1000, 0, 2172)])
      .when((s) => cancelOrder(cancel, s))
      .then([{ type: 'OrderCancelled', data: { orderId: 'o-1', reason: cancel.reason, amountToCreditCents: 1000, cancelledAt: cancel.at } }]);
  });

  it('refuses a paid order (refund its coupons instead) and an expired one; a second cancel does nothing', () => {
    spec.given([placedPrepaid, paidPrepaid]).when((s) => cancelOrder(cancel, s)).then({ error: 'order_already_paid', kind: 'rule' });
    spec.given([placedDirect, { type: 'OrderExpired', data: { orderId: 'o-1', amountToCreditCents: 0, expiredAt: AT } }]).when((s) => cancelOrder(cancel, s)).then({ error: 'order_expired' });
    spec.given([placedDirect, { type: 'OrderCancelled', data: { orderId: 'o-1', reason: 'x', amountToCreditCents: 0, cancelledAt: AT } }]).when((s) => cancelOrder(cancel, s)).thenNothing();
  });

  it('needs a reason', () => {
    spec.given([placedDirect]).when((s) => cancelOrder({ ...cancel, reason: '  ' }, s)).then({ error: 'reason_required', kind: 'invalid' });
  });
});

describe('expiring an order', () => {
  const expiresAt = '2026-03-20T09:00:00.000Z';
  it('refuses before the expiry time', () => {
    spec.given([placedDirect]).when((s) => expireOrder({ at: plus(expiresAt, -1) }, s)).then({ error: 'order_not_expired_yet', kind: 'rule' });
  });

  it('expires at the expiry time, crediting partial payments', () => {
    spec.given([placedDirect]).when((s) => expireOrder({ at: expiresAt }, s)).then([{ type: 'OrderExpired', data: { orderId: 'o-1', amountToCreditCents: 0, expiredAt: expiresAt } }]);
    spec
      .given([placedDirect, received('p-1', 1000, 1000, 0, 2172)])
      .when((s) => expireOrder({ at: plus(expiresAt, HOUR) }, s))
      .then([{ type: 'OrderExpired', data: { orderId: 'o-1', amountToCreditCents: 1000, expiredAt: plus(expiresAt, HOUR) } }]);
  });

  it('a paid order does not expire; an expired or cancelled one is left as is', () => {
    spec.given([placedDirect, received('p-1', 3172, 3172, 0, 0), paidByPayments()]).when((s) => expireOrder({ at: plus(expiresAt, HOUR) }, s)).then({ error: 'order_already_paid' });
    spec.given([placedDirect, { type: 'OrderExpired', data: { orderId: 'o-1', amountToCreditCents: 0, expiredAt: expiresAt } }]).when((s) => expireOrder({ at: plus(expiresAt, HOUR) }, s)).thenNothing();
  });
});

describe('fulfilling an order', () => {
  const fulfil = { couponIds: ['k-1'], invoiceId: 'inv-1', invoiceYear: 2026, invoiceNumber: 7, at: plus(AT, 2 * HOUR) };
  it('records the coupons and the invoice of a paid order', () => {
    spec.given([placedPrepaid, paidPrepaid]).when((s) => markFulfilled(fulfil, s)).then([fulfilled()]);
  });

  it('only once: a second call returns no events', () => {
    spec.given([placedPrepaid, paidPrepaid, fulfilled()]).when((s) => markFulfilled({ ...fulfil, invoiceNumber: 8 }, s)).thenNothing();
  });

  it('only when paid', () => {
    spec.given([placedDirect]).when((s) => markFulfilled(fulfil, s)).then({ error: 'order_not_paid', kind: 'rule' });
    spec.given([placedDirect, received('p-1', 1000, 1000, 0, 2172)]).when((s) => markFulfilled(fulfil, s)).then({ error: 'order_not_paid' });
  });

  it('needs one distinct coupon per coupon unit ordered (timestamps give none)', () => {
    spec.given([placedPrepaid, paidPrepaid]).when((s) => markFulfilled({ ...fulfil, couponIds: ['k-1', 'k-2'] }, s)).then({ error: 'coupon_count_mismatch' });
    const mixed = placeOrder(
      manual([{ product: SIGNING, quantity: 2 }, { product: TIMESTAMPS, quantity: 5 }], { payment: { mode: 'prepaid', prepaidDebitId: 'd', debitedAmountCents: 2684 + 6253 } }), // 5 × 10.25 = 51.25, VAT 11.275 → 11.28 on the line
      { status: 'none' },
    );
    spec.given(mixed).when((s) => markFulfilled({ ...fulfil, couponIds: ['k-1', 'k-1'] }, s)).then({ error: 'coupon_count_mismatch' });
    expect(spec.given(mixed).when((s) => markFulfilled({ ...fulfil, couponIds: ['k-1', 'k-2'] }, s)).events()).toHaveLength(1);
  });
});

describe('recording a refund of coupons on the order', () => {
  const given = [placedPrepaid, paidPrepaid, fulfilled(['k-1'])];
  const refund = { couponIds: ['k-1'], creditNoteId: 'cn-1', creditNoteYear: 2026, creditNoteNumber: 1, amountCents: 3172, refundTo: 'prepaid' as const, at: plus(AT, 24 * HOUR) };
  const refunded: OrderEvent = {
    type: 'OrderCouponsRefunded',
    data: { orderId: 'o-1', couponIds: ['k-1'], creditNoteId: 'cn-1', creditNoteYear: 2026, creditNoteNumber: 1, amountCents: 3172, refundTo: 'prepaid', refundedAt: refund.at },
  };
  it('records it once per credit note', () => {
    spec.given(given).when((s) => refundCoupons(refund, s)).then([refunded]);
    spec.given([...given, refunded]).when((s) => refundCoupons(refund, s)).thenNothing();
  });
  it('refuses before fulfilment, a coupon of another order, a coupon refunded already', () => {
    spec.given([placedPrepaid, paidPrepaid]).when((s) => refundCoupons(refund, s)).then({ error: 'order_not_fulfilled' });
    spec.given(given).when((s) => refundCoupons({ ...refund, couponIds: ['k-9'] }, s)).then({ error: 'coupon_not_in_order' });
    spec.given([...given, refunded]).when((s) => refundCoupons({ ...refund, creditNoteId: 'cn-2' }, s)).then({ error: 'coupon_already_refunded', kind: 'conflict' });
  });
});
