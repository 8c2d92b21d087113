// Scenario 4 in a real browser: the menu and the buttons follow the user's roles, and a call the
// screens do not offer, forced from the page with the user's own session, is refused by the API
// with a 403. Supervisors see and use the approvals (refunds, the catalogue); admins only staff users.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoPageErrors, openMenu, placePrepaidOrder, romeToday, seedCustomer, signIn, signOut, startWorld, topUp, type World } from './scenario';
import { axeViolations, describeViolations, screenshot } from './support';

let world: World;
let page: Page;
let customerId = '';
let paidOrder = '';
let unpaidOrder = '';

async function waitFulfilled(id: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const order = (await (await world.api.operator.get(`/api/orders/${id}`)).json()) as { status: string };
    if (order.status === 'fulfilled') return;
    if (Date.now() > deadline) throw new Error(`order ${id} is ${order.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  world = await startWorld();
  page = world.page;
  ({ customerId } = await seedCustomer(world));
  await topUp(world, customerId, 10_000);
  paidOrder = await placePrepaidOrder(world, customerId, 'RIN-FIRMA', 2);
  const direct = await world.api.operator.post('/api/orders', {
    customerId,
    manual: { lines: [{ productCode: 'RIN-CNS', quantity: 1 }] },
    payment: { mode: 'direct', method: 'postal_slip' },
  });
  expect(direct.status).toBe(201);
  unpaidOrder = ((await direct.json()) as { id: string }).id;
  await waitFulfilled(paidOrder);
});

afterAll(async () => {
  await world?.close();
});

/** A command sent from the page with the signed-in user's session, as the console would. */
async function force(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; code?: string }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(path, {
        method,
        headers: method === 'POST' ? { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() } : {},
        body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
      });
      const json = (await response.json().catch(() => ({}))) as { code?: string };
      return { status: response.status, code: json.code };
    },
    { method, path, body },
  );
}

async function menuItems(): Promise<string[]> {
  return (await page.getByRole('menuitem').allTextContents()).map((t) => t.trim());
}


describe('what each role sees and may do', () => {
  it('an operator: no audit log, no staff users, no payments to record, no approvals; the API says 403', async () => {
    await signIn(page, world.url, 'operator');
    const menu = await menuItems();
    expect(menu).toEqual(expect.arrayContaining(['Clienti', 'Ordini', 'Pagamenti', 'Catalogo']));
    expect(menu).not.toContain('Registro eventi');
    expect(menu).not.toContain('Registro IVA');
    expect(menu).not.toContain('Utenti del personale');

    await openMenu(page, 'Pagamenti');
    await page.getByRole('heading', { name: 'Pagamenti' }).or(page.getByText('Nessun risultato')).first().waitFor();
    expect(await page.getByRole('link', { name: 'Crea' }).count()).toBe(0);
    expect(await force('POST', '/api/payments', { method: 'bank_transfer', amountCents: 100, receivedOn: romeToday(), payer: 'X', reason: '', bankReference: 'CRO1' })).toMatchObject({ status: 403, code: 'forbidden' });

    await page.goto(`${world.url}/#/orders/${paidOrder}/show`);
    await page.getByTestId('orderStatus-fulfilled').first().waitFor();
    await page.getByRole('button', { name: 'Reinvia coupon' }).waitFor();
    expect(await page.getByRole('button', { name: 'Rimborsa coupon non usati' }).count()).toBe(0);
    expect(await page.getByTestId('audit-trail').count()).toBe(0);
    expect(await force('POST', `/api/orders/${paidOrder}/refund`, { refundTo: 'prepaid' })).toMatchObject({ status: 403 });

    await openMenu(page, 'Catalogo');
    await page.getByRole('cell', { name: 'RIN-FIRMA', exact: true }).first().click();
    await page.getByText('Coupon Rinnovo Certificato Sottoscrizione').first().waitFor();
    expect(await page.getByRole('button', { name: 'Cambia prezzo' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Crea' }).count()).toBe(0);
    expect(await force('POST', '/api/products/RIN-FIRMA/price', { priceCents: 1 })).toMatchObject({ status: 403 });

    expect(await force('GET', '/api/audit-events')).toMatchObject({ status: 403 });
    await page.goto(`${world.url}/#/audit-events`);
    await page.getByText('Accesso negato').first().waitFor();
    await signOut(page);
  });

  it('an accountant: no orders to place, no customers to register; payments and the audit log', async () => {
    await signIn(page, world.url, 'accountant');
    // The dashboard: one order to pay (its amount due), today's sales, the revenue chart.
    await expect.poll(() => page.getByTestId('kpi-unpaid-main').textContent()).toBe('1');
    await expect.poll(() => page.getByTestId('kpi-unpaid-sub').textContent()).toBe('Da incassare: 13,42 €');
    await expect.poll(() => page.getByTestId('kpi-today-main').textContent()).toBe('26,84 €');
    await expect.poll(() => page.getByTestId('kpi-month-main').textContent()).toBe('26,84 €');
    await page.getByRole('img', { name: /Fatturato per mese/ }).waitFor();
    await page.getByTestId('projection-lag').waitFor();
    await screenshot(page, 'accountant-dashboard');
    const menu = await menuItems();
    expect(menu).toContain('Registro eventi');
    expect(menu).toContain('Registro IVA');
    expect(menu).not.toContain('Utenti del personale');

    await openMenu(page, 'Ordini');
    await page.getByTestId('orderStatus-fulfilled').first().waitFor();
    expect(await page.getByRole('link', { name: 'Crea' }).count()).toBe(0);
    expect(await force('POST', '/api/orders', { customerId, manual: { lines: [{ productCode: 'RIN-FIRMA', quantity: 1 }] }, payment: { mode: 'prepaid' } })).toMatchObject({
      status: 403,
    });

    await page.goto(`${world.url}/#/customers/${customerId}/show`);
    await page.getByTestId('prepaid-balance').waitFor();
    await page.getByRole('button', { name: 'Ricarica conto prepagato' }).waitFor();
    expect(await page.getByRole('link', { name: 'Nuovo ordine' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Cambia e-mail' }).count()).toBe(0);
    expect(await force('POST', `/api/customers/${customerId}/email`, { email: 'x@example.it' })).toMatchObject({ status: 403 });
    // Accountants ask for a manual adjustment; it moves no money until another supervisor approves
    // it. The old direct credit is gone.
    const before = (await page.getByTestId('prepaid-balance').textContent()) ?? '';
    expect(await page.getByRole('button', { name: 'Accredita' }).count()).toBe(0);
    expect(await force('POST', `/api/customers/${customerId}/prepaid/credits`, { amountCents: 100_000_000 })).toMatchObject({ status: 404 });
    await page.getByRole('button', { name: 'Richiedi rettifica' }).click();
    await page.getByRole('dialog').getByRole('textbox', { name: 'Importo' }).fill('5');
    await page.getByRole('dialog').getByRole('textbox', { name: 'Motivo' }).fill('Rimborso pagato in contanti il 3 ottobre');
    await page.getByRole('dialog').getByRole('button', { name: 'Richiedi rettifica' }).click();
    await page.getByText(/Rettifica richiesta/).waitFor();
    expect(await page.getByTestId('prepaid-balance').textContent()).toBe(before);
    await openMenu(page, 'Rettifiche prepagato');
    await page.getByRole('cell', { name: 'Rimborso pagato in contanti il 3 ottobre' }).click();
    await page.getByTestId('adjustmentStatus-pending').first().waitFor();
    expect(await page.getByRole('button', { name: 'Approva e accredita' }).count()).toBe(0);

    await openMenu(page, 'Clienti');
    await page.getByRole('cell', { name: 'Mario Rossi' }).waitFor();
    expect(await page.getByRole('link', { name: 'Crea' }).count()).toBe(0);

    await openMenu(page, 'Pagamenti');
    await page.getByRole('link', { name: 'Crea' }).waitFor();
    await screenshot(page, 'payments-list');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await signOut(page);
  });

  it('a supervisor: approvals — refunds unused coupons (credit note), changes a price, approves an adjustment', async () => {
    await signIn(page, world.url, 'supervisor');
    await page.goto(`${world.url}/#/orders/${paidOrder}/show`);
    await page.getByTestId('orderStatus-fulfilled').first().waitFor();
    await page.getByRole('button', { name: 'Rimborsa coupon non usati' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: 'Sul conto prepagato' }).check();
    await dialog.getByRole('button', { name: 'Rimborsa coupon non usati' }).click();
    await page.getByTestId('orderStatus-refunded').first().waitFor();
    await page.getByRole('link', { name: /PDF nota di credito 1\// }).waitFor();
    await expect.poll(() => page.getByTestId('order-coupons').getByTestId('couponState-cancelled').count()).toBe(2);
    await screenshot(page, 'order-show-refunded');

    // The catalogue: a new product, with its price typed the Italian way, then withdrawn.
    await openMenu(page, 'Catalogo');
    await page.getByRole('cell', { name: 'RIN-FIRMA-CNS', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Crea' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/products\/create$/);
    await page.getByRole('textbox', { name: 'Codice', exact: true }).fill('rin-firma-not');
    await page.getByRole('textbox', { name: 'Descrizione' }).fill('Coupon Rinnovo Certificato Sottoscrizione con Ruolo Notai');
    await page.getByRole('combobox', { name: 'Rinnova' }).click();
    await page.getByRole('option', { name: 'Sottoscrizione', exact: true }).click();
    await page.getByRole('textbox', { name: 'Ruolo professionale' }).fill('Notai');
    await page.getByRole('textbox', { name: 'Prezzo (IVA esclusa)' }).fill('12,00');
    await screenshot(page, 'product-create');
    await page.getByRole('button', { name: 'Salva' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/products\/RIN-FIRMA-NOT\/show$/);
    await page.getByText('14,64 €', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Ritira dalla vendita' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Ritira dalla vendita' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Cambia prezzo' }).count()).toBe(0);

    await openMenu(page, 'Catalogo');
    await page.getByRole('cell', { name: 'RIN-CNS', exact: true }).first().click();
    await page.getByRole('button', { name: 'Cambia prezzo' }).click();
    await page.getByRole('dialog').getByRole('textbox', { name: 'Nuovo prezzo (IVA esclusa)' }).fill('11,5');
    await page.getByRole('dialog').getByRole('button', { name: 'Cambia prezzo' }).click();
    await page.getByText('11,50 €', { exact: true }).first().waitFor();
    await screenshot(page, 'product-show');

    // The unpaid order is cancelled by the desk (supervisors do all the desk does).
    await page.goto(`${world.url}/#/orders/${unpaidOrder}/show`);
    await page.getByTestId('rf-reference').waitFor();
    await page.getByRole('button', { name: 'Annulla ordine' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Annulla ordine' }).click();
    // Without a reason the server refuses: its message is on the field.
    await page.getByRole('dialog').getByText(/Obbligatorio|reason/).first().waitFor();
    await page.getByRole('dialog').getByRole('textbox', { name: "Motivo dell'annullamento" }).fill('Il cliente ha cambiato idea');
    await page.getByRole('dialog').getByRole('button', { name: 'Annulla ordine' }).click();
    await page.getByTestId('orderStatus-cancelled').first().waitFor();

    await openMenu(page, 'Note di credito');
    await page.getByRole('cell', { name: `1/${new Date().getFullYear()}`, exact: true }).first().waitFor();
    await screenshot(page, 'credit-notes-list');

    // The accountant's adjustment, approved by the supervisor: credited, and shown as such.
    await openMenu(page, 'Rettifiche prepagato');
    await page.getByRole('cell', { name: 'Rimborso pagato in contanti il 3 ottobre' }).click();
    await page.getByRole('button', { name: 'Approva e accredita' }).click();
    await screenshot(page, 'adjustment-approve');
    await page.getByRole('dialog').getByRole('button', { name: 'Approva e accredita' }).click();
    await page.getByText(/Rettifica approvata; saldo/).waitFor();
    await page.getByTestId('adjustmentStatus-approved').first().waitFor();
    expect(await page.getByRole('button', { name: 'Approva e accredita' }).count()).toBe(0);
    await page.goto(`${world.url}/#/customers/${customerId}/show`);
    await page.getByRole('cell', { name: 'Rettifica approvata', exact: true }).waitFor();
    await page.getByText(/Richiesta da .*approvata da Sergio Verdi/).waitFor();
    await screenshot(page, 'customer-adjustment-movement');
    await signOut(page);
  });

  it('an admin: staff users only; business data is refused', async () => {
    if ((await page.getByRole('button', { name: 'Accedi' }).count()) === 0) await signOut(page);
    await page.getByRole('textbox', { name: 'Nome utente' }).fill('e2e.admin');
    await page.locator('input[name="password"]').fill('a long enough admin password');
    await page.getByRole('button', { name: 'Accedi' }).click();
    await page.getByRole('button', { name: /^Profilo/ }).waitFor();
    await page.getByRole('menuitem', { name: 'Cruscotto' }).click();
    expect(await menuItems()).toEqual(['Cruscotto', 'Politiche emittenti', 'Verifica del registro', 'Utenti del personale', 'Richieste di modifica del personale']);
    expect(await force('GET', '/api/orders')).toMatchObject({ status: 403 });
    await screenshot(page, 'admin-dashboard');
    expectNoPageErrors(world.browser);
  });
});
