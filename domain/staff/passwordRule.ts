// What a staff password must be, in one place: the server refuses a weaker one (server/security/
// password.ts) and the console shows and checks the same rule before sending it.

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export type PasswordProblem = 'too_short' | 'too_long' | 'only_spaces' | 'same_as_username';

/** Why the password is not good enough, as a code, or null. Length counts characters, not UTF-16 units. */
export function passwordProblemCode(password: string, username?: string): PasswordProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return 'too_short';
  if (length > PASSWORD_MAX_LENGTH) return 'too_long';
  if (password.trim().length === 0) return 'only_spaces';
  if (username && password.trim().toLowerCase() === username.trim().toLowerCase()) return 'same_as_username';
  return null;
}
