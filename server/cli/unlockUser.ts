// One-off, on the server machine: lifts every login lock and wait of a username (from every
// address), for when failed logins keep an account out and no other admin can reset its password
// (the last admin is never locked, but may be slowed down for as long as someone keeps guessing).
// It needs no login: whoever can run it can read DATA_DIR already. It works while the server runs
// (the throttle lives in DATA_DIR/server.db, which the server reads on every attempt).
//
//   npx tsx server/cli/unlockUser.ts --username alice
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { usernameKey } from '../../domain/staff/decider';
import { LoginThrottle } from '../security/loginThrottle';
import { securitySettings } from '../security/settings';

const USAGE = 'usage: npx tsx server/cli/unlockUser.ts --username <name>';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function main() {
  let args;
  try {
    args = parseArgs({ options: { username: { type: 'string' }, help: { type: 'boolean' } }, strict: true }).values;
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const username = args.username?.trim();
  if (!username) fail(`--username: is required\n${USAGE}`);
  let config;
  try {
    config = loadConfig({ ...process.env, ADMIN_USERNAME: undefined, ADMIN_PASSWORD: undefined });
  } catch (error) {
    if (error instanceof ConfigError) fail(`Configuration error: ${error.message}`);
    throw error;
  }
  const file = join(config.dataDir, 'server.db');
  if (!existsSync(file)) {
    process.stdout.write(`Nothing to unlock: ${file} does not exist (no login has failed here).\n`);
    return;
  }
  const store = new LoginThrottle(file, securitySettings());
  try {
    const { cleared } = store.unlock(usernameKey(username));
    process.stdout.write(
      cleared > 0 ? `Unlocked ${username}: its failed logins are forgotten.\n` : `${username} was neither locked nor slowed down.\n`,
    );
  } finally {
    store.close();
  }
}

main();
