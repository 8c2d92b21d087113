// Money received by transfer, postal slip, card or cheque, recorded by an accountant under the
// bank's own reference (a second payment with the same reference is refused): matched at once to
// the order whose RF reference is in the payment reason (however it was written: lower case,
// spaces), or left for matching by hand. The payment reactor then applies it to the order.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { paymentMatchStatuses } from '../../../domain/payments/events';
import { bankReferenceInput } from '../identifiers';
import { matchPaymentByHand, recordPayment } from '../services';
import { command, directPaymentMethods, idFor, idParams, isoDate, position, positiveCents, projectionNames, requiredText, text } from '../http';

const recordBody = z
  .object({
    method: z.enum(directPaymentMethods),
    amountCents: positiveCents.describe('cents received'),
    receivedOn: isoDate.describe('value date'),
    payer: requiredText().describe('who paid, as on the statement'),
    bankReference: bankReferenceInput().describe(
      "the bank's own reference of the payment: CRO/TRN of a transfer, or the id of the statement line; one payment per reference",
    ),
    reason: text(500).describe('the payment reason ("causale") as written by the payer: an RF reference in it matches the order'),
  })
  .strict();

const matchBody = z.object({ orderId: z.uuid('must be an order id (UUID)') }).strict();

const tags = ['sales: payments'];
const books = ['accountant', 'supervisor'] as const;

const payments: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;

  app.post(
    '/api/payments',
    {
      config: { access: books },
      schema: {
        tags,
        summary: 'Record money received; matched to an order by the RF reference in the reason, else left for matching by hand',
        description:
          'The same bank reference a second time (the same payment entered twice, under another Idempotency-Key) → ' +
          '409 bank_reference_taken, and nothing is written.',
        body: recordBody,
        response: {
          201: z.object({
            id: z.string().describe('the payment'),
            position,
            matchStatus: z.enum(paymentMatchStatuses),
            rfReference: z.string().nullable(),
            bankReference: z.string().nullable(),
            orderId: z.string().nullable().describe('the order it was matched to, or null'),
            unmatchedDetail: z.string().nullable().describe('why it was left unmatched'),
          }),
        },
      },
    },
    async (request, reply) => {
      const paymentId = idFor(request, 'payment', deps.ids.uuid);
      const result = await command(request, [projectionNames.payments], (ctx) => recordPayment(deps, { paymentId, ...request.body }, ctx));
      return reply.status(201).send({
        id: result.paymentId,
        position: result.position,
        matchStatus: result.matchStatus,
        rfReference: result.rfReference,
        bankReference: result.bankReference,
        orderId: result.orderId,
        unmatchedDetail: result.unmatchedDetail,
      });
    },
  );

  app.post(
    '/api/payments/:id/match',
    {
      config: { access: books },
      schema: {
        tags,
        summary: 'Match an unmatched payment to an order by hand',
        params: idParams('a payment'),
        body: matchBody,
        response: { 200: z.object({ id: z.string(), position, orderId: z.string() }) },
      },
    },
    async (request) => {
      const result = await command(request, [projectionNames.payments], (ctx) =>
        matchPaymentByHand(deps, { paymentId: request.params.id, orderId: request.body.orderId }, ctx),
      );
      return { id: result.paymentId, position: result.position, orderId: result.orderId };
    },
  );
};

export default payments;
