// The pieces every read resource (server/features/<area>/read.ts) is written with: field shorthands
// and the normalisers that make a typed identifier find what the commands stored.
import { normaliseCodiceFiscale } from '../../domain/shared/codiceFiscale';
import { normaliseDeviceSerial } from '../../domain/shared/deviceSerial';
import { normalisePartitaIva } from '../../domain/shared/partitaIva';
import { normaliseRfReference } from '../../domain/shared/rfReference';
import type { FieldSpec } from './listQuery';

// Identifiers are filtered as the commands store them, through the same normaliser per identifier
// (domain/shared/): what a person types finds what the desk entered.
export const codiceFiscale = normaliseCodiceFiscale;
export const partitaIva = normalisePartitaIva;
export const rfReference = normaliseRfReference;
export const deviceSerial = normaliseDeviceSerial;
/** Product codes keep their dashes (RIN-FIRMA): only case and spaces do not count. */
export const upper = (value: string) => value.replace(/\s+/g, '').toUpperCase();
export const lower = (value: string) => value.trim().toLowerCase();

// Field shorthands.
export const id: FieldSpec = { type: 'text', sql: 'id', sort: true };
export const text = (more: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'text', ...more });
export const int = (more: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'int', ...more });
export const bool = (more: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'bool', ...more });
export const time = (more: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'time', ...more });
export const date = (more: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'date', ...more });
export const json = (more: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'json', ...more });
export const oneOf = (values: readonly string[], more: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'text', values, filter: true, ...more });
/** An indexed time: sortable, with _gte / _lte. */
export const when = (more: Partial<FieldSpec> = {}): FieldSpec => time({ sort: true, range: true, ...more });
export const money = (more: Partial<FieldSpec> = {}): FieldSpec => int(more);

export const textId = { sql: 'id', type: 'text' } as const;

export const wholeNumber = (min: number, max: number) => (value: unknown) => {
  const n = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
};
export const booleanValue = (value: unknown) => (typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : undefined);
