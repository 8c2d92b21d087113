// Scenario 1 in a real browser: an operator signs in, registers a customer and the customer's
// device, tops up the prepaid account, places a guided order paid from it (codice fiscale → device
// → proposed coupons → payment → summary with the e-mail → confirm), sees the coupons and the
// invoice, and downloads the invoice PDF.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoPageErrors, MARIO_CF, openMenu, signIn, startWorld, type World } from './scenario';
import { axeViolations, describeViolations, screenshot } from './support';

let world: World;
let page: Page;

beforeAll(async () => {
  world = await startWorld();
  page = world.page;
});

afterAll(async () => {
  await world?.close();
});

/** `YYYY-MM-DD` of today plus n days, in Rome. */
const day = (n: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date(Date.now() + n * 24 * 3_600_000));

async function expectAccessible(name: string) {
  const violations = await axeViolations(page);
  expect(violations, `${name}:\n${describeViolations(violations)}`).toEqual([]);
}

describe('the desk: a guided order paid from the prepaid account', () => {
  let orderUrl = '';

  it('an operator signs in and registers a customer', async () => {
    await signIn(page, world.url, 'operator');
    await expect.poll(() => page.getByTestId('kpi-unpaid-main').textContent()).toBe('0');
    await screenshot(page, 'operator-dashboard');
    await expectAccessible('dashboard');

    await openMenu(page, 'Clienti');
    await page.getByRole('link', { name: 'Crea' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/customers\/create$/);
    await page.getByRole('textbox', { name: 'Nome', exact: true }).fill('Mario');
    await page.getByRole('textbox', { name: 'Cognome' }).fill('Rossi');
    await page.getByRole('textbox', { name: 'Codice fiscale', exact: true }).fill('rssmra80a01h501x');
    await page.getByRole('textbox', { name: 'E-mail' }).fill('Mario.Rossi@Example.it');
    await page.getByRole('textbox', { name: 'Indirizzo' }).fill('Via del Corso 10');
    await page.getByRole('textbox', { name: 'CAP' }).fill('00186');
    await page.getByRole('textbox', { name: 'Città' }).fill('Roma');
    await page.getByRole('textbox', { name: 'Provincia' }).fill('RM');
    await page.getByRole('button', { name: 'Salva' }).click();

    // A wrong check character: the server's refusal sits on the field.
    const cfField = page.locator('.ra-input-codiceFiscale');
    await expect.poll(async () => (await cfField.innerText()).toLowerCase()).toMatch(/check|controllo/);
    await screenshot(page, 'customer-create-refused');
    await expectAccessible('customer create');

    await page.getByRole('textbox', { name: 'Codice fiscale', exact: true }).fill(MARIO_CF.toLowerCase());
    await page.getByRole('button', { name: 'Salva' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/customers\/[0-9a-f-]{36}\/show$/);
    await page.getByText(MARIO_CF).first().waitFor();
    await page.getByText('mario.rossi@example.it').first().waitFor();
  });

  it('registers the customer’s smart card from the customer’s page', async () => {
    await page.getByRole('link', { name: 'Registra dispositivo' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/devices\/create/);
    await expect.poll(() => page.getByRole('textbox', { name: 'Codice fiscale del titolare' }).inputValue()).toBe(MARIO_CF);
    await page.getByRole('textbox', { name: 'Numero di serie', exact: true }).fill('1205100000');
    await page.getByRole('textbox', { name: 'Emesso da' }).fill('Camera di Commercio di Roma');
    for (const [i, prefix] of [
      [0, 'S'],
      [1, 'A'],
    ] as const) {
      await page.locator(`input[name="certificates.${i}.serialNumber"]`).fill(`${prefix}1205100000`);
      await page.locator(`input[name="certificates.${i}.validFrom"]`).fill(day(-3 * 365));
      await page.locator(`input[name="certificates.${i}.validUntil"]`).fill(day(20));
    }
    await screenshot(page, 'device-create');
    await page.getByRole('button', { name: 'Salva' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/devices\/1205100000\/show$/);
    await page.getByTestId('expiry-near').first().waitFor();
    await screenshot(page, 'device-show');
    await expectAccessible('device show');

    await openMenu(page, 'Dispositivi');
    await page.getByRole('cell', { name: '1205100000', exact: true }).waitFor();
    await page.getByTestId('expiry-near').first().waitFor();
    await screenshot(page, 'devices-list');
    await expectAccessible('devices list');
  });

  it('imports devices from a CSV file: the report lists the rows accepted and refused', async () => {
    const csv = [
      'serial;kind;issuer;issued_on;holder_cf;signing_serial;signing_valid_from;signing_valid_until;auth_serial;auth_valid_from;auth_valid_until',
      `1205100001;smart_card;CCIAA Roma;01/04/2023;${MARIO_CF};S1205100001;01/04/2023;01/04/2029;A1205100001;01/04/2023;01/04/2029`,
      '1205100002;smart_card;CCIAA Roma;01/04/2023;RSSMRA80A01H501X;S1205100002;01/04/2023;01/04/2029;;;',
    ].join('\n');
    await page.getByRole('button', { name: 'Importa CSV' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('File CSV').setInputFiles({ name: 'dispositivi.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await dialog.getByRole('button', { name: 'Importa', exact: true }).click();
    const report = dialog.getByTestId('import-report');
    await report.getByText('Righe accettate: 1; righe rifiutate: 1').waitFor();
    await report.getByText(/1205100001/).waitFor();
    await report.getByRole('row', { name: /^3 / }).waitFor();
    await screenshot(page, 'devices-import-report');
    await dialog.getByRole('button', { name: 'Chiudi' }).click();
    await page.getByRole('cell', { name: '1205100001', exact: true }).waitFor();
  });

  it('tops up the prepaid account: the balance shows at once', async () => {
    await openMenu(page, 'Clienti');
    await page.getByPlaceholder('Nome, codice fiscale, partita IVA, e-mail').fill('rssmra');
    // The search is applied (debounced) when the URL carries it.
    await expect.poll(() => decodeURIComponent(page.url())).toContain('"q":"rssmra"');
    await page.getByRole('link', { name: 'Mario Rossi' }).waitFor();
    await screenshot(page, 'customers-list');
    await expectAccessible('customers list');
    await page.getByRole('link', { name: 'Mario Rossi' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/customers\/[0-9a-f-]{36}\/show$/);
    await expect.poll(() => page.getByTestId('prepaid-balance').textContent()).toBe('0,00 €');

    await page.getByRole('button', { name: 'Ricarica conto prepagato' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Somma ricevuta' }).fill('50,00');
    await dialog.getByRole('textbox', { name: 'Riferimento' }).fill('Ricevuta 12');
    const keys: (string | undefined)[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/prepaid/top-ups')) keys.push(r.headers()['idempotency-key']);
    });
    await dialog.getByRole('button', { name: 'Ricarica conto prepagato' }).click();
    await page.getByText(/Accreditati 49,1\d €/).waitFor();
    await expect.poll(() => page.getByTestId('prepaid-balance').textContent()).toMatch(/^49,1\d €$/);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByRole('cell', { name: 'Ricarica' }).waitFor();
    await screenshot(page, 'customer-show');
    await expectAccessible('customer show');
  });

  it('places a guided order paid from the prepaid account', async () => {
    await page.getByRole('link', { name: 'Nuovo ordine' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/orders\/create/);
    await page.getByRole('heading', { name: 'Nuovo ordine', level: 1 }).waitFor();
    await expect.poll(() => page.getByRole('textbox', { name: 'Codice fiscale del titolare' }).inputValue()).toBe(MARIO_CF);
    await expect.poll(() => page.getByRole('combobox', { name: 'Acquirente' }).inputValue()).toBe('Mario Rossi');

    await page.getByRole('button', { name: 'Cerca dispositivi' }).click();
    await page.getByText('Trovato 1 dispositivo rinnovabile').waitFor();
    await screenshot(page, 'order-wizard-holder');
    await page.getByRole('button', { name: 'Avanti' }).click();

    const radio = page.getByRole('radio', { name: /1205100000/ });
    await radio.waitFor();
    expect(await radio.isChecked()).toBe(true);
    await screenshot(page, 'order-wizard-device');
    await page.getByRole('button', { name: 'Avanti' }).click();

    // Both certificates are renewed: the coupons proposed for the device.
    const lines = page.getByTestId('lines');
    await lines.waitFor();
    await screenshot(page, 'order-wizard-coupons');
    await page.getByRole('button', { name: 'Avanti' }).click();

    const prepaid = page.getByRole('radio', { name: /Addebito sul conto prepagato/ });
    await prepaid.waitFor();
    expect(await prepaid.isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Avanti' }).click();

    const summary = page.getByTestId('order-summary');
    await summary.waitFor();
    await page.getByTestId('codes-email').getByText('mario.rossi@example.it').waitFor();
    const total = (await page.getByTestId('grand-total').textContent()) ?? '';
    expect(total).toMatch(/^\d+,\d\d €$/);
    await screenshot(page, 'order-wizard-summary');
    await expectAccessible('order wizard summary');

    const orderPosts: (string | undefined)[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/orders')) orderPosts.push(r.headers()['idempotency-key']);
    });
    // A double click places one order.
    await page.getByRole('button', { name: 'Conferma ordine' }).dblclick();
    await expect.poll(() => page.url()).toMatch(/#\/orders\/[0-9a-f-]{36}\/show$/);
    orderUrl = page.url();
    expect(orderPosts.length).toBeGreaterThanOrEqual(1);
    expect(new Set(orderPosts).size).toBe(1);

    // Fulfilled right after: coupons and invoice, shown without reloading.
    await page.getByTestId('orderStatus-fulfilled').first().waitFor({ timeout: 20_000 });
    const codes = page.getByTestId('order-coupons').getByTestId('coupon-code');
    await expect.poll(() => codes.count(), { timeout: 10_000 }).toBe(total === '31,72 €' ? 1 : 2);
    for (const code of await codes.allTextContents()) expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    await expect.poll(() => page.getByTestId('invoice-number').textContent()).toBe(`1/${new Date().getFullYear()}`);
    await page.getByTestId('vat-summary').waitFor();
    await page.getByTestId('order-timeline').waitFor();
    await screenshot(page, 'order-show-fulfilled');
    await expectAccessible('order show');

    const orders = await world.api.operator.get('/api/orders');
    expect(((await orders.json()) as unknown[]).length).toBe(1);
  });

  it('downloads the invoice PDF', async () => {
    expect(page.url()).toBe(orderUrl);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /PDF fattura 1\// }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^fattura-1-\d{4}\.pdf$/);
    const path = await download.path();
    const pdf = await readFile(path);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('the coupon e-mail reaches the customer', async () => {
    const [mail] = await world.smtp.waitForMessages(1, 15_000);
    expect(JSON.stringify(mail!.to)).toContain('mario.rossi@example.it');
  });

  it('lists the order with its status and the invoice among the invoices', async () => {
    await openMenu(page, 'Ordini');
    await page.getByTestId('orderStatus-fulfilled').first().waitFor();
    await screenshot(page, 'orders-list');
    await expectAccessible('orders list');

    await openMenu(page, 'Fatture');
    await page.getByRole('cell', { name: `1/${new Date().getFullYear()}`, exact: true }).waitFor();
    await screenshot(page, 'invoices-list');
    await expectAccessible('invoices list');

    // The invoice's screen offers its FatturaPA XML beside the PDF, named as the SdI wants it.
    await page.getByRole('cell', { name: `1/${new Date().getFullYear()}`, exact: true }).click();
    const [xmlDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /XML FatturaPA fattura 1\// }).click(),
    ]);
    expect(xmlDownload.suggestedFilename()).toMatch(/^IT\d{11}_[0-9A-Z]{5}\.xml$/);
    const xml = (await readFile(await xmlDownload.path())).toString('utf8');
    expect(xml).toContain('<TipoDocumento>TD01</TipoDocumento>');
    expect(xml).toContain('<ModalitaPagamento>MP22</ModalitaPagamento>');

    await openMenu(page, 'Coupon');
    await page.getByTestId('coupon-code').first().waitFor();
    await screenshot(page, 'coupons-list');

    await openMenu(page, 'E-mail');
    await page.getByTestId('emailState-sent').first().waitFor({ timeout: 15_000 });
    await screenshot(page, 'emails-list');
    await expectAccessible('e-mails list');

    await openMenu(page, 'Catalogo');
    await page.getByRole('cell', { name: 'RIN-FIRMA-CNS' }).waitFor();
    await screenshot(page, 'products-list');
    expectNoPageErrors(world.browser);
  });
});
