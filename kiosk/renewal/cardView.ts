// The card in the reader as the desk sees it, before any PIN: its certificates (kind from the key
// usage, window under the device's issuer policy), the holder's codice fiscale from the subject,
// the device and the customer in the back office, whether pay-after is offered, a renewal left
// open (to resume), and why the card cannot be renewed here as it is.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { IssuerPolicy } from '../../domain/certificates/events';
import { payAfterAllowed } from '../../domain/certificates/policyRules';
import { renewable, windowOf, windowState } from '../../domain/certificates/renewalWindow';
import type { DeviceCertificateKind } from '../../domain/devices/events';
import type { DeviceRow } from '../backOffice';
import { certificateKindOf, holderCodiceFiscaleOf, sameSerial, serialNumberOf } from '../holder';
import type { TokenCertificate } from '../token/port';
import { KioskError, type CardCertificate, type CardProblem, type CardView } from './port';
import type { RenewalContext } from './context';
import { deskRenewalOf, isOpen } from './deskRenewal';
import { devicePolicy } from './policy';

/** A certificate object of the card, parsed. */
export interface CardObject {
  object: TokenCertificate;
  certificate: x509.X509Certificate;
  kind: DeviceCertificateKind | null;
  serialNumber: string;
  holderCodiceFiscale: string | null;
}

export function parseCardObjects(objects: TokenCertificate[]): CardObject[] {
  return objects.map((object) => {
    const certificate = new x509.X509Certificate(object.certificatePem);
    return {
      object,
      certificate,
      kind: certificateKindOf(certificate),
      serialNumber: serialNumberOf(certificate),
      holderCodiceFiscale: holderCodiceFiscaleOf(certificate),
    };
  });
}

/** The device's record of its certificate of this kind (serial, revoked or not). */
function recordedOf(device: DeviceRow | null, kind: DeviceCertificateKind): { serialNumber: string; status: string | null } | null {
  if (!device) return null;
  const serialNumber = kind === 'signing' ? device.signingSerialNumber : device.authenticationSerialNumber;
  const status = kind === 'signing' ? device.signingStatus : device.authenticationStatus;
  return serialNumber ? { serialNumber, status } : null;
}

/**
 * The card's certificate of each kind: the one the back office records for the device when it is
 * on the card, else the latest to expire (a card may still hold a superseded one).
 */
export function currentOfEachKind(objects: CardObject[], device: DeviceRow | null): Map<DeviceCertificateKind, CardObject> {
  const out = new Map<DeviceCertificateKind, CardObject>();
  for (const o of objects) {
    if (!o.kind) continue;
    const recorded = recordedOf(device, o.kind);
    const best = out.get(o.kind);
    const isRecorded = recorded !== null && sameSerial(recorded.serialNumber, o.serialNumber);
    const bestRecorded = best !== undefined && recorded !== null && sameSerial(recorded.serialNumber, best.serialNumber);
    if (!best || (isRecorded && !bestRecorded) || (!bestRecorded && o.certificate.notAfter > best.certificate.notAfter)) out.set(o.kind, o);
  }
  return out;
}

export function cardCertificateOf(o: CardObject, kind: DeviceCertificateKind, device: DeviceRow | null, policy: IssuerPolicy, at: Date): CardCertificate {
  const validUntil = o.certificate.notAfter.toISOString();
  const recorded = recordedOf(device, kind);
  const revoked = recorded !== null && sameSerial(recorded.serialNumber, o.serialNumber) && recorded.status === 'revoked';
  const { opensAt, closesAt } = windowOf(validUntil, policy);
  return {
    kind,
    tokenObjectId: o.object.id,
    label: o.object.label,
    subject: o.certificate.subject,
    issuer: o.certificate.issuer,
    serialNumber: o.serialNumber,
    validFrom: o.certificate.notBefore.toISOString(),
    validUntil,
    window: windowState({ validUntil, status: revoked ? 'revoked' : 'active' }, at, policy),
    windowOpensAt: opensAt,
    windowClosesAt: closesAt,
  };
}

export async function inspectCard(ctx: RenewalContext, tokenSerial: string): Promise<CardView & { policy: IssuerPolicy }> {
  const token = (await ctx.token.listTokens()).find((t) => t.serial === tokenSerial);
  if (!token) throw new KioskError('token_absent', 'nessuna carta con questo numero nel lettore: inserirla');
  const objects = parseCardObjects(await ctx.token.readCertificates(tokenSerial));
  const holderCodiceFiscale = objects.map((o) => o.holderCodiceFiscale).find((cf) => cf !== null) ?? null;
  const device = await ctx.backOffice.device(tokenSerial.toUpperCase());
  const policy = await devicePolicy(ctx.backOffice, device?.policyId);
  const customerRow = holderCodiceFiscale ? await ctx.backOffice.customerByCodiceFiscale(holderCodiceFiscale) : null;
  const at = ctx.now();
  const certificates = [...currentOfEachKind(objects, device)].map(([kind, o]) => cardCertificateOf(o, kind, device, policy, at));

  const problems: CardProblem[] = [];
  if (!holderCodiceFiscale) problems.push('holder_unreadable');
  if (!device) problems.push('device_unknown');
  if (device && holderCodiceFiscale && device.holderCodiceFiscale !== holderCodiceFiscale) problems.push('holder_mismatch');
  if (device && device.deviceStatus !== 'active') problems.push('device_not_active');
  if (certificates.some((c) => c.window === 'closed')) problems.push('replacement_needed');
  else if (certificates.length > 0 && !certificates.some((c) => renewable(c.window))) problems.push('window_not_open');

  let openRenewal: CardView['openRenewal'] = null;
  if (device) {
    const open = (await ctx.backOffice.renewalsOfDevice(device.serial)).find(isOpen);
    if (open) openRenewal = await deskRenewalOf(open, ctx.ca);
  }
  return {
    token,
    holderCodiceFiscale,
    customer: customerRow ? { id: customerRow.id, name: customerRow.fullName } : null,
    device: device ? { serial: device.serial, issuer: device.issuer, status: device.deviceStatus, policyId: device.policyId } : null,
    certificates,
    payAfter: {
      allowed: device !== null && payAfterAllowed(policy, { kind: device.kind, issuedOn: device.issuedOn }),
      feeCents: policy.payAfterFeeCents,
      vatRateBp: policy.payAfterVatRateBp,
    },
    openRenewal,
    problems,
    policy,
  };
}
