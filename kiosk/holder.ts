// What a certificate on the card says about its holder and its purpose, read without a PIN.
//
// The holder's codice fiscale is in the subject's serialNumber attribute (2.5.4.5): `TINIT-<CF>`
// (ETSI EN 319 412-1 semantics identifier, what Italian CAs write today) or the older `IT:<CF>`.
// The kind comes from the key usage, as the issuer's profiles set it: a qualified signature
// certificate carries nonRepudiation (contentCommitment); the authentication one (CNS) carries
// digitalSignature with the extended key usage clientAuth.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { checkCodiceFiscale } from '../domain/shared/codiceFiscale';
import type { DeviceCertificateKind } from '../domain/devices/events';

const SERIAL_NUMBER_OID = '2.5.4.5';
const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';
const CF_FORMS = [/^TINIT-(.+)$/i, /^IT:(.+)$/i];

export type CertificateInput = string | x509.X509Certificate;

const parsed = (certificate: CertificateInput): x509.X509Certificate =>
  typeof certificate === 'string' ? new x509.X509Certificate(certificate) : certificate;

/** The holder's codice fiscale (normalised), or null when the subject names none or a wrong one. */
export function holderCodiceFiscaleOf(certificate: CertificateInput): string | null {
  for (const value of parsed(certificate).subjectName.getField(SERIAL_NUMBER_OID)) {
    for (const form of CF_FORMS) {
      const match = form.exec(value.trim());
      if (!match) continue;
      const check = checkCodiceFiscale(match[1]!);
      if (check.ok) return check.value;
    }
  }
  return null;
}

/** signing (nonRepudiation), authentication (digitalSignature + clientAuth), or null (neither profile). */
export function certificateKindOf(certificate: CertificateInput): DeviceCertificateKind | null {
  const cert = parsed(certificate);
  const usages = cert.getExtension(x509.KeyUsagesExtension)?.usages ?? 0;
  if (usages & x509.KeyUsageFlags.nonRepudiation) return 'signing';
  const extended = (cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? []).map(String);
  if (usages & x509.KeyUsageFlags.digitalSignature && extended.includes(CLIENT_AUTH_OID)) return 'authentication';
  return null;
}

/** The serial number as the back office records it: hex, upper case, no separators. */
export const serialNumberOf = (certificate: CertificateInput): string => parsed(certificate).serialNumber.toUpperCase();

/** Two certificate serials are the same number, whatever leading zeros either carries. */
export const sameSerial = (a: string, b: string): boolean =>
  a.replace(/[\s:]/g, '').toUpperCase().replace(/^0+(?=.)/, '') === b.replace(/[\s:]/g, '').toUpperCase().replace(/^0+(?=.)/, '');
