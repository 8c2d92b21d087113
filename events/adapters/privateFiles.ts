// The data directory holds personal data, coupon codes and session hashes: only the server's own
// user may read it. Files are created 0600 and directories 0700 explicitly, whatever the umask of
// whoever starts the process (a CLI tool run from a shell with umask 022 included). SQLite gives a
// database's -wal and -shm files the mode of the database file, so creating the database file
// private is enough for those.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates the directory (and missing parents) 0700; an existing one is left as it is. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Creates the file empty with mode 0600 when it is missing (an empty file is a valid SQLite
 * database), in a 0700 directory; ':memory:' is left alone.
 */
export function ensurePrivateFile(file: string): void {
  if (file === ':memory:') return;
  ensurePrivateDir(dirname(file));
  // 'a': created when missing, never truncated; the mode applies only to a file this call creates.
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
}
