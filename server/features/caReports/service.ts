// The CA's reports of renewals done elsewhere (domain/renewals/caReport.ts for the rules): each
// line is checked, the good ones redeem their coupon (with the report's id) and renew the device's
// certificate, and the report is recorded last, with every line's outcome, on `ca-report-<id>`.
//
// Crash-safe: the report is recorded only after its lines were applied, and applying is idempotent
// for the same report (a coupon already redeemed by this report counts as applied, a certificate
// already replaced by the reported one is not replaced again). A retry of a report interrupted
// half-way thus finishes it without redeeming anything twice; a report already recorded is
// answered as it was recorded.
import { createHash } from 'node:crypto';
import type { CommandContext } from '../../../events/eventCatalogue';
import { couponCodeAggregate, couponCodeStreamOf, couponOfCode } from '../../../domain/coupons/codeClaim';
import { couponAggregate, redeemCoupon, streamOf as couponStream, type CouponState } from '../../../domain/coupons/decider';
import { deviceAggregate, renewCertificate, streamOf as deviceStream } from '../../../domain/devices/decider';
import type { DeviceCertificateKind } from '../../../domain/devices/events';
import {
  CA_REPORT_ID,
  CA_REPORT_MAX_LINES,
  assessCaReportLine,
  caReportAggregate,
  caReportStreamOf,
  checkCaReportLine,
  csvNames,
  lineCouponHint,
  parseCaReportCsv,
  recordCaReport,
  recordedLine,
  redemptionKind,
  type CaReportLine,
  type CaReportLineInput,
  type CheckedCaReportLine,
  type CouponUseInReport,
  type FieldNames,
} from '../../../domain/renewals/caReport';
import type { CaReportEvent, CaReportOutcome } from '../../../domain/renewals/events';
import { DomainError, invalid } from '../../../domain/shared/errors';
import { normaliseCouponCode } from '../../../domain/shared/couponCode';
import { handleCommand, loadAggregate } from '../../commands/handle';
import { lastPosition, type SalesDeps } from '../deps';

/** One line of the answer: no coupon code (a secret), only its hint. */
export interface CaReportAnswerLine {
  line: number;
  couponCodeHint: string;
  deviceSerial: string;
  certificateKind: string;
  outcome: CaReportOutcome;
  message: string;
}

export interface CaReportAnswer {
  reportId: string;
  via: 'webhook' | 'csv';
  receivedAt: string;
  applied: number;
  refused: number;
  lines: CaReportAnswerLine[];
}

export interface CaReportResult {
  answer: CaReportAnswer;
  /** True when the report had been received before: nothing was done, the first answer is given. */
  replayed: boolean;
  position: number;
}

export interface ReceivedLine {
  line: number;
  input: CaReportLineInput;
  /** Set when the line could not even be read (a CSV row of the wrong width). */
  problem?: string | null;
}

export interface ReceiveCaReport {
  reportId: string;
  via: 'webhook' | 'csv';
  /** `ca-webhook`, or the uploader's user id. */
  receivedBy: string;
  lines: ReceivedLine[];
  /** How fields are named in messages (the CSV's columns for an upload). */
  names?: FieldNames;
}

export function answerOf(report: CaReportEvent['data']): CaReportAnswer {
  const lines = report.lines.map((l) => ({
    line: l.line,
    couponCodeHint: lineCouponHint(l),
    deviceSerial: l.deviceSerial,
    certificateKind: l.certificateKind,
    outcome: l.outcome,
    message: l.message,
  }));
  const applied = lines.filter((l) => l.outcome === 'applied').length;
  return { reportId: report.reportId, via: report.via, receivedAt: report.receivedAt, applied, refused: lines.length - applied, lines };
}

async function recordedPosition(deps: SalesDeps, reportId: string): Promise<number> {
  const [first] = await deps.store.readStream(caReportStreamOf(reportId));
  return first?.position ?? 0;
}

/** The coupon a (well-formed) code names, with its state; `none` when no coupon has the code. */
async function couponByCode(deps: SalesDeps, code: string): Promise<{ couponId: string | null; state: CouponState }> {
  const couponId = couponOfCode((await loadAggregate(deps, couponCodeStreamOf(code), couponCodeAggregate)).state);
  if (couponId === null) return { couponId: null, state: couponAggregate.initialState() };
  const { state } = await loadAggregate(deps, couponStream(couponId), couponAggregate);
  // A code claimed by a fulfilment that then issued the coupon with another code names nothing.
  if (state.status === 'none' || normaliseCouponCode(state.code) !== normaliseCouponCode(code)) return { couponId: null, state: couponAggregate.initialState() };
  return { couponId, state };
}

/** A refusal of the coupon's decider, as a line's outcome (when the coupon changed since the check). */
function couponOutcome(error: DomainError): Exclude<CaReportOutcome, 'applied'> {
  switch (error.code) {
    case 'coupon_already_redeemed':
      return 'coupon_already_redeemed';
    case 'coupon_kind_mismatch':
      return 'coupon_kind_mismatch';
    case 'coupon_not_found':
      return 'coupon_unknown';
    default:
      return 'coupon_not_usable';
  }
}

interface Planned {
  index: number;
  line: CheckedCaReportLine;
}

/**
 * Receives a report: answers a report already recorded as it was (409 when the same id comes with
 * other lines), otherwise applies its good lines and records it with every line's outcome.
 */
export async function receiveCaReport(deps: SalesDeps, input: ReceiveCaReport, ctx: CommandContext): Promise<CaReportResult> {
  if (!CA_REPORT_ID.test(input.reportId)) {
    throw invalid('reportId', 'must be 1 to 100 letters, digits or . _ : - (starting with a letter or digit)', 'report_id_invalid');
  }
  if (input.lines.length === 0) throw invalid('lines', 'a report has at least one line', 'lines_missing');
  if (input.lines.length > CA_REPORT_MAX_LINES) throw invalid('lines', `at most ${CA_REPORT_MAX_LINES} lines per report`, 'lines_too_many');
  const stream = caReportStreamOf(input.reportId);
  const received = input.lines.map(({ line, input: values }) => ({ line, input: values }));
  const at = deps.clock().toISOString();
  const recordOnly = (lines: CaReportLine[], state: Parameters<typeof recordCaReport>[1]) =>
    recordCaReport({ reportId: input.reportId, via: input.via, receivedBy: input.receivedBy, lines, received, at }, state);

  // Already recorded: the same report gets its first answer, another one under the same id a 409.
  const before = (await loadAggregate(deps, stream, caReportAggregate)).state;
  if (before.status === 'received') {
    recordOnly([], before);
    return { answer: answerOf(before.report), replayed: true, position: await recordedPosition(deps, input.reportId) };
  }

  // Check every line against the coupons and devices as they are now.
  const outcomes: { outcome: CaReportOutcome; message: string }[] = [];
  const uses = new Map<string, CouponUseInReport>();
  const plan = new Map<string, { coupon: Extract<CouponState, { status: string; renews: unknown }>; lines: Planned[] }>();
  for (const [index, { input: values, problem }] of input.lines.entries()) {
    if (problem) {
      outcomes.push({ outcome: 'line_invalid', message: problem });
      continue;
    }
    const checked = checkCaReportLine(values, at, input.names);
    if (!checked.ok) {
      outcomes.push({ outcome: 'line_invalid', message: checked.message });
      continue;
    }
    const line = checked.line;
    const { couponId, state: coupon } = await couponByCode(deps, line.couponCode);
    const { state: device } = await loadAggregate(deps, deviceStream(line.deviceSerial), deviceAggregate);
    const assessment = assessCaReportLine(line, input.reportId, coupon, device, couponId ? uses.get(couponId) : undefined);
    outcomes.push(assessment);
    if (assessment.outcome !== 'applied' || couponId === null || coupon.status === 'none') continue;
    const use = uses.get(couponId) ?? { line: input.lines[index]!.line, deviceSerial: line.deviceSerial, kinds: [] as DeviceCertificateKind[] };
    use.kinds.push(line.kind);
    uses.set(couponId, use);
    const entry = plan.get(couponId) ?? { coupon, lines: [] };
    entry.lines.push({ index, line });
    plan.set(couponId, entry);
  }

  // Apply: each coupon redeemed once for this report, then each of its lines' certificates renewed.
  let position = 0;
  for (const [couponId, { coupon, lines }] of plan) {
    const first = lines[0]!.line;
    try {
      const redeemed = await handleCommand(
        deps,
        couponStream(couponId),
        couponAggregate,
        (state) =>
          redeemCoupon(
            { deviceSerial: first.deviceSerial, certificateKind: redemptionKind(coupon.renews, lines.map((l) => l.line.kind)), reportId: input.reportId, at: first.redeemedAt },
            state,
          ),
        ctx,
      );
      position = lastPosition(position, redeemed.position);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      for (const { index } of lines) outcomes[index] = { outcome: couponOutcome(error), message: error.message };
      continue;
    }
    for (const { index, line } of lines) {
      try {
        const renewed = await handleCommand(
          deps,
          deviceStream(line.deviceSerial),
          deviceAggregate,
          (state) =>
            renewCertificate(
              { kind: line.kind, serialNumber: line.serialNumber, validFrom: line.validFrom, validUntil: line.validUntil, reportId: input.reportId, at: line.redeemedAt },
              state,
            ),
          ctx,
        );
        position = lastPosition(position, renewed.position);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcomes[index] = { outcome: 'certificate_not_renewable', message: `${error.message} (the coupon stays redeemed by this report)` };
      }
    }
  }

  const lines = input.lines.map((l, i) => recordedLine(l.line, l.input, outcomes[i]!.outcome, outcomes[i]!.message));
  const recorded = await handleCommand(deps, stream, caReportAggregate, (state) => recordOnly(lines, state), ctx);
  if (recorded.state.status !== 'received') throw new Error(`report ${input.reportId} was not recorded`);
  // Nothing appended: the same report was recorded meanwhile by another request.
  const replayed = recorded.events.length === 0;
  return {
    answer: answerOf(recorded.state.report),
    replayed,
    position: replayed ? lastPosition(position, await recordedPosition(deps, input.reportId)) : lastPosition(position, recorded.position),
  };
}

/** A webhook line (JSON) as text values: absent → '', numbers as written, anything else as its JSON. */
export function webhookLineInput(raw: unknown): CaReportLineInput {
  const o = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const cert = o.newCertificate !== null && typeof o.newCertificate === 'object' && !Array.isArray(o.newCertificate) ? (o.newCertificate as Record<string, unknown>) : {};
  const text = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v).slice(0, 200));
  return {
    couponCode: text(o.couponCode),
    deviceSerial: text(o.deviceSerial),
    certificateKind: text(o.certificateKind),
    serialNumber: text(cert.serialNumber),
    validFrom: text(cert.validFrom),
    validUntil: text(cert.validUntil),
    redeemedAt: text(o.redeemedAt),
  };
}

/** A report received by the webhook: lines numbered from 1 in the order sent. */
export function receiveWebhookReport(deps: SalesDeps, body: { reportId: string; lines: unknown[] }, ctx: CommandContext): Promise<CaReportResult> {
  const lines = body.lines.map((raw, i) => ({
    line: i + 1,
    input: webhookLineInput(raw),
    problem: raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? null : 'the line is not an object { couponCode, deviceSerial, certificateKind, newCertificate, redeemedAt }',
  }));
  return receiveCaReport(deps, { reportId: body.reportId, via: 'webhook', receivedBy: 'ca-webhook', lines }, ctx);
}

/** The report id of an uploaded file named by no one: the file's SHA-256, so the same file twice is one report. */
export const csvReportId = (csv: string): string => `csv-${createHash('sha256').update(csv.startsWith('\uFEFF') ? csv.slice(1) : csv, 'utf8').digest('hex').slice(0, 40)}`;

/** A report uploaded as CSV by an accountant (see parseCaReportCsv for the format). */
export function uploadCaReportCsv(deps: SalesDeps, input: { csv: string; reportId?: string | undefined }, ctx: CommandContext): Promise<CaReportResult> {
  const rows = parseCaReportCsv(input.csv);
  const reportId = input.reportId?.trim() || csvReportId(input.csv);
  return receiveCaReport(deps, { reportId, via: 'csv', receivedBy: ctx.actor.userId, lines: rows, names: csvNames }, ctx);
}
