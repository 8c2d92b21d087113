// The renewal work behind the desk page (the KioskRenewals of port.ts), over the back office's HTTP
// API (backOffice.ts), the card (TokenPort) and the certificate authority. Each part is its own
// file: looking at the card (cardView.ts), starting (start.ts), the work on the card (run.ts,
// renewCertificate.ts, verifyOnCard.ts, leftovers.ts), what faults become (faults.ts).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { BackOffice } from '../backOffice';
import type { CertificateAuthority } from '../ca/port';
import { createKioskLogger } from '../logging';
import type { TokenPort } from '../token/port';
import { inspectCard } from './cardView';
import type { RenewalContext } from './context';
import { deskRenewalOf } from './deskRenewal';
import { KioskError, type KioskRenewals } from './port';
import { receiptOf } from './receipt';
import { runAtKiosk } from './run';
import { startAtKiosk } from './start';

export interface KioskRenewalsOptions {
  backOffice: BackOffice;
  token: TokenPort;
  ca: CertificateAuthority;
  /** The clock the windows are read with (default: the machine's). */
  now?: () => Date;
  /** pino; build it with kiosk/logging.ts (its redaction keeps the PIN and coupon codes out). */
  logger?: Logger;
  /** The office's name on the receipt. */
  officeName?: string;
}

export function createKioskRenewals(options: KioskRenewalsOptions): KioskRenewals {
  const ctx: RenewalContext = {
    backOffice: options.backOffice,
    token: options.token,
    ca: options.ca,
    now: options.now ?? (() => new Date()),
    logger: options.logger ?? createKioskLogger({ level: 'silent' }),
    officeName: options.officeName ?? 'Sportello',
  };
  /** One run per card at a time: a second click waits for the first to end. */
  const running = new Map<string, Promise<unknown>>();

  return {
    async inspect(tokenSerial) {
      const { policy: _policy, ...view } = await inspectCard(ctx, tokenSerial);
      return view;
    },
    start: (tokenSerial, choice) => startAtKiosk(ctx, tokenSerial, choice),
    async run(renewalId, tokenSerial, pin, onProgress) {
      const before = running.get(tokenSerial) ?? Promise.resolve();
      const mine = before.catch(() => undefined).then(() => runAtKiosk(ctx, renewalId, tokenSerial, pin, onProgress));
      running.set(tokenSerial, mine);
      try {
        return await mine;
      } finally {
        if (running.get(tokenSerial) === mine) running.delete(tokenSerial);
      }
    },
    async abandon(renewalId, reason) {
      await ctx.backOffice.abandonRenewal(renewalId, reason, `kiosk-${renewalId}-abandon-${randomUUID()}`);
      ctx.logger.info({ renewalId }, 'renewal abandoned');
      const row = await ctx.backOffice.renewal(renewalId);
      if (!row) throw new KioskError('back_office_refused', `rinnovo ${renewalId} non trovato nel gestionale`, { status: 404, renewalId });
      return deskRenewalOf(row, ctx.ca);
    },
    receipt: (renewalId) => receiptOf(ctx, renewalId),
  };
}
