// At start, the data directory and everything under it is made private to the server's user: the
// group's and others' permission bits are removed (so a 0644 file becomes 0600, a 0755 directory
// 0700). Files a start of an older version (or a copy, a restore from a backup) left readable are
// fixed here; new ones are created private (events/adapters/privateFiles.ts). Only those bits go:
// the owner's stay as they were, so even a DATA_DIR pointed at the wrong directory loses nothing
// its owner could do; the filesystem root is never walked. Symbolic links are not followed: what
// they point to is not the data directory's to change.
import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensurePrivateDir } from '../../events/adapters/privateFiles';

/**
 * Creates the directory when missing and tightens the modes under it. Returns what could not be
 * changed (e.g. a file owned by another user), one line each, for the start to print.
 */
export function secureDataDir(dataDir: string): string[] {
  ensurePrivateDir(dataDir);
  const problems: string[] = [];
  if (resolve(dataDir) === resolve('/')) return [`DATA_DIR is the filesystem root: its permissions are left as they are`];
  const tighten = (path: string) => {
    let stat;
    try {
      stat = lstatSync(path);
    } catch (error) {
      problems.push(`${path}: ${(error as Error).message}`);
      return;
    }
    if (!stat.isDirectory() && !stat.isFile()) return; // a link, a socket: left alone
    const wanted = stat.mode & 0o700;
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
