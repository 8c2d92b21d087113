// A whole desk for the tests, made of the real parts: the back office (startApi: the real app on a
// port of 127.0.0.1, with its operator), a SoftHSM2 demo card made as `--demo-token` makes it,
// the development CA, the token client (PKCS#11 in its child process), the renewal work, and the
// kiosk's desk server on a free port, logging into memory so that the tests can search the log.
import 'reflect-metadata';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { createBackOffice } from '../../../kiosk/backOffice';
import { openDevelopmentCa } from '../../../kiosk/ca/devCa';
import { unreachableWhile } from '../../../kiosk/ca/faults';
import type { CertificateAuthority } from '../../../kiosk/ca/port';
import { demoCardNow, demoTokenDir, ensureDemoCard, type DemoCard } from '../../../kiosk/demo/demoCard';
import { registerDemoInBackOffice } from '../../../kiosk/demo/registerDemo';
import { buildDeskServer } from '../../../kiosk/desk/server';
import { createKioskLogger } from '../../../kiosk/logging';
import { createKioskRenewals } from '../../../kiosk/renewal/kioskRenewals';
import { openTokenClient, type TokenClient } from '../../../kiosk/token/client';
import { createSoftHsmToken, SOFTHSM2_MODULE, softHsmConf } from '../../../kiosk/token/softhsm';
import { addGuideProducts, startApi, type ApiWorld } from '../../server/api/support';
import { tempDir } from '../../support/tmp';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';

export { PASSWORD } from '../../server/api/support';

/**
 * Whether `text` holds this PIN: the digits on their own, not inside a longer number (a log line's
 * time or response time may contain any run of digits).
 */
export const mentionsPin = (text: string, pin: string): boolean => new RegExp(`(?<![0-9])${pin}(?![0-9])`).test(text);

export interface DeskWorld {
  api: ApiWorld;
  ca: CertificateAuthority;
  tokens: TokenClient;
  card: DemoCard;
  /** The kiosk's data directory (the demo token's SoftHSM2 store is under demoTokenDir of it). */
  dataDir: string;
  desk: FastifyInstance;
  /** http://127.0.0.1:<port> of the kiosk. */
  url: string;
  /** While true, the CA does not answer the renewal work (the demo card was made before). */
  caDown: boolean;
  /** Every line the kiosk logged (JSON), in order. */
  logs: string[];
  /** A request to the kiosk as its own page sends it (its Origin). */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; body: Buffer; headers: Headers }>;
  close(): Promise<void>;
}

export async function startDeskWorld(options: { products?: boolean } = {}): Promise<DeskWorld> {
  const api = await startApi({ noSmtp: true });
  if (options.products) await addGuideProducts(api);
  const dir = tempDir('kiosk-desk-');
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split('\n').filter((line) => line.length > 0));
      done();
    },
  });
  const logger = createKioskLogger({ level: 'debug' }, sink);
  const now = () => api.clock.now();
  const ca = await openDevelopmentCa({ dir: join(dir.path, 'ca'), now });
  const tokenDir = demoTokenDir(dir.path);
  mkdirSync(tokenDir, { recursive: true });
  const tokens = openTokenClient({ modulePath: SOFTHSM2_MODULE, env: { SOFTHSM2_CONF: softHsmConf(tokenDir) }, logger });
  const { card } = await ensureDemoCard({ dataDir: dir.path, ca, createToken: createSoftHsmToken, tokens, now });
  const backOffice = createBackOffice({ baseUrl: api.baseUrl });
  const faults = { caDown: false };
  const renewals = createKioskRenewals({ backOffice, token: tokens, ca: unreachableWhile(ca, () => faults.caDown), now, logger });
  const desk = await buildDeskServer({
    backOffice,
    renewals,
    tokens,
    logger,
    backOfficeUrl: api.baseUrl,
    port: 0,
    demo: true,
    onOperatorLogin: async ({ username, password }) =>
      registerDemoInBackOffice({ backOfficeUrl: api.baseUrl, username, password, card: await demoCardNow(tokens, card), issuer: ca.name }),
  });
  await desk.listen({ host: '127.0.0.1', port: 0 });
  const address = desk.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    get caDown() {
      return faults.caDown;
    },
    set caDown(down: boolean) {
      faults.caDown = down;
    },
    api,
    ca,
    tokens,
    card,
    dataDir: dir.path,
    desk,
    url,
    logs,
    async call(method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { origin: url, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const buffer = Buffer.from(await response.arrayBuffer());
      let json: unknown = null;
      try {
        json = JSON.parse(buffer.toString('utf8'));
      } catch {
        json = null;
      }
      return { status: response.status, json, body: buffer, headers: response.headers };
    },
    async close() {
      await desk.close();
      await tokens.close();
      await api.close();
      dir.remove();
    },
  };
}
