// The identifiers people type into the back office, each read by one schema wherever a route takes
// it (body, path, query): the value reaches the services in the one form it is stored and compared
// in (domain/shared/), however it was typed — lower case, in groups, with spaces or dashes.
// Whether it is valid (check characters, lengths) is still the domain's to say, with the codes
// and messages the console shows on the field; these schemas only bound the length before that.
import { z } from 'zod';
import { normaliseBankReference } from '../../domain/shared/bankReference';
import { normaliseCodiceFiscale } from '../../domain/shared/codiceFiscale';
import { normaliseCouponCode } from '../../domain/shared/couponCode';
import { normaliseDeviceSerial } from '../../domain/shared/deviceSerial';
import { normalisePartitaIva } from '../../domain/shared/partitaIva';
import { normaliseRfReference } from '../../domain/shared/rfReference';

// `overwrite`, not `transform`: the type stays a string, so the OpenAPI document still describes
// the input as one.
const typed = (max: number, normalise: (value: string) => string, missing = 'is required') =>
  z
    .string({ error: (issue) => (issue.input === undefined ? missing : 'must be a string') })
    .max(max, `at most ${max} characters`)
    .overwrite(normalise);

/** A codice fiscale (16 characters, or a company's 11 digits) as typed. */
export const codiceFiscaleInput = () => typed(40, normaliseCodiceFiscale);
/** A partita IVA (11 digits, optionally IT…) as typed. */
export const partitaIvaInput = () => typed(40, normalisePartitaIva);
/** An RF creditor reference as typed, e.g. `rf18 5390 0754 7034`. */
export const rfReferenceInput = () => typed(60, normaliseRfReference);
/** A coupon code as typed, e.g. `k7q2 9xmd-4hrt 0zbw j8nc` (O for 0 and I/L for 1 are read too). */
export const couponCodeInput = () => typed(100, normaliseCouponCode);
/** A device serial as typed, e.g. `1205 100000`. */
export const deviceSerialInput = () => typed(40, normaliseDeviceSerial);
/** The bank's reference of a payment (CRO/TRN, statement line id) as typed: case and spaces do not count. */
export const bankReferenceInput = () =>
  typed(100, normaliseBankReference, "is required: the bank's reference of the payment (CRO/TRN) or the id of the statement line");
