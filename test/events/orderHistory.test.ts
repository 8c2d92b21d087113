// The orders' stored history (events/orders.ts): events written by older code read as today's.
import { describe, expect, it } from 'vitest';
import { read, roundTrip } from './storedHistory';

const AT = '2026-11-20T11:00:00.000Z';

describe('orders: version 1 (amounts without …Cents) reads as today', () => {
  it('OrderPlaced: the lines, the VAT summary and the totals', () => {
    const v1 = {
      orderId: 'o-1',
      customerId: 'c-1',
      choice: 'manual',
      holderCodiceFiscale: null,
      deviceSerial: null,
      lines: [
        { productCode: 'RIN-FIRMA-CNS', description: 'Rinnovo', renews: 'both', quantity: 2, unitPriceCents: 2600, vatRateBp: 2200, taxable: 5200, vat: 1144, total: 6344 },
        { productCode: 'MT-100', description: 'Marche', renews: 'none', quantity: 1, unitPriceCents: 1800, vatRateBp: 2200, taxable: 1800, vat: 396, total: 2196 },
      ],
      vatSummary: [{ rateBp: 2200, taxable: 7000, vat: 1540, total: 8540 }],
      totals: { taxable: 7000, vat: 1540, total: 8540 },
      codesEmail: 'mario.rossi@example.it',
      payment: { mode: 'prepaid', prepaidDebitId: 'd-1' },
      placedAt: AT,
    };
    const today = {
      ...v1,
      lines: [
        { productCode: 'RIN-FIRMA-CNS', description: 'Rinnovo', renews: 'both', quantity: 2, unitPriceCents: 2600, vatRateBp: 2200, taxableCents: 5200, vatCents: 1144, totalCents: 6344 },
        { productCode: 'MT-100', description: 'Marche', renews: 'none', quantity: 1, unitPriceCents: 1800, vatRateBp: 2200, taxableCents: 1800, vatCents: 396, totalCents: 2196 },
      ],
      vatSummary: [{ rateBp: 2200, taxableCents: 7000, vatCents: 1540, totalCents: 8540 }],
      totals: { taxableCents: 7000, vatCents: 1540, totalCents: 8540 },
    };
    expect(read('OrderPlaced', v1)).toEqual({ data: today, version: 2 });
    expect(roundTrip('OrderPlaced', today)).toEqual(today);
  });

  it('OrderPaymentReceived: amount, applied, surplus, amountDue', () => {
    const common = { orderId: 'o-1', customerId: 'c-1', paymentId: 'p-1', method: 'bank_transfer', receivedAt: AT };
    expect(read('OrderPaymentReceived', { ...common, amount: 5000, applied: 4026, surplus: 974, amountDue: 0 })).toEqual({
      data: { ...common, amountCents: 5000, appliedCents: 4026, surplusCents: 974, amountDueCents: 0 },
      version: 2,
    });
  });

  it('OrderPaid, OrderCancelled, OrderExpired, OrderCouponsRefunded', () => {
    expect(read('OrderPaid', { orderId: 'o-1', amount: 8540, via: 'prepaid', paidAt: AT }).data).toEqual({
      orderId: 'o-1',
      amountCents: 8540,
      via: 'prepaid',
      paidAt: AT,
    });
    expect(read('OrderCancelled', { orderId: 'o-1', reason: 'changed his mind', amountToCredit: 500, cancelledAt: AT }).data).toEqual({
      orderId: 'o-1',
      reason: 'changed his mind',
      amountToCreditCents: 500,
      cancelledAt: AT,
    });
    expect(read('OrderExpired', { orderId: 'o-1', amountToCredit: 0, expiredAt: AT }).data).toEqual({ orderId: 'o-1', amountToCreditCents: 0, expiredAt: AT });
    const refund = { orderId: 'o-1', couponIds: ['k-1'], creditNoteId: 'cn-1', creditNoteYear: 2026, creditNoteNumber: 1, refundTo: 'prepaid', refundedAt: AT };
    expect(read('OrderCouponsRefunded', { ...refund, amount: 3172 })).toEqual({ data: { ...refund, amountCents: 3172 }, version: 2 });
  });

  it('RfReferenceClaimed is as it was stored', () => {
    const claim = { rfReference: 'RF82913817650394', orderId: 'o-1', claimedAt: AT };
    expect(read('RfReferenceClaimed', claim)).toEqual({ data: claim, version: 1 });
  });
});
