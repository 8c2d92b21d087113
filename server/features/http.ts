// What the sales command routes share: parameter and body pieces, the response shapes of the
// domain's states, and the read-your-writes step every command takes before answering.
//
// Bodies only check shapes here (types, lengths, required fields, no unknown fields); the rules
// that need the domain (codice fiscale and partita IVA checks, postal codes, prices, dates) are the
// deciders', whose refusals name the field and the check the same way (400, `errors.<field>`).
import type { CommandContext } from '../../events/eventCatalogue';
import { commandContext } from '../security/commandContext';
import { windowStates } from '../../domain/certificates/renewalWindow';
import { deviceStatuses } from '../../domain/devices/events';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { directPaymentMethods, documentLineSchema, orderPaymentSchema, totalsSchema, vatRateSummarySchema } from '../../domain/orders/events';
import { productKinds } from '../../domain/catalogue/events';
import { projectionNames } from '../../projections/index';
import { answerAfterProjections } from '../read/readYourWrites';
import { derivedId } from './ids';

export { directPaymentMethods, projectionNames };

export const MAX_TEXT = 200;

/** A path id: every id the sales services make is a UUID. */
export const idParams = (what: string) => z.object({ id: z.uuid(`must be ${what} id (UUID)`) });

export const text = (max = MAX_TEXT) => z.string().max(max, `at most ${max} characters`);
export const requiredText = (max = MAX_TEXT) => text(max).trim().min(1, 'is required');
export const cents = z.number({ error: 'must be a number of cents' }).int('must be a whole number of cents');
export const positiveCents = cents.positive('must be more than 0 cents').max(100_000_000, 'at most 1,000,000.00 €');
/** `YYYY-MM-DD`; the calendar check is the domain's. */
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** A command without input: no body, or `{}`. */
export const noInput = z.object({}).strict().nullish();

export const position = z.number().int().nonnegative().describe('global position of the last event appended (0: nothing changed)');

/** Waits (bounded) until the read models the console reads next have seen `position`. */
export function afterWrite(request: FastifyRequest, at: number, names?: readonly string[]): Promise<boolean> {
  return answerAfterProjections(request, at, names);
}

/**
 * Runs a command's service in the request's command context (who, when, correlation, idempotency
 * key) and answers once the read models the console reads next (`readModels`) have caught up with
 * what it appended, so that the list the user goes back to shows the change.
 */
export async function command<R extends { position: number }>(
  request: FastifyRequest,
  readModels: readonly string[],
  service: (context: CommandContext) => Promise<R>,
): Promise<R> {
  const result = await service(commandContext(request));
  await afterWrite(request, result.position, readModels);
  return result;
}

/**
 * An id for what a command creates: derived from the user and the Idempotency-Key when one was
 * sent (a retry after a lost answer, or after our own failure, lands on the same order, customer,
 * payment…), else new.
 */
export function idFor(request: FastifyRequest, kind: string, fresh: () => string): string {
  const key = request.headers['idempotency-key'];
  if (typeof key === 'string' && key.length > 0 && request.staff) return derivedId(`http-${kind}`, request.staff.userId, key);
  return fresh();
}

// --- response shapes ----------------------------------------------------------------------------

export const addressOut = z.object({
  street: z.string(),
  postalCode: z.string(),
  city: z.string(),
  province: z.string(),
  country: z.string(),
});

export const customerOut = z.object({
  customerId: z.string(),
  kind: z.enum(['person', 'firm']),
  registrationOfficer: z.boolean(),
  name: z.string(),
  surname: z.string().nullable(),
  codiceFiscale: z.string().nullable(),
  partitaIva: z.string().nullable(),
  email: z.string(),
  billingAddress: addressOut,
});

export const productOut = z.object({
  code: z.string(),
  description: z.string(),
  kind: z.enum(productKinds),
  renews: z.enum(['signing', 'authentication', 'both', 'none']),
  professionalRole: z.string().nullable(),
  timestampPackSize: z.number().int().nullable(),
  priceCents: z.number().int(),
  vatRateBp: z.number().int(),
  status: z.enum(['available', 'withdrawn']),
  addedAt: z.string(),
  priceChangedAt: z.string().nullable(),
});

const certificateOut = z.object({
  kind: z.enum(['signing', 'authentication']),
  serialNumber: z.string(),
  validFrom: z.string(),
  validUntil: z.string(),
  status: z.enum(['active', 'revoked']),
  revokedAt: z.string().nullable(),
});

export const deviceOut = z.object({
  serial: z.string(),
  kind: z.enum(['smart_card', 'usb_token']),
  issuer: z.string(),
  issuedOn: z.string(),
  holderCodiceFiscale: z.string(),
  certificates: z.object({ signing: certificateOut.optional(), authentication: certificateOut.optional() }),
  registeredAt: z.string(),
  deviceStatus: z.enum(deviceStatuses),
  replacedBy: z.string().nullable(),
});

const windowState = z.enum(windowStates);

export const unusedCouponOut = z.object({
  couponId: z.string(),
  codeHint: z.string().describe('the code masked but for its last group, as shown to every role'),
  productCode: z.string(),
  renews: z.enum(['signing', 'authentication', 'both']),
  issuedAt: z.string(),
  validUntil: z.string().describe('not redeemable after this instant'),
  orderId: z.string().describe('the order it was issued from'),
});

export const renewableDeviceOut = z.object({
  serial: z.string(),
  kind: z.enum(['smart_card', 'usb_token']),
  issuer: z.string(),
  issuedOn: z.string(),
  policyId: z.string().describe('the issuer policy whose renewal window rules it'),
  status: windowState.describe('the worst renewal-window state of its certificates (not_yet, open, in_grace, closed)'),
  certificates: z.array(
    z.object({
      kind: z.enum(['signing', 'authentication']),
      serialNumber: z.string(),
      validUntil: z.string(),
      opensAt: z.string().describe("when renewal opens under the issuer's policy"),
      closesAt: z.string().describe("validUntil + the policy's grace: the last moment a renewal is accepted"),
      status: windowState,
      unusedCoupons: z.array(unusedCouponOut).describe('unused coupons already bought for the device that would renew this certificate'),
    }),
  ),
  unusedCoupons: z
    .array(unusedCouponOut)
    .describe(
      'coupons bought for this device (through its guided orders), issued and not redeemed, expired or cancelled: ' +
        'a guided order for it needs confirmUnusedCoupons: true',
    ),
  toRenew: z.array(z.enum(['signing', 'authentication'])).describe('the certificates to buy coupons for (both, when there are two)'),
});

export const quoteOut = z.object({
  lines: z.array(documentLineSchema),
  vatSummary: z.array(vatRateSummarySchema),
  totals: totalsSchema,
  codesEmail: z.string().describe('where the coupon codes will be sent: fix the profile e-mail first if it is wrong'),
  prepaidBalanceCents: z.number().int(),
});

export const orderOut = z.object({
  status: z.enum(['awaiting_payment', 'paid', 'cancelled', 'expired']),
  orderId: z.string(),
  customerId: z.string(),
  choice: z.enum(['guided', 'manual']),
  holderCodiceFiscale: z.string().nullable(),
  deviceSerial: z.string().nullable(),
  lines: z.array(documentLineSchema),
  vatSummary: z.array(vatRateSummarySchema),
  totals: totalsSchema,
  codesEmail: z.string(),
  payment: orderPaymentSchema,
  placedAt: z.string(),
  receivedCents: z.number().int(),
  paymentIds: z.array(z.string()),
  paidAt: z.string().nullable(),
  fulfilment: z
    .object({
      couponIds: z.array(z.string()),
      invoiceId: z.string(),
      invoiceYear: z.number().int(),
      invoiceNumber: z.number().int(),
      fulfilledAt: z.string(),
    })
    .nullable(),
  refunds: z.array(
    z.object({ creditNoteId: z.string(), couponIds: z.array(z.string()), amountCents: z.number().int(), refundTo: z.enum(['prepaid', 'paid_out']) }),
  ),
});

export { totalsSchema };
