// Import of devices from a CSV file (e.g. the issuer's list of the cards it sold).
//
// The first row is the header; columns are found by name (any order, case-insensitive, extra
// columns ignored). All eleven are required in the header:
//
//   serial               device serial, e.g. 1205100000
//   kind                 smart_card | usb_token (also: smartcard, smart card, card; token, usb,
//                        usb token, business key)
//   issuer               who issued/sold the device
//   issued_on            date the device was issued
//   holder_cf            the holder's codice fiscale (validated)
//   signing_serial       signing certificate (Sottoscrizione): serial number
//   signing_valid_from   … valid from
//   signing_valid_until  … valid until
//   auth_serial          authentication certificate (Autenticazione / CNS): serial number
//   auth_valid_from      … valid from
//   auth_valid_until     … valid until
//
// A certificate's three cells are either all filled or all empty (the device has no certificate
// of that kind); at least one certificate per row.
//
// Format: separator `;` or `,` (whichever occurs more often in the header line), fields may be
// quoted with `"` (a quote inside is written `""`, a quoted field may hold separators and line
// breaks), a UTF-8 BOM is ignored, CRLF or LF line ends, blank lines are skipped.
//
// Dates: `dd/mm/yyyy` (Italian; also with `.` or `-`, day and month may have one digit) or ISO
// `yyyy-mm-dd`. A validity bound may also be an ISO date-time with Z or an offset. A date without
// time is a calendar day in Italy (Europe/Rome): valid_from is the start of that day (00:00:00),
// valid_until its end (23:59:59, the second precision of X.509), both stored in UTC.
//
// The result has one entry per data row, in order: either the register-device command, or a
// refusal with the row's line number in the file (the header is line 1) and the reason naming the
// column. A refused row changes nothing and does not stop the others. A serial repeated within the
// file is refused on its second and later rows. A row with more or fewer fields than the header is
// refused (a separator inside an unquoted field would otherwise shift the columns silently). A file without a usable header throws a DomainError
// kind 'invalid' on the field `file`.
import { DomainError, invalid } from '../shared/errors';
import type { DeviceCertificateKind, DeviceKind } from './events';
import { isCalendarDate, validDeviceRegistration, type CertificateInput, type RegisterDevice } from './decider';

export const DEVICE_CSV_COLUMNS = [
  'serial',
  'kind',
  'issuer',
  'issued_on',
  'holder_cf',
  'signing_serial',
  'signing_valid_from',
  'signing_valid_until',
  'auth_serial',
  'auth_valid_from',
  'auth_valid_until',
] as const;
export type DeviceCsvColumn = (typeof DEVICE_CSV_COLUMNS)[number];

export type DeviceCsvRow =
  | { row: number; ok: true; command: RegisterDevice }
  | { row: number; ok: false; code: string; reason: string; column?: DeviceCsvColumn | undefined };

// ---------------------------------------------------------------------------------------------
// Tokenising
// ---------------------------------------------------------------------------------------------

interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  fields: string[];
}

export function detectSeparator(text: string): ';' | ',' {
  let semicolons = 0;
  let commas = 0;
  let inQuotes = false;
  for (const ch of text) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) break;
    else if (!inQuotes && ch === ';') semicolons++;
    else if (!inQuotes && ch === ',') commas++;
  }
  return semicolons > commas ? ';' : ',';
}

/** RFC 4180 records; lenient: a quote inside an unquoted field is kept as a character. */
export function csvRecords(text: string, separator: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let fieldStarted = false;
  let line = 1;
  let recordLine = 1;
  const endField = () => {
    fields.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRecord = () => {
    endField();
    out.push({ line: recordLine, fields });
    fields = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      inQuotes = true;
      fieldStarted = true;
    } else if (ch === separator) {
      endField();
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (field !== '' || fields.length > 0 || fieldStarted) endRecord();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

const romeOffset = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', timeZoneName: 'longOffset' });

/** Offset of Italian time from UTC at an instant, in minutes (60 or 120). */
function romeOffsetMinutes(utcMs: number): number {
  const name = romeOffset.formatToParts(new Date(utcMs)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * UTC instant of 00:00 in Italy on a calendar day. (Italian DST changes at 01:00 UTC, so the
 * offset in force at 00:00 UTC of the day is the one of local midnight.)
 */
function romeStartOfDay(year: number, month: number, day: number): number {
  const utcMidnight = Date.UTC(year, month - 1, day);
  return utcMidnight - romeOffsetMinutes(utcMidnight) * 60_000;
}

type CalendarDay = { year: number; month: number; day: number };

function parseDay(cell: string): CalendarDay | null {
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(cell);
  let parts: CalendarDay | null = null;
  if (m) parts = { day: Number(m[1]), month: Number(m[2]), year: Number(m[3]) };
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(cell);
  if (m) parts = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  if (parts === null || !isCalendarDate(parts.year, parts.month, parts.day)) return null;
  return parts;
}

const isoDay = (d: CalendarDay): string =>
  `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

const DATE_FORMATS = 'dd/mm/yyyy or yyyy-mm-dd';

class RowRefusal extends Error {
  constructor(
    readonly code: string,
    readonly column: DeviceCsvColumn | undefined,
    reason: string,
  ) {
    super(reason);
  }
}

function dateCell(cell: string, column: DeviceCsvColumn): string {
  const day = parseDay(cell);
  if (!day) throw new RowRefusal('date_invalid', column, `${column}: '${cell}' is not a date (${DATE_FORMATS})`);
  return isoDay(day);
}

/** A validity bound: a date (start or end of that day in Italy) or an ISO date-time kept as it is. */
function boundCell(cell: string, column: DeviceCsvColumn, bound: 'from' | 'until'): string {
  if (/^\d{4}-\d{2}-\d{2}T/.test(cell)) return cell; // validated by the decider
  const day = parseDay(cell);
  if (!day) {
    throw new RowRefusal('date_invalid', column, `${column}: '${cell}' is not a date (${DATE_FORMATS}, or an ISO date-time)`);
  }
  const t =
    bound === 'from'
      ? romeStartOfDay(day.year, day.month, day.day)
      : romeStartOfDay(day.year, day.month, day.day + 1) - 1000;
  return new Date(t).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

const KIND_ALIASES: Record<string, DeviceKind> = {
  smart_card: 'smart_card',
  smartcard: 'smart_card',
  card: 'smart_card',
  usb_token: 'usb_token',
  token_usb: 'usb_token',
  token: 'usb_token',
  usb: 'usb_token',
  business_key: 'usb_token',
};

const CERTIFICATE_GROUPS: { kind: DeviceCertificateKind; label: string; serial: DeviceCsvColumn; from: DeviceCsvColumn; until: DeviceCsvColumn }[] = [
  { kind: 'signing', label: 'signing', serial: 'signing_serial', from: 'signing_valid_from', until: 'signing_valid_until' },
  { kind: 'authentication', label: 'authentication', serial: 'auth_serial', from: 'auth_valid_from', until: 'auth_valid_until' },
];

/** The CSV column a field of RegisterDevice comes from. */
function columnOf(field: string | undefined, certificates: CertificateInput[]): DeviceCsvColumn | undefined {
  switch (field) {
    case 'serial':
    case 'kind':
    case 'issuer':
      return field;
    case 'issuedOn':
      return 'issued_on';
    case 'holderCodiceFiscale':
      return 'holder_cf';
  }
  const m = /^certificates\.(\d+)\.(\w+)$/.exec(field ?? '');
  const certificate = m ? certificates[Number(m[1])] : undefined;
  const group = CERTIFICATE_GROUPS.find((g) => g.kind === certificate?.kind);
  if (!m || !group) return undefined;
  return m[2] === 'serialNumber' ? group.serial : m[2] === 'validFrom' ? group.from : m[2] === 'validUntil' ? group.until : undefined;
}

function rowCommand(get: (c: DeviceCsvColumn) => string): RegisterDevice {
  for (const column of ['serial', 'kind', 'issuer', 'issued_on', 'holder_cf'] as const) {
    if (get(column) === '') throw new RowRefusal('value_required', column, `${column} is missing`);
  }
  const kindCell = get('kind');
  const kind = KIND_ALIASES[kindCell.toLowerCase().replace(/[\s-]+/g, '_')];
  if (!kind) {
    throw new RowRefusal('kind_invalid', 'kind', `kind: '${kindCell}' is not a device kind (smart_card or usb_token)`);
  }
  const certificates: CertificateInput[] = [];
  for (const g of CERTIFICATE_GROUPS) {
    const cells = [g.serial, g.from, g.until] as const;
    const filled = cells.filter((c) => get(c) !== '');
    if (filled.length === 0) continue;
    const missing = cells.find((c) => get(c) === '');
    if (missing) {
      throw new RowRefusal(
        'value_required',
        missing,
        `${missing} is missing: the ${g.label} certificate needs ${cells.join(', ')} (or all three empty)`,
      );
    }
    certificates.push({
      kind: g.kind,
      serialNumber: get(g.serial),
      validFrom: boundCell(get(g.from), g.from, 'from'),
      validUntil: boundCell(get(g.until), g.until, 'until'),
    });
  }
  if (certificates.length === 0) {
    throw new RowRefusal('certificates_missing', undefined, 'the device has no certificate: fill the signing_* or the auth_* columns');
  }
  return {
    serial: get('serial'),
    kind,
    issuer: get('issuer'),
    issuedOn: dateCell(get('issued_on'), 'issued_on'),
    holderCodiceFiscale: get('holder_cf'),
    certificates,
  };
}

/** Parses a device CSV (see the top of this file); one result per data row. */
export function parseDeviceCsv(text: string): DeviceCsvRow[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records = csvRecords(body, detectSeparator(body)).filter((r) => r.fields.some((f) => f.trim() !== ''));
  const header = records.shift();
  if (!header) throw invalid('file', 'the file is empty: the first row must be the header', 'csv_empty');
  const names = header.fields.map((f) => f.trim().toLowerCase().replace(/\s+/g, '_'));
  const index = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === '') return;
    if (index.has(name)) throw invalid('file', `column ${name} appears twice in the header`, 'csv_column_duplicate');
    index.set(name, i);
  });
  const missing = DEVICE_CSV_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) {
    throw invalid('file', `the header lacks the column(s) ${missing.join(', ')}; expected ${DEVICE_CSV_COLUMNS.join(',')}`, 'csv_columns_missing');
  }

  const firstRowOfSerial = new Map<string, number>();
  return records.map((record): DeviceCsvRow => {
    const get = (c: DeviceCsvColumn) => (record.fields[index.get(c) as number] ?? '').trim();
    let command: RegisterDevice | undefined;
    try {
      if (record.fields.length !== names.length) {
        throw new RowRefusal(
          'field_count_wrong',
          undefined,
          `the row has ${record.fields.length} fields but the header has ${names.length}` +
            (record.fields.length > names.length ? ' (a separator inside an unquoted field?)' : ''),
        );
      }
      command = rowCommand(get);
      const valid = validDeviceRegistration(command);
      const first = firstRowOfSerial.get(valid.serial);
      if (first !== undefined) {
        throw new RowRefusal('serial_duplicate', 'serial', `serial ${valid.serial} already appears at row ${first}`);
      }
      firstRowOfSerial.set(valid.serial, record.line);
      return { row: record.line, ok: true, command: valid };
    } catch (error) {
      if (error instanceof RowRefusal) {
        return { row: record.line, ok: false, code: error.code, reason: error.message, column: error.column };
      }
      if (error instanceof DomainError) {
        const column = columnOf(error.field, command?.certificates ?? []);
        const prefix = error.field ? `${error.field}: ` : '';
        const message = prefix && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
        return { row: record.line, ok: false, code: error.code, reason: column ? `${column}: ${message}` : message, column };
      }
      throw error;
    }
  });
}
