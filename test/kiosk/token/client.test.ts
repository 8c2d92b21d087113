// The token client on real SoftHSM2 tokens made in a temporary directory: every PKCS#11 call runs
// in the client's child process, as it will at the desk.
import 'reflect-metadata';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { verify as verifySignature } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';
import type * as Pkcs11 from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTokenClient, type TokenClient } from '../../../kiosk/token/client';
import { TokenError } from '../../../kiosk/token/port';
import { createSoftHsmToken, type SoftHsmToken } from '../../../kiosk/token/softhsm';
import { tokenSigner } from '../../../kiosk/token/tokenSigner';
import { tempDir } from '../../support/tmp';

const run = promisify(execFile);
const pkcs11 = createRequire(import.meta.url)('pkcs11js') as typeof Pkcs11;

const USER_PIN = '246810';
const SUBJECT = 'CN=Mario Rossi, serialNumber=TINIT-RSSMRA80A01H501U, O=Camera di Commercio, C=IT';

const dir = tempDir('kiosk-token-');
let cardA: SoftHsmToken;
let cardB: SoftHsmToken;
let client: TokenClient;
const logLines: string[] = [];
const logger = {
  info: (object: object, message: string) => void logLines.push(JSON.stringify({ ...object, message })),
  warn: (object: object, message: string) => void logLines.push(JSON.stringify({ ...object, message })),
};

beforeAll(async () => {
  cardA = await createSoftHsmToken({ dir: dir.path, label: 'Carta A', soPin: '11223344', userPin: USER_PIN });
  cardB = await createSoftHsmToken({ dir: dir.path, label: 'Carta B', soPin: '11223344', userPin: USER_PIN });
  client = openTokenClient({ modulePath: cardA.modulePath, env: cardA.env, logger });
});

afterAll(async () => {
  await client?.close();
  dir.remove();
});

async function rejection(promise: Promise<unknown>): Promise<TokenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenError);
  return error as TokenError;
}

/** A self-signed certificate over the token's key, signed on the token through the client. */
async function selfSigned(serial: string, id: string, publicKeyPem: string, serialNumber: string): Promise<string> {
  const signer = tokenSigner({
    spki: new x509.PublicKey(publicKeyPem).rawData,
    sign: async (data) => {
      const { signatureBase64 } = await client.sign(serial, { id, dataBase64: Buffer.from(data).toString('base64') });
      return Buffer.from(signatureBase64, 'base64');
    },
  });
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber,
      name: new x509.Name(SUBJECT, { serialNumber: '2.5.4.5' }),
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2029-01-01T00:00:00Z'),
      keys: signer.keys,
      signingAlgorithm: signer.signingAlgorithm,
    },
    signer.crypto,
  );
  return certificate.toString('pem');
}

describe('tokens in the readers', () => {
  it('lists two tokens as two, by serial and label, without the empty slot SoftHSM2 always shows', async () => {
    const tokens = await client.listTokens();
    expect(tokens.map((t) => t.serial).sort()).toEqual([cardA.serial, cardB.serial].sort());
    const a = tokens.find((t) => t.serial === cardA.serial)!;
    expect(a).toMatchObject({ label: 'Carta A', manufacturer: 'SoftHSM project', model: 'SoftHSM v2', pin: 'ok' });
    expect(a.reader).toMatch(/SoftHSM slot/);
  });

  it('a token initialised after the client started shows on the next list (SoftHSM2: by re-initialising the library while nobody is logged in)', async () => {
    const cardC = await createSoftHsmToken({ dir: dir.path, label: 'Carta C', soPin: '11223344', userPin: USER_PIN });
    expect((await client.listTokens()).map((t) => t.serial)).toContain(cardC.serial);
  });

  it('while a token is logged in, SoftHSM2 shows a newly initialised one only after the logout (no re-initialisation under a login)', async () => {
    await client.login(cardA.serial, USER_PIN);
    const cardD = await createSoftHsmToken({ dir: dir.path, label: 'Carta D', soPin: '11223344', userPin: USER_PIN });
    expect((await client.listTokens()).map((t) => t.serial)).not.toContain(cardD.serial);
    // …and the login survived the list.
    await expect(client.listKeyPairIds(cardA.serial)).resolves.toEqual([]);
    await client.logout(cardA.serial);
    expect((await client.listTokens()).map((t) => t.serial)).toContain(cardD.serial);
  });

  it('a serial in no reader is token_absent', async () => {
    expect((await rejection(client.readCertificates('0000000000000000'))).code).toBe('token_absent');
  });
});

describe('PIN', () => {
  it('a wrong PIN is pin_incorrect with the state SoftHSM2 gives (count_low), the right one then works; the PIN is in no message or log line', async () => {
    const wrongPin = '97531864';
    const error = await rejection(client.login(cardB.serial, wrongPin));
    expect(error.code).toBe('pin_incorrect');
    expect(error.pin).toBe('count_low');
    expect(error.message).not.toContain(wrongPin);
    expect((await client.listTokens()).find((t) => t.serial === cardB.serial)?.pin).toBe('count_low');

    // The right PIN works, and clears the flag (SoftHSM2 never locks the PIN, however many tries).
    await client.login(cardB.serial, USER_PIN);
    await expect(client.listKeyPairIds(cardB.serial)).resolves.toEqual([]);
    expect((await client.listTokens()).find((t) => t.serial === cardB.serial)?.pin).toBe('ok');
    await client.logout(cardB.serial);
    for (const line of logLines) {
      expect(line).not.toContain(wrongPin);
      expect(line).not.toContain(USER_PIN);
    }
  });

  it('a PIN of a length the token does not take is pin_invalid, and costs no try', async () => {
    const error = await rejection(client.login(cardB.serial, '123'));
    expect(error.code).toBe('pin_invalid');
    expect(error.message).toMatch(/4 to 255 characters/);
    expect((await client.listTokens()).find((t) => t.serial === cardB.serial)?.pin).toBe('ok');
  });

  it('calls that need the PIN say not_logged_in without a login; bad input names the field', async () => {
    expect((await rejection(client.generateKeyPair(cardB.serial, { id: '01', label: 'x' }))).code).toBe('not_logged_in');
    await expect(client.generateKeyPair(cardB.serial, { id: 'xyz', label: 'x' })).rejects.toThrow(/^id: CKA_ID must be hex/);
    await expect(client.login(cardB.serial, '')).rejects.toThrow(/^pin: required/);
  });
});

describe('keys, requests and certificates', () => {
  const id = 'a1';
  let publicKeyPem: string;

  beforeAll(async () => {
    await client.login(cardA.serial, USER_PIN);
    ({ publicKeyPem } = await client.generateKeyPair(cardA.serial, { id, label: 'Firma' }));
  });

  it('the key pair is generated on the token: the private key is sensitive, not extractable, and signs only', async () => {
    expect(await client.listKeyPairIds(cardA.serial)).toEqual([id]);
    // A resumed renewal asks again: the same key pair, not a second one.
    expect(await client.generateKeyPair(cardA.serial, { id, label: 'Firma' })).toEqual({ publicKeyPem });
    expect(await client.findKeyPair(cardA.serial, id)).toEqual({ publicKeyPem });
    expect(await client.findKeyPair(cardA.serial, 'ff')).toBeNull();

    // Read back by a PKCS#11 library of the test's own, on the same token store (SoftHSM reads its
    // configuration's path from the environment when it is initialised: put back afterwards, as
    // the node test files share one process).
    const savedConf = process.env.SOFTHSM2_CONF;
    process.env.SOFTHSM2_CONF = cardA.env.SOFTHSM2_CONF;
    const lib = new pkcs11.PKCS11();
    lib.load(cardA.modulePath);
    lib.C_Initialize({ flags: pkcs11.CKF_OS_LOCKING_OK });
    try {
      const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).serialNumber.trim() === cardA.serial)!;
      const session = lib.C_OpenSession(slot, pkcs11.CKF_SERIAL_SESSION);
      lib.C_Login(session, pkcs11.CKU_USER, USER_PIN);
      lib.C_FindObjectsInit(session, [{ type: pkcs11.CKA_CLASS, value: pkcs11.CKO_PRIVATE_KEY }, { type: pkcs11.CKA_ID, value: Buffer.from(id, 'hex') }]);
      const [privateKey] = lib.C_FindObjects(session, 10);
      lib.C_FindObjectsFinal(session);
      const flags = [
        pkcs11.CKA_TOKEN, pkcs11.CKA_PRIVATE, pkcs11.CKA_SENSITIVE, pkcs11.CKA_EXTRACTABLE, pkcs11.CKA_ALWAYS_SENSITIVE,
        pkcs11.CKA_NEVER_EXTRACTABLE, pkcs11.CKA_LOCAL, pkcs11.CKA_SIGN, pkcs11.CKA_DECRYPT, pkcs11.CKA_UNWRAP,
      ];
      const values = lib.C_GetAttributeValue(session, privateKey!, flags.map((type) => ({ type })));
      const flag = (type: number) => (values.find((v) => v.type === type)!.value as Buffer)[0] === 1;
      expect(flag(pkcs11.CKA_TOKEN)).toBe(true);
      expect(flag(pkcs11.CKA_PRIVATE)).toBe(true);
      expect(flag(pkcs11.CKA_SENSITIVE)).toBe(true);
      expect(flag(pkcs11.CKA_ALWAYS_SENSITIVE)).toBe(true);
      expect(flag(pkcs11.CKA_EXTRACTABLE)).toBe(false);
      expect(flag(pkcs11.CKA_NEVER_EXTRACTABLE)).toBe(true);
      expect(flag(pkcs11.CKA_LOCAL)).toBe(true); // generated on the token, not imported
      expect(flag(pkcs11.CKA_SIGN)).toBe(true);
      expect(flag(pkcs11.CKA_DECRYPT)).toBe(false);
      expect(flag(pkcs11.CKA_UNWRAP)).toBe(false);
      // The private exponent cannot be read out.
      expect(() => lib.C_GetAttributeValue(session, privateKey!, [{ type: pkcs11.CKA_PRIVATE_EXPONENT }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
      lib.C_CloseSession(session);
    } finally {
      lib.C_Finalize(); // no call of this library is running: all were synchronous
      if (savedConf === undefined) delete process.env.SOFTHSM2_CONF;
      else process.env.SOFTHSM2_CONF = savedConf;
    }
  });

  it('the certificate request verifies with OpenSSL, carries the subject with serialNumber and the token key', async () => {
    const { csrPem } = await client.createCertificateRequest(cardA.serial, { id, subject: SUBJECT });
    const file = join(dir.path, 'request.csr');
    writeFileSync(file, csrPem);
    const verified = await run('openssl', ['req', '-in', file, '-verify', '-noout', '-subject', '-nameopt', 'RFC2253']);
    expect(verified.stderr + verified.stdout).toMatch(/verify OK/i);
    expect(verified.stdout).toContain('serialNumber=TINIT-RSSMRA80A01H501U');
    expect(verified.stdout).toContain('CN=Mario Rossi');
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    expect(csr.publicKey.toString('pem')).toBe(publicKeyPem);
    expect(csr.signatureAlgorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } });
  });

  it('a request for a key pair that is not there is object_absent', async () => {
    expect((await rejection(client.createCertificateRequest(cardA.serial, { id: 'ee', subject: SUBJECT }))).code).toBe('object_absent');
  });

  it('a signature made on the token verifies with the public key', async () => {
    const data = Buffer.from('prova di firma: il certificato corrisponde alla chiave');
    const { signatureBase64 } = await client.sign(cardA.serial, { id, dataBase64: data.toString('base64') });
    expect(verifySignature('sha256', data, publicKeyPem, Buffer.from(signatureBase64, 'base64'))).toBe(true);
    expect(verifySignature('sha256', Buffer.from('altro'), publicKeyPem, Buffer.from(signatureBase64, 'base64'))).toBe(false);
  });

  it('writes a certificate, reads it without a PIN, replaces it, and deletes it with its key pair', async () => {
    const first = await selfSigned(cardA.serial, id, publicKeyPem, '0a');
    await client.writeCertificate(cardA.serial, { id, label: 'Firma', certificatePem: first });
    await client.logout(cardA.serial);

    // No login: the certificates are public objects.
    const read = await client.readCertificates(cardA.serial);
    expect(read).toEqual([{ id, label: 'Firma', certificatePem: first }]);
    const file = join(dir.path, 'read.pem');
    writeFileSync(file, read[0]!.certificatePem);
    const text = await run('openssl', ['x509', '-in', file, '-noout', '-subject', '-serial', '-nameopt', 'RFC2253']);
    expect(text.stdout).toContain('serialNumber=TINIT-RSSMRA80A01H501U');
    expect(text.stdout).toMatch(/serial=0A/);

    await client.login(cardA.serial, USER_PIN);
    const second = await selfSigned(cardA.serial, id, publicKeyPem, '0b');
    await client.writeCertificate(cardA.serial, { id, label: 'Firma (rinnovata)', certificatePem: second });
    expect(await client.readCertificates(cardA.serial)).toEqual([{ id, label: 'Firma (rinnovata)', certificatePem: second }]);

    // The certificate, the public key and the private key.
    expect(await client.deleteObjects(cardA.serial, id)).toBe(3);
    expect(await client.readCertificates(cardA.serial)).toEqual([]);
    expect(await client.listKeyPairIds(cardA.serial)).toEqual([]);
    expect(await client.deleteObjects(cardA.serial, id)).toBe(0);
  });

  it('a certificate that is not PEM is refused naming the field', async () => {
    await expect(client.writeCertificate(cardA.serial, { id, label: 'x', certificatePem: 'nonsense' })).rejects.toThrow(/^certificatePem: not an X.509 certificate/);
  });
});

describe('faults', () => {
  it('sessions ended (card pulled out): the next call is token_removed, the login is forgotten, a new login works', async () => {
    await client.login(cardB.serial, USER_PIN);
    await client.endSessions(cardB.serial);
    expect((await rejection(client.listKeyPairIds(cardB.serial))).code).toBe('token_removed');
    expect((await rejection(client.listKeyPairIds(cardB.serial))).code).toBe('not_logged_in');
    await client.login(cardB.serial, USER_PIN);
    await expect(client.listKeyPairIds(cardB.serial)).resolves.toEqual([]);
    await client.logout(cardB.serial);
  });

  it('a crash of the token process during key generation fails that call only; the next call starts a new process, logged out', async () => {
    await client.login(cardB.serial, USER_PIN);
    const pid = client.childPid!;
    const generating = client.generateKeyPair(cardB.serial, { id: 'c1', label: 'crash' });
    // Killed as soon as the call is sent: an RSA key generation takes tens of milliseconds at the
    // least, but a fixed wait of 60 ms was sometimes longer than one (a fast prime search), and the
    // key was made instead (seen in CI). Whether the child is inside C_GenerateKeyPair or about to
    // read the call, the call in flight is the one that fails.
    await new Promise((resolve) => setImmediate(resolve));
    process.kill(pid, 'SIGSEGV');
    const error = await rejection(generating);
    expect(error.code).toBe('token_process_crashed');
    expect(error.message).toMatch(/SIGSEGV/);
    expect(logLines.some((line) => line.includes('token process ended'))).toBe(true);

    // The test process (the kiosk) is alive, and the next call starts a fresh child.
    const tokens = await client.listTokens();
    expect(tokens.map((t) => t.serial)).toContain(cardB.serial);
    expect(client.childPid).not.toBe(pid);
    expect((await rejection(client.listKeyPairIds(cardB.serial))).code).toBe('not_logged_in');
  });

  it('close() lets the key generation in flight finish, then finalizes and ends the child', async () => {
    const own = openTokenClient({ modulePath: cardA.modulePath, env: cardA.env });
    await own.login(cardA.serial, USER_PIN);
    const pid = own.childPid!;
    const order: string[] = [];
    const generating = own.generateKeyPair(cardA.serial, { id: 'c2', label: 'close' }).then((pair) => {
      order.push('generated');
      return pair;
    });
    await own.close().then(() => order.push('closed'));
    expect(order).toEqual(['generated', 'closed']);
    expect((await generating).publicKeyPem).toMatch(/BEGIN PUBLIC KEY/);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect(own.childPid).toBeUndefined();
    await expect(own.listTokens()).rejects.toThrow(/closed/);

    // The key really is on the token (the generation was not cut off).
    await client.login(cardA.serial, USER_PIN);
    expect(await client.listKeyPairIds(cardA.serial)).toContain('c2');
    await client.logout(cardA.serial);
  });
});

describe('the token process', () => {
  it('serves calls one at a time in the order they were made', async () => {
    // Not awaited in between: the login is served before the call that needs it.
    const [, ids, tokens] = await Promise.all([
      client.login(cardB.serial, USER_PIN),
      client.listKeyPairIds(cardB.serial),
      client.listTokens(),
      client.logout(cardB.serial),
    ]);
    expect(ids).toEqual([]);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
  });

  it('a PKCS#11 library that cannot be loaded answers every call with pkcs11_error, and the kiosk stays up', async () => {
    const broken = openTokenClient({ modulePath: join(dir.path, 'no-such-pkcs11.so') });
    const error = await rejection(broken.listTokens());
    expect(error.code).toBe('pkcs11_error');
    expect(error.message).toMatch(/cannot be loaded/);
    await broken.close();
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('run by tsx outside vitest', () => {
  it('the worker starts from a script run with `tsx`; when that process is killed, the token process finalizes and ends too', async () => {
    const script = join(dir.path, 'desk.mts');
    const clientUrl = new URL('../../../kiosk/token/client.ts', import.meta.url).href;
    writeFileSync(
      script,
      `import { openTokenClient } from ${JSON.stringify(clientUrl)};
const client = openTokenClient({ modulePath: ${JSON.stringify(cardA.modulePath)}, env: ${JSON.stringify(cardA.env)} });
const serials = (await client.listTokens()).map((t) => t.serial);
console.log(JSON.stringify({ serials, childPid: client.childPid }));
setInterval(() => {}, 1000);
`,
    );
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const desk = spawn(process.execPath, [tsx, script], { cwd: dir.path, stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(createInterface({ input: desk.stdout! }), 'line')) as [string];
    const { serials, childPid } = JSON.parse(line) as { serials: string[]; childPid: number };
    expect(serials).toContain(cardA.serial);

    // `tsx script` runs the script in a child node process of its own: kill that one, the kiosk.
    const kioskPid = Number(readFileSync(`/proc/${childPid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
    try {
      process.kill(kioskPid, 'SIGKILL');
      const deadline = Date.now() + 10_000;
      while (alive(childPid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      for (const pid of [kioskPid, desk.pid!]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    expect(alive(childPid)).toBe(false);
  });
});
