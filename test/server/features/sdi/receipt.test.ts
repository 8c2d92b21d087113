// Reading the SdI's receipts: what the accountant uploads becomes the receipt's kind, ids, file,
// times in UTC and errors; anything else is refused naming what it is.
import { describe, expect, it } from 'vitest';
import { parseSdiReceipt } from '../../../../server/features/sdi/receipt';
import { documentOfFileName, fileNameOfDocument } from '../../../../domain/invoicing/fatturaPaFileName';
import { mc, ns, rc, SDI_NS } from './fixtures';

const refusal = (xml: string) => {
  try {
    parseSdiReceipt(xml);
  } catch (error) {
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error('not refused');
};

describe('SdI receipts', () => {
  it('reads an RC, an NS with its errors (Italian time without offset → UTC) and an MC', () => {
    expect(parseSdiReceipt(rc({ fileName: 'IT01234567890_1G001.xml', messageId: '111' }))).toEqual({
      receipt: 'RC',
      sdiIdentifier: '4101234567',
      messageId: '111',
      fileName: 'IT01234567890_1G001.xml',
      receivedAt: '2026-11-25T09:15:00.000Z',
      deliveredAt: '2026-11-25T09:17:12.000Z',
      errors: [],
      note: 'Consegnata al destinatario',
    });
    const rejected = parseSdiReceipt(
      ns({ fileName: 'IT01234567890_1G002.xml', messageId: '222', receivedAt: '2026-07-01T10:00:00', errors: [{ code: '00311', description: 'CodiceDestinatario non valido' }, { code: '00404', description: 'Fattura duplicata', suggestion: 'Non reinviare' }] }),
    );
    expect(rejected).toMatchObject({ receipt: 'NS', receivedAt: '2026-07-01T08:00:00.000Z', deliveredAt: null });
    expect(rejected.errors).toEqual([
      { code: '00311', description: 'CodiceDestinatario non valido', suggestion: null },
      { code: '00404', description: 'Fattura duplicata', suggestion: 'Non reinviare' },
    ]);
    expect(parseSdiReceipt(mc({ fileName: 'IT01234567890_1H001.xml', messageId: '333' }))).toMatchObject({ receipt: 'MC', note: expect.stringMatching(/area riservata/) });
  });

  it('refuses what is not XML, another namespace, another SdI message, an NS without errors', () => {
    expect(refusal('ciao')).toMatchObject({ code: 'sdi_receipt_not_xml', message: expect.stringMatching(/^file: not well-formed XML/) });
    expect(refusal(rc({ fileName: 'x', messageId: '1' }).replace(SDI_NS, 'urn:example'))).toMatchObject({ code: 'sdi_receipt_namespace', message: expect.stringMatching(/urn:example/) });
    expect(refusal(`<types:NotificaEsito xmlns:types="${SDI_NS}" versione="1.0"><IdentificativoSdI>1</IdentificativoSdI></types:NotificaEsito>`)).toMatchObject({
      code: 'sdi_receipt_kind',
      message: expect.stringMatching(/NotificaEsito is not a receipt recorded here/),
    });
    expect(refusal(ns({ fileName: 'x', messageId: '1' }).replace(/<ListaErrori>[\s\S]*<\/ListaErrori>/, ''))).toMatchObject({ code: 'sdi_receipt_invalid', message: expect.stringMatching(/ListaErrori/) });
    expect(refusal(rc({ fileName: 'x', messageId: '1' }).replace(/<MessageId>1<\/MessageId>/, ''))).toMatchObject({ code: 'sdi_receipt_invalid', message: expect.stringMatching(/without MessageId/) });
  });

  it('reads a FatturaPA file name back into the document, signed or not', () => {
    expect(fileNameOfDocument('credit_note', '01234567890', 2026, 37)).toBe('IT01234567890_1H011.xml');
    expect(documentOfFileName('IT01234567890_1H011.xml')).toEqual({ partitaIva: '01234567890', kind: 'credit_note', year: 2026, number: 37 });
    expect(documentOfFileName('it01234567890_1g001.xml.p7m')).toEqual({ partitaIva: '01234567890', kind: 'invoice', year: 2026, number: 1 });
    expect(documentOfFileName('fattura.xml')).toBeNull();
  });
});
