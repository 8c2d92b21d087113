// This server run (domain/shared/serverRun.ts): the server's id, made once into its data
// directory so that the server knows its own unfinished work again after a restart (Idempotency-Key
// claims, e-mail sends), and an id new at every start.
import { randomUUID } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerRun } from '../domain/shared/serverRun';

const SERVER_ID_FILE = 'server.id';

/** A run of the server whose id is in `dataDir` (readable by the server's user only); without one (tests, in-memory) a server of this process alone. */
export function startServerRun(dataDir: string | null | undefined): ServerRun {
  return { server: dataDir ? serverId(dataDir) : randomUUID(), run: randomUUID() };
}

function serverId(dataDir: string): string {
  const file = join(dataDir, SERVER_ID_FILE);
  try {
    writeFileSync(file, randomUUID(), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const id = readFileSync(file, 'utf8').trim();
  if (id.length < 16) throw new Error(`${file}: not an id this server made (delete it to make a new one)`);
  return id;
}
