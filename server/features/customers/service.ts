// Customers: registration (guard streams first), profile e-mail changes, and reading one customer.
import type { CommandContext } from '../../../events/eventCatalogue';
import type { CustomerClaimEvent } from '../../../domain/customers/events';
import {
  changeCustomerEmail as decideEmailChange,
  changeCustomerSdiAddress as decideSdiAddressChange,
  claimAggregate,
  claimTaxCode,
  claimVatNumber,
  claimsFor,
  customerAggregate,
  registerCustomer as decideRegistration,
  streamOf as customerStream,
  type CustomerState,
  type RegisterFirm,
  type RegisterPerson,
} from '../../../domain/customers/decider';
import { notFound } from '../../../domain/shared/errors';
import { lastPosition, type SalesDeps } from '../deps';
import { handleCommand, loadAggregate } from '../../commands/handle';

export type RegisteredCustomer = Extract<CustomerState, { status: 'registered' }>;

/** customerId is optional: a new id is made when absent (give one to make a retry safe). */
export type RegisterCustomerInput =
  | (Omit<RegisterPerson, 'customerId' | 'at'> & { customerId?: string | undefined })
  | (Omit<RegisterFirm, 'customerId' | 'at'> & { customerId?: string | undefined });

export interface RegisterCustomerResult {
  position: number;
  customerId: string;
  customer: RegisteredCustomer;
}

/**
 * Claims the codice fiscale (person) or partita IVA (firm) on its guard stream, then registers the
 * customer. A code held by another customer is refused (409, `codice_fiscale_taken` /
 * `partita_iva_taken`, naming that customer). A registration that stopped between the two appends
 * can be retried with the same customerId: the claim by the same customer is a no-op.
 */
export async function registerCustomer(
  deps: SalesDeps,
  input: RegisterCustomerInput,
  ctx: CommandContext,
): Promise<RegisterCustomerResult> {
  const at = deps.clock().toISOString();
  const command = { ...input, customerId: input.customerId ?? deps.ids.uuid(), at } as RegisterPerson | RegisterFirm;
  // Everything is validated before anything is written: a refused registration claims nothing.
  decideRegistration(command, customerAggregate.initialState());
  const positions: number[] = [];
  for (const claim of claimsFor(command)) {
    const result = await handleCommand<{ claimedBy: string | null }, CustomerClaimEvent>(
      deps,
      claim.stream,
      claimAggregate,
      (state) => (claim.command.kind === 'codiceFiscale' ? claimTaxCode(claim.command, state) : claimVatNumber(claim.command, state)),
      ctx,
    );
    positions.push(result.position);
  }
  let registered: CustomerState = customerAggregate.initialState();
  const result = await handleCommand(deps, customerStream(command.customerId), customerAggregate, (state) => {
    const events = decideRegistration(command, state);
    registered = events.reduce(customerAggregate.evolve, state);
    return events;
  }, ctx);
  return {
    position: lastPosition(...positions, result.position),
    customerId: command.customerId,
    customer: registered as RegisteredCustomer,
  };
}

export interface ChangeCustomerEmailResult {
  position: number;
  customerId: string;
  email: string;
  /** False when the address was already the profile e-mail. */
  changed: boolean;
}

export async function changeCustomerEmail(
  deps: SalesDeps,
  input: { customerId: string; email: string },
  ctx: CommandContext,
): Promise<ChangeCustomerEmailResult> {
  let email = '';
  const result = await handleCommand(deps, customerStream(input.customerId), customerAggregate, (state) => {
    const events = decideEmailChange({ ...input, at: deps.clock().toISOString() }, state);
    email = events[0]?.data.newEmail ?? (state.status === 'registered' ? state.email : '');
    return events;
  }, ctx);
  return { position: result.position, customerId: input.customerId, email, changed: result.events.length > 0 };
}

export interface ChangeCustomerSdiAddressResult {
  position: number;
  customerId: string;
  sdiCode: string | null;
  pecAddress: string | null;
  /** False when both were already so. */
  changed: boolean;
}

/** Where the SdI delivers the customer's e-invoices (recipient code, PEC address); null clears. */
export async function changeCustomerSdiAddress(
  deps: SalesDeps,
  input: { customerId: string; sdiCode: string | null; pecAddress: string | null },
  ctx: CommandContext,
): Promise<ChangeCustomerSdiAddressResult> {
  let now: RegisteredCustomer | undefined;
  const result = await handleCommand(deps, customerStream(input.customerId), customerAggregate, (state) => {
    const events = decideSdiAddressChange({ ...input, at: deps.clock().toISOString() }, state);
    const after = events.reduce(customerAggregate.evolve, state);
    if (after.status === 'registered') now = after;
    return events;
  }, ctx);
  return {
    position: result.position,
    customerId: input.customerId,
    sdiCode: now?.sdiCode ?? null,
    pecAddress: now?.pecAddress ?? null,
    changed: result.events.length > 0,
  };
}

/** The customer as registered now, or 404 `customer_not_found`. */
export async function getCustomer(deps: Pick<SalesDeps, 'store' | 'catalogue'>, customerId: string): Promise<RegisteredCustomer> {
  const { state } = await loadAggregate(deps, customerStream(customerId), customerAggregate);
  if (state.status !== 'registered') throw notFound('customer', customerId);
  return state;
}

/** How the customer is named on documents and e-mails. */
export const customerDisplayName = (c: RegisteredCustomer): string => (c.surname ? `${c.name} ${c.surname}` : c.name);
