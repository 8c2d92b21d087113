import { describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import { customerEventShapes, type CustomerAreaEvent, type CustomerRegistered } from '../../../domain/customers/events';
import {
  changeCustomerEmail,
  changeCustomerSdiAddress,
  claimAggregate,
  claimsFor,
  claimTaxCode,
  claimVatNumber,
  customerAggregate,
  registerCustomer,
  streamOf,
  taxCodeClaimStreamOf,
  vatNumberClaimStreamOf,
  type RegisterFirm,
  type RegisterPerson,
} from '../../../domain/customers/decider';
import { specFor } from '../gwt';

const spec = specFor(customerAggregate);
const claims = specFor(claimAggregate);
const now = new Date('2026-11-24T10:00:00.000Z');
const later = new Date('2026-11-25T08:30:00.000Z');
const AT = now.toISOString();
const catalogue = new EventCatalogue<CustomerAreaEvent>(customerEventShapes);
const context = {
  actor: { userId: 'u-1', role: 'operator' as const },
  at: now.toISOString(),
  correlationId: '7f1e3a52-5d2c-4a53-9a0e-3f1c2b4d5e6f',
  causationId: null,
};
/** Every event a decider produces must pass its catalogue schema. */
const encodable = <E extends CustomerAreaEvent>(events: E[]) => {
  for (const e of events) expect(() => catalogue.encode(e, context)).not.toThrow();
  return events;
};

const address = { street: 'Via Roma 1', postalCode: '00184', city: 'Roma', province: 'rm' };
const mario: RegisterPerson = {
  customerId: 'c-1',
  kind: 'person',
  name: ' Mario ',
  surname: 'Rossi',
  codiceFiscale: 'rssmra80a01h501u',
  email: ' Mario.Rossi@Example.IT ',
  billingAddress: address,
  at: now.toISOString(),
};
const marioRegistered: CustomerRegistered = {
  type: 'CustomerRegistered',
  data: {
    kind: 'person',
    customerId: 'c-1',
    name: 'Mario',
    surname: 'Rossi',
    codiceFiscale: 'RSSMRA80A01H501U',
    registrationOfficer: false,
    email: 'mario.rossi@example.it',
    billingAddress: { street: 'Via Roma 1', postalCode: '00184', city: 'Roma', province: 'RM', country: 'IT' },
    registeredAt: '2026-11-24T10:00:00.000Z',
  },
};
const firm: RegisterFirm = {
  customerId: 'c-2',
  kind: 'firm',
  name: 'Studio Bianchi S.r.l.',
  partitaIva: 'IT 00743110157',
  codiceFiscale: '00743110157',
  email: 'amministrazione@studiobianchi.it',
  billingAddress: { ...address, country: 'it' },
  at: now.toISOString(),
};

describe('customer: register', () => {
  it('registers a private holder, normalising CF, e-mail, address; country defaults to IT', () => {
    spec.given([]).when((s) => encodable(registerCustomer(mario, s))).then([marioRegistered]);
  });

  it('registers a Registration Officer: a person with the flag', () => {
    const events = spec.given([]).when((s) => registerCustomer({ ...mario, registrationOfficer: true }, s)).events();
    expect(events[0]?.data).toMatchObject({ kind: 'person', registrationOfficer: true, codiceFiscale: 'RSSMRA80A01H501U' });
  });

  it('registers a firm with partita IVA and a numeric 11-digit codice fiscale', () => {
    spec
      .given([])
      .when((s) => encodable(registerCustomer(firm, s)))
      .then([
        {
          type: 'CustomerRegistered',
          data: {
            kind: 'firm',
            customerId: 'c-2',
            name: 'Studio Bianchi S.r.l.',
            partitaIva: '00743110157',
            codiceFiscale: '00743110157',
            registrationOfficer: false,
            email: 'amministrazione@studiobianchi.it',
            billingAddress: { street: 'Via Roma 1', postalCode: '00184', city: 'Roma', province: 'RM', country: 'IT' },
            registeredAt: '2026-11-24T10:00:00.000Z',
          },
        },
      ]);
  });

  it('a firm without codice fiscale, or a sole trader with a 16-character one', () => {
    const none = spec.given([]).when((s) => encodable(registerCustomer({ ...firm, codiceFiscale: undefined }, s))).events();
    expect(none[0]).toMatchObject({ data: { codiceFiscale: null } });
    const sole = spec
      .given([])
      .when((s) => encodable(registerCustomer({ ...firm, codiceFiscale: 'RSSMRA80A01H501U' }, s)))
      .events();
    expect(sole[0]).toMatchObject({ data: { codiceFiscale: 'RSSMRA80A01H501U' } });
  });

  it('refuses a wrong codice fiscale naming the field and the check that failed', () => {
    spec.given([]).when((s) => registerCustomer({ ...mario, codiceFiscale: 'RSSMRA80A01H501X' }, s)).then({
      error: 'codice_fiscale_check_character',
      kind: 'invalid',
      field: 'codiceFiscale',
      message: 'codice fiscale: check character is wrong (expected U)',
    });
    spec.given([]).when((s) => registerCustomer({ ...mario, codiceFiscale: 'RSSMRA80A01H50' }, s)).then({
      error: 'codice_fiscale_length',
      kind: 'invalid',
      field: 'codiceFiscale',
      message: 'codice fiscale: must be 16 characters (got 14)',
    });
    spec.given([]).when((s) => registerCustomer({ ...mario, codiceFiscale: 'RSSMRA80Z01H501U' }, s)).then({
      error: 'codice_fiscale_month',
      kind: 'invalid',
      field: 'codiceFiscale',
    });
  });

  it('a private holder cannot use a numeric codice fiscale', () => {
    spec.given([]).when((s) => registerCustomer({ ...mario, codiceFiscale: '00743110157' }, s)).then({
      error: 'codice_fiscale_length',
      kind: 'invalid',
      field: 'codiceFiscale',
    });
  });

  it("refuses a wrong partita IVA or a firm's wrong codice fiscale", () => {
    spec.given([]).when((s) => registerCustomer({ ...firm, partitaIva: '00743110158' }, s)).then({
      error: 'partita_iva_check_digit',
      kind: 'invalid',
      field: 'partitaIva',
      message: 'partita IVA: check digit is wrong (expected 7)',
    });
    spec.given([]).when((s) => registerCustomer({ ...firm, partitaIva: '1234567' }, s)).then({
      error: 'partita_iva_format',
      kind: 'invalid',
      field: 'partitaIva',
    });
    spec.given([]).when((s) => registerCustomer({ ...firm, codiceFiscale: '00743110158' }, s)).then({
      error: 'codice_fiscale_check_character',
      kind: 'invalid',
      field: 'codiceFiscale',
    });
  });

  it('a firm cannot be a Registration Officer', () => {
    spec.given([]).when((s) => registerCustomer({ ...firm, registrationOfficer: true }, s)).then({
      error: 'registration_officer_not_person',
      kind: 'invalid',
      field: 'registrationOfficer',
    });
  });

  it.each([
    [{ email: 'mario.rossi' }, 'email_invalid', 'email', "email: not a valid e-mail address (got 'mario.rossi')"],
    [{ name: '  ' }, 'value_required', 'name', 'name: is required'],
    [{ surname: '' }, 'value_required', 'surname', 'surname: is required'],
    [{ billingAddress: { ...address, street: '' } }, 'value_required', 'billingAddress.street', 'billingAddress.street: is required'],
    [
      { billingAddress: { ...address, postalCode: '184' } },
      'postal_code_invalid',
      'billingAddress.postalCode',
      "billingAddress.postalCode: postal code must be 5 digits (got '184')",
    ],
    [{ billingAddress: { ...address, city: ' ' } }, 'value_required', 'billingAddress.city', 'billingAddress.city: is required'],
    [
      { billingAddress: { ...address, province: 'Roma' } },
      'province_invalid',
      'billingAddress.province',
      "billingAddress.province: province must be 2 letters, e.g. RM (got 'Roma')",
    ],
    [
      { billingAddress: { ...address, country: 'ITA' } },
      'country_invalid',
      'billingAddress.country',
      "billingAddress.country: country must be a 2-letter ISO code, e.g. IT (got 'ITA')",
    ],
  ] as const)('refuses %j: %s on %s', (patch, error, field, message) => {
    spec.given([]).when((s) => registerCustomer({ ...mario, ...patch } as RegisterPerson, s)).then({
      error,
      kind: 'invalid',
      field,
      message,
    });
  });

  it('refuses registering the same customer twice', () => {
    spec.given([marioRegistered]).when((s) => registerCustomer(mario, s)).then({
      error: 'customer_already_registered',
      kind: 'conflict',
      message: 'customer c-1 is already registered',
    });
  });

  it('names its streams', () => {
    expect(streamOf('c-1')).toBe('customer-c-1');
    expect(taxCodeClaimStreamOf('RSSMRA80A01H501U')).toBe('customer-cf-RSSMRA80A01H501U');
    expect(vatNumberClaimStreamOf('00743110157')).toBe('customer-piva-00743110157');
  });
});

describe('customer: change profile e-mail', () => {
  it('records the old and the new address', () => {
    spec
      .given([marioRegistered])
      .when((s) => encodable(changeCustomerEmail({ customerId: 'c-1', email: 'M.Rossi@pec.example.it', at: later.toISOString() }, s)))
      .then([
        {
          type: 'CustomerEmailChanged',
          data: {
            customerId: 'c-1',
            oldEmail: 'mario.rossi@example.it',
            newEmail: 'm.rossi@pec.example.it',
            changedAt: '2026-11-25T08:30:00.000Z',
          },
        },
      ]);
  });

  it('the same address again (in any case, with spaces) changes nothing', () => {
    spec.given([marioRegistered]).when((s) => changeCustomerEmail({ customerId: 'c-1', email: ' MARIO.rossi@example.it', at: later.toISOString() }, s)).thenNothing();
  });

  it('evolves to the new address', () => {
    const state = spec
      .given([
        marioRegistered,
        { type: 'CustomerEmailChanged', data: { customerId: 'c-1', oldEmail: 'mario.rossi@example.it', newEmail: 'new@example.it', changedAt: later.toISOString() } },
      ])
      .state();
    expect(state).toMatchObject({ status: 'registered', email: 'new@example.it' });
  });

  it('refuses an invalid address, and an unknown customer', () => {
    spec.given([marioRegistered]).when((s) => changeCustomerEmail({ customerId: 'c-1', email: 'nope@', at: later.toISOString() }, s)).then({
      error: 'email_invalid',
      kind: 'invalid',
      field: 'email',
    });
    spec.given([]).when((s) => changeCustomerEmail({ customerId: 'c-9', email: 'a@b.it', at: later.toISOString() }, s)).then({
      error: 'customer_not_found',
      kind: 'not_found',
      message: 'customer c-9 not found',
    });
  });
});

describe('customer: SdI recipient code and PEC address', () => {
  const firmRegistered: CustomerRegistered = {
    type: 'CustomerRegistered',
    data: {
      kind: 'firm',
      customerId: 'c-2',
      name: 'Studio Bianchi S.r.l.',
      partitaIva: '00743110157',
      codiceFiscale: null,
      registrationOfficer: false,
      email: 'amministrazione@studiobianchi.it',
      billingAddress: { street: 'Via Roma 1', postalCode: '00184', city: 'Roma', province: 'RM', country: 'IT' },
      registeredAt: AT,
    },
  };

  it('a customer registered before the fields existed has none', () => {
    expect(spec.given([firmRegistered]).state()).toMatchObject({ sdiCode: null, pecAddress: null });
  });

  it("records a firm's code upper-cased and its PEC lower-cased; the same again changes nothing", () => {
    const change = { customerId: 'c-2', sdiCode: 'm5uxcr1', pecAddress: ' Studio@PEC.example.it', at: later.toISOString() };
    spec
      .given([firmRegistered])
      .when((s) => encodable(changeCustomerSdiAddress(change, s)))
      .then([
        {
          type: 'CustomerSdiAddressChanged',
          data: { customerId: 'c-2', sdiCode: 'M5UXCR1', pecAddress: 'studio@pec.example.it', changedAt: later.toISOString() },
        },
      ]);
    const set = spec.given([firmRegistered]).when((s) => changeCustomerSdiAddress(change, s)).events();
    spec.given([firmRegistered, ...set]).when((s) => changeCustomerSdiAddress(change, s)).thenNothing();
  });

  it('refuses a code not of 7 letters or digits, 0000000, a code for a person, a malformed PEC', () => {
    for (const sdiCode of ['ABC123', 'ABC12345', 'AB-1234', '0000000']) {
      spec.given([firmRegistered]).when((s) => changeCustomerSdiAddress({ customerId: 'c-2', sdiCode, pecAddress: null, at: AT }, s)).then({
        error: 'sdi_code_invalid',
        kind: 'invalid',
        field: 'sdiCode',
      });
    }
    spec.given([marioRegistered]).when((s) => changeCustomerSdiAddress({ customerId: 'c-1', sdiCode: 'M5UXCR1', pecAddress: null, at: AT }, s)).then({
      error: 'sdi_code_for_firms_only',
      field: 'sdiCode',
    });
    spec.given([marioRegistered]).when((s) => changeCustomerSdiAddress({ customerId: 'c-1', sdiCode: null, pecAddress: 'pec@', at: AT }, s)).then({
      error: 'email_invalid',
      field: 'pecAddress',
    });
  });
});

describe('customer: one codice fiscale / one partita IVA, one customer', () => {
  it('tells which guard stream a registration claims', () => {
    expect(claimsFor(mario)).toEqual([
      {
        stream: 'customer-cf-RSSMRA80A01H501U',
        command: { kind: 'codiceFiscale', codiceFiscale: 'RSSMRA80A01H501U', customerId: 'c-1', at: AT },
      },
    ]);
    expect(claimsFor(firm)).toEqual([
      { stream: 'customer-piva-00743110157', command: { kind: 'partitaIva', partitaIva: '00743110157', customerId: 'c-2', at: AT } },
    ]);
    expect(() => claimsFor({ ...mario, codiceFiscale: 'RSSMRA80A01H501X' })).toThrow(/check character/);
  });

  it('claims a free codice fiscale', () => {
    claims
      .given([])
      .when((s) => encodable(claimTaxCode({ kind: 'codiceFiscale', codiceFiscale: 'rssmra80a01h501u', customerId: 'c-1', at: AT }, s)))
      .then([{ type: 'CustomerTaxCodeClaimed', data: { codiceFiscale: 'RSSMRA80A01H501U', customerId: 'c-1', claimedAt: AT } }]);
  });

  it('refuses a codice fiscale another customer holds, naming that customer', () => {
    claims
      .given([{ type: 'CustomerTaxCodeClaimed', data: { codiceFiscale: 'RSSMRA80A01H501U', customerId: 'c-1', claimedAt: AT } }])
      .when((s) => claimTaxCode({ kind: 'codiceFiscale', codiceFiscale: 'RSSMRA80A01H501U', customerId: 'c-7', at: AT }, s))
      .then({
        error: 'codice_fiscale_taken',
        kind: 'conflict',
        field: 'codiceFiscale',
        message: 'codice fiscale RSSMRA80A01H501U already belongs to customer c-1',
      });
  });

  it('the same customer claiming again (a retried registration) is a no-op', () => {
    claims
      .given([{ type: 'CustomerTaxCodeClaimed', data: { codiceFiscale: 'RSSMRA80A01H501U', customerId: 'c-1', claimedAt: AT } }])
      .when((s) => claimTaxCode({ kind: 'codiceFiscale', codiceFiscale: 'RSSMRA80A01H501U', customerId: 'c-1', at: AT }, s))
      .thenNothing();
  });

  it('claims a free partita IVA, and refuses a taken one naming its customer', () => {
    claims
      .given([])
      .when((s) => encodable(claimVatNumber({ kind: 'partitaIva', partitaIva: 'IT00743110157', customerId: 'c-2', at: AT }, s)))
      .then([{ type: 'CustomerVatNumberClaimed', data: { partitaIva: '00743110157', customerId: 'c-2', claimedAt: AT } }]);
    claims
      .given([{ type: 'CustomerVatNumberClaimed', data: { partitaIva: '00743110157', customerId: 'c-2', claimedAt: AT } }])
      .when((s) => claimVatNumber({ kind: 'partitaIva', partitaIva: '00743110157', customerId: 'c-3', at: AT }, s))
      .then({
        error: 'partita_iva_taken',
        kind: 'conflict',
        field: 'partitaIva',
        message: 'partita IVA 00743110157 already belongs to customer c-2',
      });
  });

  it('refuses to claim an invalid code', () => {
    claims
      .given([])
      .when((s) => claimVatNumber({ kind: 'partitaIva', partitaIva: '00743110158', customerId: 'c-2', at: AT }, s))
      .then({ error: 'partita_iva_check_digit', kind: 'invalid', field: 'partitaIva' });
  });
});
