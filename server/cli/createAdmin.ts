// One-off: creates an admin staff user in the configured event store (DATA_DIR / EVENT_STORE as
// for the server). The password is read from ADMIN_PASSWORD or from standard input, never from
// the command line (it would stay in the shell history and in `ps`).
//
//   npx tsx server/cli/createAdmin.ts --username alice [--display-name "Alice Rossi"]
//   printf '%s\n' "$PASSWORD" | npx tsx server/cli/createAdmin.ts --username alice
import { parseArgs } from 'node:util';
import { openEventStore } from '../../events/open';
import { ConfigError, loadConfig } from '../config';
import { createAdmin } from '../security/bootstrap';

const USAGE =
  'usage: npx tsx server/cli/createAdmin.ts --username <name> [--display-name <name>]  ' +
  '(password from ADMIN_PASSWORD or standard input)';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** The first line of standard input; on a terminal, typed without echo and asked twice. */
async function readPassword(): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = '';
    stdin.setEncoding('utf8');
    for await (const chunk of stdin) {
      text += chunk as string;
      if (text.includes('\n')) break;
    }
    return text.split(/\r?\n/)[0] ?? '';
  }
  const ask = (prompt: string) =>
    new Promise<string>((resolve) => {
      process.stdout.write(prompt);
      stdin.setRawMode(true);
      stdin.resume();
      stdin.setEncoding('utf8');
      let typed = '';
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n') {
            stdin.setRawMode(false);
            stdin.pause();
            stdin.off('data', onData);
            process.stdout.write('\n');
            resolve(typed);
            return;
          }
          if (ch === '\u0003') fail('\ncancelled');
          if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
          else typed += ch;
        }
      };
      stdin.on('data', onData);
    });
  const first = await ask('Password for the new admin (at least 12 characters): ');
  const again = await ask('Same password again: ');
  if (first !== again) fail('the two passwords differ; nothing was created');
  return first;
}

async function main() {
  let args;
  try {
    args = parseArgs({
      options: { username: { type: 'string' }, 'display-name': { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
    }).values;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    fail(/password/i.test(message) ? `never give the password as an argument; ${USAGE}` : `${message}\n${USAGE}`);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const env = { ...process.env };
  const fromEnv = env.ADMIN_PASSWORD || undefined;
  // The server's configuration, without the start-time admin pair (this command has its own).
  delete env.ADMIN_PASSWORD;
  delete env.ADMIN_USERNAME;
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) fail(`Configuration error: ${error.message}`);
    throw error;
  }
  const username = args.username || process.env.ADMIN_USERNAME;
  if (!username) fail(USAGE);
  const password = fromEnv ?? (await readPassword());

  const store = await openEventStore(config);
  let problem: string | undefined;
  try {
    const { user } = await createAdmin(store, { username, password, displayName: args['display-name'] });
    process.stdout.write(`Created admin ${user.username} (id ${user.userId}).\n`);
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  } finally {
    await store.close();
  }
  if (problem) fail(`Cannot create the admin: ${problem}`);
}

main().catch((error) => fail(`createAdmin failed: ${error instanceof Error ? error.message : String(error)}`));
