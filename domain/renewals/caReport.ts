// The CA's reports of renewals done elsewhere (stream `ca-report-<reportId>`): the customer renewed
// at home with the CA's own software, and the CA tells us which coupon paid for which certificate
// and what the new certificate is. A report arrives as a signed webhook or as a CSV file uploaded
// by an accountant; either way each line ends with an outcome:
//
//   applied                    the coupon is redeemed (for this report) and the device's
//                              certificate replaced by the new one
//   coupon_unknown             no coupon has this code
//   coupon_already_redeemed    used before (by a renewal, another report, or an earlier line of
//                              this one)
//   coupon_kind_mismatch       the coupon renews another kind of certificate
//   coupon_not_usable          cancelled, expired, or held by a renewal in progress at the desk
//   device_unknown             no device sold by us has this serial
//   certificate_not_renewable  the device has no certificate of that kind, it is revoked, or the
//                              device is not active (lost, suspended, terminated)
//   line_invalid               a value is missing or malformed (the message names the field)
//
// Nothing is skipped silently: every line is in the recorded event and in the answer. The report
// is recorded once, after its lines were applied; a report sent again (the same lines) changes
// nothing and gets the same answer; the same id with other lines is refused. A retry after a
// crash half-way finds the coupons already redeemed by this very report and counts them applied.
import type { DeviceCertificateKind } from '../devices/events';
import { deviceCertificateKinds, deviceSerialPattern } from '../devices/events';
import { isCalendarDate, type DeviceState } from '../devices/decider';
import { covers, type CouponState } from '../coupons/decider';
import type { CouponRenews } from '../orders/events';
import { checkCouponCode, couponCodeHint } from '../shared/couponCode';
import { normaliseDeviceSerial } from '../shared/deviceSerial';
import { conflict, invalid } from '../shared/errors';
import { instantOf } from '../shared/utcTime';
import type { CaReportEvent, CaReportOutcome } from './events';
import { csvRecords, detectSeparator } from '../devices/csv';

export const caReportStreamOf = (reportId: string): string => `ca-report-${reportId}`;

/** A report id as the CA (or the uploader) names it: letters, digits and `._:-`, 1 to 100. */
export const CA_REPORT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** Most lines one report may carry. */
export const CA_REPORT_MAX_LINES = 5000;

/** How far in the future a reported redemption may lie (clocks differ a little). */
const FUTURE_SLACK_MS = 5 * 60_000;

export type CaReportLine = CaReportEvent['data']['lines'][number];

/** One line as received: every value as text ('' when absent). */
export interface CaReportLineInput {
  couponCode: string;
  deviceSerial: string;
  certificateKind: string;
  serialNumber: string;
  validFrom: string;
  validUntil: string;
  redeemedAt: string;
}

export const CA_REPORT_FIELDS = ['couponCode', 'deviceSerial', 'certificateKind', 'serialNumber', 'validFrom', 'validUntil', 'redeemedAt'] as const;

/** A line whose values are all well formed. */
export interface CheckedCaReportLine {
  couponCode: string;
  deviceSerial: string;
  kind: DeviceCertificateKind;
  serialNumber: string;
  validFrom: string;
  validUntil: string;
  redeemedAt: string;
}

const KIND_ALIASES: Record<string, DeviceCertificateKind> = {
  signing: 'signing',
  signature: 'signing',
  sottoscrizione: 'signing',
  firma: 'signing',
  authentication: 'authentication',
  autenticazione: 'authentication',
  cns: 'authentication',
};

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 date-time with Z or an offset, as UTC `…Z`; null when it is not one. */
export function caReportDateTime(value: string): string | null {
  const m = ISO_DATE_TIME.exec(value.trim());
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) {
    return null;
  }
  const t = Date.parse(value.trim());
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

export type LineCheck = { ok: true; line: CheckedCaReportLine } | { ok: false; message: string };

/** How a field is named to whoever sent the line (the CSV's column names, or the JSON fields). */
export type FieldNames = (field: (typeof CA_REPORT_FIELDS)[number]) => string;
const jsonNames: FieldNames = (f) => (f === 'serialNumber' || f === 'validFrom' || f === 'validUntil' ? `newCertificate.${f}` : f);

/** Checks a line's values (not against any stream): `at` is when the report is received. */
export function checkCaReportLine(input: CaReportLineInput, at: string, names: FieldNames = jsonNames): LineCheck {
  const fail = (message: string): LineCheck => ({ ok: false, message });
  for (const field of CA_REPORT_FIELDS) if (input[field].trim() === '') return fail(`${names(field)}: is missing`);
  const code = checkCouponCode(input.couponCode);
  if (!code.ok) return fail(`${names('couponCode')}: ${code.message}`);
  const deviceSerial = normaliseDeviceSerial(input.deviceSerial);
  if (!deviceSerialPattern.test(deviceSerial)) return fail(`${names('deviceSerial')}: must be 4 to 32 letters or digits (got '${input.deviceSerial.slice(0, 40)}')`);
  const kind = KIND_ALIASES[input.certificateKind.trim().toLowerCase()];
  if (!kind) return fail(`${names('certificateKind')}: must be ${deviceCertificateKinds.join(' or ')} (got '${input.certificateKind.slice(0, 40)}')`);
  const serialNumber = input.serialNumber.replace(/[\s:]+/g, '').toUpperCase();
  if (!/^[0-9A-Z]{1,64}$/.test(serialNumber)) return fail(`${names('serialNumber')}: the new certificate's serial must be 1 to 64 letters or digits (got '${input.serialNumber.slice(0, 70)}')`);
  const times: Record<'validFrom' | 'validUntil' | 'redeemedAt', string> = { validFrom: '', validUntil: '', redeemedAt: '' };
  for (const field of ['validFrom', 'validUntil', 'redeemedAt'] as const) {
    const t = caReportDateTime(input[field]);
    if (t === null) return fail(`${names(field)}: must be a date and time, ISO-8601 with Z or an offset, e.g. 2026-05-31T10:00:00Z (got '${input[field].slice(0, 40)}')`);
    times[field] = t;
  }
  if (Date.parse(times.validUntil) <= Date.parse(times.validFrom)) return fail(`${names('validUntil')}: must be later than ${names('validFrom')} (${times.validFrom}); got ${times.validUntil}`);
  if (Date.parse(times.redeemedAt) > Date.parse(instantOf(at)) + FUTURE_SLACK_MS) return fail(`${names('redeemedAt')}: is in the future (${times.redeemedAt})`);
  return { ok: true, line: { couponCode: code.value, deviceSerial, kind, serialNumber, ...times } };
}

/** What an earlier line of the same report did with a coupon. */
export interface CouponUseInReport {
  line: number;
  deviceSerial: string;
  kinds: DeviceCertificateKind[];
}

export type LineAssessment = { outcome: 'applied'; message: string } | { outcome: Exclude<CaReportOutcome, 'applied'>; message: string };

/**
 * Whether a well-formed line can be applied, given the coupon its code names (`none` when no
 * coupon has it), the device, and what earlier lines of this report did with the same coupon.
 */
export function assessCaReportLine(
  line: CheckedCaReportLine,
  reportId: string,
  coupon: CouponState,
  device: DeviceState,
  earlier: CouponUseInReport | undefined,
): LineAssessment {
  if (coupon.status === 'none') return { outcome: 'coupon_unknown', message: 'no coupon has this code' };
  const byThisReport = coupon.status === 'redeemed' && coupon.redemption?.reportId === reportId;
  if (coupon.status === 'redeemed' && !byThisReport) {
    const r = coupon.redemption;
    const how = r?.renewalId ? 'by a renewal' : r?.reportId ? 'according to another CA report' : '';
    return { outcome: 'coupon_already_redeemed', message: `the coupon was already used${how ? ` ${how}` : ''}${r ? ` on ${r.redeemedAt} for device ${r.deviceSerial}` : ''}` };
  }
  if (coupon.status === 'cancelled') return { outcome: 'coupon_not_usable', message: 'the coupon has been cancelled (refunded)' };
  if (coupon.status === 'expired') return { outcome: 'coupon_not_usable', message: `the coupon expired on ${coupon.expiredAt ?? coupon.validUntil}` };
  if (!byThisReport) {
    if (Date.parse(line.redeemedAt) > Date.parse(coupon.validUntil)) {
      return { outcome: 'coupon_not_usable', message: `the coupon was valid until ${coupon.validUntil}, before the reported redemption (${line.redeemedAt})` };
    }
    if (coupon.reservation) return { outcome: 'coupon_not_usable', message: 'the coupon is held by a renewal in progress at the desk' };
  }
  if (!covers(coupon.renews, line.kind)) {
    return { outcome: 'coupon_kind_mismatch', message: `the coupon renews ${renewsText(coupon.renews)}, not the ${line.kind} one` };
  }
  if (earlier) {
    const sameCard = earlier.deviceSerial === line.deviceSerial;
    if (coupon.renews !== 'both' || !sameCard || earlier.kinds.includes(line.kind)) {
      return { outcome: 'coupon_already_redeemed', message: `the coupon is already used by line ${earlier.line} of this report` };
    }
  }
  if (byThisReport && coupon.redemption && (coupon.redemption.deviceSerial !== line.deviceSerial || !covers(coupon.redemption.certificateKind, line.kind))) {
    return { outcome: 'coupon_already_redeemed', message: `this report already used the coupon for device ${coupon.redemption.deviceSerial}` };
  }
  if (device.status !== 'registered') return { outcome: 'device_unknown', message: `no device with serial ${line.deviceSerial} is known (only devices sold by this reseller are)` };
  const current = device.certificates[line.kind];
  if (!current) return { outcome: 'certificate_not_renewable', message: `device ${device.serial} has no ${line.kind} certificate` };
  if (current.serialNumber === line.serialNumber) return { outcome: 'applied', message: applied(line) };
  if (current.status === 'revoked') return { outcome: 'certificate_not_renewable', message: `the ${line.kind} certificate of device ${device.serial} is revoked: it can never be renewed` };
  if (device.deviceStatus !== 'active') return { outcome: 'certificate_not_renewable', message: `device ${device.serial} is ${device.deviceStatus}, not active` };
  return { outcome: 'applied', message: applied(line) };
}

const applied = (line: CheckedCaReportLine) =>
  `coupon redeemed; the ${line.kind} certificate of device ${line.deviceSerial} is now ${line.serialNumber}, valid until ${line.validUntil}`;

const renewsText = (renews: CouponRenews) => (renews === 'both' ? 'both certificates' : `the ${renews} certificate`);

/** What a coupon redemption of this report pays for: 'both' when the report's applied lines renew both of the device's certificates with it. */
export function redemptionKind(renews: CouponRenews, kinds: readonly DeviceCertificateKind[]): CouponRenews {
  return renews === 'both' && new Set(kinds).size === 2 ? 'both' : kinds[0]!;
}

/** A line as the event records it. */
export function recordedLine(line: number, input: CaReportLineInput, outcome: CaReportOutcome, message: string): CaReportLine {
  return {
    line,
    couponCode: input.couponCode.trim(),
    deviceSerial: input.deviceSerial.trim(),
    certificateKind: input.certificateKind.trim(),
    serialNumber: input.serialNumber.trim(),
    validFrom: input.validFrom.trim(),
    validUntil: input.validUntil.trim(),
    redeemedAt: input.redeemedAt.trim(),
    outcome,
    message,
  };
}

/** The masked coupon code of a recorded line, for answers and lists (the code is a secret). */
export const lineCouponHint = (line: Pick<CaReportLine, 'couponCode'>): string => couponCodeHint(line.couponCode);

// ---------------------------------------------------------------------------------------------
// The report's stream
// ---------------------------------------------------------------------------------------------

export type CaReportState = { status: 'none' } | { status: 'received'; report: CaReportEvent['data'] };

export const caReportAggregate = {
  initialState: (): CaReportState => ({ status: 'none' }),
  evolve: (_state: CaReportState, event: CaReportEvent): CaReportState => ({ status: 'received', report: event.data }),
};

/** Whether the lines received are those of the recorded report (values as received, in order). */
export function sameReport(recorded: readonly CaReportLine[], received: readonly { line: number; input: CaReportLineInput }[]): boolean {
  if (recorded.length !== received.length) return false;
  return recorded.every((r, i) => {
    const x = received[i]!;
    const mine = recordedLine(x.line, x.input, r.outcome, r.message);
    return CA_REPORT_FIELDS.every((f) => (r[f] ?? '') === mine[f]) && r.line === mine.line;
  });
}

export interface RecordCaReport {
  reportId: string;
  via: 'webhook' | 'csv';
  receivedBy: string;
  lines: CaReportLine[];
  /** What was received, to tell the same report sent again from another one under the same id. */
  received: { line: number; input: CaReportLineInput }[];
  at: string;
}

/** Records the report once; the same report again changes nothing; other lines under the same id are refused. */
export function recordCaReport(command: RecordCaReport, state: CaReportState): CaReportEvent[] {
  const at = instantOf(command.at);
  if (!CA_REPORT_ID.test(command.reportId)) throw invalid('reportId', 'must be 1 to 100 letters, digits or . _ : - (starting with a letter or digit)', 'report_id_invalid');
  if (state.status === 'received') {
    if (sameReport(state.report.lines, command.received)) return [];
    throw conflict('ca_report_conflict', `report ${command.reportId} was already received with other lines: a report id names one report`);
  }
  return [{ type: 'CaReportReceived', data: { reportId: command.reportId, via: command.via, receivedBy: command.receivedBy, lines: command.lines, receivedAt: at } }];
}

// ---------------------------------------------------------------------------------------------
// The CSV file
// ---------------------------------------------------------------------------------------------

/** The columns of the CSV upload (by name, any order, case and `_` ignored: coupon_code = couponCode). */
export const CA_REPORT_CSV_COLUMNS = ['coupon_code', 'device_serial', 'certificate_kind', 'serial_number', 'valid_from', 'valid_until', 'redeemed_at'] as const;

const fieldOfColumn: Record<(typeof CA_REPORT_CSV_COLUMNS)[number], keyof CaReportLineInput> = {
  coupon_code: 'couponCode',
  device_serial: 'deviceSerial',
  certificate_kind: 'certificateKind',
  serial_number: 'serialNumber',
  valid_from: 'validFrom',
  valid_until: 'validUntil',
  redeemed_at: 'redeemedAt',
};

/** The CSV's column names for the messages. */
export const csvNames: FieldNames = (f) => CA_REPORT_CSV_COLUMNS.find((c) => fieldOfColumn[c] === f)!;

const columnKey = (name: string) => name.trim().toLowerCase().replace(/[\s_-]+/g, '');

export interface CaReportCsvLine {
  /** The line in the file (the header is line 1). */
  line: number;
  input: CaReportLineInput;
  /** A row that cannot be read as a line (wrong number of fields): it is recorded as line_invalid. */
  problem: string | null;
}

/**
 * Parses an uploaded report: a header row naming the seven columns, `;` or `,`, fields quoted with
 * `"` when needed, UTF-8 with or without a BOM, blank lines skipped. A file without a usable header
 * is refused whole (DomainError 'invalid' on the field `file`, naming the missing columns).
 */
export function parseCaReportCsv(text: string): CaReportCsvLine[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records = csvRecords(body, detectSeparator(body)).filter((r) => r.fields.some((f) => f.trim() !== ''));
  const header = records.shift();
  if (!header) throw invalid('file', `the file is empty: the first row must be the header (${CA_REPORT_CSV_COLUMNS.join(';')})`, 'csv_empty');
  const index = new Map<string, number>();
  header.fields.forEach((name, i) => {
    const key = columnKey(name);
    if (key === '') return;
    if (index.has(key)) throw invalid('file', `column ${name.trim()} appears twice in the header`, 'csv_column_duplicate');
    index.set(key, i);
  });
  const missing = CA_REPORT_CSV_COLUMNS.filter((c) => !index.has(columnKey(c)));
  if (missing.length > 0) {
    throw invalid('file', `the header lacks the column(s) ${missing.join(', ')}; expected ${CA_REPORT_CSV_COLUMNS.join(';')}`, 'csv_columns_missing');
  }
  if (records.length === 0) throw invalid('file', 'the file has a header but no lines', 'csv_lines_missing');
  if (records.length > CA_REPORT_MAX_LINES) throw invalid('file', `at most ${CA_REPORT_MAX_LINES} lines per report (got ${records.length})`, 'csv_lines_too_many');
  return records.map((record) => {
    const input = {} as CaReportLineInput;
    for (const column of CA_REPORT_CSV_COLUMNS) input[fieldOfColumn[column]] = (record.fields[index.get(columnKey(column))!] ?? '').trim();
    const problem =
      record.fields.length === header.fields.length
        ? null
        : `the row has ${record.fields.length} fields but the header has ${header.fields.length}` +
          (record.fields.length > header.fields.length ? ' (a separator inside an unquoted field?)' : '');
    return { line: record.line, input, problem };
  });
}
