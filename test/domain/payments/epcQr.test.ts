// The EPC QR payload (EPC069-12 v002), checked line by line against the guidelines' rules.
import { describe, expect, it } from 'vitest';
import { epcAmount, epcQrPayload } from '../../../domain/payments/epcQr';
import { makeRfReference } from '../../../domain/shared/rfReference';

const rf = makeRfReference('539007547034');

const transfer = { beneficiaryName: 'Firma Facile S.r.l.', iban: 'IT28 X099 9912 3450 0000 0123 456', amountCents: 2684, rfReference: rf };

describe('EPC QR payload', () => {
  it('has the ten lines of a SEPA credit transfer with the RF as structured reference', () => {
    const lines = epcQrPayload(transfer).split('\n');
    expect(lines).toEqual([
      'BCD', // service tag
      '002', // version: BIC optional
      '1', // UTF-8
      'SCT', // SEPA credit transfer
      '', // no BIC
      'Firma Facile S.r.l.',
      'IT28X0999912345000000123456', // IBAN without spaces
      'EUR26.84',
      '', // purpose empty
      rf, // structured creditor reference
    ]);
    // The last populated element (the RF) is not followed by a line break; the unstructured
    // remittance is therefore empty.
    expect(epcQrPayload(transfer).endsWith(rf)).toBe(true);
  });

  it('writes the BIC when given, in upper case', () => {
    expect(epcQrPayload({ ...transfer, bic: 'bpmoit22xxx' }).split('\n')[4]).toBe('BPMOIT22XXX');
  });

  it('writes amounts with a dot and two decimals, within the range the guidelines allow', () => {
    expect(epcAmount(1)).toBe('EUR0.01');
    expect(epcAmount(3300)).toBe('EUR33.00');
    expect(epcAmount(123456789)).toBe('EUR1234567.89');
    expect(epcAmount(99_999_999_999)).toBe('EUR999999999.99');
    expect(() => epcAmount(0)).toThrow(/0.01 to 999999999.99/);
    expect(() => epcAmount(100_000_000_000)).toThrow(/0.01 to 999999999.99/);
    expect(() => epcAmount(12.5)).toThrow(/whole cents/);
  });

  it('refuses a beneficiary name over 70 characters or on two lines', () => {
    expect(() => epcQrPayload({ ...transfer, beneficiaryName: 'x'.repeat(71) })).toThrow(/1 to 70 characters/);
    expect(epcQrPayload({ ...transfer, beneficiaryName: 'x'.repeat(70) }).split('\n')[5]).toHaveLength(70);
    expect(() => epcQrPayload({ ...transfer, beneficiaryName: 'Firma\nFacile' })).toThrow(/one line/);
  });

  it('refuses a wrong IBAN, BIC or RF reference, naming it', () => {
    expect(() => epcQrPayload({ ...transfer, iban: 'IT28X0999912345000000123457' })).toThrow(/IBAN.*mod-97/);
    expect(() => epcQrPayload({ ...transfer, bic: 'BPMO' })).toThrow(/BIC/);
    expect(() => epcQrPayload({ ...transfer, rfReference: 'RF00539007547034' })).toThrow(/RF reference/);
  });

  it('stays within 331 bytes for the longest values (UTF-8 counted in bytes)', () => {
    const payload = epcQrPayload({ ...transfer, beneficiaryName: 'è'.repeat(70), bic: 'BPMOIT22XXX', amountCents: 99_999_999_999, rfReference: makeRfReference('A'.repeat(21)) });
    expect(new TextEncoder().encode(payload).length).toBeLessThanOrEqual(331);
  });
});
