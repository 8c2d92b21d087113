// Renewals at the desk: start one for a device's certificates (paid by coupons typed by the
// operator, pay-after, or a desk sale), record its steps, fail, resume, complete (the coupons
// redeemed and the device's certificates replaced) or abandon it (its coupons given back). The
// list and the detail are the read API's (`renewals`, server/features/renewals/read.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deviceCertificateKinds } from '../../../domain/devices/events';
import { renewalSteps } from '../../../domain/renewals/events';
import { renewalStates } from '../../../domain/renewals/decider';
import { abandonRenewal, completeRenewal, failRenewal, recordRenewalStep, resumeRenewal, startRenewal, type RenewalResult } from '../services';
import { command, idFor, idParams, noInput, position, projectionNames, requiredText, text } from '../http';
import { deviceSerialInput } from '../identifiers';

const kind = z.enum(deviceCertificateKinds);
const reason = requiredText(500);
const isoDateTime = text(40).describe('ISO-8601 date-time with Z or an offset');

const startBody = z
  .object({
    deviceSerial: deviceSerialInput(),
    certificates: z.array(kind).min(1, 'choose at least one certificate').max(2, 'a device has at most two certificates'),
    partialReason: text(500).nullish().describe('why a device with two certificates renews only one'),
    payment: z.discriminatedUnion('mode', [
      z.object({ mode: z.literal('coupons'), coupons: z.array(text(100)).min(1, 'type a coupon code per certificate').max(2, 'at most two coupons') }).strict(),
      z.object({ mode: z.literal('pay_after'), customerId: z.uuid('must be a customer id (UUID)').describe('who will owe the fee') }).strict(),
      z.object({ mode: z.literal('desk_sale'), orderId: z.uuid('must be an order id (UUID)').describe('the order paid at the desk for this device') }).strict(),
    ]),
    channel: z.enum(['desk', 'kiosk']).optional(),
  })
  .strict();

const stepBody = z
  .object({
    certificateKind: kind,
    step: z.enum(renewalSteps),
    certificate: z
      .object({ serialNumber: text(100), validFrom: isoDateTime, validUntil: isoDateTime })
      .strict()
      .nullish()
      .describe('with certificate_issued: the new certificate as the CA issued it'),
  })
  .strict();

const failBody = z.object({ certificateKind: kind.nullish(), reason }).strict();
const abandonBody = z.object({ reason }).strict();

const issuedOut = z.object({ serialNumber: z.string(), validFrom: z.string(), validUntil: z.string() });
const renewalOut = z.object({
  status: z.enum(renewalStates),
  renewalId: z.string(),
  deviceSerial: z.string(),
  holderCodiceFiscale: z.string(),
  customerId: z.string().nullable(),
  issuerId: z.string(),
  certificates: z.array(kind),
  partialReason: z.string().nullable(),
  payment: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('coupons'), coupons: z.array(z.object({ couponId: z.string(), certificateKind: z.enum([...deviceCertificateKinds, 'both']) })) }),
    z.object({ mode: z.literal('pay_after'), feeCents: z.number().int(), vatRateBp: z.number().int() }),
    z.object({ mode: z.literal('desk_sale'), orderId: z.string() }),
  ]),
  channel: z.enum(['desk', 'kiosk']),
  startedBy: z.string(),
  startedAt: z.string(),
  steps: z.array(z.object({ certificateKind: kind, step: z.enum(renewalSteps), recordedBy: z.string(), recordedAt: z.string() })),
  reached: z.object({ signing: z.enum(renewalSteps).optional(), authentication: z.enum(renewalSteps).optional() }),
  issued: z.object({ signing: issuedOut.optional(), authentication: issuedOut.optional() }),
  failure: z.object({ certificateKind: kind.nullable(), stepReached: z.enum(renewalSteps).nullable(), reason: z.string(), failedAt: z.string() }).nullable(),
  completedAt: z.string().nullable(),
  abandonment: z.object({ reason: z.string(), abandonedBy: z.string(), abandonedAt: z.string() }).nullable(),
  feeOrderId: z.string().nullable(),
});
const answer = z.object({ id: z.string(), position, renewal: renewalOut });
const answerOf = (result: RenewalResult) => ({ id: result.renewalId, position: result.position, renewal: result.renewal });

const tags = ['renewals'];
const desk = ['operator', 'supervisor'] as const;
const params = idParams('a renewal');

const renewals: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;

  app.post(
    '/api/renewals',
    {
      config: { access: desk },
      schema: {
        tags,
        summary: "Start a renewal of a device's certificates (both, unless partialReason says why not), paid by coupons, pay-after or a desk sale",
        description:
          'Each certificate must be in its window (open, or in grace) under its issuer policy, and not revoked. Coupons: the codes ' +
          'as typed, one per certificate or one for both, reserved for this renewal (a coupon held by another renewal → 409 ' +
          'coupon_reserved). Pay-after: only where the policy offers it for the device; the fee order is placed when the renewal ' +
          'completes. With an Idempotency-Key a retry answers the same renewal.',
        body: startBody,
        response: { 201: answer.extend({ started: z.boolean().describe('false when this request had already started it') }) },
      },
    },
    async (request, reply) => {
      const renewalId = idFor(request, 'renewal', deps.ids.uuid);
      const result = await command(request, [projectionNames.renewals], (ctx) => startRenewal(deps, { renewalId, ...request.body }, ctx));
      return reply.status(201).send({ ...answerOf(result), started: result.started });
    },
  );

  app.post(
    '/api/renewals/:id/steps',
    {
      config: { access: desk },
      schema: {
        tags,
        summary: 'Record a step of one certificate, in order; certificate_issued carries the new certificate (once: never a second one)',
        params,
        body: stepBody,
        response: { 200: answer },
      },
    },
    async (request) =>
      answerOf(await command(request, [projectionNames.renewals], (ctx) => recordRenewalStep(deps, { renewalId: request.params.id, ...request.body }, ctx))),
  );

  app.post(
    '/api/renewals/:id/fail',
    {
      config: { access: desk },
      schema: { tags, summary: 'Record that the renewal failed, with the step it reached; it can be resumed later', params, body: failBody, response: { 200: answer } },
    },
    async (request) =>
      answerOf(await command(request, [projectionNames.renewals], (ctx) => failRenewal(deps, { renewalId: request.params.id, ...request.body }, ctx))),
  );

  app.post(
    '/api/renewals/:id/resume',
    {
      config: { access: desk },
      schema: { tags, summary: 'Resume a failed renewal from the step it reached (no second coupon, no second certificate)', params, body: noInput, response: { 200: answer } },
    },
    async (request) => answerOf(await command(request, [projectionNames.renewals], (ctx) => resumeRenewal(deps, { renewalId: request.params.id }, ctx))),
  );

  app.post(
    '/api/renewals/:id/complete',
    {
      config: { access: desk },
      schema: {
        tags,
        summary: "Complete the renewal: every certificate chosen issued; the coupons redeemed, the device's certificates replaced by the new ones",
        params,
        body: noInput,
        response: { 200: answer },
      },
    },
    async (request) =>
      answerOf(
        await command(request, [projectionNames.renewals, projectionNames.devices, projectionNames.coupons], (ctx) =>
          completeRenewal(deps, { renewalId: request.params.id }, ctx),
        ),
      ),
  );

  app.post(
    '/api/renewals/:id/abandon',
    {
      config: { access: desk },
      schema: { tags, summary: 'Abandon the renewal (not once a certificate is issued); its coupons are given back', params, body: abandonBody, response: { 200: answer } },
    },
    async (request) =>
      answerOf(
        await command(request, [projectionNames.renewals, projectionNames.coupons], (ctx) => abandonRenewal(deps, { renewalId: request.params.id, reason: request.body.reason }, ctx)),
      ),
  );
};

export default renewals;
