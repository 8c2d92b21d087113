// A WebCrypto-shaped crypto provider over one key that never leaves the token: @peculiar/x509 asks
// it for the public key (exportKey 'spki') and for a signature (sign); both go to the caller's
// functions (C_Sign in the token worker, or a TokenPort.sign in the tests). Digests and random
// values come from Node's WebCrypto.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';

/** sha256WithRSAEncryption: what the kiosk signs with (CKM_SHA256_RSA_PKCS on the token). */
export const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } } as const;

export interface TokenKey {
  /** The key pair's SubjectPublicKeyInfo, DER. */
  spki: ArrayBuffer;
  /** RSASSA-PKCS1-v1_5 with SHA-256 over `data`, made by the token. */
  sign(data: Uint8Array): Promise<Uint8Array> | Uint8Array;
}

export function tokenSigner(key: TokenKey): { keys: CryptoKeyPair; crypto: Crypto; signingAlgorithm: typeof RSA_SHA256 } {
  const algorithm = { ...RSA_SHA256 };
  const publicKey = { type: 'public', algorithm, extractable: true, usages: ['verify'] } as unknown as CryptoKey;
  const privateKey = { type: 'private', algorithm, extractable: false, usages: ['sign'] } as unknown as CryptoKey;
  const subtle = {
    async exportKey(format: string, k: CryptoKey): Promise<ArrayBuffer> {
      if (format !== 'spki' || k !== publicKey) throw new Error(`the token key exports only its public key as spki (asked ${format})`);
      return key.spki;
    },
    async sign(alg: AlgorithmIdentifier | RsaPssParams, k: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
      const name = typeof alg === 'string' ? alg : alg.name;
      if (k !== privateKey || name !== RSA_SHA256.name) throw new Error(`the token key signs ${RSA_SHA256.name} only (asked ${name})`);
      const bytes = ArrayBuffer.isView(data)
        ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        : new Uint8Array(data);
      const signature = await key.sign(bytes);
      return signature.buffer.slice(signature.byteOffset, signature.byteOffset + signature.byteLength) as ArrayBuffer;
    },
    digest: (alg: AlgorithmIdentifier, data: BufferSource) => webcrypto.subtle.digest(alg, data),
  };
  const crypto = {
    subtle,
    getRandomValues: <T extends ArrayBufferView | null>(array: T) => webcrypto.getRandomValues(array as never) as T,
    randomUUID: () => webcrypto.randomUUID(),
  } as unknown as Crypto;
  return { keys: { publicKey, privateKey }, crypto, signingAlgorithm: algorithm };
}
