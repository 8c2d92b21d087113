// The certificate authority as the kiosk sees it. The development CA (kiosk/ca/devCa.ts, state in
// the data directory) serves the demo and the tests; a production CA is another implementation of
// this interface, chosen by configuration (KIOSK_CA).
import type { DeviceCertificateKind } from '../../domain/devices/events';

export interface IssueRequest {
  /**
   * `<renewalId>:<kind>`: the same request id always answers the same certificate, so a resumed
   * renewal never gets a second one (even when the first answer was lost).
   */
  requestId: string;
  /** PKCS#10, PEM, signed by the new key on the token (the CA checks the signature). */
  csrPem: string;
  /** signing: keyUsage nonRepudiation; authentication: digitalSignature + extKeyUsage clientAuth. */
  profile: DeviceCertificateKind;
  /** The holder's codice fiscale: the request's subject must name it (serialNumber=TINIT-<CF> or IT:<CF>). */
  holderCodiceFiscale: string;
  /** Years of validity from the renewal (the issuer policy's validityYears). */
  validityYears: number;
  /**
   * For the demo token and the tests only: the card's first certificates, with the validity they
   * had when the card was issued (already near their end). A renewal never passes it.
   */
  validity?: { from: string; until: string };
}

export interface IssuedCertificate {
  certificatePem: string;
  /** Serial number, hex upper case without separators (as the back office records it). */
  serialNumber: string;
  /** UTC ISO instants (notBefore, notAfter). */
  validFrom: string;
  validUntil: string;
}

export interface CertificateAuthority {
  /** The issuer's name as the back office knows it (a device's `issuer`, matched to its issuer policy). */
  readonly name: string;
  issue(request: IssueRequest): Promise<IssuedCertificate>;
  /** What was issued for this request id, if anything (a resumed renewal asks first). */
  findIssued(requestId: string): Promise<IssuedCertificate | null>;
  /** The CA's own certificate(s), issuing CA first, root last. */
  chainPem(): Promise<string[]>;
  revoke(serialNumber: string, reason: 'keyCompromise' | 'superseded' | 'cessationOfOperation' | 'unspecified'): Promise<void>;
  /** The current CRL (PEM), listing what it revoked. */
  crlPem(): Promise<string>;
}

export const caErrorCodes = [
  /** The CA did not answer (network, down): try again later; nothing was issued. */
  'ca_unreachable',
  /** The CA refused the request (bad signature, subject without the holder's CF, unknown profile). */
  'request_refused',
] as const;
export type CaErrorCode = (typeof caErrorCodes)[number];

export class CaError extends Error {
  constructor(
    readonly code: CaErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CaError';
  }
}
