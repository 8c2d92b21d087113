// The kiosk's renewal tests on real parts: the back office (the whole app on SQLite, listening on
// 127.0.0.1, logged in over HTTP as the operator at the desk), SoftHSM2 cards made here, each
// holding the first certificates of a holder issued by the development CA near their end and
// registered in the back office as a device, and the development CA in a temp directory.
//
// Everything the kiosk logs, everything it sends to the back office and everything the server
// logs is kept, so that a test can search them for the PIN.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { createBackOffice, type BackOffice } from '../../../kiosk/backOffice';
import { openDevelopmentCa } from '../../../kiosk/ca/devCa';
import type { CertificateAuthority, IssuedCertificate } from '../../../kiosk/ca/port';
import { createKioskLogger } from '../../../kiosk/logging';
import { createKioskRenewals } from '../../../kiosk/renewal/kioskRenewals';
import { KioskError, type KioskRenewals } from '../../../kiosk/renewal/port';
import { openTokenClient, type TokenClient } from '../../../kiosk/token/client';
import { createSoftHsmToken } from '../../../kiosk/token/softhsm';
import type { DeviceCertificateKind } from '../../../domain/devices/events';
import type { TokenPort } from '../../../kiosk/token/port';
import { addGuideProducts, allEvents, DAY, expectStatus, MARIO_CF, PASSWORD, registerPerson, startApi, topUp, type ApiWorld } from '../../server/api/support';
import { tempDir } from '../../support/tmp';

const run = promisify(execFile);

/** The card's PIN: distinctive, so that a search for it finds nothing else. */
export const PIN = 'Pq7#kZ41wX';
export const SO_PIN = '11223344';
export { MARIO_CF, DAY };

export const SUBJECT_OF = (cf: string) => `CN=ROSSI MARIO, 2.5.4.5=TINIT-${cf}, C=IT`;
export const LABELS: Record<DeviceCertificateKind, string> = { signing: 'Firma digitale', authentication: 'CNS' };
/** The first certificates' CKA_IDs (a card as issued, before any renewal). */
export const FIRST_IDS: Record<DeviceCertificateKind, string> = { signing: '01', authentication: '02' };

export interface Card {
  serial: string;
  deviceSerial: string;
  first: Record<DeviceCertificateKind, IssuedCertificate>;
}

export interface Kiosk {
  renewals: KioskRenewals;
  backOffice: BackOffice;
  token: TokenClient;
}

export interface KioskWorld {
  api: ApiWorld;
  ca: CertificateAuthority;
  caDir: string;
  customerId: string;
  /** What the kiosks logged, what they sent to the back office, what the server logged. */
  kioskLog: string[];
  sentToBackOffice: string[];
  serverLog: string[];
  /** A new card in a new reader, with first certificates issued near their end, registered as a device. */
  newCard(options?: { expiresInDays?: number; kinds?: DeviceCertificateKind[] }): Promise<Card>;
  /** A kiosk: its own token client, its own back-office session (the operator logged in), over `token` when given. */
  newKiosk(options?: { wrapToken?: (client: TokenClient) => TokenPort; ca?: CertificateAuthority; wrapBackOffice?: (bo: BackOffice) => BackOffice }): Promise<Kiosk>;
  /** Coupons of a product bought by the customer (prepaid), the codes in order. */
  buyCoupons(productCode: 'RIN-FIRMA' | 'RIN-CNS' | 'RIN-FIRMA-CNS', quantity: number): Promise<string[]>;
  /** Every event of the store, as JSON. */
  eventLog(): Promise<string>;
  /** `openssl verify` of a certificate against the CA's chain: its output. */
  opensslVerify(certificatePem: string): Promise<string>;
  close(): Promise<void>;
}

const lines = (into: string[]) =>
  new Writable({
    write(chunk, _encoding, done) {
      into.push(String(chunk));
      done();
    },
  });

export async function startKioskWorld(): Promise<KioskWorld> {
  const serverLog: string[] = [];
  const kioskLog: string[] = [];
  const sentToBackOffice: string[] = [];
  const api = await startApi({ noSmtp: true, start: new Date().toISOString(), logger: { level: 'info', stream: lines(serverLog) } });
  const dir = tempDir('kiosk-flow-');
  const caDir = join(dir.path, 'ca');
  const ca = await openDevelopmentCa({ dir: caDir });
  await addGuideProducts(api);
  const customerId = await registerPerson(api);
  await topUp(api, customerId, 200_000);
  const tokens = join(dir.path, 'softhsm');
  const clients: TokenClient[] = [];
  let cards = 0;
  let firstToken: { modulePath: string; env: Record<string, string> } | null = null;

  const openClient = () => {
    const client = openTokenClient({ modulePath: firstToken!.modulePath, env: firstToken!.env });
    clients.push(client);
    return client;
  };

  const recordingFetch: typeof fetch = async (input, init) => {
    sentToBackOffice.push(`${init?.method ?? 'GET'} ${String(input)} ${JSON.stringify(init?.headers ?? {})} ${typeof init?.body === 'string' ? init.body : ''}`);
    return fetch(input, init);
  };

  const world: KioskWorld = {
    api,
    ca,
    caDir,
    customerId,
    kioskLog,
    sentToBackOffice,
    serverLog,
    async newCard(options = {}) {
      const n = ++cards;
      const token = await createSoftHsmToken({ dir: tokens, label: `Carta ${n}`, soPin: SO_PIN, userPin: PIN });
      firstToken ??= token;
      const kinds = options.kinds ?? ['signing', 'authentication'];
      const now = Date.now();
      const validity = { from: new Date(now - 3 * 365 * DAY).toISOString(), until: new Date(now + (options.expiresInDays ?? 20) * DAY).toISOString() };
      // The card as the CA issued it three years ago: keys on the card, certificates next to them.
      const setup = openTokenClient({ modulePath: token.modulePath, env: token.env });
      const first = {} as Record<DeviceCertificateKind, IssuedCertificate>;
      try {
        await setup.login(token.serial, PIN);
        for (const kind of kinds) {
          await setup.generateKeyPair(token.serial, { id: FIRST_IDS[kind], label: LABELS[kind] });
          const { csrPem } = await setup.createCertificateRequest(token.serial, { id: FIRST_IDS[kind], subject: SUBJECT_OF(MARIO_CF) });
          first[kind] = await ca.issue({ requestId: `first-${token.serial}-${kind}`, csrPem, profile: kind, holderCodiceFiscale: MARIO_CF, validityYears: 3, validity });
          await setup.writeCertificate(token.serial, { id: FIRST_IDS[kind], label: LABELS[kind], certificatePem: first[kind].certificatePem });
        }
        await setup.logout(token.serial);
      } finally {
        await setup.close();
      }
      const deviceSerial = token.serial.toUpperCase();
      expectStatus(
        await api.operator.post('/api/devices', {
          serial: deviceSerial,
          kind: 'smart_card',
          issuer: ca.name,
          issuedOn: validity.from.slice(0, 10),
          holderCodiceFiscale: MARIO_CF,
          certificates: kinds.map((kind) => ({ kind, serialNumber: first[kind].serialNumber, validFrom: first[kind].validFrom, validUntil: first[kind].validUntil })),
        }),
        201,
      );
      return { serial: token.serial, deviceSerial, first };
    },
    async newKiosk(options = {}) {
      const token = openClient();
      const bo0 = createBackOffice({ baseUrl: api.baseUrl, fetch: recordingFetch });
      const backOffice = options.wrapBackOffice ? options.wrapBackOffice(bo0) : bo0;
      await backOffice.login('operatore', PASSWORD);
      const logger = createKioskLogger({ level: 'debug' }, lines(kioskLog));
      const renewals = createKioskRenewals({ backOffice, token: options.wrapToken ? options.wrapToken(token) : token, ca: options.ca ?? ca, logger });
      return { renewals, backOffice, token };
    },
    async buyCoupons(productCode, quantity) {
      const placed = expectStatus(
        await api.operator.post('/api/orders', { customerId, manual: { lines: [{ productCode, quantity }] }, payment: { mode: 'prepaid' } }),
        201,
      ).json();
      const filter = encodeURIComponent(JSON.stringify({ orderId: placed.id }));
      // The coupons are issued by the fulfilment reactor a moment after the payment: wait for them
      // (once, idle() returned before they were listed and a test typed an undefined code).
      const deadline = Date.now() + 15_000;
      for (;;) {
        await api.idle();
        const coupons = expectStatus(await api.operator.get(`/api/coupons?filter=${filter}&sort=${encodeURIComponent('["issuedAt","ASC"]')}`), 200).json<Array<{ code: string }>>();
        if (coupons.length >= quantity) return coupons.map((c) => c.code);
        if (Date.now() > deadline) throw new Error(`order ${placed.id}: ${coupons.length} of ${quantity} coupons issued after 15 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async eventLog() {
      return JSON.stringify(await allEvents(api.store));
    },
    async opensslVerify(certificatePem) {
      const [issuing, ...roots] = await ca.chainPem();
      const files = { cert: join(dir.path, 'check.pem'), untrusted: join(dir.path, 'issuing.pem'), root: join(dir.path, 'root.pem') };
      writeFileSync(files.cert, certificatePem);
      writeFileSync(files.untrusted, issuing!);
      writeFileSync(files.root, roots.length > 0 ? roots.join('\n') : issuing!);
      const { stdout } = await run('openssl', ['verify', '-CAfile', files.root, '-untrusted', files.untrusted, files.cert]);
      return stdout;
    },
    async close() {
      for (const client of clients) await client.close().catch(() => undefined);
      await api.close();
      dir.remove();
    },
  };
  return world;
}

/** openssl x509 -text of a certificate. */
export async function opensslText(certificatePem: string): Promise<string> {
  const child = execFile('openssl', ['x509', '-noout', '-text']);
  const out: string[] = [];
  child.stdout!.on('data', (d) => out.push(String(d)));
  child.stdin!.end(certificatePem);
  await new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(null) : reject(new Error(`openssl exited ${code}`)))));
  return out.join('');
}

/** The token client with some of its calls replaced (the rest go to the client itself). */
export function tokenWith(client: TokenPort, overrides: Partial<TokenPort>): TokenPort {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property in overrides) return overrides[property as keyof TokenPort];
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The KioskError a promise rejects with (anything else fails the test). */
export async function kioskError(promise: Promise<unknown>): Promise<KioskError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof KioskError)) throw new Error(`expected a KioskError, got ${String(error)}`);
  return error;
}

/** A coupon's row in the back office's read API, by its code. */
export async function couponRow(world: KioskWorld, code: string): Promise<Record<string, unknown>> {
  return expectStatus(await world.api.operator.get(`/api/coupons?filter=${encodeURIComponent(JSON.stringify({ code }))}`), 200).json<Array<Record<string, unknown>>>()[0]!;
}
