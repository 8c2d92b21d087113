// The payment notice of a direct (RF) order (issue #19, point 2): its data for the console, the PDF
// with the EPC QR code (read back by zbarimg, as a banking app would read it), and the e-mail queued
// when the order is placed, sent once through a real SMTP server, again not after a restart.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressObject } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { formatRf } from '../../../domain/shared/rfReference';
import { pdfText } from '../../support/pdf';
import { tempDir } from '../../support/tmp';
import { addGuideProducts, allEvents, expectStatus, manualOrder, registerPerson, startApi, topUp, type ApiWorld } from './support';

let world: ApiWorld | undefined;
const dirs: Array<{ remove(): void }> = [];
afterEach(async () => {
  await world?.close();
  world = undefined;
  for (const d of dirs.splice(0)) d.remove();
});

const IBAN = 'IT28X0999912345000000123456';

/** The QR codes of the PDF's first page, decoded by zbarimg from a 200 dpi rendering. */
function qrCodesIn(pdf: Buffer): string[] {
  const dir = tempDir('qr-');
  dirs.push(dir);
  writeFileSync(join(dir.path, 'notice.pdf'), pdf);
  execFileSync('pdftoppm', ['-png', '-r', '200', '-f', '1', '-l', '1', join(dir.path, 'notice.pdf'), join(dir.path, 'page')]);
  const page = readdirSync(dir.path).find((f) => f.endsWith('.png'))!;
  const out = execFileSync('zbarimg', ['--raw', '-q', '-Sbinary', join(dir.path, page)]);
  return [out.toString('utf8').replace(/\n$/, '')];
}

async function directOrder(w: ApiWorld) {
  await addGuideProducts(w);
  const customerId = await registerPerson(w);
  const placed = expectStatus(await w.operator.post('/api/orders', manualOrder(customerId, { mode: 'direct', method: 'bank_transfer' })), 201).json();
  return { customerId, placed };
}

describe('the payment notice of a direct order', () => {
  it('gives beneficiary, IBAN, amount due, RF and expiry; the PDF shows them in Italian with an EPC QR code a banking app reads', async () => {
    world = await startApi();
    const { placed } = await directOrder(world);
    const total = placed.order.totals.totalCents as number;

    const notice = expectStatus(await world.accountant.get(`/api/orders/${placed.id}/payment-notice`), 200).json();
    expect(notice).toEqual({
      orderId: placed.id,
      beneficiary: 'Firma Facile S.r.l.',
      iban: IBAN,
      bic: null,
      amountCents: total,
      rfReference: placed.rfReference,
      expiresAt: placed.order.payment.expiresAt,
    });

    const answer = expectStatus(await world.operator.get(`/api/orders/${placed.id}/payment-notice.pdf`), 200);
    expect(answer.headers.get('content-type')).toBe('application/pdf');
    expect(answer.headers.get('content-disposition')).toBe(`attachment; filename="avviso-di-pagamento-${placed.rfReference}.pdf"`);
    const text = pdfText(answer.body);
    expect(text).toContain('Avviso di pagamento');
    expect(text).toContain('Firma Facile S.r.l.');
    expect(text).toContain('IT28 X099 9912 3450 0000 0123 456');
    expect(text).toContain(formatRf(placed.rfReference));
    const euros = `${Math.floor(total / 100)},${String(total % 100).padStart(2, '0')} €`;
    expect(text).toContain(euros);
    // The expiry, as a date in Rome (30 days after placing, the default).
    expect(text).toMatch(/Da pagare entro il\s+\d{2}\/\d{2}\/\d{4}/);

    const [payload] = qrCodesIn(answer.body);
    expect(payload!.split('\n')).toEqual([
      'BCD',
      '002',
      '1',
      'SCT',
      '',
      'Firma Facile S.r.l.',
      IBAN,
      `EUR${Math.floor(total / 100)}.${String(total % 100).padStart(2, '0')}`,
      '',
      placed.rfReference,
    ]);
  });

  it('is refused for a prepaid order and for an order already paid, saying why; the anonymous get 401', async () => {
    world = await startApi();
    const { customerId, placed } = await directOrder(world);
    await topUp(world, customerId, 10_000);
    const prepaid = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' })), 201).json();
    const refused = await world.operator.get(`/api/orders/${prepaid.id}/payment-notice.pdf`);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.json()).toMatchObject({ code: 'order_not_direct' });

    expectStatus(await world.accountant.post('/api/payments', {
      amountCents: placed.order.totals.totalCents,
      method: 'bank_transfer',
      receivedOn: '2026-11-23',
      payer: 'Mario Rossi',
      bankReference: 'CRO 0001',
      reason: `Bonifico ${placed.rfReference}`,
    }), 201);
    await world.idle();
    const paid = await world.operator.get(`/api/orders/${placed.id}/payment-notice`);
    expect(paid.json()).toMatchObject({ code: 'order_already_paid' });
    expect((await world.anonymous.get(`/api/orders/${placed.id}/payment-notice.pdf`)).status).toBe(401);
    expect((await world.operator.get(`/api/orders/${randomUUID()}/payment-notice.pdf`)).json()).toMatchObject({ code: 'order_not_found' });
  });

  it('is e-mailed to the customer when the order is placed, in Italian with the PDF attached, once, and not again after a restart', async () => {
    const dir = tempDir('bo-notice-');
    dirs.push(dir);
    world = await startApi({ dataDir: dir.path });
    const { placed } = await directOrder(world);
    const [mail] = await world.smtp.waitForMessages(1);
    await world.idle();
    expect(world.smtp.messages).toHaveLength(1);
    expect((mail!.to as AddressObject).value[0]!.address).toBe('mario.rossi@example.it');
    expect(mail!.subject).toBe(`Avviso di pagamento: ordine ${formatRf(placed.rfReference)}, ${mail!.subject!.split(', ').pop()}`);
    expect(mail!.text).toContain('Gentile Mario Rossi');
    expect(mail!.text).toContain('IBAN: IT28 X099 9912 3450 0000 0123 456');
    expect(mail!.text).toContain(`Causale: ${formatRf(placed.rfReference)}`);
    expect(mail!.attachments).toHaveLength(1);
    const attached = mail!.attachments[0]!;
    expect(attached.filename).toBe(`avviso-di-pagamento-${placed.rfReference}.pdf`);
    expect(attached.contentType).toBe('application/pdf');
    expect(pdfText(attached.content)).toContain(formatRf(placed.rfReference));
    expect(qrCodesIn(attached.content)[0]).toContain(placed.rfReference);

    const events = await allEvents(world.store);
    expect(events.filter((e) => e.type === 'EmailQueued' && (e.data as { purpose: string }).purpose === 'payment_notice')).toHaveLength(1);
    await world.close();
    world = undefined;

    world = await startApi({ dataDir: dir.path });
    await world.app.salesReactors!.live;
    await world.idle();
    expect(world.smtp.messages).toHaveLength(0);
    expect((await allEvents(world.store)).filter((e) => e.type === 'EmailSent')).toHaveLength(1);
  });
});
