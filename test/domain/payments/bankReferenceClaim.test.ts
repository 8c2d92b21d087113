// The guard of bank references: one payment per reference (CRO/TRN, statement line id).
import { describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import { bankReferenceEventShapes, type BankReferenceEvent } from '../../../domain/payments/events';
import {
  bankReferenceClaimAggregate,
  bankReferenceStreamOf,
  claimBankReference,
  paymentOfReference,
  UNRECORDED_CLAIM_HOLD_MS,
} from '../../../domain/payments/bankReferenceClaim';
import { specFor } from '../gwt';

const spec = specFor(bankReferenceClaimAggregate, { catalogue: new EventCatalogue<BankReferenceEvent>(bankReferenceEventShapes) });

const AT = '2026-11-25T09:00:00.000Z';
const later = (ms: number) => new Date(Date.parse(AT) + ms).toISOString();
const claimed = (paymentId: string, at = AT): BankReferenceEvent => ({
  type: 'BankReferenceClaimed',
  data: { bankReference: 'CRO03069099123', paymentId, claimedAt: at },
});

describe('claiming a bank reference', () => {
  it('stream bank-reference-<reference>, however the reference is typed', () => {
    expect(bankReferenceStreamOf(' cro 0306 9099 123')).toBe('bank-reference-CRO03069099123');
  });

  it('a free reference is claimed for the payment, normalised', () => {
    spec
      .given([])
      .when((s) => claimBankReference({ bankReference: 'cro 0306 9099 123', paymentId: 'p-1', at: AT, holderRecorded: true }, s))
      .then([claimed('p-1')]);
    expect(paymentOfReference(spec.given([claimed('p-1')]).state())).toBe('p-1');
  });

  it('the same payment claiming it again changes nothing (a retry)', () => {
    spec.given([claimed('p-1')]).when((s) => claimBankReference({ bankReference: 'CRO03069099123', paymentId: 'p-1', at: later(5), holderRecorded: true }, s)).thenNothing();
  });

  it('another payment with the same reference is refused 409, naming the field', () => {
    spec
      .given([claimed('p-1')])
      .when((s) => claimBankReference({ bankReference: 'CRO 0306 9099 123', paymentId: 'p-2', at: later(1000), holderRecorded: true }, s))
      .then({ error: 'bank_reference_taken', kind: 'conflict', field: 'bankReference', message: /^bankReference: CRO03069099123 has already been recorded/ });
  });

  it('a claim whose payment is still being recorded holds the reference', () => {
    spec
      .given([claimed('p-1')])
      .when((s) => claimBankReference({ bankReference: 'CRO03069099123', paymentId: 'p-2', at: later(50), holderRecorded: false }, s))
      .then({ error: 'bank_reference_taken' });
  });

  it('a claim whose payment was never recorded is taken over once it is older than a recording takes', () => {
    const at = later(UNRECORDED_CLAIM_HOLD_MS + 1);
    spec
      .given([claimed('p-1')])
      .when((s) => claimBankReference({ bankReference: 'CRO03069099123', paymentId: 'p-2', at, holderRecorded: false }, s))
      .then([claimed('p-2', at)]);
  });

  it('refuses an empty reference on its field', () => {
    spec.given([]).when((s) => claimBankReference({ bankReference: ' ', paymentId: 'p-1', at: AT, holderRecorded: true }, s)).then({ error: 'bank_reference_required', field: 'bankReference' });
  });
});
