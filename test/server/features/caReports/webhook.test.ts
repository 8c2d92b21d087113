// The CA's report of renewals done elsewhere, over HTTP: the signed webhook (signature, replay,
// idempotency by report id), each line's outcome, and what a good line does to the coupon and the
// device; the CSV upload by an accountant; the read model.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caReportStreamOf } from '../../../../domain/renewals/caReport';
import { streamOf as couponStream } from '../../../../domain/coupons/decider';
import { streamOf as deviceStream } from '../../../../domain/devices/decider';
import { allEvents } from '../../security/support';
import { SECRET, reportLine, startCaWorld, type CaWorld } from './support';

let w: CaWorld;
beforeEach(async () => {
  w = await startCaWorld();
  await w.card('1205100000');
});
afterEach(async () => w.close());

const types = async (stream: string) => (await w.store.readStream(stream)).map((e) => e.type);

describe('the signature', () => {
  it('a wrong signature is refused 401 and nothing is recorded', async () => {
    const { code } = await w.coupon('signing');
    const r = await w.webhook({ reportId: 'R-1', lines: [reportLine(code, '1205100000', 'signing')] }, { secret: 'another-secret-that-the-ca-does-not-share' });
    expect(r.status).toBe(401);
    expect(r.json.code).toBe('ca_signature_invalid');
    expect(await types(caReportStreamOf('R-1'))).toEqual([]);
  });

  it('a body changed after signing is refused', async () => {
    const { code } = await w.coupon('signing');
    const body = { reportId: 'R-1', lines: [reportLine(code, '1205100000', 'signing')] };
    const ts = Math.floor(w.clock.now().getTime() / 1000);
    const { signCaReport } = await import('../../../../server/features/caReports/signature');
    const signature = signCaReport('a-secret-shared-with-the-ca-0123456789abcdef', String(ts), JSON.stringify(body));
    const tampered = JSON.stringify({ ...body, reportId: 'R-2' });
    const r = await w.webhook(null, { raw: tampered, timestamp: ts, headers: { 'x-ca-signature': signature } });
    expect(r.status).toBe(401);
    expect(r.json.code).toBe('ca_signature_invalid');
  });

  it('without the signature headers: 401 naming them', async () => {
    const r = await w.app.inject({ method: 'POST', url: '/api/ca-reports', payload: { reportId: 'R-1', lines: [{}] } });
    expect(r.statusCode).toBe(401);
    expect(r.json().code).toBe('ca_signature_missing');
    expect(r.json().message).toContain('x-ca-signature');
  });

  it('a timestamp more than 5 minutes old is refused (replay), and one more than 5 minutes ahead too', async () => {
    const { code } = await w.coupon('signing');
    const body = { reportId: 'R-1', lines: [reportLine(code, '1205100000', 'signing')] };
    const now = Math.floor(w.clock.now().getTime() / 1000);
    const old = await w.webhook(body, { timestamp: now - 301 });
    expect(old.status).toBe(401);
    expect(old.json.code).toBe('ca_timestamp_out_of_range');
    const ahead = await w.webhook(body, { timestamp: now + 301 });
    expect(ahead.status).toBe(401);
    expect(ahead.json.code).toBe('ca_timestamp_out_of_range');
    // Within the 5 minutes either way: accepted.
    expect((await w.webhook(body, { timestamp: now - 299 })).status).toBe(200);
  });

  it('without CA_WEBHOOK_SECRET the webhook answers 503 saying so', async () => {
    const bare = await startCaWorld({ secret: null });
    try {
      const r = await bare.webhook({ reportId: 'R-1', lines: [{}] });
      expect(r.status).toBe(503);
      expect(r.json.code).toBe('ca_webhook_unconfigured');
      expect(r.json.message).toContain('CA_WEBHOOK_SECRET');
    } finally {
      await bare.close();
    }
  });

  it('logs neither the secret nor the coupon codes, even at trace level', async () => {
    const lines: string[] = [];
    const { loggerOptions } = await import('../../../../server/logger');
    const logged = await startCaWorld({ logger: { ...loggerOptions('trace'), stream: { write: (line: string) => void lines.push(line) } } });
    try {
      await logged.card('1205100000');
      const { code } = await logged.coupon('signing');
      const body = { reportId: 'R-1', lines: [reportLine(code, '1205100000', 'signing')] };
      expect((await logged.webhook(body)).status).toBe(200);
      expect((await logged.webhook(body, { secret: 'another-secret-that-the-ca-does-not-share' })).status).toBe(401);
      expect(lines.length).toBeGreaterThan(0);
      const log = lines.join('\n');
      expect(log).not.toContain(SECRET);
      expect(log).not.toContain(code);
    } finally {
      await logged.close();
    }
  });

  it('a signed body that is not JSON is 400, a report without lines 400 naming the field', async () => {
    expect((await w.webhook(null, { raw: '{"reportId":' })).status).toBe(400);
    const r = await w.webhook({ reportId: 'R-1', lines: [] });
    expect(r.status).toBe(400);
    expect(r.json.errors).toHaveProperty('lines');
  });
});

describe('the lines', () => {
  it('a good line redeems the coupon for the report and renews the device certificate', async () => {
    const { couponId, code } = await w.coupon('signing');
    const r = await w.webhook({ reportId: 'R-1', lines: [reportLine(code, '1205100000', 'signing')] });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ reportId: 'R-1', via: 'webhook', applied: 1, refused: 0 });
    expect(r.json.lines[0]).toMatchObject({ line: 1, outcome: 'applied', deviceSerial: '1205100000', certificateKind: 'signing' });
    expect(r.json.lines[0].couponCodeHint).toBe(`****-****-****-****-${code.slice(-4)}`);
    expect(JSON.stringify(r.json)).not.toContain(code);

    const coupon = (await w.store.readStream(couponStream(couponId))).map((e) => ({ type: e.type, data: e.data as any }));
    expect(coupon.map((e) => e.type)).toEqual(['CouponIssued', 'CouponRedeemed']);
    expect(coupon[1]!.data).toMatchObject({ deviceSerial: '1205100000', certificateKind: 'signing', reportId: 'R-1', redeemedAt: '2026-11-23T10:00:00.000Z' });
    const device = (await w.store.readStream(deviceStream('1205100000'))).map((e) => ({ type: e.type, data: e.data as any }));
    expect(device.map((e) => e.type)).toEqual(['DeviceRegistered', 'CertificateRenewed']);
    expect(device[1]!.data).toMatchObject({ kind: 'signing', previousSerialNumber: 'S1205100000', serialNumber: 'NS1205100000', validUntil: '2029-11-23T10:00:00.000Z', reportId: 'R-1' });
    const received = await w.store.readStream(caReportStreamOf('R-1'));
    expect(received.map((e) => e.type)).toEqual(['CaReportReceived']);
    expect(received[0]!.data).toMatchObject({ reportId: 'R-1', via: 'webhook', receivedBy: 'ca-webhook', receivedAt: '2026-11-24T09:00:00.000Z' });
    expect((received[0]!.data as any).lines[0]).toMatchObject({ line: 1, couponCode: code, outcome: 'applied', redeemedAt: '2026-11-23T10:00:00Z' });
    expect(received[0]!.metadata).toMatchObject({ actor: { userId: 'ca-webhook', role: 'system' } });
  });

  it('every bad line is reported back with its outcome and recorded; the good one beside them is applied', async () => {
    await w.card('1205100001');
    const signing = await w.coupon('signing');
    const authentication = await w.coupon('authentication');
    const used = await w.coupon('signing');
    const good = await w.coupon('signing');
    const { generateCouponCode } = await import('../../../../domain/shared/couponCode');
    const unknown = generateCouponCode(() => new Uint8Array(32).fill(7));
    // `used` was redeemed by an earlier report.
    expect((await w.webhook({ reportId: 'R-0', lines: [reportLine(used.code, '1205100001', 'signing')] })).json.applied).toBe(1);

    const r = await w.webhook({
      reportId: 'R-1',
      lines: [
        reportLine(unknown, '1205100000', 'signing'),
        reportLine(authentication.code, '1205100000', 'signing'),
        reportLine(used.code, '1205100000', 'signing'),
        reportLine(signing.code, '9999000000', 'signing'),
        reportLine(signing.code, '1205100000', 'signing', { newCertificate: { serialNumber: 'X1', validFrom: '2026-11-23T10:00:00Z', validUntil: '23/11/2029' } }),
        { couponCode: good.code },
        reportLine(good.code, '1205100000', 'signing'),
      ],
    });
    expect(r.status).toBe(200);
    expect(r.json.lines.map((l: any) => l.outcome)).toEqual([
      'coupon_unknown',
      'coupon_kind_mismatch',
      'coupon_already_redeemed',
      'device_unknown',
      'line_invalid',
      'line_invalid',
      'applied',
    ]);
    expect(r.json.lines[1].message).toContain('authentication');
    expect(r.json.lines[4].message).toContain('newCertificate.validUntil');
    expect(r.json.lines[5].message).toContain('deviceSerial: is missing');
    expect(r.json).toMatchObject({ applied: 1, refused: 6 });
    // The refused coupons are untouched.
    expect(await types(couponStream(authentication.couponId))).toEqual(['CouponIssued']);
    expect(await types(couponStream(signing.couponId))).toEqual(['CouponIssued']);
    const recorded = (await w.store.readStream(caReportStreamOf('R-1')))[0]!.data as any;
    expect(recorded.lines.map((l: any) => l.outcome)).toEqual(r.json.lines.map((l: any) => l.outcome));
  });

  it('a coupon held by a renewal at the desk is not usable here', async () => {
    const { couponId, code } = await w.coupon('signing');
    const { appendEvents } = await import('../../../../server/commands/handle');
    await appendEvents(
      w.app.sales,
      couponStream(couponId),
      [{ type: 'CouponReserved', data: { couponId, renewalId: 'ren-1', deviceSerial: '1205100000', certificateKind: 'signing', reservedAt: '2026-11-23T09:00:00.000Z' } }],
      0,
      { actor: { userId: 'op-1', role: 'operator' }, at: '2026-11-23T09:00:00.000Z', correlationId: '11111111-1111-4111-8111-111111111111', causationId: null },
    );
    const r = await w.webhook({ reportId: 'R-1', lines: [reportLine(code, '1205100000', 'signing')] });
    expect(r.json.lines[0]).toMatchObject({ outcome: 'coupon_not_usable' });
    expect(r.json.lines[0].message).toContain('renewal');
    expect(await types(couponStream(couponId))).toEqual(['CouponIssued', 'CouponReserved']);
  });

  it('a "both" coupon pays for the two certificates of one card, and is redeemed once', async () => {
    const { couponId, code } = await w.coupon('both');
    const r = await w.webhook({ reportId: 'R-1', lines: [reportLine(code, '1205100000', 'signing'), reportLine(code, '1205100000', 'authentication')] });
    expect(r.json.lines.map((l: any) => l.outcome)).toEqual(['applied', 'applied']);
    const events = await w.store.readStream(couponStream(couponId));
    expect(events.map((e) => e.type)).toEqual(['CouponIssued', 'CouponRedeemed']);
    expect((events[1]!.data as any).certificateKind).toBe('both');
    expect(await types(deviceStream('1205100000'))).toEqual(['DeviceRegistered', 'CertificateRenewed', 'CertificateRenewed']);
  });

  it('one coupon on two lines of a single-kind coupon: the second is already redeemed', async () => {
    await w.card('1205100001');
    const { code } = await w.coupon('signing');
    const r = await w.webhook({ reportId: 'R-1', lines: [reportLine(code, '1205100000', 'signing'), reportLine(code, '1205100001', 'signing')] });
    expect(r.json.lines.map((l: any) => l.outcome)).toEqual(['applied', 'coupon_already_redeemed']);
    expect(r.json.lines[1].message).toContain('line 1');
  });

  it('a revoked certificate is not renewed and its coupon not redeemed', async () => {
    const { couponId, code } = await w.coupon('signing');
    const { revokeCertificate, deviceAggregate } = await import('../../../../domain/devices/decider');
    const { handleCommand } = await import('../../../../server/commands/handle');
    await handleCommand(w.app.sales, deviceStream('1205100000'), deviceAggregate, (s) => revokeCertificate({ kind: 'signing', reason: 'keyCompromise', revokedBy: 'sup-1', at: '2026-11-23T08:00:00.000Z' }, s), {
      actor: { userId: 'sup-1', role: 'supervisor' }, at: '2026-11-23T08:00:00.000Z', correlationId: '11111111-1111-4111-8111-111111111111', causationId: null,
    });
    const r = await w.webhook({ reportId: 'R-1', lines: [reportLine(code, '1205100000', 'signing')] });
    expect(r.json.lines[0].outcome).toBe('certificate_not_renewable');
    expect(r.json.lines[0].message).toContain('revoked');
    expect(await types(couponStream(couponId))).toEqual(['CouponIssued']);
  });
});

describe('idempotent by report id', () => {
  it('the same report again gets the first answer and does nothing; another body under the same id is 409', async () => {
    const { couponId, code } = await w.coupon('signing');
    const body = { reportId: 'R-1', lines: [reportLine(code, '1205100000', 'signing')] };
    const first = await w.webhook(body);
    expect(first.status).toBe(200);
    const before = (await allEvents(w.store)).length;
    w.clock.advance(60_000);
    const again = await w.webhook(body);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await allEvents(w.store)).length).toBe(before);

    const other = await w.webhook({ reportId: 'R-1', lines: [reportLine(code, '1205100000', 'signing', { redeemedAt: '2026-11-23T11:00:00Z' })] });
    expect(other.status).toBe(409);
    expect(other.json.code).toBe('ca_report_conflict');
    expect(await types(couponStream(couponId))).toEqual(['CouponIssued', 'CouponRedeemed']);
  });

  it('a retry after a crash half-way finishes the report without redeeming twice', async () => {
    const a = await w.coupon('signing');
    const b = await w.coupon('authentication');
    const body = { reportId: 'R-1', lines: [reportLine(a.code, '1205100000', 'signing'), reportLine(b.code, '1205100000', 'authentication')] };
    // The first attempt redeemed the first coupon and renewed its certificate, then stopped.
    const { redeemCoupon, couponAggregate } = await import('../../../../domain/coupons/decider');
    const { renewCertificate, deviceAggregate } = await import('../../../../domain/devices/decider');
    const { handleCommand } = await import('../../../../server/commands/handle');
    const ctx = { actor: { userId: 'ca-webhook', role: 'system' as const }, at: w.clock.now().toISOString(), correlationId: '11111111-1111-4111-8111-111111111111', causationId: null };
    await handleCommand(w.app.sales, couponStream(a.couponId), couponAggregate, (s) => redeemCoupon({ deviceSerial: '1205100000', certificateKind: 'signing', reportId: 'R-1', at: '2026-11-23T10:00:00.000Z' }, s), ctx);
    await handleCommand(w.app.sales, deviceStream('1205100000'), deviceAggregate, (s) =>
      renewCertificate({ kind: 'signing', serialNumber: 'NS1205100000', validFrom: '2026-11-23T10:00:00Z', validUntil: '2029-11-23T10:00:00Z', reportId: 'R-1', at: '2026-11-23T10:00:00.000Z' }, s), ctx);

    const r = await w.webhook(body);
    expect(r.json.lines.map((l: any) => l.outcome)).toEqual(['applied', 'applied']);
    expect(await types(couponStream(a.couponId))).toEqual(['CouponIssued', 'CouponRedeemed']);
    expect(await types(couponStream(b.couponId))).toEqual(['CouponIssued', 'CouponRedeemed']);
    expect(await types(deviceStream('1205100000'))).toEqual(['DeviceRegistered', 'CertificateRenewed', 'CertificateRenewed']);
  });
});

describe('the CSV upload', () => {
  const header = 'coupon_code;device_serial;certificate_kind;serial_number;valid_from;valid_until;redeemed_at';

  it('an accountant uploads the report; the same file twice does nothing; an operator may not', async () => {
    const { couponId, code } = await w.coupon('signing');
    const csv = `\uFEFF${header}\r\n${code};1205100000;signing;NS1;2026-11-23T10:00:00Z;2029-11-23T10:00:00Z;2026-11-23T10:00:00Z\r\n`;
    const first = await w.upload('accountant', csv);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ via: 'csv', applied: 1, refused: 0 });
    expect(first.json.reportId).toMatch(/^csv-[0-9a-f]{40}$/);
    expect(first.json.lines[0]).toMatchObject({ line: 2, outcome: 'applied' });
    const again = await w.upload('supervisor', csv);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect(await types(couponStream(couponId))).toEqual(['CouponIssued', 'CouponRedeemed']);
    expect((await w.upload('operator', csv)).status).toBe(403);

    // The read model lists it, with each line's outcome.
    const list = await w.get('/api/ca-reports');
    expect(list.status).toBe(200);
    expect(list.json).toEqual([expect.objectContaining({ id: first.json.reportId, via: 'csv', appliedCount: 1, refusedCount: 0 })]);
    const show = await w.get(`/api/ca-reports/${first.json.reportId}`);
    expect(show.json.lines[0]).toMatchObject({ line: 2, outcome: 'applied', couponCodeHint: `****-****-****-****-${code.slice(-4)}` });
    expect(JSON.stringify(show.json)).not.toContain(code);
  });

  it('a file without a required column is refused 400 naming it; a bad date refuses its line naming the column', async () => {
    const { code } = await w.coupon('signing');
    const missing = await w.upload('accountant', 'coupon_code,device_serial,certificate_kind,serial_number,valid_from,valid_until\nX,Y,signing,1,2,3\n');
    expect(missing.status).toBe(400);
    expect(missing.json.code).toBe('csv_columns_missing');
    expect(missing.json.message).toContain('redeemed_at');

    const badDate = await w.upload('accountant', `${header}\n${code};1205100000;signing;NS1;2026-11-23T10:00:00Z;31/02/2029;2026-11-23T10:00:00Z\n`, 'CA-2026-7');
    expect(badDate.status).toBe(200);
    expect(badDate.json.reportId).toBe('CA-2026-7');
    expect(badDate.json.lines[0]).toMatchObject({ line: 2, outcome: 'line_invalid' });
    expect(badDate.json.lines[0].message).toContain("valid_until: must be a date and time");
    expect(badDate.json.lines[0].message).toContain('31/02/2029');
  });
});
