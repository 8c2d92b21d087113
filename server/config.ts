// All configuration comes from environment variables, parsed here by one schema. A wrong value
// stops the start with one line that names the variable and the rule it broke.
import { isIP } from 'node:net';
import { z } from 'zod';
import { checkStoreVariables, ConfigError, parseEnvironment, storeChoiceOf, storeVariables } from '../events/storeConfig';
import type { Address } from '../domain/invoicing/events';
import { USERNAME_PATTERN, USERNAME_RULE } from '../domain/staff/decider';
import { checkCodiceFiscale } from '../domain/shared/codiceFiscale';
import { checkPartitaIva } from '../domain/shared/partitaIva';
import { BIC_PATTERN, checkIban } from '../domain/shared/iban';
import { EPC_MAX_NAME_LENGTH } from '../domain/payments/epcQr';
import { parseReminderOffsets } from '../domain/reminders/schedule';
import { defaultSalesSettings, type SalesSettings } from './features/deps';
import { passwordProblem } from './security/password';
import type { TrustProxy } from './security/settings';

const positiveInt = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1');

const ORIGIN = /^https?:\/\/[^/\s?#]+$/;

const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`);

const EMAIL = /^[^\s<>@]+@[^\s<>@]+$/;

/**
 * SELLER_ADDRESS: `street, postal code, city, province[, country]`, comma-separated, e.g.
 * "Via Roma 1, 00100, Roma, RM, IT". Read from the right, so the street may itself contain commas
 * ("Via Roma, 1, 00100, Roma, RM"). Postal code 5 digits, province 2 letters, country an ISO
 * 3166-1 alpha-2 code (default IT); a foreign address has province EE (printed without one).
 */
export const SELLER_ADDRESS_FORMAT = 'must be "street, postal code, city, province[, country]", e.g. "Via Roma 1, 00100, Roma, RM, IT"';

export function parseSellerAddress(text: string): Address | string {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) return SELLER_ADDRESS_FORMAT;
  const twoLetters = /^[A-Za-z]{2}$/;
  let country = 'IT';
  if (parts.length >= 5 && twoLetters.test(parts[parts.length - 1]!) && twoLetters.test(parts[parts.length - 2]!)) {
    country = parts.pop()!.toUpperCase();
  }
  if (parts.length < 4) return SELLER_ADDRESS_FORMAT;
  const province = parts.pop()!.toUpperCase();
  const city = parts.pop()!;
  const postalCode = parts.pop()!;
  const street = parts.join(', ');
  if (!/^\d{5}$/.test(postalCode)) return `postal code must be 5 digits (got "${postalCode}"); ${SELLER_ADDRESS_FORMAT}`;
  if (!twoLetters.test(province)) return `province must be 2 letters, e.g. RM (got "${province}"); ${SELLER_ADDRESS_FORMAT}`;
  return { street, postalCode, city, province: province === 'EE' ? null : province, country };
}

/**
 * TRUST_PROXY: which X-Forwarded-For / -Host / -Proto to believe. `false` (default): none, the
 * peer is the client. A number: that many proxies in front (the client is that many hops back).
 * Otherwise the proxies' addresses or CIDR ranges (or proxy-addr's names loopback, linklocal,
 * uniquelocal), comma-separated. Never "true": any client could then pick its own address and
 * escape the rate limits.
 */
export const TRUST_PROXY_RULE =
  'must be false, a number of proxies in front of the server (e.g. 1), or comma-separated proxy addresses or CIDR ranges (e.g. 127.0.0.1,10.0.0.0/8); never true, which would let any client choose its own address';

export function parseTrustProxy(text: string): TrustProxy | undefined {
  const value = text.trim();
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops >= 1 && hops <= 20 ? hops : hops === 0 ? false : undefined;
  }
  const entries = value.split(',').map((e) => e.trim());
  const named = new Set(['loopback', 'linklocal', 'uniquelocal']);
  const valid = (entry: string) => {
    if (named.has(entry)) return true;
    const [address, prefix, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    if (family === 0 || rest.length > 0) return false;
    if (prefix === undefined) return true;
    return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
  };
  return entries.length > 0 && entries.every(valid) ? entries : undefined;
}

/**
 * The address the server listens on as a URL, without the trailing slash: all interfaces
 * (0.0.0.0, ::) are reached locally as localhost, an IPv6 address goes in brackets. It is PUBLIC_URL's
 * default, so that the links in e-mails lead to this server when nothing else is configured (PORT 0,
 * "any free port", is resolved by server/main.ts before the configuration is read again).
 */
export function listenUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : isIP(host) === 6 ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

export const configSchema = z
  .object({
    ...storeVariables,
    HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
    PORT: port.default(3000),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
    CORS_ORIGINS: z
      .string()
      .transform((list) => list.split(',').map((o) => o.trim()).filter((o) => o.length > 0))
      .refine((list) => list.every((o) => ORIGIN.test(o)), 'must be a comma-separated list of origins such as http://localhost:5173')
      .default([]),
    ADMIN_USERNAME: z.string().trim().regex(USERNAME_PATTERN, `must be ${USERNAME_RULE}`).optional(),
    ADMIN_PASSWORD: z
      .string()
      .superRefine((password, ctx) => {
        const problem = passwordProblem(password);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    TRUST_PROXY: z
      .string()
      .transform((v, ctx) => {
        const parsed = parseTrustProxy(v);
        if (parsed !== undefined) return parsed;
        ctx.addIssue({ code: 'custom', message: TRUST_PROXY_RULE });
        return z.NEVER;
      })
      .default(false),
    COOKIE_SECURE: z.enum(['true', 'false'], { error: 'must be "true" or "false"' }).default('false'),
    SESSION_IDLE_MINUTES: positiveInt.default(60),
    SESSION_MAX_HOURS: positiveInt.default(12),
    // How long a server trusts its last check of a session (several servers: docs/reliability.md).
    SESSION_RECHECK_SECONDS: wholeNumber(0, 60).optional(),
    // How long a stop (SIGTERM/SIGINT) may take before the process exits anyway (server/main.ts).
    SHUTDOWN_GRACE_SECONDS: wholeNumber(1, 600).default(15),
    LOGIN_LOCK_AFTER: positiveInt.default(10),
    LOGIN_LOCK_MINUTES: positiveInt.default(15),
    // --- sales ---
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/[^\s/?#]+(\/[^\s]*)?$/, 'must be an SMTP URL such as smtp://127.0.0.1:1025 or smtps://user:password@mail.example.it')
      .optional(),
    MAIL_FROM: z
      .string()
      .trim()
      .refine((v) => EMAIL.test(v) || /^[^<>]*<[^\s<>@]+@[^\s<>@]+>$/.test(v), 'must be an address, or a name and an address, e.g. "Firma Facile <noreply@firmafacile.it>"')
      .optional(),
    SELLER_NAME: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters').default(defaultSalesSettings.seller.name),
    SELLER_VAT_NUMBER: z
      .string()
      .transform((v, ctx) => {
        const r = checkPartitaIva(v);
        if (r.ok) return r.value;
        ctx.addIssue({ code: 'custom', message: `must be a valid ${r.message}` });
        return z.NEVER;
      })
      .default(defaultSalesSettings.seller.partitaIva),
    // A company's codice fiscale is 11 digits (often its partita IVA); a sole trader's, 16 characters.
    SELLER_TAX_CODE: z
      .string()
      .transform((v, ctx) => {
        const r = checkCodiceFiscale(v, { allowNumeric: true });
        if (r.ok) return r.value;
        ctx.addIssue({ code: 'custom', message: `must be a valid ${r.message}` });
        return z.NEVER;
      })
      .optional(),
    SELLER_ADDRESS: z
      .string()
      .transform((v, ctx) => {
        const a = parseSellerAddress(v);
        if (typeof a !== 'string') return a;
        ctx.addIssue({ code: 'custom', message: a });
        return z.NEVER;
      })
      .default(defaultSalesSettings.seller.address),
    // The FatturaPA RegimeFiscale: RF01 ordinary … RF19 flat-rate (RF03 was withdrawn), RF20 (2024 schemas) is not in v1.2.2.
    SELLER_REGIME_FISCALE: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^RF(0[124-9]|1[0-9])$/, 'must be a FatturaPA RegimeFiscale code from RF01 to RF19 (not RF03), e.g. RF01 for the ordinary regime')
      .default(defaultSalesSettings.seller.regimeFiscale),
    SELLER_EMAIL: z.string().trim().regex(EMAIL, 'must be an e-mail address').default(defaultSalesSettings.seller.email),
    // Where direct (RF) orders are paid: printed on the payment notice and in its EPC QR code.
    SELLER_IBAN: z
      .string()
      .transform((v, ctx) => {
        const r = checkIban(v);
        if (r.ok) return r.value;
        ctx.addIssue({ code: 'custom', message: `must be a valid ${r.message}` });
        return z.NEVER;
      })
      .default(defaultSalesSettings.seller.iban),
    SELLER_BIC: z
      .string()
      .trim()
      .toUpperCase()
      .regex(BIC_PATTERN, 'must be a BIC of 8 or 11 letters and digits (ISO 9362), e.g. BPMOIT22XXX')
      .optional(),
    // The account holder's name as the bank knows it (the EPC QR allows 70 characters); default SELLER_NAME.
    SELLER_BENEFICIARY: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(EPC_MAX_NAME_LENGTH, `must be at most ${EPC_MAX_NAME_LENGTH} characters (the limit of the EPC QR code)`)
      .optional(),
    PREPAID_FEE_BP: wholeNumber(0, 10_000).default(defaultSalesSettings.prepaidFeeRateBp),
    PREPAID_MIN_TOPUP_CENTS: wholeNumber(1, 100_000_000).default(defaultSalesSettings.minimumTopUpCents),
    ORDER_EXPIRY_DAYS: wholeNumber(1, 3650).default(defaultSalesSettings.unpaidOrderExpiryDays),
    COUPON_VALIDITY_DAYS: wholeNumber(1, 3650).default(defaultSalesSettings.couponValidityDays),
    REMINDER_OFFSETS_DAYS: z
      .string()
      .transform((v, ctx) => {
        try {
          return parseReminderOffsets(v);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `must be whole days before the deadline, comma-separated (e.g. 60,30,7,1): ${(error as Error).message}` });
          return z.NEVER;
        }
      })
      .default([...defaultSalesSettings.reminderOffsetsDays]),
    PUBLIC_URL: z
      .string()
      .trim()
      .regex(/^https?:\/\/[^/\s?#]+(\/[^\s?#]*)?$/, 'must be the URL the console is reached at, e.g. https://backoffice.example.it')
      .transform((v) => v.replace(/\/+$/, ''))
      .optional(),
    DEMO: z.enum(['true', 'false'], { error: 'must be "true" or "false"' }).default('false'),
    // Most rows a list counts for its total; above it the console says "more than 10,000".
    LIST_COUNT_CAP: wholeNumber(100, 10_000_000).default(10_000),
    // The secret shared with the CA that signs its reports of renewals done elsewhere (POST /api/ca-reports).
    CA_WEBHOOK_SECRET: z.string().trim().min(32, 'must be at least 32 characters (a random secret shared with the CA)').max(512, 'at most 512 characters').optional(),
    // The bearer token of GET /metrics (Prometheus: `authorization: { credentials: … }`); unset: /metrics is closed.
    METRICS_TOKEN: z
      .string()
      .trim()
      .min(32, 'must be at least 32 characters (a random token, e.g. `openssl rand -hex 32`)')
      .max(512, 'at most 512 characters')
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (it is sent in an Authorization header)')
      .optional(),
  })
  .superRefine((env, ctx) => {
    checkStoreVariables(env, ctx);
    if (env.SELLER_BENEFICIARY === undefined && env.SELLER_NAME.length > EPC_MAX_NAME_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        path: ['SELLER_BENEFICIARY'],
        message: `is required when SELLER_NAME is longer than ${EPC_MAX_NAME_LENGTH} characters (the beneficiary of the EPC QR code allows ${EPC_MAX_NAME_LENGTH})`,
      });
    }
    if (env.ADMIN_USERNAME && !env.ADMIN_PASSWORD) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_PASSWORD'], message: 'is required when ADMIN_USERNAME is set' });
    }
    if (env.ADMIN_PASSWORD && !env.ADMIN_USERNAME) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_USERNAME'], message: 'is required when ADMIN_PASSWORD is set' });
    }
    if (env.ADMIN_USERNAME && env.ADMIN_PASSWORD) {
      const problem = passwordProblem(env.ADMIN_PASSWORD, env.ADMIN_USERNAME);
      if (problem) ctx.addIssue({ code: 'custom', path: ['ADMIN_PASSWORD'], message: problem });
    }
  })
  .transform((env) => ({ ...env, publicUrl: env.PUBLIC_URL ?? listenUrl(env.HOST, env.PORT) }))
  .transform(({ publicUrl, ...env }) => ({
    ...storeChoiceOf(env),
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    corsOrigins: env.CORS_ORIGINS,
    trustProxy: env.TRUST_PROXY,
    /** The first admin, created at start when no admin exists yet. */
    admin: env.ADMIN_USERNAME && env.ADMIN_PASSWORD ? { username: env.ADMIN_USERNAME, password: env.ADMIN_PASSWORD } : undefined,
    cookieSecure: env.COOKIE_SECURE === 'true',
    sessionIdleMs: env.SESSION_IDLE_MINUTES * 60_000,
    sessionMaxMs: env.SESSION_MAX_HOURS * 3_600_000,
    /** null: by the store (0 on the embedded store, 2 s on EventStoreDB). */
    sessionRecheckMs: env.SESSION_RECHECK_SECONDS === undefined ? null : env.SESSION_RECHECK_SECONDS * 1000,
    loginLockAfter: env.LOGIN_LOCK_AFTER,
    /** A stop that has not finished within this exits with 1 (a store that is gone must not hold the process). */
    shutdownGraceMs: env.SHUTDOWN_GRACE_SECONDS * 1000,
    loginLockMs: env.LOGIN_LOCK_MINUTES * 60_000,
    metricsToken: env.METRICS_TOKEN ?? null,
    /** Where coupon e-mails go out; unset: see server/plugins/app/sales.ts (demo files, else not sent). */
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM ?? `${env.SELLER_NAME.replace(/[<>"]/g, '')} <${env.SELLER_EMAIL}>`,
    /** Demo start: the guide's products and one user per role (server/demo.ts). */
    demo: env.DEMO === 'true',
    /** Most rows a list counts for its total (server/read/listQuery.ts). */
    listCountCap: env.LIST_COUNT_CAP,
    /** Where browsers and e-mail links reach the console: PUBLIC_URL, else the address listened on. */
    publicUrl,
    sales: {
      prepaidFeeRateBp: env.PREPAID_FEE_BP,
      minimumTopUpCents: env.PREPAID_MIN_TOPUP_CENTS,
      unpaidOrderExpiryDays: env.ORDER_EXPIRY_DAYS,
      couponValidityDays: env.COUPON_VALIDITY_DAYS,
      reminderOffsetsDays: env.REMINDER_OFFSETS_DAYS,
      seller: {
        name: env.SELLER_NAME,
        // The environment keeps the names deployments set (SELLER_TAX_CODE, SELLER_VAT_NUMBER); the
        // settings name the identifiers as every document does. The codice fiscale is printed only
        // when it differs from the partita IVA.
        codiceFiscale: env.SELLER_TAX_CODE === undefined || env.SELLER_TAX_CODE === env.SELLER_VAT_NUMBER ? null : env.SELLER_TAX_CODE,
        partitaIva: env.SELLER_VAT_NUMBER,
        address: env.SELLER_ADDRESS,
        email: env.SELLER_EMAIL,
        regimeFiscale: env.SELLER_REGIME_FISCALE,
        iban: env.SELLER_IBAN,
        bic: env.SELLER_BIC ?? null,
        beneficiary: env.SELLER_BENEFICIARY ?? env.SELLER_NAME,
      },
      renewalUrl: `${publicUrl}/rinnovo`,
      couponStatusUrl: `${publicUrl}/verifica-coupon`,
      caWebhookSecret: env.CA_WEBHOOK_SECRET ?? null,
    } satisfies Partial<SalesSettings>,
  }));

export type Config = z.output<typeof configSchema>;

/** Variables whose value is never repeated in an error message. */
const SECRET_VARIABLES = new Set(['ADMIN_PASSWORD', 'SMTP_URL', 'CA_WEBHOOK_SECRET', 'METRICS_TOKEN']);

export { ConfigError };

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => parseEnvironment(configSchema, env, SECRET_VARIABLES);
