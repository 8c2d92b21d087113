// Issue #19, points 2, 4 and 8 in a real browser: the order awaiting a transfer shows beneficiary,
// IBAN, amount and RF with copy buttons and the payment notice to download; the top-up dialog
// previews received → fee → credited as the amount is typed; a prepaid order lists its debit among
// its payments; recording a payment says which order it paid and how.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoPageErrors, seedCustomer, signIn, signOut, startWorld, type World } from './scenario';
import { axeViolations, describeViolations, screenshot } from './support';
import { isPaymentNotice } from '../../support/smtp';

let world: World;
let page: Page;
let customerId = '';
let direct: { id: string; rfReference: string; order: { totals: { totalCents: number } } };

beforeAll(async () => {
  world = await startWorld();
  page = world.page;
  ({ customerId } = await seedCustomer(world));
  const placed = await world.api.operator.post('/api/orders', {
    customerId,
    manual: { lines: [{ productCode: 'RIN-FIRMA-CNS', quantity: 1 }] },
    payment: { mode: 'direct', method: 'bank_transfer' },
  });
  expect(placed.status).toBe(201);
  direct = (await placed.json()) as typeof direct;
});

afterAll(async () => {
  await world?.close();
});

async function expectAccessible(name: string) {
  const violations = await axeViolations(page);
  expect(violations, `${name}:\n${describeViolations(violations)}`).toEqual([]);
}

describe('the RF payment, the top-up fee, the prepaid debit', () => {
  it('the order awaiting a transfer shows beneficiary, IBAN, amount and RF to copy, and the payment notice to download', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: world.url });
    await signIn(page, world.url, 'operator');
    await page.goto(`${world.url}/#/orders/${direct.id}/show`);
    const box = page.getByTestId('rf-box');
    await box.getByTestId('notice-iban').waitFor();
    expect(await box.getByTestId('notice-beneficiary').textContent()).toBe('Firma Facile S.r.l.');
    expect(await box.getByTestId('notice-iban').textContent()).toBe('IT28 X099 9912 3450 0000 0123 456');
    expect(await box.getByTestId('notice-amount').textContent()).toBe('31,72 €');
    expect(await box.getByTestId('rf-reference').textContent()).toBe(direct.rfReference.replace(/(.{4})(?=.)/g, '$1 '));

    await box.getByRole('button', { name: 'Copia IBAN' }).click();
    await page.getByText('IBAN copiato negli appunti').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('IT28X0999912345000000123456');
    await box.getByRole('button', { name: 'Copia Causale (RF)' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(direct.rfReference);
    await box.getByRole('button', { name: 'Copia Da pagare' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('31,72');

    const download = box.getByRole('link', { name: 'Scarica avviso di pagamento' });
    expect(await download.getAttribute('href')).toBe(`/api/orders/${direct.id}/payment-notice.pdf`);
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    expect(file.suggestedFilename()).toBe(`avviso-di-pagamento-${direct.rfReference}.pdf`);
    await screenshot(page, 'order-show-rf-payment-notice');
    await expectAccessible('order awaiting a transfer, with its payment notice');

    // The summary's promise kept: the notice went to the customer when the order was placed.
    const [notice] = await world.smtp.waitForMessages(1, 20_000, isPaymentNotice);
    expect(notice!.attachments.map((a) => a.filename)).toEqual([`avviso-di-pagamento-${direct.rfReference}.pdf`]);
    expectNoPageErrors(world.browser);
  });

  it('the top-up dialog previews the fee as the amount is typed, with the rule in words', async () => {
    await page.goto(`${world.url}/#/customers/${customerId}/show`);
    await page.getByRole('button', { name: 'Ricarica conto prepagato' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('top-up-rule').waitFor();
    expect(await dialog.getByTestId('top-up-rule').textContent()).toBe('Commissione amministrativa: 1,80% del credito; credito minimo 33,00 €.');
    await dialog.getByRole('textbox', { name: 'Somma ricevuta' }).fill('100,00');
    await expect.poll(() => dialog.getByTestId('top-up-split').textContent()).toBe('ricevuti 100,00 € → commissione 1,77 € → accreditati 98,23 €');
    await screenshot(page, 'customer-top-up-fee-preview');
    await expectAccessible('top-up dialog with the fee preview');
    await dialog.getByRole('textbox', { name: 'Somma ricevuta' }).fill('20');
    await dialog.getByText('Somma insufficiente: il credito deve essere almeno 33,00 €.').waitFor();
    await page.keyboard.press('Escape');
    expectNoPageErrors(world.browser);
    await signOut(page);
  });

  it('a prepaid order lists its debit among its payments', async () => {
    const topped = await world.api.operator.post(`/api/customers/${customerId}/prepaid/top-ups`, {
      amountReceivedCents: 5000,
      method: 'cash',
      reference: 'cassa 1',
      receivedOn: new Date().toISOString().slice(0, 10),
    });
    expect(topped.status).toBe(201);
    const placed = await world.api.operator.post('/api/orders', {
      customerId,
      manual: { lines: [{ productCode: 'RIN-FIRMA-CNS', quantity: 1 }] },
      payment: { mode: 'prepaid' },
    });
    expect(placed.status).toBe(201);
    const { id } = (await placed.json()) as { id: string };
    await signIn(page, world.url, 'accountant');
    await page.goto(`${world.url}/#/orders/${id}/show`);
    const debit = page.getByTestId('order-payments').getByTestId('prepaid-debit');
    await debit.waitFor();
    expect(await debit.textContent()).toMatch(/^Addebito sul conto prepagato: 31,72 €, il \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    expect(await page.getByTestId('order-payments').getByText('Nessuno').count()).toBe(0);
    await screenshot(page, 'order-show-prepaid-debit');
    await expectAccessible('prepaid order with its debit');
  });

  it('recording a payment says which order it paid: partly, then settled', async () => {
    const rf = direct.rfReference.replace(/(.{4})(?=.)/g, '$1 ');
    const pay = async (amount: string, bankReference: string) => {
      await page.goto(`${world.url}/#/payments/create`);
      await page.getByRole('textbox', { name: 'Importo' }).fill(amount);
      await page.getByRole('textbox', { name: 'Pagante' }).fill('Mario Rossi');
      await page.getByRole('textbox', { name: 'Riferimento banca' }).fill(bankReference);
      await page.getByRole('textbox', { name: 'Causale' }).fill(`coupon ${direct.rfReference}`);
      await page.getByRole('button', { name: 'Salva' }).click();
    };
    await pay('10,00', 'CRO 111');
    await page.getByText(`Pagamento registrato: ordine ${rf}, parziale, restano 21,72 €`).waitFor({ timeout: 20_000 });
    await screenshot(page, 'payment-recorded-partial');
    await pay('21,72', 'CRO 222');
    await page.getByText(`Pagamento registrato: ordine ${rf}, saldato`).waitFor({ timeout: 20_000 });
    await screenshot(page, 'payment-recorded-settled');
    expect(await page.getByText('Elemento creato').count()).toBe(0);
    await expectAccessible('payment recorded');
    expectNoPageErrors(world.browser);
  });
});
