// The console's two languages carry the same keys: react-admin's (`ra.*`, the Italian written here
// since no package covers react-admin 5) and the back office's own.
import englishMessages from 'ra-language-english';
import { describe, expect, it as test } from 'vitest';
import en from '../../admin-ui/src/i18n/en';
import it from '../../admin-ui/src/i18n/it';
import shell from '../../admin-ui/src/i18n/shell-it';

const keys = (messages: object, prefix = ''): string[] =>
  Object.entries(messages).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null ? keys(value as object, `${prefix}${key}.`) : [`${prefix}${key}`],
  );

describe('console messages', () => {
  test('Italian has every key of English and no other', () => {
    expect(keys(it).sort()).toEqual(keys(en).sort());
  });

  test("Italian covers every react-admin message of the installed ra-language-english", () => {
    const italian = new Set(keys(it));
    expect(keys(englishMessages).filter((k) => !italian.has(k))).toEqual([]);
  });

  test('placeholders are kept in translation', () => {
    const placeholders = (s: unknown) => [...String(s).matchAll(/%\{(\w+)\}/g)].map((m) => m[1]).sort();
    const lookup = (messages: object, key: string) => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], messages);
    const differing = keys(en).filter((k) => placeholders(lookup(en, k)).join() !== placeholders(lookup(it, k)).join());
    expect(differing).toEqual([]);
  });

  test("the login page's Italian (shell-it.ts) says what the whole catalogue says, with react-admin's and the errors' keys", () => {
    const lookup = (messages: object, key: string) => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], messages);
    const shellKeys = keys(shell);
    expect(shellKeys.filter((k) => lookup(it, k) !== lookup(shell, k))).toEqual([]);
    expect(shellKeys).toEqual(expect.arrayContaining(['app.title', 'app.language', 'ra.auth.sign_in', 'app.errors.credentials_invalid']));
  });
});
