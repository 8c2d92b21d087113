// The renewal reminder e-mail, in Italian, as plain text and HTML: which certificates of which
// device must be renewed by when (Europe/Rome), what to buy (the coupon products the guided
// purchase would propose), and the link to the public renewal page. Pure: the outbox composes it
// when the e-mail is sent (server/features/reminders/reminderEmails.ts).
import { formatEuro, formatRomeDate, formatRomeDateTime } from '../../../domain/shared/money';
import { escapeHtml, type ComposedEmail } from '../emails/couponEmailMessage';

export interface ReminderCertificate {
  kind: 'signing' | 'authentication';
  serialNumber: string;
  /** Expiry (notAfter), UTC ISO. */
  validUntil: string;
}

export interface ProductToBuy {
  code: string;
  description: string;
  /** Price VAT included, cents. */
  totalCents: number;
}

export interface ReminderEmailInput {
  recipientName: string;
  /** The holder, or the customer who bought the device's latest renewal. */
  recipient: 'holder' | 'buyer';
  holderCodiceFiscale: string;
  deviceSerial: string;
  /** The last instant a renewal is accepted, UTC ISO. */
  deadline: string;
  /** Whole days left before the deadline (rounded up) when the e-mail is composed. */
  daysLeft: number;
  certificates: ReminderCertificate[];
  /** One coupon per certificate; empty when the catalogue has none on sale for them. */
  products: ProductToBuy[];
  renewalUrl: string;
  sellerName: string;
}

export const certificateInItalian: Record<ReminderCertificate['kind'], string> = {
  signing: 'Sottoscrizione (firma digitale)',
  authentication: 'Autenticazione (CNS)',
};

const daysInItalian = (days: number): string => (days === 0 ? 'oggi' : days === 1 ? 'domani' : `tra ${days} giorni`);

export function composeReminderEmail(input: ReminderEmailInput): ComposedEmail {
  const deadline = formatRomeDateTime(input.deadline);
  const two = input.certificates.length > 1;
  const subject = `Promemoria: rinnovi ${two ? 'i certificati' : 'il certificato'} del dispositivo ${input.deviceSerial} entro il ${formatRomeDate(input.deadline)}`;
  const certificateLines = input.certificates.map(
    (c) => `${certificateInItalian[c.kind]}, numero di serie ${c.serialNumber}: scade il ${formatRomeDateTime(c.validUntil)}`,
  );
  const productLines = input.products.map((p) => `${p.description} (${p.code}): ${formatEuro(p.totalCents)} IVA inclusa`);
  const intro =
    input.recipient === 'holder'
      ? `le ricordiamo che ${two ? 'i certificati' : 'il certificato'} del suo dispositivo di firma ${input.deviceSerial} ${two ? 'vanno rinnovati' : 'va rinnovato'} entro il ${deadline} (${daysInItalian(input.daysLeft)}):`
      : `le ricordiamo che ${two ? 'i certificati' : 'il certificato'} del dispositivo di firma ${input.deviceSerial} (titolare: codice fiscale ${input.holderCodiceFiscale}), per il quale ha acquistato l'ultimo rinnovo, ${two ? 'vanno rinnovati' : 'va rinnovato'} entro il ${deadline} (${daysInItalian(input.daysLeft)}):`;
  const buy =
    input.products.length > 0
      ? [`Per rinnovare acquisti ${input.products.length === 1 ? 'il coupon' : 'un coupon per ciascun certificato'}:`, ...productLines.map((l) => `  - ${l}`)]
      : ['Per rinnovare acquisti un coupon di rinnovo per ciascun certificato.'];
  const text = [
    `Gentile ${input.recipientName},`,
    '',
    intro,
    '',
    ...certificateLines.map((l) => `  - ${l}`),
    '',
    ...buy,
    '',
    `Poi esegua il rinnovo seguendo le istruzioni della pagina ${input.renewalUrl}`,
    '',
    'Attenzione: oltre il termine il rinnovo non è più possibile e occorre una nuova tessera. I nuovi certificati valgono 3 anni dal giorno del rinnovo.',
    'Se ha già rinnovato, ignori questo messaggio.',
    '',
    'Cordiali saluti,',
    input.sellerName,
  ].join('\n');

  const html = `<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; color: #222; max-width: 640px">
<p>Gentile ${escapeHtml(input.recipientName)},</p>
<p>${escapeHtml(intro)}</p>
<ul>${certificateLines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>
<p>${escapeHtml(buy[0]!)}</p>
${input.products.length > 0 ? `<ul>${productLines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : ''}
<p>Poi esegua il rinnovo seguendo le istruzioni della pagina <a href="${escapeHtml(input.renewalUrl)}">${escapeHtml(input.renewalUrl)}</a>.</p>
<p><strong>Attenzione:</strong> oltre il termine il rinnovo non è più possibile e occorre una nuova tessera. I nuovi certificati valgono 3 anni dal giorno del rinnovo.</p>
<p>Se ha già rinnovato, ignori questo messaggio.</p>
<p>Cordiali saluti,<br>${escapeHtml(input.sellerName)}</p>
</body></html>`;
  return { subject, text, html };
}
