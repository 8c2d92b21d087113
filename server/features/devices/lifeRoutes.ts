// A device's life over HTTP: the desk reports a device lost, suspends it, makes it active again
// (with the reason); a supervisor terminates it (withdrawn for good, or replaced) and revokes a
// certificate by hand with its RFC 5280 reason. Every command is idempotent: the same command
// again (or a retry under the same Idempotency-Key) changes nothing and answers the device as it is.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deviceCertificateKinds, revocationReasons } from '../../../domain/devices/events';
import { deviceSerialInput } from '../identifiers';
import { changeDeviceStatusAtDesk, terminateDevice, revokeDeviceCertificates, type DeskStatusMove, type DeviceLifeResult } from '../services';
import { command, deviceOut, position, projectionNames, requiredText } from '../http';

const tags = ['sales: devices'];
const desk = ['operator', 'supervisor'] as const;
const approvals = ['supervisor'] as const;

const params = z.object({ id: deviceSerialInput().describe('the device serial, e.g. 1205100000') });
const certificateParams = params.extend({
  kind: z.enum(deviceCertificateKinds, { error: `must be one of ${deviceCertificateKinds.join(', ')}` }).describe('signing (Sottoscrizione) or authentication (CNS)'),
});

const reason = requiredText(500).describe("why, in the desk's words (recorded in the device's timeline)");
const reasonBody = z.object({ reason }).strict();
const revocationReason = z
  .enum(revocationReasons, { error: `must be an RFC 5280 reason: ${revocationReasons.join(', ')}` })
  .describe('RFC 5280 reason code: superseded, keyCompromise (stolen, PIN disclosed), cessationOfOperation (withdrawn), unspecified');

const terminateBody = z
  .object({
    reason,
    replacedBy: deviceSerialInput().optional().describe('the device that replaces it, when it is replaced'),
    revocationReason: revocationReason.default('cessationOfOperation').describe('the certificates still active are revoked with this reason'),
  })
  .strict();

const revokeBody = z.object({ reason: revocationReason }).strict();

const answer = z.object({ id: z.string().describe('the serial'), position, changed: z.boolean().describe('false: it was so already'), device: deviceOut });
const readModels = [projectionNames.devices, projectionNames.deviceEvents];
const answered = (result: DeviceLifeResult) => ({ id: result.serial, position: result.position, changed: result.events.length > 0, device: result.device });

const deskMoves: Array<{ path: string; to: DeskStatusMove; summary: string }> = [
  { path: 'report-lost', to: 'lost', summary: 'Report the device lost (smarrito): no coupons are sold for it until it is active again' },
  { path: 'suspend', to: 'suspended', summary: 'Suspend the device (sospeso): no coupons are sold for it until it is active again' },
  { path: 'reactivate', to: 'active', summary: 'Make a lost or suspended device active again' },
];

const deviceLife: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;

  for (const move of deskMoves) {
    app.post(
      `/api/devices/:id/${move.path}`,
      {
        config: { access: desk },
        schema: { tags, summary: move.summary, params, body: reasonBody, response: { 200: answer } },
      },
      async (request) =>
        answered(
          await command(request, readModels, (ctx) => changeDeviceStatusAtDesk(deps, request.params.id, { to: move.to, reason: request.body.reason }, ctx)),
        ),
    );
  }

  app.post(
    '/api/devices/:id/terminate',
    {
      config: { access: approvals },
      schema: {
        tags,
        summary: 'Terminate the device for good (supervisors): its certificates still active are revoked',
        description: 'Terminated is final. With `replacedBy`, the device that replaces it is recorded (once).',
        params,
        body: terminateBody,
        response: { 200: answer },
      },
    },
    async (request) => {
      const { reason: why, replacedBy, revocationReason: revokeWith } = request.body;
      return answered(await command(request, readModels, (ctx) => terminateDevice(deps, request.params.id, { reason: why, replacedBy: replacedBy ?? null, revokeWith }, ctx)));
    },
  );

  app.post(
    '/api/devices/:id/certificates/:kind/revoke',
    {
      config: { access: approvals },
      schema: {
        tags,
        summary: "Revoke one of the device's certificates by hand (supervisors), with its RFC 5280 reason",
        description: 'A revoked certificate is never renewed and no coupon is sold for it. Revoking it again changes nothing.',
        params: certificateParams,
        body: revokeBody,
        response: { 200: answer },
      },
    },
    async (request) =>
      answered(
        await command(request, readModels, (ctx) =>
          revokeDeviceCertificates(deps, request.params.id, request.body.reason, { kinds: [request.params.kind] }, ctx),
        ),
      ),
  );
};

export default deviceLife;
