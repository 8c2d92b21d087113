// The check before the old certificate may go: the new certificate read back from the card is the
// one the CA issued, its public key is the key pair's on the card, and a signature made by the
// card's private key verifies with the certificate. Only then is the card known to work with it.
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import type { IssuedCertificate } from '../ca/port';
import type { TokenPort } from '../token/port';

const der = (pem: string): Buffer => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');

/** The same public key (SPKI), whatever PEM wrapping each side used. */
export function samePublicKey(certificatePem: string, publicKeyPem: string): boolean {
  const fromCertificate = createPublicKey(certificatePem).export({ type: 'spki', format: 'der' });
  const fromKey = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return Buffer.compare(fromCertificate, fromKey) === 0;
}

export class CardCheckFailed extends Error {
  override readonly name = 'CardCheckFailed';
}

export async function verifyOnCard(token: TokenPort, tokenSerial: string, keyId: string, issued: IssuedCertificate): Promise<void> {
  const written = (await token.readCertificates(tokenSerial)).find((c) => c.id === keyId);
  if (!written) throw new CardCheckFailed(`the new certificate (CKA_ID ${keyId}) is not on the card`);
  if (Buffer.compare(der(written.certificatePem), der(issued.certificatePem)) !== 0) {
    throw new CardCheckFailed(`the certificate on the card (CKA_ID ${keyId}) is not the one the CA issued (${issued.serialNumber})`);
  }
  const key = await token.findKeyPair(tokenSerial, keyId);
  if (!key) throw new CardCheckFailed(`no key pair with CKA_ID ${keyId} on the card`);
  if (!samePublicKey(written.certificatePem, key.publicKeyPem)) {
    throw new CardCheckFailed(`the certificate's public key is not the card's key pair (CKA_ID ${keyId})`);
  }
  const challenge = randomBytes(32);
  const { signatureBase64 } = await token.sign(tokenSerial, { id: keyId, dataBase64: challenge.toString('base64') });
  const publicKey = createPublicKey(written.certificatePem);
  if (!verify('sha256', challenge, publicKey, Buffer.from(signatureBase64, 'base64'))) {
    throw new CardCheckFailed(`a signature by the card's key (CKA_ID ${keyId}) does not verify with the new certificate`);
  }
}
