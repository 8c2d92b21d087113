// All configuration comes from environment variables, parsed here by one schema. A wrong value
// stops the start with one line that names the variable and the rule it broke.
import { resolve } from 'node:path';
import { z } from 'zod';
import { USERNAME_PATTERN, USERNAME_RULE } from './domain/staff/decider';
import { passwordProblem } from './security/password';

const positiveInt = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1');

const ORIGIN = /^https?:\/\/[^/\s?#]+$/;

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

export const configSchema = z
  .object({
    EVENT_STORE: z.enum(['sqlite', 'eventstoredb'], { error: 'must be "sqlite" or "eventstoredb"' }).default('sqlite'),
    EVENTSTORE_URL: z
      .string()
      .regex(/^(esdb|kurrentdb|kdb)(\+discover)?:\/\/.+/, 'must be a connection string such as esdb://localhost:2113?tls=false')
      .optional(),
    DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
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
    COOKIE_SECURE: z.enum(['true', 'false'], { error: 'must be "true" or "false"' }).default('false'),
    SESSION_IDLE_MINUTES: positiveInt.default(60),
    SESSION_MAX_HOURS: positiveInt.default(12),
    LOGIN_LOCK_AFTER: positiveInt.default(10),
    LOGIN_LOCK_MINUTES: positiveInt.default(15),
  })
  .superRefine((env, ctx) => {
    if (env.EVENT_STORE === 'eventstoredb' && !env.EVENTSTORE_URL) {
      ctx.addIssue({ code: 'custom', path: ['EVENTSTORE_URL'], message: 'is required when EVENT_STORE=eventstoredb' });
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
  .transform((env) => ({
    eventStore: env.EVENT_STORE,
    eventStoreUrl: env.EVENTSTORE_URL,
    dataDir: resolve(env.DATA_DIR),
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    corsOrigins: env.CORS_ORIGINS,
    /** The first admin, created at start when no admin exists yet. */
    admin: env.ADMIN_USERNAME && env.ADMIN_PASSWORD ? { username: env.ADMIN_USERNAME, password: env.ADMIN_PASSWORD } : undefined,
    cookieSecure: env.COOKIE_SECURE === 'true',
    sessionIdleMs: env.SESSION_IDLE_MINUTES * 60_000,
    sessionMaxMs: env.SESSION_MAX_HOURS * 3_600_000,
    loginLockAfter: env.LOGIN_LOCK_AFTER,
    loginLockMs: env.LOGIN_LOCK_MINUTES * 60_000,
  }));

export type Config = z.output<typeof configSchema>;

/** Variables whose value is never repeated in an error message. */
const SECRET_VARIABLES = new Set(['ADMIN_PASSWORD']);

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty variables count as unset, as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  const got = present[variable];
  const shown = got === undefined || SECRET_VARIABLES.has(variable) ? '' : ` (got "${got}")`;
  throw new ConfigError(`${variable} ${issue.message}${shown}`);
}
