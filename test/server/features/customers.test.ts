import { afterEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../../events/index';
import { DomainError } from '../../../domain/shared/errors';
import {
  approvePrepaidAdjustment,
  changeCustomerEmail,
  getCustomer,
  prepaidBalance,
  registerCustomer,
  requestPrepaidAdjustment,
  topUpPrepaid,
} from '../../../server/features/services';
import { FIRM_PIVA, MARIO_CF, accountant, makeWorld, operator, registerMario, romeAddress, supervisor, typesIn, type World } from './fixtures';

describe('customers and prepaid accounts', () => {
  let world: World;
  afterEach(async () => world?.close());

  it('registers a person, claiming the codice fiscale first; one CF, one customer', async () => {
    world = makeWorld();
    const first = await registerMario(world);
    expect(first.position).toBeGreaterThan(0);
    expect(first.customer).toMatchObject({ name: 'Mario', surname: 'Rossi', codiceFiscale: MARIO_CF, email: 'mario.rossi@example.it' });
    expect(await typesIn(world.store, `customer-cf-${MARIO_CF}`)).toEqual(['CustomerTaxCodeClaimed']);

    const second = registerCustomer(
      world.deps,
      { kind: 'person', name: 'Mario', surname: 'Rossi', codiceFiscale: MARIO_CF.toLowerCase(), email: 'altro@example.it', billingAddress: romeAddress },
      operator,
    );
    await expect(second).rejects.toMatchObject({ code: 'codice_fiscale_taken', kind: 'conflict' });
    await expect(second).rejects.toThrow(first.customerId);
  });

  it('completes a registration that stopped after the claim, when retried with the same id', async () => {
    world = makeWorld();
    const claim = catalogue.encode({ type: 'CustomerTaxCodeClaimed', data: { codiceFiscale: MARIO_CF, customerId: 'c-42', claimedAt: operator.at } }, operator);
    await world.store.append(`customer-cf-${MARIO_CF}`, [claim], { expectedRevision: 'no_stream' });
    const result = await registerCustomer(
      world.deps,
      { customerId: 'c-42', kind: 'person', name: 'Mario', surname: 'Rossi', codiceFiscale: MARIO_CF, email: 'm@example.it', billingAddress: romeAddress },
      operator,
    );
    expect(result.customerId).toBe('c-42');
    expect(await typesIn(world.store, `customer-cf-${MARIO_CF}`)).toEqual(['CustomerTaxCodeClaimed']);
    expect((await getCustomer(world.deps, 'c-42')).email).toBe('m@example.it');
  });

  it('a refused registration claims nothing', async () => {
    world = makeWorld();
    const bad = registerCustomer(
      world.deps,
      { kind: 'person', name: 'Mario', surname: 'Rossi', codiceFiscale: MARIO_CF, email: 'not-an-email', billingAddress: romeAddress },
      operator,
    );
    await expect(bad).rejects.toMatchObject({ code: 'email_invalid', field: 'email' });
    expect(await typesIn(world.store, `customer-cf-${MARIO_CF}`)).toEqual([]);
  });

  it('registers a firm by its partita IVA', async () => {
    world = makeWorld();
    const firm = await registerCustomer(
      world.deps,
      { kind: 'firm', name: 'Studio Bianchi', partitaIva: `IT${FIRM_PIVA}`, email: 'Studio@Example.it', billingAddress: romeAddress },
      operator,
    );
    expect(firm.customer).toMatchObject({ kind: 'firm', partitaIva: FIRM_PIVA, email: 'studio@example.it' });
    expect(await typesIn(world.store, `customer-piva-${FIRM_PIVA}`)).toEqual(['CustomerVatNumberClaimed']);
  });

  it('changes the profile e-mail; the same address again changes nothing', async () => {
    world = makeWorld();
    const { customerId } = await registerMario(world);
    const changed = await changeCustomerEmail(world.deps, { customerId, email: ' Mario@Nuovo.it ' }, operator);
    expect(changed).toMatchObject({ email: 'mario@nuovo.it', changed: true });
    const again = await changeCustomerEmail(world.deps, { customerId, email: 'mario@nuovo.it' }, operator);
    expect(again).toMatchObject({ changed: false, position: 0 });
    await expect(changeCustomerEmail(world.deps, { customerId: 'nobody', email: 'x@example.it' }, operator)).rejects.toMatchObject({
      code: 'customer_not_found',
    });
  });

  it('tops up with the 1.80% fee on top, refuses less than the minimum, and credits an approved adjustment', async () => {
    world = makeWorld();
    const { customerId } = await registerMario(world);
    const topUp = await topUpPrepaid(
      world.deps,
      { customerId, topUpId: 't-1', amountReceivedCents: 3359, method: 'bank_transfer', reference: 'CRO 123', receivedOn: '2026-03-09' },
      operator,
    );
    expect(topUp).toMatchObject({ creditedCents: 3300, feeCents: 59, balanceCents: 3300 });
    const repeat = await topUpPrepaid(
      world.deps,
      { customerId, topUpId: 't-1', amountReceivedCents: 3359, method: 'bank_transfer', reference: 'CRO 123', receivedOn: '2026-03-09' },
      operator,
    );
    expect(repeat).toMatchObject({ position: 0, creditedCents: 0, balanceCents: 3300 });
    const small = topUpPrepaid(
      world.deps,
      { customerId, amountReceivedCents: 1000, method: 'cash', reference: 'R-1', receivedOn: '2026-03-09' },
      operator,
    );
    await expect(small).rejects.toBeInstanceOf(DomainError);
    await expect(small).rejects.toMatchObject({ code: 'top_up_below_minimum' });
    const asked = await requestPrepaidAdjustment(world.deps, { customerId, amountCents: 100, reason: 'goodwill' }, accountant);
    expect(asked).toMatchObject({ status: 'pending', balanceCents: 3300 });
    expect(await prepaidBalance(world.deps, customerId)).toBe(3300);
    const approved = await approvePrepaidAdjustment(world.deps, { customerId, adjustmentId: asked.adjustmentId }, supervisor);
    expect(approved).toMatchObject({ status: 'approved', balanceCents: 3400 });
    expect(await prepaidBalance(world.deps, customerId)).toBe(3400);
  });
});
