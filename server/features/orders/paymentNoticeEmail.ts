// The payment notice e-mail of a direct (RF) order, as the summary promises: queued when the order
// is placed (on `email-<saleIds.paymentNoticeEmail(orderId)>`, 'no_stream', so placing the same
// order again queues nothing more), sent once by the outbox, composed when sent: to the profile
// e-mail in force, in Italian, with the notice's data in the body and the PDF (EPC QR code) attached.
import type { CommandContext } from '../../../events/eventCatalogue';
import { emailStream, type EmailEvent, type PaymentNoticeEmail } from '../../../domain/emails/events';
import { formatIban } from '../../../domain/shared/iban';
import { formatEuro, formatRomeDate } from '../../../domain/shared/money';
import { formatRf } from '../../../domain/shared/rfReference';
import { WrongExpectedRevisionError } from '../../../events/port';
import { appendEvents } from '../../commands/handle';
import type { SalesDeps } from '../deps';
import { escapeHtml, type ComposedEmail } from '../emails/couponEmailMessage';
import { saleIds } from '../ids';
import { paymentNoticeOf } from './paymentNotice';
import type { PaymentNotice } from './paymentNoticePdf';

/** Queues the notice of a direct order just placed; the position of the append, 0 when it was queued already. */
export async function queuePaymentNoticeEmail(
  deps: Pick<SalesDeps, 'store' | 'catalogue' | 'clock'>,
  order: { orderId: string; customerId: string },
  ctx: CommandContext,
): Promise<number> {
  const emailId = saleIds.paymentNoticeEmail(order.orderId);
  const queued: EmailEvent = {
    type: 'EmailQueued',
    data: { emailId, purpose: 'payment_notice', customerId: order.customerId, orderId: order.orderId, reason: 'placement', queuedAt: deps.clock().toISOString() },
  };
  try {
    return await appendEvents(deps, emailStream(emailId), [queued], 'no_stream', ctx);
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) return 0; // queued already
    throw error;
  }
}

export function composePaymentNoticeEmail(notice: PaymentNotice): ComposedEmail {
  const rf = formatRf(notice.rfReference);
  const subject = `Avviso di pagamento: ordine ${rf}, ${formatEuro(notice.amountCents)}`;
  const rows: Array<[string, string]> = [
    ['Beneficiario', notice.beneficiary],
    ['IBAN', formatIban(notice.iban)],
    ...(notice.bic ? ([['BIC', notice.bic]] as Array<[string, string]>) : []),
    ['Importo', formatEuro(notice.amountCents)],
    ['Causale', rf],
    ['Da pagare entro il', formatRomeDate(notice.expiresAt)],
  ];
  const how =
    `Esegua un bonifico SEPA scrivendo come causale soltanto il riferimento ${rf}: è il codice con cui il pagamento viene abbinato al suo ordine. ` +
    "In allegato trova l'avviso di pagamento con il codice QR, che l'app della banca legge per compilare il bonifico.";
  const after = `Ricevuto il pagamento, le invieremo per e-mail la fattura e i codici coupon. Se il pagamento non arriva entro il ${formatRomeDate(notice.expiresAt)}, l'ordine scade.`;
  const text = [
    `Gentile ${notice.customerName},`,
    '',
    `grazie per l'ordine del ${formatRomeDate(notice.placedAt)}. Per completarlo, esegua il pagamento con questi dati:`,
    '',
    ...rows.map(([label, value]) => `  ${label}: ${value}`),
    '',
    how,
    '',
    after,
    '',
    'Cordiali saluti,',
    notice.sellerName,
  ].join('\n');
  const html = `<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; color: #222; max-width: 640px">
<p>Gentile ${escapeHtml(notice.customerName)},</p>
<p>grazie per l'ordine del ${formatRomeDate(notice.placedAt)}. Per completarlo, esegua il pagamento con questi dati:</p>
<table style="border-collapse: collapse" cellpadding="6"><tbody>
${rows.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td style="font-family: monospace; font-size: 16px">${escapeHtml(value)}</td></tr>`).join('\n')}
</tbody></table>
<p>${escapeHtml(how)}</p>
<p>${escapeHtml(after)}</p>
<p>Cordiali saluti,<br>${escapeHtml(notice.sellerName)}</p>
</body></html>`;
  return { subject, text, html };
}

export function composePaymentNoticeEmailFor(deps: Pick<SalesDeps, 'store' | 'catalogue' | 'settings'>) {
  return async (queued: PaymentNoticeEmail): Promise<ComposedEmail & { to: string }> => {
    const { notice, pdf, filename, customerEmail } = await paymentNoticeOf(deps, queued.orderId, { asPlaced: true });
    return { ...composePaymentNoticeEmail(notice), attachments: [{ filename, content: pdf, contentType: 'application/pdf' }], to: customerEmail };
  };
}
