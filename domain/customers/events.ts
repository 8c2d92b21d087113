// Customer events: who buys (a private holder, a firm, a Registration Officer), their profile e-mail
// and billing address, and the two uniqueness guards ("one codice fiscale, one customer"; the same
// for the partita IVA).
//
// Streams: `customer-<customerId>` holds CustomerRegistered, CustomerEmailChanged and
// CustomerSdiAddressChanged;
// `customer-cf-<CF>` holds only CustomerTaxCodeClaimed and `customer-piva-<PIVA>` only
// CustomerVatNumberClaimed, each appended with expectedRevision 'no_stream' (the stream's existence
// is the guard).
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';

/**
 * Italian billing address. For a foreign address the FatturaPA convention applies: postal code
 * `00000` and province `EE`, with the country's ISO 3166-1 alpha-2 code.
 */
export const billingAddressSchema = z.object({
  street: z.string().min(1),
  postalCode: z.string().regex(/^\d{5}$/),
  city: z.string().min(1),
  province: z.string().regex(/^[A-Z]{2}$/),
  country: z.string().regex(/^[A-Z]{2}$/),
});
export type BillingAddress = z.infer<typeof billingAddressSchema>;

const registrationCommon = {
  customerId: z.string().min(1),
  /** Profile e-mail, trimmed and lower-cased: coupon codes are sent here. */
  email: z.email(),
  billingAddress: billingAddressSchema,
  registeredAt: z.iso.datetime(),
};

/**
 * A natural person: a private holder, or a Registration Officer (registrationOfficer = true).
 * The codice fiscale is the 16-character personal code, normalised (upper case, no spaces).
 */
const personRegistered = z.object({
  ...registrationCommon,
  kind: z.literal('person'),
  name: z.string().min(1),
  surname: z.string().min(1),
  codiceFiscale: z.string().regex(/^[A-Z0-9]{16}$/),
  registrationOfficer: z.boolean(),
});

/**
 * A firm: company name, partita IVA (11 digits, no "IT"), optionally its codice fiscale (11 digits
 * for a company, 16 characters for a sole trader). A firm is never a Registration Officer.
 */
const firmRegistered = z.object({
  ...registrationCommon,
  kind: z.literal('firm'),
  name: z.string().min(1),
  partitaIva: z.string().regex(/^\d{11}$/),
  codiceFiscale: z.string().regex(/^(\d{11}|[A-Z0-9]{16})$/).nullable(),
  registrationOfficer: z.literal(false),
});

export const customerRegistered = eventShape(
  'CustomerRegistered',
  z.discriminatedUnion('kind', [personRegistered, firmRegistered]),
);

export const customerEmailChanged = eventShape(
  'CustomerEmailChanged',
  z.object({
    customerId: z.string().min(1),
    oldEmail: z.email(),
    newEmail: z.email(),
    changedAt: z.iso.datetime(),
  }),
);

/**
 * Where the Exchange System (SdI) delivers the customer's e-invoices: a 7-character recipient
 * code (codice destinatario, firms only) and/or a PEC address. Both null: none known (a consumer's
 * invoices go to their tax drawer with code 0000000). Customers registered before this event
 * existed simply have none.
 */
export const customerSdiAddressChanged = eventShape(
  'CustomerSdiAddressChanged',
  z.object({
    customerId: z.string().min(1),
    sdiCode: z.string().regex(/^[A-Z0-9]{7}$/).nullable(),
    pecAddress: z.email().nullable(),
    changedAt: z.iso.datetime(),
  }),
);

/** The only event of the guard stream `customer-cf-<codiceFiscale>`. */
export const customerTaxCodeClaimed = eventShape(
  'CustomerTaxCodeClaimed',
  z.object({
    codiceFiscale: z.string().regex(/^(\d{11}|[A-Z0-9]{16})$/),
    customerId: z.string().min(1),
    claimedAt: z.iso.datetime(),
  }),
);

/** The only event of the guard stream `customer-piva-<partitaIva>`. */
export const customerVatNumberClaimed = eventShape(
  'CustomerVatNumberClaimed',
  z.object({
    partitaIva: z.string().regex(/^\d{11}$/),
    customerId: z.string().min(1),
    claimedAt: z.iso.datetime(),
  }),
);

export const customerEventShapes = [
  customerRegistered,
  customerEmailChanged,
  customerSdiAddressChanged,
  customerTaxCodeClaimed,
  customerVatNumberClaimed,
];

export type CustomerRegistered = EventOf<typeof customerRegistered>;
export type CustomerEmailChanged = EventOf<typeof customerEmailChanged>;
export type CustomerSdiAddressChanged = EventOf<typeof customerSdiAddressChanged>;
export type CustomerTaxCodeClaimed = EventOf<typeof customerTaxCodeClaimed>;
export type CustomerVatNumberClaimed = EventOf<typeof customerVatNumberClaimed>;

/** Events of a `customer-<id>` stream. */
export type CustomerEvent = CustomerRegistered | CustomerEmailChanged | CustomerSdiAddressChanged;
/** Events of the guard streams. */
export type CustomerClaimEvent = CustomerTaxCodeClaimed | CustomerVatNumberClaimed;

export type CustomerAreaEvent = CustomerEvent | CustomerClaimEvent;
