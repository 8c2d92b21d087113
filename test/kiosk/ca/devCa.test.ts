// The development CA, checked from the outside: what it issues is verified with OpenSSL against
// the chain it publishes, not only with the library that made it.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { execFileSync, spawnSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarYears, openDevelopmentCa } from '../../../kiosk/ca/devCa';
import { CaError, type CertificateAuthority, type IssueRequest } from '../../../kiosk/ca/port';
import { unreachableWhile } from '../../../kiosk/ca/faults';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const CF = 'RSSMRA80A01H501U';
const RSA: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
};
/** The renewal day of these tests (the CA's injected clock). */
const TODAY = new Date('2026-03-10T09:15:42.123Z');

const newKeys = async () => (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;

async function csrFor(keys: CryptoKeyPair, subject = `CN=Mario Rossi, serialNumber=TINIT-${CF}, GN=Mario, SN=Rossi, C=IT`): Promise<string> {
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: new x509.Name(subject, { serialNumber: '2.5.4.5', GN: '2.5.4.42', SN: '2.5.4.4' }),
    keys,
    signingAlgorithm: RSA,
  });
  return csr.toString('pem');
}

function openssl(args: string[], input?: string): string {
  const r = spawnSync('openssl', args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

let dir: string;
let ca: CertificateAuthority;
let holderKeys: CryptoKeyPair;
let otherKeys: CryptoKeyPair;
let chainDir: string;

const request = async (over: Partial<IssueRequest> = {}): Promise<IssueRequest> => ({
  requestId: 'renewal-1:signing',
  csrPem: await csrFor(holderKeys),
  profile: 'signing',
  holderCodiceFiscale: CF,
  validityYears: 3,
  ...over,
});

async function refusal(p: Promise<unknown>): Promise<CaError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CaError);
  expect((e as CaError).code).toBe('request_refused');
  return e as CaError;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dev-ca-'));
  chainDir = mkdtempSync(join(tmpdir(), 'dev-ca-out-'));
  ca = await openDevelopmentCa({ dir, now: () => TODAY });
  [holderKeys, otherKeys] = await Promise.all([newKeys(), newKeys()]);
  const [issuing, root] = await ca.chainPem();
  writeFileSync(join(chainDir, 'issuing.pem'), issuing!);
  writeFileSync(join(chainDir, 'root.pem'), root!);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(chainDir, { recursive: true, force: true });
});

/** Writes the certificate and runs `openssl verify` against the CA's chain, at the renewal day. */
function verifyWithOpenssl(pem: string, name: string): string {
  const file = join(chainDir, name);
  writeFileSync(file, pem);
  const attime = String(Math.floor(TODAY.getTime() / 1000) + 3600);
  return openssl(['verify', '-x509_strict', '-attime', attime, '-CAfile', join(chainDir, 'root.pem'), '-untrusted', join(chainDir, 'issuing.pem'), file]);
}

describe('the development CA', () => {
  it('is named for the back office, and keeps its private keys readable by its user only', async () => {
    expect(ca.name).toBe('CA di sviluppo (kiosk)');
    for (const key of ['root.key.pem', 'issuing.key.pem']) {
      expect(statSync(join(dir, 'ca', key)).mode & 0o777).toBe(0o600);
    }
    const text = openssl(['x509', '-noout', '-text', '-in', join(chainDir, 'issuing.pem')]);
    expect(text).toContain('CN = CA di sviluppo (kiosk)');
    expect(text).toMatch(/CA:TRUE, pathlen:0/);
    // The key files are plain PKCS#8 that OpenSSL reads, and each belongs to its certificate.
    for (const [key, cert] of [['issuing.key.pem', 'issuing.pem'], ['root.key.pem', 'root.pem']] as const) {
      const fromKey = openssl(['pkey', '-in', join(dir, 'ca', key), '-pubout']);
      expect(fromKey).toBe(openssl(['x509', '-in', join(dir, 'ca', cert), '-noout', '-pubkey']));
    }
  });

  it('issues a signing certificate that OpenSSL verifies against its chain: nonRepudiation, the same subject, 3 calendar years', async () => {
    const issued = await ca.issue(await request());
    expect(verifyWithOpenssl(issued.certificatePem, 'signing.pem')).toContain(': OK');

    const text = openssl(['x509', '-noout', '-text', '-in', join(chainDir, 'signing.pem')]);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Non Repudiation\s*\n/);
    expect(text).not.toContain('TLS Web Client Authentication');
    expect(text).toMatch(/CA:FALSE/);
    expect(text).toContain(`serialNumber = TINIT-${CF}`);
    expect(text).toContain('CN = Mario Rossi');
    expect(text).toContain('Not Before: Mar 10 09:15:42 2026 GMT');
    expect(text).toContain('Not After : Mar 10 09:15:42 2029 GMT');
    expect(text).toContain('X509v3 Subject Key Identifier');
    expect(text).toContain('X509v3 Authority Key Identifier');

    expect(issued.validFrom).toBe('2026-03-10T09:15:42.000Z');
    expect(issued.validUntil).toBe('2029-03-10T09:15:42.000Z');
    expect(issued.serialNumber).toMatch(/^[0-9A-F]{32}$/);
    const serialFromOpenssl = openssl(['x509', '-noout', '-serial', '-in', join(chainDir, 'signing.pem')]);
    expect(serialFromOpenssl.trim()).toBe(`serial=${issued.serialNumber}`);
  });

  it('issues an authentication certificate: digitalSignature and clientAuth, from the older IT:<CF> subject too', async () => {
    const keys = await newKeys();
    const issued = await ca.issue(
      await request({
        requestId: 'renewal-1:authentication',
        profile: 'authentication',
        csrPem: await csrFor(keys, `CN=Mario Rossi, serialNumber=IT:${CF}, C=IT`),
      }),
    );
    expect(verifyWithOpenssl(issued.certificatePem, 'authentication.pem')).toContain(': OK');
    const text = openssl(['x509', '-noout', '-text', '-in', join(chainDir, 'authentication.pem')]);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\s*\n/);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Client Authentication/);
    expect(text).toContain(`serialNumber = IT:${CF}`);
    expect(openssl(['x509', '-noout', '-purpose', '-in', join(chainDir, 'authentication.pem')])).toMatch(/SSL client : Yes/);
  });

  it('answers the same certificate to the same request id, and writes no second one', async () => {
    const first = await ca.issue(await request({ requestId: 'renewal-2:signing' }));
    const files = readdirSync(join(dir, 'issued')).length;
    // A resumed renewal sends the request again (a new CSR over the same key on the token).
    const again = await ca.issue(await request({ requestId: 'renewal-2:signing' }));
    expect(again.serialNumber).toBe(first.serialNumber);
    expect(again.certificatePem).toBe(first.certificatePem);
    expect(readdirSync(join(dir, 'issued')).length).toBe(files);
    expect((await ca.findIssued('renewal-2:signing'))?.serialNumber).toBe(first.serialNumber);
    expect(await ca.findIssued('renewal-never:signing')).toBeNull();
  });

  it('gives one certificate to two calls for one request at once', async () => {
    const before = readdirSync(join(dir, 'issued')).length;
    const req = await request({ requestId: 'renewal-3:signing' });
    const [a, b] = await Promise.all([ca.issue(req), ca.issue(req)]);
    expect(a.serialNumber).toBe(b.serialNumber);
    expect(readdirSync(join(dir, 'issued')).length).toBe(before + 1);
  });

  it('refuses a request id already answered for another key', async () => {
    await ca.issue(await request({ requestId: 'renewal-4:signing' }));
    const e = await refusal(ca.issue(await request({ requestId: 'renewal-4:signing', csrPem: await csrFor(otherKeys) })));
    expect(e.message).toMatch(/already issued for another key/);
  });

  it('refuses a request whose signature does not verify', async () => {
    const der = Buffer.from(x509.PemConverter.decodeFirst(await csrFor(holderKeys)));
    der.writeUInt8(der.readUInt8(der.length - 1) ^ 0xff, der.length - 1); // the last byte of the signature
    const e = await refusal(ca.issue(await request({ requestId: 'renewal-5:signing', csrPem: x509.PemConverter.encode(der, 'CERTIFICATE REQUEST') })));
    expect(e.message).toMatch(/^csrPem: .*signature does not verify/);
    expect(await ca.findIssued('renewal-5:signing')).toBeNull();
  });

  it("refuses a subject that does not name the holder's codice fiscale", async () => {
    const without = await refusal(ca.issue(await request({ requestId: 'renewal-6:signing', csrPem: await csrFor(holderKeys, 'CN=Mario Rossi, C=IT') })));
    expect(without.message).toContain(`does not name the holder's codice fiscale ${CF}`);
    const someoneElse = await csrFor(holderKeys, 'CN=Laura Bianchi, serialNumber=TINIT-BNCLRA85T45F205L, C=IT');
    await refusal(ca.issue(await request({ requestId: 'renewal-6:signing', csrPem: someoneElse })));
    expect(await ca.findIssued('renewal-6:signing')).toBeNull();
  });

  it('names the field and the rule of a bad request', async () => {
    expect((await refusal(ca.issue(await request({ requestId: 'r7:signing', holderCodiceFiscale: 'RSSMRA80A01H501X' })))).message).toMatch(/^holderCodiceFiscale: /);
    expect((await refusal(ca.issue(await request({ requestId: 'r7:signing', validityYears: 0 })))).message).toMatch(/^validityYears: /);
    expect((await refusal(ca.issue(await request({ requestId: 'r7:signing', csrPem: 'not a csr' })))).message).toMatch(/^csrPem: not a PKCS#10/);
    expect((await refusal(ca.issue(await request({ requestId: '', csrPem: 'x' })))).message).toMatch(/^requestId: /);
    expect(
      (await refusal(ca.issue(await request({ requestId: 'r7:signing', profile: 'encryption' as IssueRequest['profile'] })))).message,
    ).toMatch(/^profile: must be one of signing, authentication/);
  });

  it("issues the demo card's first certificates with the validity they are given", async () => {
    const issued = await ca.issue(
      await request({ requestId: 'demo:signing', validity: { from: '2023-04-01T08:00:00Z', until: '2026-04-01T08:00:00Z' } }),
    );
    expect(issued.validFrom).toBe('2023-04-01T08:00:00.000Z');
    expect(issued.validUntil).toBe('2026-04-01T08:00:00.000Z');
    expect(verifyWithOpenssl(issued.certificatePem, 'demo.pem')).toContain(': OK');
  });

  it('revokes what it issued, and its CRL (signed by the issuing CA) lists the serial with the reason', async () => {
    const issued = await ca.issue(await request({ requestId: 'renewal-8:signing' }));
    await ca.revoke(issued.serialNumber, 'superseded');
    await ca.revoke(issued.serialNumber, 'keyCompromise'); // a second revocation changes nothing
    const crlFile = join(chainDir, 'crl.pem');
    writeFileSync(crlFile, await ca.crlPem());
    writeFileSync(join(chainDir, 'chain.pem'), (await ca.chainPem()).join(''));
    const text = openssl(['crl', '-in', crlFile, '-CAfile', join(chainDir, 'chain.pem'), '-verify', '-noout', '-text']);
    expect(text).toContain('verify OK');
    expect(text).toContain('Issuer: CN = CA di sviluppo (kiosk)');
    expect(text).toContain(`Serial Number: ${issued.serialNumber}`);
    expect(text).toMatch(new RegExp(`Serial Number: ${issued.serialNumber}\\s+Revocation Date: Mar 10 09:15:42 2026 GMT\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+Superseded`));
    expect(text).not.toContain('Key Compromise');

    // OpenSSL, given the CRL, now refuses the certificate.
    const certFile = join(chainDir, 'revoked.pem');
    writeFileSync(certFile, issued.certificatePem);
    const attime = String(Math.floor(TODAY.getTime() / 1000) + 3600);
    const r = spawnSync('openssl', ['verify', '-attime', attime, '-crl_check', '-CRLfile', crlFile, '-CAfile', join(chainDir, 'root.pem'), '-untrusted', join(chainDir, 'issuing.pem'), certFile], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('certificate revoked');
  });

  it("signs with its own keys whatever @peculiar/x509's process-wide provider is (the token code may set its signer there)", async () => {
    const req = await request({ requestId: 'renewal-10:signing' });
    const refusing = new Proxy({}, { get: () => () => Promise.reject(new Error('the process-wide provider was used')) });
    x509.cryptoProvider.set({ subtle: refusing, getRandomValues: (a: Uint8Array) => a } as unknown as Crypto);
    try {
      const issued = await ca.issue(req);
      await ca.revoke(issued.serialNumber, 'cessationOfOperation');
      expect(await ca.crlPem()).toContain('BEGIN X509 CRL');
    } finally {
      x509.cryptoProvider.set(webcrypto as unknown as Crypto);
    }
  });

  it('refuses to revoke a serial it never issued', async () => {
    const e = await refusal(ca.revoke('0123456789ABCDEF', 'superseded'));
    expect(e.message).toMatch(/^serialNumber: this CA issued no certificate/);
    const issued = await ca.findIssued('renewal-1:signing');
    const reason = await refusal(ca.revoke(issued!.serialNumber, 'toString' as 'superseded'));
    expect(reason.message).toMatch(/^reason: must be one of unspecified, keyCompromise, superseded, cessationOfOperation/);
  });

  it('opens again from its directory: same chain, same answers, same revocations', async () => {
    const first = await ca.findIssued('renewal-2:signing');
    const reopened = await openDevelopmentCa({ dir, now: () => TODAY });
    expect(await reopened.chainPem()).toEqual(await ca.chainPem());
    expect(reopened.name).toBe(ca.name);
    expect((await reopened.findIssued('renewal-2:signing'))?.serialNumber).toBe(first?.serialNumber);
    const again = await reopened.issue(await request({ requestId: 'renewal-2:signing' }));
    expect(again.serialNumber).toBe(first?.serialNumber);
    const crl = new x509.X509Crl(await reopened.crlPem());
    expect(crl.entries).toHaveLength(2);
    await expect(openDevelopmentCa({ dir, name: 'Altra CA' })).rejects.toThrow(/^name: the development CA in .* is named "CA di sviluppo \(kiosk\)"/);
  });

  it('is made once when two kiosks open the same new directory at once', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'dev-ca-race-'));
    try {
      const [a, b] = await Promise.all([openDevelopmentCa({ dir: fresh }), openDevelopmentCa({ dir: fresh })]);
      expect(await a.chainPem()).toEqual(await b.chainPem());
      expect(readdirSync(fresh).sort()).toEqual(['ca', 'issued', 'requests', 'revoked']);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('writes no key material where it should not: one CA directory, no temporary files left', () => {
    expect(readdirSync(dir).sort()).toEqual(['ca', 'issued', 'requests', 'revoked']);
    const leftovers = execFileSync('find', [dir, '-name', '*.tmp'], { encoding: 'utf8' });
    expect(leftovers).toBe('');
  });
});

describe('calendar years', () => {
  it('adds years on the same day and time, and ends on 28 February from a 29 February', () => {
    expect(addCalendarYears(new Date('2026-03-10T09:15:42Z'), 3).toISOString()).toBe('2029-03-10T09:15:42.000Z');
    expect(addCalendarYears(new Date('2028-02-29T23:30:00Z'), 3).toISOString()).toBe('2031-02-28T23:30:00.000Z');
    expect(addCalendarYears(new Date('2028-02-29T10:00:00Z'), 4).toISOString()).toBe('2032-02-29T10:00:00.000Z');
  });
});

describe('a CA that does not answer (the flow tests\' aid)', () => {
  it('refuses with ca_unreachable while down, issues nothing, and answers again once up', async () => {
    let down = true;
    const flaky = unreachableWhile(ca, () => down);
    const req = await request({ requestId: 'renewal-9:signing' });
    await expect(flaky.issue(req)).rejects.toMatchObject({ name: 'CaError', code: 'ca_unreachable' });
    expect(await ca.findIssued('renewal-9:signing')).toBeNull();
    down = false;
    const issued = await flaky.issue(req);
    expect((await flaky.findIssued('renewal-9:signing'))?.serialNumber).toBe(issued.serialNumber);
  });
});
