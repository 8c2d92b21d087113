// One CA report over HTTP on both event stores: the embedded SQLite store and EventStoreDB (the
// wire-compatible test server): a good line applied, a bad one reported, the same report again
// answered the same, the list showing it.
import { afterEach, describe, expect, it } from 'vitest';
import { streamOf as couponStream } from '../../../../domain/coupons/decider';
import { streamOf as deviceStream } from '../../../../domain/devices/decider';
import { eventStores } from '../../../support/eventStores';
import { reportLine, startCaWorld, type CaWorld } from './support';


describe.each(eventStores)('a CA report on %s', (_name, open) => {
  let w: CaWorld | undefined;
  let stop: () => Promise<void> = async () => {};
  afterEach(async () => {
    await w?.close();
    await stop();
  });

  it('applies the good line, reports the bad one, answers the same report the same', async () => {
    const opened = await open();
    stop = opened.stop;
    w = await startCaWorld(opened.store ? { store: opened.store } : {});
    await w.card('1205100000');
    const good = await w.coupon('authentication');
    const wrongKind = await w.coupon('authentication');
    const body = { reportId: 'CA-2026-0001', lines: [reportLine(good.code, '1205100000', 'authentication'), reportLine(wrongKind.code, '1205100000', 'signing')] };

    const first = await w.webhook(body);
    expect(first.status).toBe(200);
    expect(first.json.lines.map((l: { outcome: string }) => l.outcome)).toEqual(['applied', 'coupon_kind_mismatch']);
    expect((await w.store.readStream(couponStream(good.couponId))).map((e) => e.type)).toEqual(['CouponIssued', 'CouponRedeemed']);
    expect((await w.store.readStream(couponStream(wrongKind.couponId))).map((e) => e.type)).toEqual(['CouponIssued']);
    const renewed = (await w.store.readStream(deviceStream('1205100000'))).at(-1)!;
    expect(renewed).toMatchObject({ type: 'CertificateRenewed', data: { kind: 'authentication', serialNumber: 'NA1205100000', reportId: 'CA-2026-0001' } });

    const again = await w.webhook(body);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect((await w.store.readStream(couponStream(good.couponId))).length).toBe(2);

    const list = await w.get('/api/ca-reports?filter={"via":"webhook"}');
    expect(list.json).toEqual([expect.objectContaining({ id: 'CA-2026-0001', appliedCount: 1, refusedCount: 1 })]);
  });
});
