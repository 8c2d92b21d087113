import { describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import { deviceEventShapes, type DeviceEvent, type DeviceRegistered } from '../../../domain/devices/events';
import {
  deviceAggregate,
  deviceRenewalStatus,
  registerDevice,
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

describe("a device's renewal window under its issuer's policy", () => {
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

  const rule30 = { renewalOpensDaysBefore: 30, graceHours: 24 };

  it('a device whose window is open proposes both certificates for renewal, with each window drawn by the policy', () => {
    const d = device('2026-12-01T09:00:00.000Z', '2027-06-01T09:00:00.000Z');
    expect(deviceRenewalStatus(d, now, rule30)).toEqual({
      serial: '1205100000',
      status: 'open',
      certificates: [
        {
          kind: 'signing',
          serialNumber: '5A3F0012',
          validUntil: '2026-12-01T09:00:00.000Z',
          opensAt: '2026-11-01T09:00:00.000Z',
          closesAt: '2026-12-02T09:00:00.000Z',
          status: 'open',
        },
        {
          kind: 'authentication',
          serialNumber: '5A3F0013',
          validUntil: '2027-06-01T09:00:00.000Z',
          opensAt: '2027-05-02T09:00:00.000Z',
          closesAt: '2027-06-02T09:00:00.000Z',
          status: 'not_yet',
        },
      ],
      toRenew: ['signing', 'authentication'],
    });
  });

  it('not yet open: nothing to renew; the same device under a policy opening earlier is open', () => {
    const d = device('2027-01-10T09:00:00.000Z', '2027-01-10T09:00:00.000Z');
    const r = deviceRenewalStatus(d, now, rule30);
    expect(r.status).toBe('not_yet');
    expect(r.toRenew).toEqual([]);
    expect(deviceRenewalStatus(d, now, { renewalOpensDaysBefore: 90, graceHours: 24 }).status).toBe('open');
  });

  it('in grace: still both to renew', () => {
    const r = deviceRenewalStatus(device('2026-11-23T10:00:00.000Z', '2026-11-23T10:00:00.000Z'), now, rule30);
    expect(r.status).toBe('in_grace');
    expect(r.toRenew).toEqual(['signing', 'authentication']);
  });

  it('one certificate past the deadline: the device window is closed (a replacement), nothing to renew', () => {
    const r = deviceRenewalStatus(device('2026-11-23T09:59:59.999Z', '2027-01-01T00:00:00.000Z'), now, { renewalOpensDaysBefore: 60, graceHours: 24 });
    expect(r.status).toBe('closed');
    expect(r.certificates.map((c) => c.status)).toEqual(['closed', 'open']);
    expect(r.toRenew).toEqual([]);
    // A policy with 48 hours of grace keeps it renewable.
    expect(deviceRenewalStatus(device('2026-11-23T09:59:59.999Z', '2027-01-01T00:00:00.000Z'), now, { renewalOpensDaysBefore: 60, graceHours: 48 }).status).toBe('in_grace');
  });

  it('a device with one certificate proposes just that one', () => {
    const only = fold(deviceAggregate, [
      { ...cardRegistered, data: { ...cardRegistered.data, certificates: [cardRegistered.data.certificates[1]!] } },
    ]) as RegisteredDevice;
    expect(deviceRenewalStatus(only, now, rule30).toRenew).toEqual(['authentication']);
  });
});
