// Signature devices sold by this reseller (smart cards, USB tokens) and their certificates:
// stream `device-<serial>`.
//
// Today: registration (by hand or from a CSV import, see csv.ts) and the pure renewal-status rules
// the guided purchase needs. The state is ready for what comes next without reshaping it:
//  - certificate renewed: replaces `certificates[kind]` (new serial, validFrom = the renewal time,
//    validUntil three years from the renewal day — not from the old expiry);
//  - certificate revoked: `certificates[kind].status = 'revoked'`;
//  - device replaced: `lifecycle = 'replaced'`, `replacedBy` = the new device's serial.
import {
  DEFAULT_RENEWAL_WINDOW_DAYS,
  renewableUntil,
  renewalStatus,
  renewalStatuses,
  type RenewalStatus,
} from '../certificates/renewalWindow';
import type {
  DeviceCertificateKind,
  DeviceEvent,
  DeviceKind,
  DeviceRegistered,
  HolderDeviceEvent,
} from './events';
import { deviceCertificateKinds, deviceKinds, deviceSerialPattern } from './events';
import type { Decider } from '../shared/decider';
import { conflict, invalid } from '../shared/errors';
import { validCodiceFiscale } from '../customers/decider';
import { normaliseDeviceSerial } from '../shared/deviceSerial';
import { instantOf } from '../shared/utcTime';

export { normaliseDeviceSerial };
export { DEFAULT_RENEWAL_WINDOW_DAYS, renewalStatus, type RenewalStatus };

export const streamOf = (serial: string): string => `device-${normaliseDeviceSerial(serial)}`;

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export interface CertificateState {
  kind: DeviceCertificateKind;
  serialNumber: string;
  validFrom: string;
  validUntil: string;
  status: 'active' | 'revoked';
  revokedAt: string | null;
}

export interface RegisteredDevice {
  status: 'registered';
  serial: string;
  kind: DeviceKind;
  issuer: string;
  issuedOn: string;
  holderCodiceFiscale: string;
  /** At most one certificate per kind. */
  certificates: Partial<Record<DeviceCertificateKind, CertificateState>>;
  registeredAt: string;
  lifecycle: 'in_use' | 'replaced';
  /** Serial of the device that replaced this one. */
  replacedBy: string | null;
}

export type DeviceState = { status: 'unregistered' } | RegisteredDevice;

export const initialState = (): DeviceState => ({ status: 'unregistered' });

export function evolve(state: DeviceState, event: DeviceEvent): DeviceState {
  switch (event.type) {
    case 'DeviceRegistered': {
      const d = event.data;
      const certificates: Partial<Record<DeviceCertificateKind, CertificateState>> = {};
      for (const c of d.certificates) certificates[c.kind] = { ...c, status: 'active', revokedAt: null };
      return {
        status: 'registered',
        serial: d.serial,
        kind: d.kind,
        issuer: d.issuer,
        issuedOn: d.issuedOn,
        holderCodiceFiscale: d.holderCodiceFiscale,
        certificates,
        registeredAt: d.registeredAt,
        lifecycle: 'in_use',
        replacedBy: null,
      };
    }
    default:
      return state;
  }
}

export const deviceAggregate: Decider<DeviceState, DeviceEvent> = { initialState, evolve };

// ---------------------------------------------------------------------------------------------
// Register
// ---------------------------------------------------------------------------------------------

export interface CertificateInput {
  kind: DeviceCertificateKind;
  serialNumber: string;
  /** ISO-8601 date-time with Z or an offset; stored as UTC. */
  validFrom: string;
  validUntil: string;
}

export interface RegisterDevice {
  serial: string;
  kind: DeviceKind;
  issuer: string;
  /** `YYYY-MM-DD`. */
  issuedOn: string;
  holderCodiceFiscale: string;
  /** One or two; at most one 'signing' and one 'authentication'. */
  certificates: CertificateInput[];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

/** True when year, month and day form a real calendar date. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

function validDate(value: string, field: string): string {
  const v = (value ?? '').trim();
  const m = ISO_DATE.exec(v);
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw invalid(field, `must be a date YYYY-MM-DD (got '${value}')`, 'date_invalid');
  }
  return v;
}

/** An ISO-8601 date-time with Z or an offset, as UTC `…Z`. */
function validDateTime(value: string, field: string): string {
  const v = (value ?? '').trim();
  const m = ISO_DATE_TIME.exec(v);
  const ok =
    m !== null &&
    isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) &&
    Number(m[4]) <= 23 &&
    Number(m[5]) <= 59 &&
    Number(m[6] ?? 0) <= 59;
  const t = ok ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) {
    throw invalid(field, `must be a date and time, ISO-8601 with Z or an offset (got '${value}')`, 'date_time_invalid');
  }
  return new Date(t).toISOString();
}

function requiredText(value: string | undefined, field: string, max = 200): string {
  const t = (value ?? '').trim().replace(/\s+/g, ' ');
  if (t === '') throw invalid(field, 'is required', 'value_required');
  if (t.length > max) throw invalid(field, `at most ${max} characters (got ${t.length})`, 'value_too_long');
  return t;
}

/** Everything a DeviceRegistered needs except the time, validated and normalised. */
export type ValidDeviceRegistration = Omit<DeviceRegistered['data'], 'registeredAt'>;

/**
 * Validates and normalises a registration (also used by the CSV import for each row). Throws a
 * DomainError kind 'invalid' naming the field, e.g. `certificates.1.validUntil`.
 */
export function validDeviceRegistration(command: RegisterDevice): ValidDeviceRegistration {
  const serial = normaliseDeviceSerial(command.serial ?? '');
  if (!deviceSerialPattern.test(serial)) {
    throw invalid('serial', `device serial must be 4 to 32 letters or digits (got '${command.serial ?? ''}')`, 'serial_invalid');
  }
  if (!deviceKinds.includes(command.kind)) {
    throw invalid('kind', `must be one of ${deviceKinds.join(', ')} (got '${command.kind}')`, 'kind_invalid');
  }
  const issuer = requiredText(command.issuer, 'issuer');
  const issuedOn = validDate(command.issuedOn, 'issuedOn');
  const holderCodiceFiscale = validCodiceFiscale(command.holderCodiceFiscale ?? '', 'holderCodiceFiscale');
  const inputs = command.certificates ?? [];
  if (inputs.length === 0) {
    throw invalid('certificates', 'a device has at least one certificate', 'certificates_missing');
  }
  if (inputs.length > 2) {
    throw invalid('certificates', `a device has at most two certificates (got ${inputs.length})`, 'certificates_too_many');
  }
  const seen = new Set<DeviceCertificateKind>();
  const certificates = inputs.map((c, i) => {
    const at = `certificates.${i}`;
    if (!deviceCertificateKinds.includes(c.kind)) {
      throw invalid(`${at}.kind`, `must be one of ${deviceCertificateKinds.join(', ')} (got '${c.kind}')`, 'certificate_kind_invalid');
    }
    if (seen.has(c.kind)) {
      throw invalid(`${at}.kind`, `a device has at most one ${c.kind} certificate`, 'certificate_kind_duplicate');
    }
    seen.add(c.kind);
    const serialNumber = (c.serialNumber ?? '').replace(/[\s:]+/g, '').toUpperCase();
    if (!/^[0-9A-Z]{1,64}$/.test(serialNumber)) {
      throw invalid(`${at}.serialNumber`, `certificate serial must be 1 to 64 letters or digits (got '${c.serialNumber ?? ''}')`, 'certificate_serial_invalid');
    }
    const validFrom = validDateTime(c.validFrom, `${at}.validFrom`);
    const validUntil = validDateTime(c.validUntil, `${at}.validUntil`);
    if (Date.parse(validUntil) <= Date.parse(validFrom)) {
      throw invalid(`${at}.validUntil`, `must be later than validFrom (${validFrom}); got ${validUntil}`, 'validity_reversed');
    }
    return { kind: c.kind, serialNumber, validFrom, validUntil };
  });
  return { serial, kind: command.kind, issuer, issuedOn, holderCodiceFiscale, certificates };
}

// ---------------------------------------------------------------------------------------------
// The holder's index (stream `holder-devices-<codiceFiscale>`): the serials listed for the holder
// ---------------------------------------------------------------------------------------------

export const holderIndexAggregate: Decider<string[], HolderDeviceEvent> = {
  initialState: () => [],
  evolve: (serials, event) => (event.type === 'HolderDeviceListed' && !serials.includes(event.data.serial) ? [...serials, event.data.serial] : serials),
};

/** Adds the serial to the holder's index unless it is there already. */
export function listHolderDevice(command: { codiceFiscale: string; serial: string; at: string }, serials: string[]): HolderDeviceEvent[] {
  const listedAt = instantOf(command.at);
  if (serials.includes(command.serial)) return [];
  return [{ type: 'HolderDeviceListed', data: { codiceFiscale: command.codiceFiscale, serial: command.serial, listedAt } }];
}

/** A registration as the decider takes it: the device's data (typed, or a CSV row) and when it is decided. */
export type RegisterDeviceAt = RegisterDevice & {
  /** When the command is decided, ISO-8601 UTC: the instant its event records. */
  at: string;
};

/** Registers a device with its certificates; refused when the device is already registered. */
export function registerDevice(command: RegisterDeviceAt, state: DeviceState): DeviceRegistered[] {
  const at = instantOf(command.at);
  if (state.status !== 'unregistered') {
    throw conflict('device_already_registered', `device ${state.serial} is already registered`);
  }
  const data = validDeviceRegistration(command);
  return [{ type: 'DeviceRegistered', data: { ...data, registeredAt: at } }];
}

// ---------------------------------------------------------------------------------------------
// Renewal status (the guided purchase, the kiosk)
// ---------------------------------------------------------------------------------------------

export interface CertificateRenewal {
  kind: DeviceCertificateKind;
  serialNumber: string;
  validUntil: string;
  /** Last instant a renewal is still accepted: validUntil + 24 h. */
  renewableUntil: string;
  status: RenewalStatus;
}

export interface DeviceRenewal {
  serial: string;
  /** The worst status of its certificates. */
  status: RenewalStatus;
  certificates: CertificateRenewal[];
  /**
   * Certificates to buy coupons for: when the device is expiring or in grace, all of its
   * certificates ("both certificates must be renewed"); none when it is valid or needs replacement.
   */
  toRenew: DeviceCertificateKind[];
}

export function deviceRenewalStatus(
  device: Pick<RegisteredDevice, 'serial' | 'certificates'>,
  now: Date,
  windowDays: number = DEFAULT_RENEWAL_WINDOW_DAYS,
): DeviceRenewal {
  const certificates: CertificateRenewal[] = [];
  for (const kind of deviceCertificateKinds) {
    const c = device.certificates[kind];
    if (!c) continue;
    certificates.push({
      kind,
      serialNumber: c.serialNumber,
      validUntil: c.validUntil,
      renewableUntil: renewableUntil(c.validUntil),
      status: renewalStatus(c, now, windowDays),
    });
  }
  let status: RenewalStatus = 'valid';
  // The worst of its certificates: renewalStatuses runs from best to worst.
  for (const c of certificates) if (renewalStatuses.indexOf(c.status) > renewalStatuses.indexOf(status)) status = c.status;
  const renewable = status === 'expiring' || status === 'in_grace';
  return { serial: device.serial, status, certificates, toRenew: renewable ? certificates.map((c) => c.kind) : [] };
}
