/**
 * Serial number of a signature device (smart card, USB token), e.g. `1205100000`: 4 to 32 letters
 * or digits (the pattern lives with the device events). Printed on the card, often in groups, and
 * read out over the phone: case, spaces and dashes are not part of it.
 *
 * Pure; its only import is the sibling typing.ts.
 */
import { compactUpper } from './typing';

/** Upper case, without spaces or dashes: ` 1205-100 000 ` → `1205100000`. */
export function normaliseDeviceSerial(input: string): string {
  return compactUpper(input);
}
