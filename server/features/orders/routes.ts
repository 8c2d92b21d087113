// Orders at the desk: the quote the buyer sees, placing an order (guided: the holder's device, both
// certificates; or manual: products and quantities), paid from the prepaid account at once or by a
// direct payment under an RF reference; cancelling an unpaid order; refunding unused coupons of a
// fulfilled one (supervisors); a card payment taken at the desk; sending the codes again.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { codiceFiscaleInput, deviceSerialInput } from '../identifiers';
import { refundCoupons } from './refunds';
import { resendCouponEmail } from '../coupons/service';
import { cancelOrder, placeOrder, quoteOrder, type OrderChoiceInput } from './service';
import { deskPaymentMethods } from '../../../domain/shared/paymentMethods';
import { takeDeskPayment } from './deskPayment';
import { paymentNoticeOf } from './paymentNotice';
import {
  command,
  directPaymentMethods,
  idFor,
  idParams,
  noInput,
  orderOut,
  position,
  positiveCents,
  projectionNames,
  quoteOut,
  text,
  totalsSchema,
} from '../http';

const guided = z
  .object({
    holderCodiceFiscale: codiceFiscaleInput().describe("the holder's codice fiscale, as typed"),
    deviceSerial: deviceSerialInput().describe('the device ticked in GET /api/holders/:codiceFiscale/renewable-devices'),
    confirmUnusedCoupons: z
      .boolean({ error: 'must be true or false' })
      .optional()
      .describe(
        'true: the desk saw the unused coupons the device already has (the lookup lists them) and sells more all the same; ' +
          'without it such an order is refused 409 device_has_unused_coupons',
      ),
  })
  .strict()
  .describe('guided choice: coupons for both certificates of the device');

const manual = z
  .object({
    lines: z
      .array(
        z
          .object({
            productCode: text(40),
            quantity: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'at least 1').max(1000, 'at most 1000'),
          })
          .strict(),
      )
      .min(1, 'choose at least one product')
      .max(50, 'at most 50 lines'),
  })
  .strict()
  .describe('manual choice: products and quantities from the catalogue');

const payment = z.discriminatedUnion(
  'mode',
  [
    z.object({ mode: z.literal('prepaid') }).strict().describe('debited from the prepaid account at once'),
    z
      .object({ mode: z.literal('direct'), method: z.enum(directPaymentMethods) })
      .strict()
      .describe('paid later under the RF reference the answer gives'),
  ],
  { error: "mode: must be 'prepaid' or 'direct'" },
);

const choiceFields = {
  customerId: z.uuid('must be a customer id (UUID)'),
  guided: guided.optional(),
  manual: manual.optional(),
};

function exactlyOneChoice(body: { guided?: unknown; manual?: unknown }, ctx: z.RefinementCtx): void {
  if ((body.guided === undefined) === (body.manual === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['guided'], message: 'give exactly one of guided or manual' });
  }
}

const quoteBody = z
  .object({ ...choiceFields, payment: payment.optional().describe('ignored: the same body as the order can be sent') })
  .strict()
  .superRefine(exactlyOneChoice);
/** The order's request and answer (exported for the orders benchmark's floor). */
export const placeBody = z.object({ ...choiceFields, payment }).strict().superRefine(exactlyOneChoice);

function choiceOf(body: { guided?: z.infer<typeof guided> | undefined; manual?: z.infer<typeof manual> | undefined }): OrderChoiceInput {
  return body.guided ? { choice: 'guided', ...body.guided } : { choice: 'manual', lines: body.manual!.lines };
}

const orderParams = idParams('an order');

export const placedAnswer = z.object({
  id: z.string().describe('the order'),
  position,
  order: orderOut,
  rfReference: z.string().nullable().describe('direct payment: the reference the buyer writes in the payment reason'),
  rfReferenceFormatted: z.string().nullable().describe('the same, in groups of four as printed'),
  expiresAt: z.string().nullable().describe('direct payment: when the unpaid order expires'),
  prepaidBalanceCents: z.number().int().nullable().describe('prepaid payment: the balance after the debit'),
  placed: z.boolean().describe('false when an earlier attempt had already placed it'),
});

const cancelBody = z.object({ reason: text(500).trim().min(1, 'say why the order is cancelled') }).strict();

const refundBody = z
  .object({
    couponIds: z.array(z.uuid('must be a coupon id (UUID)')).min(1, 'name at least one coupon, or leave couponIds out for all').max(1000).optional(),
    refundTo: z.enum(['prepaid', 'paid_out']).describe('prepaid: credited to the prepaid account; paid_out: to be paid back'),
  })
  .strict();

const deskPaymentBody = z
  .object({
    method: z.enum(deskPaymentMethods).default('credit_card').describe('taken at the desk by card or in cash'),
    amountCents: positiveCents.describe('cents taken'),
  })
  .strict();

const tags = ['sales: orders'];
const desk = ['operator', 'supervisor'] as const;
const readers = ['operator', 'supervisor', 'accountant'] as const;

const formatRf = (rf: string) => rf.replace(/(.{4})(?=.)/g, '$1 ');

const orders: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;

  app.post(
    '/api/orders/quote',
    {
      config: { access: desk },
      schema: {
        tags,
        summary: 'What the buyer sees before paying: lines, VAT per rate, totals, the e-mail the codes go to (nothing is written)',
        body: quoteBody,
        response: { 200: quoteOut },
      },
    },
    async (request) => quoteOrder(deps, { customerId: request.body.customerId, ...choiceOf(request.body) }),
  );

  app.post(
    '/api/orders',
    {
      config: { access: desk },
      schema: {
        tags,
        summary: 'Place an order: guided (a device, both certificates) or manual (products), prepaid or direct payment',
        description:
          'Exactly one of guided and manual. Prepaid: the total is debited at once (refused 422 balance_insufficient) and ' +
          'the coupons are e-mailed when the order is fulfilled, right after. Direct: the answer gives the RF reference; ' +
          'the order waits for the payment and expires after ORDER_EXPIRY_DAYS. With an Idempotency-Key a repeat answers the first order.',
        body: placeBody,
        response: { 201: placedAnswer },
      },
    },
    async (request, reply) => {
      const orderId = idFor(request, 'order', deps.ids.uuid);
      const body = request.body;
      const result = await command(request, [projectionNames.orders, projectionNames.prepaidMovements], (ctx) =>
        placeOrder(deps, { orderId, customerId: body.customerId, payment: body.payment, ...choiceOf(body) }, ctx),
      );
      return reply.status(201).send({
        id: result.orderId,
        position: result.position,
        order: result.order,
        rfReference: result.rfReference,
        rfReferenceFormatted: result.rfReference === null ? null : formatRf(result.rfReference),
        expiresAt: result.expiresAt,
        prepaidBalanceCents: result.prepaidBalanceCents,
        placed: result.placed,
      });
    },
  );

  app.post(
    '/api/orders/:id/cancel',
    {
      config: { access: desk },
      schema: {
        tags,
        summary: 'Cancel an order still waiting for payment (a paid order is refunded instead)',
        description: 'Partial payments already received are credited to the prepaid account.',
        params: orderParams,
        body: cancelBody,
        response: { 200: z.object({ id: z.string(), position, amountToCreditCents: z.number().int() }) },
      },
    },
    async (request) => {
      const result = await command(request, [projectionNames.orders], (ctx) =>
        cancelOrder(deps, { orderId: request.params.id, reason: request.body.reason }, ctx),
      );
      return { id: result.orderId, position: result.position, amountToCreditCents: result.amountToCreditCents };
    },
  );

  app.post(
    '/api/orders/:id/refund',
    {
      config: { access: ['supervisor'] },
      schema: {
        tags,
        summary: 'Refund unused coupons of a fulfilled order: the coupons are cancelled and a credit note is issued (supervisors)',
        description: 'Without couponIds, every unused coupon of the order. Repeating the request with the same Idempotency-Key refunds nothing twice.',
        params: orderParams,
        body: refundBody,
        response: {
          200: z.object({
            id: z.string(),
            position,
            creditNoteId: z.string(),
            creditNoteYear: z.number().int(),
            creditNoteNumber: z.number().int(),
            couponIds: z.array(z.string()),
            excluded: z.array(z.object({ couponId: z.string(), status: z.enum(['redeemed', 'cancelled', 'expired', 'refunded', 'reserved']) })),
            totals: totalsSchema,
            refundTo: z.enum(['prepaid', 'paid_out']),
            prepaidBalanceCents: z.number().int().nullable(),
          }),
        },
      },
    },
    async (request) => {
      const result = await command(request, [projectionNames.orders, projectionNames.invoices, projectionNames.coupons], (ctx) =>
        refundCoupons(deps, { orderId: request.params.id, couponIds: request.body.couponIds, refundTo: request.body.refundTo }, ctx),
      );
      return { id: request.params.id, ...result };
    },
  );

  app.post(
    '/api/orders/:id/desk-payment',
    {
      config: { access: desk },
      schema: {
        tags,
        summary: 'A payment taken at the desk, by card or in cash: recorded, matched to the order and applied at once',
        description:
          'The order is paid when the amount due is covered; less leaves the rest due. More than the amount due is refused ' +
          '(422 desk_payment_exceeds_amount_due): change is given at the desk, money for the prepaid account is a top-up.',
        params: orderParams,
        body: deskPaymentBody,
        response: {
          200: z.object({
            id: z.string(),
            position,
            paymentId: z.string(),
            orderStatus: z.enum(['awaiting_payment', 'paid', 'cancelled', 'expired']),
            amountDueCents: z.number().int(),
            surplusCents: z.number().int(),
          }),
        },
      },
    },
    async (request) => {
      const paymentId = idFor(request, 'desk-payment', deps.ids.uuid);
      const result = await command(request, [projectionNames.orders, projectionNames.payments], (ctx) =>
        takeDeskPayment(deps, { orderId: request.params.id, paymentId, method: request.body.method, amountCents: request.body.amountCents }, ctx),
      );
      return result;
    },
  );

  app.post(
    '/api/orders/:id/resend-coupons',
    {
      config: { access: desk },
      schema: {
        tags,
        summary: "Send the order's coupon codes again, to the profile e-mail in force (refunded coupons left out)",
        params: orderParams,
        body: noInput,
        response: { 200: z.object({ id: z.string(), position, emailId: z.string(), couponIds: z.array(z.string()) }) },
      },
    },
    async (request) => {
      const result = await command(request, [projectionNames.emails], (ctx) =>
        resendCouponEmail(deps, { orderId: request.params.id }, ctx),
      );
      return { id: request.params.id, ...result };
    },
  );

  // The payment notice of a direct order awaiting payment: what the console shows with its copy
  // buttons, and the same as a PDF with the EPC QR code (also e-mailed when the order is placed).
  app.get(
    '/api/orders/:id/payment-notice',
    {
      config: { access: readers },
      schema: {
        tags,
        summary: 'How to pay a direct (RF) order by bank transfer: beneficiary, IBAN, amount still due, RF reference, expiry',
        params: orderParams,
        response: {
          200: z.object({
            orderId: z.string(),
            beneficiary: z.string(),
            iban: z.string(),
            bic: z.string().nullable(),
            amountCents: z.number().int(),
            rfReference: z.string(),
            expiresAt: z.string(),
          }),
        },
      },
    },
    async (request) => {
      const { notice } = await paymentNoticeOf(deps, request.params.id);
      const { beneficiary, iban, bic, amountCents, rfReference, expiresAt } = notice;
      return { orderId: request.params.id, beneficiary, iban, bic, amountCents, rfReference, expiresAt };
    },
  );

  app.get(
    '/api/orders/:id/payment-notice.pdf',
    {
      config: { access: readers },
      schema: { tags, summary: 'The payment notice of a direct (RF) order as a PDF with the EPC QR code (application/pdf, as an attachment)', params: orderParams },
    },
    async (request, reply) => {
      const { pdf, filename } = await paymentNoticeOf(deps, request.params.id);
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${filename}"`).send(pdf);
    },
  );
};

export default orders;
