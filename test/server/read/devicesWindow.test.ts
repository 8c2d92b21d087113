// The devices read model keeps each device's renewal window as windowOf draws it under its issuer's
// policy, and the read API tells its state from it as windowState does: a policy set before or after
// the device, a certificate renewed (the window moves with the new expiry), a certificate revoked
// (closed for good), and the edges exactly (open at opensAt, in grace at closesAt, closed 1 ms later).
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUIDE_POLICY, type IssuerPolicy } from '../../../domain/certificates/issuerPolicy';
import { windowOf, windowState, type WindowState } from '../../../domain/certificates/renewalWindow';
import type { DomainEvent } from '../../../events/index';
import { runOne, type ReadContext } from '../../../server/read/listQuery';
import { resourceByName } from '../../../server/read/resources';
import type { TestApp } from '../security/support';
import { MARIO_CF, NOW, OPERATOR, SUPERVISOR, append, startReadApp } from './fixtures';

let t: TestApp;
let db: Database.Database;
const DAY = 24 * 3_600_000;
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const milano: IssuerPolicy = { ...GUIDE_POLICY, issuerId: 'camera-di-commercio-di-milano', issuerName: 'Camera di Commercio di Milano', renewalOpensDaysBefore: 30, graceHours: 48 };

const registered = (serial: string, issuer: string, signingUntil: number, authUntil: number): DomainEvent => ({
  type: 'DeviceRegistered',
  data: {
    serial,
    kind: 'smart_card',
    issuer,
    issuedOn: '2024-01-10',
    holderCodiceFiscale: MARIO_CF,
    certificates: [
      { kind: 'signing', serialNumber: `S${serial}`, validFrom: iso(NOW - 700 * DAY), validUntil: iso(signingUntil) },
      { kind: 'authentication', serialNumber: `A${serial}`, validFrom: iso(NOW - 700 * DAY), validUntil: iso(authUntil) },
    ],
    registeredAt: iso(NOW),
  },
});
const policySet = (policy: IssuerPolicy): DomainEvent => ({ type: 'IssuerPolicySet', data: { ...policy, setBy: SUPERVISOR.userId, setAt: iso(NOW) } });

async function settle(position: number) {
  expect(await t.app.projections.waitFor(position, undefined, 10_000)).toBe(true);
}
const row = (serial: string) => db.prepare(`SELECT * FROM devices WHERE id = ?`).get(serial) as Record<string, unknown>;
const stateAt = (serial: string, at: number): WindowState => {
  const ctx: ReadContext = { roles: ['operator'], now: iso(at) };
  return (runOne(db, resourceByName.get('devices')!, serial, ctx) as { windowState: WindowState }).windowState;
};

beforeAll(async () => {
  t = await startReadApp();
  db = t.app.projections.db;
});
afterAll(async () => {
  await t?.close();
});

describe("the devices' renewal window in the read model", () => {
  it("draws the window under the guides' rules until a policy is set, and moves it when one is", async () => {
    await append(t.store, 'device-1205100001', [registered('1205100001', 'Camera di Commercio di Milano', NOW + 40 * DAY, NOW + 200 * DAY)], OPERATOR, NOW);
    const position = await append(t.store, 'device-1205100002', [registered('1205100002', 'Camera di Commercio di Torino', NOW + 40 * DAY, NOW + 40 * DAY)], OPERATOR, NOW);
    await settle(position);
    expect(row('1205100001')).toMatchObject({ policy_id: 'default', window_opens_at: iso(NOW - 50 * DAY), window_closes_at: iso(NOW + 41 * DAY) });
    expect(stateAt('1205100001', NOW)).toBe('open');

    // Milano's own policy: 30 days before, 48 hours after. Torino's devices keep the default.
    await settle(await append(t.store, 'issuer-policies', [policySet(milano)], SUPERVISOR, NOW));
    expect(row('1205100001')).toMatchObject({
      policy_id: milano.issuerId,
      signing_window_opens_at: windowOf(iso(NOW + 40 * DAY), milano).opensAt,
      signing_window_closes_at: iso(NOW + 40 * DAY + 48 * HOUR),
      authentication_window_closes_at: iso(NOW + 200 * DAY + 48 * HOUR),
      window_opens_at: iso(NOW + 10 * DAY),
      window_closes_at: iso(NOW + 42 * DAY),
    });
    expect(stateAt('1205100001', NOW)).toBe('not_yet');
    expect(row('1205100002')).toMatchObject({ policy_id: 'default' });
    expect(stateAt('1205100002', NOW)).toBe('open');

    // A default policy of 0 hours' grace: Torino's card closes at its expiry; Milano's keeps 48 hours.
    await settle(await append(t.store, 'issuer-policies', [policySet({ ...GUIDE_POLICY, graceHours: 0 })], SUPERVISOR, NOW));
    expect(stateAt('1205100002', NOW + 40 * DAY + 1)).toBe('closed');
    expect(stateAt('1205100001', NOW + 40 * DAY + 1)).toBe('in_grace');
  });

  it('tells the state exactly at the edges, as windowState does', async () => {
    const until = NOW + 40 * DAY;
    const { opensAt, closesAt } = windowOf(iso(until), milano);
    for (const at of [Date.parse(opensAt) - 1, Date.parse(opensAt), until, until + 1, Date.parse(closesAt), Date.parse(closesAt) + 1, Date.parse(closesAt) + 1000]) {
      expect(stateAt('1205100001', at), iso(at)).toBe(windowState({ validUntil: iso(until) }, iso(at), milano));
    }
    expect([Date.parse(opensAt) - 1, Date.parse(opensAt), until + 1, Date.parse(closesAt), Date.parse(closesAt) + 1].map((at) => stateAt('1205100001', at))).toEqual([
      'not_yet',
      'open',
      'in_grace',
      'in_grace',
      'closed',
    ]);
  });

  it('a renewed certificate moves the window to its new expiry; a revoked one closes it for good', async () => {
    const renewedUntil = NOW + 3 * 365 * DAY;
    await settle(
      await append(
        t.store,
        'device-1205100001',
        [
          {
            type: 'CertificateRenewed',
            data: {
              serial: '1205100001',
              kind: 'signing',
              previousSerialNumber: 'S1205100001',
              serialNumber: 'S2',
              validFrom: iso(NOW),
              validUntil: iso(renewedUntil),
              renewalId: 'r-1',
              reportId: null,
              renewedAt: iso(NOW),
            },
          },
        ],
        OPERATOR,
        NOW,
      ),
    );
    // The earliest certificate is now the authentication one (200 days).
    expect(row('1205100001')).toMatchObject({
      signing_serial_number: 'S2',
      signing_valid_until: iso(renewedUntil),
      signing_window_closes_at: iso(renewedUntil + 48 * HOUR),
      expires_at: iso(NOW + 200 * DAY),
      window_closes_at: iso(NOW + 200 * DAY + 48 * HOUR),
    });
    expect(stateAt('1205100001', NOW + 41 * DAY)).toBe('not_yet');

    await settle(
      await append(
        t.store,
        'device-1205100001',
        [{ type: 'CertificateRevoked', data: { serial: '1205100001', kind: 'authentication', serialNumber: 'A1205100001', reason: 'keyCompromise', replacementRequestId: null, revokedBy: SUPERVISOR.userId, revokedAt: iso(NOW) } }],
        SUPERVISOR,
        NOW,
      ),
    );
    expect(stateAt('1205100001', NOW)).toBe('closed');
    expect(row('1205100001')).toMatchObject({ revoked: 1 });
    // Even once its certificates would be far from expiry.
    expect(stateAt('1205100001', NOW - 365 * DAY)).toBe('closed');
  });
});
