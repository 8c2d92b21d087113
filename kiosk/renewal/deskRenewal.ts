// A renewal as the desk page shows it, from the back office's read model (GET /api/renewals): its
// state, the last step each certificate reached (from its timeline), its failure, the new
// certificates. The read model keeps only a new certificate's serial until the renewal completes;
// its validity is the CA's (findIssued), which is the authority on it anyway.
import { renewalSteps, type RenewalStep } from '../../domain/renewals/events';
import type { DeviceCertificateKind } from '../../domain/devices/events';
import type { CertificateAuthority } from '../ca/port';
import type { RenewalRow } from '../backOffice';
import type { DeskRenewal } from './port';

/** The last step each certificate reached, as the timeline recorded them (steps only go forward). */
export function reachedOf(row: Pick<RenewalRow, 'timeline'>): Partial<Record<DeviceCertificateKind, RenewalStep>> {
  const reached: Partial<Record<DeviceCertificateKind, RenewalStep>> = {};
  for (const entry of row.timeline) {
    if (entry.what !== 'step' || !entry.certificateKind || !entry.step) continue;
    const before = reached[entry.certificateKind];
    if (before === undefined || renewalSteps.indexOf(entry.step) > renewalSteps.indexOf(before)) reached[entry.certificateKind] = entry.step;
  }
  return reached;
}

/** Index of a step reached (-1: none yet), to compare with the steps still to do. */
export const stepIndex = (step: RenewalStep | undefined): number => (step === undefined ? -1 : renewalSteps.indexOf(step));

export const isOpen = (row: Pick<RenewalRow, 'state'>): boolean => row.state === 'in_progress' || row.state === 'failed';

export async function deskRenewalOf(row: RenewalRow, ca: CertificateAuthority): Promise<DeskRenewal> {
  const reached = reachedOf(row);
  const issued: DeskRenewal['issued'] = {};
  if (row.newCertificates) {
    for (const c of row.newCertificates) issued[c.kind] = { serialNumber: c.serialNumber, validFrom: c.validFrom, validUntil: c.validUntil };
  } else {
    for (const kind of row.certificates) {
      if (stepIndex(reached[kind]) < renewalSteps.indexOf('certificate_issued')) continue;
      const found = await ca.findIssued(`${row.id}:${kind}`).catch(() => null);
      if (found) issued[kind] = { serialNumber: found.serialNumber, validFrom: found.validFrom, validUntil: found.validUntil };
    }
  }
  return {
    renewalId: row.id,
    deviceSerial: row.deviceSerial,
    state: row.state,
    certificates: row.certificates,
    reached,
    failure:
      row.state === 'failed'
        ? { certificateKind: row.failedCertificate ?? null, stepReached: row.failedStep ?? null, reason: row.failureReason ?? '' }
        : null,
    issued,
  };
}
