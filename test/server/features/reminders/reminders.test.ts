// Renewal reminders (issue #16): e-mailed to the holder (and to the buyer of the device's latest
// order, when another customer) at 60, 30, 7 and 1 days before the deadline (the window's close
// under the issuer's policy: notAfter + 24 h for the guides), once each, not after a renewal, not
// for a revoked certificate or a device no longer active; one due while the server was down goes out
// at start, only the latest one due. Over HTTP with the test clock and a real SMTP server.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { renewCertificate, revokeCertificate, changeDeviceStatus, deviceAggregate, streamOf as deviceStream } from '../../../../domain/devices/decider';
import { SYSTEM_ACTOR } from '../../../../events/eventCatalogue';
import { appendEvents, handleCommand } from '../../../../server/commands/handle';
import { reminderEmailId } from '../../../../server/features/reminders/service';
import { tempDir } from '../../../support/tmp';
import {
  addGuideProducts,
  DAY,
  expectStatus,
  LAURA_CF,
  loggedIn,
  MARIO_CF,
  registerCard,
  registerPerson,
  startApi,
  streamTypes,
  topUp,
  type ApiWorld,
} from '../../api/support';

const worlds: ApiWorld[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.close();
});

async function world(options: Parameters<typeof startApi>[0] = {}): Promise<ApiWorld> {
  const w = await startApi({ ...options, settings: { reminderCheckIntervalMs: 3_600_000, ...options.settings } });
  worlds.push(w);
  return w;
}

/** What the reactor's timer does: look for reminders due at the clock's time, send them. */
async function remind(w: ApiWorld): Promise<void> {
  await w.app.projections.waitFor(await w.store.headPosition());
  w.app.salesReactors!.reminders!.checkNow();
  await w.idle();
  await w.app.projections.waitFor(await w.store.headPosition());
}

const SERIAL = '1205100001';
/** registerCard(…, 100) at TEST_NOW: notAfter 2027-03-04T09:00Z, deadline 24 h later (10:00 in Rome). */
const DEADLINE = '2027-03-05T09:00:00.000Z';
const before = (days: number, ms = 0) => new Date(Date.parse(DEADLINE) - days * DAY + ms);

function setClock(w: ApiWorld, at: Date): void {
  w.clock.current = at;
}

const ctx = (w: ApiWorld) => ({ actor: SYSTEM_ACTOR, at: w.clock.now().toISOString(), correlationId: randomUUID(), causationId: null });

describe('renewal reminders', () => {
  it('goes out at 60, 30, 7 and 1 days before the deadline, one e-mail for both certificates, once each, none after the deadline', async () => {
    const w = await world();
    await addGuideProducts(w);
    await registerPerson(w); // Mario, the holder
    expectStatus(await registerCard(w, SERIAL, MARIO_CF, 100), 201);

    await remind(w);
    expect(w.smtp.messages).toHaveLength(0); // 100 days before: nothing yet

    const sent: number[] = [];
    for (const offset of [60, 30, 7, 1]) {
      setClock(w, before(offset, -1000)); // a second early: not yet
      await remind(w);
      expect(w.smtp.messages, `just before ${offset} days`).toHaveLength(sent.length);
      setClock(w, before(offset, 1000));
      await remind(w);
      await remind(w); // checking again sends nothing more
      sent.push(offset);
      expect(w.smtp.messages, `at ${offset} days`).toHaveLength(sent.length);
      expect(w.smtp.messages.at(-1)!.to).toMatchObject({ text: 'mario.rossi@example.it' });
      // Both certificates claimed at this offset, one e-mail between them.
      expect(await streamTypes(w.store, `reminder-${SERIAL}-S${SERIAL}-${offset}`)).toEqual(['RenewalReminderSent']);
      expect(await streamTypes(w.store, `reminder-${SERIAL}-A${SERIAL}-${offset}`)).toEqual(['RenewalReminderSent']);
    }
    setClock(w, new Date(Date.parse(DEADLINE) + 1000));
    await remind(w);
    expect(w.smtp.messages).toHaveLength(4);

    // The read API lists them: 2 certificates × 4 offsets, newest first (a new session: the clock moved).
    const accountant = await loggedIn(w, 'contabile');
    const list = expectStatus(await accountant.get('/api/reminders'), 200);
    expect(list.headers.get('content-range')).toMatch(/\/8$/);
    const rows = list.json() as Array<{ deviceSerial: string; offsetDays: number; certificateKind: string; recipients: unknown[]; deadline: string }>;
    expect(rows.map((r) => r.offsetDays)).toEqual([1, 1, 7, 7, 30, 30, 60, 60]);
    expect(rows[0]).toMatchObject({ deviceSerial: SERIAL, deadline: DEADLINE, recipientCount: 1, recipients: [{ role: 'holder' }] });
    const byOffset = expectStatus(await accountant.get(`/api/reminders?filter=${encodeURIComponent(JSON.stringify({ offsetDays: 7 }))}`), 200).json();
    expect(byOffset).toHaveLength(2);
  }, 60_000);

  it('writes in Italian what to buy and where to renew, with the dates in Rome, to the holder and to the buyer', async () => {
    const w = await world();
    await addGuideProducts(w);
    await registerPerson(w); // Mario, the holder
    const laura = await registerPerson(w, { name: 'Laura', surname: 'Bianchi', codiceFiscale: LAURA_CF, email: 'laura.bianchi@example.it' });
    await topUp(w, laura, 10_000);
    expectStatus(await registerCard(w, SERIAL, MARIO_CF, 100), 201);
    // Laura buys the coupons for Mario's card: she is the buyer of its latest order.
    expectStatus(
      await w.operator.post('/api/orders', { customerId: laura, guided: { holderCodiceFiscale: MARIO_CF, deviceSerial: SERIAL }, payment: { mode: 'prepaid' } }),
      201,
    );
    await w.idle();
    const couponMails = w.smtp.messages.length;

    setClock(w, before(7, 1000));
    await remind(w);
    const mails = w.smtp.messages.slice(couponMails);
    expect(mails.map((m) => m.to && 'text' in m.to ? m.to.text : '').sort()).toEqual(['laura.bianchi@example.it', 'mario.rossi@example.it']);
    const mario = mails.find((m) => m.to && 'text' in m.to && m.to.text === 'mario.rossi@example.it')!;
    expect(mario.subject).toBe(`Promemoria: rinnovi i certificati del dispositivo ${SERIAL} entro il 05/03/2027`);
    const text = mario.text!;
    expect(text).toContain('Gentile Mario Rossi,');
    expect(text).toContain(`i certificati del suo dispositivo di firma ${SERIAL} vanno rinnovati entro il 05/03/2027 10:00 (tra 7 giorni)`);
    expect(text).toContain(`Sottoscrizione (firma digitale), numero di serie S${SERIAL}: scade il 04/03/2027 10:00`);
    expect(text).toContain(`Autenticazione (CNS), numero di serie A${SERIAL}: scade il 04/03/2027 10:00`);
    expect(text).toContain('Coupon Rinnovo Certificato Sottoscrizione (RIN-FIRMA): 13,42 € IVA inclusa');
    expect(text).toContain('Coupon Rinnovo Certificato Autenticazione (RIN-CNS): 13,42 € IVA inclusa');
    expect(text).toContain('http://localhost:3000/rinnovo');
    expect(mario.html).toContain('<a href="http://localhost:3000/rinnovo">');
    const lauraMail = mails.find((m) => m !== mario)!;
    expect(lauraMail.text).toContain('Gentile Laura Bianchi,');
    expect(lauraMail.text).toContain(`(titolare: codice fiscale ${MARIO_CF}), per il quale ha acquistato l'ultimo rinnovo`);

    const accountant = await loggedIn(w, 'contabile');
    const [row] = expectStatus(await accountant.get(`/api/reminders?filter=${encodeURIComponent(JSON.stringify({ certificateKind: 'signing' }))}`), 200).json();
    expect(row).toMatchObject({ offsetDays: 7, recipientCount: 2, buyerCustomerId: laura });
    // The outbox lists them as reminders, for the device.
    const emails = expectStatus(await accountant.get(`/api/emails?filter=${encodeURIComponent(JSON.stringify({ deviceSerial: SERIAL }))}`), 200).json();
    expect(emails.map((e: { reason: string; state: string }) => [e.reason, e.state])).toEqual([
      ['reminder', 'sent'],
      ['reminder', 'sent'],
    ]);
  }, 60_000);

  it('is not sent once the certificate is renewed, revoked, or the device is not active', async () => {
    const w = await world();
    await addGuideProducts(w);
    await registerPerson(w);
    for (const serial of ['1205100001', '1205100002', '1205100003']) expectStatus(await registerCard(w, serial, MARIO_CF, 100), 201);
    setClock(w, before(30, 1000));
    await remind(w);
    expect(w.smtp.messages).toHaveLength(3);

    // Before the 7-day reminder: the first card's certificates renewed (3 years), the second's signing
    // certificate revoked and the card lost, the third left alone.
    const renewedUntil = new Date(w.clock.now().getTime() + 3 * 365 * DAY).toISOString();
    for (const kind of ['signing', 'authentication'] as const) {
      await handleCommand(w.app.sales, deviceStream('1205100001'), deviceAggregate, (s) =>
        renewCertificate({ kind, serialNumber: `N${kind[0]}1205100001`, validFrom: w.clock.now().toISOString(), validUntil: renewedUntil, at: w.clock.now().toISOString() }, s),
      ctx(w));
    }
    await handleCommand(w.app.sales, deviceStream('1205100002'), deviceAggregate, (s) =>
      revokeCertificate({ kind: 'signing', reason: 'keyCompromise', revokedBy: 'test', at: w.clock.now().toISOString() }, s),
    ctx(w));
    await handleCommand(w.app.sales, deviceStream('1205100002'), deviceAggregate, (s) =>
      changeDeviceStatus({ to: 'lost', reason: 'smarrita', changedBy: 'test', at: w.clock.now().toISOString() }, s),
    ctx(w));

    setClock(w, before(7, 1000));
    await remind(w);
    expect(w.smtp.messages).toHaveLength(4);
    expect(w.smtp.messages.at(-1)!.subject).toContain('1205100003');
    expect(await streamTypes(w.store, 'reminder-1205100001-S1205100001-7')).toEqual([]);
    expect(await streamTypes(w.store, 'reminder-1205100002-A1205100002-7')).toEqual([]);
  }, 60_000);

  it('after a restart sends nothing twice, and a reminder due while it was down goes out at start: only the latest one due', async () => {
    // The data directory outlives each server (a world started on it leaves it at close).
    const dir = tempDir('bo-reminders-restart-');
    onTestFinished(() => dir.remove());
    const dataDir = dir.path;
    const first = await world({ dataDir });
    await addGuideProducts(first);
    await registerPerson(first);
    expectStatus(await registerCard(first, '1205100001', MARIO_CF, 100), 201);
    expectStatus(await registerCard(first, '1205100002', MARIO_CF, 100), 201);
    setClock(first, before(60, 1000));
    await remind(first);
    expect(first.smtp.messages).toHaveLength(2);
    await first.close();
    worlds.splice(worlds.indexOf(first), 1);

    // Restarted at the same time: the start's own check finds both sent.
    const again = await world({ dataDir, start: before(60, 2000).toISOString() });
    await again.app.salesReactors!.live;
    await remind(again);
    expect(again.smtp.messages).toHaveLength(0);
    await again.close();
    worlds.splice(worlds.indexOf(again), 1);

    // Down through the 30- and 7-day reminders, restarted 5 days before the deadline: the 7-day one
    // goes out at start, on its own (no check asked), and not the 30-day one.
    const late = await world({ dataDir, start: before(5).toISOString() });
    await late.app.salesReactors!.live;
    await late.smtp.waitForMessages(2);
    await late.idle();
    expect(late.smtp.messages).toHaveLength(2);
    for (const serial of ['1205100001', '1205100002']) {
      expect(await streamTypes(late.store, `reminder-${serial}-S${serial}-7`)).toEqual(['RenewalReminderSent']);
      expect(await streamTypes(late.store, `reminder-${serial}-S${serial}-30`)).toEqual([]);
    }
    expect(late.smtp.messages[0]!.text).toContain('(tra 5 giorni)');
  }, 60_000);

  it('queues the e-mails of a reminder recorded by a server that died before queueing them, once', async () => {
    const w = await world();
    await addGuideProducts(w);
    const mario = await registerPerson(w);
    expectStatus(await registerCard(w, SERIAL, MARIO_CF, 100), 201);
    setClock(w, before(7, 1000));
    // What a server killed between the claims and the queueing leaves: both certificates' reminders
    // recorded (one e-mail between them, named after the first), the e-mail never queued.
    const claim = `reminder-${SERIAL}-S${SERIAL}-7`;
    const emailId = reminderEmailId(claim, 'holder');
    for (const [kind, serialNumber] of [['signing', `S${SERIAL}`], ['authentication', `A${SERIAL}`]] as const) {
      await appendEvents(w.app.sales, `reminder-${SERIAL}-${serialNumber}-7`, [{
        type: 'RenewalReminderSent',
        data: {
          deviceSerial: SERIAL, certificateKind: kind, certificateSerialNumber: serialNumber, offsetDays: 7, deadline: DEADLINE,
          emailIds: [emailId], recipients: [{ emailId, customerId: mario, role: 'holder' }], sentAt: w.clock.now().toISOString(),
        },
      }], 'no_stream', ctx(w));
    }
    await remind(w);
    await remind(w);
    expect(w.smtp.messages).toHaveLength(1);
    expect(await streamTypes(w.store, `email-${emailId}`)).toEqual(['EmailQueued', 'EmailAttemptStarted', 'EmailSent']);
    expect(await streamTypes(w.store, claim)).toEqual(['RenewalReminderSent']);
    expect(await streamTypes(w.store, `reminder-${SERIAL}-A${SERIAL}-7`)).toEqual(['RenewalReminderSent']);
  }, 60_000);
});
