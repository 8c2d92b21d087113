// The development certificate authority: a real two-level CA (a root, and an issuing CA signed by
// it) kept in a directory, for the demo token and the tests. It is NOT a production CA: its private
// keys are plain PKCS#8 PEM files on disk (mode 0600), guarded by nothing but file permissions.
// The production CA is another implementation of CertificateAuthority, chosen by configuration.
//
// Everything is built with @peculiar/x509 over Node's WebCrypto, never hand-written ASN.1.
//
// Keys: RSA 2048 with SHA-256 (RSASSA-PKCS1-v1_5), like the cards' keys and like the chains of the
// Italian qualified CAs, so what the demo shows is what signature verifiers see in production;
// generating the two CA keys costs a fraction of a second, once per data directory.
//
// Layout of `dir` (see the report of issue #17, and README's Kiosk section):
//   ca/ca.json               the CA's name and when it was made
//   ca/root.pem              root CA certificate (self-signed)
//   ca/root.key.pem          its private key, PKCS#8 PEM, mode 0600
//   ca/issuing.pem           issuing CA certificate, signed by the root
//   ca/issuing.key.pem       its private key, PKCS#8 PEM, mode 0600
//   requests/<id>.json       one per request id (URI-encoded): what was issued for it (the truth)
//   issued/<SERIAL>.pem      a copy of each issued certificate, for people and OpenSSL
//   revoked/<SERIAL>.json    one per revocation: reason and date
//
// Every write that must happen once (the CA itself, a request's certificate, a revocation) is made
// complete in a temporary name and then put in place with an operation that fails if the target
// exists (rename of a directory, link of a file): two kiosks opening the same directory at once
// never get two CAs, two certificates for one request, or a half-written file.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { checkCodiceFiscale, normaliseCodiceFiscale } from '../../domain/shared/codiceFiscale';
import { deviceCertificateKinds } from '../../domain/devices/events';
import { CaError, type CertificateAuthority, type IssueRequest, type IssuedCertificate } from './port';

// Node's WebCrypto, passed to every call rather than set as @peculiar/x509's process-wide provider:
// the kiosk's token code may put the token's signer there, and the CA must never sign with it
// (nor a token request be signed by this CA's provider because of import order).
const crypto = webcrypto as unknown as Crypto;

export const DEFAULT_DEV_CA_NAME = 'CA di sviluppo (kiosk)';

export interface DevelopmentCaOptions {
  /** The CA's data directory (created when missing). */
  dir: string;
  /** The issuing CA's common name, which is the `issuer` the back office records for a device. */
  name?: string;
  /** The clock (tests, demo); defaults to the machine's. */
  now?: () => Date;
}

export type RevocationReason = Parameters<CertificateAuthority['revoke']>[1];

const SIGNING: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
};
const OID_SERIAL_NUMBER = '2.5.4.5';
const MAX_VALIDITY_YEARS = 10;
/** The CRL says when the next one is due; a relying party treats an older one as stale. */
const CRL_VALID_DAYS = 7;

interface CaFiles {
  name: string;
  root: x509.X509Certificate;
  issuing: x509.X509Certificate;
  issuingKey: CryptoKey;
}

interface RequestRecord {
  requestId: string;
  serialNumber: string;
  certificatePem: string;
  issuedAt: string;
}

interface RevocationRecord {
  serialNumber: string;
  reason: RevocationReason;
  revokedAt: string;
}

const reasonCodes: Record<RevocationReason, x509.X509CrlReason> = {
  unspecified: x509.X509CrlReason.unspecified,
  keyCompromise: x509.X509CrlReason.keyCompromise,
  superseded: x509.X509CrlReason.superseded,
  cessationOfOperation: x509.X509CrlReason.cessationOfOperation,
};

/** Opens the development CA kept in `dir`, creating it on first use. */
export async function openDevelopmentCa(options: DevelopmentCaOptions): Promise<CertificateAuthority> {
  const now = options.now ?? (() => new Date());
  const dirs = {
    ca: join(options.dir, 'ca'),
    requests: join(options.dir, 'requests'),
    issued: join(options.dir, 'issued'),
    revoked: join(options.dir, 'revoked'),
  };
  await fs.mkdir(options.dir, { recursive: true });
  const ca = await loadOrCreateCa(options.dir, dirs.ca, options.name, now());
  for (const d of [dirs.requests, dirs.issued, dirs.revoked]) await fs.mkdir(d, { recursive: true });

  const requestFile = (requestId: string) => join(dirs.requests, `${encodeURIComponent(requestId)}.json`);

  const readRecord = async (requestId: string): Promise<RequestRecord | null> => {
    const text = await readIfExists(requestFile(requestId));
    return text === null ? null : (JSON.parse(text) as RequestRecord);
  };

  const answer = (record: RequestRecord): IssuedCertificate => {
    const cert = new x509.X509Certificate(record.certificatePem);
    return {
      certificatePem: record.certificatePem,
      serialNumber: record.serialNumber,
      validFrom: cert.notBefore.toISOString(),
      validUntil: cert.notAfter.toISOString(),
    };
  };

  /** The existing answer for this request, or a refusal when it was issued for another key. */
  const sameRequestAnswer = (record: RequestRecord, csr: x509.Pkcs10CertificateRequest): IssuedCertificate => {
    const issued = new x509.X509Certificate(record.certificatePem);
    if (!sameBytes(issued.publicKey.rawData, csr.publicKey.rawData)) {
      throw new CaError(
        'request_refused',
        `requestId: a certificate was already issued for another key under request ${record.requestId} (serial ${record.serialNumber})`,
      );
    }
    return answer(record);
  };

  const findRecordBySerial = async (serialNumber: string): Promise<RequestRecord | null> => {
    for (const file of await fs.readdir(dirs.requests)) {
      if (!file.endsWith('.json')) continue;
      const text = await readIfExists(join(dirs.requests, file));
      if (text === null) continue;
      const record = JSON.parse(text) as RequestRecord;
      if (record.serialNumber === serialNumber) return record;
    }
    return null;
  };

  return {
    name: ca.name,

    async issue(request: IssueRequest): Promise<IssuedCertificate> {
      const requestId = checkRequestId(request.requestId);
      const csr = await checkedCsr(request);

      const existing = await readRecord(requestId);
      if (existing) return sameRequestAnswer(existing, csr);

      const at = now();
      const { notBefore, notAfter } = validityOf(request, at);
      const serialNumber = newSerialNumber();
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber,
        // The request's subject, unchanged (re-encoded from the request's own name).
        subject: csr.subjectName,
        issuer: ca.issuing.subjectName,
        notBefore,
        notAfter,
        publicKey: csr.publicKey,
        signingKey: ca.issuingKey,
        signingAlgorithm: SIGNING,
        extensions: await endEntityExtensions(request.profile, csr.publicKey, ca.issuing),
      }, crypto);
      const record: RequestRecord = {
        requestId,
        serialNumber: cert.serialNumber.toUpperCase(),
        certificatePem: pem(cert.toString('pem')),
        issuedAt: at.toISOString(),
      };
      const placed = await writeOnce(requestFile(requestId), `${JSON.stringify(record, null, 2)}\n`);
      if (!placed) {
        // Another call for the same request got there first: its certificate is the answer, and
        // ours was never handed out.
        const winner = await readRecord(requestId);
        if (!winner) throw new Error(`request file for ${requestId} vanished`);
        return sameRequestAnswer(winner, csr);
      }
      await writeAtomically(join(dirs.issued, `${record.serialNumber}.pem`), record.certificatePem);
      return answer(record);
    },

    async findIssued(requestId: string): Promise<IssuedCertificate | null> {
      const record = await readRecord(checkRequestId(requestId));
      return record ? answer(record) : null;
    },

    async chainPem(): Promise<string[]> {
      return [pem(ca.issuing.toString('pem')), pem(ca.root.toString('pem'))];
    },

    async revoke(serialNumber: string, reason: RevocationReason): Promise<void> {
      const serial = normaliseSerial(serialNumber);
      if (typeof reason !== 'string' || !Object.hasOwn(reasonCodes, reason)) {
        throw new CaError('request_refused', `reason: must be one of ${Object.keys(reasonCodes).join(', ')} (got ${String(reason)})`);
      }
      if (!(await findRecordBySerial(serial))) {
        throw new CaError('request_refused', `serialNumber: this CA issued no certificate with serial ${serial}`);
      }
      const record: RevocationRecord = { serialNumber: serial, reason, revokedAt: now().toISOString() };
      // Revoking twice keeps the first revocation (its date and reason): a CRL entry never changes.
      await writeOnce(join(dirs.revoked, `${serial}.json`), `${JSON.stringify(record, null, 2)}\n`);
    },

    async crlPem(): Promise<string> {
      const revocations: RevocationRecord[] = [];
      for (const file of (await fs.readdir(dirs.revoked)).sort()) {
        if (!file.endsWith('.json')) continue;
        const text = await readIfExists(join(dirs.revoked, file));
        if (text !== null) revocations.push(JSON.parse(text) as RevocationRecord);
      }
      const at = now();
      const crl = await x509.X509CrlGenerator.create({
        issuer: ca.issuing.subjectName,
        thisUpdate: at,
        nextUpdate: new Date(at.getTime() + CRL_VALID_DAYS * 86_400_000),
        signingKey: ca.issuingKey,
        signingAlgorithm: SIGNING,
        extensions: [new x509.AuthorityKeyIdentifierExtension(subjectKeyId(ca.issuing))],
        entries: revocations.map((r) => ({
          serialNumber: r.serialNumber,
          revocationDate: new Date(r.revokedAt),
          reason: reasonCodes[r.reason],
        })),
      }, crypto);
      // RFC 7468's label, which OpenSSL requires (the library writes "BEGIN CRL").
      return pem(x509.PemConverter.encode(crl.rawData, 'X509 CRL'));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The request

function checkRequestId(requestId: unknown): string {
  if (typeof requestId !== 'string' || requestId.trim() === '' || requestId.length > 200) {
    throw new CaError('request_refused', 'requestId: must be a non-empty text of at most 200 characters (<renewalId>:<kind>)');
  }
  return requestId;
}

/** The request, parsed and checked: a valid signature by the key it carries, and the holder's CF in its subject. */
async function checkedCsr(request: IssueRequest): Promise<x509.Pkcs10CertificateRequest> {
  if (!(deviceCertificateKinds as readonly string[]).includes(request.profile)) {
    throw new CaError('request_refused', `profile: must be one of ${deviceCertificateKinds.join(', ')} (got ${String(request.profile)})`);
  }
  const cf = checkCodiceFiscale(String(request.holderCodiceFiscale ?? ''));
  if (!cf.ok) throw new CaError('request_refused', `holderCodiceFiscale: ${cf.message}`);

  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(request.csrPem);
  } catch {
    throw new CaError('request_refused', 'csrPem: not a PKCS#10 certificate request in PEM');
  }
  let signatureOk = false;
  try {
    signatureOk = await csr.verify(crypto);
  } catch {
    signatureOk = false;
  }
  if (!signatureOk) {
    throw new CaError('request_refused', "csrPem: the request's signature does not verify with the public key it carries");
  }
  const named = holderCodesIn(csr.subjectName);
  if (!named.includes(cf.value)) {
    throw new CaError(
      'request_refused',
      `csrPem: the request's subject (${csr.subject}) does not name the holder's codice fiscale ${cf.value} (serialNumber=TINIT-${cf.value} or IT:${cf.value})`,
    );
  }
  return csr;
}

/** The codici fiscali a subject names in its serialNumber attribute: `TINIT-<CF>` (ETSI EN 319 412-1) or the older `IT:<CF>`. */
export function holderCodesIn(subject: x509.Name): string[] {
  const codes: string[] = [];
  for (const value of subject.getField(OID_SERIAL_NUMBER)) {
    const m = /^(?:TINIT-|IT:)(.+)$/i.exec(value.trim());
    if (m?.[1]) codes.push(normaliseCodiceFiscale(m[1]));
  }
  return codes;
}

function validityOf(request: IssueRequest, at: Date): { notBefore: Date; notAfter: Date } {
  if (request.validity) {
    const notBefore = new Date(request.validity.from);
    const notAfter = new Date(request.validity.until);
    if (Number.isNaN(notBefore.getTime())) throw new CaError('request_refused', 'validity.from: must be an ISO instant');
    if (Number.isNaN(notAfter.getTime())) throw new CaError('request_refused', 'validity.until: must be an ISO instant');
    if (notAfter <= notBefore) throw new CaError('request_refused', 'validity.until: must be after validity.from');
    return { notBefore: wholeSeconds(notBefore), notAfter: wholeSeconds(notAfter) };
  }
  const years = request.validityYears;
  if (!Number.isInteger(years) || years < 1 || years > MAX_VALIDITY_YEARS) {
    throw new CaError('request_refused', `validityYears: must be a whole number of years from 1 to ${MAX_VALIDITY_YEARS} (got ${String(years)})`);
  }
  // X.509 times are whole seconds: the answer's validFrom is what the certificate says.
  const notBefore = wholeSeconds(at);
  return { notBefore, notAfter: addCalendarYears(notBefore, years) };
}

/** The same day and time `years` later (UTC); 29 February becomes 28 February in a common year. */
export function addCalendarYears(from: Date, years: number): Date {
  const to = new Date(from.getTime());
  to.setUTCFullYear(from.getUTCFullYear() + years);
  if (to.getUTCMonth() !== from.getUTCMonth()) to.setUTCDate(0); // rolled into March: last day of February
  return to;
}

const wholeSeconds = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);

/** 16 random bytes, a positive INTEGER of exactly 16 bytes in DER (top bit clear, first byte not zero). */
function newSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return bytes.toString('hex').toUpperCase();
}

function normaliseSerial(serialNumber: unknown): string {
  const s = String(serialNumber ?? '').replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{1,40}$/.test(s)) {
    throw new CaError('request_refused', `serialNumber: must be hexadecimal (got ${String(serialNumber)})`);
  }
  return s;
}

async function endEntityExtensions(
  profile: IssueRequest['profile'],
  publicKey: x509.PublicKey,
  issuing: x509.X509Certificate,
): Promise<x509.Extension[]> {
  const usage =
    profile === 'signing'
      ? [new x509.KeyUsagesExtension(x509.KeyUsageFlags.nonRepudiation, true)]
      : [
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
        ];
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    ...usage,
    await x509.SubjectKeyIdentifierExtension.create(publicKey, false, crypto),
    new x509.AuthorityKeyIdentifierExtension(subjectKeyId(issuing)),
  ];
}

function subjectKeyId(cert: x509.X509Certificate): string {
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
  if (!ski) throw new Error(`the CA certificate ${cert.subject} has no subject key identifier`);
  return ski.keyId;
}

// ---------------------------------------------------------------------------------------------
// The CA itself

interface CaMeta {
  name: string;
  createdAt: string;
}

async function loadOrCreateCa(dir: string, caDir: string, wantedName: string | undefined, at: Date): Promise<CaFiles> {
  if (!(await exists(join(caDir, 'ca.json')))) {
    const staging = join(dir, `.ca-${randomBytes(6).toString('hex')}`);
    await createCa(staging, wantedName ?? DEFAULT_DEV_CA_NAME, at);
    try {
      await fs.rename(staging, caDir);
    } catch (e) {
      // Another process made the CA in the meantime: its CA is the one.
      await fs.rm(staging, { recursive: true, force: true });
      if (!(await exists(join(caDir, 'ca.json')))) throw e;
    }
  }
  const meta = JSON.parse(await fs.readFile(join(caDir, 'ca.json'), 'utf8')) as CaMeta;
  if (wantedName !== undefined && wantedName !== meta.name) {
    throw new Error(`name: the development CA in ${dir} is named "${meta.name}", not "${wantedName}" (use another directory for another CA)`);
  }
  const keyPem = await fs.readFile(join(caDir, 'issuing.key.pem'), 'utf8');
  const issuingKey = await webcrypto.subtle.importKey(
    'pkcs8',
    x509.PemConverter.decodeFirst(keyPem),
    SIGNING,
    false,
    ['sign'],
  );
  return {
    name: meta.name,
    root: new x509.X509Certificate(await fs.readFile(join(caDir, 'root.pem'), 'utf8')),
    issuing: new x509.X509Certificate(await fs.readFile(join(caDir, 'issuing.pem'), 'utf8')),
    issuingKey: issuingKey as CryptoKey,
  };
}

async function createCa(staging: string, name: string, at: Date): Promise<void> {
  await fs.mkdir(staging, { recursive: true, mode: 0o700 });
  const subtle = webcrypto.subtle;
  const rootKeys = (await subtle.generateKey(SIGNING, true, ['sign', 'verify'])) as CryptoKeyPair;
  const issuingKeys = (await subtle.generateKey(SIGNING, true, ['sign', 'verify'])) as CryptoKeyPair;
  // Backdated: the demo token's first certificates were "issued" years ago, inside the CA's life.
  const notBefore = addCalendarYears(wholeSeconds(at), -5);
  const rootName = `CN=CA radice di sviluppo (kiosk), O=Sviluppo kiosk - non per produzione, C=IT`;
  const issuingName = new x509.Name([
    { CN: [name] },
    { O: ['Sviluppo kiosk - non per produzione'] },
    { C: ['IT'] },
  ]);

  const rootSki = await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey, false, crypto);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerialNumber(),
    name: rootName,
    keys: rootKeys,
    notBefore,
    notAfter: addCalendarYears(notBefore, 30),
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      rootSki,
    ],
  }, crypto);
  const issuing = await x509.X509CertificateGenerator.create({
    serialNumber: newSerialNumber(),
    subject: issuingName,
    issuer: root.subjectName,
    publicKey: issuingKeys.publicKey,
    signingKey: rootKeys.privateKey,
    notBefore,
    notAfter: addCalendarYears(notBefore, 25),
    signingAlgorithm: SIGNING,
    extensions: [
      // pathLength 0: it issues end-entity certificates only.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(issuingKeys.publicKey, false, crypto),
      new x509.AuthorityKeyIdentifierExtension(rootSki.keyId),
    ],
  }, crypto);

  const privatePem = async (key: CryptoKey) => x509.PemConverter.encode(await subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
  // A development CA: the keys are files readable by the kiosk's user only, nothing more.
  await fs.writeFile(join(staging, 'root.key.pem'), pem(await privatePem(rootKeys.privateKey)), { mode: 0o600 });
  await fs.writeFile(join(staging, 'issuing.key.pem'), pem(await privatePem(issuingKeys.privateKey)), { mode: 0o600 });
  await fs.writeFile(join(staging, 'root.pem'), pem(root.toString('pem')));
  await fs.writeFile(join(staging, 'issuing.pem'), pem(issuing.toString('pem')));
  // Last: its presence says the CA is complete.
  const meta: CaMeta = { name, createdAt: at.toISOString() };
  await fs.writeFile(join(staging, 'ca.json'), `${JSON.stringify(meta, null, 2)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Files

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes `path` whole, unless it exists: false when another writer placed it first. */
async function writeOnce(path: string, content: string): Promise<boolean> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await fs.writeFile(tmp, content);
  try {
    await fs.link(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await fs.writeFile(tmp, content);
  await fs.rename(tmp, path);
}

/** Every PEM handed out ends with a newline, so that a chain is the plain concatenation of its parts. */
const pem = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

function sameBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}
