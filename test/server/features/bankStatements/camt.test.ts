// Reading camt.053 / camt.054 files: every line's direction, amount, dates, the bank's reference,
// the debtor and the RF reference however it was written; and the files refused whole.
import { describe, expect, it } from 'vitest';
import { parseCamt, paymentReasonOf } from '../../../../server/features/bankStatements/camt';
import { DomainError } from '../../../../domain/shared/errors';
import { makeRfReference } from '../../../../domain/shared/rfReference';
import { fixture, spacedLower, statement } from './fixtures';

const refs = { A: makeRfReference('100000000001'), B: makeRfReference('100000000002'), C: makeRfReference('100000000003'), D: makeRfReference('100000000004'), E: makeRfReference('100000000005'), F: makeRfReference('100000000006') };

function refusal(xml: string): DomainError {
  try {
    parseCamt(xml);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('the file was accepted');
}

describe('a camt.053.001.02 statement', () => {
  const parsed = parseCamt(statement('camt053-day1.xml', refs));

  it('is read as a statement with its id, message id and account', () => {
    expect(parsed).toMatchObject({ kind: 'camt.053', version: '001.02', messageId: 'CBI-053-20261125-0001', statementIds: ['STMT-20261125-0542811101'], accountIbans: ['IT60X0542811101000000123456'] });
    expect(parsed.lines).toHaveLength(6);
  });

  it('gives each line its direction, cents, dates, bank reference (the transaction\'s, else the entry\'s) and debtor', () => {
    const [a, b, c, d, e, fee] = parsed.lines;
    expect(a).toMatchObject({ line: 1, direction: 'credit', amountCents: 3172, bookingDate: '2026-11-25', valueDate: '2026-11-25', bankReference: '0306909912345001', endToEndId: 'E2E-ROSSI-0001', debtorName: 'Mario Rossi', debtorIban: 'IT61X0306909606100000012345', statementId: 'STMT-20261125-0542811101', booked: true });
    expect(b).toMatchObject({ bankReference: '2611250002', debtorName: 'Laura Bianchi' });
    expect(c).toMatchObject({ amountCents: 1000, valueDate: '2026-11-24', debtorName: 'Studio Verdi & Associati' });
    expect(d).toMatchObject({ amountCents: 5000, bankReference: '0306909912345004' });
    expect(e).toMatchObject({ amountCents: 2500, rfReference: null, unstructured: ['pagamento fattura 123 rinnovo firma digitale'] });
    expect(fee).toMatchObject({ direction: 'debit', amountCents: 1250, bankReference: '2611250006' });
  });

  it('finds the RF reference in the structured reference and in free text, in any case and spacing', () => {
    const [a, b, c, d] = parsed.lines;
    expect(a!.structuredReferences).toEqual([refs.A]);
    expect(a!.rfReference).toBe(refs.A);
    expect(b!.unstructured[0]).toContain(spacedLower(refs.B));
    expect(b!.rfReference).toBe(refs.B);
    expect(c!.rfReference).toBe(refs.C);
    expect(d!.rfReference).toBe(refs.D);
    expect(paymentReasonOf(d!)).toBe(`${spacedLower(refs.D)} rinnovo CNS`);
  });
});

describe('a camt.054.001.08 notification with a namespace prefix', () => {
  it('is read: Amt and CdtDbtInd on the transaction, Dbtr/Pty/Nm, Sts/Cd, a booking date-time', () => {
    const parsed = parseCamt(statement('camt054-notification.xml', refs));
    expect(parsed).toMatchObject({ kind: 'camt.054', version: '001.08', statementIds: ['NTFCTN-20261127-0042'] });
    expect(parsed.lines).toEqual([
      expect.objectContaining({ direction: 'credit', amountCents: 3172, bookingDate: '2026-11-27', bankReference: '0542811127000042', debtorName: 'Elena Viola', rfReference: refs.F, booked: true }),
    ]);
  });
});

describe('files refused whole, naming the rule', () => {
  it.each([
    ['bad-not-xml.csv', 'statement_not_xml', /not well-formed XML \(line 1, column 1/],
    ['bad-truncated.xml', 'statement_not_xml', /not well-formed XML/],
    ['bad-wrong-namespace.xml', 'statement_namespace', /namespace must be .*camt\.053\.001\.NN.*got urn:iso:std:iso:20022:tech:xsd:pain\.001\.001\.03/],
    ['bad-usd.xml', 'statement_currency', /entry 2: the amount is in USD; only EUR/],
    ['bad-no-entries.xml', 'statement_no_entries', /no entries/],
  ])('%s → %s', (name, code, message) => {
    const error = refusal(fixture(name));
    expect(error).toMatchObject({ code, kind: 'invalid', field: 'file' });
    expect(error.message).toMatch(message);
  });

  it('an empty file, and a document type declaration', () => {
    expect(refusal('  ').code).toBe('statement_empty');
    const withDtd = fixture('camt053-day1.xml').replace('<Document', '<!DOCTYPE Document [<!ENTITY x "y">]>\n<Document');
    expect(refusal(withDtd).code).toMatch(/statement_(doctype|not_xml)/);
  });
});
