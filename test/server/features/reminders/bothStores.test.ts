// A renewal reminder on both event stores (the embedded SQLite store and the EventStoreDB test
// server): due at 30 days, claimed once although two checks race, e-mailed once through the outbox.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../../../events/eventCatalogue';
import { registerCustomer } from '../../../../server/features/customers/service';
import { registerDevice } from '../../../../server/features/devices/service';
import { eventStores } from '../../../support/eventStores';
import { startTestApp, type TestApp } from '../../../support/app';

const DAY = 86_400_000;

describe.each(eventStores)('renewal reminders on %s', (_name, open) => {
  let t: TestApp | undefined;
  let stop: () => Promise<void> = async () => {};
  afterEach(async () => {
    await t?.close();
    await stop();
  });

  it('claims the 30-day reminder once and e-mails it once', async () => {
    const opened = await open();
    stop = opened.stop;
    t = await startTestApp({
      ...(opened.store ? { store: opened.store } : {}),
      smtp: 'used',
      sales: { settings: { reminderCheckIntervalMs: 3_600_000 }, outbox: { firstDelayMs: 20, maxDelayMs: 100, maxAttempts: 5 } },
    });
    const deps = t.app.sales;
    const ctx = () => ({ actor: SYSTEM_ACTOR, at: t!.clock.now().toISOString(), correlationId: randomUUID(), causationId: null });
    await registerCustomer(
      deps,
      { kind: 'person', name: 'Mario', surname: 'Rossi', codiceFiscale: 'RSSMRA80A01H501U', email: 'mario.rossi@example.it', billingAddress: { street: 'Via del Corso 10', postalCode: '00186', city: 'Roma', province: 'RM' } },
      ctx(),
    );
    const now = t.clock.now().getTime();
    const until = new Date(now + 100 * DAY).toISOString();
    await registerDevice(
      deps,
      {
        serial: '1205100001',
        kind: 'smart_card',
        issuer: 'Camera di Commercio di Roma',
        issuedOn: '2024-01-10',
        holderCodiceFiscale: 'RSSMRA80A01H501U',
        certificates: [{ kind: 'signing', serialNumber: 'S1', validFrom: new Date(now - 1000 * DAY).toISOString(), validUntil: until }],
      },
      ctx(),
    );
    t.clock.current = new Date(now + 100 * DAY + DAY - 30 * DAY + 1000);
    await t.app.projections.waitFor(await t.store.headPosition());
    const reminders = t.app.salesReactors!.reminders!;
    reminders.checkNow();
    reminders.checkNow();
    await t.app.salesReactors!.idle();
    await t.smtp!.waitForMessages(1);
    expect((await t.store.readStream('reminder-1205100001-S1-30')).map((e) => e.type)).toEqual(['RenewalReminderSent']);
    expect(t.smtp!.messages).toHaveLength(1);
    expect(t.smtp!.messages[0]!.subject).toBe('Promemoria: rinnovi il certificato del dispositivo 1205100001 entro il 05/03/2027');
  }, 60_000);
});
