// The server's refusals as the console says them (admin-ui/src/serverErrors.ts, used by the
// httpClient and the sign-in): the texts of the codes with their values, in the language chosen.
import { afterEach, describe, expect, it } from 'vitest';
import { i18nProvider } from '../../admin-ui/src/i18n';
import { localiseErrorBody } from '../../admin-ui/src/serverErrors';

afterEach(async () => {
  await i18nProvider.changeLocale('it');
});

describe('the server’s refusals in the desk’s language', () => {
  it('the top-up minimum with its amounts in euro and its fee as a percentage', () => {
    const body = localiseErrorBody({
      statusCode: 422,
      code: 'top_up_below_minimum',
      message: 'a top-up must credit at least 33,00 €, …',
      params: { minimum_cents: 3300, to_pay_cents: 3361, rate_bp: 180, received_cents: 1000 },
      fieldErrors: [{ field: 'amountReceivedCents', code: 'top_up_below_minimum', params: { minimum_cents: 3300, to_pay_cents: 3361, rate_bp: 180, received_cents: 1000 } }],
    });
    expect(body.message).toBe('Una ricarica deve accreditare almeno 33,00 €, cioè 33,61 € compresa la commissione (1,8%); ricevuti 10,00 €');
    expect(body.errors).toEqual({ amountReceivedCents: body.message });
    expect(body.serverMessage).toMatch(/^a top-up must credit/);
  });

  it('the wrong password at sign-in, in Italian and in English', async () => {
    expect(localiseErrorBody({ code: 'credentials_invalid', message: 'wrong username or password' }).message).toBe('Nome utente o password errati');
    await i18nProvider.changeLocale('en');
    expect(localiseErrorBody({ code: 'credentials_invalid', message: 'wrong username or password' }).message).toBe('Wrong username or password');
  });

  it('a code the console does not know yet falls back to the server’s words', () => {
    expect(localiseErrorBody({ code: 'something_new', message: 'the server says so' }).message).toBe('the server says so');
  });
});
