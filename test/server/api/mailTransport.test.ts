// Without SMTP_URL: outside the demo no e-mail is ever recorded as sent (every attempt fails and
// says why); in the demo each e-mail is written to DATA_DIR/demo-mail and recorded as sent.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SMTP_UNSET } from '../../../server/plugins/app/sales';
import { addGuideProducts, allEvents, codesIn, eventually, expectStatus, manualOrder, registerPerson, startApi, topUp, type ApiWorld } from './support';

let world: ApiWorld;
afterEach(async () => {
  await world?.close();
});

async function buyTwoCoupons(): Promise<void> {
  await addGuideProducts(world);
  const customerId = await registerPerson(world);
  await topUp(world, customerId, 5000);
  expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' }, 'RIN-FIRMA', 2)), 201);
}

describe('coupon e-mails without SMTP_URL', () => {
  it('outside the demo: the attempts fail with "SMTP_URL is not set" and the e-mail is given up, never recorded as sent', async () => {
    world = await startApi({ noSmtp: true });
    await buyTwoCoupons();
    await eventually(async () => (await allEvents(world.store)).some((e) => e.type === 'EmailGaveUp'));
    const events = await allEvents(world.store);
    expect(events.filter((e) => e.type === 'EmailSent')).toHaveLength(0);
    const failures = events.filter((e) => e.type === 'EmailAttemptFailed');
    expect(failures.length).toBeGreaterThan(0);
    expect(JSON.stringify(failures[0]!.data)).toContain(SMTP_UNSET);
    expect(world.smtp.messages).toHaveLength(0);
  });

  it('in the demo: written to DATA_DIR/demo-mail (mode 0600) and recorded as sent', async () => {
    world = await startApi({ noSmtp: true, demo: true });
    await buyTwoCoupons();
    await eventually(async () => (await allEvents(world.store)).some((e) => e.type === 'EmailSent'));
    const dir = join(world.dataDir, 'demo-mail');
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(statSync(join(dir, files[0]!)).mode & 0o777).toBe(0o600);
    const raw = readFileSync(join(dir, files[0]!), 'utf8');
    expect(raw).toMatch(/^To: mario\.rossi@example\.it$/m);
    expect(new Set(codesIn(raw.replace(/=\r?\n/g, ''))).size).toBe(2); // in the text and in the HTML part
    expect(world.smtp.messages).toHaveLength(0);
  });
});
