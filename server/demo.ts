// The demo start (DEMO=true; `npm start` sets it unless DEMO is given): the guide's coupon
// products in the catalogue, the guides' renewal rules as the `default` issuer policy (once: a
// restart, or a policy a supervisor changed since, is left as it is), and one staff user per role
// to log in with:
//
//   operatore (operator)  contabile (accountant)  supervisore (supervisor)  admin (admin)
//
// No password is written in the code: each is drawn at random when the demo creates the user (the
// first start on a data directory), kept in DATA_DIR/demo-credentials.txt (mode 0600), and printed
// at every start. A user that exists already is left as it is: a user of that name that the demo did
// not create (its password is not in the file) is never touched, and its password is not known.
// Everything here is idempotent; the demo's users are ordinary users (an admin can disable them).
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ensurePrivateDir } from '../events/adapters/privateFiles';
import type { Role } from '../events/eventCatalogue';
import type { App } from './app';
import { DomainError } from '../domain/shared/errors';
import { seedGuideProducts } from './features/catalogue/service';
import { seedGuidePolicy } from './features/certificates/service';
import { systemContext } from './security/bootstrap';
import { createStaffUser, findStaffUserByUsername } from './features/staff/accounts';

export const DEMO_USERS: ReadonlyArray<{ username: string; role: Role; displayName: string }> = [
  { username: 'operatore', role: 'operator', displayName: 'Operatore (demo)' },
  { username: 'contabile', role: 'accountant', displayName: 'Contabile (demo)' },
  { username: 'supervisore', role: 'supervisor', displayName: 'Supervisore (demo)' },
  { username: 'admin', role: 'admin', displayName: 'Amministratore (demo)' },
];

export const DEMO_CREDENTIALS_FILE = 'demo-credentials.txt';

/** 20 random characters (120 bits), letters and digits only: easy to copy from a terminal. */
export function randomPassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let out = '';
  while (out.length < 20) {
    for (const byte of randomBytes(32)) {
      if (byte < 224 && out.length < 20) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** `username password` per line; `#` starts a comment. */
export function readDemoCredentials(file: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const [username, password] = line.trim().split(/\s+/);
    if (!username || username.startsWith('#') || !password) continue;
    out.set(username, password);
  }
  return out;
}

function writeDemoCredentials(file: string, credentials: Map<string, string>): void {
  const lines = [
    '# Staff users created by the demo start (DEMO=true) for this data directory. For the demo only:',
    '# anyone who can read this file can log in. Delete the data directory to start afresh.',
    ...DEMO_USERS.filter((u) => credentials.has(u.username)).map((u) => `${u.username} ${credentials.get(u.username)} ${u.role}`),
    '',
  ];
  writeFileSync(file, lines.join('\n'), { mode: 0o600 });
  chmodSync(file, 0o600);
}

export interface DemoOutcome {
  productsAdded: string[];
  /** Whether this start set the guides' policy as the default issuer policy. */
  policyAdded: boolean;
  usersCreated: string[];
  /** Username → password, for the users whose password the demo knows. */
  credentials: Map<string, string>;
}

export async function startDemo(
  app: App,
  options: { dataDir: string; say: (line: string) => void },
): Promise<DemoOutcome> {
  await app.ready();
  const { say } = options;
  const context = systemContext(app.security.now());
  const seeded = await seedGuideProducts(app.sales, context);
  const policy = await seedGuidePolicy(app.sales, context);

  ensurePrivateDir(options.dataDir);
  const file = join(options.dataDir, DEMO_CREDENTIALS_FILE);
  const credentials = readDemoCredentials(file);
  const created: string[] = [];
  for (const user of DEMO_USERS) {
    if (await findStaffUserByUsername(app.eventStore, user.username)) continue;
    const password = randomPassword();
    try {
      await createStaffUser(
        app.eventStore,
        { username: user.username, displayName: user.displayName, roles: [user.role], password },
        context,
        { passwordHashLogN: app.security.passwordHashLogN },
      );
    } catch (error) {
      // Another process created it at the same moment: its password is that process's.
      if (error instanceof DomainError && error.code === 'username_taken') continue;
      throw error;
    }
    credentials.set(user.username, password);
    created.push(user.username);
  }
  if (created.length > 0 || !existsSync(file)) writeDemoCredentials(file, credentials);

  say(`DEMO: the guide's products are in the catalogue${seeded.added.length > 0 ? ` (added ${seeded.added.join(', ')})` : ''}.`);
  if (policy.added) say("DEMO: the guides' renewal rules are the default issuer policy (90 days before, 24 h after, 3 years, pay-after €10.00 + VAT).");
  say(`DEMO: staff users for the demo only (passwords kept in ${file}):`);
  const width = Math.max(...DEMO_USERS.map((u) => u.username.length));
  for (const user of DEMO_USERS) {
    const password = credentials.get(user.username);
    say(
      `  ${user.username.padEnd(width)}  ${user.role.padEnd(10)}  ${password ?? '(exists, not created by the demo: password unknown)'}`,
    );
  }
  return { productsAdded: seeded.added, policyAdded: policy.added, usersCreated: created, credentials };
}
