// Passwords: scrypt from node:crypto, a random salt per hash, the parameters inside the string so
// they can be raised later without invalidating stored hashes:
//   scrypt$<log2 N>$<r>$<p>$<salt, base64url>$<key, base64url>
// The plain password is never logged, stored or put in an event.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblemCode } from '../../domain/staff/passwordRule';

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH };
export const DEFAULT_LOG_N = 15;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

const memoryFor = (logN: number, r: number) => 256 * 2 ** logN * r;

/** Why the password is not good enough, or null. */
export function passwordProblem(password: string, username?: string): string | null {
  switch (passwordProblemCode(password, username)) {
    case 'too_short':
      return `must have at least ${PASSWORD_MIN_LENGTH} characters`;
    case 'too_long':
      return `must have at most ${PASSWORD_MAX_LENGTH} characters`;
    case 'only_spaces':
      return 'must not be only spaces';
    case 'same_as_username':
      return 'must not be the username';
    case null:
      return null;
  }
}

export async function hashPassword(password: string, logN = DEFAULT_LOG_N): Promise<string> {
  const r = 8;
  const p = 1;
  const salt = randomBytes(SALT_LENGTH);
  const key = await scrypt(password, salt, { N: 2 ** logN, r, p, maxmem: memoryFor(logN, r) });
  return `scrypt$${logN}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True when the password matches the hash; false for a wrong password or a hash it cannot read. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  // Bounds keep a tampered hash from asking for absurd work.
  if (![logN, r, p].every(Number.isInteger) || logN < 10 || logN > 20 || r < 1 || r > 32 || p < 1 || p > 4) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== KEY_LENGTH || password.length > PASSWORD_MAX_LENGTH * 4) return false;
  const key = await scrypt(password, salt, { N: 2 ** logN, r, p, maxmem: memoryFor(logN, r) });
  return timingSafeEqual(key, expected);
}

let dummy: Promise<string> | undefined;
/**
 * A hash of a random password, to verify against when the username is unknown, so that the answer
 * takes as long as for a known user (no telling which usernames exist by timing).
 */
export function dummyHash(logN = DEFAULT_LOG_N): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64url'), logN);
  return dummy;
}
