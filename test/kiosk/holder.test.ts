// The holder's codice fiscale and the certificate's kind, as the kiosk reads them off a card's
// certificates (made here with @peculiar/x509 over WebCrypto, checked by the same parser the kiosk
// uses on what the card holds).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificateKindOf, holderCodiceFiscaleOf, sameSerial, serialNumberOf } from '../../kiosk/holder';

const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
let keys: CryptoKeyPair;
beforeAll(async () => {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  keys = (await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify'])) as CryptoKeyPair;
});

async function certificate(subject: string, extensions: x509.Extension[] = [], serialNumber = '0a1b2c'): Promise<string> {
  const name = new x509.Name(subject, { serialNumber: '2.5.4.5' });
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber, name, keys, signingAlgorithm: alg, extensions });
  return cert.toString('pem');
}

const signing = () => [new x509.KeyUsagesExtension(x509.KeyUsageFlags.nonRepudiation, true)];
const authentication = () => [
  new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
  new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
];

describe("the holder's codice fiscale from the subject", () => {
  it('reads serialNumber=TINIT-<CF> and the older IT:<CF>, upper case', async () => {
    expect(holderCodiceFiscaleOf(await certificate('CN=ROSSI MARIO, serialNumber=TINIT-RSSMRA80A01H501U, C=IT'))).toBe('RSSMRA80A01H501U');
    expect(holderCodiceFiscaleOf(await certificate('CN=ROSSI MARIO, serialNumber=IT:rssmra80a01h501u, C=IT'))).toBe('RSSMRA80A01H501U');
  });

  it('is null when the subject names none, or a code whose check character is wrong', async () => {
    expect(holderCodiceFiscaleOf(await certificate('CN=ROSSI MARIO, C=IT'))).toBeNull();
    expect(holderCodiceFiscaleOf(await certificate('CN=ROSSI MARIO, serialNumber=TINIT-RSSMRA80A01H501X, C=IT'))).toBeNull();
    expect(holderCodiceFiscaleOf(await certificate('CN=ROSSI MARIO, serialNumber=PASIT-AA1234567, C=IT'))).toBeNull();
    // The CN form "ROSSI MARIO/RSSMRA…" is not read.
    expect(holderCodiceFiscaleOf(await certificate('CN=ROSSI MARIO/RSSMRA80A01H501U, C=IT'))).toBeNull();
  });
});

describe("the certificate's kind from its key usage", () => {
  it('nonRepudiation is the signing certificate; digitalSignature with clientAuth the authentication one; neither is none', async () => {
    expect(certificateKindOf(await certificate('CN=A', signing()))).toBe('signing');
    expect(certificateKindOf(await certificate('CN=A', authentication()))).toBe('authentication');
    expect(certificateKindOf(await certificate('CN=A', [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)]))).toBeNull();
    expect(certificateKindOf(await certificate('CN=A'))).toBeNull();
  });

  it('gives the serial as the back office records it (hex upper case) and compares serials whatever their leading zeros', async () => {
    expect(serialNumberOf(await certificate('CN=A', [], '0a1b2c'))).toBe('0A1B2C');
    expect(sameSerial('0A1B2C', 'a1b2c')).toBe(true);
    expect(sameSerial('0A:1B:2C', '0a1b2c')).toBe(true);
    expect(sameSerial('0A1B2C', '0A1B2D')).toBe(false);
  });
});
