// A renewal of a device's certificates (stream `renewal-<renewalId>`), at the desk or the kiosk:
// started for the certificates chosen and how they are paid, its steps recorded as they happen,
// failed with the step reached and resumed later, completed once every chosen certificate has
// been issued, or abandoned (its coupons are then given back).
//
// What the decider does not do itself, the service does around it, on the other streams: reserving
// the coupons before the start and redeeming them at completion (domain/coupons/decider.ts), the
// device's certificates replaced (domain/devices/decider.ts renewCertificate), and, for pay-after,
// the fee order placed once it completes (RenewalFeeOrdered records it).
import { payAfterAllowed, type IssuerPolicy } from '../certificates/issuerPolicy';
import { renewable, windowOf, windowState } from '../certificates/renewalWindow';
import type { RegisteredDevice } from '../devices/decider';
import { deviceCertificateKinds, type DeviceCertificateKind } from '../devices/events';
import type { CouponRenews } from '../orders/events';
import type { Decider } from '../shared/decider';
import { DomainError, conflict, invalid, refuse } from '../shared/errors';
import { instantOf } from '../shared/utcTime';
import { renewalSteps, type RenewalEvent, type RenewalPayment, type RenewalStep } from './events';

export const streamOf = (renewalId: string): string => `renewal-${renewalId}`;

export const renewalStates = ['in_progress', 'failed', 'completed', 'abandoned'] as const;
export type RenewalState = (typeof renewalStates)[number];

export interface IssuedCertificate {
  serialNumber: string;
  validFrom: string;
  validUntil: string;
}

export interface RecordedStep {
  certificateKind: DeviceCertificateKind;
  step: RenewalStep;
  recordedBy: string;
  recordedAt: string;
}

export interface Renewal {
  status: RenewalState;
  renewalId: string;
  deviceSerial: string;
  holderCodiceFiscale: string;
  customerId: string | null;
  issuerId: string;
  certificates: DeviceCertificateKind[];
  partialReason: string | null;
  payment: RenewalPayment;
  channel: 'desk' | 'kiosk';
  startedBy: string;
  startedAt: string;
  /** Every step recorded, in order. */
  steps: RecordedStep[];
  /** The last step reached per certificate. */
  reached: Partial<Record<DeviceCertificateKind, RenewalStep>>;
  /** The new certificate per kind, once issued (never asked for twice). */
  issued: Partial<Record<DeviceCertificateKind, IssuedCertificate>>;
  failure: { certificateKind: DeviceCertificateKind | null; stepReached: RenewalStep | null; reason: string; failedAt: string } | null;
  completedAt: string | null;
  abandonment: { reason: string; abandonedBy: string; abandonedAt: string } | null;
  feeOrderId: string | null;
}

export type RenewalAggregateState = { status: 'none' } | Renewal;

export const initialState = (): RenewalAggregateState => ({ status: 'none' });

export function evolve(state: RenewalAggregateState, event: RenewalEvent): RenewalAggregateState {
  if (event.type === 'RenewalStarted') {
    const d = event.data;
    return {
      status: 'in_progress',
      renewalId: d.renewalId,
      deviceSerial: d.deviceSerial,
      holderCodiceFiscale: d.holderCodiceFiscale,
      customerId: d.customerId,
      issuerId: d.issuerId,
      certificates: d.certificates,
      partialReason: d.partialReason,
      payment: d.payment,
      channel: d.channel,
      startedBy: d.startedBy,
      startedAt: d.startedAt,
      steps: [],
      reached: {},
      issued: {},
      failure: null,
      completedAt: null,
      abandonment: null,
      feeOrderId: null,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'RenewalStepRecorded': {
      const d = event.data;
      const issued = d.certificate ? { ...state.issued, [d.certificateKind]: d.certificate } : state.issued;
      return {
        ...state,
        steps: [...state.steps, { certificateKind: d.certificateKind, step: d.step, recordedBy: d.recordedBy, recordedAt: d.recordedAt }],
        reached: { ...state.reached, [d.certificateKind]: d.step },
        issued,
      };
    }
    case 'RenewalFailed': {
      const { certificateKind, stepReached, reason, failedAt } = event.data;
      return { ...state, status: 'failed', failure: { certificateKind, stepReached, reason, failedAt } };
    }
    case 'RenewalResumed':
      return { ...state, status: 'in_progress' };
    case 'RenewalCompleted':
      return { ...state, status: 'completed', completedAt: event.data.completedAt };
    case 'RenewalAbandoned': {
      const { reason, abandonedBy, abandonedAt } = event.data;
      return { ...state, status: 'abandoned', abandonment: { reason, abandonedBy, abandonedAt } };
    }
    case 'RenewalFeeOrdered':
      return { ...state, feeOrderId: event.data.orderId };
    default:
      return state;
  }
}

export const renewalAggregate: Decider<RenewalAggregateState, RenewalEvent> = { initialState, evolve };

function requireRenewal(state: RenewalAggregateState): Renewal {
  if (state.status === 'none') throw new DomainError('renewal_not_found', 'renewal not found', 'not_found');
  return state;
}

function requireText(value: string | null | undefined, field: string, max = 500): string {
  const t = (value ?? '').trim().replace(/\s+/g, ' ');
  if (t === '') throw invalid(field, 'is required', 'value_required');
  if (t.length > max) throw invalid(field, `at most ${max} characters (got ${t.length})`, 'value_too_long');
  return t;
}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

/** How the renewal is paid, as the service resolved it. */
export type StartPayment =
  /** The coupons typed, each with what it pays for here (a certificate, or 'both'). */
  | { mode: 'coupons'; coupons: { couponId: string; certificateKind: CouponRenews }[] }
  /** The customer who will owe the policy's fee. */
  | { mode: 'pay_after'; customerId: string }
  /** The order that paid for it at the desk, as it stands. */
  | { mode: 'desk_sale'; order: { orderId: string; customerId: string; status: string; deviceSerial: string | null } };

export interface StartRenewal {
  renewalId: string;
  device: RegisteredDevice;
  /** The policy ruling the device (policyFor its issuer). */
  policy: IssuerPolicy;
  certificates: DeviceCertificateKind[];
  /** Why a device with two certificates renews only one. */
  partialReason?: string | null;
  payment: StartPayment;
  channel: 'desk' | 'kiosk';
  startedBy: string;
  at: string;
}

/**
 * Starts a renewal. The device must be active; each certificate chosen must be on it, not revoked,
 * and in its window (open or in grace) under the issuer's policy; a device with two certificates
 * renews both unless the operator says why not. Paid by a coupon per certificate (or one 'both'
 * coupon), by pay-after (only where the policy offers it for this device; the fee is the
 * policy's), or by an order paid at the desk for this device.
 */
export function startRenewal(command: StartRenewal, state: RenewalAggregateState): RenewalEvent[] {
  const at = instantOf(command.at);
  if (state.status !== 'none') {
    throw conflict('renewal_exists', `renewal ${command.renewalId} already exists`);
  }
  const { device, policy } = command;
  if (device.deviceStatus !== 'active') {
    throw refuse('device_not_active', `device ${device.serial} is ${device.deviceStatus}: its certificates cannot be renewed`, 'deviceSerial');
  }
  const chosen = command.certificates ?? [];
  if (chosen.length === 0) throw invalid('certificates', 'choose at least one certificate', 'certificates_missing');
  if (new Set(chosen).size !== chosen.length) throw invalid('certificates', 'a certificate is chosen twice', 'certificates_duplicate');
  chosen.forEach((kind, i) => {
    const field = `certificates.${i}`;
    if (!deviceCertificateKinds.includes(kind)) throw invalid(field, `must be one of ${deviceCertificateKinds.join(', ')}`, 'certificate_kind_invalid');
    const certificate = device.certificates[kind];
    if (!certificate) throw refuse('certificate_not_on_device', `device ${device.serial} has no ${kind} certificate`, field);
    if (certificate.status === 'revoked') {
      throw refuse('certificate_revoked', `the ${kind} certificate is revoked: it can never be renewed (a replacement card is needed)`, field);
    }
    const window = windowState(certificate, at, policy);
    if (!renewable(window)) {
      const { opensAt, closesAt } = windowOf(certificate.validUntil, policy);
      if (window === 'not_yet') throw refuse('renewal_window_not_open', `the ${kind} certificate can be renewed from ${opensAt}`, field);
      throw refuse('renewal_window_closed', `the ${kind} certificate could be renewed until ${closesAt}: a replacement card is needed`, field);
    }
  });
  const onDevice = deviceCertificateKinds.filter((k) => device.certificates[k] !== undefined);
  let partialReason: string | null = null;
  if (chosen.length < onDevice.length) {
    if (!command.partialReason || command.partialReason.trim() === '') {
      throw refuse('certificates_both_required', 'the device has two certificates: renew both, or say why only one', 'partialReason');
    }
    partialReason = requireText(command.partialReason, 'partialReason');
  }

  let payment: RenewalPayment;
  let customerId: string | null = null;
  const p = command.payment;
  switch (p.mode) {
    case 'coupons': {
      if (p.coupons.length === 0) throw invalid('payment.coupons', 'give a coupon per certificate', 'coupons_missing');
      const paid = new Set<DeviceCertificateKind>();
      const ids = new Set<string>();
      p.coupons.forEach((c, i) => {
        const field = `payment.coupons.${i}`;
        if (ids.has(c.couponId)) throw invalid(field, 'the same coupon is given twice', 'coupon_duplicate');
        ids.add(c.couponId);
        const pays: DeviceCertificateKind[] = c.certificateKind === 'both' ? [...chosen] : [c.certificateKind];
        if (c.certificateKind === 'both' && chosen.length < 2) {
          throw refuse('coupon_kind_mismatch', 'a coupon for both certificates pays for one here: give it for that certificate', field);
        }
        for (const kind of pays) {
          if (!chosen.includes(kind)) throw refuse('coupon_kind_mismatch', `the coupon renews the ${kind} certificate, which is not being renewed`, field);
          if (paid.has(kind)) throw refuse('coupons_too_many', `the ${kind} certificate is paid by two coupons`, field);
          paid.add(kind);
        }
      });
      const unpaid = chosen.filter((k) => !paid.has(k));
      if (unpaid.length > 0) throw refuse('coupons_missing', `no coupon pays for the ${unpaid.join(' and ')} certificate`, 'payment.coupons');
      payment = { mode: 'coupons', coupons: p.coupons.map((c) => ({ couponId: c.couponId, certificateKind: c.certificateKind })) };
      break;
    }
    case 'pay_after': {
      if (!payAfterAllowed(policy, device)) {
        throw refuse('pay_after_not_offered', `pay-after renewal is not offered for this device (${device.kind}, issued ${device.issuedOn}) by its issuer`, 'payment.mode');
      }
      customerId = requireText(p.customerId, 'payment.customerId', 100);
      payment = { mode: 'pay_after', feeCents: policy.payAfterFeeCents, vatRateBp: policy.payAfterVatRateBp };
      break;
    }
    case 'desk_sale': {
      const order = p.order;
      if (order.deviceSerial !== device.serial) {
        throw refuse('order_not_for_device', `order ${order.orderId} was not placed for device ${device.serial}`, 'payment.orderId');
      }
      if (order.status !== 'paid') throw refuse('order_not_paid', `order ${order.orderId} is not paid`, 'payment.orderId');
      customerId = order.customerId;
      payment = { mode: 'desk_sale', orderId: order.orderId };
      break;
    }
    default:
      throw invalid('payment.mode', "must be 'coupons', 'pay_after' or 'desk_sale'", 'payment_mode_invalid');
  }

  return [
    {
      type: 'RenewalStarted',
      data: {
        renewalId: command.renewalId,
        deviceSerial: device.serial,
        holderCodiceFiscale: device.holderCodiceFiscale,
        customerId,
        issuerId: policy.issuerId,
        certificates: deviceCertificateKinds.filter((k) => chosen.includes(k)),
        partialReason,
        payment,
        channel: command.channel,
        startedBy: command.startedBy,
        startedAt: at,
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Steps, failure, resumption
// ---------------------------------------------------------------------------------------------

function requireRunning(renewal: Renewal): void {
  switch (renewal.status) {
    case 'in_progress':
      return;
    case 'failed':
      throw refuse('renewal_failed', 'the renewal failed: resume it first');
    case 'completed':
      throw refuse('renewal_completed', 'the renewal is completed');
    case 'abandoned':
      throw refuse('renewal_abandoned', 'the renewal was abandoned');
  }
}

export interface RecordStep {
  certificateKind: DeviceCertificateKind;
  step: RenewalStep;
  /** With certificate_issued: the new certificate as the CA issued it. */
  certificate?: IssuedCertificate | null;
  recordedBy: string;
  at: string;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function instantField(value: string, field: string): string {
  const t = ISO_INSTANT.test(value ?? '') ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(t)) throw invalid(field, `must be a date and time, ISO-8601 with Z or an offset (got '${value}')`, 'date_time_invalid');
  return new Date(t).toISOString();
}

/**
 * Records a step of one certificate's renewal, in order (keys generated, request sent, certificate
 * issued, installed, verified). A step already recorded again changes nothing (a retry); skipping
 * one is refused. certificate_issued carries the new certificate, recorded once: the CA is never
 * asked for a second (another certificate for the same renewal is refused).
 *
 * The certificate's dates are recorded as the CA wrote them, checked only for sense (validUntil
 * after validFrom and after the step), not against the policy's validity: the CA is the authority
 * on its own certificate.
 */
export function recordStep(command: RecordStep, state: RenewalAggregateState): RenewalEvent[] {
  const at = instantOf(command.at);
  const renewal = requireRenewal(state);
  const kind = command.certificateKind;
  if (!renewal.certificates.includes(kind)) {
    throw refuse('certificate_not_in_renewal', `the ${kind} certificate is not part of this renewal`, 'certificateKind');
  }
  const index = renewalSteps.indexOf(command.step);
  if (index < 0) throw invalid('step', `must be one of ${renewalSteps.join(', ')}`, 'renewal_step_invalid');
  const reached = renewal.reached[kind];
  const reachedIndex = reached === undefined ? -1 : renewalSteps.indexOf(reached);
  const issuing = command.step === 'certificate_issued';
  let certificate: IssuedCertificate | null = null;
  if (issuing) {
    const c = command.certificate;
    if (!c) throw invalid('certificate', 'the certificate issued is required with certificate_issued', 'certificate_required');
    const serialNumber = (c.serialNumber ?? '').replace(/[\s:]+/g, '').toUpperCase();
    if (!/^[0-9A-Z]{1,64}$/.test(serialNumber)) {
      throw invalid('certificate.serialNumber', `certificate serial must be 1 to 64 letters or digits (got '${c.serialNumber ?? ''}')`, 'certificate_serial_invalid');
    }
    const validFrom = instantField(c.validFrom, 'certificate.validFrom');
    const validUntil = instantField(c.validUntil, 'certificate.validUntil');
    if (Date.parse(validUntil) <= Date.parse(validFrom)) {
      throw invalid('certificate.validUntil', `must be later than validFrom (${validFrom}); got ${validUntil}`, 'validity_reversed');
    }
    if (Date.parse(validUntil) <= Date.parse(at)) throw invalid('certificate.validUntil', `the new certificate is already expired (${validUntil})`, 'certificate_expired');
    certificate = { serialNumber, validFrom, validUntil };
    const already = renewal.issued[kind];
    if (already) {
      if (already.serialNumber === serialNumber) return [];
      throw conflict('renewal_certificate_already_issued', `the ${kind} certificate was already issued for this renewal (${already.serialNumber}): no second one`);
    }
  } else if (command.certificate) {
    throw invalid('certificate', 'only certificate_issued carries a certificate', 'certificate_unexpected');
  }
  if (index <= reachedIndex) return [];
  requireRunning(renewal);
  if (index !== reachedIndex + 1) {
    const next = renewalSteps[reachedIndex + 1]!;
    throw refuse('renewal_step_out_of_order', `the next step of the ${kind} certificate is ${next}, not ${command.step}`, 'step');
  }
  return [
    {
      type: 'RenewalStepRecorded',
      data: { renewalId: renewal.renewalId, certificateKind: kind, step: command.step, certificate, recordedBy: command.recordedBy, recordedAt: at },
    },
  ];
}

export interface FailRenewal {
  /** The certificate whose step failed; null when not tied to one. */
  certificateKind?: DeviceCertificateKind | null;
  reason: string;
  at: string;
}

/** Records the failure with the step reached; the renewal can be resumed later. */
export function failRenewal(command: FailRenewal, state: RenewalAggregateState): RenewalEvent[] {
  const at = instantOf(command.at);
  const renewal = requireRenewal(state);
  if (renewal.status === 'failed') return [];
  requireRunning(renewal);
  const reason = requireText(command.reason, 'reason');
  const kind = command.certificateKind ?? null;
  if (kind !== null && !renewal.certificates.includes(kind)) {
    throw refuse('certificate_not_in_renewal', `the ${kind} certificate is not part of this renewal`, 'certificateKind');
  }
  // Not tied to a certificate: the step of the certificate furthest along.
  let stepReached: RenewalStep | null = null;
  for (const k of kind !== null ? [kind] : renewal.certificates) {
    const r = renewal.reached[k];
    if (r !== undefined && (stepReached === null || renewalSteps.indexOf(r) > renewalSteps.indexOf(stepReached))) stepReached = r;
  }
  return [{ type: 'RenewalFailed', data: { renewalId: renewal.renewalId, certificateKind: kind, stepReached, reason, failedAt: at } }];
}

/** Resumes a failed renewal from the step it reached; a running one changes nothing. */
export function resumeRenewal(command: { resumedBy: string; at: string }, state: RenewalAggregateState): RenewalEvent[] {
  const at = instantOf(command.at);
  const renewal = requireRenewal(state);
  if (renewal.status === 'in_progress') return [];
  if (renewal.status !== 'failed') requireRunning(renewal);
  return [{ type: 'RenewalResumed', data: { renewalId: renewal.renewalId, resumedBy: command.resumedBy, resumedAt: at } }];
}

// ---------------------------------------------------------------------------------------------
// Completion, abandonment, the fee order
// ---------------------------------------------------------------------------------------------

/** The new certificates, once every chosen one is issued; refused otherwise. */
export function certificatesToInstall(renewal: Renewal): Array<{ kind: DeviceCertificateKind } & IssuedCertificate> {
  const missing = renewal.certificates.filter((k) => !renewal.issued[k]);
  if (missing.length > 0) {
    throw refuse('renewal_certificate_not_issued', `the ${missing.join(' and ')} certificate has not been issued yet`);
  }
  return renewal.certificates.map((kind) => ({ kind, ...renewal.issued[kind]! }));
}

/**
 * Completes the renewal with its new certificates (every chosen certificate issued). Completing
 * again changes nothing. The service redeems the coupons and replaces the device's certificates.
 */
export function completeRenewal(command: { completedBy: string; at: string }, state: RenewalAggregateState): RenewalEvent[] {
  const at = instantOf(command.at);
  const renewal = requireRenewal(state);
  if (renewal.status === 'completed') return [];
  requireRunning(renewal);
  const certificates = certificatesToInstall(renewal);
  return [{ type: 'RenewalCompleted', data: { renewalId: renewal.renewalId, certificates, completedBy: command.completedBy, completedAt: at } }];
}

/**
 * Abandons the renewal (its coupons are then released). Not after completion; nor once a new
 * certificate has been issued, which the coupon has paid for: complete it instead.
 */
export function abandonRenewal(command: { reason: string; abandonedBy: string; at: string }, state: RenewalAggregateState): RenewalEvent[] {
  const at = instantOf(command.at);
  const renewal = requireRenewal(state);
  if (renewal.status === 'abandoned') return [];
  if (renewal.status === 'completed') throw refuse('renewal_completed', 'a completed renewal cannot be abandoned');
  const reason = requireText(command.reason, 'reason');
  const issued = renewal.certificates.filter((k) => renewal.issued[k]);
  if (issued.length > 0) {
    throw refuse('renewal_certificate_issued', `the ${issued.join(' and ')} certificate has been issued already: complete the renewal instead`);
  }
  return [{ type: 'RenewalAbandoned', data: { renewalId: renewal.renewalId, reason, abandonedBy: command.abandonedBy, abandonedAt: at } }];
}

/** Records the pay-after fee order (once; the same order again changes nothing). */
export function recordFeeOrder(command: { orderId: string; at: string }, state: RenewalAggregateState): RenewalEvent[] {
  const at = instantOf(command.at);
  const renewal = requireRenewal(state);
  if (renewal.payment.mode !== 'pay_after') throw refuse('renewal_not_pay_after', 'the renewal is not paid afterwards');
  if (renewal.status !== 'completed') throw refuse('renewal_not_completed', 'the fee is ordered once the renewal is completed');
  if (renewal.feeOrderId === command.orderId) return [];
  if (renewal.feeOrderId !== null) throw conflict('renewal_fee_already_ordered', `the fee was ordered already (order ${renewal.feeOrderId})`);
  return [{ type: 'RenewalFeeOrdered', data: { renewalId: renewal.renewalId, orderId: command.orderId, orderedAt: at } }];
}

/** The coupons the renewal holds (coupons payment), for reserving, releasing and redeeming. */
export const couponsOf = (renewal: Pick<Renewal, 'payment'>): { couponId: string; certificateKind: CouponRenews }[] =>
  renewal.payment.mode === 'coupons' ? renewal.payment.coupons : [];
