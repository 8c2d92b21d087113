// The verifiable log in a real browser, as an accountant: "Verifica del registro" says the log was
// never verified, "Verifica ora" proves the chain and shows the head hash, and the verified head is
// e-mailed to the accountants' mailbox.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoPageErrors, openMenu, signIn, startWorld, type World } from './scenario';
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

describe("the log's verification in the console", () => {
  it('an accountant verifies the log, reads the head and e-mails it to the accountants', async () => {
    await signIn(page, world.url, 'accountant');
    await openMenu(page, 'Verifica del registro');
    await page.getByTestId('log-never-verified').waitFor();

    await page.getByRole('button', { name: 'Verifica ora' }).click();
    const result = page.getByTestId('log-last-verification');
    await result.getByText(/catena integra/).waitFor({ timeout: 30_000 });
    const head = (await page.getByTestId('log-head').textContent()) ?? '';
    expect(head).toMatch(/^\d+:[0-9a-f]{64}$/);
    await screenshot(page, 'log-verification');
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    await page.getByLabel('Indirizzo dei contabili').fill('contabilita@example.it');
    await page.getByRole('button', { name: 'Invia per e-mail la testa verificata' }).click();
    await page.getByText(/in invio a contabilita@example.it/).waitFor();
    const [mail] = await world.smtp.waitForMessages(1, 30_000, (m) => (m.subject ?? '').startsWith('Registro degli eventi'));
    // The e-mail carries the head the verification proved (the page's head now is the LogVerified event after it).
    const verified = (await (await world.api.accountant.get('/api/log-verification')).json()) as { last: { head: { position: number; hash: string } } };
    expect(mail!.text).toContain(`${verified.last.head.position}:${verified.last.head.hash}`);
    expectNoPageErrors(world.browser);
  });
});
