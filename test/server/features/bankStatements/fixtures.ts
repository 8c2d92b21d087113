// The bank statements of test/fixtures/bankStatements/, read as they are or with the orders' RF
// references filled in (see that folder's README for the placeholders).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const folder = join(__dirname, '../../../fixtures/bankStatements');

export const fixture = (name: string): string => readFileSync(join(folder, name), 'utf8');

/** `RF18539007547034` → `rf18 5390 0754 7034`: as a payer types it. */
export const spacedLower = (rf: string): string => rf.toLowerCase().replace(/(.{4})(?!$)/g, '$1 ');

/** The file with `@@RF:X@@` and `@@rf-spaced:X@@` replaced by the reference of order X. */
export function statement(name: string, references: Record<string, string>): string {
  return fixture(name).replace(/@@(RF|rf-spaced):([A-Z])@@/g, (_all, how: string, key: string) => {
    const rf = references[key];
    if (rf === undefined) throw new Error(`${name}: no reference given for order ${key}`);
    return how === 'RF' ? rf : spacedLower(rf);
  });
}
