// A device's life, Given / When / Then: its certificates renewed (the renewed one replaces the
// current one of its kind) and revoked (for good: never renewed again), and its status moving as a
// token's does (active ⇄ lost / suspended, any of them → terminated, terminated is final). Every
// repeat of what is already done changes nothing.
import { describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import {
  deviceEventShapes,
  type CertificateRenewed,
  type CertificateRevoked,
  type DeviceEvent,
  type DeviceRegistered,
  type DeviceStatus,
  type DeviceStatusChanged,
} from '../../../domain/devices/events';
import {
  changeDeviceStatus,
  deviceAggregate,
  renewCertificate,
  revokeCertificate,
  type RegisteredDevice,
  type RenewCertificate,
} from '../../../domain/devices/decider';
import { fold, specFor } from '../gwt';

const catalogue = new EventCatalogue<DeviceEvent>(deviceEventShapes);
const spec = specFor(deviceAggregate, { catalogue });
const at = '2026-11-24T10:00:00.000Z';
const later = '2026-11-25T08:30:00.000Z';

const registered: DeviceRegistered = {
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
    registeredAt: '2023-12-01T09:00:00.000Z',
  },
};

const renewSigning: RenewCertificate = {
  kind: 'signing',
  serialNumber: '7b:00:01:aa',
  validFrom: '2026-11-24T10:00:00Z',
  validUntil: '2029-11-24T11:00:00+01:00',
  renewalId: 'renewal-1',
  at,
};

const signingRenewed: CertificateRenewed = {
  type: 'CertificateRenewed',
  data: {
    serial: '1205100000',
    kind: 'signing',
    previousSerialNumber: '5A3F0012',
    serialNumber: '7B0001AA',
    validFrom: '2026-11-24T10:00:00.000Z',
    validUntil: '2029-11-24T10:00:00.000Z',
    renewalId: 'renewal-1',
    reportId: null,
    renewedAt: at,
  },
};

const signingRevoked: CertificateRevoked = {
  type: 'CertificateRevoked',
  data: {
    serial: '1205100000',
    kind: 'signing',
    serialNumber: '5A3F0012',
    reason: 'keyCompromise',
    replacementRequestId: null,
    revokedBy: 'supervisor-1',
    revokedAt: at,
  },
};

const moved = (from: DeviceStatus, to: DeviceStatus, more: Partial<DeviceStatusChanged['data']> = {}): DeviceStatusChanged => ({
  type: 'DeviceStatusChanged',
  data: { serial: '1205100000', from, to, reason: 'smarrita in treno', replacedBy: null, changedBy: 'operator-1', changedAt: at, ...more },
});

describe('device life: renewing a certificate', () => {
  it('replaces the certificate of that kind: new serial, validity in UTC, the renewal named', () => {
    spec.given([registered]).when((s) => renewCertificate(renewSigning, s)).then([signingRenewed]);
    const device = fold(deviceAggregate, [registered, signingRenewed]) as RegisteredDevice;
    expect(device.certificates.signing).toEqual({
      kind: 'signing',
      serialNumber: '7B0001AA',
      validFrom: '2026-11-24T10:00:00.000Z',
      validUntil: '2029-11-24T10:00:00.000Z',
      status: 'active',
      revokedAt: null,
    });
    expect(device.certificates.authentication?.serialNumber).toBe('5A3F0013');
  });

  it('a renewal reported by the CA names its report instead of a renewal', () => {
    const [event] = spec
      .given([registered])
      .when((s) => renewCertificate({ ...renewSigning, renewalId: null, reportId: 'report-9' }, s))
      .events();
    expect(event?.data).toMatchObject({ renewalId: null, reportId: 'report-9' });
  });

  it('the same renewal again (a retry) changes nothing', () => {
    spec.given([registered, signingRenewed]).when((s) => renewCertificate({ ...renewSigning, at: later }, s)).thenNothing();
  });

  it('the renewed certificate can be renewed in turn; the previous serial is the current one', () => {
    const [event] = spec
      .given([registered, signingRenewed])
      .when((s) => renewCertificate({ ...renewSigning, serialNumber: '7B0002', validFrom: later, validUntil: '2029-11-25T08:30:00Z', at: later }, s))
      .events();
    expect((event as CertificateRenewed).data.previousSerialNumber).toBe('7B0001AA');
  });

  it('a revoked certificate is never renewed, not even with its own serial', () => {
    spec.given([registered, signingRevoked]).when((s) => renewCertificate(renewSigning, s)).then({ error: 'certificate_revoked', kind: 'rule' });
    spec
      .given([registered, signingRevoked])
      .when((s) => renewCertificate({ ...renewSigning, serialNumber: '5A3F0012' }, s))
      .then({ error: 'certificate_revoked', kind: 'rule' });
  });

  it('the other certificate of a device with one revoked is still renewed', () => {
    const [event] = spec
      .given([registered, signingRevoked])
      .when((s) => renewCertificate({ ...renewSigning, kind: 'authentication' }, s))
      .events();
    expect(event?.data).toMatchObject({ kind: 'authentication', previousSerialNumber: '5A3F0013' });
  });

  for (const status of ['lost', 'suspended', 'terminated'] as const) {
    it(`a ${status} device's certificates are not renewed`, () => {
      spec
        .given([registered, moved('active', status)])
        .when((s) => renewCertificate(renewSigning, s))
        .then({ error: 'device_not_active', kind: 'rule', message: new RegExp(status) });
    });
  }

  it('refuses an unknown device, a kind the device lacks, a bad serial, a reversed validity', () => {
    spec.given([]).when((s) => renewCertificate(renewSigning, s)).then({ error: 'device_not_found', kind: 'not_found' });
    const signingOnly: DeviceRegistered = { ...registered, data: { ...registered.data, certificates: [registered.data.certificates[0]!] } };
    spec
      .given([signingOnly])
      .when((s) => renewCertificate({ ...renewSigning, kind: 'authentication' }, s))
      .then({ error: 'certificate_not_on_device', field: 'kind' });
    spec
      .given([registered])
      .when((s) => renewCertificate({ ...renewSigning, serialNumber: '7B-00' }, s))
      .then({ error: 'certificate_serial_invalid', kind: 'invalid', field: 'serialNumber' });
    spec
      .given([registered])
      .when((s) => renewCertificate({ ...renewSigning, validUntil: '2026-11-24T09:00:00Z' }, s))
      .then({ error: 'validity_reversed', field: 'validUntil' });
    spec
      .given([registered])
      .when((s) => renewCertificate({ ...renewSigning, validFrom: '2026-02-30T10:00:00Z' }, s))
      .then({ error: 'date_time_invalid', field: 'validFrom' });
  });
});

describe('device life: revoking a certificate', () => {
  it('revokes the current certificate of that kind with its RFC 5280 reason, and who did it', () => {
    spec
      .given([registered])
      .when((s) => revokeCertificate({ kind: 'signing', reason: 'keyCompromise', revokedBy: 'supervisor-1', at }, s))
      .then([signingRevoked]);
    const device = fold(deviceAggregate, [registered, signingRevoked]) as RegisteredDevice;
    expect(device.certificates.signing).toMatchObject({ status: 'revoked', revokedAt: at, serialNumber: '5A3F0012' });
    expect(device.certificates.authentication?.status).toBe('active');
  });

  it('revokes the renewed certificate, not the one it replaced; names the replacement request', () => {
    const [event] = spec
      .given([registered, signingRenewed])
      .when((s) => revokeCertificate({ kind: 'signing', reason: 'superseded', replacementRequestId: 'req-1', revokedBy: 'supervisor-1', at: later }, s))
      .events();
    expect(event?.data).toMatchObject({ serialNumber: '7B0001AA', reason: 'superseded', replacementRequestId: 'req-1' });
  });

  it('revoking it again changes nothing, whatever the reason', () => {
    spec
      .given([registered, signingRevoked])
      .when((s) => revokeCertificate({ kind: 'signing', reason: 'superseded', revokedBy: 'supervisor-2', at: later }, s))
      .thenNothing();
  });

  it("a lost or terminated device's certificates can still be revoked", () => {
    for (const status of ['lost', 'terminated'] as const) {
      const [event] = spec
        .given([registered, moved('active', status)])
        .when((s) => revokeCertificate({ kind: 'authentication', reason: 'cessationOfOperation', revokedBy: 'supervisor-1', at }, s))
        .events();
      expect(event?.type).toBe('CertificateRevoked');
    }
  });

  it('refuses an unknown device, a kind the device lacks, a reason RFC 5280 does not name here', () => {
    spec.given([]).when((s) => revokeCertificate({ kind: 'signing', reason: 'superseded', revokedBy: 'x', at }, s)).then({ error: 'device_not_found' });
    const authOnly: DeviceRegistered = { ...registered, data: { ...registered.data, certificates: [registered.data.certificates[1]!] } };
    spec
      .given([authOnly])
      .when((s) => revokeCertificate({ kind: 'signing', reason: 'superseded', revokedBy: 'x', at }, s))
      .then({ error: 'certificate_not_on_device', field: 'kind' });
    spec
      .given([registered])
      .when((s) => revokeCertificate({ kind: 'signing', reason: 'stolen' as never, revokedBy: 'x', at }, s))
      .then({ error: 'revocation_reason_invalid', kind: 'invalid', field: 'reason' });
  });
});

describe('device life: status', () => {
  const allowed: Array<[DeviceStatus, DeviceStatus]> = [
    ['active', 'lost'],
    ['active', 'suspended'],
    ['active', 'terminated'],
    ['lost', 'active'],
    ['lost', 'terminated'],
    ['suspended', 'active'],
    ['suspended', 'terminated'],
  ];
  const history = (status: DeviceStatus): DeviceEvent[] => (status === 'active' ? [registered] : [registered, moved('active', status)]);

  for (const [from, to] of allowed) {
    it(`${from} → ${to}`, () => {
      spec
        .given(history(from))
        .when((s) => changeDeviceStatus({ to, reason: '  smarrita   in treno ', changedBy: 'operator-1', at }, s))
        .then([moved(from, to)]);
      const device = fold(deviceAggregate, [...history(from), moved(from, to)]) as RegisteredDevice;
      expect(device.deviceStatus).toBe(to);
    });
  }

  const refused: Array<[DeviceStatus, DeviceStatus]> = [
    ['lost', 'suspended'],
    ['suspended', 'lost'],
    ['terminated', 'active'],
    ['terminated', 'lost'],
    ['terminated', 'suspended'],
  ];
  for (const [from, to] of refused) {
    it(`${from} → ${to} is refused`, () => {
      spec
        .given(history(from))
        .when((s) => changeDeviceStatus({ to, reason: 'x', changedBy: 'operator-1', at }, s))
        .then({ error: 'device_status_move_invalid', kind: 'rule', field: 'to' });
    });
  }

  it('the status it already has changes nothing (a repeat)', () => {
    for (const status of ['active', 'lost', 'suspended', 'terminated'] as const) {
      spec.given(history(status)).when((s) => changeDeviceStatus({ to: status, reason: 'again', changedBy: 'operator-2', at: later }, s)).thenNothing();
    }
  });

  it('terminated for a replacement names the new device; the state remembers it', () => {
    spec
      .given([registered])
      .when((s) => changeDeviceStatus({ to: 'terminated', reason: 'sostituita', replacedBy: ' 1205100099 ', changedBy: 'supervisor-1', at }, s))
      .then([moved('active', 'terminated', { reason: 'sostituita', replacedBy: '1205100099', changedBy: 'supervisor-1' })]);
    const device = fold(deviceAggregate, [registered, moved('active', 'terminated', { replacedBy: '1205100099' })]) as RegisteredDevice;
    expect(device.replacedBy).toBe('1205100099');
  });

  it('refuses a move without a reason, a replacement without termination, a replacement by itself or by a bad serial', () => {
    spec.given([registered]).when((s) => changeDeviceStatus({ to: 'lost', reason: '   ', changedBy: 'o', at }, s)).then({ error: 'value_required', field: 'reason' });
    spec
      .given([registered])
      .when((s) => changeDeviceStatus({ to: 'suspended', reason: 'x', replacedBy: '1205100099', changedBy: 'o', at }, s))
      .then({ error: 'replacement_without_termination', field: 'replacedBy' });
    spec
      .given([registered])
      .when((s) => changeDeviceStatus({ to: 'terminated', reason: 'x', replacedBy: '1205100000', changedBy: 'o', at }, s))
      .then({ error: 'replacement_same_device', field: 'replacedBy' });
    spec
      .given([registered])
      .when((s) => changeDeviceStatus({ to: 'terminated', reason: 'x', replacedBy: '12-!', changedBy: 'o', at }, s))
      .then({ error: 'serial_invalid', kind: 'invalid', field: 'replacedBy' });
    spec.given([]).when((s) => changeDeviceStatus({ to: 'lost', reason: 'x', changedBy: 'o', at }, s)).then({ error: 'device_not_found' });
  });
});

describe('device life: terminated, then replaced', () => {
  const terminated = moved('lost', 'terminated', { reason: 'ritirata' });
  const lostThenTerminated: DeviceEvent[] = [registered, moved('active', 'lost'), terminated];

  it('a device terminated without a replacement records the replacement once', () => {
    const replaced = moved('terminated', 'terminated', { reason: 'sostituita', replacedBy: '1205100099', changedBy: 'supervisor-1' });
    spec
      .given(lostThenTerminated)
      .when((s) => changeDeviceStatus({ to: 'terminated', reason: 'sostituita', replacedBy: '1205100099', changedBy: 'supervisor-1', at }, s))
      .then([replaced]);
    spec
      .given([...lostThenTerminated, replaced])
      .when((s) => changeDeviceStatus({ to: 'terminated', reason: 'di nuovo', replacedBy: '1205100099', changedBy: 'supervisor-2', at: later }, s))
      .thenNothing();
    spec
      .given([...lostThenTerminated, replaced])
      .when((s) => changeDeviceStatus({ to: 'terminated', reason: 'altra', replacedBy: '1205100077', changedBy: 'supervisor-2', at: later }, s))
      .then({ error: 'device_replaced_already', field: 'replacedBy' });
  });
});
