// What the backup and restore commands need of the server's configuration: the store's kind and
// DATA_DIR, read by the same rules as at start, so that they act on the files the server uses.
import { ConfigError, loadConfig } from '../config';

export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/**
 * Where the operator typed the command: `npm run` moves to the project's folder, and a path given
 * on the command line means a path from where it was typed.
 */
export function invocationDir(): string {
  return process.env.INIT_CWD || process.cwd();
}

export function embeddedStoreDataDir(command: 'backup' | 'restore'): string {
  const env = { ...process.env };
  // The first-admin pair only matters at a server start; a weak or half-set pair in the operator's
  // shell must not stop a backup.
  delete env.ADMIN_USERNAME;
  delete env.ADMIN_PASSWORD;
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) fail(`${command} failed: configuration error: ${error.message}`);
    throw error;
  }
  if (config.eventStore !== 'sqlite') {
    fail(
      `${command} failed: EVENT_STORE is ${config.eventStore}; npm run ${command} handles the embedded store only. ` +
        'Back up EventStoreDB with its own procedure (README, "Operations").',
    );
  }
  return config.dataDir;
}
