// Which event store to open, from the environment: EVENT_STORE, EVENTSTORE_URL and DATA_DIR, read
// the same way by the server (server/config.ts adds its own variables to these) and by the tools
// that open the store without a server (projections/cli.ts).
import { resolve } from 'node:path';
import { z } from 'zod';
import type { StoreChoice } from './open';

export const storeVariables = {
  EVENT_STORE: z.enum(['sqlite', 'eventstoredb'], { error: 'must be "sqlite" or "eventstoredb"' }).default('sqlite'),
  EVENTSTORE_URL: z
    .string()
    .regex(/^(esdb|kurrentdb|kdb)(\+discover)?:\/\/.+/, 'must be a connection string such as esdb://localhost:2113?tls=false')
    .optional(),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
};

type StoreVariables = z.output<z.ZodObject<typeof storeVariables>>;

/** EVENTSTORE_URL goes with EVENT_STORE=eventstoredb (a superRefine step of the schemas using these). */
export function checkStoreVariables(env: StoreVariables, ctx: z.RefinementCtx): void {
  if (env.EVENT_STORE === 'eventstoredb' && !env.EVENTSTORE_URL) {
    ctx.addIssue({ code: 'custom', path: ['EVENTSTORE_URL'], message: 'is required when EVENT_STORE=eventstoredb' });
  }
}

export const storeChoiceOf = (env: StoreVariables): StoreChoice => ({
  eventStore: env.EVENT_STORE,
  eventStoreUrl: env.EVENTSTORE_URL,
  dataDir: resolve(env.DATA_DIR),
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parses the environment with a schema; the first problem becomes a ConfigError naming the
 * variable and the rule, with the value given unless the variable is a secret.
 */
export function parseEnvironment<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv, secrets: ReadonlySet<string> = new Set()): T {
  // Empty variables count as unset, as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  const got = present[variable];
  const shown = got === undefined || secrets.has(variable) ? '' : ` (got "${got}")`;
  throw new ConfigError(`${variable} ${issue.message}${shown}`);
}

const storeSchema = z.object(storeVariables).superRefine(checkStoreVariables).transform(storeChoiceOf);

/** The store the environment names (for tools that open it without the server). */
export const loadStoreChoice = (env: NodeJS.ProcessEnv = process.env): StoreChoice => parseEnvironment(storeSchema, env);
