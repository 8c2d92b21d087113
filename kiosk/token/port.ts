// The card as the kiosk sees it: what a renewal needs from a PKCS#11 token, and nothing more. The
// implementation (kiosk/token/client.ts) runs every PKCS#11 call in a child process, so that a
// crash inside the vendor's library ends that child, not the kiosk; the PIN goes to that child
// only, and only for C_Login.
//
// Tokens are named by their serial number (CK_TOKEN_INFO.serialNumber, trimmed), never by slot id:
// slot ids change when a card is pulled out and put back, or a token initialised.

/** What the token's flags say about the user PIN (CKF_USER_PIN_COUNT_LOW, _FINAL_TRY, _LOCKED). */
export const pinStates = ['ok', 'count_low', 'final_try', 'locked'] as const;
export type PinState = (typeof pinStates)[number];

export interface TokenInfo {
  /** The token's serial number, trimmed (the back office's device serial is it, upper case). */
  serial: string;
  label: string;
  manufacturer: string;
  model: string;
  /** The reader (slot description), to tell several readers apart on screen. */
  reader: string;
  pin: PinState;
}

/** A certificate object on the token, readable without a PIN. */
export interface TokenCertificate {
  /** CKA_ID, hex lower case: the certificate and its key pair share it. */
  id: string;
  label: string;
  certificatePem: string;
}

export interface TokenPort {
  /** The tokens present now, in every reader (none when no card is in). */
  listTokens(): Promise<TokenInfo[]>;
  /** The certificate objects on a token, without a PIN. */
  readCertificates(tokenSerial: string): Promise<TokenCertificate[]>;
  /**
   * Logs the user in on a session the token client keeps open for this token until logout (or the
   * card is pulled out). A wrong PIN → TokenError `pin_incorrect` with the flags read after it;
   * a locked PIN → `pin_locked`.
   */
  login(tokenSerial: string, pin: string): Promise<void>;
  logout(tokenSerial: string): Promise<void>;
  /**
   * A new RSA-2048 key pair generated on the token (private key: token object, private,
   * sensitive, not extractable, sign only) with this CKA_ID and label; answers its public key.
   * When a key pair with this id is already there (a resumed renewal), answers that one instead.
   */
  generateKeyPair(tokenSerial: string, key: { id: string; label: string }): Promise<{ publicKeyPem: string }>;
  /** The public key of the key pair with this id, or null. */
  findKeyPair(tokenSerial: string, id: string): Promise<{ publicKeyPem: string } | null>;
  /** The CKA_IDs of the key pairs on the token (logged in: private keys are private objects). */
  listKeyPairIds(tokenSerial: string): Promise<string[]>;
  /**
   * A PKCS#10 request for `subject` (an RFC 4514 string as @peculiar/x509 prints a certificate's
   * subject), signed on the token with the private key of this id (sha256WithRSAEncryption).
   */
  createCertificateRequest(tokenSerial: string, request: { id: string; subject: string }): Promise<{ csrPem: string }>;
  /**
   * Signs `data` (base64) with the private key of this id, to prove a certificate matches it:
   * RSASSA-PKCS1-v1_5 with SHA-256 (CKM_SHA256_RSA_PKCS), i.e. `crypto.verify('sha256', data, publicKeyPem, signature)`.
   */
  sign(tokenSerial: string, request: { id: string; dataBase64: string }): Promise<{ signatureBase64: string }>;
  /** Writes a certificate object with this CKA_ID and label (one already there with this id is replaced). */
  writeCertificate(tokenSerial: string, certificate: { id: string; label: string; certificatePem: string }): Promise<void>;
  /** Deletes every object (certificate, public and private key) with this CKA_ID; answers how many. */
  deleteObjects(tokenSerial: string, id: string): Promise<number>;
  /** Ends the child process (after the call in flight, if any: never C_Finalize under a running call). */
  close(): Promise<void>;
}

export const tokenErrorCodes = [
  /** No token with this serial in any reader. */
  'token_absent',
  /** The card was pulled out, or its session closed, mid-way (CKR_SESSION_CLOSED, CKR_DEVICE_REMOVED, CKR_TOKEN_NOT_PRESENT…). */
  'token_removed',
  'pin_incorrect',
  'pin_locked',
  /** PIN too short or too long for the token (CKR_PIN_LEN_RANGE). */
  'pin_invalid',
  /** A call that needs the user logged in, without a login. */
  'not_logged_in',
  /** The token refused to create or delete an object (read-only, full, CKR_TEMPLATE_*). */
  'write_refused',
  /** No key pair or certificate with this id. */
  'object_absent',
  /** The PKCS#11 library crashed the child process; the next call starts a new one. */
  'token_process_crashed',
  /** Any other PKCS#11 error (its CKR_ name in the message). */
  'pkcs11_error',
] as const;
export type TokenErrorCode = (typeof tokenErrorCodes)[number];

export class TokenError extends Error {
  constructor(
    readonly code: TokenErrorCode,
    message: string,
    /** With pin_incorrect and pin_locked: the PIN's state read from the token after the failed login. */
    readonly pin?: PinState,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}
