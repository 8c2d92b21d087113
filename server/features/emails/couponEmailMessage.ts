// The coupon e-mail: the codes, what each renews, and the renewal instructions of the guide, in
// Italian, as plain text and HTML. Pure: the outbox composes it when the e-mail is sent.
import { formatRomeDate } from '../../../domain/shared/money';

export interface CouponInEmail {
  code: string;
  description: string;
  renews: 'signing' | 'authentication' | 'both' | 'none';
  /** End of validity, UTC ISO. */
  validUntil: string;
}

export interface CouponEmailInput {
  recipientName: string;
  /** The order, as staff and customer refer to it (number or short id). */
  orderReference: string;
  coupons: CouponInEmail[];
  /** Where the holder goes to renew (from configuration). */
  renewalUrl: string;
  /** Where anyone can check a code (from configuration). */
  couponStatusUrl: string;
  sellerName: string;
}

export interface ComposedEmail {
  subject: string;
  text: string;
  html: string;
  /** Files sent with the message (the payment notice's PDF). */
  attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
}

export const renewsInItalian: Record<CouponInEmail['renews'], string> = {
  signing: 'certificato di Sottoscrizione (firma)',
  authentication: 'certificato di Autenticazione (CNS)',
  both: 'certificati di Sottoscrizione e Autenticazione',
  none: 'marche temporali',
};

/** The renewal, step by step, as the guide gives it (also on the public page /rinnovo). */
export const renewalSteps = [
  "Installi il software di firma indicato nella guida (GoSign Desktop) e inserisca il dispositivo (Smart Card o Business Key) nel computer.",
  'Apra la pagina di rinnovo: i certificati presenti sul dispositivo vengono letti automaticamente.',
  'Selezioni i certificati da rinnovare: se il dispositivo ne contiene due, vanno rinnovati entrambi.',
  'Inserisca il PIN del dispositivo (se rinnova due certificati, il PIN verrà chiesto due volte).',
  'Inserisca il codice coupon e prosegua: il codice viene verificato.',
  'Clicchi "Completa il rinnovo", inserisca di nuovo il PIN e attenda l\'installazione dei nuovi certificati.',
  'Verifichi che il rinnovo sia andato a buon fine.',
];

export const renewalWarnings = [
  "L'acquisto del coupon non rinnova da solo i certificati: il rinnovo va eseguito con la procedura qui sotto.",
  'Il rinnovo va eseguito entro 24 ore dalla scadenza del certificato; oltre questo termine occorre una nuova tessera.',
  'I nuovi certificati valgono 3 anni dal giorno del rinnovo, non dalla data di scadenza precedente.',
  'Il codice coupon vale come denaro: non lo comunichi a nessuno che non debba usarlo.',
];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function composeCouponEmail(input: CouponEmailInput): ComposedEmail {
  const count = input.coupons.length;
  const subject =
    count === 1
      ? `Il suo codice coupon per il rinnovo della firma digitale (ordine ${input.orderReference})`
      : `I suoi ${count} codici coupon per il rinnovo della firma digitale (ordine ${input.orderReference})`;

  const couponLines = input.coupons.map(
    (c) =>
      `  ${c.code}  —  ${c.description}: rinnova ${renewsInItalian[c.renews]}; valido fino al ${formatRomeDate(c.validUntil)}`,
  );
  const text = [
    `Gentile ${input.recipientName},`,
    '',
    `grazie per l'acquisto. Ecco ${count === 1 ? 'il codice coupon' : 'i codici coupon'} dell'ordine ${input.orderReference}:`,
    '',
    ...couponLines,
    '',
    'Attenzione:',
    ...renewalWarnings.map((w) => `- ${w}`),
    '',
    `Come rinnovare i certificati (${input.renewalUrl}):`,
    ...renewalSteps.map((step, i) => `${i + 1}. ${step}`),
    '',
    `Può verificare lo stato di un coupon in ogni momento su ${input.couponStatusUrl}`,
    '',
    'Cordiali saluti,',
    input.sellerName,
  ].join('\n');

  const html = `<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; color: #222; max-width: 640px">
<p>Gentile ${escapeHtml(input.recipientName)},</p>
<p>grazie per l'acquisto. Ecco ${count === 1 ? 'il codice coupon' : 'i codici coupon'} dell'ordine <strong>${escapeHtml(input.orderReference)}</strong>:</p>
<table style="border-collapse: collapse" cellpadding="6">
<thead><tr><th align="left">Codice</th><th align="left">Prodotto</th><th align="left">Rinnova</th><th align="left">Valido fino al</th></tr></thead>
<tbody>
${input.coupons
  .map(
    (c) =>
      `<tr><td style="font-family: monospace; font-size: 16px"><strong>${escapeHtml(c.code)}</strong></td><td>${escapeHtml(c.description)}</td><td>${escapeHtml(renewsInItalian[c.renews])}</td><td>${formatRomeDate(c.validUntil)}</td></tr>`,
  )
  .join('\n')}
</tbody></table>
<p><strong>Attenzione:</strong></p>
<ul>${renewalWarnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>
<p><strong>Come rinnovare i certificati</strong> (<a href="${escapeHtml(input.renewalUrl)}">${escapeHtml(input.renewalUrl)}</a>):</p>
<ol>${renewalSteps.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ol>
<p>Può verificare lo stato di un coupon in ogni momento su <a href="${escapeHtml(input.couponStatusUrl)}">${escapeHtml(input.couponStatusUrl)}</a>.</p>
<p>Cordiali saluti,<br>${escapeHtml(input.sellerName)}</p>
</body></html>`;
  return { subject, text, html };
}
