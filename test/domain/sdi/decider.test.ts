// The SdI receipts of one document: recorded once per MessageId, and the state is the latest
// receipt by the SdI's reception time, whatever order they were uploaded in.
import { describe, expect, it } from 'vitest';
import { recordSdiReceipt, sdiAggregate, sdiStateOf } from '../../../domain/sdi/decider';
import type { SdiEvent } from '../../../domain/sdi/events';

const receipt = (over: Partial<SdiEvent['data']> = {}): SdiEvent['data'] => ({
  documentKind: 'invoice',
  documentId: 'inv-1',
  receipt: 'NS',
  sdiIdentifier: '4101234567',
  messageId: '1',
  fileName: 'IT01234567890_1G001.xml',
  receivedAt: '2026-11-25T09:00:00.000Z',
  deliveredAt: null,
  errors: [{ code: '00311', description: 'CodiceDestinatario non valido', suggestion: null }],
  note: null,
  receiptFileName: 'ns.xml',
  sha256: 'a'.repeat(64),
  recordedBy: 'u1',
  recordedAt: '2026-11-25T10:00:00.000Z',
  ...over,
});

describe('SdI receipts of a document', () => {
  it('records a receipt once: the same MessageId again gives no event; reused for another receipt, refused', () => {
    const first = recordSdiReceipt(receipt(), sdiAggregate.initialState());
    expect(first).toEqual([{ type: 'SdiReceiptRecorded', data: receipt() }]);
    const state = sdiAggregate.evolve(sdiAggregate.initialState(), first[0]!);
    expect(recordSdiReceipt(receipt({ receiptFileName: 'copy.xml', recordedAt: '2026-11-26T10:00:00.000Z' }), state)).toEqual([]);
    expect(() => recordSdiReceipt(receipt({ receipt: 'RC', errors: [] }), state)).toThrow(expect.objectContaining({ code: 'sdi_message_id_reused' }));
  });

  it('the state is the latest receipt by reception time; none: awaiting', () => {
    expect(sdiStateOf([])).toBe('awaiting');
    const ns = { receipt: 'NS' as const, receivedAt: '2026-11-25T09:00:00.000Z' };
    const rc = { receipt: 'RC' as const, receivedAt: '2026-11-26T09:00:00.000Z' };
    expect(sdiStateOf([ns])).toBe('rejected');
    expect(sdiStateOf([ns, rc])).toBe('delivered');
    expect(sdiStateOf([rc, ns])).toBe('delivered');
    expect(sdiStateOf([{ receipt: 'MC', receivedAt: '2026-11-27T09:00:00.000Z' }, rc])).toBe('not_delivered');
  });
});
