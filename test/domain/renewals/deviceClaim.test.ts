// One renewal of a device at a time: Given the claim's events / When a renewal claims or releases
// the device / Then the events or the refusal.
import { describe, expect, it } from 'vitest';
import { claimDeviceRenewal, deviceRenewalAggregate, releaseDeviceRenewal, UNSTARTED_CLAIM_MS, type DeviceRenewalClaim } from '../../../domain/renewals/deviceClaim';
import type { DeviceRenewalClaimEvent } from '../../../domain/renewals/events';
import { DomainError } from '../../../domain/shared/errors';

const T0 = '2026-12-06T09:00:00.000Z';
const later = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();
const given = (...events: DeviceRenewalClaimEvent[]): DeviceRenewalClaim => events.reduce(deviceRenewalAggregate.evolve, deviceRenewalAggregate.initialState());
const claimedBy = (renewalId: string, at = T0): DeviceRenewalClaimEvent => ({
  type: 'DeviceRenewalClaimed',
  data: { deviceSerial: '1205100001', renewalId, takenOver: null, claimedAt: at },
});
const claim = (renewalId: string, at: string, holderState: Parameters<typeof claimDeviceRenewal>[0]['holderState']) => ({ deviceSerial: '1205100001', renewalId, at, holderState });

describe('one renewal of a device at a time', () => {
  it('a free device is claimed; the same renewal claiming again changes nothing', () => {
    expect(claimDeviceRenewal(claim('r1', T0, null), given())).toEqual([claimedBy('r1')]);
    expect(claimDeviceRenewal(claim('r1', later(1000), null), given(claimedBy('r1')))).toEqual([]);
  });

  it('a second renewal while the first is in progress or failed is refused, naming the one to resume', () => {
    for (const holderState of ['in_progress', 'failed'] as const) {
      const attempt = () => claimDeviceRenewal(claim('r2', later(1000), holderState), given(claimedBy('r1')));
      expect(attempt).toThrow(DomainError);
      expect(attempt).toThrow(/renewal r1/);
    }
    // Just claimed, not started yet (a start in flight): refused too.
    expect(() => claimDeviceRenewal(claim('r2', later(1000), 'none'), given(claimedBy('r1')))).toThrow(/being renewed already/);
  });

  it('released at completion or abandonment, the device is free again; a release by another renewal changes nothing', () => {
    const released: DeviceRenewalClaimEvent = { type: 'DeviceRenewalReleased', data: { deviceSerial: '1205100001', renewalId: 'r1', releasedAt: later(5000) } };
    expect(releaseDeviceRenewal({ deviceSerial: '1205100001', renewalId: 'r1', at: later(5000) }, given(claimedBy('r1')))).toEqual([released]);
    expect(releaseDeviceRenewal({ deviceSerial: '1205100001', renewalId: 'r2', at: later(5000) }, given(claimedBy('r1')))).toEqual([]);
    expect(claimDeviceRenewal(claim('r2', later(6000), null), given(claimedBy('r1'), released))).toEqual([claimedBy('r2', later(6000))]);
  });

  it('a holder found finished without releasing (a crash), or never started long after its claim, is taken over', () => {
    for (const holderState of ['completed', 'abandoned'] as const) {
      expect(claimDeviceRenewal(claim('r2', later(1000), holderState), given(claimedBy('r1')))).toEqual([
        { type: 'DeviceRenewalClaimed', data: { deviceSerial: '1205100001', renewalId: 'r2', takenOver: 'r1', claimedAt: later(1000) } },
      ]);
    }
    expect(() => claimDeviceRenewal(claim('r2', later(UNSTARTED_CLAIM_MS), 'none'), given(claimedBy('r1')))).toThrow(DomainError);
    expect(claimDeviceRenewal(claim('r2', later(UNSTARTED_CLAIM_MS + 1), 'none'), given(claimedBy('r1')))).toEqual([
      { type: 'DeviceRenewalClaimed', data: { deviceSerial: '1205100001', renewalId: 'r2', takenOver: 'r1', claimedAt: later(UNSTARTED_CLAIM_MS + 1) } },
    ]);
  });
});
