// The sales configuration: defaults, the seller's data, and one clear line per wrong value.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseSellerAddress } from '../../../server/config';
import { defaultSalesSettings } from '../../../server/features/deps';

describe('sales configuration', () => {
  it('has defaults for everything (the demo seller)', () => {
    const config = loadConfig({});
    expect(config.demo).toBe(false);
    expect(config.smtpUrl).toBeUndefined();
    expect(config.sales).toMatchObject({
      prepaidFeeRateBp: 180,
      minimumTopUpCents: 3300,
      unpaidOrderExpiryDays: 30,
      couponValidityDays: 365,
      reminderOffsetsDays: [60, 30, 7, 1],
      seller: defaultSalesSettings.seller,
      renewalUrl: 'http://127.0.0.1:3000/rinnovo',
      couponStatusUrl: 'http://127.0.0.1:3000/verifica-coupon',
    });
    expect(config.mailFrom).toBe(`${defaultSalesSettings.seller.name} <${defaultSalesSettings.seller.email}>`);
  });

  it("defaults PUBLIC_URL, and so the e-mails' links, to the address the server listens on", () => {
    expect(loadConfig({}).publicUrl).toBe('http://127.0.0.1:3000');
    const elsewhere = loadConfig({ PORT: '8080' });
    expect(elsewhere.publicUrl).toBe('http://127.0.0.1:8080');
    expect(elsewhere.sales.couponStatusUrl).toBe('http://127.0.0.1:8080/verifica-coupon');
    expect(elsewhere.sales.renewalUrl).toBe('http://127.0.0.1:8080/rinnovo');
    // Every interface: reached from this machine as localhost; IPv6 in brackets; a name as given.
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '4000' }).publicUrl).toBe('http://localhost:4000');
    expect(loadConfig({ HOST: '::', PORT: '4000' }).publicUrl).toBe('http://localhost:4000');
    expect(loadConfig({ HOST: '::1', PORT: '4000' }).publicUrl).toBe('http://[::1]:4000');
    expect(loadConfig({ HOST: 'backoffice.lan', PORT: '4000' }).publicUrl).toBe('http://backoffice.lan:4000');
    // Set, it wins over the address listened on (a proxy in front).
    expect(loadConfig({ PORT: '8080', PUBLIC_URL: 'https://bo.example.it/' }).sales.couponStatusUrl).toBe('https://bo.example.it/verifica-coupon');
  });

  it('reads every variable', () => {
    const config = loadConfig({
      SMTP_URL: 'smtp://127.0.0.1:1025',
      MAIL_FROM: 'Firma Facile <noreply@firmafacile.it>',
      SELLER_NAME: 'Firma Facile S.p.A.',
      SELLER_VAT_NUMBER: 'IT 12345600014',
      SELLER_ADDRESS: 'Via Roma, 1, 20121, Milano, mi',
      SELLER_EMAIL: 'fatture@firmafacile.it',
      SELLER_REGIME_FISCALE: 'rf19',
      SELLER_IBAN: 'it60 x054 2811 1010 0000 0123 456',
      SELLER_BIC: ' bpmoit22xxx',
      SELLER_BENEFICIARY: 'Firma Facile SpA',
      PREPAID_FEE_BP: '200',
      PREPAID_MIN_TOPUP_CENTS: '5000',
      ORDER_EXPIRY_DAYS: '15',
      COUPON_VALIDITY_DAYS: '730',
      REMINDER_OFFSETS_DAYS: ' 7, 45,1 ',
      PUBLIC_URL: 'https://backoffice.firmafacile.it/',
      DEMO: 'true',
      CA_WEBHOOK_SECRET: ' a-secret-shared-with-the-ca-0123456789abcdef ',
    });
    expect(config).toMatchObject({ smtpUrl: 'smtp://127.0.0.1:1025', mailFrom: 'Firma Facile <noreply@firmafacile.it>', demo: true });
    expect(config.sales).toEqual({
      prepaidFeeRateBp: 200,
      minimumTopUpCents: 5000,
      unpaidOrderExpiryDays: 15,
      couponValidityDays: 730,
      reminderOffsetsDays: [45, 7, 1],
      seller: {
        name: 'Firma Facile S.p.A.',
        partitaIva: '12345600014',
        codiceFiscale: null,
        address: { street: 'Via Roma, 1', postalCode: '20121', city: 'Milano', province: 'MI', country: 'IT' },
        email: 'fatture@firmafacile.it',
        regimeFiscale: 'RF19',
        iban: 'IT60X0542811101000000123456',
        bic: 'BPMOIT22XXX',
        beneficiary: 'Firma Facile SpA',
      },
      renewalUrl: 'https://backoffice.firmafacile.it/rinnovo',
      couponStatusUrl: 'https://backoffice.firmafacile.it/verifica-coupon',
      caWebhookSecret: 'a-secret-shared-with-the-ca-0123456789abcdef',
    });
  });

  it('takes CA_WEBHOOK_SECRET only long enough, and never repeats it in the error', () => {
    expect(loadConfig({}).sales.caWebhookSecret).toBeNull();
    const short = 'too-short-secret';
    try {
      loadConfig({ CA_WEBHOOK_SECRET: short });
      expect.unreachable('a short secret is refused');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('CA_WEBHOOK_SECRET must be at least 32 characters');
      expect((error as Error).message).not.toContain(short);
    }
  });

  it('takes METRICS_TOKEN only long enough and without spaces, and never repeats it in the error', () => {
    expect(loadConfig({}).metricsToken).toBeNull();
    expect(loadConfig({ METRICS_TOKEN: ' 0123456789abcdef0123456789abcdef ' }).metricsToken).toBe('0123456789abcdef0123456789abcdef');
    for (const [token, rule] of [
      ['short-token', 'METRICS_TOKEN must be at least 32 characters'],
      ['a token with spaces in it, 0123456789', 'METRICS_TOKEN must be printable ASCII without spaces'],
    ] as const) {
      try {
        loadConfig({ METRICS_TOKEN: token });
        expect.unreachable(`${token} is refused`);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as Error).message).toContain(rule);
        expect((error as Error).message).not.toContain(token);
      }
    }
  });

  it("takes the seller's codice fiscale when it differs from the partita IVA (a sole trader's), not when it repeats it", () => {
    const soleTrader = loadConfig({ SELLER_VAT_NUMBER: '12345600014', SELLER_TAX_CODE: ' rssmra80a01h501u ' });
    expect(soleTrader.sales.seller).toMatchObject({ partitaIva: '12345600014', codiceFiscale: 'RSSMRA80A01H501U' });
    expect(loadConfig({ SELLER_VAT_NUMBER: '12345600014', SELLER_TAX_CODE: '12345600014' }).sales.seller.codiceFiscale).toBeNull();
    expect(loadConfig({}).sales.seller.codiceFiscale).toBeNull();
  });

  it("takes the beneficiary of direct payments from SELLER_NAME unless SELLER_BENEFICIARY is set; the BIC is optional", () => {
    expect(loadConfig({ SELLER_NAME: 'Firma Facile S.p.A.' }).sales.seller).toMatchObject({ beneficiary: 'Firma Facile S.p.A.', bic: null, iban: 'IT28X0999912345000000123456' });
  });

  it('reads the seller address: street, postal code, city, province[, country]', () => {
    expect(parseSellerAddress('Via Roma 1, 00100, Roma, RM, IT')).toEqual({ street: 'Via Roma 1', postalCode: '00100', city: 'Roma', province: 'RM', country: 'IT' });
    expect(parseSellerAddress('Via Roma 1, 00100, Roma, RM')).toMatchObject({ province: 'RM', country: 'IT' });
    expect(parseSellerAddress('Rue de Rivoli 1, 75001, Paris, EE, FR')).toEqual({ street: 'Rue de Rivoli 1', postalCode: '75001', city: 'Paris', province: null, country: 'FR' });
    expect(parseSellerAddress('Via Roma 1, Roma')).toMatch(/must be "street, postal code, city, province\[, country\]"/);
    expect(parseSellerAddress('Via Roma 1, 100, Roma, RM')).toMatch(/postal code must be 5 digits/);
  });

  it.each([
    [{ SELLER_VAT_NUMBER: '01234560018' }, 'SELLER_VAT_NUMBER must be a valid partita IVA: check digit is wrong (expected 7) (got "01234560018")'],
    [{ SELLER_TAX_CODE: 'RSSMRA80A01H501X' }, 'SELLER_TAX_CODE must be a valid codice fiscale: check character'],
    [{ SELLER_TAX_CODE: '1234' }, 'SELLER_TAX_CODE must be a valid codice fiscale: must be 16 characters (or 11 digits for a company) (got 4)'],
    [{ SELLER_ADDRESS: 'Via Roma 1' }, 'SELLER_ADDRESS must be "street, postal code, city, province[, country]"'],
    [{ SELLER_EMAIL: 'fatture' }, 'SELLER_EMAIL must be an e-mail address (got "fatture")'],
    [{ SELLER_REGIME_FISCALE: 'RF03' }, 'SELLER_REGIME_FISCALE must be a FatturaPA RegimeFiscale code from RF01 to RF19 (not RF03), e.g. RF01 for the ordinary regime (got "RF03")'],
    [{ SELLER_IBAN: 'IT60X0542811101000000123457' }, 'SELLER_IBAN must be a valid IBAN: the check digits are wrong (ISO 13616 mod-97): a character is mistyped (got "IT60X0542811101000000123457")'],
    [{ SELLER_IBAN: 'IT60X05428111010000001234' }, 'SELLER_IBAN must be a valid IBAN: must be 27 characters for IT (got 25)'],
    [{ SELLER_BIC: 'BPMO' }, 'SELLER_BIC must be a BIC of 8 or 11 letters and digits (ISO 9362)'],
    [{ SELLER_BENEFICIARY: 'x'.repeat(71) }, 'SELLER_BENEFICIARY must be at most 70 characters (the limit of the EPC QR code)'],
    [{ SELLER_NAME: 'Firma Facile '.repeat(6) }, 'SELLER_BENEFICIARY is required when SELLER_NAME is longer than 70 characters'],
    [{ MAIL_FROM: 'Firma <nope>' }, 'MAIL_FROM must be an address, or a name and an address'],
    [{ SMTP_URL: 'http://user:secret@mail' }, 'SMTP_URL must be an SMTP URL such as smtp://127.0.0.1:1025'],
    [{ PREPAID_FEE_BP: 'abc' }, 'PREPAID_FEE_BP must be a number (got "abc")'],
    [{ PREPAID_FEE_BP: '20000' }, 'PREPAID_FEE_BP must be between 0 and 10000 (got "20000")'],
    [{ PREPAID_MIN_TOPUP_CENTS: '33.5' }, 'PREPAID_MIN_TOPUP_CENTS must be a whole number (got "33.5")'],
    [{ ORDER_EXPIRY_DAYS: '0' }, 'ORDER_EXPIRY_DAYS must be between 1 and 3650 (got "0")'],
    [{ COUPON_VALIDITY_DAYS: 'x' }, 'COUPON_VALIDITY_DAYS must be a number'],
    [{ REMINDER_OFFSETS_DAYS: '60,30,x' }, "REMINDER_OFFSETS_DAYS must be whole days before the deadline, comma-separated (e.g. 60,30,7,1): 'x' is not a whole number of days"],
    [{ REMINDER_OFFSETS_DAYS: '7,7' }, 'REMINDER_OFFSETS_DAYS must be whole days before the deadline, comma-separated (e.g. 60,30,7,1): an offset appears twice'],
    [{ PUBLIC_URL: 'backoffice.example.it' }, 'PUBLIC_URL must be the URL the console is reached at'],
    [{ DEMO: 'yes' }, 'DEMO must be "true" or "false" (got "yes")'],
  ])('refuses %j with one line naming the variable', (env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('\n');
    expect((error as Error).message).not.toContain('secret');
  });
});

describe('TRUST_PROXY', () => {
  it('is off by default; takes a number of proxies or their addresses / ranges', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: ' 127.0.0.1, 10.0.0.0/8,::1,fd00::/8 , loopback' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
  });

  it.each(['true', 'yes', '10.0.0.300', '10.0.0.0/33', 'proxy.example', '1,', '-1', '1.5'])('refuses %j with one line naming the variable and the rule', (value) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/^TRUST_PROXY must be false, a number of proxies .*never true/);
  });
});
