// Customer accounts: registration (private holder, firm, Registration Officer), the profile e-mail,
// and the uniqueness guards "one codice fiscale, one customer" / "one partita IVA, one customer".
//
// Registering is two appends, guard first:
//   1. `claimTaxCode` (persons) or `claimVatNumber` (firms) on `customer-cf-<CF>` /
//      `customer-piva-<PIVA>`, expected revision 'no_stream'. A racing second registration gets a
//      wrong-expected-revision, re-reads the guard and is refused naming the customer holding it.
//   2. `registerCustomer` on `customer-<customerId>`.
// A claim by the same customer id again is a no-op, so a registration that crashed between the two
// appends can simply be retried with the same customerId. `claimsFor(command)` tells which guard
// streams a registration needs.
//
// Only a person's codice fiscale is claimed: a firm is unique by its partita IVA, and its optional
// codice fiscale is not claimed (a sole trader's firm carries the owner's personal code, and the
// owner may also be a private customer).
import { decideClaim } from '../shared/uniqueClaim';
import { z } from 'zod';
import type {
  BillingAddress,
  CustomerClaimEvent,
  CustomerEmailChanged,
  CustomerEvent,
  CustomerRegistered,
  CustomerSdiAddressChanged,
  CustomerTaxCodeClaimed,
  CustomerVatNumberClaimed,
} from './events';
import type { Decider } from '../shared/decider';
import { DomainError, FieldChecks, conflict, invalid, notFound } from '../shared/errors';
import { checkCodiceFiscale } from '../shared/codiceFiscale';
import { checkPartitaIva } from '../shared/partitaIva';
import { instantOf } from '../shared/utcTime';

// ---------------------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------------------

export const streamOf = (customerId: string): string => `customer-${customerId}`;
/** Guard stream of a (normalised) codice fiscale. */
export const taxCodeClaimStreamOf = (codiceFiscale: string): string => `customer-cf-${codiceFiscale}`;
/** Guard stream of a (normalised) partita IVA. */
export const vatNumberClaimStreamOf = (partitaIva: string): string => `customer-piva-${partitaIva}`;

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export type CustomerState =
  | { status: 'unregistered' }
  | {
      status: 'registered';
      customerId: string;
      kind: 'person' | 'firm';
      registrationOfficer: boolean;
      name: string;
      /** null for a firm. */
      surname: string | null;
      codiceFiscale: string | null;
      /** null for a person. */
      partitaIva: string | null;
      email: string;
      billingAddress: BillingAddress;
      /** The SdI recipient code (firms only); null when none is known. */
      sdiCode: string | null;
      /** The PEC address e-invoices may be delivered to; null when none is known. */
      pecAddress: string | null;
    };

export const initialState = (): CustomerState => ({ status: 'unregistered' });

export function evolve(state: CustomerState, event: CustomerEvent): CustomerState {
  switch (event.type) {
    case 'CustomerRegistered': {
      const d = event.data;
      return {
        status: 'registered',
        customerId: d.customerId,
        kind: d.kind,
        registrationOfficer: d.registrationOfficer,
        name: d.name,
        surname: d.kind === 'person' ? d.surname : null,
        codiceFiscale: d.codiceFiscale,
        partitaIva: d.kind === 'firm' ? d.partitaIva : null,
        email: d.email,
        billingAddress: d.billingAddress,
        sdiCode: null,
        pecAddress: null,
      };
    }
    case 'CustomerEmailChanged':
      return state.status === 'registered' ? { ...state, email: event.data.newEmail } : state;
    case 'CustomerSdiAddressChanged':
      return state.status === 'registered' ? { ...state, sdiCode: event.data.sdiCode, pecAddress: event.data.pecAddress } : state;
    default:
      return state;
  }
}

export const customerAggregate: Decider<CustomerState, CustomerEvent> = { initialState, evolve };

// ---------------------------------------------------------------------------------------------
// Validation shared with other aggregates
// ---------------------------------------------------------------------------------------------

/**
 * The normalised codice fiscale, or a DomainError kind 'invalid' on `field` whose code names the
 * failed check (`codice_fiscale_length`, `_format`, `_month`, `_day`, `_check_character`).
 */
export function validCodiceFiscale(value: string, field: string, options: { allowNumeric?: boolean } = {}): string {
  const r = checkCodiceFiscale(value, options);
  if (r.ok) return r.value;
  throw new DomainError(`codice_fiscale_${r.rule.replace(/-/g, '_')}`, r.message, 'invalid', field, r.expected === undefined ? undefined : { expected: r.expected });
}

/**
 * The normalised partita IVA (11 digits), or a DomainError kind 'invalid' on `field` whose code
 * names the failed check (`partita_iva_format`, `_office_code`, `_check_digit`).
 */
export function validPartitaIva(value: string, field: string): string {
  const r = checkPartitaIva(value);
  if (r.ok) return r.value;
  throw new DomainError(`partita_iva_${r.rule.replace(/-/g, '_')}`, r.message, 'invalid', field, r.expected === undefined ? undefined : { expected: r.expected });
}

const emailSchema = z.email();

/** Trimmed and lower-cased e-mail address, or DomainError 'email_invalid' on `field`. */
export function validEmail(value: string, field = 'email'): string {
  const email = value.trim().toLowerCase();
  if (!emailSchema.safeParse(email).success) {
    throw invalid(field, `not a valid e-mail address (got '${value}')`, 'email_invalid');
  }
  return email;
}

/** Trimmed, inner runs of spaces collapsed; refused when empty or longer than `max`. */
export function requiredText(value: string | undefined | null, field: string, max = 200): string {
  const text = (value ?? '').trim().replace(/\s+/g, ' ');
  if (text.length === 0) throw invalid(field, 'is required', 'value_required');
  if (text.length > max) throw invalid(field, `at most ${max} characters (got ${text.length})`, 'value_too_long', { max });
  return text;
}

export interface BillingAddressInput {
  street: string;
  postalCode: string;
  city: string;
  province: string;
  /** ISO 3166-1 alpha-2, default IT. */
  country?: string | undefined;
}

/**
 * Italian address rules: postal code (CAP) 5 digits, province 2 letters (upper-cased), country two
 * letters, default IT. A foreign address follows the FatturaPA convention: CAP `00000`, province
 * `EE`.
 */
export function validBillingAddress(input: BillingAddressInput, field = 'billingAddress'): BillingAddress {
  const checks = new FieldChecks();
  const street = checks.check(() => requiredText(input.street, `${field}.street`));
  const postalCode = checks.check(() => {
    const code = (input.postalCode ?? '').trim();
    if (!/^\d{5}$/.test(code)) {
      throw invalid(`${field}.postalCode`, `postal code must be 5 digits (got '${input.postalCode}')`, 'postal_code_invalid');
    }
    return code;
  });
  const city = checks.check(() => requiredText(input.city, `${field}.city`));
  const province = checks.check(() => {
    const p = (input.province ?? '').trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(p)) {
      throw invalid(`${field}.province`, `province must be 2 letters, e.g. RM (got '${input.province}')`, 'province_invalid');
    }
    return p;
  });
  const country = checks.check(() => {
    const c = (input.country ?? 'IT').trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(c)) {
      throw invalid(`${field}.country`, `country must be a 2-letter ISO code, e.g. IT (got '${input.country}')`, 'country_invalid');
    }
    return c;
  });
  checks.done();
  return { street: street!, postalCode: postalCode!, city: city!, province: province!, country: country! };
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

interface RegisterCustomerCommon {
  customerId: string;
  email: string;
  billingAddress: BillingAddressInput;
  /** When the command is decided, ISO-8601 UTC: the instant its event records. */
  at: string;
}

/** A private holder (registrationOfficer false/absent) or a Registration Officer. */
export interface RegisterPerson extends RegisterCustomerCommon {
  kind: 'person';
  name: string;
  surname: string;
  codiceFiscale: string;
  registrationOfficer?: boolean | undefined;
}

export interface RegisterFirm extends RegisterCustomerCommon {
  kind: 'firm';
  name: string;
  partitaIva: string;
  /** 11 digits (company) or 16 characters (sole trader); optional. */
  codiceFiscale?: string | null | undefined;
  /** A firm is never a Registration Officer: true is refused. */
  registrationOfficer?: boolean | undefined;
}

export type RegisterCustomer = RegisterPerson | RegisterFirm;

export function registerCustomer(command: RegisterCustomer, state: CustomerState): CustomerRegistered[] {
  const at = instantOf(command.at);
  if (state.status === 'registered') {
    throw conflict('customer_already_registered', `customer ${state.customerId} is already registered`);
  }
  const data = validRegistration(command, at);
  return [{ type: 'CustomerRegistered', data }];
}

/**
 * Every field of a registration checked, all of them even after a mistake: the answer names every
 * field at fault at once (FieldChecks), so a desk fixes the form in one go.
 */
function validRegistration(command: RegisterCustomer, at: string): CustomerRegistered['data'] {
  if (command.kind !== 'person' && command.kind !== 'firm') throw invalid('kind', `must be 'person' or 'firm'`, 'kind_invalid');
  if (command.kind === 'firm' && command.registrationOfficer === true) {
    throw invalid('registrationOfficer', 'a Registration Officer is a person, not a firm', 'registration_officer_not_person');
  }
  const checks = new FieldChecks();
  const customerId = checks.check(() => requiredText(command.customerId, 'customerId', 100));
  const name = checks.check(() => requiredText(command.name, 'name'));
  const surname = command.kind === 'person' ? checks.check(() => requiredText(command.surname, 'surname')) : undefined;
  const partitaIva = command.kind === 'firm' ? checks.check(() => validPartitaIva(command.partitaIva ?? '', 'partitaIva')) : undefined;
  const rawCf = (command.codiceFiscale ?? '').trim();
  const codiceFiscale =
    command.kind === 'person'
      ? checks.check(() => validCodiceFiscale(command.codiceFiscale ?? '', 'codiceFiscale'))
      : rawCf === ''
        ? null
        : checks.check(() => validCodiceFiscale(rawCf, 'codiceFiscale', { allowNumeric: true }));
  const email = checks.check(() => validEmail(command.email ?? ''));
  const billingAddress = checks.check(() => validBillingAddress(command.billingAddress));
  checks.done();
  if (command.kind === 'person') {
    return {
      kind: 'person',
      customerId: customerId!,
      name: name!,
      surname: surname!,
      codiceFiscale: codiceFiscale!,
      registrationOfficer: command.registrationOfficer === true,
      email: email!,
      billingAddress: billingAddress!,
      registeredAt: at,
    };
  }
  return {
    kind: 'firm',
    customerId: customerId!,
    name: name!,
    partitaIva: partitaIva!,
    codiceFiscale: codiceFiscale ?? null,
    registrationOfficer: false,
    email: email!,
    billingAddress: billingAddress!,
    registeredAt: at,
  };
}

export interface GuardClaim {
  stream: string;
  command: ClaimTaxCode | ClaimVatNumber;
}

/**
 * The guard claims a registration needs, to be decided and appended before `registerCustomer`:
 * a person's codice fiscale, or a firm's partita IVA, claimed at the registration's instant.
 * Validates what it reads (same errors as `registerCustomer`).
 */
export function claimsFor(command: RegisterCustomer): GuardClaim[] {
  const at = instantOf(command.at);
  const customerId = requiredText(command.customerId, 'customerId', 100);
  if (command.kind === 'person') {
    const codiceFiscale = validCodiceFiscale(command.codiceFiscale ?? '', 'codiceFiscale');
    return [{ stream: taxCodeClaimStreamOf(codiceFiscale), command: { kind: 'codiceFiscale', codiceFiscale, customerId, at } }];
  }
  const partitaIva = validPartitaIva(command.partitaIva ?? '', 'partitaIva');
  return [{ stream: vatNumberClaimStreamOf(partitaIva), command: { kind: 'partitaIva', partitaIva, customerId, at } }];
}

export interface ChangeCustomerEmail {
  customerId: string;
  email: string;
  /** When the command is decided, ISO-8601 UTC: the instant its event records. */
  at: string;
}

/** Records the new profile e-mail with the old one; the same address again changes nothing. */
export function changeCustomerEmail(
  command: ChangeCustomerEmail,
  state: CustomerState,
): CustomerEmailChanged[] {
  const at = instantOf(command.at);
  if (state.status !== 'registered') throw notFound('customer', command.customerId);
  const newEmail = validEmail(command.email ?? '');
  if (newEmail === state.email) return [];
  return [
    {
      type: 'CustomerEmailChanged',
      data: { customerId: state.customerId, oldEmail: state.email, newEmail, changedAt: at },
    },
  ];
}

/** Rule of the SdI recipient code, as the console and the API state it. */
export const SDI_CODE_RULE = '7 letters or digits (the SdI recipient code), not 0000000';

/** The SdI recipient code upper-cased and trimmed, or DomainError 'sdi_code_invalid' on `sdiCode`. */
export function validSdiCode(value: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z0-9]{7}$/.test(code) || code === '0000000') throw invalid('sdiCode', `must be ${SDI_CODE_RULE} (got '${value}')`, 'sdi_code_invalid');
  return code;
}

export interface ChangeCustomerSdiAddress {
  customerId: string;
  /** null or '' clears it. */
  sdiCode: string | null;
  /** null or '' clears it. */
  pecAddress: string | null;
  at: string;
}

/**
 * Sets where the SdI delivers the customer's e-invoices. A recipient code is a firm's (a consumer
 * receives in the tax drawer); a PEC address anyone may give. The same values again change nothing.
 */
export function changeCustomerSdiAddress(command: ChangeCustomerSdiAddress, state: CustomerState): CustomerSdiAddressChanged[] {
  const at = instantOf(command.at);
  if (state.status !== 'registered') throw notFound('customer', command.customerId);
  // Both fields checked, both named when both are wrong.
  const checks = new FieldChecks();
  const sdiCode = command.sdiCode === null || command.sdiCode.trim() === '' ? null : checks.check(() => validSdiCode(command.sdiCode!));
  if (sdiCode && state.kind !== 'firm') {
    checks.check(() => {
      throw invalid('sdiCode', 'a recipient code is for firms; a private customer receives e-invoices in the tax drawer (give a PEC address instead, or none)', 'sdi_code_for_firms_only');
    });
  }
  const pecAddress = command.pecAddress === null || command.pecAddress.trim() === '' ? null : checks.check(() => validEmail(command.pecAddress!, 'pecAddress'));
  checks.done();
  if (sdiCode === undefined || pecAddress === undefined) return [];
  if (sdiCode === state.sdiCode && pecAddress === state.pecAddress) return [];
  return [{ type: 'CustomerSdiAddressChanged', data: { customerId: state.customerId, sdiCode, pecAddress, changedAt: at } }];
}

// ---------------------------------------------------------------------------------------------
// Uniqueness guards: `customer-cf-<CF>` and `customer-piva-<PIVA>`
// ---------------------------------------------------------------------------------------------

/** State of a guard stream: who holds the code, if anyone. */
export interface ClaimState {
  claimedBy: string | null;
}

export const claimInitialState = (): ClaimState => ({ claimedBy: null });

export function evolveClaim(state: ClaimState, event: CustomerClaimEvent): ClaimState {
  switch (event.type) {
    case 'CustomerTaxCodeClaimed':
    case 'CustomerVatNumberClaimed':
      return { claimedBy: event.data.customerId };
    default:
      return state;
  }
}

export const claimAggregate: Decider<ClaimState, CustomerClaimEvent> = {
  initialState: claimInitialState,
  evolve: evolveClaim,
};

export interface ClaimTaxCode {
  kind: 'codiceFiscale';
  codiceFiscale: string;
  customerId: string;
  at: string;
}

export interface ClaimVatNumber {
  kind: 'partitaIva';
  partitaIva: string;
  customerId: string;
  at: string;
}

/**
 * Claims a codice fiscale for a customer. Refused (conflict `codice_fiscale_taken`, naming the
 * customer that holds it) when another customer has it; a no-op when this customer already has it.
 */
export function claimTaxCode(command: ClaimTaxCode, state: ClaimState): CustomerTaxCodeClaimed[] {
  const codiceFiscale = validCodiceFiscale(command.codiceFiscale, 'codiceFiscale', { allowNumeric: true });
  const customerId = requiredText(command.customerId, 'customerId', 100);
  const claimedAt = instantOf(command.at);
  const claim: CustomerTaxCodeClaimed[] = [{ type: 'CustomerTaxCodeClaimed', data: { codiceFiscale, customerId, claimedAt } }];
  return decideClaim(state.claimedBy, customerId, claim, (holder) =>
    new DomainError('codice_fiscale_taken', `codice fiscale ${codiceFiscale} already belongs to customer ${holder}`, 'conflict', 'codiceFiscale'),
  );
}

/**
 * Claims a partita IVA for a customer. Refused (conflict `partita_iva_taken`, naming the customer
 * that holds it) when another customer has it; a no-op when this customer already has it.
 */
export function claimVatNumber(command: ClaimVatNumber, state: ClaimState): CustomerVatNumberClaimed[] {
  const partitaIva = validPartitaIva(command.partitaIva, 'partitaIva');
  const customerId = requiredText(command.customerId, 'customerId', 100);
  const claimedAt = instantOf(command.at);
  const claim: CustomerVatNumberClaimed[] = [{ type: 'CustomerVatNumberClaimed', data: { partitaIva, customerId, claimedAt } }];
  return decideClaim(state.claimedBy, customerId, claim, (holder) =>
    new DomainError('partita_iva_taken', `partita IVA ${partitaIva} already belongs to customer ${holder}`, 'conflict', 'partitaIva'),
  );
}
