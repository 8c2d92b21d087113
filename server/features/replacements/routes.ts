// Replacement cards: the desk opens a request (from the device page too), a supervisor other than
// the one who opened it approves or rejects it with a note, and the new device is recorded by hand
// once personalised (the kiosk will do it later). Lists and details are read from the
// replacement-requests read model (server/read/routes.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deviceCertificateKinds, deviceKinds } from '../../../domain/devices/events';
import { replacementReasons } from '../../../domain/replacements/events';
import { replacementStatuses, type ReplacementRequest } from '../../../domain/replacements/decider';
import { roleGroups } from '../../../domain/staff/roles';
import { deviceSerialInput } from '../identifiers';
import { command, deviceOut, idParams, isoDate, position, projectionNames, requiredText, text } from '../http';
import { approveReplacementRequest, openReplacementRequest, recordReplacementDevice, rejectReplacementRequest } from './service';

const isoDateTime = text(40).describe('ISO-8601 date-time with Z or an offset, e.g. 2029-12-05T23:59:59Z');

const openBody = z
  .object({
    deviceSerial: deviceSerialInput().describe('the device to replace'),
    reason: z.enum(replacementReasons).describe('deadline_passed (only once a certificate is past its renewal deadline), lost, stolen, broken'),
    note: text(500).optional().describe('what the holder said, for the approver'),
    customerId: z.uuid('must be a customer id (UUID)').optional().describe("who buys the new device; default the customer with the holder's codice fiscale"),
    productCode: text(40).optional().describe('a catalogue product of kind device; default CARTA-SOST'),
  })
  .strict();

const decisionBody = z.object({ note: requiredText(500).describe('why, for the holder and whoever reads the request later') }).strict();

const newDeviceBody = z
  .object({
    serial: deviceSerialInput().describe('the new device, e.g. 1205100001'),
    kind: z.enum(deviceKinds).optional().describe("default the old device's kind"),
    issuedOn: isoDate.optional().describe('default today'),
    certificates: z
      .array(
        z
          .object({
            kind: z.enum(deviceCertificateKinds).describe('signing (Sottoscrizione) or authentication (CNS)'),
            serialNumber: text(100),
            validFrom: isoDateTime,
            validUntil: isoDateTime,
          })
          .strict(),
      )
      .min(1, 'give at least one certificate')
      .max(2, 'a device has at most two certificates'),
  })
  .strict();

const requestOut = z.object({
  requestId: z.string(),
  status: z.enum(replacementStatuses),
  deviceSerial: z.string(),
  holderCodiceFiscale: z.string(),
  customerId: z.string(),
  reason: z.enum(replacementReasons),
  note: z.string(),
  productCode: z.string(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  orderId: z.string().nullable(),
  newDeviceSerial: z.string().nullable(),
  completedAt: z.string().nullable(),
});

const answer = z.object({ id: z.string().describe('the request'), position, request: requestOut });
const answerOf = (r: { requestId: string; position: number; request: ReplacementRequest }) => ({ id: r.requestId, position: r.position, request: r.request });

const tags = ['certificates: replacement cards'];
const waitFor = [projectionNames.replacementRequests];

const replacements: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;

  app.post(
    '/api/replacement-requests',
    {
      config: { access: roleGroups.desk },
      schema: {
        tags,
        summary: 'Open a replacement request for a device: past its deadline, lost, stolen or broken',
        description:
          "deadline_passed is refused (422 replacement_deadline_not_passed) while every certificate can still be renewed under the issuer's policy. " +
          'A device has one open request at a time (409 replacement_already_open).',
        body: openBody,
        response: { 201: answer.extend({ opened: z.boolean().describe('false: the same request was already open') }) },
      },
    },
    async (request, reply) => {
      const result = await command(request, waitFor, (ctx) => openReplacementRequest(deps, request.body, ctx));
      return reply.status(201).send({ ...answerOf(result), opened: result.opened });
    },
  );

  app.post(
    '/api/replacement-requests/:id/approve',
    {
      config: { access: roleGroups.approvals },
      schema: {
        tags,
        summary: 'Approve a replacement request with a note (never by the one who opened it): the new device is ordered',
        description:
          'Four eyes: the supervisor who opened the request is refused (422 replacement_same_person). On approval the order for the new device is placed ' +
          '(direct payment with an RF reference: by transfer, or at the desk), and a lost or stolen card has its certificates revoked at once.',
        params: idParams('a replacement request'),
        body: decisionBody,
        response: { 200: answer },
      },
    },
    async (request) => {
      const result = await command(request, [...waitFor, projectionNames.orders, projectionNames.devices], (ctx) =>
        approveReplacementRequest(deps, { requestId: request.params.id, note: request.body.note }, ctx),
      );
      return answerOf(result);
    },
  );

  app.post(
    '/api/replacement-requests/:id/reject',
    {
      config: { access: roleGroups.approvals },
      schema: {
        tags,
        summary: 'Reject a replacement request with a note (never by the one who opened it)',
        params: idParams('a replacement request'),
        body: decisionBody,
        response: { 200: answer },
      },
    },
    async (request) => answerOf(await command(request, waitFor, (ctx) => rejectReplacementRequest(deps, { requestId: request.params.id, note: request.body.note }, ctx))),
  );

  app.post(
    '/api/replacement-requests/:id/new-device',
    {
      config: { access: roleGroups.desk },
      schema: {
        tags,
        summary: 'Record the new device, personalised at the desk: registered for the holder; the old device revoked and terminated',
        description:
          "The new device is registered for the request's holder with the old device's issuer; then the old device's certificates are revoked " +
          '(superseded, keyCompromise when stolen), the old device is terminated (replaced by the new one) and the request completed.',
        params: idParams('a replacement request'),
        body: newDeviceBody,
        response: { 200: answer.extend({ newDevice: deviceOut }) },
      },
    },
    async (request) => {
      const result = await command(request, [...waitFor, projectionNames.devices], (ctx) =>
        recordReplacementDevice(deps, { requestId: request.params.id, ...request.body }, ctx),
      );
      return { ...answerOf(result), newDevice: result.newDevice };
    },
  );
};

export default replacements;
