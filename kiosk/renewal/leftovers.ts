// Key pairs that renewals left on a card without a certificate: generated, then the renewal was
// abandoned, or completed at another attempt with another key. Such a key certifies nothing and
// would only fill the card; it is removed when the card is next renewed here. A key pair whose
// renewal is still open is kept (that renewal may be resumed), and so is any key the kiosk did not
// make (its CKA_ID does not trace back to a renewal).
import type { Logger } from 'pino';
import type { CardObject } from './cardView';
import type { RenewalContext } from './context';
import { isOpen } from './deskRenewal';
import { renewalOfKeyId } from './keyIds';

export async function removeLeftoverKeys(ctx: RenewalContext, tokenSerial: string, renewalId: string, objects: CardObject[], log: Logger): Promise<void> {
  const certified = new Set(objects.map((o) => o.object.id));
  for (const id of await ctx.token.listKeyPairIds(tokenSerial)) {
    const traced = renewalOfKeyId(id);
    if (!traced || traced.renewalId === renewalId || certified.has(id)) continue;
    const owner = await ctx.backOffice.renewal(traced.renewalId);
    if (owner && isOpen(owner)) continue;
    const removed = await ctx.token.deleteObjects(tokenSerial, id);
    log.info({ leftoverOf: traced.renewalId, certificateKind: traced.kind, state: owner?.state ?? 'unknown', removed }, 'uncertified key pair removed');
  }
}
