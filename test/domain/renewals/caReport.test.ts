// The CA's report, pure: a line's values, its assessment against the coupon and the device, the
// CSV file, the report recorded once.
import { describe, expect, it } from 'vitest';
import {
  assessCaReportLine,
  caReportAggregate,
  checkCaReportLine,
  csvNames,
  parseCaReportCsv,
  recordCaReport,
  recordedLine,
  type CaReportLineInput,
  type CheckedCaReportLine,
} from '../../../domain/renewals/caReport';
import { couponAggregate, redeemCoupon, type CouponState } from '../../../domain/coupons/decider';
import { deviceAggregate, type DeviceState } from '../../../domain/devices/decider';
import { DomainError } from '../../../domain/shared/errors';
import { generateCouponCode } from '../../../domain/shared/couponCode';

const AT = '2026-11-24T09:00:00.000Z';
const CODE = generateCouponCode(() => new Uint8Array(32).fill(3));

const input = (over: Partial<CaReportLineInput> = {}): CaReportLineInput => ({
  couponCode: CODE,
  deviceSerial: '1205100000',
  certificateKind: 'signing',
  serialNumber: 'ab:cd:01',
  validFrom: '2026-11-23T10:00:00+01:00',
  validUntil: '2029-11-23T10:00:00Z',
  redeemedAt: '2026-11-23T10:00:00Z',
  ...over,
});

function coupon(over: Partial<Extract<CouponState, { code: string }>> = {}): CouponState {
  return {
    ...couponAggregate.evolve(couponAggregate.initialState(), {
      type: 'CouponIssued',
      data: { couponId: 'c1', code: CODE, orderId: 'o1', customerId: 'k1', productCode: 'RIN-FIRMA', renews: 'signing', issuedAt: '2026-01-01T00:00:00.000Z', validUntil: '2027-01-01T00:00:00.000Z' },
    }),
    ...over,
  } as CouponState;
}

const device = (): DeviceState =>
  deviceAggregate.evolve(deviceAggregate.initialState(), {
    type: 'DeviceRegistered',
    data: {
      serial: '1205100000',
      kind: 'smart_card',
      issuer: 'CCIAA Roma',
      issuedOn: '2023-12-01',
      holderCodiceFiscale: 'RSSMRA80A01H501U',
      certificates: [{ kind: 'signing', serialNumber: 'S1', validFrom: '2023-12-01T00:00:00.000Z', validUntil: '2026-12-01T00:00:00.000Z' }],
      registeredAt: '2023-12-01T00:00:00.000Z',
    },
  });

const checked = (over: Partial<CaReportLineInput> = {}): CheckedCaReportLine => {
  const c = checkCaReportLine(input(over), AT);
  if (!c.ok) throw new Error(c.message);
  return c.line;
};

describe('a line of a report', () => {
  it('is normalised: code grouped, serials compact, times in UTC, kind aliases', () => {
    expect(checkCaReportLine(input({ certificateKind: 'Sottoscrizione', deviceSerial: '1205-100 000' }), AT)).toEqual({
      ok: true,
      line: { couponCode: CODE, deviceSerial: '1205100000', kind: 'signing', serialNumber: 'ABCD01', validFrom: '2026-11-23T09:00:00.000Z', validUntil: '2029-11-23T10:00:00.000Z', redeemedAt: '2026-11-23T10:00:00.000Z' },
    });
  });

  it.each([
    [{ deviceSerial: '' }, 'deviceSerial: is missing'],
    [{ couponCode: 'nope' }, 'couponCode: not a coupon code'],
    [{ certificateKind: 'both' }, "certificateKind: must be signing or authentication (got 'both')"],
    [{ validUntil: '2029-02-30T10:00:00Z' }, 'newCertificate.validUntil: must be a date and time'],
    [{ validUntil: '2026-11-23T09:00:00Z' }, 'newCertificate.validUntil: must be later than newCertificate.validFrom'],
    [{ redeemedAt: '2026-11-24T10:00:00Z' }, 'redeemedAt: is in the future'],
  ])('names the field and the rule when a value is wrong: %j', (over, message) => {
    const c = checkCaReportLine(input(over), AT);
    expect(c.ok).toBe(false);
    expect(!c.ok && c.message).toContain(message);
  });

  it('names the CSV column for an uploaded line', () => {
    const c = checkCaReportLine(input({ validFrom: '23/11/2026' }), AT, csvNames);
    expect(!c.ok && c.message).toMatch(/^valid_from: must be a date and time/);
  });
});

describe('the assessment of a line', () => {
  it('applies a usable coupon of the right kind to an active certificate', () => {
    expect(assessCaReportLine(checked(), 'R1', coupon(), device(), undefined).outcome).toBe('applied');
  });

  it('tells each problem apart', () => {
    const line = checked();
    expect(assessCaReportLine(line, 'R1', couponAggregate.initialState(), device(), undefined).outcome).toBe('coupon_unknown');
    expect(assessCaReportLine(line, 'R1', coupon({ renews: 'authentication' }), device(), undefined).outcome).toBe('coupon_kind_mismatch');
    const redeemed = coupon({ status: 'redeemed', redemption: { deviceSerial: 'X1234', certificateKind: 'signing', redeemedAt: AT, renewalId: 'ren-1', reportId: null } });
    expect(assessCaReportLine(line, 'R1', redeemed, device(), undefined)).toMatchObject({ outcome: 'coupon_already_redeemed', message: expect.stringContaining('by a renewal') });
    expect(assessCaReportLine(line, 'R1', coupon({ status: 'cancelled' }), device(), undefined).outcome).toBe('coupon_not_usable');
    expect(assessCaReportLine(line, 'R1', coupon({ validUntil: '2026-11-01T00:00:00.000Z' }), device(), undefined).outcome).toBe('coupon_not_usable');
    const reserved = coupon({ reservation: { renewalId: 'ren-1', deviceSerial: '1205100000', certificateKind: 'signing', reservedAt: AT } });
    expect(assessCaReportLine(line, 'R1', reserved, device(), undefined).outcome).toBe('coupon_not_usable');
    expect(assessCaReportLine(line, 'R1', coupon(), deviceAggregate.initialState(), undefined).outcome).toBe('device_unknown');
    expect(assessCaReportLine(checked({ certificateKind: 'cns' }), 'R1', coupon({ renews: 'both' }), device(), undefined).outcome).toBe('certificate_not_renewable');
    const lost = deviceAggregate.evolve(device(), { type: 'DeviceStatusChanged', data: { serial: '1205100000', from: 'active', to: 'lost', reason: 'lost', replacedBy: null, changedBy: 'op', changedAt: AT } });
    expect(assessCaReportLine(line, 'R1', coupon(), lost, undefined)).toMatchObject({ outcome: 'certificate_not_renewable', message: expect.stringContaining('lost') });
  });

  it('a coupon redeemed by this very report counts as applied (a retry), by another report not', () => {
    const byR1 = coupon({ status: 'redeemed', redemption: { deviceSerial: '1205100000', certificateKind: 'signing', redeemedAt: AT, renewalId: null, reportId: 'R1' } });
    expect(assessCaReportLine(checked(), 'R1', byR1, device(), undefined).outcome).toBe('applied');
    expect(assessCaReportLine(checked(), 'R2', byR1, device(), undefined).outcome).toBe('coupon_already_redeemed');
  });

  it('the redemption by a report is idempotent for that report, and refused for a coupon held by a renewal', () => {
    const redeem = (state: CouponState, reportId: string) => redeemCoupon({ deviceSerial: '1205100000', certificateKind: 'signing', reportId, at: AT }, state);
    const [event] = redeem(coupon(), 'R1');
    expect(event!.data).toMatchObject({ reportId: 'R1' });
    const after = couponAggregate.evolve(coupon(), event!);
    expect(redeem(after, 'R1')).toEqual([]);
    expect(() => redeem(after, 'R2')).toThrow(DomainError);
    const reserved = coupon({ reservation: { renewalId: 'ren-1', deviceSerial: '1205100000', certificateKind: 'signing', reservedAt: AT } });
    expect(() => redeem(reserved, 'R1')).toThrow(/held by a renewal/);
  });
});

describe('the CSV file', () => {
  const header = 'coupon_code;device_serial;certificate_kind;serial_number;valid_from;valid_until;redeemed_at';

  it('reads `;` or `,`, columns in any order and case, a BOM, quoted fields', () => {
    const semi = parseCaReportCsv(`\uFEFF${header}\r\n${CODE};1205100000;signing;S2;2026-11-23T10:00:00Z;2029-11-23T10:00:00Z;2026-11-23T10:00:00Z\r\n\r\n`);
    expect(semi).toEqual([{ line: 2, input: input({ serialNumber: 'S2', validFrom: '2026-11-23T10:00:00Z' }), problem: null }]);
    const comma = parseCaReportCsv(`RedeemedAt,couponCode,Device Serial,certificate_kind,serial_number,valid_from,valid_until\n2026-11-23T10:00:00Z,"${CODE}",1205100000,signing,S2,2026-11-23T10:00:00Z,2029-11-23T10:00:00Z\n`);
    expect(comma[0]!.input).toEqual(semi[0]!.input);
  });

  it('refuses a file without a required column, naming it', () => {
    expect(() => parseCaReportCsv('coupon_code;device_serial;certificate_kind;serial_number;valid_from;valid_until\nx;y;z;1;2;3\n')).toThrow(
      /the header lacks the column\(s\) redeemed_at/,
    );
    expect(() => parseCaReportCsv('')).toThrow(/the file is empty/);
    expect(() => parseCaReportCsv(`${header}\n`)).toThrow(/no lines/);
  });

  it('a row of the wrong width is a line with a problem, not a shifted one', () => {
    const [row] = parseCaReportCsv(`${header}\n${CODE};1205100000;signing;S2;2026-11-23T10:00:00Z;2029-11-23T10:00:00Z;2026-11-23T10:00:00Z;extra\n`);
    expect(row!.problem).toMatch(/8 fields but the header has 7/);
  });
});

describe('the report recorded', () => {
  const received = [{ line: 1, input: input() }];
  const lines = [recordedLine(1, input(), 'applied', 'ok')];
  const command = { reportId: 'CA-1', via: 'webhook' as const, receivedBy: 'ca-webhook', lines, received, at: AT };

  it('once; the same lines again change nothing; other lines under the same id are refused', () => {
    const events = recordCaReport(command, caReportAggregate.initialState());
    expect(events).toHaveLength(1);
    const state = caReportAggregate.evolve(caReportAggregate.initialState(), events[0]!);
    expect(recordCaReport(command, state)).toEqual([]);
    const other = [{ line: 1, input: input({ redeemedAt: '2026-11-23T11:00:00Z' }) }];
    expect(() => recordCaReport({ ...command, received: other }, state)).toThrow(expect.objectContaining({ code: 'ca_report_conflict', kind: 'conflict' }));
  });

  it('refuses a report id that is not one', () => {
    expect(() => recordCaReport({ ...command, reportId: '../x' }, caReportAggregate.initialState())).toThrow(expect.objectContaining({ code: 'report_id_invalid' }));
  });
});
