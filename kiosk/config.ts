// The kiosk's configuration: environment variables and the command line, parsed by one schema. A
// wrong value stops the start with one line naming the variable and the rule it broke (the same
// style as the back office's server/config.ts, which the kiosk may not import).
import { resolve } from 'node:path';
import { z } from 'zod';

export class KioskConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KioskConfigError';
  }
}

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

/** The certificate authorities the kiosk can use; the production CA comes with its own implementation. */
export const kioskCas = ['development'] as const;

const schema = z
  .object({
    KIOSK_PORT: port.default(3100),
    KIOSK_BACK_OFFICE_URL: z
      .string()
      .trim()
      .regex(/^https?:\/\/[^/\s?#]+\/?$/, 'must be the back office\'s origin, e.g. http://127.0.0.1:3000 (no path)')
      .transform((v) => v.replace(/\/+$/, ''))
      .default('http://127.0.0.1:3000'),
    PKCS11_MODULE: z.string().trim().min(1, 'must not be empty').optional(),
    // Next to the back office's own default data directory (DATA_DIR, ./data).
    KIOSK_DATA_DIR: z.string().trim().min(1, 'must not be empty').default('./data/kiosk'),
    KIOSK_CA: z.enum(kioskCas, { error: `must be one of: ${kioskCas.join(', ')} (the production CA is not built yet)` }).default('development'),
    KIOSK_OFFICE_NAME: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters').optional(),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' })
      .default('info'),
    demoToken: z.boolean(),
  })
  .superRefine((env, ctx) => {
    if (!env.demoToken && env.PKCS11_MODULE === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['PKCS11_MODULE'],
        message:
          'is required: the PKCS#11 library of the card reader (e.g. /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so), or start with --demo-token to try the kiosk on a SoftHSM2 demo card',
      });
    }
  })
  .transform((env) => ({
    port: env.KIOSK_PORT,
    backOfficeUrl: env.KIOSK_BACK_OFFICE_URL,
    pkcs11Module: env.PKCS11_MODULE ?? null,
    dataDir: resolve(env.KIOSK_DATA_DIR),
    ca: env.KIOSK_CA,
    officeName: env.KIOSK_OFFICE_NAME ?? null,
    logLevel: env.LOG_LEVEL,
    demoToken: env.demoToken,
  }));

export type KioskConfig = z.output<typeof schema>;

const FLAGS = new Set(['--demo-token']);

/** Reads the environment and the arguments after `npm run kiosk --`; throws KioskConfigError. */
export function loadKioskConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): KioskConfig {
  const unknown = argv.find((a) => !FLAGS.has(a));
  if (unknown !== undefined) throw new KioskConfigError(`unknown argument "${unknown}": the kiosk takes only --demo-token`);
  // Empty variables count as unset, as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse({ ...present, demoToken: argv.includes('--demo-token') });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  const got = present[variable];
  throw new KioskConfigError(`${variable} ${issue.message}${got === undefined ? '' : ` (got "${got}")`}`);
}
