// The renewal decider (issue #16): started for a device's certificates in their window, paid by
// coupons, pay-after or a desk sale; steps in order with the new certificate recorded once; failed
// and resumed; completed when every certificate is issued; abandoned before completion.
import { describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import { renewalEventShapes, type RenewalEvent } from '../../../domain/renewals/events';
import {
  abandonRenewal,
  completeRenewal,
  failRenewal,
  recordFeeOrder,
  recordStep,
  renewalAggregate,
  resumeRenewal,
  startRenewal,
  streamOf,
  type StartRenewal,
} from '../../../domain/renewals/decider';
import { deviceAggregate, type RegisteredDevice } from '../../../domain/devices/decider';
import type { DeviceEvent } from '../../../domain/devices/events';
import { GUIDE_POLICY } from '../../../domain/certificates/issuerPolicy';
import { fold, specFor } from '../gwt';

const spec = specFor(renewalAggregate, { catalogue: new EventCatalogue<RenewalEvent>(renewalEventShapes) });

const SERIAL = '1205100000';
const CF = 'RSSMRA80A01H501U';
const NOT_AFTER = '2026-12-31T22:59:59.000Z';
const NOW = '2026-11-24T09:00:00.000Z';
const LATER = '2026-11-24T09:30:00.000Z';

function device(over: { issuedOn?: string; kind?: 'smart_card' | 'usb_token'; validUntil?: string; certificates?: ('signing' | 'authentication')[] } = {}, more: DeviceEvent[] = []): RegisteredDevice {
  const kinds = over.certificates ?? ['signing', 'authentication'];
  const registered: DeviceEvent = {
    type: 'DeviceRegistered',
    data: {
      serial: SERIAL,
      kind: over.kind ?? 'smart_card',
      issuer: 'Camera di Commercio di Roma',
      issuedOn: over.issuedOn ?? '2023-12-01',
      holderCodiceFiscale: CF,
      certificates: kinds.map((kind) => ({ kind, serialNumber: `${kind[0]!.toUpperCase()}1`, validFrom: '2023-12-01T00:00:00.000Z', validUntil: over.validUntil ?? NOT_AFTER })),
      registeredAt: '2023-12-01T00:00:00.000Z',
    },
  };
  return fold(deviceAggregate, [registered, ...more]) as RegisteredDevice;
}

const coupons = (...cs: [string, 'signing' | 'authentication' | 'both'][]) => ({ mode: 'coupons' as const, coupons: cs.map(([couponId, certificateKind]) => ({ couponId, certificateKind })) });

const start = (over: Partial<StartRenewal> = {}): StartRenewal => ({
  renewalId: 'r-1',
  device: device(),
  policy: GUIDE_POLICY,
  certificates: ['signing', 'authentication'],
  payment: coupons(['k-1', 'signing'], ['k-2', 'authentication']),
  channel: 'desk',
  startedBy: 'op-1',
  at: NOW,
  ...over,
});

const started = (payment: RenewalEvent & { type: 'RenewalStarted' } extends { data: { payment: infer P } } ? P : never = coupons(['k-1', 'signing'], ['k-2', 'authentication']), certificates: ('signing' | 'authentication')[] = ['signing', 'authentication'], customerId: string | null = null): RenewalEvent => ({
  type: 'RenewalStarted',
  data: {
    renewalId: 'r-1',
    deviceSerial: SERIAL,
    holderCodiceFiscale: CF,
    customerId,
    issuerId: 'default',
    certificates,
    partialReason: null,
    payment,
    channel: 'desk',
    startedBy: 'op-1',
    startedAt: NOW,
  },
});

const newCert = (kind: 'signing' | 'authentication') => ({ serialNumber: `N${kind[0]!.toUpperCase()}2`, validFrom: LATER, validUntil: '2029-11-24T09:30:00.000Z' });
const step = (kind: 'signing' | 'authentication', s: 'keys_generated' | 'request_sent' | 'certificate_issued' | 'certificate_installed' | 'verified'): RenewalEvent => ({
  type: 'RenewalStepRecorded',
  data: { renewalId: 'r-1', certificateKind: kind, step: s, certificate: s === 'certificate_issued' ? newCert(kind) : null, recordedBy: 'op-1', recordedAt: LATER },
});
const upToIssued = (kind: 'signing' | 'authentication') => [step(kind, 'keys_generated'), step(kind, 'request_sent'), step(kind, 'certificate_issued')];

describe('starting a renewal', () => {
  it('stream renewal-<id>; both certificates in their window, paid by a coupon each', () => {
    expect(streamOf('r-1')).toBe('renewal-r-1');
    spec.given([]).when((s) => startRenewal(start(), s)).then([started()]);
  });

  it('in grace: up to graceHours after notAfter (exactly then still in time), closed one second later', () => {
    const graceEnd = new Date(Date.parse(NOT_AFTER) + 24 * 3_600_000).toISOString();
    expect(spec.given([]).when((s) => startRenewal(start({ at: graceEnd }), s)).events()).toHaveLength(1);
    const late = new Date(Date.parse(graceEnd) + 1000).toISOString();
    spec.given([]).when((s) => startRenewal(start({ at: late }), s)).then({ error: 'renewal_window_closed', field: 'certificates.0' });
  });

  it('refuses before the window opens (policy renewalOpensDaysBefore)', () => {
    spec.given([]).when((s) => startRenewal(start({ at: '2026-09-01T00:00:00.000Z' }), s)).then({ error: 'renewal_window_not_open', field: 'certificates.0' });
    const early = { ...GUIDE_POLICY, renewalOpensDaysBefore: 200 };
    expect(spec.given([]).when((s) => startRenewal(start({ at: '2026-09-01T00:00:00.000Z', policy: early }), s)).events()).toHaveLength(1);
  });

  it('refuses a revoked certificate, a certificate not on the device, a device not active', () => {
    const revoked: DeviceEvent = { type: 'CertificateRevoked', data: { serial: SERIAL, kind: 'authentication', serialNumber: 'A1', reason: 'keyCompromise', replacementRequestId: null, revokedBy: 'sup', revokedAt: NOW } };
    spec.given([]).when((s) => startRenewal(start({ device: device({}, [revoked]) }), s)).then({ error: 'certificate_revoked', field: 'certificates.1' });
    spec.given([]).when((s) => startRenewal(start({ device: device({ certificates: ['signing'] }) }), s)).then({ error: 'certificate_not_on_device', field: 'certificates.1' });
    const lost: DeviceEvent = { type: 'DeviceStatusChanged', data: { serial: SERIAL, from: 'active', to: 'lost', reason: 'smarrita', replacedBy: null, changedBy: 'op', changedAt: NOW } };
    spec.given([]).when((s) => startRenewal(start({ device: device({}, [lost]) }), s)).then({ error: 'device_not_active' });
  });

  it('both certificates, unless the operator says why not', () => {
    const one = { certificates: ['signing' as const], payment: coupons(['k-1', 'signing']) };
    spec.given([]).when((s) => startRenewal(start(one), s)).then({ error: 'certificates_both_required', field: 'partialReason' });
    const events = spec.given([]).when((s) => startRenewal(start({ ...one, partialReason: '  la CNS è  rinnovata a parte ' }), s)).events();
    expect(events[0]!.data).toMatchObject({ certificates: ['signing'], partialReason: 'la CNS è rinnovata a parte' });
    expect(spec.given([]).when((s) => startRenewal(start({ ...one, device: device({ certificates: ['signing'] }) }), s)).events()).toHaveLength(1);
  });

  it('coupons: one per certificate, or one for both; of the right kind', () => {
    expect(spec.given([]).when((s) => startRenewal(start({ payment: coupons(['k-9', 'both']) }), s)).events()[0]!.data).toMatchObject({ payment: coupons(['k-9', 'both']) });
    spec.given([]).when((s) => startRenewal(start({ payment: coupons(['k-1', 'signing']) }), s)).then({ error: 'coupons_missing', field: 'payment.coupons' });
    spec.given([]).when((s) => startRenewal(start({ payment: coupons(['k-1', 'signing'], ['k-2', 'signing']) }), s)).then({ error: 'coupons_too_many', field: 'payment.coupons.1' });
    spec.given([]).when((s) => startRenewal(start({ payment: coupons(['k-1', 'signing'], ['k-1', 'authentication']) }), s)).then({ error: 'coupon_duplicate' });
    const signingOnly = { certificates: ['signing' as const], partialReason: 'solo firma' };
    spec.given([]).when((s) => startRenewal(start({ ...signingOnly, payment: coupons(['k-2', 'authentication']) }), s)).then({ error: 'coupon_kind_mismatch', field: 'payment.coupons.0' });
  });

  it('pay-after: only where the policy offers it for the device; the fee is the policy’s, owed by the customer named', () => {
    const payAfter = { mode: 'pay_after' as const, customerId: 'c-1' };
    spec.given([]).when((s) => startRenewal(start({ payment: payAfter }), s)).then([started({ mode: 'pay_after', feeCents: 1000, vatRateBp: 2200 }, undefined, 'c-1')]);
    spec.given([]).when((s) => startRenewal(start({ payment: payAfter, device: device({ issuedOn: '2008-12-31' }) }), s)).then({ error: 'pay_after_not_offered', field: 'payment.mode' });
    spec.given([]).when((s) => startRenewal(start({ payment: payAfter, device: device({ kind: 'usb_token' }) }), s)).then({ error: 'pay_after_not_offered' });
    const noPayAfter = { ...GUIDE_POLICY, payAfter: { ...GUIDE_POLICY.payAfter, offered: false } };
    spec.given([]).when((s) => startRenewal(start({ payment: payAfter, policy: noPayAfter }), s)).then({ error: 'pay_after_not_offered' });
  });

  it('desk sale: an order paid for this device', () => {
    const order = (over: object = {}) => ({ mode: 'desk_sale' as const, order: { orderId: 'o-1', customerId: 'c-1', status: 'paid', deviceSerial: SERIAL, ...over } });
    spec.given([]).when((s) => startRenewal(start({ payment: order() }), s)).then([started({ mode: 'desk_sale', orderId: 'o-1' }, undefined, 'c-1')]);
    spec.given([]).when((s) => startRenewal(start({ payment: order({ status: 'awaiting_payment' }) }), s)).then({ error: 'order_not_paid', field: 'payment.orderId' });
    spec.given([]).when((s) => startRenewal(start({ payment: order({ deviceSerial: '9999999999' }) }), s)).then({ error: 'order_not_for_device' });
  });

  it('once: the same id again is a conflict', () => {
    spec.given([started()]).when((s) => startRenewal(start(), s)).then({ error: 'renewal_exists', kind: 'conflict' });
  });
});

describe('recording the steps', () => {
  const record = (kind: 'signing' | 'authentication', s: Parameters<typeof step>[1], certificate: ReturnType<typeof newCert> | null = null) => ({ certificateKind: kind, step: s, certificate, recordedBy: 'op-1', at: LATER });

  it('in order per certificate; a step again changes nothing; skipping is refused', () => {
    spec.given([started()]).when((s) => recordStep(record('signing', 'keys_generated'), s)).then([step('signing', 'keys_generated')]);
    spec.given([started(), step('signing', 'keys_generated')]).when((s) => recordStep(record('signing', 'keys_generated'), s)).thenNothing();
    spec.given([started()]).when((s) => recordStep(record('signing', 'request_sent'), s)).then({ error: 'renewal_step_out_of_order', field: 'step' });
    expect(spec.given([started(), step('signing', 'keys_generated')]).when((s) => recordStep(record('authentication', 'keys_generated'), s)).events()).toHaveLength(1);
  });

  it('certificate_issued carries the new certificate, recorded once: a second one is refused, the same again changes nothing', () => {
    const given = [started(), step('signing', 'keys_generated'), step('signing', 'request_sent')];
    spec.given(given).when((s) => recordStep(record('signing', 'certificate_issued'), s)).then({ error: 'certificate_required' });
    spec.given(given).when((s) => recordStep(record('signing', 'certificate_issued', newCert('signing')), s)).then([step('signing', 'certificate_issued')]);
    const issued = [started(), ...upToIssued('signing')];
    spec.given(issued).when((s) => recordStep(record('signing', 'certificate_issued', newCert('signing')), s)).thenNothing();
    spec.given(issued).when((s) => recordStep(record('signing', 'certificate_issued', { ...newCert('signing'), serialNumber: 'OTHER' }), s)).then({ error: 'renewal_certificate_already_issued', kind: 'conflict' });
    spec.given(given).when((s) => recordStep(record('signing', 'certificate_issued', { ...newCert('signing'), validUntil: '2020-01-01T00:00:00Z' }), s)).then({ error: 'validity_reversed' });
    spec.given([started()]).when((s) => recordStep(record('signing', 'keys_generated', newCert('signing')), s)).then({ error: 'certificate_unexpected' });
  });

  it('only for the certificates chosen, only while running', () => {
    spec.given([started(coupons(['k-1', 'signing']), ['signing'])]).when((s) => recordStep(record('authentication', 'keys_generated'), s)).then({ error: 'certificate_not_in_renewal' });
    const failed: RenewalEvent = { type: 'RenewalFailed', data: { renewalId: 'r-1', certificateKind: null, stepReached: null, reason: 'lettore', failedAt: LATER } };
    spec.given([started(), failed]).when((s) => recordStep(record('signing', 'keys_generated'), s)).then({ error: 'renewal_failed' });
    spec.given([]).when((s) => recordStep(record('signing', 'keys_generated'), s)).then({ error: 'renewal_not_found', kind: 'not_found' });
  });
});

describe('failing and resuming', () => {
  it('fails with the step reached; resumes; a resumed renewal never asks for a second certificate', () => {
    const given = [started(), ...upToIssued('signing')];
    spec.given(given).when((s) => failRenewal({ certificateKind: 'signing', reason: 'installazione non riuscita', at: LATER }, s)).then([
      { type: 'RenewalFailed', data: { renewalId: 'r-1', certificateKind: 'signing', stepReached: 'certificate_issued', reason: 'installazione non riuscita', failedAt: LATER } },
    ]);
    const failed: RenewalEvent = { type: 'RenewalFailed', data: { renewalId: 'r-1', certificateKind: 'signing', stepReached: 'certificate_issued', reason: 'x', failedAt: LATER } };
    spec.given([...given, failed]).when((s) => failRenewal({ reason: 'again', at: LATER }, s)).thenNothing();
    spec.given([...given, failed]).when((s) => resumeRenewal({ resumedBy: 'op-2', at: LATER }, s)).then([{ type: 'RenewalResumed', data: { renewalId: 'r-1', resumedBy: 'op-2', resumedAt: LATER } }]);
    spec.given(given).when((s) => resumeRenewal({ resumedBy: 'op-2', at: LATER }, s)).thenNothing();
    const resumed: RenewalEvent = { type: 'RenewalResumed', data: { renewalId: 'r-1', resumedBy: 'op-2', resumedAt: LATER } };
    const after = [...given, failed, resumed];
    spec.given(after).when((s) => recordStep({ certificateKind: 'signing', step: 'certificate_issued', certificate: { ...newCert('signing'), serialNumber: 'SECOND' }, recordedBy: 'op', at: LATER }, s)).then({ error: 'renewal_certificate_already_issued' });
    expect(spec.given(after).when((s) => recordStep({ certificateKind: 'signing', step: 'certificate_installed', recordedBy: 'op', at: LATER }, s)).events()).toHaveLength(1);
  });

  it('the step reached, when not tied to a certificate, is the furthest along; a failure says why', () => {
    const given = [started(), step('signing', 'keys_generated'), ...upToIssued('authentication')];
    expect(spec.given(given).when((s) => failRenewal({ reason: 'x', at: LATER }, s)).events()[0]!.data).toMatchObject({ certificateKind: null, stepReached: 'certificate_issued' });
    spec.given(given).when((s) => failRenewal({ reason: ' ', at: LATER }, s)).then({ error: 'value_required', field: 'reason' });
  });
});

describe('completing', () => {
  const complete = { completedBy: 'op-1', at: LATER };
  it('once every chosen certificate is issued, with the new certificates; again changes nothing', () => {
    spec.given([started(), ...upToIssued('signing')]).when((s) => completeRenewal(complete, s)).then({ error: 'renewal_certificate_not_issued' });
    const given = [started(), ...upToIssued('signing'), ...upToIssued('authentication')];
    const completed: RenewalEvent = {
      type: 'RenewalCompleted',
      data: { renewalId: 'r-1', certificates: [{ kind: 'signing', ...newCert('signing') }, { kind: 'authentication', ...newCert('authentication') }], completedBy: 'op-1', completedAt: LATER },
    };
    spec.given(given).when((s) => completeRenewal(complete, s)).then([completed]);
    spec.given([...given, completed]).when((s) => completeRenewal(complete, s)).thenNothing();
    spec.given([...given, completed]).when((s) => abandonRenewal({ reason: 'x', abandonedBy: 'op', at: LATER }, s)).then({ error: 'renewal_completed' });
  });

  it('a failed renewal is resumed before it completes', () => {
    const failed: RenewalEvent = { type: 'RenewalFailed', data: { renewalId: 'r-1', certificateKind: null, stepReached: null, reason: 'x', failedAt: LATER } };
    spec.given([started(), ...upToIssued('signing'), ...upToIssued('authentication'), failed]).when((s) => completeRenewal(complete, s)).then({ error: 'renewal_failed' });
  });
});

describe('abandoning', () => {
  const abandon = { reason: 'il cliente rinuncia', abandonedBy: 'op-1', at: LATER };
  it('before any certificate is issued; again changes nothing', () => {
    const abandoned: RenewalEvent = { type: 'RenewalAbandoned', data: { renewalId: 'r-1', reason: 'il cliente rinuncia', abandonedBy: 'op-1', abandonedAt: LATER } };
    spec.given([started(), step('signing', 'keys_generated')]).when((s) => abandonRenewal(abandon, s)).then([abandoned]);
    spec.given([started(), abandoned]).when((s) => abandonRenewal(abandon, s)).thenNothing();
    spec.given([started(), abandoned]).when((s) => resumeRenewal({ resumedBy: 'op', at: LATER }, s)).then({ error: 'renewal_abandoned' });
    spec.given([started(), ...upToIssued('signing')]).when((s) => abandonRenewal(abandon, s)).then({ error: 'renewal_certificate_issued' });
    spec.given([started()]).when((s) => abandonRenewal({ ...abandon, reason: '' }, s)).then({ error: 'value_required', field: 'reason' });
  });
});

describe('the pay-after fee order', () => {
  it('recorded once, after completion, for a pay-after renewal only', () => {
    const payAfter = started({ mode: 'pay_after', feeCents: 1000, vatRateBp: 2200 }, undefined, 'c-1');
    const completed: RenewalEvent = { type: 'RenewalCompleted', data: { renewalId: 'r-1', certificates: [{ kind: 'signing', ...newCert('signing') }], completedBy: 'op', completedAt: LATER } };
    const ordered: RenewalEvent = { type: 'RenewalFeeOrdered', data: { renewalId: 'r-1', orderId: 'o-9', orderedAt: LATER } };
    spec.given([payAfter]).when((s) => recordFeeOrder({ orderId: 'o-9', at: LATER }, s)).then({ error: 'renewal_not_completed' });
    spec.given([payAfter, completed]).when((s) => recordFeeOrder({ orderId: 'o-9', at: LATER }, s)).then([ordered]);
    spec.given([payAfter, completed, ordered]).when((s) => recordFeeOrder({ orderId: 'o-9', at: LATER }, s)).thenNothing();
    spec.given([payAfter, completed, ordered]).when((s) => recordFeeOrder({ orderId: 'o-10', at: LATER }, s)).then({ error: 'renewal_fee_already_ordered' });
    spec.given([started(), completed]).when((s) => recordFeeOrder({ orderId: 'o-9', at: LATER }, s)).then({ error: 'renewal_not_pay_after' });
  });
});
