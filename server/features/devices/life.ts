// A device's life after its registration (stream `device-<serial>`): a certificate renewed (by a
// renewal, or reported by the CA), certificates revoked (by hand by a supervisor, or for a
// replacement), the device reported lost, suspended, active again, or terminated.
//
// These services are what the other areas call from their own services: the renewals area
// (renewDeviceCertificate when a renewal completes or the CA reports one), the replacements area
// (revokeDeviceCertificates with `superseded` / `keyCompromise`, then terminateDevice naming the
// new device). Each is idempotent: what is already done appends nothing (position 0) and answers
// the device as it is.
import type { CommandContext } from '../../../events/eventCatalogue';
import {
  changeDeviceStatus,
  deviceAggregate,
  renewCertificate,
  revokeCertificate,
  streamOf as deviceStream,
  type RegisteredDevice,
  type RenewCertificate,
} from '../../../domain/devices/decider';
import { deviceCertificateKinds, type CertificateRevoked, type DeviceCertificateKind, type DeviceEvent, type DeviceStatus, type RevocationReason } from '../../../domain/devices/events';
import { normaliseDeviceSerial } from '../../../domain/shared/deviceSerial';
import { DomainError, invalid } from '../../../domain/shared/errors';
import type { SalesDeps } from '../deps';
import { handleCommand } from '../../commands/handle';

export interface DeviceLifeResult {
  /** Global position of the last event appended; 0 when nothing changed (already done). */
  position: number;
  serial: string;
  /** The device after the command. */
  device: RegisteredDevice;
  /** What was appended (none for a repeat). */
  events: DeviceEvent[];
}

async function onDevice(
  deps: SalesDeps,
  serial: string,
  decide: (state: Parameters<typeof renewCertificate>[1]) => DeviceEvent[],
  ctx: CommandContext,
): Promise<DeviceLifeResult> {
  const normalised = normaliseDeviceSerial(serial ?? '');
  const result = await handleCommand(deps, deviceStream(normalised), deviceAggregate, decide, ctx);
  if (result.state.status !== 'registered') throw new DomainError('device_not_found', `device ${normalised} not found`, 'not_found');
  return { position: result.position, serial: result.state.serial, device: result.state, events: result.events };
}

const now = (deps: SalesDeps) => deps.clock().toISOString();

// ---------------------------------------------------------------------------------------------
// Renewed
// ---------------------------------------------------------------------------------------------

export type RenewDeviceCertificateInput = Omit<RenewCertificate, 'at'>;

/**
 * The device's certificate of `input.kind` replaced by the renewed one (renewal completed, or the
 * CA's report). Refused when the certificate is revoked (`certificate_revoked`) or the device not
 * active (`device_not_active`); the same certificate again changes nothing.
 */
export function renewDeviceCertificate(deps: SalesDeps, serial: string, input: RenewDeviceCertificateInput, ctx: CommandContext): Promise<DeviceLifeResult> {
  return onDevice(deps, serial, (state) => renewCertificate({ ...input, at: now(deps) }, state), ctx);
}

// ---------------------------------------------------------------------------------------------
// Revoked
// ---------------------------------------------------------------------------------------------

export interface RevokeDeviceCertificatesOptions {
  /** The replacement request the certificates are revoked for. */
  replacementRequestId?: string | null;
  /** Who revoked them (default: the user of the command context). */
  by?: string;
  /** Only these kinds (default: every certificate of the device not revoked yet). */
  kinds?: readonly DeviceCertificateKind[];
}

/**
 * Revokes the device's certificates with one RFC 5280 reason, in one append: every certificate
 * still active, or the `kinds` named. Those already revoked are left as they are (a repeat appends
 * nothing).
 */
export function revokeDeviceCertificates(
  deps: SalesDeps,
  serial: string,
  reason: RevocationReason,
  options: RevokeDeviceCertificatesOptions,
  ctx: CommandContext,
): Promise<DeviceLifeResult> {
  const by = options.by ?? ctx.actor.userId;
  return onDevice(
    deps,
    serial,
    (state) => {
      const at = now(deps);
      let folded = state;
      const events: CertificateRevoked[] = [];
      const kinds = options.kinds ?? deviceCertificateKinds.filter((k) => folded.status === 'registered' && folded.certificates[k]);
      for (const kind of kinds) {
        const revoked = revokeCertificate({ kind, reason, replacementRequestId: options.replacementRequestId ?? null, revokedBy: by, at }, folded);
        folded = revoked.reduce(deviceAggregate.evolve, folded);
        events.push(...revoked);
      }
      // Fails on an unknown device even when it would have nothing to revoke.
      if (kinds.length === 0) revokeCertificate({ kind: 'signing', reason, revokedBy: by, at }, state);
      return events;
    },
    ctx,
  );
}

// ---------------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------------

/** What the desk may do to a device's status: report it lost, suspend it, make it active again. */
export const deskStatusMoves = ['lost', 'suspended', 'active'] as const satisfies readonly DeviceStatus[];
export type DeskStatusMove = (typeof deskStatusMoves)[number];

/**
 * Moves the device to `to` (lost, suspended, or active again) with the reason. Terminating is a
 * supervisor's: see terminateDevice.
 */
export function changeDeviceStatusAtDesk(
  deps: SalesDeps,
  serial: string,
  input: { to: DeskStatusMove; reason: string; by?: string },
  ctx: CommandContext,
): Promise<DeviceLifeResult> {
  if (!(deskStatusMoves as readonly string[]).includes(input.to)) {
    throw invalid('to', `must be one of ${deskStatusMoves.join(', ')} (terminate is a supervisor's command)`, 'device_status_invalid');
  }
  const by = input.by ?? ctx.actor.userId;
  return onDevice(deps, serial, (state) => changeDeviceStatus({ to: input.to, reason: input.reason, changedBy: by, at: now(deps) }, state), ctx);
}

export interface TerminateDeviceInput {
  reason: string;
  /** The device that replaces it (a replacement card). */
  replacedBy?: string | null;
  /** Who terminated it (default: the user of the command context). */
  by?: string;
  /**
   * Revoke the certificates still active with this reason in the same append, before the device is
   * terminated (default: leave them; the replacements area revokes them itself first).
   */
  revokeWith?: RevocationReason;
}

/**
 * Terminates the device for good (withdrawn, or replaced by `replacedBy`). A device already
 * terminated changes nothing, except that a replacement not recorded yet is recorded (another one
 * is refused, `device_replaced_already`); its certificates still active are revoked with
 * `revokeWith` when it is given.
 */
export function terminateDevice(deps: SalesDeps, serial: string, input: TerminateDeviceInput, ctx: CommandContext): Promise<DeviceLifeResult> {
  const by = input.by ?? ctx.actor.userId;
  return onDevice(
    deps,
    serial,
    (state) => {
      const at = now(deps);
      const events: DeviceEvent[] = [];
      let folded = state;
      if (input.revokeWith && state.status === 'registered') {
        for (const kind of deviceCertificateKinds) {
          if (!state.certificates[kind]) continue;
          const revoked = revokeCertificate({ kind, reason: input.revokeWith, revokedBy: by, at }, folded);
          folded = revoked.reduce(deviceAggregate.evolve, folded);
          events.push(...revoked);
        }
      }
      events.push(...changeDeviceStatus({ to: 'terminated', reason: input.reason, replacedBy: input.replacedBy ?? null, changedBy: by, at }, folded));
      return events;
    },
    ctx,
  );
}
