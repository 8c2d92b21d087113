// The desk: a small HTTP server on 127.0.0.1 serving the desk page (kiosk/desk/page/) and the JSON
// API it calls. It holds no state of its own beyond the steps of the runs under way: the operator's
// session is the back office's (BackOfficeSession), the card is the token's (TokenPort), the
// renewal is the back office's and the card's (KioskRenewals).
//
// The PIN arrives in one body only, POST /api/renewals/:id/run, and goes from there to
// KioskRenewals.run: bodies are never logged, and the logger redacts `pin` wherever it appears.
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { BackOfficeSession, KioskRenewals, Operator } from '../renewal/port';
import type { TokenPort } from '../token/port';
import { DeskError, errorAnswer } from './errors';
import { ProgressBoard } from './progress';
import { foreignRequest } from './sameOrigin';
import { abandonBody, firstProblem, loginBody, runBody, startBody } from './schemas';

export const deskPageRoot = fileURLToPath(new URL('./page/', import.meta.url));

export interface DeskServerOptions {
  backOffice: BackOfficeSession;
  renewals: KioskRenewals;
  tokens: TokenPort;
  logger: Logger;
  /** The back office's console (the replacement request opens there). */
  backOfficeUrl: string;
  /**
   * The port the kiosk is reached at, for the Host and Origin checks before it listens (inject
   * tests); once listening, the real port counts.
   */
  port: number;
  /** Shown on the page with the demo token: the demo card's PIN is printed on the console. */
  demo?: boolean;
  /**
   * After the operator logged in (the demo registers its customer and device then). Answers lines
   * for the page; a failure is logged and shown, it does not undo the login.
   */
  onOperatorLogin?: (login: { username: string; password: string; operator: Operator }) => Promise<string[]>;
}

const serialParams = z.object({ serial: z.string().regex(/^[A-Za-z0-9._ -]{1,64}$/, 'carta: numero di serie non valido (tokenSerial: not a token serial)') });
const renewalParams = z.object({ id: z.uuid('rinnovo: identificativo non valido (renewal id: must be a UUID)') });

function parse<T>(schema: z.ZodType<T>, value: unknown, what = 'body'): T {
  if (what === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new DeskError(400, 'invalid_body', 'richiesta: serve un oggetto JSON (the body must be a JSON object)');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new DeskError(400, 'invalid_body', firstProblem(parsed.error));
  return parsed.data;
}

export async function buildDeskServer(options: DeskServerOptions): Promise<FastifyInstance> {
  const { backOffice, renewals, tokens, logger } = options;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 64 * 1024,
  });
  const board = new ProgressBoard();

  // A cross-site "simple" request (text/plain, no preflight) never gets a body parsed here.
  app.removeContentTypeParser('text/plain');

  const listeningPort = () => {
    const address = app.server.address();
    return typeof address === 'object' && address !== null ? address.port : options.port;
  };

  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)));
  app.addHook('onRequest', async (request, reply) => {
    // The page shows the holder and takes the PIN; its answers name the holder: no copies anywhere.
    reply.header('cache-control', 'no-store');
    reply.header('pragma', 'no-cache');
    const refusal = foreignRequest(request, listeningPort());
    if (refusal) {
      request.log.warn({ refusal }, 'request from outside the kiosk page refused');
      throw new DeskError(403, 'foreign_origin', `richiesta rifiutata: non viene dalla pagina del chiosco (refused: ${refusal})`);
    }
  });

  app.setErrorHandler((error, request, reply) => {
    const known = errorAnswer(error);
    if (known) {
      request.log.info({ code: known.body.code, status: known.status }, 'refused');
      return reply.status(known.status).send(known.body);
    }
    const e = error as { statusCode?: number; code?: string; message?: string };
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      // Fastify's own refusals (a body that is not JSON, too large, of another type). Their message
      // may quote the body, so it is neither logged nor repeated.
      request.log.info({ code: e.code, status: e.statusCode }, 'refused');
      return reply.status(e.statusCode).send({ code: e.code ?? 'bad_request', message: `richiesta non valida (bad request: ${e.code ?? e.statusCode})` });
    }
    request.log.error({ err: error }, 'desk request failed');
    return reply.status(500).send({ code: 'internal', message: 'errore interno del chiosco: vedere il registro (internal error: see the kiosk log)' });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ code: 'not_found', message: `non trovato: ${request.method} ${request.url.split('?')[0]} (not found)` }),
  );

  // --- the page and what it needs to know ---
  await app.register(fastifyStatic, { root: deskPageRoot, prefix: '/', index: ['index.html'], cacheControl: false, etag: false, lastModified: false });

  app.get('/api/desk', async () => ({ backOfficeUrl: options.backOfficeUrl, demo: options.demo === true }));

  // --- the operator (the back office's session, held in memory by the kiosk) ---
  app.get('/api/operator', async () => ({ operator: await backOffice.operator() }));

  app.post('/api/operator/login', async (request) => {
    const { username, password } = parse(loginBody, request.body);
    const operator = await backOffice.login(username, password);
    request.log.info({ username: operator.username }, 'operator logged in');
    let notices: string[] = [];
    if (options.onOperatorLogin) {
      try {
        notices = await options.onOperatorLogin({ username, password, operator });
      } catch (error) {
        request.log.warn({ err: error }, 'after-login step failed');
        notices = [`Attenzione: ${(error as Error).message}`];
      }
    }
    return { operator, notices };
  });

  app.post('/api/operator/logout', async (request, reply) => {
    await backOffice.logout();
    request.log.info('operator logged out');
    return reply.status(204).send();
  });

  // --- the cards in the readers ---
  app.get('/api/tokens', async () => ({ tokens: await tokens.listTokens() }));

  app.get('/api/cards/:serial', async (request) => {
    const { serial } = parse(serialParams, request.params, 'params');
    return renewals.inspect(serial);
  });

  // --- the renewal ---
  app.post('/api/cards/:serial/renewals', async (request, reply) => {
    const { serial } = parse(serialParams, request.params, 'params');
    const choice = parse(startBody, request.body);
    const renewal = await renewals.start(serial, {
      certificates: choice.certificates,
      ...(choice.partialReason !== undefined ? { partialReason: choice.partialReason } : {}),
      payment: choice.payment,
    });
    request.log.info({ renewalId: renewal.renewalId, tokenSerial: serial, mode: choice.payment.mode }, 'renewal started');
    return reply.status(201).send(renewal);
  });

  app.post('/api/renewals/:id/run', async (request: FastifyRequest) => {
    const { id } = parse(renewalParams, request.params, 'params');
    const { tokenSerial, pin } = parse(runBody, request.body);
    if (!board.begin(id)) throw new DeskError(409, 'run_in_progress', 'il rinnovo è già in corso su questo chiosco (this renewal is already running here)');
    try {
      const renewal = await renewals.run(id, tokenSerial, pin, (progress) => board.record(id, progress));
      board.end(id, null);
      request.log.info({ renewalId: id, state: renewal.state }, 'renewal run ended');
      return renewal;
    } catch (error) {
      board.end(id, errorAnswer(error)?.body.code ?? 'internal');
      throw error;
    }
  });

  app.get('/api/renewals/:id/progress', async (request) => {
    const { id } = parse(renewalParams, request.params, 'params');
    return board.get(id);
  });

  app.post('/api/renewals/:id/abandon', async (request) => {
    const { id } = parse(renewalParams, request.params, 'params');
    const { reason } = parse(abandonBody, request.body);
    const renewal = await renewals.abandon(id, reason);
    request.log.info({ renewalId: id }, 'renewal abandoned');
    return renewal;
  });

  app.get('/api/renewals/:id/receipt', async (request, reply) => {
    const { id } = parse(renewalParams, request.params, 'params');
    const pdf = await renewals.receipt(id);
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="ricevuta-rinnovo-${id}.pdf"`)
      .send(pdf);
  });

  return app;
}
