// The CKA_ID of a renewal's new key pair (and, once written, of its certificate): derived from the
// renewal and the certificate's kind, so that a resumed renewal (here, after a restart, or at
// another desk) finds the key pair it generated, and so that a key pair left on a card can be
// traced back to its renewal (to clean it up when that renewal ended without certifying it).
//
// Layout (hex): `4b52` ("KR", kiosk renewal) + the renewal's UUID (16 bytes) + the kind (01 signing,
// 02 authentication). A renewal id that is not a UUID is hashed instead (marker `4b53`): such a key
// pair is still found again, but cannot be traced back.
import { createHash } from 'node:crypto';
import type { DeviceCertificateKind } from '../../domain/devices/events';

const TRACEABLE = '4b52';
const HASHED = '4b53';
const KIND_BYTE: Record<DeviceCertificateKind, string> = { signing: '01', authentication: '02' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function renewalKeyId(renewalId: string, kind: DeviceCertificateKind): string {
  if (UUID.test(renewalId)) return `${TRACEABLE}${renewalId.replace(/-/g, '').toLowerCase()}${KIND_BYTE[kind]}`;
  return `${HASHED}${createHash('sha256').update(renewalId).digest('hex').slice(0, 32)}${KIND_BYTE[kind]}`;
}

/** The renewal and kind a CKA_ID was derived from, or null (not a kiosk renewal's, or not traceable). */
export function renewalOfKeyId(id: string): { renewalId: string; kind: DeviceCertificateKind } | null {
  const match = /^4b52([0-9a-f]{32})(01|02)$/.exec(id.toLowerCase());
  if (!match) return null;
  const h = match[1]!;
  const renewalId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  return { renewalId, kind: match[2] === '01' ? 'signing' : 'authentication' };
}
