// The customers' and devices' stored history (events/customers.ts, events/devices.ts): the guard
// claims and the holder's index entries written before they carried their instant take it from
// their metadata.
import { describe, expect, it } from 'vitest';
import { read, roundTrip } from './storedHistory';

const AT = '2026-11-20T10:30:00.000Z';

describe('customers and devices: version 1 (no instant) reads as today', () => {
  it('CustomerTaxCodeClaimed and CustomerVatNumberClaimed: claimedAt = metadata.at', () => {
    expect(read('CustomerTaxCodeClaimed', { codiceFiscale: 'RSSMRA80A01H501U', customerId: 'c-1' }, { at: AT })).toEqual({
      data: { codiceFiscale: 'RSSMRA80A01H501U', customerId: 'c-1', claimedAt: AT },
      version: 2,
    });
    expect(read('CustomerVatNumberClaimed', { partitaIva: '12345600014', customerId: 'c-2' }, { at: AT })).toEqual({
      data: { partitaIva: '12345600014', customerId: 'c-2', claimedAt: AT },
      version: 2,
    });
    const today = { codiceFiscale: '12356710017', customerId: 'c-2', claimedAt: AT };
    expect(roundTrip('CustomerTaxCodeClaimed', today)).toEqual(today);
  });

  it('HolderDeviceListed: listedAt = metadata.at', () => {
    expect(read('HolderDeviceListed', { codiceFiscale: 'RSSMRA80A01H501U', serial: '1205100001' }, { at: AT })).toEqual({
      data: { codiceFiscale: 'RSSMRA80A01H501U', serial: '1205100001', listedAt: AT },
      version: 2,
    });
  });

  it('the events that always carried their instants are as they were stored', () => {
    const changed = { customerId: 'c-1', oldEmail: 'a@example.it', newEmail: 'b@example.it', changedAt: AT };
    expect(read('CustomerEmailChanged', changed)).toEqual({ data: changed, version: 1 });
  });
});
