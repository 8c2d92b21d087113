// Customers and their prepaid accounts: registration (person or firm), the profile e-mail the
// coupon codes go to, top-ups with the administrative fee, manual adjustments (four eyes), and the
// top-up quote.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { maxAdjustmentCents, topUpMethods } from '../../../domain/prepaid/events';
import { formatEuro } from '../../../domain/shared/money';
import { codiceFiscaleInput, partitaIvaInput } from '../identifiers';
import {
  approvePrepaidAdjustment,
  changeCustomerEmail,
  changeCustomerSdiAddress,
  getCustomer,
  quoteTopUp,
  registerCustomer,
  rejectPrepaidAdjustment,
  requestPrepaidAdjustment,
  topUpPrepaid,
  type AdjustmentResult,
} from '../services';
import {
  command,
  cents,
  customerOut,
  idFor,
  idParams,
  isoDate,
  noInput,
  position,
  positiveCents,
  projectionNames,
  requiredText,
  text,
} from '../http';

const address = z
  .object({
    street: text(),
    postalCode: text(20),
    city: text(),
    province: text(10),
    country: text(10).optional().describe('ISO 3166-1 alpha-2, default IT'),
  })
  .strict();

const common = {
  email: text(320).describe('profile e-mail: the coupon codes are sent here'),
  billingAddress: address,
};

const registerBody = z.discriminatedUnion(
  'kind',
  [
    z
      .object({
        kind: z.literal('person'),
        name: text(),
        surname: text(),
        codiceFiscale: codiceFiscaleInput(),
        registrationOfficer: z.boolean().optional().describe('a Registration Officer (Incaricato alla Registrazione)'),
        ...common,
      })
      .strict(),
    z
      .object({
        kind: z.literal('firm'),
        name: text(),
        partitaIva: partitaIvaInput(),
        codiceFiscale: codiceFiscaleInput().nullish().describe("the firm's codice fiscale when it differs from the partita IVA"),
        registrationOfficer: z.boolean().optional(),
        ...common,
      })
      .strict(),
  ],
  { error: "kind: must be 'person' or 'firm'" },
);

const customerParams = idParams('a customer');

const emailBody = z.object({ email: text(320) }).strict();

const sdiAddressBody = z
  .object({
    sdiCode: z.string().max(20).nullable().describe("the firm's SdI recipient code (codice destinatario), 7 letters or digits; null or '' clears it"),
    pecAddress: z.string().max(320).nullable().describe("the PEC address e-invoices may be delivered to; null or '' clears it"),
  })
  .strict();

const topUpBody = z
  .object({
    amountReceivedCents: positiveCents.describe('money received: credited to the account less the administrative fee'),
    method: z.enum(topUpMethods),
    reference: requiredText().describe('bank reference (CRO/TRN), slip number, receipt…'),
    receivedOn: isoDate,
  })
  .strict();

const adjustmentBody = z
  .object({
    amountCents: cents
      .positive('must be more than 0 cents')
      .max(maxAdjustmentCents, `a manual adjustment may credit at most ${maxAdjustmentCents} cents (${formatEuro(maxAdjustmentCents)})`)
      .describe('cents to credit once approved'),
    reason: requiredText(500).describe('why, for the approver and for whoever reads the account later'),
  })
  .strict();

const adjustmentParams = z.object({
  id: z.uuid('must be a customer id (UUID)'),
  adjustmentId: z.uuid('must be an adjustment id (UUID)'),
});

const rejectBody = z.object({ reason: requiredText(500).describe('why the request is turned down') }).strict();

const adjustmentAnswer = z.object({
  id: z.string().describe('the adjustment'),
  customerId: z.string(),
  position,
  status: z.enum(['pending', 'approved', 'rejected']),
  balanceCents: z.number().int().describe('the prepaid balance after the command'),
});

const answerOf = (r: AdjustmentResult) => ({
  id: r.adjustmentId,
  customerId: r.customerId,
  position: r.position,
  status: r.status,
  balanceCents: r.balanceCents,
});

const quoteQuery = z.object({
  creditedCents: z.coerce.number({ error: 'must be a number of cents' }).int('must be a whole number of cents').positive('must be more than 0').max(100_000_000),
});

const tags = ['sales: customers'];
const desk = ['operator', 'supervisor'] as const;

const customers: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;

  app.post(
    '/api/customers',
    {
      config: { access: desk },
      schema: {
        tags,
        summary: 'Register a customer: a person (codice fiscale) or a firm (partita IVA)',
        description: 'A codice fiscale or partita IVA already registered is refused (409, naming the customer that holds it).',
        body: registerBody,
        response: { 201: z.object({ id: z.string(), position, customer: customerOut }) },
      },
    },
    async (request, reply) => {
      const customerId = idFor(request, 'customer', deps.ids.uuid);
      const result = await command(request, [projectionNames.customers], (ctx) =>
        registerCustomer(deps, { ...request.body, customerId }, ctx),
      );
      return reply.status(201).send({ id: result.customerId, position: result.position, customer: result.customer });
    },
  );

  app.post(
    '/api/customers/:id/email',
    {
      config: { access: desk },
      schema: {
        tags,
        summary: "Change the customer's profile e-mail (where coupon codes are sent)",
        params: customerParams,
        body: emailBody,
        response: { 200: z.object({ id: z.string(), position, email: z.string(), changed: z.boolean() }) },
      },
    },
    async (request) => {
      const result = await command(request, [projectionNames.customers], (ctx) =>
        changeCustomerEmail(deps, { customerId: request.params.id, email: request.body.email }, ctx),
      );
      return { id: result.customerId, position: result.position, email: result.email, changed: result.changed };
    },
  );

  app.post(
    '/api/customers/:id/sdi-address',
    {
      config: { access: desk },
      schema: {
        tags,
        summary: "Set where the SdI delivers the customer's e-invoices: recipient code (firms) and/or PEC address",
        description:
          'The FatturaPA CodiceDestinatario is the recipient code; without one it is 0000000, with PECDestinatario when a PEC address is known. A recipient code for a private customer is refused (sdi_code_for_firms_only).',
        params: customerParams,
        body: sdiAddressBody,
        response: {
          200: z.object({ id: z.string(), position, sdiCode: z.string().nullable(), pecAddress: z.string().nullable(), changed: z.boolean() }),
        },
      },
    },
    async (request) => {
      const result = await command(request, [projectionNames.customers], (ctx) =>
        changeCustomerSdiAddress(deps, { customerId: request.params.id, sdiCode: request.body.sdiCode, pecAddress: request.body.pecAddress }, ctx),
      );
      return { id: result.customerId, position: result.position, sdiCode: result.sdiCode, pecAddress: result.pecAddress, changed: result.changed };
    },
  );

  app.post(
    '/api/customers/:id/prepaid/top-ups',
    {
      config: { access: ['operator', 'accountant', 'supervisor'] },
      schema: {
        tags,
        summary: 'Top up the prepaid account: money received, split into credit and administrative fee',
        description: 'Refused below the minimum top-up (PREPAID_MIN_TOPUP_CENTS).',
        params: customerParams,
        body: topUpBody,
        response: {
          201: z.object({
            id: z.string().describe('the top-up'),
            customerId: z.string(),
            position,
            creditedCents: z.number().int(),
            feeCents: z.number().int(),
            balanceCents: z.number().int(),
          }),
        },
      },
    },
    async (request, reply) => {
      const topUpId = idFor(request, 'top-up', deps.ids.uuid);
      const result = await command(request, [projectionNames.prepaidMovements, projectionNames.customers], (ctx) =>
        topUpPrepaid(deps, { customerId: request.params.id, topUpId, ...request.body }, ctx),
      );
      return reply.status(201).send({
        id: result.topUpId,
        customerId: request.params.id,
        position: result.position,
        creditedCents: result.creditedCents,
        feeCents: result.feeCents,
        balanceCents: result.balanceCents,
      });
    },
  );

  // Money put on an account by hand: four eyes. The request moves no money; a supervisor other than
  // the requester approves (the amount is credited then) or rejects it. The old direct credit
  // (`POST …/prepaid/credits`) is gone: it let one person create money.
  app.post(
    '/api/customers/:id/prepaid/adjustments',
    {
      config: { access: ['accountant', 'supervisor'] },
      schema: {
        tags,
        summary: 'Request a manual adjustment of the prepaid account (credited only when another supervisor approves it)',
        description:
          `For money no recorded payment covers (a refund settled outside the system, a correction). At most ${maxAdjustmentCents} cents. ` +
          'Money received is a top-up or a payment, not an adjustment.',
        params: customerParams,
        body: adjustmentBody,
        response: { 201: adjustmentAnswer },
      },
    },
    async (request, reply) => {
      const adjustmentId = idFor(request, 'prepaid-adjustment', deps.ids.uuid);
      const result = await command(request, [projectionNames.prepaidAdjustments], (ctx) =>
        requestPrepaidAdjustment(deps, { customerId: request.params.id, adjustmentId, ...request.body }, ctx),
      );
      return reply.status(201).send(answerOf(result));
    },
  );

  app.post(
    '/api/customers/:id/prepaid/adjustments/:adjustmentId/approve',
    {
      config: { access: ['supervisor'] },
      schema: {
        tags,
        summary: 'Approve a pending manual adjustment: its amount is credited to the prepaid account (supervisors, not the requester)',
        description: 'Refused (422 adjustment_decision_by_requester) to the requester; a request already approved or rejected is refused (409 adjustment_already_decided).',
        params: adjustmentParams,
        body: noInput,
        response: { 200: adjustmentAnswer },
      },
    },
    async (request) => {
      const result = await command(request, [projectionNames.prepaidAdjustments, projectionNames.prepaidMovements, projectionNames.customers], (ctx) =>
        approvePrepaidAdjustment(deps, { customerId: request.params.id, adjustmentId: request.params.adjustmentId }, ctx),
      );
      return answerOf(result);
    },
  );

  app.post(
    '/api/customers/:id/prepaid/adjustments/:adjustmentId/reject',
    {
      config: { access: ['supervisor'] },
      schema: {
        tags,
        summary: 'Reject a pending manual adjustment, saying why; nothing is credited (supervisors, not the requester)',
        params: adjustmentParams,
        body: rejectBody,
        response: { 200: adjustmentAnswer },
      },
    },
    async (request) => {
      const result = await command(request, [projectionNames.prepaidAdjustments], (ctx) =>
        rejectPrepaidAdjustment(deps, { customerId: request.params.id, adjustmentId: request.params.adjustmentId, reason: request.body.reason }, ctx),
      );
      return answerOf(result);
    },
  );

  app.get(
    '/api/customers/:id/prepaid/top-up-quote',
    {
      config: { access: ['operator', 'accountant', 'supervisor'] },
      schema: {
        tags,
        summary: 'What the customer pays to have creditedCents put on the prepaid account (fee included)',
        params: customerParams,
        querystring: quoteQuery,
        response: {
          200: z.object({
            customerId: z.string(),
            creditedCents: z.number().int(),
            feeCents: z.number().int(),
            toPayCents: z.number().int(),
            feeRateBp: z.number().int(),
            minimumTopUpCents: z.number().int(),
          }),
        },
      },
    },
    async (request) => {
      await getCustomer(deps, request.params.id);
      const quote = quoteTopUp(deps, request.query.creditedCents);
      return {
        customerId: request.params.id,
        ...quote,
        feeRateBp: deps.settings.prepaidFeeRateBp,
        minimumTopUpCents: deps.settings.minimumTopUpCents,
      };
    },
  );
};

export default customers;
