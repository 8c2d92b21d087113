// Signature devices (smart cards, USB tokens) sold by this reseller and their certificates:
// stream `device-<serial>`.
//
// A device is registered with one or two certificates (one per kind); over its life a certificate
// is renewed (same kind, new serial and validity) or revoked, and the device changes status the
// way a token does: active, lost, suspended, terminated (replaced, or withdrawn for good).
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';
import { deviceStatuses, revocationReasons, type DeviceStatus, type RevocationReason } from './status';

export const deviceKinds = ['smart_card', 'usb_token'] as const;
export type DeviceKind = (typeof deviceKinds)[number];

/** 'signing' = Sottoscrizione (qualified signature), 'authentication' = Autenticazione (CNS). */
export const deviceCertificateKinds = ['signing', 'authentication'] as const;
export type DeviceCertificateKind = (typeof deviceCertificateKinds)[number];

/** Letters and digits, upper case, e.g. `1205100000`. */
export const deviceSerialPattern = /^[A-Z0-9]{4,32}$/;

export const deviceCertificateSchema = z.object({
  kind: z.enum(deviceCertificateKinds),
  /** The certificate's serial number as the CA writes it (hex or decimal), upper case. */
  serialNumber: z.string().min(1),
  validFrom: z.iso.datetime(),
  /** Inclusive (X.509 notAfter). */
  validUntil: z.iso.datetime(),
});
export type DeviceCertificate = z.infer<typeof deviceCertificateSchema>;

export const deviceRegistered = eventShape(
  'DeviceRegistered',
  z.object({
    serial: z.string().regex(deviceSerialPattern),
    kind: z.enum(deviceKinds),
    /** Who sold/issued it, e.g. the chamber of commerce. */
    issuer: z.string().min(1),
    issuedOn: z.iso.date(),
    holderCodiceFiscale: z.string().regex(/^[A-Z0-9]{16}$/),
    /** One or two, at most one of each kind. */
    certificates: z
      .array(deviceCertificateSchema)
      .min(1)
      .max(2)
      .refine((cs) => new Set(cs.map((c) => c.kind)).size === cs.length, 'at most one certificate of each kind'),
    registeredAt: z.iso.datetime(),
  }),
);

/** The device's certificate of `kind` is replaced by the renewed one. */
export const certificateRenewed = eventShape(
  'CertificateRenewed',
  z.object({
    serial: z.string().regex(deviceSerialPattern),
    kind: z.enum(deviceCertificateKinds),
    previousSerialNumber: z.string().min(1),
    serialNumber: z.string().min(1),
    validFrom: z.iso.datetime(),
    validUntil: z.iso.datetime(),
    /** The renewal (stream `renewal-<id>`) that did it, or the CA's report when renewed elsewhere. */
    renewalId: z.string().nullable(),
    reportId: z.string().nullable(),
    renewedAt: z.iso.datetime(),
  }),
);

export { deviceStatuses, revocationReasons, type DeviceStatus, type RevocationReason };

export const certificateRevoked = eventShape(
  'CertificateRevoked',
  z.object({
    serial: z.string().regex(deviceSerialPattern),
    kind: z.enum(deviceCertificateKinds),
    serialNumber: z.string().min(1),
    reason: z.enum(revocationReasons),
    /** The replacement request it was revoked for, if any. */
    replacementRequestId: z.string().nullable(),
    revokedBy: z.string().min(1),
    revokedAt: z.iso.datetime(),
  }),
);


export const deviceStatusChanged = eventShape(
  'DeviceStatusChanged',
  z.object({
    serial: z.string().regex(deviceSerialPattern),
    from: z.enum(deviceStatuses),
    to: z.enum(deviceStatuses),
    reason: z.string().min(1),
    /** The device that replaces this one, when it is terminated for a replacement. */
    replacedBy: z.string().nullable(),
    changedBy: z.string().min(1),
    changedAt: z.iso.datetime(),
  }),
);

export const deviceEventShapes = [deviceRegistered, certificateRenewed, certificateRevoked, deviceStatusChanged];

export type DeviceRegistered = EventOf<typeof deviceRegistered>;
export type CertificateRenewed = EventOf<typeof certificateRenewed>;
export type CertificateRevoked = EventOf<typeof certificateRevoked>;
export type DeviceStatusChanged = EventOf<typeof deviceStatusChanged>;
export type DeviceEvent = DeviceRegistered | CertificateRenewed | CertificateRevoked | DeviceStatusChanged;

/**
 * The index of a holder's devices, stream `holder-devices-<codiceFiscale>`: one event per device
 * registered for the holder, so the guided purchase can list them by codice fiscale until a
 * projection serves that list. An entry is a hint: readers check the device's own stream.
 */
export const holderDeviceListed = eventShape(
  'HolderDeviceListed',
  z.object({
    codiceFiscale: z.string().regex(/^[A-Z0-9]{16}$/),
    serial: z.string().regex(deviceSerialPattern),
    listedAt: z.iso.datetime(),
  }),
);

export const holderDeviceEventShapes = [holderDeviceListed];

export type HolderDeviceListed = EventOf<typeof holderDeviceListed>;
export type HolderDeviceEvent = HolderDeviceListed;

export const holderDevicesStreamOf = (codiceFiscale: string): string => `holder-devices-${codiceFiscale}`;
