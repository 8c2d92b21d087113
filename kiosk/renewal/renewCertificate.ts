// One certificate renewed on the card, from the step the back office says it reached:
//   keys_generated         a new RSA key pair generated on the card (not extractable), CKA_ID derived
//                          from the renewal (keyIds.ts), the old certificate's label;
//   request_sent           a PKCS#10 request signed on the card, with the old certificate's subject;
//   certificate_issued     the CA's certificate for `<renewalId>:<kind>` (asked for once: findIssued
//                          first, and the CA answers the same certificate for the same request id);
//   certificate_installed  written to the card with the key pair's CKA_ID and the old label;
//   verified               read back and checked against the key (verifyOnCard.ts);
// and only then the old certificate's objects deleted ('old_removed', not a recorded step).
//
// A key pair generated but not certified is not trusted on a resume: it is deleted and made anew
// (the request it signed may never have reached the CA). Unless the CA did certify it and only its
// answer was lost: then the key is kept and the renewal goes on from the certificate.
import type { DeviceCertificateKind } from '../../domain/devices/events';
import { renewalSteps, type RenewalStep } from '../../domain/renewals/events';
import type { IssuedCertificate } from '../ca/port';
import { KioskError, type RenewalProgress } from './port';
import type { CardObject } from './cardView';
import type { RenewalContext } from './context';
import { stepIndex } from './deskRenewal';
import { renewalKeyId } from './keyIds';
import { samePublicKey, verifyOnCard } from './verifyOnCard';

export interface CertificateJob {
  renewalId: string;
  tokenSerial: string;
  kind: DeviceCertificateKind;
  /** The last step the back office recorded for this certificate. */
  reached: RenewalStep | undefined;
  /** The certificate being replaced, while it is still on the card. */
  old: CardObject | null;
  /** A certificate already written under the new key's CKA_ID (a resume after certificate_installed). */
  installed: CardObject | null;
  holderCodiceFiscale: string;
  validityYears: number;
  /** Records a step in the back office (idempotent: the same step again changes nothing). */
  record(step: RenewalStep, certificate?: IssuedCertificate): Promise<void>;
  progress(step: RenewalProgress['step']): void;
}

const at = (step: RenewalStep) => renewalSteps.indexOf(step);

export async function renewCertificate(ctx: RenewalContext, job: CertificateJob): Promise<void> {
  const { token, ca, logger } = ctx;
  const { tokenSerial, kind, renewalId } = job;
  const keyId = renewalKeyId(renewalId, kind);
  const requestId = `${renewalId}:${kind}`;
  const label = job.old?.object.label ?? job.installed?.object.label ?? (kind === 'signing' ? 'Firma' : 'CNS');
  const log = logger.child({ renewalId, certificateKind: kind });
  let reached = stepIndex(job.reached);
  let issued: IssuedCertificate | null = null;

  const done = async (step: RenewalStep, certificate?: IssuedCertificate) => {
    await job.record(step, certificate);
    reached = at(step);
    log.info({ step }, 'step done');
    job.progress(step);
  };

  if (reached < at('certificate_issued')) {
    // Only a request recorded as sent may have been certified with its answer lost; before that
    // the CA has nothing for this renewal (and is not asked: a CA that is down stops us at the
    // request, where the renewal can be resumed from).
    issued = reached === at('request_sent') ? await ca.findIssued(requestId) : null;
    const key = await token.findKeyPair(tokenSerial, keyId);
    if (issued && key && samePublicKey(issued.certificatePem, key.publicKeyPem)) {
      log.info('the CA had certified the key already (its answer was lost): keeping it');
      await done('keys_generated');
      await done('request_sent');
    } else {
      if (issued) {
        throw new KioskError(
          'ca_refused',
          `l'autorità ha già emesso un certificato per questo rinnovo (${issued.serialNumber}) ma la sua chiave non è più sulla carta: annullare non è possibile, chiamare il supervisore`,
          { renewalId },
        );
      }
      if (key) {
        const removed = await token.deleteObjects(tokenSerial, keyId);
        log.info({ removed }, 'uncertified key pair of an earlier attempt removed');
      }
      const subject = job.old?.certificate.subject;
      if (!subject) throw new KioskError('card_not_renewable', `sulla carta non c'è il certificato ${kind} da rinnovare`, { renewalId });
      await token.generateKeyPair(tokenSerial, { id: keyId, label });
      await done('keys_generated');
      const { csrPem } = await token.createCertificateRequest(tokenSerial, { id: keyId, subject });
      await done('request_sent');
      issued = await ca.issue({ requestId, csrPem, profile: kind, holderCodiceFiscale: job.holderCodiceFiscale, validityYears: job.validityYears });
    }
    await done('certificate_issued', issued);
    log.info({ serialNumber: issued.serialNumber, validUntil: issued.validUntil }, 'certificate issued');
  } else {
    issued = await ca.findIssued(requestId);
    if (!issued) {
      throw new KioskError('ca_refused', `il gestionale registra il certificato ${kind} come emesso, ma l'autorità non lo trova (${requestId})`, { renewalId });
    }
  }

  if (reached < at('certificate_installed')) {
    await token.writeCertificate(tokenSerial, { id: keyId, label, certificatePem: issued.certificatePem });
    await done('certificate_installed');
  }
  if (reached < at('verified')) {
    await verifyOnCard(token, tokenSerial, keyId, issued);
    await done('verified');
  }
  if (job.old && job.old.object.id !== keyId) {
    const removed = await token.deleteObjects(tokenSerial, job.old.object.id);
    log.info({ removed, oldSerialNumber: job.old.serialNumber }, 'old certificate and keys removed');
    job.progress('old_removed');
  }
}
