// The console says every error the server can send in the desk's language: each code found in
// domain/ and server/ (the same scan as test/domain/shared/errorCodes.test.ts, plus server/'s
// HttpError codes and literal bodies) and each code of schema validation has an Italian and an
// English text, and every %{parameter} a text uses is one the server sends with that code.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { errors as en } from '../../admin-ui/src/i18n/errors-en';
import { errors as itMessages } from '../../admin-ui/src/i18n/errors-it';
import { VALIDATION_CODES } from '../../server/plugins/app/fieldErrors';
import { domainErrorCodes, expandRules, serverErrorCodes } from '../domain/shared/errorCodes';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

function everyServerCode(): { code: string; where: string }[] {
  return [
    ...expandRules(ROOT, [...domainErrorCodes(ROOT), ...serverErrorCodes(ROOT)]),
    ...VALIDATION_CODES.map((code) => ({ code, where: 'server/plugins/app/fieldErrors.ts' })),
  ];
}

const lacking = (catalogue: Record<string, string>) =>
  everyServerCode()
    .filter(({ code }) => !catalogue[code])
    .map(({ code, where }) => `${code} (${where})`);

describe('the error catalogue of the console', () => {
  it('finds the codes of domain/, server/ and schema validation', () => {
    const codes = new Set(everyServerCode().map((c) => c.code));
    for (const code of ['credentials_invalid', 'top_up_below_minimum', 'codice_fiscale_check_character', 'postal_code_invalid', 'value_too_short', 'route_not_found', 'account_locked']) {
      expect(codes, code).toContain(code);
    }
    expect([...codes].filter((c) => c.includes('*'))).toEqual([]);
  });

  it('has an Italian text for every code the server can send', () => {
    expect(lacking(itMessages)).toEqual([]);
  });

  it('has an English text for every code the server can send', () => {
    expect(lacking(en)).toEqual([]);
  });

  it('uses the same parameters in both languages', () => {
    const params = (text: string) => [...text.matchAll(/%\{(\w+)\}/g)].map((m) => m[1]).sort();
    const differ = Object.keys(itMessages).filter(
      (code) => params(itMessages[code as keyof typeof itMessages]).join() !== params(en[code as keyof typeof en]).join(),
    );
    expect(differ).toEqual([]);
  });
});
