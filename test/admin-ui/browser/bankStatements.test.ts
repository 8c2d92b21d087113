// An accountant imports the bank's statement from the payments list (issue #18): the camt.053 file
// chosen, the report in Italian with each line's outcome, and the import in the list of imported
// statements with its lines.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statement } from '../../server/features/bankStatements/fixtures';
import { expectNoPageErrors, openMenu, seedCustomer, signIn, signOut, startWorld, type World } from './scenario';
import { axeViolations, describeViolations, screenshot } from './support';

let world: World;
let page: Page;
const refs: Record<string, string> = {};

beforeAll(async () => {
  world = await startWorld();
  page = world.page;
  const { customerId } = await seedCustomer(world);
  for (const key of ['A', 'B', 'C', 'D']) {
    const placed = await world.api.operator.post('/api/orders', {
      customerId,
      manual: { lines: [{ productCode: 'RIN-FIRMA-CNS', quantity: 1 }] },
      payment: { mode: 'direct', method: 'bank_transfer' },
    });
    expect(placed.status).toBe(201);
    refs[key] = ((await placed.json()) as { rfReference: string }).rfReference;
  }
});

afterAll(async () => {
  await world?.close();
});

describe("importing the bank's statement", () => {
  it('from the payments list: the report shows each line\'s outcome in Italian', async () => {
    await signIn(page, world.url, 'accountant');
    await openMenu(page, 'Pagamenti');
    // No payment yet: the list still offers the import (not react-admin's empty page).
    await page.getByRole('button', { name: 'Importa estratto conto' }).click();
    const dialog = page.getByRole('dialog');
    const xml = statement('camt053-day1.xml', refs);
    await dialog.getByLabel('File XML').setInputFiles({ name: 'estratto-25-11.xml', mimeType: 'application/xml', buffer: Buffer.from(xml) });
    await dialog.getByRole('button', { name: 'Importa', exact: true }).click();
    const answer = dialog.getByTestId('bank-statement-answer');
    await answer
      .getByText('estratto-25-11.xml: 2 abbinati, 1 parziali, 1 con eccedenza, 1 da abbinare a mano, 0 già importati, 1 addebiti saltati')
      .waitFor();
    await answer.getByTestId('bank-statement-line-1').getByText('Abbinato', { exact: true }).waitFor();
    await answer.getByTestId('bank-statement-line-3').getByText('Pagamento parziale', { exact: true }).waitFor();
    await answer.getByTestId('bank-statement-line-4').getByText('Eccedenza', { exact: true }).waitFor();
    await answer.getByTestId('bank-statement-line-5').getByText('Da abbinare a mano', { exact: true }).waitFor();
    await answer.getByTestId('bank-statement-line-6').getByText('Addebito saltato', { exact: true }).waitFor();
    expect(await answer.getByTestId('bank-statement-line-1').textContent()).toContain('31,72 €');
    await answer.getByTestId('bank-statement-line-3').getByText(/restano da pagare 21,72 €/).waitFor();
    await answer.getByTestId('bank-statement-line-4').getByText(/18,28 € in più, accreditati sul conto prepagato/).waitFor();
    await screenshot(page, 'bank-statement-import-report');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await dialog.getByRole('button', { name: 'Chiudi' }).click();
    // The payments recorded are on the list behind.
    await page.getByRole('cell', { name: 'Anna Gialli' }).waitFor();
  });

  it('the same file again: every credit line already imported', async () => {
    await page.getByRole('button', { name: 'Importa estratto conto' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('File XML').setInputFiles({ name: 'estratto-25-11.xml', mimeType: 'application/xml', buffer: Buffer.from(statement('camt053-day1.xml', refs)) });
    await dialog.getByRole('button', { name: 'Importa', exact: true }).click();
    await dialog.getByText(/0 abbinati, 0 parziali, 0 con eccedenza, 0 da abbinare a mano, 5 già importati, 1 addebiti saltati/).waitFor();
    await dialog.getByRole('button', { name: 'Chiudi' }).click();
  });

  it('a file that is not a statement is refused with a message in Italian', async () => {
    await page.getByRole('button', { name: 'Importa estratto conto' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('File XML').setInputFiles({ name: 'bonifico.xml', mimeType: 'application/xml', buffer: Buffer.from('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>') });
    await dialog.getByRole('button', { name: 'Importa', exact: true }).click();
    await page.getByText('Il file non è un estratto conto camt.053 o camt.054 (ISO 20022)').waitFor();
    await dialog.getByRole('button', { name: 'Chiudi' }).click();
  });

  it('the imports are listed, and one shows its lines', async () => {
    await openMenu(page, 'Estratti conto importati');
    const rows = page.getByRole('row').filter({ hasText: 'estratto-25-11.xml' });
    await expect.poll(() => rows.count()).toBe(2);
    await rows.last().getByRole('link').click();
    await page.getByTestId('bank-statement-lines').waitFor();
    await page.getByTestId('bank-statement-line-4').getByText('Eccedenza', { exact: true }).waitFor();
    await screenshot(page, 'bank-statement-show');
    await signOut(page);
    expectNoPageErrors(world.browser);
  });
});
