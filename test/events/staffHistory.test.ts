// The staff stored history (events/staff.ts): staff events written before they carried their
// instant take it from their metadata (when the command was decided).
import { describe, expect, it } from 'vitest';
import { read, roundTrip } from './storedHistory';

const AT = '2026-11-20T10:10:00.000Z';
const USER = '82356848-abfa-4820-802b-67f041404416';
const ADMIN = 'ea09395b-63ac-4e6c-882d-190a42716143';

describe('staff: version 1 (no instant) reads as today, with the instant of its metadata', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['StaffUsernameClaimed', { username: 'operatore', userId: USER }, 'claimedAt'],
    ['StaffUserCreated', { userId: USER, username: 'operatore', displayName: 'Olga Operatrice', roles: ['operator'], passwordHash: 'scrypt$x' }, 'createdAt'],
    ['StaffRolesChanged', { userId: USER, roles: ['accountant'] }, 'changedAt'],
    [
      'StaffPasswordChanged',
      {
        userId: USER,
        passwordHash: 'scrypt$y',
        by: 'admin',
        oversight: { reason: 'password_reset', requestedBy: ADMIN, requestId: 'r-1', approvedBy: 'a-2', soleAdmin: false },
      },
      'changedAt',
    ],
    ['StaffUserDisabled', { userId: USER }, 'disabledAt'],
    ['StaffUserEnabled', { userId: USER }, 'enabledAt'],
    ['StaffChangeRequested', { requestId: 'r-1', userId: USER, reason: 'password_reset', passwordHash: 'scrypt$y', requestedBy: ADMIN }, 'requestedAt'],
    ['StaffChangeApproved', { requestId: 'r-1', approvedBy: 'a-2' }, 'approvedAt'],
    ['StaffChangeRejected', { requestId: 'r-1', rejectedBy: 'a-2' }, 'rejectedAt'],
  ];
  for (const [type, v1, field] of cases) {
    it(`${type}: ${field} = metadata.at`, () => {
      const today = { ...v1, [field]: AT };
      expect(read(type, v1, { at: AT })).toEqual({ data: today, version: 2 });
      expect(roundTrip(type, today)).toEqual(today);
    });
  }

  it('today an event carries its own instant, which the metadata does not override', () => {
    expect(read('StaffUserDisabled', { userId: USER, disabledAt: '2026-11-21T08:00:00.000Z' }, { version: 2, at: AT }).data).toEqual({
      userId: USER,
      disabledAt: '2026-11-21T08:00:00.000Z',
    });
  });
});
