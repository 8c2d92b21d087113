import { describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import { rfReferenceEventShapes, type RfReferenceEvent } from '../../../domain/orders/events';
import { claimRfReference, orderOfReference, rfClaimAggregate, rfClaimStreamOf } from '../../../domain/orders/rfClaim';
import { specFor } from '../gwt';

const spec = specFor(rfClaimAggregate, { catalogue: new EventCatalogue<RfReferenceEvent>(rfReferenceEventShapes) });
const AT = '2026-03-10T09:00:00.000Z';
const RF = 'RF18539007547034';
const claimed: RfReferenceEvent = { type: 'RfReferenceClaimed', data: { rfReference: RF, orderId: 'o-1', claimedAt: AT } };

describe('RF reference guard', () => {
  it('stream rf-<normalised reference>', () => {
    expect(rfClaimStreamOf('rf18 5390 0754 7034')).toBe(`rf-${RF}`);
  });

  it('a free reference is claimed for the order (the handler appends with no_stream)', () => {
    spec.given([]).when((s) => claimRfReference({ rfReference: 'rf18 5390 0754 7034', orderId: 'o-1', at: AT }, s)).then([claimed]);
  });

  it('the same order claiming again does nothing; another order is refused', () => {
    spec.given([claimed]).when((s) => claimRfReference({ rfReference: RF, orderId: 'o-1', at: AT }, s)).thenNothing();
    spec.given([claimed]).when((s) => claimRfReference({ rfReference: RF, orderId: 'o-2', at: AT }, s)).then({ error: 'rf_reference_taken', kind: 'conflict' });
  });

  it('refuses a reference with wrong check digits', () => {
    spec.given([]).when((s) => claimRfReference({ rfReference: 'RF19539007547034', orderId: 'o-1', at: AT }, s)).then({ error: 'rf_reference_invalid', kind: 'invalid' });
  });

  it('tells which order a reference names', () => {
    expect(orderOfReference(spec.given([claimed]).state())).toBe('o-1');
    expect(orderOfReference(spec.given([]).state())).toBeNull();
  });
});
