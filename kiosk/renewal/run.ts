// Running a renewal on the card with the PIN, or resuming it where it stopped (here after a crash,
// or at another desk): log in to the card (a wrong PIN stops here, nothing recorded), resume a
// failed renewal in the back office, renew each certificate chosen from the step it reached
// (renewCertificate.ts), complete it (the back office redeems the coupons and records the new
// certificates on the device), log out of the card.
//
// Any fault on the way (card pulled out, CA down, write refused, back office gone) is recorded as a
// failure with the certificate it hit (best effort: the back office may be what failed), and thrown
// as a KioskError naming the renewal; `run` again resumes it without a second coupon (reserved once,
// at the start) or a second certificate (the CA answers the same one per request id).
//
// Idempotency keys: a step is the same command whenever it is sent (`kiosk-<renewal>-<kind>-<step>`);
// resume, fail and complete may each happen more than once in a renewal's life, so theirs are
// made per run (a retry within the run, after a lost answer, is the same command).
import { randomUUID } from 'node:crypto';
import type { DeviceCertificateKind } from '../../domain/devices/events';
import type { RenewalStep } from '../../domain/renewals/events';
import type { DeviceRow, RenewalRow } from '../backOffice';
import { sameSerial } from '../holder';
import { parseCardObjects, type CardObject } from './cardView';
import type { RenewalContext } from './context';
import { deskRenewalOf, reachedOf } from './deskRenewal';
import { kioskErrorOf } from './faults';
import { removeLeftoverKeys } from './leftovers';
import { renewalKeyId } from './keyIds';
import { devicePolicy } from './policy';
import { KioskError, type DeskRenewal, type RenewalProgress } from './port';
import { renewCertificate } from './renewCertificate';

/** The certificate of this kind that the renewal replaces: not the renewal's own, preferably the one the device records. */
function oldCertificate(objects: CardObject[], kind: DeviceCertificateKind, keyId: string, device: DeviceRow | null): CardObject | null {
  const candidates = objects.filter((o) => o.kind === kind && o.object.id !== keyId);
  const recorded = kind === 'signing' ? device?.signingSerialNumber : device?.authenticationSerialNumber;
  return candidates.find((o) => recorded && sameSerial(recorded, o.serialNumber)) ?? candidates[0] ?? null;
}

async function renewalRow(ctx: RenewalContext, renewalId: string): Promise<RenewalRow> {
  const row = await ctx.backOffice.renewal(renewalId);
  if (!row) throw new KioskError('back_office_refused', `rinnovo ${renewalId} non trovato nel gestionale`, { status: 404, backOfficeCode: 'renewal_not_found', renewalId });
  return row;
}

export async function runAtKiosk(
  ctx: RenewalContext,
  renewalId: string,
  tokenSerial: string,
  pin: string,
  onProgress?: (progress: RenewalProgress) => void,
): Promise<DeskRenewal> {
  const log = ctx.logger.child({ renewalId, tokenSerial });
  const runId = randomUUID();
  const key = (command: string) => `kiosk-${renewalId}-${command}-${runId}`;
  let row = await renewalRow(ctx, renewalId);
  if (row.state === 'completed') return deskRenewalOf(row, ctx.ca);
  if (row.state === 'abandoned') {
    throw new KioskError('back_office_refused', 'il rinnovo è stato annullato: avviarne uno nuovo', { backOfficeCode: 'renewal_abandoned', renewalId });
  }
  if (row.deviceSerial !== tokenSerial.toUpperCase()) {
    throw new KioskError('card_not_renewable', `la carta nel lettore (${tokenSerial}) non è quella del rinnovo (${row.deviceSerial})`, { renewalId });
  }
  const device = await ctx.backOffice.device(row.deviceSerial);
  const policy = await devicePolicy(ctx.backOffice, device?.policyId);

  // The PIN goes to the card and nowhere else; a wrong one stops here, before anything is recorded.
  try {
    await ctx.token.login(tokenSerial, pin);
  } catch (error) {
    const failure = kioskErrorOf(error, renewalId);
    log.warn({ errorCode: failure.code, pinState: failure.details.pin }, 'card login refused');
    throw failure;
  }
  log.info({ state: row.state }, 'card logged in: renewal running');

  let current: DeviceCertificateKind | null = null;
  try {
    if (row.state === 'failed') {
      await ctx.backOffice.resumeRenewal(renewalId, key('resume'));
      log.info('renewal resumed');
      row = await renewalRow(ctx, renewalId);
    }
    const reached = reachedOf(row);
    const objects = parseCardObjects(await ctx.token.readCertificates(tokenSerial));
    await removeLeftoverKeys(ctx, tokenSerial, renewalId, objects, log);
    const holderCodiceFiscale = row.holderCodiceFiscale;
    for (const kind of row.certificates) {
      current = kind;
      const keyId = renewalKeyId(renewalId, kind);
      await renewCertificate(ctx, {
        renewalId,
        tokenSerial,
        kind,
        reached: reached[kind],
        old: oldCertificate(objects, kind, keyId, device),
        installed: objects.find((o) => o.object.id === keyId) ?? null,
        holderCodiceFiscale,
        validityYears: policy.validityYears,
        record: async (step: RenewalStep, certificate) => {
          await ctx.backOffice.recordStep(
            renewalId,
            {
              certificateKind: kind,
              step,
              ...(certificate ? { certificate: { serialNumber: certificate.serialNumber, validFrom: certificate.validFrom, validUntil: certificate.validUntil } } : {}),
            },
            `kiosk-${renewalId}-${kind}-${step}`,
          );
        },
        progress: (step) => onProgress?.({ certificateKind: kind, step, at: ctx.now().toISOString() }),
      });
    }
    current = null;
    await ctx.backOffice.completeRenewal(renewalId, key('complete'));
    log.info('renewal completed');
  } catch (error) {
    const failure = kioskErrorOf(error, renewalId);
    log.warn({ errorCode: failure.code, certificateKind: current, reason: failure.message }, 'renewal stopped');
    try {
      await ctx.backOffice.failRenewal(renewalId, { certificateKind: current, reason: `${failure.code}: ${failure.message}`.slice(0, 500) }, key('fail'));
      log.info({ certificateKind: current }, 'failure recorded');
    } catch (recording) {
      log.warn({ errorCode: kioskErrorOf(recording).code }, 'failure not recorded (the back office will show the renewal at its last step)');
    }
    throw failure;
  } finally {
    await ctx.token.logout(tokenSerial).catch(() => undefined);
  }
  return deskRenewalOf(await renewalRow(ctx, renewalId), ctx.ca);
}
