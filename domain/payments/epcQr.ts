/**
 * The payload of the EPC QR code ("SEPA credit transfer" QR, European Payments Council EPC069-12,
 * version 002): what a banking app reads to fill in a transfer. Lines, separated by LF:
 *
 *   1 service tag       BCD
 *   2 version           002 (the BIC may be left out within the EEA)
 *   3 character set     1 = UTF-8
 *   4 identification    SCT (SEPA credit transfer)
 *   5 BIC               optional: empty line when absent
 *   6 beneficiary name  at most 70 characters
 *   7 beneficiary IBAN
 *   8 amount            EUR followed by the amount with a dot and up to two decimals, 0.01–999999999.99
 *   9 purpose           empty (a 4-letter ISO 20022 purpose code would go here)
 *  10 remittance, structured: the RF creditor reference (ISO 11649), at most 35 characters
 *  11 remittance, unstructured: must be empty when the structured one is given
 *
 * The last populated element is not followed by a line break, so the payload ends with the RF
 * (lines 11 and 12 are empty and left out). The whole payload must not exceed 331 bytes.
 *
 * Pure: the caller draws the QR code (error correction level M, as the guidelines ask).
 */
import { checkIban } from '../shared/iban';
import { BIC_PATTERN } from '../shared/iban';
import { checkRfReference } from '../shared/rfReference';
import { compactUpper } from '../shared/typing';

export const EPC_MAX_NAME_LENGTH = 70;
export const EPC_MAX_PAYLOAD_BYTES = 331;
const MAX_AMOUNT_CENTS = 99_999_999_999;

export interface EpcTransfer {
  beneficiaryName: string;
  iban: string;
  bic?: string | null | undefined;
  amountCents: number;
  rfReference: string;
}

/** `EUR26.84`: a dot for decimals, no thousands separator. */
export function epcAmount(cents: number): string {
  if (!Number.isInteger(cents) || cents < 1 || cents > MAX_AMOUNT_CENTS) {
    throw new RangeError(`EPC QR: the amount must be whole cents from 0.01 to 999999999.99 EUR (got ${cents} cents)`);
  }
  return `EUR${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** The payload text; a RangeError naming the field and the rule when a value cannot be encoded. */
export function epcQrPayload(transfer: EpcTransfer): string {
  const name = transfer.beneficiaryName.trim();
  if (name.length === 0 || [...name].length > EPC_MAX_NAME_LENGTH || /[\r\n]/.test(name)) {
    throw new RangeError(`EPC QR: the beneficiary name must be 1 to ${EPC_MAX_NAME_LENGTH} characters on one line`);
  }
  const iban = checkIban(transfer.iban);
  if (!iban.ok) throw new RangeError(`EPC QR: ${iban.message}`);
  const bic = transfer.bic ? compactUpper(transfer.bic) : '';
  if (bic !== '' && !BIC_PATTERN.test(bic)) throw new RangeError('EPC QR: the BIC must be 8 or 11 letters and digits (ISO 9362)');
  const rf = checkRfReference(transfer.rfReference);
  if (!rf.ok) throw new RangeError(`EPC QR: ${rf.message}`);
  const payload = ['BCD', '002', '1', 'SCT', bic, name, iban.value, epcAmount(transfer.amountCents), '', rf.value].join('\n');
  if (new TextEncoder().encode(payload).length > EPC_MAX_PAYLOAD_BYTES) {
    throw new RangeError(`EPC QR: the payload must not exceed ${EPC_MAX_PAYLOAD_BYTES} bytes`);
  }
  return payload;
}
