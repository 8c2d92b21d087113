// `npm run restore -- <backup file>`: makes a backup taken by `npm run backup` the event log of
// DATA_DIR, which must be empty or absent (a live log is never replaced). The server started on
// it afterwards rebuilds the read models from the log.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError, describeLog, restoreEventLog } from '../../events/adapters/sqliteBackup';
import { EVENT_LOG_FILE } from '../../events/open';
import { embeddedStoreDataDir, fail, invocationDir } from './storeConfig';

const USAGE = 'usage: DATA_DIR=<empty or new folder> npm run restore -- <backup file>';

function main() {
  let parsed;
  try {
    parsed = parseArgs({ options: { help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (error) {
    fail(`restore failed: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (parsed.positionals.length !== 1) fail(`restore failed: give exactly one backup file (got ${parsed.positionals.length})\n${USAGE}`);
  const backupFile = resolve(invocationDir(), parsed.positionals[0]!);
  const dataDir = embeddedStoreDataDir('restore');
  try {
    const figures = restoreEventLog(backupFile, dataDir);
    const lines = [
      `Restored ${backupFile} as ${join(dataDir, EVENT_LOG_FILE)}`,
      ...describeLog(figures),
      `Start the server with DATA_DIR=${dataDir}: it rebuilds the read models from the log; everyone logs in again.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    if (error instanceof BackupError) fail(`restore failed: ${error.message}`);
    throw error;
  }
}

try {
  main();
} catch (error) {
  fail(`restore failed: ${error instanceof Error ? error.message : String(error)}`);
}
