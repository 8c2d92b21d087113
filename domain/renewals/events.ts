// Renewals (stream `renewal-<renewalId>`): one renewal of a device's certificates, at the desk or
// the kiosk, from its start to its completion (the device's certificates replaced) or its
// abandonment; a failure records the step reached and the renewal can be resumed from there
// without a second coupon or a second certificate.
//
// And the CA's reports (stream `ca-report-<reportId>`) of renewals done elsewhere (the customer at
// home with the CA's own software): which coupons were redeemed and the new certificates.
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';
import { deviceCertificateKinds, deviceSerialPattern } from '../devices/events';

const kind = z.enum(deviceCertificateKinds);

/** The steps of renewing one certificate, in order. */
export const renewalSteps = ['keys_generated', 'request_sent', 'certificate_issued', 'certificate_installed', 'verified'] as const;
export type RenewalStep = (typeof renewalSteps)[number];

export const renewalPaymentSchema = z.discriminatedUnion('mode', [
  /** A coupon per certificate (a 'both' coupon may pay for both), reserved when the renewal starts. */
  z.object({ mode: z.literal('coupons'), coupons: z.array(z.object({ couponId: z.string().min(1), certificateKind: z.enum([...deviceCertificateKinds, 'both']) })).min(1) }),
  /** Renewed first, paid afterwards: an order for the policy's fee is placed when it completes. */
  z.object({ mode: z.literal('pay_after'), feeCents: z.number().int().min(0), vatRateBp: z.number().int().min(0).max(10_000) }),
  /** Sold at the desk: the order (paid at the desk) that pays for it. */
  z.object({ mode: z.literal('desk_sale'), orderId: z.string().min(1) }),
]);
export type RenewalPayment = z.infer<typeof renewalPaymentSchema>;

export const renewalStarted = eventShape(
  'RenewalStarted',
  z.object({
    renewalId: z.string().min(1),
    deviceSerial: z.string().regex(deviceSerialPattern),
    holderCodiceFiscale: z.string().regex(/^[A-Z0-9]{16}$/),
    /** Who pays (for pay-after, the order's customer); null when paid by coupons only. */
    customerId: z.string().nullable(),
    issuerId: z.string().min(1),
    certificates: z.array(kind).min(1).max(2),
    /** Why a device with two certificates renews only one (the operator's words). */
    partialReason: z.string().nullable(),
    payment: renewalPaymentSchema,
    channel: z.enum(['desk', 'kiosk']),
    startedBy: z.string().min(1),
    startedAt: z.iso.datetime(),
  }),
);

export const renewalStepRecorded = eventShape(
  'RenewalStepRecorded',
  z.object({
    renewalId: z.string().min(1),
    certificateKind: kind,
    step: z.enum(renewalSteps),
    /** With certificate_issued: the new certificate, so a resumed renewal does not ask for a second one. */
    certificate: z.object({ serialNumber: z.string().min(1), validFrom: z.iso.datetime(), validUntil: z.iso.datetime() }).nullable(),
    recordedBy: z.string().min(1),
    recordedAt: z.iso.datetime(),
  }),
);

export const renewalFailed = eventShape(
  'RenewalFailed',
  z.object({
    renewalId: z.string().min(1),
    certificateKind: kind.nullable(),
    /** The last step reached (null: none yet). */
    stepReached: z.enum(renewalSteps).nullable(),
    reason: z.string().min(1),
    failedAt: z.iso.datetime(),
  }),
);

export const renewalResumed = eventShape(
  'RenewalResumed',
  z.object({ renewalId: z.string().min(1), resumedBy: z.string().min(1), resumedAt: z.iso.datetime() }),
);

export const renewalCompleted = eventShape(
  'RenewalCompleted',
  z.object({
    renewalId: z.string().min(1),
    certificates: z.array(z.object({ kind, serialNumber: z.string().min(1), validFrom: z.iso.datetime(), validUntil: z.iso.datetime() })).min(1),
    completedBy: z.string().min(1),
    completedAt: z.iso.datetime(),
  }),
);

export const renewalAbandoned = eventShape(
  'RenewalAbandoned',
  z.object({ renewalId: z.string().min(1), reason: z.string().min(1), abandonedBy: z.string().min(1), abandonedAt: z.iso.datetime() }),
);

/** Pay-after: the order for the fee, placed once the renewal completed. */
export const renewalFeeOrdered = eventShape(
  'RenewalFeeOrdered',
  z.object({ renewalId: z.string().min(1), orderId: z.string().min(1), orderedAt: z.iso.datetime() }),
);

export const renewalEventShapes = [renewalStarted, renewalStepRecorded, renewalFailed, renewalResumed, renewalCompleted, renewalAbandoned, renewalFeeOrdered];

export type RenewalStarted = EventOf<typeof renewalStarted>;
export type RenewalEvent =
  | RenewalStarted
  | EventOf<typeof renewalStepRecorded>
  | EventOf<typeof renewalFailed>
  | EventOf<typeof renewalResumed>
  | EventOf<typeof renewalCompleted>
  | EventOf<typeof renewalAbandoned>
  | EventOf<typeof renewalFeeOrdered>;

// ---------------------------------------------------------------------------------------------
// One renewal of a device at a time (stream `device-renewal-<serial>`)
// ---------------------------------------------------------------------------------------------

/** A renewal takes the device: no second renewal of it starts until this one completes or is abandoned. */
export const deviceRenewalClaimed = eventShape(
  'DeviceRenewalClaimed',
  z.object({
    deviceSerial: z.string().regex(deviceSerialPattern),
    renewalId: z.string().min(1),
    /** The renewal that held it before and was found finished (or never started) without giving it back. */
    takenOver: z.string().nullable(),
    claimedAt: z.iso.datetime(),
  }),
);

export const deviceRenewalReleased = eventShape(
  'DeviceRenewalReleased',
  z.object({ deviceSerial: z.string().regex(deviceSerialPattern), renewalId: z.string().min(1), releasedAt: z.iso.datetime() }),
);

export const deviceRenewalClaimEventShapes = [deviceRenewalClaimed, deviceRenewalReleased];
export type DeviceRenewalClaimEvent = EventOf<typeof deviceRenewalClaimed> | EventOf<typeof deviceRenewalReleased>;

// ---------------------------------------------------------------------------------------------
// The CA's reports (stream `ca-report-<reportId>`)
// ---------------------------------------------------------------------------------------------

/** What became of one line of a report; anything but `applied` is reported back to the CA. */
export const caReportOutcomes = [
  'applied',
  'coupon_unknown',
  'coupon_already_redeemed',
  'coupon_kind_mismatch',
  'coupon_not_usable',
  'device_unknown',
  'certificate_not_renewable',
  'line_invalid',
] as const;
export type CaReportOutcome = (typeof caReportOutcomes)[number];

export const caReportReceived = eventShape(
  'CaReportReceived',
  z.object({
    reportId: z.string().min(1),
    via: z.enum(['webhook', 'csv']),
    /** The accountant who uploaded it, or `ca-webhook`. */
    receivedBy: z.string().min(1),
    lines: z.array(
      z.object({
        line: z.number().int().min(1),
        couponCode: z.string(),
        deviceSerial: z.string(),
        certificateKind: z.string(),
        serialNumber: z.string(),
        validFrom: z.string(),
        validUntil: z.string(),
        /** When the CA says the coupon was used, as reported (absent in reports recorded before it was kept). */
        redeemedAt: z.string().optional(),
        outcome: z.enum(caReportOutcomes),
        message: z.string(),
      }),
    ),
    receivedAt: z.iso.datetime(),
  }),
);

export const caReportEventShapes = [caReportReceived];
export type CaReportEvent = EventOf<typeof caReportReceived>;
