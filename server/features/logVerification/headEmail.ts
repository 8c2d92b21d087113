// The log's head e-mailed to the accountants (issue #18): the head of the hash chain as last
// verified, to keep outside the back office. A later `npm run verify-log -- --expect-head` with it
// proves that the history up to that head has not changed since. Queued through the outbox (sent
// once, retried, visible among the e-mails); composed when sent, in Italian, Rome times.
import { emailStream, type EmailEvent, type LogHeadEmail } from '../../../domain/emails/events';
import { formatRomeDateTime } from '../../../domain/shared/money';
import { refuse } from '../../../domain/shared/errors';
import type { CommandContext } from '../../../events/eventCatalogue';
import { appendEvents } from '../../commands/handle';
import type { SalesDeps } from '../deps';
import { escapeHtml, type ComposedEmail } from '../emails/couponEmailMessage';
import { formatHead } from '../../../events/logVerifier';
import { lastVerification } from './service';

/** Queues the e-mail of the last verification's head; refused when the log was never verified or the last verification failed. */
export async function queueLogHeadEmail(
  deps: Pick<SalesDeps, 'store' | 'catalogue' | 'clock' | 'ids'>,
  request: { to: string; requestedBy: string },
  ctx: CommandContext,
): Promise<{ emailId: string; head: { position: number; hash: string } }> {
  const last = await lastVerification(deps.store, deps.catalogue);
  if (!last || !last.ok || !last.head) {
    throw refuse(
      'log_not_verified',
      last ? 'the last verification of the log failed: there is no verified head to send' : 'the log was never verified: verify it first, then send its head',
    );
  }
  const emailId = deps.ids.uuid();
  const queued: EmailEvent = {
    type: 'EmailQueued',
    data: {
      emailId,
      purpose: 'log_head',
      reason: 'export',
      to: request.to,
      head: last.head,
      verifiedAt: last.finishedAt,
      verified: last.verified,
      requestedBy: request.requestedBy,
      queuedAt: deps.clock().toISOString(),
    },
  };
  await appendEvents(deps, emailStream(emailId), [queued], 'no_stream', ctx);
  return { emailId, head: last.head };
}

export function composeLogHeadEmail(queued: LogHeadEmail, sellerName: string): ComposedEmail & { to: string } {
  const head = formatHead(queued.head);
  const when = formatRomeDateTime(queued.verifiedAt);
  const subject = `Registro degli eventi: testa verificata al ${when}`;
  const lines = [
    `Il registro degli eventi del back office è stato verificato il ${when} (ora italiana): ${queued.verified} eventi, catena integra.`,
    '',
    `Testa della catena (posizione:hash): ${head}`,
    '',
    'Conservi questa e-mail fuori dal back office. Una verifica successiva con',
    `  npm run verify-log -- --expect-head ${head}`,
    "dimostra che la storia fino a questa testa non è stata modificata da allora.",
    '',
    `Richiesta da ${queued.requestedBy}.`,
    sellerName,
  ];
  const html = `<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; color: #222; max-width: 640px">
<p>Il registro degli eventi del back office è stato verificato il ${escapeHtml(when)} (ora italiana): ${queued.verified} eventi, catena integra.</p>
<p>Testa della catena (posizione:hash):<br><code style="font-size: 14px; word-break: break-all">${escapeHtml(head)}</code></p>
<p>Conservi questa e-mail fuori dal back office. Una verifica successiva con<br><code>npm run verify-log -- --expect-head ${escapeHtml(head)}</code><br>dimostra che la storia fino a questa testa non è stata modificata da allora.</p>
<p>Richiesta da ${escapeHtml(queued.requestedBy)}.<br>${escapeHtml(sellerName)}</p>
</body></html>`;
  return { subject, text: lines.join('\n'), html, to: queued.to };
}
