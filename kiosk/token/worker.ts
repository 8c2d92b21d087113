// The token worker: the child process that holds the PKCS#11 library. Every call into the vendor's
// code happens here, so that a crash inside it (SIGSEGV) ends this process and not the kiosk. The
// parent (kiosk/token/client.ts) sends requests over IPC; they are served one at a time in arrival
// order, with synchronous pkcs11js calls: nothing runs in the library while C_Finalize runs.
//
// Per token serial the worker keeps at most one open R/W session, opened by login and kept until
// logout (or until the token says the session is gone: the card was pulled out). Calls that need
// no login and find no kept session use a session of their own for that call only.
//
// The PIN arrives with a login request, goes to C_Login, and is not kept, logged or echoed.
import 'reflect-metadata';
import { createRequire } from 'node:module';
import * as x509 from '@peculiar/x509';
import { AsnConvert, AsnIntegerArrayBufferConverter } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { RSAPublicKey, id_rsaEncryption } from '@peculiar/asn1-rsa';
import type * as Pkcs11 from 'pkcs11js';
import { ckrName, tokenErrorCode } from './ckr';
import { pinStateFromFlags } from './pinFlags';
import { TokenError, type TokenCertificate, type TokenInfo } from './port';
import type { WorkerFailure, WorkerReply, WorkerRequest, WorkerStartOptions } from './protocol';
import { tokenSigner } from './tokenSigner';

// pkcs11js is CommonJS whose exports the ESM loader cannot list: take it through require.
const pkcs11 = createRequire(import.meta.url)('pkcs11js') as typeof Pkcs11;
type Handle = Buffer;

const CKF_TOKEN_INITIALIZED = 0x400;

interface HeldSession {
  slot: Handle;
  session: Handle;
  loggedIn: boolean;
}

export class TokenWorker {
  private readonly lib = new pkcs11.PKCS11();
  private readonly held = new Map<string, HeldSession>();

  constructor(private readonly options: WorkerStartOptions) {
    this.lib.load(options.modulePath);
    this.lib.C_Initialize({ flags: pkcs11.CKF_OS_LOCKING_OK });
  }

  // ---- tokens and slots -------------------------------------------------------------------------

  listTokens(): TokenInfo[] {
    this.reinitializeIfIdle();
    const tokens: TokenInfo[] = [];
    for (const slot of this.lib.C_GetSlotList(true)) {
      try {
        const info = this.lib.C_GetTokenInfo(slot);
        // SoftHSM2 always shows one more, uninitialised token (its free slot): not a card.
        if (!(info.flags & CKF_TOKEN_INITIALIZED)) continue;
        tokens.push({
          serial: info.serialNumber.trim(),
          label: info.label.trim(),
          manufacturer: info.manufacturerID.trim(),
          model: info.model.trim(),
          reader: this.lib.C_GetSlotInfo(slot).slotDescription.trim(),
          pin: pinStateFromFlags(info.flags),
        });
      } catch {
        // Pulled out between the slot list and its info: not present any more.
      }
    }
    return tokens;
  }

  /** Ends every session on the token's slot, as pulling the card out does (for the tests). */
  endSessions(serial: string): void {
    const slot = this.held.get(serial)?.slot ?? this.findSlot(serial);
    this.lib.C_CloseAllSessions(slot);
  }

  // ---- login ------------------------------------------------------------------------------------

  login(serial: string, pin: string): void {
    const kept = this.held.get(serial);
    const held = kept ?? { slot: this.findSlot(serial), session: Buffer.alloc(0), loggedIn: false };
    if (!kept) {
      held.session = this.openSession(held.slot);
      this.held.set(serial, held);
    }
    try {
      // Checked before C_Login: a PIN of the wrong length would cost a try on many cards
      // (SoftHSM2 itself answers CKR_PIN_INCORRECT, not CKR_PIN_LEN_RANGE).
      const { minPinLen, maxPinLen } = this.lib.C_GetTokenInfo(held.slot);
      const length = Buffer.byteLength(pin);
      if (length < minPinLen || length > maxPinLen) {
        throw new TokenError('pin_invalid', `the PIN of token ${serial} has ${minPinLen} to ${maxPinLen} characters`);
      }
      if (held.loggedIn) this.quietly(() => this.lib.C_Logout(held.session));
      held.loggedIn = false;
      this.lib.C_Login(held.session, pkcs11.CKU_USER, pin);
      held.loggedIn = true;
    } catch (error) {
      const refused = this.tokenError(serial, error);
      if (refused instanceof TokenError && (refused.code === 'pin_incorrect' || refused.code === 'pin_locked')) {
        const flags = this.quietly(() => this.lib.C_GetTokenInfo(held.slot).flags);
        const pinState = flags === undefined ? undefined : pinStateFromFlags(flags);
        // A wrong PIN that used the last try locks the PIN: say locked, whatever the code said.
        if (refused.code === 'pin_locked' || pinState === 'locked') {
          throw new TokenError('pin_locked', `the PIN of token ${serial} is locked`, 'locked');
        }
        throw new TokenError('pin_incorrect', `wrong PIN for token ${serial}`, pinState);
      }
      throw refused;
    } finally {
      // No session is kept for a login that failed: it would only stop the rescans.
      if (!kept && !held.loggedIn && this.held.get(serial) === held) {
        this.quietly(() => this.lib.C_CloseSession(held.session));
        this.held.delete(serial);
      }
    }
  }

  logout(serial: string): void {
    const held = this.held.get(serial);
    if (!held) return;
    this.held.delete(serial);
    if (held.loggedIn) this.quietly(() => this.lib.C_Logout(held.session));
    this.quietly(() => this.lib.C_CloseSession(held.session));
  }

  // ---- certificates (no PIN) --------------------------------------------------------------------

  readCertificates(serial: string): TokenCertificate[] {
    return this.onToken(serial, 'any', (session) =>
      this.find(session, [
        { type: pkcs11.CKA_CLASS, value: pkcs11.CKO_CERTIFICATE },
        { type: pkcs11.CKA_CERTIFICATE_TYPE, value: pkcs11.CKC_X_509 },
      ])
        .map((handle) => {
          const [id, label, value] = this.attributes(session, handle, [pkcs11.CKA_ID, pkcs11.CKA_LABEL, pkcs11.CKA_VALUE]);
          return {
            id: (id ?? Buffer.alloc(0)).toString('hex'),
            label: (label ?? Buffer.alloc(0)).toString('utf8'),
            certificatePem: x509.PemConverter.encode(bytes(value ?? Buffer.alloc(0)), 'CERTIFICATE'),
          };
        })
        .sort((a, b) => a.id.localeCompare(b.id)),
    );
  }

  writeCertificate(serial: string, certificate: { id: string; label: string; certificatePem: string }): void {
    let cert: x509.X509Certificate;
    try {
      cert = new x509.X509Certificate(certificate.certificatePem);
    } catch (error) {
      throw new Error(`certificatePem: not an X.509 certificate in PEM (${(error as Error).message})`);
    }
    const tbs = AsnConvert.parse(cert.rawData, Certificate).tbsCertificate;
    this.onToken(serial, 'any', (session) => {
      const id = Buffer.from(certificate.id, 'hex');
      const before = this.find(session, [
        { type: pkcs11.CKA_CLASS, value: pkcs11.CKO_CERTIFICATE },
        { type: pkcs11.CKA_ID, value: id },
      ]);
      // The new one first, then the old ones: a refused write leaves the card as it was.
      this.lib.C_CreateObject(session, [
        { type: pkcs11.CKA_CLASS, value: pkcs11.CKO_CERTIFICATE },
        { type: pkcs11.CKA_CERTIFICATE_TYPE, value: pkcs11.CKC_X_509 },
        { type: pkcs11.CKA_TOKEN, value: true },
        { type: pkcs11.CKA_PRIVATE, value: false },
        { type: pkcs11.CKA_ID, value: id },
        { type: pkcs11.CKA_LABEL, value: certificate.label },
        { type: pkcs11.CKA_VALUE, value: Buffer.from(cert.rawData) },
        { type: pkcs11.CKA_SUBJECT, value: Buffer.from(AsnConvert.serialize(tbs.subject)) },
        { type: pkcs11.CKA_ISSUER, value: Buffer.from(AsnConvert.serialize(tbs.issuer)) },
        // The DER INTEGER, as PKCS#11 wants it (the parsed bytes keep their sign octet).
        {
          type: pkcs11.CKA_SERIAL_NUMBER,
          value: Buffer.from(AsnIntegerArrayBufferConverter.toASN(tbs.serialNumber).toBER(false)),
        },
      ]);
      for (const handle of before) this.lib.C_DestroyObject(session, handle);
    });
  }

  deleteObjects(serial: string, id: string): number {
    return this.onToken(serial, 'login', (session) => {
      const objects = this.find(session, [{ type: pkcs11.CKA_ID, value: Buffer.from(id, 'hex') }]);
      for (const handle of objects) this.lib.C_DestroyObject(session, handle);
      return objects.length;
    });
  }

  // ---- key pairs (logged in) --------------------------------------------------------------------

  generateKeyPair(serial: string, key: { id: string; label: string }): { publicKeyPem: string } {
    return this.onToken(serial, 'login', (session) => {
      const existing = this.keyPair(session, key.id);
      if (existing) return { publicKeyPem: existing.publicKeyPem };
      const id = Buffer.from(key.id, 'hex');
      // A public key left without its private key (never by SoftHSM2's atomic generation, but
      // a card may) would be found instead of the new one: remove it first.
      for (const handle of this.find(session, [{ type: pkcs11.CKA_CLASS, value: pkcs11.CKO_PUBLIC_KEY }, { type: pkcs11.CKA_ID, value: id }])) {
        this.lib.C_DestroyObject(session, handle);
      }
      this.lib.C_GenerateKeyPair(
        session,
        { mechanism: pkcs11.CKM_RSA_PKCS_KEY_PAIR_GEN },
        [
          { type: pkcs11.CKA_CLASS, value: pkcs11.CKO_PUBLIC_KEY },
          { type: pkcs11.CKA_KEY_TYPE, value: pkcs11.CKK_RSA },
          { type: pkcs11.CKA_TOKEN, value: true },
          { type: pkcs11.CKA_PRIVATE, value: false },
          { type: pkcs11.CKA_VERIFY, value: true },
          // SoftHSM2 turns these on when not told otherwise: a signing key does nothing else.
          { type: pkcs11.CKA_ENCRYPT, value: false },
          { type: pkcs11.CKA_WRAP, value: false },
          { type: pkcs11.CKA_MODULUS_BITS, value: 2048 },
          { type: pkcs11.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
          { type: pkcs11.CKA_ID, value: id },
          { type: pkcs11.CKA_LABEL, value: key.label },
        ],
        [
          { type: pkcs11.CKA_CLASS, value: pkcs11.CKO_PRIVATE_KEY },
          { type: pkcs11.CKA_KEY_TYPE, value: pkcs11.CKK_RSA },
          { type: pkcs11.CKA_TOKEN, value: true },
          { type: pkcs11.CKA_PRIVATE, value: true },
          { type: pkcs11.CKA_SENSITIVE, value: true },
          { type: pkcs11.CKA_EXTRACTABLE, value: false },
          { type: pkcs11.CKA_SIGN, value: true },
          { type: pkcs11.CKA_DECRYPT, value: false },
          { type: pkcs11.CKA_UNWRAP, value: false },
          { type: pkcs11.CKA_ID, value: id },
          { type: pkcs11.CKA_LABEL, value: key.label },
        ],
      );
      const created = this.keyPair(session, key.id);
      if (!created) throw new TokenError('pkcs11_error', `the key pair ${key.id} generated on token ${serial} cannot be found`);
      return { publicKeyPem: created.publicKeyPem };
    });
  }

  findKeyPair(serial: string, id: string): { publicKeyPem: string } | null {
    return this.onToken(serial, 'login', (session) => {
      const pair = this.keyPair(session, id);
      return pair ? { publicKeyPem: pair.publicKeyPem } : null;
    });
  }

  listKeyPairIds(serial: string): string[] {
    return this.onToken(serial, 'login', (session) => {
      const ids = this.find(session, [{ type: pkcs11.CKA_CLASS, value: pkcs11.CKO_PRIVATE_KEY }]).map((handle) =>
        (this.attributes(session, handle, [pkcs11.CKA_ID])[0] ?? Buffer.alloc(0)).toString('hex'),
      );
      return [...new Set(ids)].sort();
    });
  }

  async createCertificateRequest(serial: string, request: { id: string; subject: string }): Promise<{ csrPem: string }> {
    let name: x509.Name;
    try {
      // serialNumber (2.5.4.5) is not among @peculiar/x509's default names: without this it is lost.
      name = new x509.Name(request.subject, { serialNumber: '2.5.4.5' });
    } catch (error) {
      throw new Error(`subject: not a distinguished name (${(error as Error).message})`);
    }
    const { session, pair } = this.onToken(serial, 'login', (session) => {
      const pair = this.keyPair(session, request.id);
      if (!pair) throw new TokenError('object_absent', `no key pair ${request.id} on token ${serial}`);
      return { session, pair };
    });
    const signer = tokenSigner({ spki: pair.spki, sign: (data) => this.signWith(serial, session, pair.privateKey, data) });
    const csr = await x509.Pkcs10CertificateRequestGenerator.create(
      { name, keys: signer.keys, signingAlgorithm: signer.signingAlgorithm },
      signer.crypto,
    );
    return { csrPem: csr.toString('pem') };
  }

  sign(serial: string, request: { id: string; dataBase64: string }): { signatureBase64: string } {
    const { session, pair } = this.onToken(serial, 'login', (session) => {
      const pair = this.keyPair(session, request.id);
      if (!pair) throw new TokenError('object_absent', `no key pair ${request.id} on token ${serial}`);
      return { session, pair };
    });
    const signature = this.signWith(serial, session, pair.privateKey, Buffer.from(request.dataBase64, 'base64'));
    return { signatureBase64: Buffer.from(signature).toString('base64') };
  }

  /** Finalizes the library: only ever called between requests, never under a running call. */
  finalize(): void {
    this.held.clear();
    this.quietly(() => this.lib.C_Finalize());
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** RSASSA-PKCS1-v1_5 with SHA-256 on the token (CKM_SHA256_RSA_PKCS). */
  private signWith(serial: string, session: Handle, privateKey: Handle, data: Uint8Array): Uint8Array {
    try {
      this.lib.C_SignInit(session, { mechanism: pkcs11.CKM_SHA256_RSA_PKCS }, privateKey);
      return this.lib.C_Sign(session, Buffer.from(data), Buffer.alloc(512));
    } catch (error) {
      throw this.tokenError(serial, error);
    }
  }

  /** The key pair with this id: its private key handle and its public key (from the public key object). */
  private keyPair(session: Handle, idHex: string): { privateKey: Handle; spki: ArrayBuffer; publicKeyPem: string } | null {
    const id = Buffer.from(idHex, 'hex');
    const [privateKey] = this.find(session, [{ type: pkcs11.CKA_CLASS, value: pkcs11.CKO_PRIVATE_KEY }, { type: pkcs11.CKA_ID, value: id }]);
    if (!privateKey) return null;
    const [publicKey] = this.find(session, [{ type: pkcs11.CKA_CLASS, value: pkcs11.CKO_PUBLIC_KEY }, { type: pkcs11.CKA_ID, value: id }]);
    // A private RSA key carries its modulus and public exponent too (they are not sensitive).
    const [modulus, exponent] = this.attributes(session, publicKey ?? privateKey, [pkcs11.CKA_MODULUS, pkcs11.CKA_PUBLIC_EXPONENT]);
    if (!modulus || !exponent) return null;
    const spki = AsnConvert.serialize(
      new SubjectPublicKeyInfo({
        algorithm: new AlgorithmIdentifier({ algorithm: id_rsaEncryption, parameters: null }),
        subjectPublicKey: AsnConvert.serialize(
          new RSAPublicKey({ modulus: asnUnsigned(modulus), publicExponent: asnUnsigned(exponent) }),
        ),
      }),
    );
    return { privateKey, spki, publicKeyPem: new x509.PublicKey(spki).toString('pem') };
  }

  /**
   * Runs `work` on the token's kept session (or, with 'any' and none kept, on a session of its own
   * for this call). A session the token says is gone is forgotten, with its login: the next login
   * opens a new one.
   */
  private onToken<T>(serial: string, needs: 'login' | 'any', work: (session: Handle) => T): T {
    const held = this.held.get(serial);
    if (needs === 'login' && !held?.loggedIn) throw new TokenError('not_logged_in', `log in to token ${serial} first`);
    if (held) {
      try {
        return work(held.session);
      } catch (error) {
        throw this.tokenError(serial, error);
      }
    }
    const slot = this.findSlot(serial);
    const session = this.openSession(slot);
    try {
      return work(session);
    } catch (error) {
      throw this.tokenError(serial, error);
    } finally {
      this.quietly(() => this.lib.C_CloseSession(session));
    }
  }

  private openSession(slot: Handle): Handle {
    try {
      return this.lib.C_OpenSession(slot, pkcs11.CKF_SERIAL_SESSION | pkcs11.CKF_RW_SESSION);
    } catch (error) {
      throw this.tokenError(undefined, error);
    }
  }

  /** The slot holding the token with this serial, scanning again (and rescanning) when needed. */
  private findSlot(serial: string): Handle {
    const scan = () =>
      this.lib.C_GetSlotList(true).find((slot) => {
        const info = this.quietly(() => this.lib.C_GetTokenInfo(slot));
        return info !== undefined && info.flags & CKF_TOKEN_INITIALIZED && info.serialNumber.trim() === serial;
      });
    let slot = scan();
    if (!slot && this.reinitializeIfIdle()) slot = scan();
    if (!slot) throw new TokenError('token_absent', `no token ${serial} in any reader`);
    return slot;
  }

  /** See WorkerStartOptions.rescanByReinitializing. Answers whether it did. */
  private reinitializeIfIdle(): boolean {
    if (!this.options.rescanByReinitializing || this.held.size > 0) return false;
    this.lib.C_Finalize();
    this.lib.C_Initialize({ flags: pkcs11.CKF_OS_LOCKING_OK });
    return true;
  }

  private find(session: Handle, template: Pkcs11.Template): Handle[] {
    this.lib.C_FindObjectsInit(session, template);
    try {
      const found: Handle[] = [];
      for (;;) {
        const batch = this.lib.C_FindObjects(session, 64);
        if (batch.length === 0) return found;
        found.push(...batch);
      }
    } finally {
      this.quietly(() => this.lib.C_FindObjectsFinal(session));
    }
  }

  private attributes(session: Handle, handle: Handle, types: number[]): Array<Buffer | undefined> {
    const values = this.lib.C_GetAttributeValue(session, handle, types.map((type) => ({ type })));
    return types.map((type) => values.find((v) => v.type === type)?.value as Buffer | undefined);
  }

  /** A PKCS#11 failure as the kiosk's TokenError; a session found gone is forgotten. */
  private tokenError(serial: string | undefined, error: unknown): Error {
    if (error instanceof TokenError) return error;
    const ckr = ckrName(error);
    if (!ckr) return error instanceof Error ? error : new Error(String(error));
    const code = tokenErrorCode(ckr);
    if (code === 'token_removed' && serial !== undefined) this.held.delete(serial);
    const on = serial === undefined ? '' : ` on token ${serial}`;
    switch (code) {
      case 'token_removed':
        return new TokenError(code, `the token was removed or its session ended${on} (${ckr})`);
      case 'pin_incorrect':
        return new TokenError(code, `wrong PIN${on}`);
      case 'pin_locked':
        return new TokenError(code, `the PIN is locked${on}`, 'locked');
      case 'pin_invalid':
        return new TokenError(code, `the PIN's length is outside what the token takes${on} (${ckr})`);
      case 'not_logged_in':
        return new TokenError(code, `log in first${on} (${ckr})`);
      case 'write_refused':
        return new TokenError(code, `the token refused the write${on} (${ckr})`);
      default:
        return new TokenError('pkcs11_error', `PKCS#11 error${on}: ${ckr}`);
    }
  }

  private quietly<T>(call: () => T): T | undefined {
    try {
      return call();
    } catch {
      return undefined;
    }
  }
}

/** PKCS#11 gives big-endian unsigned integers; a DER INTEGER needs a zero octet before a high bit. */
function asnUnsigned(value: Buffer): ArrayBuffer {
  const unsigned = value[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value;
  return bytes(unsigned);
}

function bytes(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}

// ---- the process ------------------------------------------------------------------------------

function failure(error: unknown): WorkerFailure {
  if (error instanceof TokenError) return { code: error.code, message: error.message, ...(error.pin ? { pin: error.pin } : {}) };
  return { code: null, message: error instanceof Error ? error.message : String(error) };
}

function serve(): void {
  const send = (reply: WorkerReply, then?: () => void) => process.send?.(reply, undefined, {}, () => then?.());
  let worker: TokenWorker | undefined;
  let startFailure: WorkerFailure | undefined;
  try {
    worker = new TokenWorker(JSON.parse(process.argv[2] ?? '{}') as WorkerStartOptions);
  } catch (error) {
    // Not loadable: answer every request with why, rather than die without a word.
    const ckr = ckrName(error);
    startFailure = { code: 'pkcs11_error', message: `the PKCS#11 module cannot be loaded or initialised: ${ckr ?? (error as Error).message}` };
  }

  let closing = false;
  const close = (id?: number) => {
    closing = true;
    worker?.finalize();
    if (id === undefined) process.exit(0);
    send({ id, ok: true, value: undefined }, () => process.exit(0));
  };

  // One request at a time, in arrival order: the chain is the queue.
  let queue: Promise<void> = Promise.resolve();
  process.on('message', (request: WorkerRequest) => {
    queue = queue.then(async () => {
      if (closing) return;
      if (request.method === 'close') return close(request.id);
      if (!worker) return void send({ id: request.id, ok: false, error: startFailure! });
      try {
        const method = worker[request.method] as (...args: unknown[]) => unknown;
        const value = await method.apply(worker, request.args);
        send({ id: request.id, ok: true, value });
      } catch (error) {
        send({ id: request.id, ok: false, error: failure(error) });
      }
    });
  });
  // The kiosk went away: finish what is running, then finalize and go.
  process.on('disconnect', () => {
    queue = queue.then(() => (closing ? undefined : close()));
  });
}

if (process.send) serve();
