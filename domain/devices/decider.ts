// Signature devices sold by this reseller (smart cards, USB tokens) and their certificates:
// stream `device-<serial>`.
//
// Registration (by hand or from a CSV import, see csv.ts), then the device's life: a certificate
// renewed replaces `certificates[kind]` (new serial and validity), a certificate revoked stays
// revoked (never renewed, never sold coupons for), and the device's status moves as a token's does
// (active → lost / suspended → terminated; terminated is final).
import { renewable, windowOf, windowState, worstWindowState, type WindowRule, type WindowState } from '../certificates/renewalWindow';
import type {
  CertificateRenewed,
  CertificateRevoked,
  DeviceCertificateKind,
  DeviceEvent,
  DeviceKind,
  DeviceRegistered,
  DeviceStatus,
  DeviceStatusChanged,
  HolderDeviceEvent,
  RevocationReason,
} from './events';
import { deviceCertificateKinds, deviceKinds, deviceSerialPattern, revocationReasons } from './events';
import type { Decider } from '../shared/decider';
import { DomainError, conflict, invalid, refuse } from '../shared/errors';
import { validCodiceFiscale } from '../customers/decider';
import { normaliseDeviceSerial } from '../shared/deviceSerial';
import { instantOf } from '../shared/utcTime';

export { normaliseDeviceSerial };

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
  deviceStatus: DeviceStatus;
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
        deviceStatus: 'active',
        replacedBy: null,
      };
    }
    case 'CertificateRenewed': {
      if (state.status !== 'registered') return state;
      const d = event.data;
      const renewed: CertificateState = { kind: d.kind, serialNumber: d.serialNumber, validFrom: d.validFrom, validUntil: d.validUntil, status: 'active', revokedAt: null };
      return { ...state, certificates: { ...state.certificates, [d.kind]: renewed } };
    }
    case 'CertificateRevoked': {
      const current = state.status === 'registered' ? state.certificates[event.data.kind] : undefined;
      if (state.status !== 'registered' || !current) return state;
      return { ...state, certificates: { ...state.certificates, [event.data.kind]: { ...current, status: 'revoked', revokedAt: event.data.revokedAt } } };
    }
    case 'DeviceStatusChanged':
      if (state.status !== 'registered') return state;
      return { ...state, deviceStatus: event.data.to, replacedBy: event.data.replacedBy ?? state.replacedBy };
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
// The device's life: renewed and revoked certificates, status changes
// ---------------------------------------------------------------------------------------------

function requireDevice(state: DeviceState): RegisteredDevice {
  if (state.status !== 'registered') throw new DomainError('device_not_found', 'device not registered', 'not_found');
  return state;
}

export interface RenewCertificate {
  kind: DeviceCertificateKind;
  serialNumber: string;
  validFrom: string;
  validUntil: string;
  renewalId?: string | null;
  reportId?: string | null;
  at: string;
}

/**
 * Replaces the device's certificate of `kind` with the renewed one. The same certificate again
 * changes nothing (a retry); a revoked certificate or a device no longer active is refused. The
 * renewal window is checked when the renewal starts, not here: a renewal started in time completes.
 */
export function renewCertificate(command: RenewCertificate, state: DeviceState): CertificateRenewed[] {
  const at = instantOf(command.at);
  const device = requireDevice(state);
  const current = device.certificates[command.kind];
  if (!current) throw refuse('certificate_not_on_device', `device ${device.serial} has no ${command.kind} certificate`, 'kind');
  const serialNumber = (command.serialNumber ?? '').replace(/[\s:]+/g, '').toUpperCase();
  if (!/^[0-9A-Z]{1,64}$/.test(serialNumber)) {
    throw invalid('serialNumber', `certificate serial must be 1 to 64 letters or digits (got '${command.serialNumber ?? ''}')`, 'certificate_serial_invalid');
  }
  // Revoked is for good: refused even when it names the revoked certificate itself.
  if (current.status === 'revoked') throw refuse('certificate_revoked', `the ${command.kind} certificate of device ${device.serial} is revoked: it cannot be renewed`);
  if (current.serialNumber === serialNumber) return [];
  if (device.deviceStatus !== 'active') throw refuse('device_not_active', `device ${device.serial} is ${device.deviceStatus}`);
  const validFrom = validDateTime(command.validFrom, 'validFrom');
  const validUntil = validDateTime(command.validUntil, 'validUntil');
  if (Date.parse(validUntil) <= Date.parse(validFrom)) {
    throw invalid('validUntil', `must be later than validFrom (${validFrom}); got ${validUntil}`, 'validity_reversed');
  }
  return [
    {
      type: 'CertificateRenewed',
      data: {
        serial: device.serial,
        kind: command.kind,
        previousSerialNumber: current.serialNumber,
        serialNumber,
        validFrom,
        validUntil,
        renewalId: command.renewalId ?? null,
        reportId: command.reportId ?? null,
        renewedAt: at,
      },
    },
  ];
}

export interface RevokeCertificate {
  kind: DeviceCertificateKind;
  reason: RevocationReason;
  replacementRequestId?: string | null;
  revokedBy: string;
  at: string;
}

/** Revokes the device's certificate of `kind`; revoking it again changes nothing. */
export function revokeCertificate(command: RevokeCertificate, state: DeviceState): CertificateRevoked[] {
  const at = instantOf(command.at);
  if (!revocationReasons.includes(command.reason)) {
    throw invalid('reason', `must be one of ${revocationReasons.join(', ')} (RFC 5280; got '${command.reason}')`, 'revocation_reason_invalid');
  }
  const device = requireDevice(state);
  const current = device.certificates[command.kind];
  if (!current) throw refuse('certificate_not_on_device', `device ${device.serial} has no ${command.kind} certificate`, 'kind');
  if (current.status === 'revoked') return [];
  return [
    {
      type: 'CertificateRevoked',
      data: {
        serial: device.serial,
        kind: command.kind,
        serialNumber: current.serialNumber,
        reason: command.reason,
        replacementRequestId: command.replacementRequestId ?? null,
        revokedBy: command.revokedBy,
        revokedAt: at,
      },
    },
  ];
}

/** The moves a token's status can make; terminated is final. */
const statusMoves: Record<DeviceStatus, readonly DeviceStatus[]> = {
  active: ['lost', 'suspended', 'terminated'],
  lost: ['active', 'terminated'],
  suspended: ['active', 'terminated'],
  terminated: [],
};

export interface ChangeDeviceStatus {
  to: DeviceStatus;
  reason: string;
  /** The device that replaces this one (with `to: 'terminated'`). */
  replacedBy?: string | null;
  changedBy: string;
  at: string;
}

/** Moves the device to another status; the status it already has changes nothing. */
export function changeDeviceStatus(command: ChangeDeviceStatus, state: DeviceState): DeviceStatusChanged[] {
  const at = instantOf(command.at);
  const device = requireDevice(state);
  const replacedBy = replacementOf(command, device);
  if (device.deviceStatus === command.to) {
    // Terminated already (lost, then withdrawn by hand) and now replaced: the replacement is recorded once.
    if (command.to !== 'terminated' || replacedBy === null || device.replacedBy === replacedBy) return [];
    if (device.replacedBy !== null) {
      throw refuse('device_replaced_already', `device ${device.serial} is replaced by ${device.replacedBy} already`, 'replacedBy');
    }
  } else if (!statusMoves[device.deviceStatus].includes(command.to)) {
    throw refuse('device_status_move_invalid', `device ${device.serial} is ${device.deviceStatus}: it cannot become ${command.to}`, 'to');
  }
  const reason = requiredText(command.reason, 'reason', 500);
  return [
    {
      type: 'DeviceStatusChanged',
      data: { serial: device.serial, from: device.deviceStatus, to: command.to, reason, replacedBy, changedBy: command.changedBy, changedAt: at },
    },
  ];
}

/** The replacing device named by a status change, normalised; null when none. */
function replacementOf(command: ChangeDeviceStatus, device: RegisteredDevice): string | null {
  if (command.replacedBy === undefined || command.replacedBy === null || command.replacedBy.trim() === '') return null;
  if (command.to !== 'terminated') {
    throw refuse('replacement_without_termination', 'a device is replaced only when it is terminated', 'replacedBy');
  }
  const replacedBy = normaliseDeviceSerial(command.replacedBy);
  if (!deviceSerialPattern.test(replacedBy)) {
    throw invalid('replacedBy', `device serial must be 4 to 32 letters or digits (got '${command.replacedBy}')`, 'serial_invalid');
  }
  if (replacedBy === device.serial) throw refuse('replacement_same_device', `device ${device.serial} cannot replace itself`, 'replacedBy');
  return replacedBy;
}

// ---------------------------------------------------------------------------------------------
// Renewal window (the guided purchase, the kiosk): windowState under the device's issuer policy
// ---------------------------------------------------------------------------------------------

export interface CertificateRenewal {
  kind: DeviceCertificateKind;
  serialNumber: string;
  validUntil: string;
  /** When renewal opens under the issuer's policy (windowOf). */
  opensAt: string;
  /** The last instant a renewal is still accepted: validUntil + the policy's grace. */
  closesAt: string;
  status: WindowState;
}

export interface DeviceRenewal {
  serial: string;
  /** The worst window state of its certificates. */
  status: WindowState;
  certificates: CertificateRenewal[];
  /**
   * Certificates to buy coupons for: when the device's window is open or in grace, all of its
   * certificates ("both certificates must be renewed"); none when not yet open or closed.
   */
  toRenew: DeviceCertificateKind[];
}

/** Where the device's certificates stand at `now` under `rule`, the window of its issuer's policy (policyFor). */
export function deviceRenewalStatus(device: Pick<RegisteredDevice, 'serial' | 'certificates'>, now: Date, rule: WindowRule): DeviceRenewal {
  const certificates: CertificateRenewal[] = [];
  for (const kind of deviceCertificateKinds) {
    const c = device.certificates[kind];
    if (!c) continue;
    certificates.push({
      kind,
      serialNumber: c.serialNumber,
      validUntil: c.validUntil,
      ...windowOf(c.validUntil, rule),
      status: windowState(c, now, rule),
    });
  }
  const status = worstWindowState(certificates.map((c) => c.status));
  return { serial: device.serial, status, certificates, toRenew: renewable(status) ? certificates.map((c) => c.kind) : [] };
}
