import { describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import { deviceEventShapes, type DeviceEvent, type DeviceRegistered } from '../../../domain/devices/events';
import {
  deviceAggregate,
  deviceRenewalStatus,
  registerDevice,
  renewalStatus,
  streamOf,
  type RegisterDevice,
  type RegisterDeviceAt,
  type RegisteredDevice,
} from '../../../domain/devices/decider';
import { fold, specFor } from '../gwt';

const spec = specFor(deviceAggregate);
const now = new Date('2026-11-24T10:00:00.000Z');
const catalogue = new EventCatalogue<DeviceEvent>(deviceEventShapes);
const context = {
  actor: { userId: 'u-1', role: 'operator' as const },
  at: now.toISOString(),
  correlationId: '7f1e3a52-5d2c-4a53-9a0e-3f1c2b4d5e6f',
  causationId: null,
};
const encodable = (events: DeviceEvent[]) => {
  for (const e of events) expect(() => catalogue.encode(e, context)).not.toThrow();
  return events;
};

const card: RegisterDevice = {
  serial: ' 1205100000 ',
  kind: 'smart_card',
  issuer: 'CCIAA di Roma',
  issuedOn: '2023-12-01',
  holderCodiceFiscale: 'rssmra80a01h501u',
  certificates: [
    { kind: 'signing', serialNumber: '5a:3f:00:12', validFrom: '2023-12-01T09:00:00Z', validUntil: '2026-12-01T09:00:00Z' },
    { kind: 'authentication', serialNumber: '5A3F0013', validFrom: '2023-12-01T10:00:00+01:00', validUntil: '2026-12-01T10:00:00.000+01:00' },
  ],
};
const cardRegistered: DeviceRegistered = {
  type: 'DeviceRegistered',
  data: {
    serial: '1205100000',
    kind: 'smart_card',
    issuer: 'CCIAA di Roma',
    issuedOn: '2023-12-01',
    holderCodiceFiscale: 'RSSMRA80A01H501U',
    certificates: [
      { kind: 'signing', serialNumber: '5A3F0012', validFrom: '2023-12-01T09:00:00.000Z', validUntil: '2026-12-01T09:00:00.000Z' },
      { kind: 'authentication', serialNumber: '5A3F0013', validFrom: '2023-12-01T09:00:00.000Z', validUntil: '2026-12-01T09:00:00.000Z' },
    ],
    registeredAt: now.toISOString(),
  },
};

describe('device: register', () => {
  it('registers a device with its certificates, normalised, times in UTC', () => {
    spec.given([]).when((s) => encodable(registerDevice({ ...card, at: now.toISOString() }, s))).then([cardRegistered]);
    expect(streamOf(' 1205100000')).toBe('device-1205100000');
  });

  it('keys the certificates by kind in the state, ready for renewals, revocations, replacement', () => {
    const state = fold(deviceAggregate, [cardRegistered]) as RegisteredDevice;
    expect(state.status).toBe('registered');
    expect(state.deviceStatus).toBe('active');
    expect(state.replacedBy).toBeNull();
    expect(state.certificates.signing).toEqual({
      kind: 'signing',
      serialNumber: '5A3F0012',
      validFrom: '2023-12-01T09:00:00.000Z',
      validUntil: '2026-12-01T09:00:00.000Z',
      status: 'active',
      revokedAt: null,
    });
    expect(state.certificates.authentication?.serialNumber).toBe('5A3F0013');
  });

  it('a USB token with only a signing certificate', () => {
    const events = spec
      .given([])
      .when((s) => encodable(registerDevice({ ...card, kind: 'usb_token', certificates: [card.certificates[0]!], at: now.toISOString() }, s)))
      .events();
    const registered = events[0] as DeviceRegistered;
    expect(registered.data.certificates.map((c) => c.kind)).toEqual(['signing']);
  });

  it('refuses a device already registered', () => {
    spec.given([cardRegistered]).when((s) => registerDevice({ ...card, at: now.toISOString() }, s)).then({
      error: 'device_already_registered',
      kind: 'conflict',
      message: 'device 1205100000 is already registered',
    });
  });

  it("refuses a wrong holder's codice fiscale naming the field and the check", () => {
    spec.given([]).when((s) => registerDevice({ ...card, holderCodiceFiscale: 'RSSMRA80A01H501X', at: now.toISOString() }, s)).then({
      error: 'codice_fiscale_check_character',
      kind: 'invalid',
      field: 'holderCodiceFiscale',
      message: 'codice fiscale: check character is wrong (expected U)',
    });
  });

  const [signing, auth] = card.certificates as [RegisterDevice['certificates'][0], RegisterDevice['certificates'][0]];
  it.each([
    [{ serial: '12' }, 'serial_invalid', 'serial'],
    [{ serial: '1205/100' }, 'serial_invalid', 'serial'],
    [{ kind: 'floppy' }, 'kind_invalid', 'kind'],
    [{ issuer: '' }, 'value_required', 'issuer'],
    [{ issuedOn: '01/12/2023' }, 'date_invalid', 'issuedOn'],
    [{ issuedOn: '2023-02-29' }, 'date_invalid', 'issuedOn'],
    [{ certificates: [] }, 'certificates_missing', 'certificates'],
    [{ certificates: [signing, auth, signing] }, 'certificates_too_many', 'certificates'],
    [{ certificates: [signing, { ...auth, kind: 'signing' }] }, 'certificate_kind_duplicate', 'certificates.1.kind'],
    [{ certificates: [{ ...signing, kind: 'encryption' }] }, 'certificate_kind_invalid', 'certificates.0.kind'],
    [{ certificates: [{ ...signing, serialNumber: ' ' }] }, 'certificate_serial_invalid', 'certificates.0.serialNumber'],
    [{ certificates: [signing, { ...auth, validFrom: '2023-12-01' }] }, 'date_time_invalid', 'certificates.1.validFrom'],
    [{ certificates: [{ ...signing, validUntil: '2026-02-30T00:00:00Z' }] }, 'date_time_invalid', 'certificates.0.validUntil'],
    [{ certificates: [{ ...signing, validUntil: '2023-12-01T09:00:00Z' }] }, 'validity_reversed', 'certificates.0.validUntil'],
    [{ certificates: [{ ...signing, validUntil: '2022-12-01T09:00:00Z' }] }, 'validity_reversed', 'certificates.0.validUntil'],
  ])('refuses %j', (patch, error, field) => {
    spec.given([]).when((s) => registerDevice({ ...card, ...patch, at: now.toISOString() } as RegisterDeviceAt, s)).then({ error, kind: 'invalid', field });
  });

  it('says why validUntil is wrong', () => {
    spec
      .given([])
      .when((s) => registerDevice({ ...card, certificates: [{ ...signing, validUntil: '2023-12-01T09:00:00Z' }], at: now.toISOString() }, s))
      .then({
        error: 'validity_reversed',
        message: 'certificates.0.validUntil: must be later than validFrom (2023-12-01T09:00:00.000Z); got 2023-12-01T09:00:00.000Z',
      });
  });
});

describe('renewal status of a certificate', () => {
  const expiry = '2026-12-01T09:00:00.000Z';
  const at = (iso: string) => new Date(iso);
  const HOUR = 3_600_000;

  it('valid far from expiry, expiring within the window (inclusive), up to the expiry instant', () => {
    expect(renewalStatus({ validUntil: expiry }, at('2026-09-01T09:00:00.000Z'), 60)).toBe('valid');
    expect(renewalStatus({ validUntil: expiry }, at('2026-10-02T08:59:59.999Z'), 60)).toBe('valid');
    expect(renewalStatus({ validUntil: expiry }, at('2026-10-02T09:00:00.000Z'), 60)).toBe('expiring');
    expect(renewalStatus({ validUntil: expiry }, at(expiry), 60)).toBe('expiring');
    expect(renewalStatus({ validUntil: expiry }, at('2026-11-01T09:00:00.000Z'), 30)).toBe('expiring');
    expect(renewalStatus({ validUntil: expiry }, at('2026-11-01T08:59:59.999Z'), 30)).toBe('valid');
  });

  it('in grace from 1 ms after expiry to exactly 24 h after: still renewable', () => {
    const t = Date.parse(expiry);
    expect(renewalStatus({ validUntil: expiry }, new Date(t + 1), 60)).toBe('in_grace');
    expect(renewalStatus({ validUntil: expiry }, new Date(t + 23 * HOUR), 60)).toBe('in_grace');
    expect(renewalStatus({ validUntil: expiry }, new Date(t + 24 * HOUR), 60)).toBe('in_grace');
  });

  it('24 h + 1 ms after expiry: needs a replacement card', () => {
    const t = Date.parse(expiry);
    expect(renewalStatus({ validUntil: expiry }, new Date(t + 24 * HOUR + 1), 60)).toBe('needs_replacement');
    expect(renewalStatus({ validUntil: expiry }, at('2027-06-01T00:00:00.000Z'), 60)).toBe('needs_replacement');
  });

  it('a revoked certificate cannot be renewed', () => {
    expect(renewalStatus({ validUntil: expiry, status: 'revoked' }, at('2026-01-01T00:00:00.000Z'), 60)).toBe('needs_replacement');
  });
});

describe('renewal status of a device', () => {
  const device = (signingUntil: string, authUntil: string) =>
    fold(deviceAggregate, [
      {
        ...cardRegistered,
        data: {
          ...cardRegistered.data,
          certificates: [
            { ...cardRegistered.data.certificates[0]!, validUntil: signingUntil },
            { ...cardRegistered.data.certificates[1]!, validUntil: authUntil },
          ],
        },
      },
    ]) as RegisteredDevice;

  it('a device close to expiry proposes both certificates for renewal', () => {
    const d = device('2026-12-01T09:00:00.000Z', '2027-06-01T09:00:00.000Z');
    expect(deviceRenewalStatus(d, now, 30)).toEqual({
      serial: '1205100000',
      status: 'expiring',
      certificates: [
        {
          kind: 'signing',
          serialNumber: '5A3F0012',
          validUntil: '2026-12-01T09:00:00.000Z',
          renewableUntil: '2026-12-02T09:00:00.000Z',
          status: 'expiring',
        },
        {
          kind: 'authentication',
          serialNumber: '5A3F0013',
          validUntil: '2027-06-01T09:00:00.000Z',
          renewableUntil: '2027-06-02T09:00:00.000Z',
          status: 'valid',
        },
      ],
      toRenew: ['signing', 'authentication'],
    });
  });

  it('valid: nothing to renew', () => {
    const r = deviceRenewalStatus(device('2027-12-01T09:00:00.000Z', '2027-12-01T09:00:00.000Z'), now, 30);
    expect(r.status).toBe('valid');
    expect(r.toRenew).toEqual([]);
  });

  it('in grace: still both to renew', () => {
    const r = deviceRenewalStatus(device('2026-11-23T10:00:00.000Z', '2026-11-23T10:00:00.000Z'), now, 30);
    expect(r.status).toBe('in_grace');
    expect(r.toRenew).toEqual(['signing', 'authentication']);
  });

  it('one certificate past the deadline: the device needs a replacement, nothing to renew', () => {
    const r = deviceRenewalStatus(device('2026-11-23T09:59:59.999Z', '2027-01-01T00:00:00.000Z'), now, 60);
    expect(r.status).toBe('needs_replacement');
    expect(r.certificates.map((c) => c.status)).toEqual(['needs_replacement', 'expiring']);
    expect(r.toRenew).toEqual([]);
  });

  it('a device with one certificate proposes just that one', () => {
    const only = fold(deviceAggregate, [
      { ...cardRegistered, data: { ...cardRegistered.data, certificates: [cardRegistered.data.certificates[1]!] } },
    ]) as RegisteredDevice;
    expect(deviceRenewalStatus(only, now, 30).toRenew).toEqual(['authentication']);
  });
});
