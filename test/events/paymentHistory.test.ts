// The payments' stored history (events/payments.ts): events written by older code read as today's.
import { describe, expect, it } from 'vitest';
import { read, roundTrip } from './storedHistory';

const AT = '2026-11-21T09:00:00.000Z';

describe('payments: version 1 reads as today', () => {
  it('PaymentRecorded: amount → amountCents', () => {
    const common = {
      paymentId: 'p-1',
      method: 'bank_transfer',
      receivedOn: '2026-11-21',
      payer: 'ROSSI MARIO',
      reason: 'rinnovo firma rf82 9138 1765 0394',
      bankReference: 'CRO03069099001',
      recordedBy: 'u-2',
      rfReference: 'RF82913817650394',
      matchStatus: 'reference_found',
      rfCandidate: null,
      recordedAt: AT,
    };
    expect(read('PaymentRecorded', { ...common, amount: 2684 })).toEqual({ data: { ...common, amountCents: 2684 }, version: 2 });
    expect(roundTrip('PaymentRecorded', { ...common, amountCents: 2684 })).toEqual({ ...common, amountCents: 2684 });
  });

  it('a payment recorded before the bank reference was asked for still reads without one', () => {
    const { bankReference: _, ...older } = {
      paymentId: 'p-0',
      method: 'cheque',
      amount: 1000,
      receivedOn: '2026-11-21',
      payer: 'X',
      reason: '',
      bankReference: 'unused',
      recordedBy: 'u-2',
      rfReference: null,
      matchStatus: 'no_reference',
      rfCandidate: null,
      recordedAt: AT,
    };
    expect(read('PaymentRecorded', older).data).not.toHaveProperty('bankReference');
    expect(read('PaymentRecorded', older).data).toMatchObject({ amountCents: 1000 });
  });

  it('PaymentLeftUnmatched: at → unmatchedAt', () => {
    const common = { paymentId: 'p-1', reason: 'no_reference', detail: 'no RF reference in the payment reason' };
    expect(read('PaymentLeftUnmatched', { ...common, at: '2026-11-23T09:00:00.000Z' })).toEqual({
      data: { ...common, unmatchedAt: '2026-11-23T09:00:00.000Z' },
      version: 2,
    });
  });
});
