// Issuer policies: a supervisor or an admin sets an issuer's whole policy (PUT: the same policy again
// changes nothing). The list and one policy are read from the issuer-policies read model
// (GET /api/issuer-policies, server/read/routes.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { issuerIdPattern } from '../../../domain/certificates/events';
import { deviceKinds } from '../../../domain/devices/events';
import { roleGroups } from '../../../domain/staff/roles';
import { setIssuerPolicy } from './service';
import { cents, command, isoDate, position, projectionNames, requiredText } from '../http';

const wholeNumber = (min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const issuerParams = z.object({
  id: z
    .string()
    .max(100, 'at most 100 characters')
    .regex(issuerIdPattern, "must be 'default' or the slug of the issuer's name, e.g. camera-di-commercio-di-roma"),
});

const policyBody = z
  .object({
    issuerName: requiredText().describe("the issuer as devices name it (matched ignoring case and spacing); 'Predefinita' for default"),
    renewalOpensDaysBefore: wholeNumber(1, 365).describe("renewal opens this many days before the certificate's expiry"),
    graceHours: wholeNumber(0, 720).describe('a renewal is still accepted this many hours after the expiry (the guides: 24)'),
    validityYears: wholeNumber(1, 10).describe('the renewed certificate is valid this many years from the day of renewal (the guides: 3)'),
    payAfter: z
      .object({
        offered: z.boolean({ error: 'must be true or false' }),
        deviceKinds: z.array(z.enum(deviceKinds)).max(deviceKinds.length).describe('the device kinds it is offered for'),
        issuedFrom: isoDate.nullable().describe('only devices issued on or after this day; null for any'),
      })
      .strict(),
    payAfterFeeCents: cents.min(0, 'must be 0 or more').max(100_000_000, 'at most 1,000,000.00 €').describe('the pay-after fee excluding VAT, cents'),
    payAfterVatRateBp: wholeNumber(0, 10_000).describe('VAT rate of the fee in basis points (2200 = 22 %)'),
  })
  .strict();

const policyOut = z.object({
  id: z.string(),
  issuerId: z.string(),
  issuerName: z.string(),
  renewalOpensDaysBefore: z.number().int(),
  graceHours: z.number().int(),
  validityYears: z.number().int(),
  payAfter: z.object({ offered: z.boolean(), deviceKinds: z.array(z.enum(deviceKinds)), issuedFrom: z.string().nullable() }),
  payAfterFeeCents: z.number().int(),
  payAfterVatRateBp: z.number().int(),
  setBy: z.string(),
  setAt: z.string(),
  changed: z.boolean().describe('false when the policy was already so (nothing recorded)'),
  position,
});

const tags = ['sales: issuer policies'];

const issuerPolicies: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;

  app.put(
    '/api/issuer-policies/:id',
    {
      config: { access: roleGroups.policies },
      schema: {
        tags,
        summary: "Set an issuer's whole renewal policy (the same policy again changes nothing)",
        description:
          "`default` rules every issuer without its own policy. A device's certificates follow the policy whose issuerName matches " +
          "the device's issuer (ignoring case and spacing): their renewal window (GET /api/devices, windowState) moves with it.",
        params: issuerParams,
        body: policyBody,
        response: { 200: policyOut },
      },
    },
    async (request) => {
      const result = await command(request, [projectionNames.issuerPolicies, projectionNames.devices], (ctx) =>
        setIssuerPolicy(deps, { issuerId: request.params.id, ...request.body }, ctx),
      );
      return { id: result.policy.issuerId, ...result.policy, setBy: result.setBy, setAt: result.setAt, changed: result.changed, position: result.position };
    },
  );
};

export default issuerPolicies;
