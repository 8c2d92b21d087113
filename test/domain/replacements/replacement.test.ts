// Replacement requests: the desk opens one with a reason (deadline_passed only when a certificate is
// past its deadline under the issuer's policy; lost, stolen, broken any time; one open request per
// device); a supervisor other than the opener approves or rejects it with a note; then the
// approval's process records the order, the new device and the completion.
import { describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import { replacementEventShapes, type ReplacementEvent } from '../../../domain/replacements/events';
import {
  approveReplacement,
  completeReplacement,
  isOpen,
  recordReplacementDevice,
  recordReplacementOrder,
  rejectReplacement,
  replacementAggregate,
  requestReplacement,
  revocationReasonOf,
  revokesAtApproval,
  type RequestReplacement,
} from '../../../domain/replacements/decider';
import { deviceAggregate, type DeviceState } from '../../../domain/devices/decider';
import type { DeviceEvent } from '../../../domain/devices/events';
import { GUIDE_POLICY } from '../../../domain/certificates/issuerPolicy';
import { fold, specFor } from '../gwt';

const catalogue = new EventCatalogue<ReplacementEvent>(replacementEventShapes);
const spec = specFor(replacementAggregate, { catalogue });

const expiry = '2026-12-01T22:59:59.000Z';
const registered: DeviceEvent = {
  type: 'DeviceRegistered',
  data: {
    serial: '1205100000',
    kind: 'smart_card',
    issuer: 'Camera di Commercio di Roma',
    issuedOn: '2023-12-01',
    holderCodiceFiscale: 'RSSMRA80A01H501U',
    certificates: [
      { kind: 'signing', serialNumber: 'AA01', validFrom: '2023-12-01T23:00:00.000Z', validUntil: expiry },
      { kind: 'authentication', serialNumber: 'AA02', validFrom: '2023-12-01T23:00:00.000Z', validUntil: expiry },
    ],
    registeredAt: '2023-12-01T10:00:00.000Z',
  },
};
const device: DeviceState = fold(deviceAggregate, [registered]);
const HOUR = 3600_000;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const twoDaysLate = plus(expiry, 48 * HOUR);

const open = (patch: Partial<RequestReplacement> = {}): RequestReplacement => ({
  requestId: 'r-1',
  device,
  rule: GUIDE_POLICY,
  openRequestId: null,
  customerId: 'c-1',
  reason: 'deadline_passed',
  note: 'scaduta da due giorni',
  productCode: 'CARTA-SOST',
  requestedBy: 'u-operator',
  at: twoDaysLate,
  ...patch,
});

const requested: ReplacementEvent = {
  type: 'ReplacementRequested',
  data: {
    requestId: 'r-1',
    deviceSerial: '1205100000',
    holderCodiceFiscale: 'RSSMRA80A01H501U',
    customerId: 'c-1',
    reason: 'deadline_passed',
    note: 'scaduta da due giorni',
    productCode: 'CARTA-SOST',
    requestedBy: 'u-operator',
    requestedAt: twoDaysLate,
  },
};
const approved: ReplacementEvent = { type: 'ReplacementApproved', data: { requestId: 'r-1', note: 'ok, nuova carta', approvedBy: 'u-super', approvedAt: twoDaysLate } };
const ordered: ReplacementEvent = { type: 'ReplacementOrderPlaced', data: { requestId: 'r-1', orderId: 'o-1', orderedAt: twoDaysLate } };
const issued: ReplacementEvent = { type: 'ReplacementDeviceIssued', data: { requestId: 'r-1', newDeviceSerial: '1205100001', issuedBy: 'u-operator', issuedAt: twoDaysLate } };

describe('replacement: opening a request', () => {
  it('opens one for a card past its deadline, for the holder of the device', () => {
    spec.given([]).when((s) => requestReplacement(open(), s)).then([requested]);
  });

  it('refuses deadline_passed while the card can still be renewed: exactly 24 h after expiry is still in time, one second later is not', () => {
    spec
      .given([])
      .when((s) => requestReplacement(open({ at: plus(expiry, 24 * HOUR) }), s))
      .then({ error: 'replacement_deadline_not_passed', kind: 'rule', field: 'reason', message: /renew it instead/ });
    expect(spec.given([]).when((s) => requestReplacement(open({ at: plus(expiry, 24 * HOUR + 1000) }), s)).events()).toHaveLength(1);
  });

  it("follows the issuer's policy: 72 hours of grace keep a card two days late renewable", () => {
    spec
      .given([])
      .when((s) => requestReplacement(open({ rule: { renewalOpensDaysBefore: 90, graceHours: 72 } }), s))
      .then({ error: 'replacement_deadline_not_passed' });
  });

  it.each(['lost', 'stolen', 'broken'] as const)('opens one for a %s card at any time, even long before expiry', (reason) => {
    const events = spec.given([]).when((s) => requestReplacement(open({ reason, at: '2025-01-10T10:00:00.000Z' }), s)).events();
    expect(events[0]).toMatchObject({ type: 'ReplacementRequested', data: { reason } });
  });

  it('refuses a second open request for the same device', () => {
    spec.given([]).when((s) => requestReplacement(open({ requestId: 'r-2', openRequestId: 'r-1' }), s)).then({ error: 'replacement_already_open', kind: 'conflict' });
  });

  it('refuses a terminated device, and an unknown reason naming the field', () => {
    const terminated = fold(deviceAggregate, [
      registered,
      { type: 'DeviceStatusChanged', data: { serial: '1205100000', from: 'active', to: 'terminated', reason: 'x', replacedBy: '99990000', changedBy: 'u', changedAt: twoDaysLate } },
    ]);
    spec.given([]).when((s) => requestReplacement(open({ device: terminated }), s)).then({ error: 'device_terminated', field: 'deviceSerial' });
    spec.given([]).when((s) => requestReplacement(open({ reason: 'forgot' as never }), s)).then({ error: 'reason_invalid', kind: 'invalid', field: 'reason' });
  });

  it('the same request again changes nothing', () => {
    spec.given([requested]).when((s) => requestReplacement(open(), s)).thenNothing();
  });
});

describe('replacement: four eyes', () => {
  it('a supervisor other than the opener approves it with a note', () => {
    spec.given([requested]).when((s) => approveReplacement({ note: 'ok, nuova carta', by: 'u-super', at: twoDaysLate }, s)).then([approved]);
  });

  it('the one who opened it can neither approve nor reject it', () => {
    spec.given([requested]).when((s) => approveReplacement({ note: 'ok', by: 'u-operator', at: twoDaysLate }, s)).then({ error: 'replacement_same_person', kind: 'rule' });
    spec.given([requested]).when((s) => rejectReplacement({ note: 'no no', by: 'u-operator', at: twoDaysLate }, s)).then({ error: 'replacement_same_person' });
  });

  it('a note is required to decide', () => {
    spec.given([requested]).when((s) => rejectReplacement({ note: ' ', by: 'u-super', at: twoDaysLate }, s)).then({ error: 'value_required', field: 'note' });
  });

  it('is decided once: a rejected request cannot be approved; the same approval again changes nothing', () => {
    const rejected: ReplacementEvent = { type: 'ReplacementRejected', data: { requestId: 'r-1', note: 'rinnovabile', rejectedBy: 'u-super', rejectedAt: twoDaysLate } };
    spec.given([requested, rejected]).when((s) => approveReplacement({ note: 'ok, nuova carta', by: 'u-other', at: twoDaysLate }, s)).then({ error: 'replacement_already_decided', kind: 'conflict' });
    spec.given([requested, approved]).when((s) => approveReplacement({ note: 'ok, nuova carta', by: 'u-super', at: twoDaysLate }, s)).thenNothing();
    expect(isOpen(fold(replacementAggregate, [requested, rejected]))).toBe(false);
    expect(isOpen(fold(replacementAggregate, [requested, approved]))).toBe(true);
  });
});

describe("replacement: the approval's process", () => {
  it('records the order, then the new device, then completes', () => {
    spec.given([requested, approved]).when((s) => recordReplacementOrder({ orderId: 'o-1', at: twoDaysLate }, s)).then([ordered]);
    spec.given([requested, approved, ordered]).when((s) => recordReplacementOrder({ orderId: 'o-1', at: twoDaysLate }, s)).thenNothing();
    spec.given([requested, approved, ordered]).when((s) => recordReplacementDevice({ newDeviceSerial: '1205 100 001', issuedBy: 'u-operator', at: twoDaysLate }, s)).then([issued]);
    spec.given([requested, approved, ordered, issued]).when((s) => completeReplacement({ at: twoDaysLate }, s)).then([
      { type: 'ReplacementCompleted', data: { requestId: 'r-1', completedAt: twoDaysLate } },
    ]);
  });

  it('nothing goes on before approval; the device waits for its order; the old device is not the new one', () => {
    spec.given([requested]).when((s) => recordReplacementOrder({ orderId: 'o-1', at: twoDaysLate }, s)).then({ error: 'replacement_not_approved' });
    spec.given([requested, approved]).when((s) => recordReplacementDevice({ newDeviceSerial: '1205100001', issuedBy: 'u', at: twoDaysLate }, s)).then({ error: 'replacement_order_missing' });
    spec.given([requested, approved, ordered]).when((s) => recordReplacementDevice({ newDeviceSerial: '1205100000', issuedBy: 'u', at: twoDaysLate }, s)).then({ error: 'replacement_device_same', field: 'serial' });
    spec.given([requested, approved, ordered, issued]).when((s) => recordReplacementDevice({ newDeviceSerial: '1205100002', issuedBy: 'u', at: twoDaysLate }, s)).then({ error: 'replacement_device_exists', kind: 'conflict' });
    spec.given([requested, approved, ordered]).when((s) => completeReplacement({ at: twoDaysLate }, s)).then({ error: 'replacement_device_missing' });
  });

  it('revokes with keyCompromise when stolen, superseded otherwise; lost and stolen at approval', () => {
    expect(revocationReasonOf('stolen')).toBe('keyCompromise');
    expect(revocationReasonOf('lost')).toBe('superseded');
    expect(revocationReasonOf('deadline_passed')).toBe('superseded');
    expect([revokesAtApproval('lost'), revokesAtApproval('stolen'), revokesAtApproval('broken'), revokesAtApproval('deadline_passed')]).toEqual([true, true, false, false]);
  });
});
