// Issuer policies (stream `issuer-policies`, see issuerPolicy.ts): the renewal rules of one certificate issuer
// (the CA / trust service provider, as devices name it in their `issuer`), set and changed by a
// supervisor or an admin. Each change is the whole policy as it stands from then on.
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';
import { deviceKinds } from '../devices/events';

/** A slug of the issuer's name (`camera-di-commercio-di-roma`), or `default` for every other issuer. */
export const issuerIdPattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export const issuerPolicySchema = z.object({
  issuerId: z.string().regex(issuerIdPattern),
  /** The name devices carry in `issuer` (matched ignoring case and spacing); 'Predefinita' for default. */
  issuerName: z.string().min(1),
  /** Renewal opens this many days before the certificate's notAfter. */
  renewalOpensDaysBefore: z.number().int().min(1).max(365),
  /** How long after notAfter a renewal is still accepted (the guides: 24 hours). */
  graceHours: z.number().int().min(0).max(720),
  /** The renewed certificate is valid this many years from the day of the renewal (the guides: 3). */
  validityYears: z.number().int().min(1).max(10),
  payAfter: z.object({
    offered: z.boolean(),
    /** The device kinds it is offered for (the guides: smart cards). */
    deviceKinds: z.array(z.enum(deviceKinds)),
    /** Only devices issued on or after this day (the guides: 2009-01-01); null for any. */
    issuedFrom: z.iso.date().nullable(),
  }),
  /** The pay-after fee, excluding VAT (the guides: 1000 = €10.00) and its VAT rate in basis points. */
  payAfterFeeCents: z.number().int().min(0),
  payAfterVatRateBp: z.number().int().min(0).max(10_000),
});
export type IssuerPolicy = z.infer<typeof issuerPolicySchema>;

export const issuerPolicySet = eventShape(
  'IssuerPolicySet',
  issuerPolicySchema.extend({
    setBy: z.string().min(1),
    setAt: z.iso.datetime(),
  }),
);

export const issuerPolicyEventShapes = [issuerPolicySet];
export type IssuerPolicySet = EventOf<typeof issuerPolicySet>;
export type IssuerPolicyEvent = IssuerPolicySet;
