// Signature devices (smart cards, USB tokens) sold by this reseller and their certificates:
// stream `device-<serial>`.
//
// Only registration exists today. The state is keyed by certificate kind so that the events still
// to come fit without reshaping it: a certificate renewed (same kind, new serial, validity three
// years from the renewal day), a certificate revoked, the device replaced by a new one.
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';

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

export const deviceEventShapes = [deviceRegistered];

export type DeviceRegistered = EventOf<typeof deviceRegistered>;
export type DeviceEvent = DeviceRegistered;

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
