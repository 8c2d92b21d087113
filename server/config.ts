// All configuration comes from environment variables, parsed here by one schema. A wrong value
// stops the start with one line that names the variable and the rule it broke.
import { resolve } from 'node:path';
import { z } from 'zod';

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
  })
  .superRefine((env, ctx) => {
    if (env.EVENT_STORE === 'eventstoredb' && !env.EVENTSTORE_URL) {
      ctx.addIssue({ code: 'custom', path: ['EVENTSTORE_URL'], message: 'is required when EVENT_STORE=eventstoredb' });
    }
  })
  .transform((env) => ({
    eventStore: env.EVENT_STORE,
    eventStoreUrl: env.EVENTSTORE_URL,
    dataDir: resolve(env.DATA_DIR),
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
  }));

export type Config = z.output<typeof configSchema>;

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
  throw new ConfigError(`${variable} ${issue.message}${got === undefined ? '' : ` (got "${got}")`}`);
}
