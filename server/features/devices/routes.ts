// Devices sold by this reseller: registration by hand, the CSV import (the issuer's list of the
// cards it sold), and the guided purchase's first step: the holder's devices that can be renewed.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deviceCertificateKinds, deviceKinds } from '../../../domain/devices/events';
import { DEVICE_CSV_COLUMNS } from '../../../domain/devices/csv';
import { codiceFiscaleInput, deviceSerialInput } from '../identifiers';
import { findRenewableDevices, importDevicesCsv, registerDevice } from '../services';
import { command, deviceOut, isoDate, position, projectionNames, renewableDeviceOut, text } from '../http';

/** Largest CSV import (the issuer's list of a few tens of thousands of cards). */
export const DEVICE_IMPORT_LIMIT = 5 * 1024 * 1024;

const isoDateTime = text(40).describe('ISO-8601 date-time with Z or an offset, e.g. 2026-05-31T23:59:59Z');

const registerBody = z
  .object({
    serial: deviceSerialInput().describe('e.g. 1205100000'),
    kind: z.enum(deviceKinds),
    issuer: text(),
    issuedOn: isoDate,
    holderCodiceFiscale: codiceFiscaleInput(),
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

const importBody = z
  .object({
    csv: z
      .string()
      .min(1, 'the file is empty')
      .max(DEVICE_IMPORT_LIMIT, 'the file is too large')
      .describe(`the CSV file: header ${DEVICE_CSV_COLUMNS.join(';')}`),
  })
  .strict();

const holderParams = z.object({ codiceFiscale: codiceFiscaleInput() });

const tags = ['sales: devices'];
const desk = ['operator', 'supervisor'] as const;
/** A read: accountants read everything (README, Security). */
const readAll = ['operator', 'supervisor', 'accountant'] as const;

const devices: FastifyPluginAsyncZod = async (app) => {
  const deps = app.sales;

  // A CSV body (Content-Type: text/csv) arrives as `{ csv }`, the same shape as the JSON form. The
  // parser is scoped to this plugin: only the import route takes it.
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: DEVICE_IMPORT_LIMIT }, (_request, body, done) => {
    done(null, { csv: body as string });
  });

  app.post(
    '/api/devices',
    {
      config: { access: desk },
      schema: {
        tags,
        summary: "Register a device sold by this reseller, under its holder's codice fiscale",
        body: registerBody,
        response: { 201: z.object({ id: z.string().describe('the serial'), position, device: deviceOut }) },
      },
    },
    async (request, reply) => {
      const result = await command(request, [projectionNames.devices], (ctx) => registerDevice(deps, request.body, ctx));
      return reply.status(201).send({ id: result.serial, position: result.position, device: result.device });
    },
  );

  app.post(
    '/api/devices/import',
    {
      config: { access: desk },
      bodyLimit: DEVICE_IMPORT_LIMIT,
      schema: {
        tags,
        summary: 'Import devices from a CSV file (Content-Type text/csv, or JSON { csv }); each row on its own',
        description:
          `Columns (by name, any order, \`;\` or \`,\`): ${DEVICE_CSV_COLUMNS.join(', ')}. Dates dd/mm/yyyy or yyyy-mm-dd. ` +
          'A refused row changes nothing and does not stop the others; the answer lists both. Up to 5 MiB.',
        body: importBody,
        response: {
          200: z.object({
            position,
            accepted: z.array(z.object({ row: z.number().int(), serial: z.string() })),
            refused: z.array(
              z.object({
                row: z.number().int().describe('line in the file (the header is line 1)'),
                code: z.string(),
                reason: z.string(),
                column: z.string().optional(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const report = await command(request, [projectionNames.devices], (ctx) => importDevicesCsv(deps, { text: request.body.csv }, ctx));
      return report;
    },
  );

  app.get(
    '/api/holders/:codiceFiscale/renewable-devices',
    {
      config: { access: readAll },
      schema: {
        tags,
        summary: "Guided purchase: the holder's devices whose certificates can be renewed now",
        description:
          "Devices whose renewal window, under their issuer's policy (GET /api/issuer-policies), is open or in grace; those " +
          'whose window is closed are listed apart (a replacement card is needed). Only devices sold by this reseller are known.',
        params: holderParams,
        response: {
          200: z.object({
            holderCodiceFiscale: z.string(),
            devices: z.array(renewableDeviceOut),
            needingReplacement: z.array(renewableDeviceOut),
          }),
        },
      },
    },
    async (request) => findRenewableDevices(deps, { holderCodiceFiscale: request.params.codiceFiscale }),
  );
};

export default devices;
