// The FatturaPA XML of invoices and credit notes over HTTP, on the real app: every file served
// passes the official schema through xmllint (checked again here, independently of the server)
// and the SdI's extra checks; a file that breaks them is refused.
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSalesSettings } from '../../../server/features/deps';
import { checkedFatturaPa, getOrder } from '../../../server/features/services';
import { sdiProblems } from '../../../server/features/invoicing/fatturapa/sdiChecks';
import { validateAgainstFatturaPaSchema } from '../../../server/features/invoicing/fatturapa/xsdValidation';
import { addGuideProducts, expectStatus, manualOrder, MARIO_CF, PIVAS, registerPerson, romeAddress, startApi, topUp, type Answer, type ApiWorld } from './support';

let world: ApiWorld;
afterEach(async () => world?.close());

const SELLER_PIVA = defaultSalesSettings.seller.partitaIva;
const tag = (xml: string, name: string): string[] => [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]!);

/** The file as served: an attachment with its FatturaPA name, passing the schema and the SdI checks. */
async function servedFile(answer: Answer, fileName: string): Promise<string> {
  expectStatus(answer, 200);
  expect(answer.headers.get('content-type')).toMatch(/^application\/xml/);
  expect(answer.headers.get('content-disposition')).toBe(`attachment; filename="${fileName}"`);
  const xml = answer.text;
  expect(await validateAgainstFatturaPaSchema(xml)).toEqual({ valid: true });
  expect(sdiProblems(xml, '2026-12-31')).toEqual([]);
  expect(tag(xml, 'FormatoTrasmissione')).toEqual(['FPR12']);
  return xml;
}

async function registerFirm(partitaIva: string, name: string): Promise<string> {
  const answer = await world.operator.post('/api/customers', { kind: 'firm', name, partitaIva, email: 'amministrazione@example.it', billingAddress: romeAddress });
  return expectStatus(answer, 201).json().id as string;
}

/** A direct order paid by bank transfer quoting its RF reference; the invoice's id. */
async function paidByTransfer(customerId: string): Promise<{ invoiceId: string; rfReference: string }> {
  const placed = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'direct', method: 'bank_transfer' })), 201).json();
  expectStatus(
    await world.accountant.post('/api/payments', {
      method: 'bank_transfer',
      amountCents: placed.order.totals.totalCents,
      receivedOn: '2026-11-24',
      payer: 'Studio',
      reason: `saldo ${placed.rfReference}`,
      bankReference: `CRO ${placed.rfReference.slice(-6)}`,
    }),
    201,
  );
  await world.idle();
  const order = await getOrder(world.app.sales, placed.id);
  return { invoiceId: order.fulfilment!.invoiceId, rfReference: placed.rfReference };
}

describe('FatturaPA XML of invoices and credit notes', () => {
  it('a person paying from the prepaid account (0000000, Nome/Cognome, MP22), then the credit note (TD04 linked to the invoice)', async () => {
    world = await startApi();
    await addGuideProducts(world);
    const customerId = await registerPerson(world);
    await topUp(world, customerId, 5000);
    const placed = expectStatus(await world.operator.post('/api/orders', manualOrder(customerId, { mode: 'prepaid' }, 'RIN-FIRMA', 2)), 201).json();
    await world.idle();
    const order = await getOrder(world.app.sales, placed.id);
    const invoiceId = order.fulfilment!.invoiceId;

    const xml = await servedFile(await world.accountant.get(`/api/invoices/${invoiceId}/xml`), `IT${SELLER_PIVA}_1G001.xml`);
    expect(tag(xml, 'TipoDocumento')).toEqual(['TD01']);
    expect(tag(xml, 'CodiceDestinatario')).toEqual(['0000000']);
    expect(tag(xml, 'PECDestinatario')).toEqual([]);
    expect(tag(xml, 'CodiceFiscale')).toEqual([MARIO_CF]);
    expect(tag(xml, 'Nome')).toEqual(['Mario']);
    expect(tag(xml, 'Cognome')).toEqual(['Rossi']);
    expect(tag(xml, 'RegimeFiscale')).toEqual(['RF01']);
    expect(tag(xml, 'Numero')).toEqual(['1/2026']);
    expect(tag(xml, 'ImportoTotaleDocumento')).toEqual(['26.84']);
    expect(tag(xml, 'ImponibileImporto')).toEqual(['22.00']);
    expect(tag(xml, 'Imposta')).toEqual(['4.84']);
    expect(tag(xml, 'EsigibilitaIVA')).toEqual(['I']);
    expect(tag(xml, 'ModalitaPagamento')).toEqual(['MP22']);
    expect(tag(xml, 'CodicePagamento')).toEqual([]);
    // The same invoice gives the same file; the operator may download it as the PDF.
    expect((await world.operator.get(`/api/invoices/${invoiceId}/xml`)).text).toBe(xml);

    world.clock.advance(30 * 60_000);
    const [first] = order.fulfilment!.couponIds as [string, string];
    const refund = expectStatus(await world.supervisor.post(`/api/orders/${placed.id}/refund`, { couponIds: [first], refundTo: 'prepaid' }), 200).json();
    const note = await servedFile(await world.accountant.get(`/api/credit-notes/${refund.creditNoteId}/xml`), `IT${SELLER_PIVA}_1H001.xml`);
    expect(tag(note, 'TipoDocumento')).toEqual(['TD04']);
    expect(tag(note, 'IdDocumento')).toEqual(['1/2026']);
    expect(tag(note, 'Data')).toEqual(['2026-11-24', '2026-11-24']);
    expect(tag(note, 'ImportoTotaleDocumento')).toEqual(['13.42']);
    expect(tag(note, 'ModalitaPagamento')).toEqual([]);

    expect(expectStatus(await world.accountant.get('/api/invoices/00000000-0000-4000-8000-000000000000/xml'), 404).json().code).toBe('invoice_not_found');
    expect(expectStatus(await world.anonymous.get(`/api/invoices/${invoiceId}/xml`), 401).json().code).toBeDefined();
  });

  it('a company with an SdI code (IdFiscaleIVA, the code, MP05 with the RF reference) and one with a PEC address only (0000000 + PECDestinatario)', async () => {
    world = await startApi();
    await addGuideProducts(world);
    const coded = await registerFirm(PIVAS[0]!, 'Studio Bianchi S.r.l.');
    expectStatus(await world.operator.post(`/api/customers/${coded}/sdi-address`, { sdiCode: 'm5uxcr1', pecAddress: null }), 200);
    const withPec = await registerFirm(PIVAS[1]!, 'Verdi & Figli S.n.c.');
    expectStatus(await world.operator.post(`/api/customers/${withPec}/sdi-address`, { sdiCode: null, pecAddress: 'verdi@pec.example.it' }), 200);

    const first = await paidByTransfer(coded);
    const xml = await servedFile(await world.accountant.get(`/api/invoices/${first.invoiceId}/xml`), `IT${SELLER_PIVA}_1G001.xml`);
    expect(tag(xml, 'CodiceDestinatario')).toEqual(['M5UXCR1']);
    expect(tag(xml, 'PECDestinatario')).toEqual([]);
    expect(tag(xml, 'IdCodice')).toEqual([SELLER_PIVA, SELLER_PIVA, PIVAS[0]]);
    expect(tag(xml, 'Denominazione')).toEqual([defaultSalesSettings.seller.name, 'Studio Bianchi S.r.l.']);
    expect(tag(xml, 'ModalitaPagamento')).toEqual(['MP05']);
    expect(tag(xml, 'CodicePagamento')).toEqual([first.rfReference]);
    expect(tag(xml, 'ImportoPagamento')).toEqual(['31.72']);

    const second = await paidByTransfer(withPec);
    const pec = await servedFile(await world.accountant.get(`/api/invoices/${second.invoiceId}/xml`), `IT${SELLER_PIVA}_1G002.xml`);
    expect(tag(pec, 'CodiceDestinatario')).toEqual(['0000000']);
    expect(tag(pec, 'PECDestinatario')).toEqual(['verdi@pec.example.it']);
    expect(tag(pec, 'Denominazione')).toContain('Verdi &amp; Figli S.n.c.');
    expect(tag(pec, 'Numero')).toEqual(['2/2026']);
  });

  it('a file with a wrong total, a wrong VAT, a future date or broken against the schema is refused, never served', async () => {
    world = await startApi();
    await addGuideProducts(world);
    const customerId = await registerFirm(PIVAS[2]!, 'Studio Neri S.r.l.');
    const { invoiceId } = await paidByTransfer(customerId);
    const good = (await world.accountant.get(`/api/invoices/${invoiceId}/xml`)).text;
    await expect(checkedFatturaPa(good, '2026-11-24', 'test')).resolves.toBe(good);

    const wrongTotal = good.replace('<ImportoTotaleDocumento>31.72<', '<ImportoTotaleDocumento>31.82<');
    await expect(checkedFatturaPa(wrongTotal, '2026-11-24', 'invoice 1/2026')).rejects.toMatchObject({
      code: 'fatturapa_sdi_check_failed',
      message: expect.stringMatching(/document_total ImportoTotaleDocumento 31\.82 is not .* \(31\.72\)/),
    });
    const wrongVat = good.replace('<Imposta>5.72<', '<Imposta>5.92<').replace(/31\.72/g, '31.92');
    await expect(checkedFatturaPa(wrongVat, '2026-11-24', 'x')).rejects.toMatchObject({ message: expect.stringMatching(/00421 AliquotaIVA 22\.00: Imposta 5\.92/) });
    const wrongLines = good.replace('<ImponibileImporto>26.00<', '<ImponibileImporto>27.00<');
    await expect(checkedFatturaPa(wrongLines, '2026-11-24', 'x')).rejects.toMatchObject({ message: expect.stringMatching(/00422/) });
    await expect(checkedFatturaPa(good, '2026-11-23', 'x')).rejects.toMatchObject({ message: expect.stringMatching(/00403 Data 2026-11-24 is after today/) });
    const wrongCheckDigit = good.replace(`<IdCodice>${PIVAS[2]}<`, `<IdCodice>${PIVAS[2]!.slice(0, 10)}${(Number(PIVAS[2]!.slice(10)) + 1) % 10}<`);
    await expect(checkedFatturaPa(wrongCheckDigit, '2026-11-24', 'x')).rejects.toMatchObject({ message: expect.stringMatching(/check_character IdFiscaleIVA/) });
    const badSchema = good.replace('<Divisa>EUR</Divisa>', '');
    await expect(checkedFatturaPa(badSchema, '2026-11-24', 'x')).rejects.toMatchObject({
      code: 'fatturapa_schema_invalid',
      message: expect.stringMatching(/Divisa/),
    });
  });
});
