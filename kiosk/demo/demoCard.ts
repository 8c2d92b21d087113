// `npm run kiosk -- --demo-token`: a SoftHSM2 token in the kiosk's data directory that looks like a
// customer's card about to expire: the demo holder's signing and authentication certificates,
// issued by the development CA with a validity that ends in DEMO_DAYS_LEFT days, each on its own
// key pair generated on the token. Made once; its description (serial, certificates, the demo
// PIN) is kept next to it, so the next start finds the same card (renewed, if it was).
import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceCertificateKind } from '../../domain/devices/events';
import * as x509 from '@peculiar/x509';
import type { CertificateAuthority, IssuedCertificate } from '../ca/port';
import { certificateKindOf, serialNumberOf } from '../holder';
import type { TokenPort } from '../token/port';
import { DEMO_HOLDER, demoSubject } from './demoHolder';

/** The demo card's user PIN: printed at start, for the demo only. */
export const DEMO_USER_PIN = '12345678';
const DEMO_SO_PIN = '87654321';
export const DEMO_TOKEN_LABEL = 'Carta demo';
/** How long the demo card's certificates have left when it is made (inside the 90-day window). */
export const DEMO_DAYS_LEFT = 20;
const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

export const DEMO_OBJECTS: Record<DeviceCertificateKind, { id: string; label: string }> = {
  signing: { id: '01', label: 'Firma' },
  authentication: { id: '02', label: 'Autenticazione' },
};

export interface DemoCard {
  serial: string;
  userPin: string;
  holderCodiceFiscale: string;
  /** The card's first certificates (the device is registered in the back office with these). */
  certificates: Array<{ kind: DeviceCertificateKind } & Omit<IssuedCertificate, 'certificatePem'>>;
  issuedOn: string;
}

export interface DemoCardDeps {
  dataDir: string;
  ca: CertificateAuthority;
  /** Initialises a new SoftHSM2 token under `dir` (kiosk/token/softhsm.ts createSoftHsmToken). */
  createToken(options: { dir: string; label: string; soPin: string; userPin: string }): Promise<{ serial: string }>;
  /** The token client, opened on the SoftHSM2 configuration under `dir`. */
  tokens: TokenPort;
  now?: () => Date;
}

/** Where the demo card's SoftHSM2 configuration and token store live. */
export const demoTokenDir = (dataDir: string): string => join(dataDir, 'demo-token');
const descriptionFile = (dataDir: string) => join(demoTokenDir(dataDir), 'demo-card.json');

/** The demo card described by an earlier start, or null. */
export function readDemoCard(dataDir: string): DemoCard | null {
  const file = descriptionFile(dataDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoCard) : null;
}

/** Makes the demo card when there is none yet (a token whose description was lost is made again). */
export async function ensureDemoCard(deps: DemoCardDeps): Promise<{ card: DemoCard; created: boolean }> {
  const known = readDemoCard(deps.dataDir);
  if (known && (await deps.tokens.listTokens()).some((t) => t.serial === known.serial)) return { card: known, created: false };

  const dir = demoTokenDir(deps.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { serial } = await deps.createToken({ dir, label: DEMO_TOKEN_LABEL, soPin: DEMO_SO_PIN, userPin: DEMO_USER_PIN });
  const now = (deps.now ?? (() => new Date()))();
  const until = new Date(now.getTime() + DEMO_DAYS_LEFT * DAY_MS);
  const from = new Date(until.getTime() - 3 * YEAR_MS);
  const validity = { from: from.toISOString(), until: until.toISOString() };

  const certificates: DemoCard['certificates'] = [];
  await deps.tokens.login(serial, DEMO_USER_PIN);
  try {
    for (const kind of ['signing', 'authentication'] as const) {
      const object = DEMO_OBJECTS[kind];
      await deps.tokens.generateKeyPair(serial, object);
      const { csrPem } = await deps.tokens.createCertificateRequest(serial, { id: object.id, subject: demoSubject() });
      const issued = await deps.ca.issue({
        requestId: `demo-card-${serial}:${kind}`,
        csrPem,
        profile: kind,
        holderCodiceFiscale: DEMO_HOLDER.codiceFiscale,
        validityYears: 3,
        validity,
      });
      await deps.tokens.writeCertificate(serial, { ...object, certificatePem: issued.certificatePem });
      certificates.push({ kind, serialNumber: issued.serialNumber, validFrom: issued.validFrom, validUntil: issued.validUntil });
    }
  } finally {
    await deps.tokens.logout(serial).catch(() => undefined);
  }
  const card: DemoCard = {
    serial,
    userPin: DEMO_USER_PIN,
    holderCodiceFiscale: DEMO_HOLDER.codiceFiscale,
    certificates,
    issuedOn: validity.from.slice(0, 10),
  };
  writeFileSync(descriptionFile(deps.dataDir), JSON.stringify(card, null, 2) + '\n', { mode: 0o600 });
  return { card, created: true };
}

/**
 * The demo card as it is now: the certificates read from the token (without a PIN), so that a back
 * office started afresh after a renewal registers the card with the certificates it really holds.
 * Falls back to the description when the token does not show both.
 */
export async function demoCardNow(tokens: TokenPort, card: DemoCard): Promise<DemoCard> {
  const objects = await tokens.readCertificates(card.serial).catch(() => []);
  const certificates: DemoCard['certificates'] = [];
  for (const object of objects) {
    const certificate = new x509.X509Certificate(object.certificatePem);
    const kind = certificateKindOf(certificate);
    if (!kind || certificates.some((c) => c.kind === kind)) continue;
    certificates.push({ kind, serialNumber: serialNumberOf(certificate), validFrom: certificate.notBefore.toISOString(), validUntil: certificate.notAfter.toISOString() });
  }
  return certificates.length === 2 ? { ...card, certificates } : card;
}
