// The bodies the desk page sends, checked before anything reaches the back office or the card.
// A refusal names the field and the rule, in Italian for the operator and in English for the log
// reader: "pin: il PIN deve avere da 4 a 64 caratteri (the PIN must be 4 to 64 characters)".
import { z } from 'zod';
import { deviceCertificateKinds } from '../../domain/devices/events';

const both = (it: string, en: string) => `${it} (${en})`;

const text = (max: number, it: string, en: string) =>
  z
    .string({ error: both(`${it}: testo richiesto`, `${en}: text required`) })
    .trim()
    .min(1, both(`${it}: campo obbligatorio`, `${en} is required`))
    .max(max, both(`${it}: al massimo ${max} caratteri`, `${en}: at most ${max} characters`));

export const loginBody = z
  .object({
    username: text(200, "nome utente", 'username'),
    // Not trimmed: a password is what was typed.
    password: z
      .string({ error: both('password: testo richiesto', 'password: text required') })
      .min(1, both('password: campo obbligatorio', 'password is required'))
      .max(1024, both('password: troppo lunga', 'password: too long')),
  })
  .strict();

const certificateKind = z.enum(deviceCertificateKinds, {
  error: both('certificati: "signing" (firma) o "authentication" (autenticazione)', 'certificates: "signing" or "authentication"'),
});

const payment = z.discriminatedUnion(
  'mode',
  [
    z
      .object({
        mode: z.literal('coupons'),
        coupons: z
          .array(text(100, 'coupon', 'coupon'), { error: both('coupon: elenco dei codici richiesto', 'coupons: a list of codes is required') })
          .min(1, both('coupon: inserire un codice per certificato, o uno per entrambi', 'coupons: type one code per certificate, or one for both'))
          .max(2, both('coupon: al massimo due codici', 'coupons: at most two codes')),
      })
      .strict(),
    z.object({ mode: z.literal('pay_after') }).strict(),
    z
      .object({
        mode: z.literal('desk_sale'),
        method: z.enum(['card', 'cash'], { error: both('metodo: "card" (carta) o "cash" (contanti)', 'method: "card" or "cash"') }),
      })
      .strict(),
  ],
  { error: both('pagamento: "coupons", "pay_after" o "desk_sale"', 'payment.mode: "coupons", "pay_after" or "desk_sale"') },
);

export const startBody = z
  .object({
    certificates: z
      .array(certificateKind, { error: both('certificati: elenco richiesto', 'certificates: a list is required') })
      .min(1, both('certificati: sceglierne almeno uno', 'certificates: choose at least one'))
      .max(2, both('certificati: al massimo due', 'certificates: at most two'))
      .refine((list) => new Set(list).size === list.length, both('certificati: ciascuno una volta sola', 'certificates: each at most once')),
    partialReason: text(500, 'motivo', 'partialReason').optional(),
    payment,
  })
  .strict();

// The PIN's length is the token's business (CKR_PIN_LEN_RANGE → pin_invalid); this only keeps
// nonsense away from the card. Never echoed: no rule below repeats the value.
export const runBody = z
  .object({
    tokenSerial: text(64, 'carta', 'tokenSerial'),
    pin: z
      .string({ error: both('PIN: campo obbligatorio', 'pin is required') })
      .min(4, both('PIN: deve avere da 4 a 64 caratteri', 'pin: must be 4 to 64 characters'))
      .max(64, both('PIN: deve avere da 4 a 64 caratteri', 'pin: must be 4 to 64 characters'))
      .regex(/^[\x20-\x7e]+$/, both('PIN: solo cifre, lettere e simboli della tastiera', 'pin: printable ASCII characters only')),
  })
  .strict();

export const abandonBody = z.object({ reason: text(500, 'motivo', 'reason') }).strict();

/** The first issue of a failed parse as one line naming the field. */
export function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const field = issue.path.join('.');
  // The messages above start with the field's Italian name; zod's own (unknown key, missing
  // object) do not, so they get the path in front.
  return issue.code === 'unrecognized_keys'
    ? both(`campo non previsto: ${issue.keys.join(', ')}`, `unexpected field: ${issue.keys.join(', ')}`)
    : issue.message.includes(':') || field === ''
      ? issue.message
      : `${field}: ${issue.message}`;
}
