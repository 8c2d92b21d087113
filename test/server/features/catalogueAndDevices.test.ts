import { afterEach, describe, expect, it } from 'vitest';
import {
  addProduct,
  changeProductPrice,
  findRenewableDevices,
  holderSerials,
  importDevicesCsv,
  listProducts,
  placeOrder,
  quoteOrder,
  seedGuideProducts,
  withdrawProduct,
} from '../../../server/features/services';
import { DAY, GIUSEPPE_CF, HOUR, LAURA_CF, MARIO_CF, makeWorld, operator, registerCard, registerMario, shopWithMario, typesIn, type World } from './fixtures';

describe('products', () => {
  let world: World;
  afterEach(async () => world?.close());

  it("seeds the guide's products once; the guide's figures: €26.00 + 22% = €31.72", async () => {
    world = makeWorld();
    const first = await seedGuideProducts(world.deps, operator);
    expect(first.added).toEqual(['RIN-FIRMA', 'RIN-CNS', 'RIN-FIRMA-CNS', 'RIN-FIRMA-COMM', 'RIN-CNS-COMM', 'RIN-POSTICIPATO', 'CARTA-SOST', 'MT-100']);
    const again = await seedGuideProducts(world.deps, operator);
    expect(again).toEqual({ position: 0, added: [] });
    expect((await listProducts(world.deps)).map((p) => p.code)).toHaveLength(8);

    const { customerId } = await registerMario(world);
    const quote = await quoteOrder(world.deps, { customerId, choice: 'manual', lines: [{ productCode: 'rin-firma-cns', quantity: 1 }] });
    expect(quote.lines).toEqual([
      expect.objectContaining({ productCode: 'RIN-FIRMA-CNS', quantity: 1, unitPriceCents: 2600, vatRateBp: 2200, taxableCents: 2600, vatCents: 572, totalCents: 3172 }),
    ]);
    expect(quote.totals).toEqual({ taxableCents: 2600, vatCents: 572, totalCents: 3172 });
    expect(quote.codesEmail).toBe('mario.rossi@example.it');
  });

  it('orders take the current price; a withdrawn product cannot be ordered', async () => {
    world = makeWorld();
    const customerId = await shopWithMario(world, 5000);
    await addProduct(world.deps, { code: 'MT-500', description: 'Pacchetto 500 marche temporali', kind: 'timestamps', renews: 'none', timestampPackSize: 500, priceCents: 6000 }, operator);
    const changed = await changeProductPrice(world.deps, { code: 'MT-500', priceCents: 5500 }, operator);
    expect(changed.product.priceCents).toBe(5500);
    const quote = await quoteOrder(world.deps, { customerId, choice: 'manual', lines: [{ productCode: 'MT-500', quantity: 1 }] });
    expect(quote.totals.taxableCents).toBe(5500);

    await withdrawProduct(world.deps, { code: 'RIN-FIRMA', reason: 'fuori listino' }, operator);
    const refused = placeOrder(
      world.deps,
      { customerId, choice: 'manual', lines: [{ productCode: 'RIN-CNS', quantity: 1 }, { productCode: 'RIN-FIRMA', quantity: 2 }], payment: { mode: 'prepaid' } },
      operator,
    );
    await expect(refused).rejects.toMatchObject({ code: 'product_withdrawn', field: 'lines.1.productCode' });
    // Nothing was debited.
    expect(await typesIn(world.store, `prepaid-${customerId}`)).toEqual(['PrepaidToppedUp']);
  });
});

describe('devices', () => {
  let world: World;
  afterEach(async () => world?.close());

  it("lists the holder's devices that can be renewed: their window under the guides' policy is open or in grace", async () => {
    world = makeWorld();
    await registerCard(world, '1205100001', MARIO_CF, 30); // open
    await registerCard(world, '1205100002', MARIO_CF, 200); // not yet open: not listed
    await registerCard(world, '1205100003', MARIO_CF, -0.5); // expired 12 h ago: in grace
    await registerCard(world, '1205100004', MARIO_CF, -2); // expired 2 days ago: closed, a replacement
    await registerCard(world, '1205100005', LAURA_CF, 10); // another holder
    expect(await holderSerials(world.deps, MARIO_CF)).toEqual(['1205100001', '1205100002', '1205100003', '1205100004']);

    const found = await findRenewableDevices(world.deps, { holderCodiceFiscale: MARIO_CF.toLowerCase() });
    expect(found.devices.map((d) => [d.serial, d.status])).toEqual([
      ['1205100001', 'open'],
      ['1205100003', 'in_grace'],
    ]);
    expect(found.devices[0]!.toRenew).toEqual(['signing', 'authentication']);
    expect(found.needingReplacement.map((d) => d.serial)).toEqual(['1205100004']);
    expect((await findRenewableDevices(world.deps, { holderCodiceFiscale: GIUSEPPE_CF })).devices).toEqual([]);
    await expect(findRenewableDevices(world.deps, { holderCodiceFiscale: 'RSSMRA80A01H501X' })).rejects.toMatchObject({
      code: 'codice_fiscale_check_character',
    });
  });

  it('refuses a second registration of a serial, and a guided order past the renewal deadline', async () => {
    world = makeWorld();
    const customerId = await shopWithMario(world, 5000);
    await registerCard(world, '1205100009', MARIO_CF, 1);
    await expect(registerCard(world, '1205100009', MARIO_CF, 1)).rejects.toMatchObject({ code: 'device_already_registered', kind: 'conflict' });
    world.clock.advance(2 * DAY + HOUR);
    const late = placeOrder(
      world.deps,
      { customerId, choice: 'guided', holderCodiceFiscale: MARIO_CF, deviceSerial: '1205100009', payment: { mode: 'prepaid' } },
      operator,
    );
    await expect(late).rejects.toMatchObject({ code: 'replacement_card_needed' });
    expect(await typesIn(world.store, `prepaid-${customerId}`)).toEqual(['PrepaidToppedUp']);
  });

  it('imports a CSV row by row, with a report of what was accepted and what was refused', async () => {
    world = makeWorld();
    await registerCard(world, '1205100100', MARIO_CF, 30);
    const csv = [
      'serial;kind;issuer;issued_on;holder_cf;signing_serial;signing_valid_from;signing_valid_until;auth_serial;auth_valid_from;auth_valid_until',
      `1205100101;smart card;CCIAA Roma;01/04/2023;${LAURA_CF};5A01;01/04/2023;01/04/2026;5A02;01/04/2023;01/04/2026`,
      `1205100102;token;CCIAA Roma;2023-05-02;${MARIO_CF};6B01;2023-05-02;2026-05-02;;;`,
      `1205100103;smart_card;CCIAA Roma;01/04/2023;RSSMRA80A01H501X;7C01;01/04/2023;01/04/2026;;;`,
      `1205100100;smart_card;CCIAA Roma;01/04/2023;${MARIO_CF};8D01;01/04/2023;01/04/2026;;;`,
      `1205100101;smart_card;CCIAA Roma;01/04/2023;${LAURA_CF};9E01;01/04/2023;01/04/2026;;;`,
      `1205100104;smart_card;CCIAA Roma;31/02/2023;${LAURA_CF};9F01;01/04/2023;01/04/2026;;;`,
    ].join('\r\n');
    const report = await importDevicesCsv(world.deps, { text: csv }, operator);
    expect(report.accepted).toEqual([
      { row: 2, serial: '1205100101' },
      { row: 3, serial: '1205100102' },
    ]);
    expect(report.refused).toEqual([
      expect.objectContaining({ row: 4, column: 'holder_cf', code: 'codice_fiscale_check_character' }),
      expect.objectContaining({ row: 5, column: 'serial', code: 'device_already_registered', reason: expect.stringMatching(/1205100100 already exists/) }),
      expect.objectContaining({ row: 6, column: 'serial', code: 'serial_duplicate' }),
      expect.objectContaining({ row: 7, column: 'issued_on', code: 'date_invalid' }),
    ]);
    expect(report.position).toBeGreaterThan(0);
    // Refused rows changed nothing.
    expect(await typesIn(world.store, 'device-1205100103')).toEqual([]);
    expect(await typesIn(world.store, 'device-1205100104')).toEqual([]);
    expect(await typesIn(world.store, 'device-1205100100')).toEqual(['DeviceRegistered']);
    expect(await holderSerials(world.deps, LAURA_CF)).toEqual(['1205100101']);
    expect(await holderSerials(world.deps, MARIO_CF)).toEqual(['1205100100', '1205100102']);
  });
});
