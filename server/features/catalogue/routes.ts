// The catalogue of coupon products, for supervisors: add a product, change its price (orders
// placed before keep theirs), withdraw it from sale.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { productKinds, productRenewals } from '../../../domain/catalogue/events';
import { addProduct, changeProductPrice, withdrawProduct } from '../services';
import { command, position, positiveCents, productOut, projectionNames, text } from '../http';

const codeParams = z.object({
  code: z
    .string()
    .max(40, 'at most 40 characters')
    .regex(/^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/, 'must be a product code: letters and digits in dash-separated groups, e.g. RIN-FIRMA'),
});

const addBody = z
  .object({
    code: text(40).describe('letters and digits in dash-separated groups, e.g. RIN-FIRMA-CNS (upper-cased)'),
    description: text().describe('as printed on orders and invoices'),
    kind: z.enum(productKinds),
    renews: z.enum(productRenewals).describe("what a coupon renews; 'none' for timestamps"),
    professionalRole: text().nullish().describe('professional variant, e.g. Commercialisti'),
    timestampPackSize: z.number().int('must be a whole number').positive('must be more than 0').max(1_000_000).nullish(),
    priceCents: positiveCents.describe('price excluding VAT, cents'),
    vatRateBp: z.number().int('must be a whole number').min(0).max(10_000).optional().describe('VAT rate in basis points, default 2200 (22 %)'),
  })
  .strict();

const priceBody = z.object({ priceCents: positiveCents.describe('new price excluding VAT, cents') }).strict();
const withdrawBody = z.object({ reason: text(500).nullish() }).strict().nullish();

const answer = z.object({ id: z.string().describe('the product code'), position, product: productOut });
const tags = ['sales: catalogue'];
const supervisor = ['supervisor'] as const;

const products: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;

  app.post(
    '/api/products',
    {
      config: { access: supervisor },
      schema: { tags, summary: 'Add a product to the catalogue', body: addBody, response: { 201: answer } },
    },
    async (request, reply) => {
      const result = await command(request, [projectionNames.products], (ctx) => addProduct(deps, request.body, ctx));
      return reply.status(201).send({ id: result.code, position: result.position, product: result.product });
    },
  );

  app.post(
    '/api/products/:code/price',
    {
      config: { access: supervisor },
      schema: {
        tags,
        summary: "Change a product's price (orders already placed keep the price they were placed at)",
        params: codeParams,
        body: priceBody,
        response: { 200: answer },
      },
    },
    async (request) => {
      const result = await command(request, [projectionNames.products], (ctx) =>
        changeProductPrice(deps, { code: request.params.code, priceCents: request.body.priceCents }, ctx),
      );
      return { id: result.code, position: result.position, product: result.product };
    },
  );

  app.post(
    '/api/products/:code/withdraw',
    {
      config: { access: supervisor },
      schema: {
        tags,
        summary: 'Withdraw a product from sale (it stays on past orders and invoices)',
        params: codeParams,
        body: withdrawBody,
        response: { 200: answer },
      },
    },
    async (request) => {
      const result = await command(request, [projectionNames.products], (ctx) =>
        withdrawProduct(deps, { code: request.params.code, reason: request.body?.reason ?? null }, ctx),
      );
      return { id: result.code, position: result.position, product: result.product };
    },
  );
};

export default products;
