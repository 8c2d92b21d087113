// Customers and their prepaid accounts: registration (person or firm), the profile e-mail the
// coupon codes go to, top-ups with the administrative fee, credits by staff, and the top-up quote.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { creditReasons, topUpMethods } from '../../../events/prepaid';
import { commandContext } from '../../security/commandContext';
import { codiceFiscaleInput, partitaIvaInput } from '../identifiers';
import { creditPrepaid, getCustomer, quoteTopUp, registerCustomer, changeCustomerEmail, topUpPrepaid } from '../../sales/services';
import { afterWrite, customerOut, idFor, idParams, isoDate, position, positiveCents, projectionNames, requiredText, text } from './schemas';

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

const topUpBody = z
  .object({
    amountReceivedCents: positiveCents.describe('money received: credited to the account less the administrative fee'),
    method: z.enum(topUpMethods),
    reference: requiredText().describe('bank reference (CRO/TRN), slip number, receipt…'),
    receivedOn: isoDate,
  })
  .strict();

const creditBody = z
  .object({
    amountCents: positiveCents,
    reason: z.enum(creditReasons).default('correction'),
    orderId: z.uuid('must be an order id (UUID)').nullish(),
    note: text(500).nullish(),
  })
  .strict();

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
      const result = await registerCustomer(deps, { ...request.body, customerId }, commandContext(request));
      await afterWrite(request, result.position, [projectionNames.customers]);
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
      const result = await changeCustomerEmail(deps, { customerId: request.params.id, email: request.body.email }, commandContext(request));
      await afterWrite(request, result.position, [projectionNames.customers]);
      return { id: result.customerId, position: result.position, email: result.email, changed: result.changed };
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
      const result = await topUpPrepaid(deps, { customerId: request.params.id, topUpId, ...request.body }, commandContext(request));
      await afterWrite(request, result.position, [projectionNames.prepaidMovements, projectionNames.customers]);
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

  app.post(
    '/api/customers/:id/prepaid/credits',
    {
      config: { access: ['accountant', 'supervisor'] },
      schema: {
        tags,
        summary: 'Credit the prepaid account (a correction by staff, or a refund or overpayment settled by hand)',
        params: customerParams,
        body: creditBody,
        response: {
          201: z.object({
            id: z.string().describe('the credit'),
            customerId: z.string(),
            position,
            credited: z.boolean().describe('false when this credit had already been made'),
            balanceCents: z.number().int(),
          }),
        },
      },
    },
    async (request, reply) => {
      const creditId = idFor(request, 'credit', deps.ids.uuid);
      const result = await creditPrepaid(deps, { customerId: request.params.id, creditId, ...request.body }, commandContext(request));
      await afterWrite(request, result.position, [projectionNames.prepaidMovements, projectionNames.customers]);
      return reply.status(201).send({
        id: result.creditId,
        customerId: request.params.id,
        position: result.position,
        credited: result.credited,
        balanceCents: result.balanceCents,
      });
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
