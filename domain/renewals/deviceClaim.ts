// One renewal of a device at a time: stream `device-renewal-<serial>` says which renewal holds the
// device. Two desks (or a desk and a kiosk) starting a renewal of the same card at once would
// otherwise both have a certificate issued for it; the second is refused and told which renewal to
// resume instead. The claim is given back when the renewal completes or is abandoned; a holder
// found finished (a release lost in a crash), or never started long after its claim (a start that
// crashed half-way), does not keep the device from being renewed.
import { conflict } from '../shared/errors';
import type { RenewalState } from './decider';
import type { DeviceRenewalClaimEvent } from './events';

export const deviceRenewalStreamOf = (serial: string): string => `device-renewal-${serial}`;

export type DeviceRenewalClaim = { holder: null } | { holder: string; claimedAt: string };

export const initialState = (): DeviceRenewalClaim => ({ holder: null });

export function evolve(state: DeviceRenewalClaim, event: DeviceRenewalClaimEvent): DeviceRenewalClaim {
  switch (event.type) {
    case 'DeviceRenewalClaimed':
      return { holder: event.data.renewalId, claimedAt: event.data.claimedAt };
    case 'DeviceRenewalReleased':
      return state.holder === event.data.renewalId ? { holder: null } : state;
  }
}

export const deviceRenewalAggregate = { initialState, evolve };

/** How long a claim whose renewal never started is respected (the start takes seconds). */
export const UNSTARTED_CLAIM_MS = 10 * 60 * 1000;

export interface ClaimDeviceRenewal {
  deviceSerial: string;
  renewalId: string;
  at: string;
  /** Where the renewal holding the device stands ('none': never started). */
  holderState: RenewalState | 'none' | null;
}

export function claimDeviceRenewal(command: ClaimDeviceRenewal, state: DeviceRenewalClaim): DeviceRenewalClaimEvent[] {
  if (state.holder === command.renewalId) return [];
  const claimed = (takenOver: string | null): DeviceRenewalClaimEvent[] => [
    { type: 'DeviceRenewalClaimed', data: { deviceSerial: command.deviceSerial, renewalId: command.renewalId, takenOver, claimedAt: command.at } },
  ];
  if (state.holder === null) return claimed(null);
  const finished = command.holderState === 'completed' || command.holderState === 'abandoned';
  const neverStarted = command.holderState === 'none' && Date.parse(command.at) - Date.parse(state.claimedAt) > UNSTARTED_CLAIM_MS;
  if (finished || neverStarted) return claimed(state.holder);
  throw conflict(
    'device_renewal_in_progress',
    `device ${command.deviceSerial} is being renewed already (renewal ${state.holder}): resume that renewal or abandon it first`,
  );
}

export function releaseDeviceRenewal(command: { deviceSerial: string; renewalId: string; at: string }, state: DeviceRenewalClaim): DeviceRenewalClaimEvent[] {
  if (state.holder !== command.renewalId) return [];
  return [{ type: 'DeviceRenewalReleased', data: { deviceSerial: command.deviceSerial, renewalId: command.renewalId, releasedAt: command.at } }];
}
