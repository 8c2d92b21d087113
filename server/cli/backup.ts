// `npm run backup -- [target]`: an online copy of the embedded event log (DATA_DIR/events.db),
// taken while the server runs, checked, and described. See events/adapters/sqliteBackup.ts.
//
//   npm run backup                          ./backups/events-<UTC time>.db
//   npm run backup -- /mnt/nas/backoffice   that folder (it must exist), same file name
//   npm run backup -- /mnt/nas/before-upgrade.db
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { backupEventLog, backupFileName, BackupError, describeLog } from '../../events/adapters/sqliteBackup';
import { EVENT_LOG_FILE } from '../../events/open';
import { embeddedStoreDataDir, fail, invocationDir } from './storeConfig';

const USAGE =
  'usage: npm run backup -- [target]   target: a new file, or an existing folder to put events-<UTC time>.db in; ' +
  'default ./backups/events-<UTC time>.db';

async function main() {
  let parsed;
  try {
    parsed = parseArgs({ options: { help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (error) {
    fail(`backup failed: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (parsed.positionals.length > 1) fail(`backup failed: one target at most (got ${parsed.positionals.length})\n${USAGE}`);

  const dataDir = embeddedStoreDataDir('backup');
  if (!existsSync(dataDir)) fail(`backup failed: no data directory at ${dataDir} (DATA_DIR)`);
  const source = join(dataDir, EVENT_LOG_FILE);
  if (!existsSync(source)) fail(`backup failed: no event log at ${source} (is DATA_DIR right?)`);

  let target: string;
  const given = parsed.positionals[0];
  if (given === undefined) {
    // Only the default folder is created: a folder given by hand that is missing may be a backup
    // disk that is not mounted, and the copy would land on the machine's own disk unnoticed.
    const folder = resolve('backups');
    mkdirSync(folder, { recursive: true });
    target = join(folder, backupFileName());
  } else {
    target = resolve(invocationDir(), given);
    if (existsSync(target) && statSync(target).isDirectory()) target = join(target, backupFileName());
  }

  const abort = new AbortController();
  const stop = () => abort.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const report = await backupEventLog(source, target, { signal: abort.signal });
    const lines = [
      `Backed up ${source} to ${report.file} in ${report.seconds.toFixed(1)} s`,
      ...describeLog(report.figures),
      '  not in it:  the read models (read.db, rebuilt from the log at start) and login throttling',
      '              (server.db, started afresh); copy the backup off this machine.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    if (error instanceof BackupError) fail(`backup failed: ${error.message}`);
    throw error;
  }
}

main().catch((error) => fail(`backup failed: ${error instanceof Error ? error.message : String(error)}`));
