// The SdI's receipts over HTTP on the real app (SQLite store, read models): an accountant uploads
// an NS and the invoice is listed as rejected with the SdI's error codes, then an RC and it is
// delivered; the same receipt twice is recorded once; several receipts in one request get a report
// each; a bad file is refused naming the problem with nothing recorded. And a month's FatturaPA
// files as one zip.
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSalesSettings } from '../../../server/features/deps';
import { getOrder } from '../../../server/features/services';
import { validateAgainstFatturaPaSchema } from '../../../server/features/invoicing/fatturapa/xsdValidation';
import { mc, ns, rc } from '../features/sdi/fixtures';
import { addGuideProducts, allEvents, expectStatus, manualOrder, registerPerson, startApi, topUp, type Answer, type ApiWorld } from './support';

let world: ApiWorld;
let invoiceId: string;
let creditNoteId: string;
const SELLER = defaultSalesSettings.seller.partitaIva;
const INVOICE_FILE = `IT${SELLER}_1G001.xml`;
const NOTE_FILE = `IT${SELLER}_1H001.xml`;

const upload = (xml: string, fileName: string, who: 'accountant' | 'admin' | 'operator' | 'supervisor' = 'accountant'): Promise<Answer> =>
  world[who].request('POST', `/api/sdi-receipts?fileName=${encodeURIComponent(fileName)}`, { raw: xml, contentType: 'application/xml' });
const sdiEvents = async () => (await allEvents(world.store)).filter((e) => e.type === 'SdiReceiptRecorded').length;
const list = async (resource: string, filter: object) =>
  expectStatus(await world.accountant.get(`/api/${resource}?filter=${encodeURIComponent(JSON.stringify(filter))}`), 200).json<Array<Record<string, any>>>();

beforeAll(async () => {
  world = await startApi();
  await addGuideProducts(world);
  const customerId = await registerPerson(world);
  await topUp(world, customerId, 5000);
  const placed = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' }, 'RIN-FIRMA', 2)), 201).json();
  await world.idle();
  const order = await getOrder(world.app.sales, placed.id);
  invoiceId = order.fulfilment!.invoiceId;
  world.clock.advance(30 * 60_000);
  const refund = expectStatus(await world.supervisor.post(`/api/orders/${placed.id}/refund`, { couponIds: [order.fulfilment!.couponIds[0]], refundTo: 'prepaid' }), 200).json();
  creditNoteId = refund.creditNoteId;
  await world.idle();
}, 60_000);
afterAll(async () => world?.close());

describe("the SdI's receipts", () => {
  it('invoices and credit notes are awaiting, with their FatturaPA file name', async () => {
    const invoice = expectStatus(await world.accountant.get(`/api/invoices/${invoiceId}`), 200).json();
    expect(invoice).toMatchObject({ fatturapaFileName: INVOICE_FILE, sdiState: 'awaiting', sdiErrorCodes: null, sdiReceipts: [] });
    expect(expectStatus(await world.accountant.get(`/api/credit-notes/${creditNoteId}`), 200).json()).toMatchObject({ fatturapaFileName: NOTE_FILE, sdiState: 'awaiting' });
  });

  it('an NS rejects the invoice: listed among the rejected with the SdI error codes; the same NS again changes nothing', async () => {
    const notice = ns({
      fileName: INVOICE_FILE,
      messageId: '9000001',
      receivedAt: '2026-11-25T10:15:00',
      errors: [
        { code: '00311', description: 'CodiceDestinatario non valido', suggestion: 'Verificare il codice destinatario' },
        { code: '00404', description: 'Fattura duplicata' },
      ],
    });
    const answer = expectStatus(await upload(notice, 'IT_1G001_NS_001.xml'), 201).json();
    expect(answer).toMatchObject({ recorded: 1, duplicates: 0 });
    expect(answer.receipts).toEqual([
      expect.objectContaining({ receiptFileName: 'IT_1G001_NS_001.xml', outcome: 'recorded', receipt: 'NS', documentKind: 'invoice', documentId: invoiceId, displayNumber: '1/2026', sdiState: 'rejected' }),
    ]);
    const rejected = await list('invoices', { sdiState: 'rejected' });
    expect(rejected.map((i) => [i.displayNumber, i.sdiErrorCodes])).toEqual([['1/2026', '00311 00404']]);
    expect(rejected[0]!.sdiReceipts).toEqual([
      expect.objectContaining({
        receipt: 'NS',
        messageId: '9000001',
        receivedAt: '2026-11-25T09:15:00.000Z',
        errors: [
          { code: '00311', description: 'CodiceDestinatario non valido', suggestion: 'Verificare il codice destinatario' },
          { code: '00404', description: 'Fattura duplicata', suggestion: null },
        ],
      }),
    ]);

    const again = expectStatus(await upload(notice, 'copia.xml'), 201).json();
    expect(again).toMatchObject({ recorded: 0, duplicates: 1, receipts: [expect.objectContaining({ outcome: 'duplicate', sdiState: 'rejected' })] });
    expect(await sdiEvents()).toBe(1);
  });

  it('several receipts at once: an RC delivers the corrected invoice, an MC leaves the credit note not delivered', async () => {
    const answer = expectStatus(
      await world.accountant.post('/api/sdi-receipts', {
        receipts: [
          { fileName: 'rc.xml', xml: rc({ fileName: INVOICE_FILE, messageId: '9000002', receivedAt: '2026-11-26T09:00:00+01:00' }) },
          { fileName: 'mc.xml', xml: mc({ fileName: `${NOTE_FILE}.p7m`, messageId: '9000003' }) },
        ],
      }),
      201,
    ).json();
    expect(answer.receipts.map((r: any) => [r.receiptFileName, r.outcome, r.documentKind, r.sdiState])).toEqual([
      ['rc.xml', 'recorded', 'invoice', 'delivered'],
      ['mc.xml', 'recorded', 'credit_note', 'not_delivered'],
    ]);
    expect(await list('invoices', { sdiState: 'rejected' })).toEqual([]);
    const invoice = expectStatus(await world.accountant.get(`/api/invoices/${invoiceId}`), 200).json();
    expect(invoice).toMatchObject({ sdiState: 'delivered', sdiErrorCodes: null, sdiReceivedAt: '2026-11-26T08:00:00.000Z' });
    expect(invoice.sdiReceipts.map((r: any) => r.receipt)).toEqual(['NS', 'RC']);
    expect((await list('credit-notes', { sdiState: 'not_delivered' })).map((c) => c.id)).toEqual([creditNoteId]);

    // An older receipt uploaded late does not undo the later one: the state follows DataOraRicezione.
    expectStatus(await upload(ns({ fileName: INVOICE_FILE, messageId: '9000000', receivedAt: '2026-11-24T18:00:00' }), 'old.xml'), 201);
    expect(expectStatus(await world.accountant.get(`/api/invoices/${invoiceId}`), 200).json().sdiState).toBe('delivered');
  });

  it('refuses a bad file naming it and the problem, with nothing recorded; only the keepers of the books (accountants, supervisors) upload', async () => {
    const before = await sdiEvents();
    const refused = async (answer: Answer, status: number, code: string, message: RegExp) => {
      const body = expectStatus(answer, status).json();
      expect(body.code).toBe(code);
      expect(body.message).toMatch(message);
    };
    await refused(await upload(rc({ fileName: `IT${SELLER}_1G00Z.xml`, messageId: '1' }), 'a.xml'), 404, 'sdi_receipt_unknown_file', /^a\.xml: the receipt is about .*1G00Z.*invoice 35\/2026: there is no such document/);
    await refused(await upload(rc({ fileName: 'IT09876543210_1G001.xml', messageId: '1' }), 'b.xml'), 404, 'sdi_receipt_unknown_file', /another seller's partita IVA/);
    await refused(await upload(rc({ fileName: 'fattura.xml', messageId: '1' }), 'c.xml'), 404, 'sdi_receipt_unknown_file', /not a FatturaPA file name/);
    await refused(await upload('%PDF-1.4 not xml', 'd.pdf'), 400, 'sdi_receipt_not_xml', /^d\.pdf: not well-formed XML/);
    await refused(await upload('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>', 'e.xml'), 400, 'sdi_receipt_namespace', /namespace must be http:\/\/www\.fatturapa\.gov\.it/);
    // One bad file in a batch refuses the batch: the good one is not recorded either.
    const batch = await world.accountant.post('/api/sdi-receipts', {
      receipts: [
        { fileName: 'good.xml', xml: rc({ fileName: NOTE_FILE, messageId: '9000010' }) },
        { fileName: 'bad.xml', xml: '<nope' },
      ],
    });
    await refused(batch, 400, 'sdi_receipt_not_xml', /^bad\.xml:/);
    await refused(await upload(`<x>${'a'.repeat(300 * 1024)}</x>`, 'huge.xml'), 400, 'input_invalid', /receipts\.0\.xml: the file is larger than 256 kB/);
    // A request larger than the largest batch is refused before it is read.
    await refused(await upload(`<x>${'a'.repeat(13 * 1024 * 1024)}</x>`, 'huger.xml'), 413, 'sdi_receipt_too_large', /larger than/);
    expect(await sdiEvents()).toBe(before);

    expectStatus(await upload(rc({ fileName: NOTE_FILE, messageId: '9000011' }), 'x.xml', 'operator'), 403);
    expectStatus(await upload(rc({ fileName: NOTE_FILE, messageId: '9000011' }), 'x.xml', 'admin'), 403);
    expect(expectStatus(await upload(rc({ fileName: NOTE_FILE, messageId: '9000011' }), 'x.xml', 'supervisor'), 201).json().receipts[0].sdiState).toBe('delivered');
  });
});

describe("a month's FatturaPA files as one zip", () => {
  it('holds the invoices and credit notes of the Rome month under their file names, each passing the schema', async () => {
    const answer = expectStatus(await world.accountant.get('/api/invoices/xml.zip?month=2026-11'), 200);
    expect(answer.headers.get('content-type')).toBe('application/zip');
    expect(answer.headers.get('content-disposition')).toBe('attachment; filename="fatturapa-2026-11.zip"');
    const entries = unzipSync(new Uint8Array(answer.body));
    expect(Object.keys(entries)).toEqual([INVOICE_FILE, NOTE_FILE]);
    const single = await world.accountant.get(`/api/invoices/${invoiceId}/xml`);
    expect(strFromU8(entries[INVOICE_FILE]!)).toBe(single.text);
    expect(await validateAgainstFatturaPaSchema(strFromU8(entries[NOTE_FILE]!))).toEqual({ valid: true });

    expect(Object.keys(unzipSync(new Uint8Array(expectStatus(await world.operator.get('/api/invoices/xml.zip?month=2026-10'), 200).body)))).toEqual([]);
    const bad = expectStatus(await world.accountant.get('/api/invoices/xml.zip?month=2026-13'), 400).json();
    expect(JSON.stringify(bad)).toMatch(/month.*must be a month YYYY-MM/);
    expectStatus(await world.anonymous.get('/api/invoices/xml.zip?month=2026-11'), 401);
  });
});
