// Devices sold by this reseller: registration (by hand, or a CSV import row by row), and the
// guided purchase's lookup "which of this holder's devices can be renewed now?", served by the
// index stream `holder-devices-<CF>` until a projection replaces it.
import type { CommandContext } from '../../../events/eventCatalogue';
import { holderDevicesStreamOf } from '../../../domain/devices/events';
import { validCodiceFiscale } from '../../../domain/customers/decider';
import { parseDeviceCsv, type DeviceCsvColumn } from '../../../domain/devices/csv';
import {
  deviceAggregate,
  deviceRenewalStatus,
  holderIndexAggregate,
  listHolderDevice,
  registerDevice as decideRegistration,
  streamOf as deviceStream,
  validDeviceRegistration,
  type DeviceRenewal,
  type DeviceState,
  type RegisterDevice,
  type RegisteredDevice,
} from '../../../domain/devices/decider';
import { DomainError, conflict, notFound } from '../../../domain/shared/errors';
import { policyFor } from '../../../domain/certificates/issuerPolicy';
import { renewable } from '../../../domain/certificates/renewalWindow';
import { couponsCovering, type UnusedCouponOfDevice } from '../../../domain/orders/unusedCoupons';
import { lastPosition, type SalesDeps } from '../deps';
import { policiesInForce } from '../certificates/policies';
import { handleCommand, loadAggregate } from '../../commands/handle';

// ---------------------------------------------------------------------------------------------
// The holder's index
// ---------------------------------------------------------------------------------------------

/** Adds the serial to the holder's index unless it is there already. */
async function listForHolder(deps: SalesDeps, codiceFiscale: string, serial: string, at: string, ctx: CommandContext): Promise<number> {
  const result = await handleCommand(deps, holderDevicesStreamOf(codiceFiscale), holderIndexAggregate, (serials) =>
    listHolderDevice({ codiceFiscale, serial, at }, serials),
  ctx);
  return result.position;
}

/** Serials listed for the holder (a hint: each is checked against the device's own stream). */
export async function holderSerials(deps: Pick<SalesDeps, 'store' | 'catalogue'>, codiceFiscale: string): Promise<string[]> {
  return (await loadAggregate(deps, holderDevicesStreamOf(codiceFiscale), holderIndexAggregate)).state;
}

// ---------------------------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------------------------

export interface RegisterDeviceResult {
  position: number;
  serial: string;
  device: RegisteredDevice;
}

/**
 * Registers a device and lists it under its holder. The index entry is written first: a
 * registration that stops between the two appends leaves at most an entry whose device stream says
 * otherwise, which readers skip, and a retry completes it.
 */
export async function registerDevice(deps: SalesDeps, input: RegisterDevice, ctx: CommandContext): Promise<RegisterDeviceResult> {
  const valid = validDeviceRegistration(input);
  const stream = deviceStream(valid.serial);
  const existing = (await loadAggregate(deps, stream, deviceAggregate)).state;
  if (existing.status === 'registered') {
    throw conflict('device_already_registered', `device ${existing.serial} is already registered`);
  }
  const at = deps.clock().toISOString();
  const listed = await listForHolder(deps, valid.holderCodiceFiscale, valid.serial, at, ctx);
  let device: DeviceState = deviceAggregate.initialState();
  const result = await handleCommand(deps, stream, deviceAggregate, (state) => {
    const events = decideRegistration({ ...input, at }, state);
    device = events.reduce(deviceAggregate.evolve, state);
    return events;
  }, ctx);
  return { position: lastPosition(listed, result.position), serial: valid.serial, device: device as RegisteredDevice };
}

export async function getDevice(deps: Pick<SalesDeps, 'store' | 'catalogue'>, serial: string): Promise<RegisteredDevice> {
  const { state } = await loadAggregate(deps, deviceStream(serial), deviceAggregate);
  if (state.status !== 'registered') throw notFound('device', serial);
  return state;
}

export interface DeviceImportReport {
  position: number;
  accepted: { row: number; serial: string }[];
  refused: { row: number; code: string; reason: string; column?: DeviceCsvColumn | undefined }[];
}

/**
 * Imports a device CSV (see domain/devices/csv.ts for the format): each row is its own
 * registration; a refused row changes nothing and does not stop the others. A file without a
 * usable header is refused as a whole (400 on the field `file`).
 */
export async function importDevicesCsv(deps: SalesDeps, input: { text: string }, ctx: CommandContext): Promise<DeviceImportReport> {
  const report: DeviceImportReport = { position: 0, accepted: [], refused: [] };
  for (const row of parseDeviceCsv(input.text)) {
    if (!row.ok) {
      report.refused.push({ row: row.row, code: row.code, reason: row.reason, ...(row.column ? { column: row.column } : {}) });
      continue;
    }
    try {
      const result = await registerDevice(deps, row.command, ctx);
      report.accepted.push({ row: row.row, serial: result.serial });
      report.position = Math.max(report.position, result.position);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.code === 'device_already_registered') {
        report.refused.push({
          row: row.row,
          code: error.code,
          reason: `serial: device ${row.command.serial} already exists`,
          column: 'serial',
        });
      } else {
        report.refused.push({ row: row.row, code: error.code, reason: error.message });
      }
    }
  }
  return report;
}

// ---------------------------------------------------------------------------------------------
// The guided purchase's lookup
// ---------------------------------------------------------------------------------------------

export interface RenewableDevice extends Omit<DeviceRenewal, 'certificates'> {
  /** Each certificate with the unused coupons already bought that would renew it. */
  certificates: (DeviceRenewal['certificates'][number] & { unusedCoupons: UnusedCouponOfDevice[] })[];
  /** Coupons bought for this device (its guided orders) and not used yet: selling more needs a confirmation. */
  unusedCoupons: UnusedCouponOfDevice[];
  kind: RegisteredDevice['kind'];
  issuer: string;
  issuedOn: string;
  /** The issuer policy whose window rules it (`default` unless its issuer has its own). */
  policyId: string;
}

export interface RenewableDevicesResult {
  holderCodiceFiscale: string;
  /** Devices whose renewal window (their issuer policy's) is open or in grace. */
  devices: RenewableDevice[];
  /** The holder's devices whose window is closed (past the deadline, or revoked): a replacement card is needed. */
  needingReplacement: RenewableDevice[];
}

/** The holder's devices that can be renewed now (only devices sold by this reseller are known). */
export async function findRenewableDevices(
  deps: SalesDeps,
  input: { holderCodiceFiscale: string },
): Promise<RenewableDevicesResult> {
  const holderCodiceFiscale = validCodiceFiscale(input.holderCodiceFiscale ?? '', 'holderCodiceFiscale');
  const now = deps.clock();
  const policies = await policiesInForce(deps);
  const result: RenewableDevicesResult = { holderCodiceFiscale, devices: [], needingReplacement: [] };
  const serials = await holderSerials(deps, holderCodiceFiscale);
  const unusedBySerial = deps.unusedCoupons?.(serials, now.toISOString()) ?? new Map<string, UnusedCouponOfDevice[]>();
  for (const serial of serials) {
    const { state } = await loadAggregate(deps, deviceStream(serial), deviceAggregate);
    if (state.status !== 'registered' || state.holderCodiceFiscale !== holderCodiceFiscale || state.deviceStatus !== 'active') continue;
    const policy = policyFor(state.issuer, policies);
    const renewal = deviceRenewalStatus(state, now, policy);
    const unused = unusedBySerial.get(serial) ?? [];
    const entry: RenewableDevice = {
      ...renewal,
      certificates: renewal.certificates.map((c) => ({ ...c, unusedCoupons: couponsCovering([c.kind], unused) })),
      unusedCoupons: unused,
      kind: state.kind,
      issuer: state.issuer,
      issuedOn: state.issuedOn,
      policyId: policy.issuerId,
    };
    if (renewable(renewal.status)) result.devices.push(entry);
    else if (renewal.status === 'closed') result.needingReplacement.push(entry);
  }
  return result;
}
