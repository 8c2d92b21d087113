// At start, the data directory and everything under it is made private to the server's user:
// files 0600, directories 0700. Files a start of an older version (or a copy, a restore from a
// backup) left world-readable are fixed here; new ones are created private
// (events/adapters/privateFiles.ts). Symbolic links are not followed: what they point to is
// not the data directory's to change.
import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../events/adapters/privateFiles';

/**
 * Creates the directory when missing and tightens the modes under it. Returns what could not be
 * changed (e.g. a file owned by another user), one line each, for the start to print.
 */
export function secureDataDir(dataDir: string): string[] {
  ensurePrivateDir(dataDir);
  const problems: string[] = [];
  const tighten = (path: string) => {
    let stat;
    try {
      stat = lstatSync(path);
    } catch (error) {
      problems.push(`${path}: ${(error as Error).message}`);
      return;
    }
    const wanted = stat.isDirectory() ? PRIVATE_DIR_MODE : stat.isFile() ? PRIVATE_FILE_MODE : null;
    if (wanted === null) return; // a link, a socket: left alone
    if ((stat.mode & 0o777) !== wanted) {
      try {
        chmodSync(path, wanted);
      } catch (error) {
        problems.push(`${path} stays readable by others (mode ${(stat.mode & 0o777).toString(8)}): ${(error as Error).message}`);
      }
    }
    if (stat.isDirectory()) {
      let names: string[] = [];
      try {
        names = readdirSync(path);
      } catch (error) {
        problems.push(`${path}: ${(error as Error).message}`);
      }
      for (const name of names) tighten(join(path, name));
    }
  };
  tighten(dataDir);
  return problems;
}
