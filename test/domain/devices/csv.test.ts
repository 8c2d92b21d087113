import { describe, expect, it } from 'vitest';
import { parseDeviceCsv, type DeviceCsvRow } from '../../../domain/devices/csv';
import { DomainError } from '../../../domain/shared/errors';

const HEADER = 'serial,kind,issuer,issued_on,holder_cf,signing_serial,signing_valid_from,signing_valid_until,auth_serial,auth_valid_from,auth_valid_until';

const refusals = (rows: DeviceCsvRow[]) =>
  rows.filter((r): r is Extract<DeviceCsvRow, { ok: false }> => !r.ok).map(({ row, code, reason, column }) => ({ row, code, reason, column }));

describe('device CSV import', () => {
  it('reads comma-separated rows with Italian and ISO dates into register-device commands', () => {
    const csv = [
      HEADER,
      '1205100000,smart_card,CCIAA di Roma,01/12/2023,RSSMRA80A01H501U,5A3F0012,01/12/2023,01/12/2026,5A3F0013,2023-12-01,2026-12-01',
      '1205100001,usb_token,CCIAA di Milano,2024-07-15,VRDGNN85T41F205I,77AA,15/07/2024,15/07/2027,,,',
    ].join('\n');
    expect(parseDeviceCsv(csv)).toEqual([
      {
        row: 2,
        ok: true,
        command: {
          serial: '1205100000',
          kind: 'smart_card',
          issuer: 'CCIAA di Roma',
          issuedOn: '2023-12-01',
          holderCodiceFiscale: 'RSSMRA80A01H501U',
          certificates: [
            // A date is a day in Italy: from its start (CET, UTC+1) to its end (23:59:59).
            { kind: 'signing', serialNumber: '5A3F0012', validFrom: '2023-11-30T23:00:00.000Z', validUntil: '2026-12-01T22:59:59.000Z' },
            { kind: 'authentication', serialNumber: '5A3F0013', validFrom: '2023-11-30T23:00:00.000Z', validUntil: '2026-12-01T22:59:59.000Z' },
          ],
        },
      },
      {
        row: 3,
        ok: true,
        command: {
          serial: '1205100001',
          kind: 'usb_token',
          issuer: 'CCIAA di Milano',
          issuedOn: '2024-07-15',
          holderCodiceFiscale: 'VRDGNN85T41F205I',
          // summer time (CEST, UTC+2)
          certificates: [{ kind: 'signing', serialNumber: '77AA', validFrom: '2024-07-14T22:00:00.000Z', validUntil: '2027-07-15T21:59:59.000Z' }],
        },
      },
    ]);
  });

  it('accepts ; separators, a BOM, CRLF, quoted fields (with separators, quotes and line breaks), columns in any order, blank lines', () => {
    const csv =
      '\uFEFFHolder_CF;Serial;Kind;Issuer;Issued_On;Auth_Serial;Auth_Valid_From;Auth_Valid_Until;Signing_Serial;Signing_Valid_From;Signing_Valid_Until;note\r\n' +
      'rssmra80a01h501u;"1205100000";Smart Card;"Camera di Commercio ""Roma""; sede\r\nvia de\' Burrò";1/2/2024;A1;1/2/2024;1/2/2027;;;;free text\r\n' +
      '\r\n' +
      'BNCLRA92B29L219R;1205100002;business key;Visura;29.02.2024;;;;S9;2024-02-29T10:00:00+01:00;2027-02-28T10:00:00Z;\r\n';
    const rows = parseDeviceCsv(csv);
    expect(rows).toEqual([
      {
        row: 2,
        ok: true,
        command: {
          serial: '1205100000',
          kind: 'smart_card',
          issuer: 'Camera di Commercio "Roma"; sede via de\' Burrò',
          issuedOn: '2024-02-01',
          holderCodiceFiscale: 'RSSMRA80A01H501U',
          certificates: [{ kind: 'authentication', serialNumber: 'A1', validFrom: '2024-01-31T23:00:00.000Z', validUntil: '2027-02-01T22:59:59.000Z' }],
        },
      },
      {
        // the quoted issuer spans lines 2-3, line 4 is blank
        row: 5,
        ok: true,
        command: {
          serial: '1205100002',
          kind: 'usb_token',
          issuer: 'Visura',
          issuedOn: '2024-02-29',
          holderCodiceFiscale: 'BNCLRA92B29L219R',
          certificates: [{ kind: 'signing', serialNumber: 'S9', validFrom: '2024-02-29T09:00:00.000Z', validUntil: '2027-02-28T10:00:00.000Z' }],
        },
      },
    ]);
  });

  it('a day on which Italian time changes still ends at 23:59:59 local', () => {
    const csv = [HEADER, '1205100000,smart_card,X,2026-03-29,RSSMRA80A01H501U,S1,29/03/2026,29/03/2026,,,'].join('\n');
    const [row] = parseDeviceCsv(csv);
    expect(row).toMatchObject({
      ok: true,
      command: { certificates: [{ validFrom: '2026-03-28T23:00:00.000Z', validUntil: '2026-03-29T21:59:59.000Z' }] },
    });
  });

  it('refuses bad rows with their row number and reason; good rows around them still pass', () => {
    const csv = [
      HEADER,
      /* 2 */ '1205100000,smart_card,CCIAA di Roma,01/12/2023,RSSMRA80A01H501U,S1,01/12/2023,01/12/2026,A1,01/12/2023,01/12/2026',
      /* 3 */ '1205100001,smart_card,CCIAA di Roma,01/12/2023,RSSMRA80A01H501X,S1,01/12/2023,01/12/2026,,,',
      /* 4 */ '1205100002,smart_card,CCIAA di Roma,01/12/2023,,S1,01/12/2023,01/12/2026,,,',
      /* 5 */ '1205100003,smart_card,,01/12/2023,RSSMRA80A01H501U,S1,01/12/2023,01/12/2026,,,',
      /* 6 */ '1205100004,smart_card,CCIAA di Roma,01/12/2023,RSSMRA80A01H501U,S1,01/12/2023,,,,',
      /* 7 */ '1205100005,smart_card,CCIAA di Roma,31/02/2023,RSSMRA80A01H501U,S1,01/12/2023,01/12/2026,,,',
      /* 8 */ '1205100006,smart_card,CCIAA di Roma,01/12/2023,RSSMRA80A01H501U,S1,01/12/2023,2026/12/01,,,',
      /* 9 */ '1205100007,smart_card,CCIAA di Roma,01/12/2023,RSSMRA80A01H501U,S1,01/12/2026,01/12/2023,,,',
      /* 10 */ '1205 100000,smart_card,CCIAA di Milano,01/12/2023,VRDGNN85T41F205I,S1,01/12/2023,01/12/2026,,,',
      /* 11 */ '1205100008,smart_card,CCIAA di Roma,01/12/2023,RSSMRA80A01H501U,,,,,,',
      /* 12 */ '1205100009,floppy,CCIAA di Roma,01/12/2023,RSSMRA80A01H501U,S1,01/12/2023,01/12/2026,,,',
      /* 13 */ '1205100010,smart_card,CCIAA di Roma, Lazio,01/12/2023,RSSMRA80A01H501U,S1,01/12/2023,01/12/2026,,,',
      /* 14 */ '12,smart_card,CCIAA di Roma,01/12/2023,RSSMRA80A01H501U,S1,01/12/2023,01/12/2026,,,',
      /* 15 */ '1205100011,smart_card,CCIAA di Roma,01/12/2023,RSSMRA80A01H501U,S1,2023-12-01T10:00,01/12/2026,,,',
      /* 16 */ '1205100012,usb_token,CCIAA di Roma,2023-12-01,RSSMRA80A01H501U,S1,01/12/2023,01/12/2026,,,',
      /* 17 */ '1205100013,usb_token,CCIAA di Roma,2023-12-01,RSSMRA80A01H501U,S1,01/12/2023,01/12/2026',
    ].join('\n');
    const rows = parseDeviceCsv(csv);
    expect(rows.map((r) => [r.row, r.ok])).toEqual([
      [2, true],
      [3, false],
      [4, false],
      [5, false],
      [6, false],
      [7, false],
      [8, false],
      [9, false],
      [10, false],
      [11, false],
      [12, false],
      [13, false],
      [14, false],
      [15, false],
      [16, true],
      [17, false],
    ]);
    expect(refusals(rows)).toEqual([
      { row: 3, code: 'codice_fiscale_check_character', column: 'holder_cf', reason: 'holder_cf: codice fiscale: check character is wrong (expected U)' },
      { row: 4, code: 'value_required', column: 'holder_cf', reason: 'holder_cf is missing' },
      { row: 5, code: 'value_required', column: 'issuer', reason: 'issuer is missing' },
      {
        row: 6,
        code: 'value_required',
        column: 'signing_valid_until',
        reason: 'signing_valid_until is missing: the signing certificate needs signing_serial, signing_valid_from, signing_valid_until (or all three empty)',
      },
      { row: 7, code: 'date_invalid', column: 'issued_on', reason: "issued_on: '31/02/2023' is not a date (dd/mm/yyyy or yyyy-mm-dd)" },
      {
        row: 8,
        code: 'date_invalid',
        column: 'signing_valid_until',
        reason: "signing_valid_until: '2026/12/01' is not a date (dd/mm/yyyy or yyyy-mm-dd, or an ISO date-time)",
      },
      {
        row: 9,
        code: 'validity_reversed',
        column: 'signing_valid_until',
        reason: 'signing_valid_until: must be later than validFrom (2026-11-30T23:00:00.000Z); got 2023-12-01T22:59:59.000Z',
      },
      // the same serial, written with a space, within the file
      { row: 10, code: 'serial_duplicate', column: 'serial', reason: 'serial 1205100000 already appears at row 2' },
      {
        row: 11,
        code: 'certificates_missing',
        column: undefined,
        reason: 'the device has no certificate: fill the signing_* or the auth_* columns',
      },
      { row: 12, code: 'kind_invalid', column: 'kind', reason: "kind: 'floppy' is not a device kind (smart_card or usb_token)" },
      {
        row: 13,
        code: 'field_count_wrong',
        column: undefined,
        reason: 'the row has 12 fields but the header has 11 (a separator inside an unquoted field?)',
      },
      {
        row: 14,
        code: 'serial_invalid',
        column: 'serial',
        reason: "serial: device serial must be 4 to 32 letters or digits (got '12')",
      },
      {
        row: 15,
        code: 'date_time_invalid',
        column: 'signing_valid_from',
        reason: "signing_valid_from: must be a date and time, ISO-8601 with Z or an offset (got '2023-12-01T10:00')",
      },
      { row: 17, code: 'field_count_wrong', column: undefined, reason: 'the row has 8 fields but the header has 11' },
    ]);
  });

  it('a refused row does not reserve its serial', () => {
    const csv = [
      HEADER,
      '1205100000,smart_card,X,01/12/2023,RSSMRA80A01H501X,S1,01/12/2023,01/12/2026,,,',
      '1205100000,smart_card,X,01/12/2023,RSSMRA80A01H501U,S1,01/12/2023,01/12/2026,,,',
    ].join('\n');
    expect(parseDeviceCsv(csv).map((r) => r.ok)).toEqual([false, true]);
  });

  it('a header without every column, or an empty file, is refused as a whole', () => {
    const attempt = (text: string) => {
      try {
        parseDeviceCsv(text);
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        return { code: (error as DomainError).code, kind: (error as DomainError).kind, field: (error as DomainError).field, message: (error as DomainError).message };
      }
      throw new Error('expected a refusal');
    };
    expect(attempt('serial,kind,issuer\n1,2,3')).toEqual({
      code: 'csv_columns_missing',
      kind: 'invalid',
      field: 'file',
      message: `file: the header lacks the column(s) issued_on, holder_cf, signing_serial, signing_valid_from, signing_valid_until, auth_serial, auth_valid_from, auth_valid_until; expected ${HEADER}`,
    });
    expect(attempt('\uFEFF\n\n')).toMatchObject({ code: 'csv_empty', field: 'file' });
    expect(attempt(`${HEADER},serial\n`)).toMatchObject({ code: 'csv_column_duplicate' });
  });

  it('a header alone gives no rows', () => {
    expect(parseDeviceCsv(`${HEADER}\n`)).toEqual([]);
  });
});
